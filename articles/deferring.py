"""Work noted inside a block and done once, for everything noted, when the outermost block ends.

For writers of many rows at once (an import's batch): what each save would do on its own (index the article,
recount its months) is gathered and done in one go. The block must end inside the transaction that wrote the
rows, as the per-save work would have; nothing is done when it ends with an exception.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

T = TypeVar("T")


class DeferredSet(Generic[T]):
    """A set of pending items per context, handed to ``flush`` when the outermost ``block()`` ends."""

    def __init__(self, name: str, flush: Callable[[set[T]], None]) -> None:
        self._pending: ContextVar[set[T] | None] = ContextVar(name, default=None)
        self._flush = flush

    def defer(self, items: Iterable[T]) -> bool:
        """Note ``items`` if a block is open and return True; outside one, return False (do the work now)."""
        pending = self._pending.get()
        if pending is None:
            return False
        pending.update(items)
        return True

    @contextmanager
    def block(self) -> Iterator[None]:
        outer = self._pending.get()
        pending: set[T] = set()
        token = self._pending.set(pending)
        try:
            yield
        finally:
            self._pending.reset(token)
        if outer is not None:
            outer.update(pending)
        elif pending:
            self._flush(pending)
