"""Which requests are a reader's view (``articles.counting.readers``): browsers, not bots, prefetches, embeds or
staff; a reload within the window counts once, remembered in a signed cookie."""

import time
import uuid
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from articles.counting import readers
from articles.counting.crawlers import crawler_patterns
from articles.counting.readers import SeenArticles, count_article_view, is_crawler
from articles.models import Article, ArticleDailyViews

from .support import BOTS, BROWSER, BROWSERS, daily_rows, read, views_of

pytestmark = pytest.mark.usefixtures("fresh_most_read_cache")


# Fetch Metadata of requests for an article page that other pages make (another site's markup or script).
EMBEDS = {
    "<img> on another site": {"sec-fetch-dest": "image", "sec-fetch-mode": "no-cors", "sec-fetch-site": "cross-site"},
    "<iframe> on another site": {
        "sec-fetch-dest": "iframe", "sec-fetch-mode": "navigate", "sec-fetch-site": "cross-site",
    },
    "<script> on another site": {
        "sec-fetch-dest": "script", "sec-fetch-mode": "no-cors", "sec-fetch-site": "cross-site",
    },
    "fetch() from another site": {"sec-fetch-dest": "empty", "sec-fetch-mode": "cors", "sec-fetch-site": "cross-site"},
    "<iframe> on this site": {
        "sec-fetch-dest": "iframe", "sec-fetch-mode": "navigate", "sec-fetch-site": "same-origin",
    },
}


# Readers opening the page.
NAVIGATIONS = {
    "a link on Google": {
        "sec-fetch-dest": "document", "sec-fetch-mode": "navigate", "sec-fetch-site": "cross-site",
        "sec-fetch-user": "?1", "referer": "https://www.google.com/",
    },
    "a link on this site": {
        "sec-fetch-dest": "document", "sec-fetch-mode": "navigate", "sec-fetch-site": "same-origin",
        "sec-fetch-user": "?1",
    },
    "an address typed or bookmarked": {
        "sec-fetch-dest": "document", "sec-fetch-mode": "navigate", "sec-fetch-site": "none", "sec-fetch-user": "?1",
    },
    "a browser without Fetch Metadata": {},
}


PREFETCHES = {
    "Chrome prefetch": {"Sec-Purpose": "prefetch"},
    "Chrome prerender": {"Sec-Purpose": "prefetch;prerender"},
    "old Chrome prefetch": {"Purpose": "prefetch"},
    "Firefox prefetch": {"X-Moz": "prefetch"},
    "Safari preview": {"X-Purpose": "preview"},
}


@pytest.mark.parametrize("name", BROWSERS)
def test_a_browser_view_counts(client, make_article, name):
    article = make_article()
    assert not is_crawler(BROWSERS[name])
    assert read(client, article, **{"user-agent": BROWSERS[name]}).status_code == 200
    assert views_of(article) == 1


@pytest.mark.parametrize("name", BOTS)
def test_crawlers_and_link_preview_bots_are_not_counted(client, make_article, name):
    article = make_article()
    assert is_crawler(BOTS[name])
    assert read(client, article, **{"user-agent": BOTS[name]}).status_code == 200
    assert views_of(article) == 0


@pytest.mark.parametrize("user_agent", ["", "   ", BROWSER + " x" * 600], ids=["empty", "blank", "overlong"])
def test_a_request_without_a_browsers_user_agent_is_a_bot(client, make_article, user_agent):
    article = make_article()
    read(client, article, **{"user-agent": user_agent})
    client.get(article.get_absolute_url("en"))  # no header at all
    assert views_of(article) == 0


@pytest.fixture
def detector_inputs(monkeypatch) -> list[str]:
    """Every User-Agent the crawler patterns are run on."""
    inputs = []
    patterns = crawler_patterns()
    real_is_crawler = patterns.is_crawler
    monkeypatch.setattr(patterns, "is_crawler", lambda user_agent: inputs.append(user_agent) or real_is_crawler(
        user_agent
    ))
    return inputs


