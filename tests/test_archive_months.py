"""The sitemap index's rollup of months (``articles.archive_months``): exact after every kind of write."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, Max
from django.db.models.functions import TruncMonth
from django.utils import timezone

from articles import services
from articles.archive_months import archive_months_deferred, archive_months_rebuild
from articles.models import ArchiveMonth, Article, language_field
from articles.sitemaps import ArticleFile, article_file_name, article_files

LANGUAGES = ("en", "ru", "kk")


def live_files(now: datetime) -> list[ArticleFile]:
    """What the sitemap index listed before the rollup: every public article grouped by month, language by language."""
    files = []
    for code in LANGUAGES:
        time_field = language_field("published_at", code)
        months = (
            Article.objects.public(code, now=now).annotate(month=TruncMonth(time_field, tzinfo=UTC))
            .order_by("-month").values("month").annotate(count=Count("pk"), lastmod=Max("updated_at"))
        )
        files += [ArticleFile(code, row["month"], row["count"], row["lastmod"]) for row in months]
    return files


def rollup() -> dict[tuple[str, str], tuple[int, datetime]]:
    return {
        (row.language, f"{row.month:%Y-%m}"): (row.count, row.lastmod)
        for row in ArchiveMonth.objects.filter(count__gt=0)
    }


def listed_months() -> dict[tuple[str, str], tuple[int, datetime]]:
    """The rollup as the articles give it, counted whole: listed articles (public now or scheduled) by month."""
    months = {}
    for code in LANGUAGES:
        time_field = language_field("published_at", code)
        rows = (
            Article.objects.listed_in(code).annotate(month=TruncMonth(time_field, tzinfo=UTC)).order_by()
            .values("month").annotate(count=Count("pk"), lastmod=Max("updated_at"))
        )
        months.update({(code, f"{row['month']:%Y-%m}"): (row["count"], row["lastmod"]) for row in rows})
    return months


def assert_exact(now: datetime | None = None) -> None:
    moment = now or timezone.now()
    assert rollup() == listed_months()
    assert article_files(now=moment) == live_files(moment)


def months_ago(months: int) -> datetime:
    return timezone.now() - timedelta(days=31 * months)


@pytest.fixture
def archive(make_article) -> list[Article]:
    """Articles in several past months and this one, some in two languages only, one kept back in Kazakh."""
    articles = [make_article(published_at=months_ago(months)) for months in (0, 1, 1, 3, 14)]
    articles.append(make_article(languages=("en", "ru"), published_at=months_ago(3)))
    kept_back = make_article(published_at=months_ago(2))
    kept_back.status_kk = Article.Status.DRAFT
    kept_back.save()
    return [*articles, kept_back]


def test_new_articles_are_counted_in_their_month_at_once(archive):
    assert_exact()
    assert rollup()[("ru", f"{months_ago(1):%Y-%m}")][0] == 2


def test_an_edit_moves_its_months_last_change(archive):
    article = archive[3]
    article.title_en = "Corrected"
    article.save()
    assert_exact()
    assert rollup()[("en", f"{article.published_at_en:%Y-%m}")][1] == article.updated_at


def test_withdrawing_and_publishing_again_through_the_services_is_counted_at_once(archive):
    services.article_unpublish(articles=Article.objects.filter(pk=archive[1].pk))
    assert_exact()
    services.article_publish(articles=Article.objects.filter(pk=archive[1].pk))
    assert_exact()
    services.article_language_unpublish(articles=Article.objects.filter(pk=archive[2].pk), language="ru")
    assert_exact()
    services.article_language_publish(articles=Article.objects.filter(pk=archive[2].pk), language="ru")
    assert_exact()


def test_publishing_again_at_another_time_through_the_services_counts_both_months_again(archive):
    article = Article.objects.filter(pk=archive[4].pk)
    services.article_unpublish(articles=article)
    services.article_publish(articles=article, at=months_ago(6))
    services.article_language_unpublish(articles=article, language="kk")
    services.article_language_publish(articles=article, language="kk", at=months_ago(8))
    assert_exact()
    assert ("kk", f"{months_ago(8):%Y-%m}") in rollup()


def test_moving_an_article_to_another_month_counts_both_months_again(archive):
    article = archive[4]
    old_month = f"{article.published_at:%Y-%m}"
    article.published_at = months_ago(7)
    article.save()
    assert_exact()
    assert ("en", old_month) not in rollup()


def test_a_language_emptied_or_filled_is_counted_at_once(archive):
    article = archive[5]  # en and ru only
    article.title_kk, article.body_kk = "Жаңалық", "Мәтін."
    article.save()
    assert_exact()
    article.body_kk = ""
    article.save()
    assert_exact()


def test_deleting_one_or_many_articles_is_counted_at_once(archive):
    archive[0].delete()
    assert_exact()
    Article.objects.filter(pk__in=[archive[1].pk, archive[3].pk]).delete()
    assert_exact()


def test_a_scheduled_article_is_listed_in_no_file_until_its_time_then_from_the_rollup_with_no_write(make_article):
    make_article(published_at=months_ago(2))
    scheduled = make_article(published_at=timezone.now() + timedelta(days=40))
    month = f"{scheduled.published_at_en:%Y-%m}"
    assert all(f"{file.month:%Y-%m}" != month for file in article_files())
    assert_exact()
    # Once its month has passed, the rollup alone (written when it was scheduled) names it.
    later = scheduled.published_at_en + timedelta(days=62)
    assert ArticleFile("en", datetime(*scheduled.published_at_en.timetuple()[:2], 1, tzinfo=UTC), 1,
                       scheduled.updated_at) in article_files(now=later)
    assert_exact(later)
    # And within its own month, from the live count, once its time has come.
    assert_exact(scheduled.published_at_en + timedelta(minutes=1))
    assert_exact(scheduled.published_at_en - timedelta(minutes=1))


def test_the_sitemap_index_names_a_past_month_only_while_it_has_public_articles(client, make_article):
    article = make_article(published_at=months_ago(5))
    name = article_file_name("ru", datetime(*article.published_at_ru.timetuple()[:2], 1, tzinfo=UTC))
    assert name in client.get("/sitemap.xml").content.decode()
    services.article_language_unpublish(articles=Article.objects.filter(pk=article.pk), language="ru")
    assert name not in client.get("/sitemap.xml").content.decode()


def test_an_import_refreshes_its_months_once_at_the_end(archive):
    with archive_months_deferred():
        for article in archive:
            article.title_en = f"{article.title_en} (updated)"
            article.save()
        stale = rollup()
    assert stale != listed_months()
    assert_exact()


def test_rebuilding_gives_what_the_writes_kept(archive):
    kept = rollup()
    ArchiveMonth.objects.all().delete()
    Article.objects.bulk_create([Article(
        status=Article.Status.PUBLISHED, published_at=months_ago(9), title_en="Bulk", body_en="Written in bulk.",
        slug_en="bulk", status_en=Article.Status.PUBLISHED, published_at_en=months_ago(9),
    )])
    call_command("rebuild_article_counts", verbosity=0)
    assert rollup() == listed_months()
    assert {key: value for key, value in rollup().items() if key != ("en", f"{months_ago(9):%Y-%m}")} == kept
    assert archive_months_rebuild() == ArchiveMonth.objects.count()


def test_a_save_refreshes_its_months_in_a_bounded_number_of_queries(archive, django_assert_max_num_queries):
    article = Article.objects.get(pk=archive[3].pk)
    article.lead_en = "A new lead."
    # The stored months, the rows locked, one count per language, the rows written; the save's own queries.
    with django_assert_max_num_queries(30) as queries:
        article.save()
    month_queries = [query for query in queries.captured_queries if "articles_archivemonth" in query["sql"]]
    assert len(month_queries) == 2
