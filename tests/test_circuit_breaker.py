"""The circuit breaker the view counter and the cache share: open for a while after a failure, warning rarely."""

import logging

import pytest

from articles.circuit_breaker import CircuitBreaker

logger = logging.getLogger("tests.breaker")


@pytest.fixture
def breaker(clock) -> CircuitBreaker:
    return CircuitBreaker(retry_seconds=10, logger=logger, warn_every_seconds=60, clock=clock)


def test_a_breaker_that_never_saw_a_failure_is_closed(breaker):
    assert not breaker.is_open


def test_after_a_failure_the_breaker_stays_open_for_exactly_the_retry_period(breaker, clock):
    breaker.failed("down")
    assert breaker.is_open
    clock.advance(9.999)
    assert breaker.is_open
    clock.advance(0.001)
    assert not breaker.is_open


def test_each_failure_opens_the_breaker_again_from_its_own_time(breaker, clock):
    breaker.failed("down")
    clock.advance(10)
    breaker.failed("down again")
    clock.advance(5)
    assert breaker.is_open
    clock.advance(5)
    assert not breaker.is_open


def test_failures_are_logged_once_per_period_with_their_arguments(breaker, clock, caplog):
    caplog.set_level(logging.WARNING, logger="tests.breaker")
    breaker.failed("Redis failed: %s", "first")
    for seconds in (10, 20, 29.5):
        clock.advance(seconds)  # 59.5 s after the first warning
        breaker.failed("Redis failed: %s", "again")
    clock.advance(0.5)
    breaker.failed("Redis failed: %s", "a minute later")
    assert [record.getMessage() for record in caplog.records] == [
        "Redis failed: first", "Redis failed: a minute later",
    ]
    assert all(record.levelno == logging.WARNING for record in caplog.records)

