"""Article pages served from their shells (articles/page_shells.py): the page around the view count and the
most-read block, kept under the content generation for readers without a session."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Byline
from articles.page_shells import Shell, make_shell, shell_key, store
from articles.services import article_unpublish

from .support import BROWSER, keep_back, read, record, views_of

CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def from_shell(response) -> bool:
    """Whether ``response`` was served from a shell: the page template was not rendered (its parts were)."""
    names = [template.name for template in response.templates]
    return "articles/includes/view_count.html" in names and "articles/article_detail.html" not in names


def shown_count(response) -> str:
    return re.search(r'<span class="views">([^<]*)</span>', response.content.decode()).group(1)


def test_a_readers_page_is_made_once_then_served_from_its_shell(client, make_article):
    article = make_article()
    first = read(client, article)
    client.cookies.clear()  # another reader
    second = read(client, article)
    assert not from_shell(first) and from_shell(second)
    assert first.content.decode().replace(shown_count(first), "") == second.content.decode().replace(
        shown_count(second), ""
    )
    assert isinstance(cache.get(shell_key(first.wsgi_request, "en")), Shell)
    fresh = {"content-length", "content-security-policy"}  # the nonce is each response's own
    assert {(name, value) for name, value in first.items() if name.lower() not in fresh} == {
        (name, value) for name, value in second.items() if name.lower() not in fresh
    }
    assert first.cookies.keys() == second.cookies.keys() == {"articles_seen"}


def test_a_page_from_its_shell_costs_one_query_the_current_count(client, make_article):
    article = make_article()
    read(client, article, user_agent=CRAWLER)
    with CaptureQueriesContext(connection) as queries:
        response = read(client, article, user_agent=CRAWLER)
    assert from_shell(response)
    assert len(queries) == 1 and "view_count" in queries[0]["sql"]


def test_the_count_on_a_page_from_its_shell_is_current(client, make_article):
    article = make_article()
    read(client, article)
    Article.objects.filter(pk=article.pk).update(view_count=12344)
    client.cookies.clear()
    response = read(client, article)
    assert from_shell(response) and shown_count(response) == "12,344 views"
    assert views_of(article) == 12345  # and the view is counted


def test_a_reload_from_the_shell_is_not_counted_again(client, make_article):
    article = make_article()
    read(client, article)
    assert views_of(article) == 1
    response = read(client, article)  # the client sends the reload cookie back
    assert from_shell(response) and shown_count(response) == "1 view" and views_of(article) == 1


def test_an_edit_shows_on_the_next_request(client, make_article):
    article = make_article()
    read(client, article)
    article.title_en = "A corrected title"
    article.save()
    response = read(client, article)
    assert not from_shell(response) and "A corrected title" in response.content.decode()
    assert from_shell(read(client, article))


def test_a_new_byline_shows_on_the_next_request(client, make_article):
    article = make_article()
    read(client, article)
    Byline.objects.create(article=article, author=make_article.author(name_en="Aigerim Sadykova"), position=1)
    assert "Aigerim Sadykova" in read(client, article).content.decode()


def test_a_withdrawn_article_is_gone_on_the_next_request(client, make_article):
    article = make_article()
    assert from_shell(read(client, article)) is False and from_shell(read(client, article))
    article_unpublish(articles=Article.objects.filter(pk=article.pk))
    assert read(client, article).status_code == 404


def test_a_scheduled_language_appears_in_the_switcher_at_its_time(client, make_article):
    now = timezone.now().replace(microsecond=0)
    boundary = now + timedelta(minutes=2)
    article = make_article()
    article.status_ru, article.published_at_ru = Article.Status.PUBLISHED, boundary
    article.save()
    russian_link = f'hreflang="ru" href="http://testserver{article.get_absolute_url("ru")}"'
    with mock.patch("django.utils.timezone.now", return_value=now):
        response = read(client, article)
        shell = cache.get(shell_key(response.wsgi_request, "en"))
        assert russian_link not in response.content.decode()
        assert shell.until == boundary.timestamp()
    with mock.patch("django.utils.timezone.now", return_value=boundary - timedelta(seconds=1)):
        response = read(client, article)
        assert from_shell(response) and russian_link not in response.content.decode()
    with mock.patch("django.utils.timezone.now", return_value=boundary):
        response = read(client, article)
    assert not from_shell(response) and russian_link in response.content.decode()


def test_a_page_made_a_second_before_a_publication_is_not_kept(client, make_article):
    now = timezone.now().replace(microsecond=0)
    article = make_article()
    make_article(published_at=now + timedelta(milliseconds=500))
    with mock.patch("django.utils.timezone.now", return_value=now):
        read(client, article)
        assert not from_shell(read(client, article))


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_each_language_and_the_fallback_have_their_own_shell(client, make_article, language):
    article = make_article(languages=("en",))
    english = read(client, article, "en")
    fallback = client.get(f"/{language}/articles/{article.slug_en}/", headers={"user-agent": BROWSER})
    assert not from_shell(fallback) and 'role="note"' in fallback.content.decode()
    again = client.get(f"/{language}/articles/{article.slug_en}/", headers={"user-agent": BROWSER})
    assert from_shell(again) and 'role="note"' in again.content.decode()
    assert f'<html lang="{language}">' in again.content.decode() and 'role="note"' not in english.content.decode()


def test_staff_never_get_nor_leave_shells(client, make_article, editor):
    article = make_article()
    client.force_login(editor)
    first, second = read(client, article), read(client, article)
    assert not from_shell(first) and not from_shell(second)
    assert shown_count(second) == "0 views"  # the part, rendered in the page as before
    assert cache.get(shell_key(first.wsgi_request, "en")) is None


def test_staff_preview_a_scheduled_language_of_an_article_readers_get_from_a_shell(client, make_article, editor):
    article = keep_back(make_article(), "ru", "scheduled")
    read(client, article, "en")
    assert read(client, article, "ru").status_code == 200  # the reader of Russian gets a fallback
    client.force_login(editor)
    preview = read(client, article, "ru")
    assert '<p class="notice" role="status">' in preview.content.decode() and preview["X-Robots-Tag"] == "noindex"
    assert not from_shell(preview)


def test_the_beacon_from_a_shell_runs_by_each_pages_own_nonce(client, make_article, settings):
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    article = make_article()
    nonces = []
    for _ in range(3):
        response = read(client, article)
        nonce = re.search(r"script-src [^;]*'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'<script nonce="{nonce}">' in response.content.decode()
        nonces.append(nonce)
    assert from_shell(response) and len(set(nonces)) == 3


def test_a_page_that_marks_no_part_is_never_kept(make_article):
    shell = make_shell("<p>1 view</p>", article_id=1, content_language="en", nonce=None, generation=1)
    assert store("articles:page-shell:test", shell) is False
    assert cache.get("articles:page-shell:test") is None


def test_a_request_with_a_session_cookie_is_made_every_time(client, make_article, settings):
    article = make_article()
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    assert not from_shell(read(client, article)) and not from_shell(read(client, article))


def test_the_most_read_block_on_a_page_from_its_shell_is_the_current_one(client, make_article, settings):
    settings.ARTICLES_MOST_READ_CACHE_SECONDS = 0  # the block made anew on every request
    article = make_article()
    others = [make_article(title_en=f"Much read {number}") for number in range(3)]
    assert "Much read" not in read(client, article).content.decode()
    for other in others:
        record(other, "en", 5)
    response = read(client, article)
    assert from_shell(response) and response.content.decode().count("Much read") == 3
