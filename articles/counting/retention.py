"""How long daily view rows are kept: ``ARTICLES_DAILY_VIEWS_KEEP_DAYS``, applied by ``daily_views_prune``.

``Article.view_count`` keeps the all-time total whatever is pruned: a daily row only says on which day views came,
for the "most read" lists of today and this week and the admin's breakdown of the last 30 days.
"""

from datetime import date, datetime, timedelta

from django.utils import timezone

from ..conf import conf
from ..models import ArticleDailyViews

# Rows deleted per statement, so that no statement holds its locks for long on a large table.
PRUNE_BATCH = 10_000

# The longest window anything reads daily rows for (the admin's breakdown); a shorter keep is refused by a check.
LONGEST_WINDOW_DAYS = 30


def first_kept_day(*, keep_days: int, now: datetime | None = None) -> date:
    """The oldest local day whose rows ``keep_days`` keeps (today counts as one)."""
    return timezone.localdate(now) - timedelta(days=keep_days - 1)


def daily_views_prune(*, keep_days: int | None = None, now: datetime | None = None) -> int:
    """Delete the daily view rows older than ``keep_days`` days (default ``ARTICLES_DAILY_VIEWS_KEEP_DAYS``; None
    keeps every row) and return how many were deleted.

    Per language and in statements of ``PRUNE_BATCH`` rows, each found through the ``(language, day)`` index.
    Totals are not touched: ``Article.view_count`` already holds every view.
    """
    keep_days = conf.ARTICLES_DAILY_VIEWS_KEEP_DAYS if keep_days is None else keep_days
    if keep_days is None:
        return 0
    before = first_kept_day(keep_days=keep_days, now=now)
    deleted = 0
    for language in conf.ARTICLES_LANGUAGES:
        old = ArticleDailyViews.objects.filter(language=language, day__lt=before).order_by()
        while ids := list(old.values_list("pk", flat=True)[:PRUNE_BATCH]):
            deleted += ArticleDailyViews.objects.filter(pk__in=ids).delete()[0]
    return deleted
