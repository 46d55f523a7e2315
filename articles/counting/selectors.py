"""Read views back: "most read" lists for the site, the per-day breakdown for the admin."""

from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from ..caching import generation_key
from ..conf import conf
from ..models import Article, ArticleDailyViews, column_of
from ..selectors import public_articles

# Fewer articles read today than this, and the block shows the week instead (early in the day, on a quiet site).
MOST_READ_TODAY_AT_LEAST = 3


def most_read(*, language: str, days: int, limit: int = 5, now: datetime | None = None) -> list[Article]:
    """The published articles available in ``language`` that were read most in it, most read first.

    ``days=1`` is today (the site's local day), ``days=7`` today and the six days before. Each article carries its
    views in the window as ``views_in_window`` and has its section loaded. (There is no all-time list: ranking by
    ``view_count`` reads the whole archive, and an index on it would slow every counted view.)

    Cached for ``ARTICLES_MOST_READ_CACHE_SECONDS``; a miss costs two queries (rarely more, see
    ``most_read_in_window``), whatever ``limit`` is. The rendered bodies are left out (``body_html`` is deferred),
    so the cached list stays small.
    """
    key = most_read_cache_key(language=language, days=days, limit=limit)
    articles = cache.get(key)
    if articles is None:
        articles = most_read_in_window(language=language, days=days, limit=limit, now=now)
        cache.set(key, articles, conf.ARTICLES_MOST_READ_CACHE_SECONDS)
    return articles


def most_read_block(
    *, language: str, limit: int = 5, exclude: int | None = None, now: datetime | None = None
) -> tuple[int, list[Article]]:
    """The one "most read" list a page shows: today's, or this week's while today has fewer than three articles;
    never article ``exclude`` (the page's own). Returns the window's days (1 or 7) and the list.

    Reads the cached lists of ``most_read``, one more than ``limit`` so that leaving the page's article out still
    fills the block; on a cold cache, two queries per window asked.
    """
    articles: list[Article] = []
    for days in (1, 7):
        articles = [article for article in most_read(language=language, days=days, limit=limit + 1, now=now)
                    if article.pk != exclude][:limit]
        if len(articles) >= MOST_READ_TODAY_AT_LEAST:
            return days, articles
    return 7, articles


def most_read_cache_key(*, language: str, days: int, limit: int) -> str:
    # Under the content generation: a withdrawn article leaves the lists at once.
    return generation_key("most-read", language, days, limit)


def listed_articles(language: str):
    """The public articles of ``language`` as the lists show them: section loaded, rendered bodies left out."""
    return (
        public_articles(language=language)
        .defer("body_html", *(build_localized_fieldname("body_html", code) for code in conf.ARTICLES_LANGUAGES))
    )


# How many of a window's most read articles are fetched for each one a list shows: those that are no longer
# public (withdrawn, or their language emptied) are skipped, and the next ones fetched only if too few remain.
CANDIDATES_PER_PLACE = 4


def most_read_in_window(*, language: str, days: int, limit: int, now: datetime | None = None) -> list[Article]:
    """The ``limit`` public articles of ``language`` with the most views in ``language`` in the last ``days``.

    Bounded by the window, never by the archive: the window's daily rows (``articles_daily_views_recent``:
    language, day) are summed per article and the top ``limit × CANDIDATES_PER_PLACE`` taken, then only those
    articles are tested for being public (by primary key). Should too few of them be public, the next candidates
    are fetched, four times as many each time, until the window has no more.
    """
    recent = ArticleDailyViews.objects.filter(language=language, day__gte=first_day(days, now))
    totals = recent.values("article").annotate(total=Sum("views")).order_by("-total", "-article")
    wanted = limit * CANDIDATES_PER_PLACE
    start = 0
    found: list[Article] = []
    while len(found) < limit:
        candidates = {row["article"]: row["total"] for row in totals[start:start + wanted]}
        if not candidates:
            break
        public = listed_articles(language).in_bulk(list(candidates))
        for article_id, total in candidates.items():
            if article_id in public and len(found) < limit:
                article = public[article_id]
                article.views_in_window = total
                found.append(article)
        if len(candidates) < wanted:
            break
        start, wanted = start + wanted, wanted * 4
    return found


def first_day(days: int, now: datetime | None = None) -> date:
    """The first day of a window of ``days`` local days that ends today."""
    return timezone.localdate(now) - timedelta(days=days - 1)


def daily_views(*, article_id: int, days: int = 30, now: datetime | None = None) -> list[tuple[date, dict[str, int]]]:
    """Views of one article per day (newest first) and language over the last ``days`` days, in one query.

    Days without views are left out.
    """
    by_day: dict[date, dict[str, int]] = {}
    rows = ArticleDailyViews.objects.filter(article_id=article_id, day__gte=first_day(days, now)).values_list(
        "day", "language", "views"
    )
    for day, language, views in rows.order_by("-day", "language"):
        by_day.setdefault(day, {})[language] = views
    return list(by_day.items())


def current_view_count(article_id: int) -> int:
    """The all-time total in the database now, read with one small query.

    Article pages keep the article itself in the cache; the number on the page comes from here, so it is never
    older than the request.
    """
    table = connection.ops.quote_name(Article._meta.db_table)
    column = connection.ops.quote_name(column_of(Article, "view_count"))
    key = connection.ops.quote_name(column_of(Article, Article._meta.pk.name))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {key} = %s", [article_id])
        row = cursor.fetchone()
    return row[0] if row else 0
