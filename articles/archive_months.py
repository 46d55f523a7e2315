"""The sitemap index's rollup (``ArchiveMonth``): per language and month (UTC), how many articles are listed there
and when the latest of them changed, kept exact by every write of an article.

Every save and delete passes through the signal receivers below (wired in ``apps.py``), the services' bulk
``update()``s through ``archive_months_kept``; each refreshes only the months the articles were in before and are in
after, by counting those months again from the language's partial index (a month's entries, whatever the
archive's size). Writers that bypass both (``bulk_create``, a data migration, SQL) call ``archive_months_rebuild``
(``manage.py rebuild_article_counts``).
"""

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth

from .conf import conf
from .deferring import DeferredSet
from .models import ArchiveMonth, Article, language_field, listed_condition

# A language and the first day of a month (UTC).
Month = tuple[str, date]

# The months written inside ``archive_months_deferred()``, refreshed together when it ends.
_deferred: DeferredSet[Month] = DeferredSet(
    "articles_archive_months_deferred", lambda months: archive_months_refresh(months=months),
)


def month_of(time: datetime) -> date:
    return time.astimezone(UTC).date().replace(day=1)


def month_start(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=UTC)


def month_after(month: date) -> datetime:
    return datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)


def time_fields(languages: Collection[str]) -> list[str]:
    return [language_field("published_at", code) for code in languages]


def article_months(article: Article) -> set[Month]:
    """The months ``article`` is in, by its own (unsaved or deleted) values: one per language it has a time in."""
    return {
        (code, month_of(time)) for code in conf.ARTICLES_LANGUAGES
        if (time := article.__dict__.get(language_field("published_at", code))) is not None
    }


def archive_months_of(*, article_ids: Collection[int]) -> set[Month]:
    """The months these articles are in as stored (one query)."""
    if not article_ids:
        return set()
    languages = list(conf.ARTICLES_LANGUAGES)
    rows = Article._base_manager.filter(pk__in=article_ids).values_list(*time_fields(languages))
    return {
        (code, month_of(time)) for row in rows for code, time in zip(languages, row, strict=True) if time is not None
    }


def month_counts(
    article_model: type[models.Model], language: str, months: Collection[date] | None = None
) -> dict[date, tuple[int, datetime | None]]:
    """``{month: (listed articles, latest updated_at)}`` of ``language``, over ``months`` (default: every month),
    read from the language's partial index."""
    time_field = language_field("published_at", language)
    articles = article_model._base_manager.filter(listed_condition(language), **{f"{time_field}__isnull": False})
    if months is not None:
        articles = articles.filter(reduce(or_, (
            Q(**{f"{time_field}__gte": month_start(month), f"{time_field}__lt": month_after(month)})
            for month in months
        )))
    rows = (
        articles.annotate(month=TruncMonth(time_field, tzinfo=UTC)).order_by().values("month")
        .annotate(count=Count("pk"), lastmod=Max("updated_at"))
    )
    return {month_of(row["month"]): (row["count"], row["lastmod"]) for row in rows}


def write_months(month_model: type[models.Model], rows: list[models.Model], fields: list[str]) -> None:
    month_model._base_manager.bulk_create(
        rows, update_conflicts=True, unique_fields=["language", "month"], update_fields=fields
    )


def archive_months_refresh(*, months: Collection[Month]) -> None:
    """Count ``months`` again from the articles and store them (deferred inside ``archive_months_deferred()``).

    The months' rows are written (and so locked, on PostgreSQL, until the transaction ends) before they are counted,
    so that two transactions refreshing one month take turns and the second counts what the first committed.
    Three queries and one per language, for any number of months.
    """
    if _deferred.defer(months):
        return
    wanted = sorted(set(months))
    if not wanted:
        return
    write_months(ArchiveMonth, [ArchiveMonth(language=code, month=month) for code, month in wanted], ["count"])
    counted: dict[Month, tuple[int, datetime | None]] = {}
    for code in sorted({code for code, _month in wanted}):
        language_months = [month for language, month in wanted if language == code]
        counted.update({
            (code, month): values for month, values in month_counts(Article, code, language_months).items()
        })
    write_months(ArchiveMonth, [
        ArchiveMonth(language=code, month=month, count=counted.get((code, month), (0, None))[0],
                     lastmod=counted.get((code, month), (0, None))[1])
        for code, month in wanted
    ], ["count", "lastmod"])


@contextmanager
def archive_months_deferred() -> Iterator[None]:
    """Refresh the months of the articles written inside in one go when the block ends, instead of once per write.

    For writers of many articles at once (an import's batch): the block must end inside the transaction that
    wrote them. Nothing is refreshed when the block ends with an exception.
    """
    with _deferred.block():
        yield


@contextmanager
def archive_months_kept(*, article_ids: Collection[int]) -> Iterator[None]:
    """Around a bulk ``update()`` of these articles (no signals): refresh the months they were in and are in."""
    before = archive_months_of(article_ids=article_ids)
    yield
    archive_months_refresh(months=before | archive_months_of(article_ids=article_ids))


def archive_months_rebuild(
    *, article_model: type[models.Model] = Article, month_model: type[models.Model] = ArchiveMonth,
    languages: Collection[str] | None = None,
) -> int:
    """Make the whole rollup again from the articles (one grouped query per language); return how many months
    have articles. The models may be a migration's."""
    month_model._base_manager.all().delete()
    rows = [
        month_model(language=code, month=month, count=count, lastmod=lastmod)
        for code in (conf.ARTICLES_LANGUAGES if languages is None else languages)
        for month, (count, lastmod) in month_counts(article_model, code).items()
    ]
    month_model._base_manager.bulk_create(rows)
    return len(rows)


def article_before_save(sender, instance: Article, **kwargs) -> None:
    """Signal receiver: note the months the article is in as stored, which its save may leave."""
    if instance.pk is None or instance._state.adding:
        instance._months_before_save = set()  # type: ignore[attr-defined]
        return
    instance._months_before_save = archive_months_of(article_ids=[instance.pk])  # type: ignore[attr-defined]


def article_saved(sender, instance: Article, **kwargs) -> None:
    """Signal receiver: refresh the months the article was in and is in (its change time, at least, moved)."""
    archive_months_refresh(months=getattr(instance, "_months_before_save", set()) | article_months(instance))


def article_deleted(sender, instance: Article, **kwargs) -> None:
    """Signal receiver: refresh the months a deleted article was in."""
    archive_months_refresh(months=article_months(instance))
