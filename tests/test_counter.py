"""View counting: what counts, where it is stored, the beacon, "most read", the admin breakdown."""

import logging
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from http.cookies import SimpleCookie

import pytest
from crawlerdetect import CrawlerDetect
from django.conf.urls.i18n import i18n_patterns
from django.core.cache import cache
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponse
from django.template import Context, Template
from django.test import Client, RequestFactory, override_settings
from django.urls import include, path, reverse
from django.utils import timezone, translation

from articles.counting import readers
from articles.counting.backends import RedisViewCounter, view_counter
from articles.counting.crawlers import crawler_patterns
from articles.counting.readers import SeenArticles, count_article_view, is_crawler
from articles.counting.selectors import daily_views, most_read, most_read_cache_key
from articles.models import Article, ArticleDailyViews, ViewCountFlush
from articles.counting.recording import article_record_view
from articles.views import ArticleListView

from .support import FakeClock

BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
BROWSERS = {
    "Chrome on Windows": BROWSER,
    "Firefox on Linux": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Safari on iPhone": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.6 Mobile/15E148 Safari/604.1"
    ),
    "Yandex Browser": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 "
        "YaBrowser/24.10.0.0 Safari/537.36"
    ),
    "Samsung Internet": (
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36"
    ),
    "Telegram's in-app browser": (
        "Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 Telegram-Android/10.5.0 (Samsung SM-A536B; "
        "Android 13; SDK 33; AVERAGE)"
    ),
    "Facebook's in-app browser": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.38.109;FBBV/628830869;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;"
        "FBSV/17.5;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]"
    ),
}
# The User-Agents these crawlers and link-preview bots really send.
BOTS = {
    "Googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Googlebot Smartphone": (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/125.0.6422.175 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    ),
    "YandexBot": "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "bingbot": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Baiduspider": "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "DuckDuckBot": "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
    "Applebot": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 "
        "Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)"
    ),
    "AhrefsBot": "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "SemrushBot": "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    "facebookexternalhit": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "TelegramBot": "TelegramBot (like TwitterBot)",
    "Twitterbot": "Twitterbot/1.0",
    "Slackbot": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp": "WhatsApp/2.23.20.0",
    "Discordbot": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "LinkedInBot": "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "vkShare": "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)",
    "GPTBot": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
    "curl": "curl/8.5.0",
    "python-requests": "python-requests/2.32.3",
    "headless Chrome": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 "
        "Safari/537.36"
    ),
}
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
    "<iframe> on this site": {"sec-fetch-dest": "iframe", "sec-fetch-mode": "navigate", "sec-fetch-site": "same-origin"},
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
# Seconds the test counters wait for Redis: long enough that a live Redis on a busy machine always answers in time;
# only the stalled-Redis test waits this long, once.
REDIS_TIMEOUT = 2.0
PREFETCHES = {
    "Chrome prefetch": {"Sec-Purpose": "prefetch"},
    "Chrome prerender": {"Sec-Purpose": "prefetch;prerender"},
    "old Chrome prefetch": {"Purpose": "prefetch"},
    "Firefox prefetch": {"X-Moz": "prefetch"},
    "Safari preview": {"X-Purpose": "preview"},
}


@pytest.fixture(autouse=True)
def fresh_most_read_cache():
    """Most-read lists are cached; every test starts without them (the cache may be a shared Redis: no clear())."""
    cache.delete_many([
        most_read_cache_key(language=code, days=days, limit=limit)
        for code in ("en", "ru", "kk") for days in (None, 1, 7) for limit in (3, 5)
    ])


def read(client, article, language="en", **headers):
    headers.setdefault("user-agent", BROWSER)
    return client.get(article.get_absolute_url(language), headers=headers)


def views_of(article) -> int:
    article.refresh_from_db()
    return article.view_count


def daily_rows(article) -> dict[tuple[str, object], int]:
    return {
        (row.language, row.day): row.views for row in ArticleDailyViews.objects.filter(article=article)
    }


# --- What counts ----------------------------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    "user_agent",
    [*BROWSERS.values(), *BOTS.values(), BROWSER + " YandexSearch/24.1", BROWSER + " Yandex/1.0",
     "Mozilla/5.0 (Linux; Android 14) YandexSearch/24 Mobile Safari/537.36"],
)
def test_the_linear_time_detector_agrees_with_crawlerdetect(user_agent):
    assert crawler_patterns().is_crawler(user_agent) is CrawlerDetect().is_crawler(user_agent)


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


