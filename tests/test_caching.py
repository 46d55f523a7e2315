"""The content generation: every change starts a new one, and its transaction's commit one more."""

import pytest
from django.db import transaction

from articles.caching import content_generation, renew_generation
from articles.models import Section


def renewals(callbacks) -> int:
    return sum(1 for callback in callbacks if callback is renew_generation)


def test_a_change_renews_the_generation_at_once_and_again_at_the_commit(db, django_capture_on_commit_callbacks):
    before = content_generation()
    with django_capture_on_commit_callbacks() as callbacks:
        Section.objects.create(name_en="City")
        during = content_generation()
    assert during != before
    assert renewals(callbacks) == 1


def test_many_changes_in_one_transaction_queue_one_renewal_for_its_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        for number in range(50):
            Section.objects.create(name_en=f"Section {number}")
    assert renewals(callbacks) == 1


def test_a_renewal_dropped_with_its_savepoint_is_queued_again(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            Section.objects.create(name_en="Rolled back")
            raise RuntimeError
        Section.objects.create(name_en="Kept")
        during = content_generation()
    assert renewals(callbacks) == 1  # the first one went with its savepoint
    assert content_generation() != during  # the commit renewed it

