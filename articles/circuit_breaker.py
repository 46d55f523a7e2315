"""A circuit breaker: after a service failed, leave it alone for a while instead of waiting for it on every request.

Used for Redis by the view counter (``articles.counting.backends``) and by the host project's cache.
"""

import logging
import time
from collections.abc import Callable


class CircuitBreaker:
    """Open for ``retry_seconds`` after each failure; while open, callers skip the service.

    ``clock`` returns seconds (default ``time.monotonic``); tests pass one they advance by hand. Failures are
    logged to ``logger`` at most once per ``warn_every_seconds``, so an outage is visible without flooding the log.
    """

    def __init__(
        self,
        *,
        retry_seconds: float,
        logger: logging.Logger,
        warn_every_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.retry_seconds = retry_seconds
        self.logger = logger
        self.warn_every_seconds = warn_every_seconds
        self.clock = clock
        self._open_until: float | None = None
        self._warned_at: float | None = None

    @property
    def is_open(self) -> bool:
        """Whether the service failed less than ``retry_seconds`` ago and should not be tried."""
        return self._open_until is not None and self.clock() < self._open_until

    def failed(self, message: str, *args: object) -> None:
        """Open the breaker; log ``message % args`` as a warning unless one was logged within the period."""
        now = self.clock()
        self._open_until = now + self.retry_seconds
        if self._warned_at is None or now - self._warned_at >= self.warn_every_seconds:
            self._warned_at = now
            self.logger.warning(message, *args)