# --- A view that cannot be stored ------------------------------------------------------------------------------


@contextmanager
def read_only_database(*, whole_session: bool):
    """Make the test's database refuse writes, as a read-only replica or a database in maintenance does.

    ``whole_session``: every transaction from now on (for autocommit, as requests run by default); else a
    savepoint in the transaction in progress, rolled back at the end, which takes the read-only mode with it.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        elif whole_session:
            cursor.execute("SET default_transaction_read_only = on")
    try:
        if whole_session:
            yield
            return
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION READ ONLY")
            yield
            transaction.set_rollback(True)
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA query_only = OFF")
            elif whole_session:
                cursor.execute("SET default_transaction_read_only = off")


def lost_view_lines(caplog, article, language) -> list[str]:
    return [
        record.getMessage() for record in caplog.records
        if record.levelno >= logging.WARNING and "Lost a view" in record.getMessage()
        and str(article.pk) in record.getMessage() and repr(language) in record.getMessage()
    ]


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


@pytest.mark.django_db(transaction=True)
def test_with_the_database_read_only_the_beacon_still_answers(make_article, settings, caplog):
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    article = make_article()
    with read_only_database(whole_session=True):
        response = Client().post(beacon_url(article), headers={"user-agent": BROWSER, "sec-fetch-site": "same-origin"})
    assert response.status_code == 204
    assert len(lost_view_lines(caplog, article, "en")) == 1 and views_of(article) == 0


# --- The Redis counter ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throwaway redis-server of our own, so that stopping it disturbs nobody else's Redis."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        # A generous bound, polled: a busy machine only makes the start slower.
        deadline = time.monotonic() + 120
        while self.process.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def pause(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.resume()
            self.process.terminate()
            self.process.wait(120)


needs_redis_server = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not on PATH (apt-get install redis-server)"
)


@pytest.fixture(scope="module")
def shared_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not on PATH (apt-get install redis-server)")
    server = RedisServer()
    yield server
    server.stop()


def redis_counter_for(settings, url: str, clock: FakeClock) -> RedisViewCounter:
    """The Redis counter at ``url``, under a key prefix of its own, its circuit breaker on ``clock``.

    The socket timeout is generous: a live Redis on a busy machine must never look stalled.
    """
    settings.ARTICLES_VIEW_COUNTER = "redis"
    settings.ARTICLES_VIEW_REDIS_URL = url
    settings.ARTICLES_VIEW_REDIS_KEY_PREFIX = f"test:{uuid.uuid4().hex}"
    settings.ARTICLES_VIEW_REDIS_TIMEOUT = REDIS_TIMEOUT
    counter = view_counter()
    counter.breaker.clock = clock
    return counter


@pytest.fixture
def redis_counter(shared_redis, settings, clock) -> RedisViewCounter:
    return redis_counter_for(settings, shared_redis.url, clock)


@pytest.fixture
def redis_sends(monkeypatch) -> list[str]:
    """The views the Redis counter tried to send to Redis (those the breaker let through)."""
    sends = []
    real_send = RedisViewCounter.send
    monkeypatch.setattr(RedisViewCounter, "send", lambda self, field: sends.append(field) or real_send(self, field))
    return sends


def test_redis_views_reach_the_database_at_the_flush(client, make_article, redis_counter):
    article, other = make_article(), make_article()
    for _ in range(3):
        read(Client(), article)
    read(client, other, "kk")
    assert views_of(article) == 0 and redis_counter.pending() == 4
    call_command("flush_view_counts", verbosity=0)
    assert (views_of(article), views_of(other)) == (3, 1)
    assert daily_rows(other) == {("kk", timezone.localdate()): 1}
    assert redis_counter.pending() == 0
    call_command("flush_view_counts", verbosity=0)
    assert (views_of(article), views_of(other)) == (3, 1)


def test_a_flush_killed_before_it_committed_loses_nothing(make_article, redis_counter, monkeypatch):
    article = make_article()
    for _ in range(5):
        article_record_view(article_id=article.pk, language="en")

    def killed(views, using):
        raise KeyboardInterrupt

    monkeypatch.setattr("articles.counting.backends.apply_views", killed)
    with pytest.raises(KeyboardInterrupt):
        redis_counter.flush()
    monkeypatch.undo()
    article_record_view(article_id=article.pk, language="en")
    assert views_of(article) == 0 and redis_counter.pending() == 6
    assert redis_counter.flush() == 6
    assert views_of(article) == 6 and not ViewCountFlush.objects.filter(views=0).exists()


def test_a_flush_killed_after_it_committed_counts_nothing_twice(make_article, redis_counter, monkeypatch):
    article = make_article()
    for _ in range(4):
        article_record_view(article_id=article.pk, language="ru")

    def killed(*keys):
        raise KeyboardInterrupt

    monkeypatch.setattr(redis_counter.client, "delete", killed)
    with pytest.raises(KeyboardInterrupt):
        redis_counter.flush()
    monkeypatch.undo()
    assert views_of(article) == 4
    assert redis_counter.flush() == 0
    assert views_of(article) == 4 and sum(daily_rows(article).values()) == 4
    assert redis_counter.pending() == 0


@pytest.mark.django_db(transaction=True)
def test_two_flushes_finishing_the_same_batch_apply_it_once(make_article, redis_counter):
    article = make_article()
    for _ in range(7):
        article_record_view(article_id=article.pk, language="kk")
    key = f"{redis_counter.flush_key_prefix}interrupted"
    redis_counter.client.rename(redis_counter.live_key, key)  # as a flush killed after its RENAME leaves it
    results = []

    def finish() -> None:
        try:
            results.append(redis_counter._apply(key))
        finally:
            connection.close()

    flushers = [threading.Thread(target=finish) for _ in range(2)]
    for flusher in flushers:
        flusher.start()
    for flusher in flushers:
        flusher.join()
    assert sorted(results) == [0, 7]
    assert views_of(article) == 7 and redis_counter.pending() == 0


def test_views_of_an_article_deleted_before_the_flush_are_dropped(make_article, redis_counter):
    kept, deleted = make_article(), make_article()
    article_record_view(article_id=kept.pk, language="en")
    article_record_view(article_id=deleted.pk, language="en")
    deleted.delete()
    assert redis_counter.flush() == 1
    assert views_of(kept) == 1 and redis_counter.pending() == 0


def test_the_flush_command_has_nothing_to_do_for_the_database_counter(make_article, capsys):
    article = make_article()
    article_record_view(article_id=article.pk, language="en")
    call_command("flush_view_counts", verbosity=2)
    assert "nothing to flush" in capsys.readouterr().out
    assert views_of(article) == 1


@needs_redis_server
def test_with_redis_stopped_pages_are_served_and_views_go_to_the_database(make_article, settings, clock, redis_sends):
    server = RedisServer()
    try:
        counter = redis_counter_for(settings, server.url, clock)
        article = make_article()
        for _ in range(3):
            assert read(Client(), article).status_code == 200
        counter.flush()
        for _ in range(2):
            read(Client(), article)  # counted in Redis, not flushed yet
        server.stop()
        redis_sends.clear()
        for _ in range(5):
            assert read(Client(), article).status_code == 200
        assert len(redis_sends) == 1, "the circuit breaker lets one request find Redis down, not every one"
        clock.advance(counter.breaker.retry_seconds - 0.001)
        read(Client(), article)
        assert len(redis_sends) == 1
        clock.advance(0.001)
        read(Client(), article)
        assert len(redis_sends) == 2, "after the retry period one request tries Redis again"
        # The flushed views are kept and those of the outage are in the database; only the two views Redis held
        # when it died went with it (this Redis keeps nothing on disk; see docs/counting.md).
        assert views_of(article) == 3 + 7
    finally:
        server.stop()


@needs_redis_server
def test_a_stalled_redis_loses_nothing_and_counts_nothing_twice(make_article, settings, clock, redis_sends):
    server = RedisServer()
    try:
        counter = redis_counter_for(settings, server.url, clock)
        article = make_article()
        for _ in range(3):
            read(Client(), article)  # in Redis
        server.pause()
        redis_sends.clear()
        for _ in range(4):
            assert read(Client(), article).status_code == 200  # the first waits REDIS_TIMEOUT for the stalled Redis
        assert len(redis_sends) == 1, "one request waits for the stalled Redis, the breaker spares the others"
        # The first view was sent and not answered: it is Redis's to count. The breaker then sent the other three
        # to the database.
        assert views_of(article) == 3
        server.resume()
        clock.advance(counter.breaker.retry_seconds)
        read(Client(), article)
        assert len(redis_sends) == 2, "the breaker lets Redis be tried again"
        counter.flush()
        assert views_of(article) == 3 + 4 + 1
        assert sum(daily_rows(article).values()) == 8
    finally:
        server.stop()


# --- The beacon ---------------------------------------------------------------------------------------------------


def beacon_url(article, language="en") -> str:
    with translation.override(language):
        return reverse("articles:article_seen", kwargs={"pk": article.pk})


def test_in_beacon_mode_the_beacon_counts_and_the_page_does_not(client, make_article, settings):
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    article = make_article()
    page = read(client, article, "ru")
    assert views_of(article) == 0 and "private" not in page.get("Cache-Control", "")
    response = client.post(beacon_url(article, "ru"), headers={"user-agent": BROWSER, "sec-fetch-site": "same-origin"})
    assert response.status_code == 204
    assert "no-store" in response["Cache-Control"]
    assert views_of(article) == 1 and daily_rows(article) == {("ru", timezone.localdate()): 1}
    client.post(beacon_url(article, "ru"), headers={"user-agent": BROWSER})  # a reload
    assert views_of(article) == 1


def test_the_beacon_image_counts_too_and_is_a_gif(client, make_article, settings):
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    article = make_article()
    response = client.get(beacon_url(article), headers={"user-agent": BROWSER})
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert response.content.startswith(b"GIF89a") and "no-store" in response["Cache-Control"]
    assert views_of(article) == 1


@pytest.mark.parametrize(
    "headers",
    [{"user-agent": BOTS["Googlebot"]}, {"user-agent": ""}, {"user-agent": BROWSER, "sec-fetch-site": "cross-site"},
     {"user-agent": BROWSER, "origin": "https://elsewhere.example"}],
    ids=["bot", "no user agent", "cross-site", "other origin"],
)
def test_the_beacon_ignores_bots_and_other_sites(client, make_article, settings, headers):
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    article = make_article()
    assert client.post(beacon_url(article), headers=headers).status_code == 204
    assert views_of(article) == 0


def test_the_beacon_ignores_drafts_missing_languages_and_request_mode(client, make_article, settings):
    draft = make_article(status=Article.Status.DRAFT)
    english_only = make_article(languages=("en",))
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    client.post(beacon_url(draft), headers={"user-agent": BROWSER})
    client.post(beacon_url(english_only, "kk"), headers={"user-agent": BROWSER})
    settings.ARTICLES_VIEW_COUNTING = "request"
    client.post(beacon_url(english_only), headers={"user-agent": BROWSER})
    assert views_of(draft) == views_of(english_only) == 0
    assert client.head(beacon_url(english_only)).status_code == 405


def test_view_beacon_renders_nothing_in_request_mode_or_on_a_preview(make_article, settings):
    article = make_article()
    template = Template("{% load counting %}[{% view_beacon article %}]")
    assert template.render(Context({"article": article})) == "[]"
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    assert template.render(Context({"article": article, "preview": True})) == "[]"
    with translation.override("kk"):
        html = template.render(Context({"article": article}))
    assert f'"/kk/articles/{article.pk}/seen/"' in html and "sendBeacon" in html and "prerenderingchange" in html
    assert f'<noscript><img src="/kk/articles/{article.pk}/seen/"' in html
    fallback = Template("{% load counting %}{% view_beacon article 'ru' %}").render(Context({"article": article}))
    assert f"/ru/articles/{article.pk}/seen/" in fallback


# A host URLconf that routes the article pages but forgot the beacon.
urlpatterns = i18n_patterns(
    path("", include(([path("", ArticleListView.as_view(), name="article_list")], "articles"))),
)


def test_beacon_mode_without_the_beacon_route_is_a_system_check_error(db, settings):
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    assert "articles.E107" not in [error.id for error in run_checks()]
    settings.ROOT_URLCONF = __name__
    assert "articles.E107" in [error.id for error in run_checks()]


# --- Most read and the breakdown --------------------------------------------------------------------------------


def record(article, language, count, days_ago=0):
    at = timezone.now() - timedelta(days=days_ago)
    for _ in range(count):
        article_record_view(article_id=article.pk, language=language, at=at)


def test_most_read_ranks_views_in_the_language_today_this_week_and_all_time(make_article):
    today, week, ever = make_article(), make_article(), make_article()
    record(today, "ru", 3)
    record(week, "ru", 2)
    record(week, "ru", 5, days_ago=6)
    record(week, "ru", 50, days_ago=7)  # outside the week
    record(today, "en", 100)  # another language
    Article.objects.filter(pk=ever.pk).update(view_count=1000)
    assert most_read(language="ru", days=1) == [today, week]
    assert most_read(language="ru", days=7) == [week, today]
    assert [a.views_in_window for a in most_read(language="ru", days=7)] == [7, 3]
    assert most_read(language="ru", days=None, limit=3) == [ever, today, week]
    assert most_read(language="ru", days=None, limit=3)[0].views_in_window == 1000


def test_most_read_lists_only_published_articles_available_in_the_language(make_article):
    published, english_only = make_article(), make_article(languages=("en",))
    draft = make_article(status=Article.Status.DRAFT)
    for article in (published, english_only, draft):
        record(article, "kk", 2)
    assert most_read(language="kk", days=7) == [published]
    assert most_read(language="kk", days=None) == [published]


def test_most_read_costs_one_query_then_none_while_cached(make_article, django_assert_num_queries):
    stories = [make_article() for _ in range(6)]
    for position, story in enumerate(stories):
        record(story, "en", position + 1)
    with django_assert_num_queries(1):
        top = most_read(language="en", days=7)
        assert [story.section for story in top] and [story.get_absolute_url("en") for story in top]
        assert [story.title for story in top]
    with django_assert_num_queries(0):
        assert most_read(language="en", days=7) == list(reversed(stories))[:5]


def test_the_daily_breakdown_is_one_query_newest_day_first(make_article, django_assert_num_queries):
    article = make_article()
    record(article, "en", 2)
    record(article, "kk", 1)
    record(article, "ru", 4, days_ago=3)
    record(article, "ru", 9, days_ago=30)  # outside the 30 days
    with django_assert_num_queries(1):
        breakdown = daily_views(article_id=article.pk)
    today = timezone.localdate()
    assert breakdown == [(today, {"en": 2, "kk": 1}), (today - timedelta(days=3), {"ru": 4})]


def test_the_admin_form_shows_views_per_language_and_day(admin_client, make_article):
    article = make_article()
    record(article, "kk", 3)
    record(article, "en", 2)
    record(article, "ru", 4, days_ago=1)
    html = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'class="daily-views"' in html
    table = html.split('class="daily-views"')[1].split("</table>")[0]
    today, yesterday = table.split("<tbody>")[1].split("</tr>")[:2]
    assert [cell.split("<")[0] for cell in today.split("<td>")[1:]] == ["2", "0", "3", "5"]  # EN RU KK, total
    assert [cell.split("<")[0] for cell in yesterday.split("<td>")[1:]] == ["0", "4", "0", "4"]


def test_the_admin_list_sorts_by_views(admin_client, make_article):
    few, many = make_article(), make_article()
    Article.objects.filter(pk=many.pk).update(view_count=50)
    Article.objects.filter(pk=few.pk).update(view_count=5)
    changelist = reverse("admin:articles_article_changelist")
    column = admin_client.get(changelist).context["cl"].list_display.index("view_count")
    response = admin_client.get(changelist, {"o": f"-{column}"})
    assert list(response.context["cl"].queryset)[:2] == [many, few]


# --- Settings -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "value", "error"),
    [("ARTICLES_VIEW_COUNTER", "memcached", "articles.E101"), ("ARTICLES_VIEW_COUNTING", "pixel", "articles.E102"),
     ("ARTICLES_VIEW_DEDUP_SECONDS", -1, "articles.E105"), ("ARTICLES_VIEW_DEDUP_SECONDS", "30", "articles.E105")],
)
def test_wrong_counting_settings_are_system_check_errors(db, settings, setting, value, error):
    setattr(settings, setting, value)
    assert error in [message.id for message in run_checks()]


def test_the_redis_counter_without_a_redis_url_is_a_system_check_error(db, settings):
    settings.ARTICLES_VIEW_COUNTER = "redis"
    settings.ARTICLES_VIEW_REDIS_URL = ""
    assert "articles.E103" in [message.id for message in run_checks()]


def test_the_default_settings_pass_the_counting_checks(db):
    assert not [message for message in run_checks() if message.id.startswith("articles.E10")]