def unique_browser_user_agent(length: int) -> str:
    """A browser's User-Agent padded to ``length`` with a token no cache has seen (digits: no crawler name)."""
    padding = " " + "".join(str(int(digit, 16) % 10) for digit in uuid.uuid4().hex * (length // 32 + 1))
    return (BROWSER + padding)[:length]


@pytest.mark.parametrize("length", [readers.MAX_USER_AGENT_CHARS + 1, 1000, 10_000])
def test_a_user_agent_longer_than_any_browsers_is_not_counted_and_never_matched(make_article, detector_inputs, length):
    article = make_article()
    assert read(Client(), article, **{"user-agent": unique_browser_user_agent(length)}).status_code == 200
    assert views_of(article) == 0
    assert detector_inputs == []


def test_a_browsers_user_agent_up_to_the_limit_is_matched_and_counted(make_article, detector_inputs):
    article = make_article()
    user_agent = unique_browser_user_agent(readers.MAX_USER_AGENT_CHARS)
    read(Client(), article, **{"user-agent": user_agent})
    assert views_of(article) == 1
    assert detector_inputs == [user_agent]


def test_head_requests_are_not_counted(client, make_article):
    article = make_article()
    assert client.head(article.get_absolute_url("en"), headers={"user-agent": BROWSER}).status_code == 200
    assert views_of(article) == 0


@pytest.mark.parametrize("name", PREFETCHES)
def test_prefetches_and_prerenders_are_not_counted(client, make_article, name):
    article = make_article()
    assert read(client, article, **PREFETCHES[name]).status_code == 200
    assert views_of(article) == 0


@pytest.mark.parametrize("name", EMBEDS)
def test_a_page_fetched_by_another_page_is_not_counted(make_article, name):
    article = make_article()
    assert read(Client(), article, **EMBEDS[name]).status_code == 200
    assert views_of(article) == 0


@pytest.mark.parametrize("name", NAVIGATIONS)
def test_a_reader_navigating_to_the_page_is_counted(make_article, name):
    article = make_article()
    assert read(Client(), article, **NAVIGATIONS[name]).status_code == 200
    assert views_of(article) == 1


def test_logged_in_staff_are_not_counted_on_published_articles_either(admin_client, make_article):
    article = make_article()
    assert read(admin_client, article).status_code == 200
    assert views_of(article) == 0


def test_a_logged_in_reader_who_is_not_staff_is_counted(client, make_article, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="pw"))
    article = make_article()
    read(client, article)
    assert views_of(article) == 1


def test_staff_previews_of_drafts_are_not_counted(admin_client, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    assert read(admin_client, draft).status_code == 200
    assert views_of(draft) == 0 and not ArticleDailyViews.objects.exists()


def test_one_browser_reloading_ten_times_counts_once(client, make_article):
    article = make_article()
    for _ in range(10):
        assert read(client, article).status_code == 200
    assert views_of(article) == 1


def test_reloading_in_another_language_is_still_a_reload(client, make_article):
    article = make_article()
    read(client, article, "en")
    read(client, article, "ru")
    assert views_of(article) == 1


def test_a_browser_is_counted_again_after_the_window(make_article):
    article = make_article()
    factory, start = RequestFactory(), timezone.now()
    cookies = {}

    def view_at(seconds: int) -> bool:
        request = factory.get("/", headers={"user-agent": BROWSER})
        request.COOKIES.update(cookies)
        response = HttpResponse()
        counted = count_article_view(
            request, response, article_id=article.pk, language="en", now=start + timedelta(seconds=seconds)
        )
        cookies.update({name: morsel.value for name, morsel in response.cookies.items()})
        return counted

    with override_settings(ARTICLES_VIEW_DEDUP_SECONDS=60):
        assert [view_at(s) for s in (0, 1, 30, 59)] == [True, False, False, False]
        assert [view_at(s) for s in (60, 61, 119)] == [True, False, False]
        assert view_at(120) is True
    assert views_of(article) == 3


def test_each_article_is_remembered_separately(client, make_article):
    first, second = make_article(), make_article()
    for _ in range(3):
        read(client, first)
        read(client, second)
    assert (views_of(first), views_of(second)) == (1, 1)


def test_a_zero_window_counts_every_reload(client, make_article, settings):
    settings.ARTICLES_VIEW_DEDUP_SECONDS = 0
    article = make_article()
    for _ in range(3):
        response = read(client, article)
    assert views_of(article) == 3
    assert "articles_seen" not in response.cookies


def test_the_reload_cookie_is_signed_http_only_lax_site_wide_and_lasts_the_window(client, make_article, settings):
    settings.ARTICLES_VIEW_DEDUP_SECONDS = 900
    article = make_article()
    cookie = read(client, article).cookies["articles_seen"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert cookie["max-age"] == 900
    assert SimpleCookie(cookie.OutputString())["articles_seen"].value == cookie.value  # no quoting needed
    # A reload within the window sends no new cookie: the window runs from the counted view.
    assert "articles_seen" not in read(client, article).cookies


@pytest.mark.parametrize("value", ["garbage", "1.abc:forged-signature", "", "%%%"])
def test_a_forged_or_garbled_cookie_is_ignored(client, make_article, value):
    article = make_article()
    client.cookies["articles_seen"] = value
    read(client, article)
    assert views_of(article) == 1


def test_an_edited_cookie_does_not_hide_a_view(client, make_article):
    article, other = make_article(), make_article()
    read(client, other)
    # Claim to have seen ``article`` by editing the signed value: the signature no longer matches.
    signed = client.cookies["articles_seen"].value
    client.cookies["articles_seen"] = signed.replace(
        signed.split(":")[0], f"{readers.to_base36(article.pk)}.{readers.to_base36(int(time.time()))}"
    )
    read(client, article)
    assert views_of(article) == 1


def test_the_cookie_stays_small_however_many_articles_a_reader_opens(client, make_article, settings):
    settings.ARTICLES_VIEW_COOKIE_MAX_ARTICLES = 20
    stories = [make_article(languages=("en",)) for _ in range(30)]
    for story in stories:
        read(client, story)
    value = client.cookies["articles_seen"].value
    assert len(value) < 400
    seen = SeenArticles.from_request(
        RequestFactory().get("/", headers={"cookie": f"articles_seen={value}"}), now=int(time.time()), window=1800
    )
    assert set(seen.seen) == {story.pk for story in stories[-20:]}


def test_the_article_page_is_private_while_the_page_itself_counts(client, make_article):
    response = read(client, make_article())
    assert "private" in response["Cache-Control"]
    # Readers without a session are never asked for one: the page does not vary by cookie for them.
    assert "Cookie" not in response.get("Vary", "")


def test_a_view_is_counted_in_the_language_the_article_is_shown_in(client, make_article):
    article = make_article(languages=("ru",))
    response = client.get(f"/kk/articles/{article.slug_ru}/", headers={"user-agent": BROWSER})
    assert response.status_code == 200
    assert daily_rows(article) == {("ru", timezone.localdate()): 1}
