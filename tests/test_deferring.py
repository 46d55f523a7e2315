"""articles.deferring: work noted inside blocks is done once, by the outermost block, and never after an error."""

import pytest

from articles.deferring import DeferredSet


def test_outside_a_block_nothing_is_deferred():
    flushed = []
    deferred = DeferredSet("test_outside", flushed.append)
    assert deferred.defer([1]) is False
    assert flushed == []


def test_nested_blocks_hand_everything_to_one_flush_when_the_outermost_ends():
    flushed = []
    deferred = DeferredSet("test_nested", flushed.append)
    with deferred.block():
        assert deferred.defer([1, 2])
        with deferred.block():
            deferred.defer([2, 3])
        assert flushed == []
    assert flushed == [{1, 2, 3}]


def test_a_block_ended_by_an_error_does_nothing_and_an_empty_one_flushes_nothing():
    flushed = []
    deferred = DeferredSet("test_error", flushed.append)
    with pytest.raises(RuntimeError), deferred.block():
        deferred.defer([1])
        raise RuntimeError
    with deferred.block():
        pass
    assert flushed == []
    assert deferred.defer([1]) is False
