"""Every state change of an article goes through here: views, admin actions and commands stay thin."""

from datetime import datetime

from django.db.models import F, QuerySet
from django.utils import timezone

from .models import Article


def article_publish(*, articles: QuerySet[Article], at: datetime | None = None) -> int:
    """Publish the drafts among ``articles`` and return how many there were.

    They go public at ``at`` when given; otherwise a draft keeps the time it already has (a scheduled one stays
    scheduled, a withdrawn one keeps its first date) and one without a time is published now.
    """
    now = timezone.now()
    drafts = articles.filter(status=Article.Status.DRAFT)
    if at is not None:
        drafts.update(published_at=at)
    else:
        drafts.filter(published_at__isnull=True).update(published_at=now)
    return drafts.update(status=Article.Status.PUBLISHED, updated_at=now)


def article_unpublish(*, articles: QuerySet[Article]) -> int:
    """Return ``articles`` to draft; their publication time is kept for when they are published again."""
    return articles.filter(status=Article.Status.PUBLISHED).update(
        status=Article.Status.DRAFT, updated_at=timezone.now()
    )


def article_record_view(*, article_id: int, language: str) -> None:
    """Count one reader's view of an article, with one atomic statement (never read-modify-write)."""
    Article.objects.filter(pk=article_id).update(view_count=F("view_count") + 1)
