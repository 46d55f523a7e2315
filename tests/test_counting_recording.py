"""Recording a view (``articles.counting.recording``): per language and local day, never overwritten by an editor's
save; a view the database refuses is logged as lost, and the page is served."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.counting.recording import article_record_view
from articles.models import Article

from .support import daily_rows, free_port, lost_view_lines, read, read_only_database, views_of

pytestmark = pytest.mark.usefixtures("fresh_most_read_cache")


def test_views_are_stored_per_language_and_local_day(make_article):
    article = make_article()
    yesterday = timezone.now() - timedelta(days=1)
    article_record_view(article_id=article.pk, language="ru")
    article_record_view(article_id=article.pk, language="ru")
    article_record_view(article_id=article.pk, language="kk")
    article_record_view(article_id=article.pk, language="ru", at=yesterday)
    today = timezone.localdate()
    assert daily_rows(article) == {
        ("ru", today): 2, ("kk", today): 1, ("ru", timezone.localdate(yesterday)): 1,
    }
    assert views_of(article) == 4


def test_the_day_is_the_sites_local_day(make_article, settings):
    settings.TIME_ZONE = "Asia/Almaty"  # UTC+5
    article = make_article()
    article_record_view(article_id=article.pk, language="en", at=datetime(2026, 3, 1, 20, 30, tzinfo=UTC))
    assert list(daily_rows(article)) == [("en", date(2026, 3, 2))]


def test_an_editors_save_keeps_views_counted_while_the_form_was_open(make_article):
    article = make_article()
    editor_copy = Article.objects.get(pk=article.pk)
    article_record_view(article_id=article.pk, language="en")
    editor_copy.title_en = "Corrected"
    editor_copy.save()
    assert views_of(article) == 1 and sum(daily_rows(article).values()) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("counter", ["db", "redis"])
def test_with_the_database_read_only_the_page_is_served_and_the_lost_view_logged(make_article, settings, caplog,
                                                                                   counter):
    if counter == "redis":
        # Redis unreachable: the counter falls back to the database, which refuses too.
        settings.ARTICLES_VIEW_COUNTER = "redis"
        settings.ARTICLES_VIEW_REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
        settings.ARTICLES_VIEW_REDIS_KEY_PREFIX = f"test:{uuid.uuid4().hex}"
    article = make_article()
    client = Client()
    with read_only_database(whole_session=True):
        response = read(client, article, "kk")
        assert response.status_code == 200 and article.title_kk in response.content.decode()
        assert "articles_seen" not in response.cookies, "a lost view is not remembered as counted"
    assert len(lost_view_lines(caplog, article, "kk")) == 1
    assert views_of(article) == 0
    read(client, article, "kk")  # the database is back: the same reader's next load counts
    assert views_of(article) == 1


def test_a_refused_view_leaves_the_requests_transaction_usable(make_article, caplog):
    # The test runs inside a transaction, as every request does with ATOMIC_REQUESTS: on PostgreSQL a failed
    # statement would abort it, and every later query of the request would fail.
    article = make_article()
    with read_only_database(whole_session=False):
        assert read(Client(), article, "ru").status_code == 200
        assert Article.objects.filter(pk=article.pk).exists()
    assert len(lost_view_lines(caplog, article, "ru")) == 1
