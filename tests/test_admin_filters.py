"""The article list's filters and date drill-down: the same articles as their rules say, asked in queries whose
cost does not grow with the archive (docs/performance.md, "Admin")."""

from datetime import UTC, datetime, timedelta
from functools import reduce
from operator import or_

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import admin as articles_admin
from articles.models import Article, PublicationState, listed_condition
from articles.translating.status import translation_outdated_in, translation_status

CHANGELIST = "admin:articles_article_changelist"


@pytest.fixture
def every_state(make_article) -> list[Article]:
    """Articles in each publication state, reached in different ways: by the article, by one language, by none."""
    now = timezone.now()
    return [
        make_article(),
        make_article(published_at=now + timedelta(days=2)),
        make_article(status=Article.Status.DRAFT),
        make_article(status=Article.Status.DRAFT, published_at=now + timedelta(days=1)),
        make_article(languages=("ru",)),
        make_article(languages=("kk",), published_at=now + timedelta(minutes=5)),
        make_article(languages=(), title_en="A title without a body"),
        make_article(status_en="draft", status_ru="published", published_at_ru=now + timedelta(hours=3),
                     status_kk="draft"),
        make_article(status_en="draft", status_ru="draft", status_kk="published",
                     published_at_kk=now - timedelta(hours=3)),
        make_article(status_en="draft", status_ru="draft", status_kk="draft"),
    ]


def former_in_publication_state(state: PublicationState):
    """The filter as it was: scheduled = listed somewhere and not among the published ones (a subquery over the
    table); draft = listed nowhere."""
    listed_somewhere = reduce(or_, (listed_condition(code) for code in ("en", "ru", "kk")))
    if state == PublicationState.PUBLISHED:
        return Article.objects.published()
    if state == PublicationState.SCHEDULED:
        return Article.objects.filter(listed_somewhere).exclude(pk__in=Article.objects.published().values("pk"))
    return Article.objects.exclude(listed_somewhere)


def listed(admin_client, **parameters) -> set[Article]:
    response = admin_client.get(reverse(CHANGELIST), parameters)
    assert response.status_code == 200
    return set(response.context["cl"].queryset)


@pytest.mark.parametrize("state", list(PublicationState))
def test_each_state_holds_the_same_articles_as_before_and_as_the_list_shows(admin_client, every_state, state):
    expected = {article for article in every_state if article.publication_state() == state}
    assert expected, "the fixture covers every state"
    assert set(Article.objects.in_publication_state(state)) == expected
    assert set(former_in_publication_state(state)) == expected
    assert listed(admin_client, state=state.value) == expected


def test_scheduled_and_draft_ask_no_subquery_over_the_table(db):
    for state in (PublicationState.SCHEDULED, PublicationState.DRAFT):
        sql = str(Article.objects.in_publication_state(state).query)
        assert sql.count("SELECT") == 1, sql


def test_outdated_is_translation_status_rule(make_article):
    original = make_article(title_ru="Сначала", body_ru="Текст.")
    stale = make_article()
    stale.title_en = "The original, changed"
    stale.save()
    untouched = make_article()
    Article.objects.filter(pk=untouched.pk).update(translated_from={})  # translated from no known source
    articles = [original, stale, Article.objects.get(pk=untouched.pk)]
    for code in ("en", "ru", "kk"):
        expected = {article for article in articles if translation_status(article, code) == "outdated"}
        assert set(translation_outdated_in(Article.objects.all(), code)) == expected
    assert set(translation_outdated_in(Article.objects.all(), "ru")) >= {stale}


def query_plan(queryset) -> str:
    """How the database would read ``queryset``'s rows, with reading the whole table made as dear as it gets."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_drafts_and_outdated_translations_are_read_from_their_indexes(every_state):
    drafts = Article.objects.in_publication_state(PublicationState.DRAFT).order_by("-published_at", "-pk")
    assert "articles_draft_idx" in query_plan(drafts)
    for code in ("en", "ru", "kk"):
        outdated = translation_outdated_in(Article.objects.all(), code).order_by("-published_at", "-pk")
        assert f"articles_outdated_{code}_idx" in query_plan(outdated)


@pytest.fixture
def over_years(make_article) -> list[Article]:
    """Articles in 2023, 2025 (one of them, 2025 in Almaty, is still 2024 in UTC) and none published at all."""
    times = [
        datetime(2023, 3, 1, 12, tzinfo=UTC), datetime(2023, 11, 30, 12, tzinfo=UTC),
        datetime(2024, 12, 31, 20, tzinfo=UTC), datetime(2025, 2, 14, 12, tzinfo=UTC),
        datetime(2025, 2, 20, 12, tzinfo=UTC), datetime(2025, 7, 1, 12, tzinfo=UTC),
    ]
    return [make_article(published_at=time) for time in times] + [
        make_article(status=Article.Status.DRAFT, published_at=None)
    ]


@pytest.fixture(params=["few", "many"])
def list_size(request, monkeypatch):
    """The drill-down reads a short list whole, and finds a long one's periods one at a time: test both ways."""
    if request.param == "many":
        monkeypatch.setattr(articles_admin, "FEW_ARTICLES", 0)
    return request.param


def drill_down(admin_client, **parameters) -> list[str]:
    """The periods the list's date drill-down offers, as their links' query strings."""
    response = admin_client.get(reverse(CHANGELIST), parameters)
    hierarchy = next(context for context in response.context if "choices" in context and "back" in context)
    return [choice["link"] for choice in hierarchy["choices"]]


def test_the_drill_down_offers_the_years_that_have_articles(admin_client, over_years, list_size):
    assert drill_down(admin_client) == ["?published_at__year=2023", "?published_at__year=2025"]
    assert [period.year for period in Article.objects.datetimes("published_at", "year")] == [2023, 2025]


def test_the_drill_down_offers_a_years_months(admin_client, over_years, list_size):
    assert drill_down(admin_client, published_at__year=2025) == [
        f"?published_at__month={month}&published_at__year=2025" for month in (1, 2, 7)
    ]


def test_a_long_lists_years_are_found_without_reading_every_article(admin_client, over_years, monkeypatch):
    monkeypatch.setattr(articles_admin, "FEW_ARTICLES", 0)
    with CaptureQueriesContext(connection) as captured:
        admin_client.get(reverse(CHANGELIST))
    drill_down = [query["sql"] for query in captured.captured_queries if "DISTINCT" in query["sql"]]
    assert drill_down == []


def test_a_short_filtered_lists_first_and_last_times_are_read_from_its_rows(admin_client, over_years):
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(reverse(CHANGELIST), {"state": "published"})
    assert response.status_code == 200
    [first_and_last] = [query["sql"] for query in captured.captured_queries if "MIN(" in query["sql"]]
    assert " LIMIT 6" in first_and_last  # a subquery of the list's 6 rows, not an index walk through the table
