"""Plain helpers the tests share; fixtures live in ``conftest.py``."""


class FakeClock:
    """A clock for code that takes one (``CircuitBreaker(clock=…)``): it moves only when the test moves it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
