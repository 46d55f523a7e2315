"""Whole pages from the cache (``articles.page_cache``): served to anonymous readers, never stale, never shared with
staff, each with its own CSP nonce, and every view still counted by the beacon."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.checks import run_checks
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from articles.checks import check_full_page_cache
from articles.models import Article
from articles.page_cache import STATUS_HEADER, is_cacheable_response, page_key
from articles.services import article_save, article_unpublish

from .support import BROWSER, beacon_url, read, views_of

pytestmark = pytest.mark.usefixtures("fresh_most_read_cache")

NONCE = re.compile(rb'nonce="([^"]+)"')


@pytest.fixture(autouse=True)
def full_page_cache(settings):
    settings.ARTICLES_FULL_PAGE_CACHE = True
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    settings.ARTICLES_FULL_PAGE_CACHE_SECONDS = 300


def header_nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def front_page(client, language="en"):
    with translation.override(language):
        return client.get(reverse("articles:article_list"), headers={"user-agent": BROWSER})


def test_the_second_anonymous_view_is_served_whole_from_the_cache_without_a_query(
    client, make_article, django_assert_num_queries
):
    article = make_article()
    first = read(client, article)
    assert first.status_code == 200 and first[STATUS_HEADER] == "miss"
    with django_assert_num_queries(0):
        second = read(client, article)
    assert second.status_code == 200 and second[STATUS_HEADER] == "hit"
    assert NONCE.sub(b"", second.content) == NONCE.sub(b"", first.content)
    assert second["Content-Length"] == str(len(second.content))
    assert second["X-Frame-Options"] == "DENY" and second["Content-Language"] == "en"


def test_every_cached_copy_carries_its_own_nonce_in_the_page_and_in_the_header(client, make_article):
    article = make_article()
    first = read(client, article)
    stored = NONCE.search(first.content).group(1).decode()
    hits = [read(client, article) for _ in range(2)]
    nonces = [NONCE.findall(hit.content) for hit in hits]
    assert all(found for found in nonces)
    for hit, found in zip(hits, nonces, strict=True):
        assert set(found) == {header_nonce(hit).encode()}
        assert stored.encode() not in hit.content and stored != header_nonce(hit)
    assert header_nonce(hits[0]) != header_nonce(hits[1])


def test_every_reader_of_a_cached_page_is_counted_by_the_beacon(make_article):
    article = make_article()
    for _ in range(5):
        reader = Client()  # a new browser each time: no reload cookie
        page = read(reader, article, "ru")
        assert page.status_code == 200
        response = reader.post(
            beacon_url(article, "ru"), headers={"user-agent": BROWSER, "sec-fetch-site": "same-origin"}
        )
        assert response.status_code == 204
    assert page[STATUS_HEADER] == "hit"
    assert views_of(article) == 5


def test_an_edit_is_seen_at_once(client, make_article):
    article = make_article()
    assert read(client, article)[STATUS_HEADER] == "miss"
    assert read(client, article)[STATUS_HEADER] == "hit"
    article.title_en = "A corrected headline"
    article_save(article=article)
    page = read(client, article)
    assert page[STATUS_HEADER] == "miss" and "A corrected headline" in page.content.decode()


def test_a_withdrawn_article_is_gone_at_once_in_every_language(client, make_article):
    article = make_article()
    for code in ("en", "ru", "kk"):
        read(client, article, code)
        assert read(client, article, code)[STATUS_HEADER] == "hit"
    article_unpublish(articles=Article.objects.filter(pk=article.pk))
    assert [read(client, article, code).status_code for code in ("en", "ru", "kk")] == [404, 404, 404]


def test_each_language_has_its_own_copy(client, make_article):
    article = make_article()
    english, russian = read(client, article, "en"), read(client, article, "ru")
    assert english[STATUS_HEADER] == russian[STATUS_HEADER] == "miss"
    assert "Новость номер" in read(client, article, "ru").content.decode()
    assert "Новость номер" not in read(client, article, "en").content.decode()


def test_a_page_is_not_kept_past_the_next_scheduled_publication(client, make_article):
    now = timezone.now().replace(microsecond=0)
    boundary = now + timedelta(minutes=2)
    make_article(title_en="Already out")
    make_article(title_en="Out at the boundary", published_at=boundary)
    with mock.patch("django.utils.timezone.now", return_value=now):
        page = front_page(client)
        entry = cache.get(page_key(page.wsgi_request))
        assert "Out at the boundary" not in page.content.decode()
        assert entry["until"] == boundary.timestamp()
    with mock.patch("django.utils.timezone.now", return_value=boundary - timedelta(seconds=1)):
        assert front_page(client)[STATUS_HEADER] == "hit"
    with mock.patch("django.utils.timezone.now", return_value=boundary):
        page = front_page(client)
    assert page[STATUS_HEADER] == "miss" and "Out at the boundary" in page.content.decode()


def test_a_page_made_a_second_before_a_publication_is_not_kept(client, make_article):
    now = timezone.now().replace(microsecond=0)
    make_article(published_at=now + timedelta(milliseconds=500))
    with mock.patch("django.utils.timezone.now", return_value=now):
        assert STATUS_HEADER not in front_page(client)
        assert STATUS_HEADER not in front_page(client)


def test_staff_never_get_nor_leave_cached_pages(client, make_article, editor):
    article = make_article()
    draft = make_article(status=Article.Status.DRAFT)
    read(client, article)  # now in the cache for readers
    staff = Client()
    staff.force_login(editor)
    assert STATUS_HEADER not in read(staff, article)
    preview = read(staff, draft)
    assert preview.status_code == 200 and STATUS_HEADER not in preview
    assert read(client, draft).status_code == 404


def test_only_page_numbers_are_kept_of_query_strings(client, make_article):
    make_article()
    with translation.override("en"):
        url = reverse("articles:article_list")
    for query in ("?page=1", "?page=1"):
        response = client.get(url + query, headers={"user-agent": BROWSER})
    assert response[STATUS_HEADER] == "hit"
    for query in ("?page=01", "?utm_source=x", "?page=1&page=1", "?page=1&x=2"):
        response = client.get(url + query, headers={"user-agent": BROWSER})
        assert STATUS_HEADER not in response, query


def test_other_pages_and_methods_are_left_alone(client, make_article):
    article = make_article()
    with translation.override("en"):
        search = client.get(reverse("articles:search") + "?q=story", headers={"user-agent": BROWSER})
    assert STATUS_HEADER not in search
    assert STATUS_HEADER not in client.head(article.get_absolute_url("en"), headers={"user-agent": BROWSER})


def test_off_by_default_nothing_is_kept(client, make_article, settings):
    del settings.ARTICLES_FULL_PAGE_CACHE
    article = make_article()
    assert STATUS_HEADER not in read(client, article) and STATUS_HEADER not in read(client, article)


@pytest.mark.parametrize(
    ("headers", "cacheable"),
    [
        ({}, True),
        ({"Vary": "Accept-Language"}, True),
        ({"Vary": "Cookie"}, False),
        ({"Vary": "Accept-Language, Accept-Encoding"}, False),
        ({"Cache-Control": "private"}, False),
        ({"Cache-Control": "max-age=0, no-cache, no-store, must-revalidate, private"}, False),
        ({"Cache-Control": "max-age=60"}, True),
    ],
)
def test_responses_that_vary_or_are_private_are_never_kept(headers, cacheable):
    request = RequestFactory().get("/en/")
    response = HttpResponse("page")
    for name, value in headers.items():
        response[name] = value
    assert is_cacheable_response(request, response) is cacheable


def test_responses_that_set_a_cookie_or_hold_a_csrf_token_are_never_kept():
    request = RequestFactory().get("/en/")
    response = HttpResponse("page")
    response.set_cookie("articles_seen", "1")
    assert not is_cacheable_response(request, response)
    request.META["CSRF_COOKIE_USED"] = True
    assert not is_cacheable_response(request, HttpResponse("page"))
    assert not is_cacheable_response(RequestFactory().get("/en/"), HttpResponse("gone", status=404))


def check_ids() -> list[str]:
    return [message.id for message in check_full_page_cache()]


def test_the_checks_accept_the_projects_set_up_with_beacon_counting(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://"}}
    assert check_ids() == []


def test_the_checks_refuse_request_counting_a_missing_or_misplaced_middleware_and_bad_values(settings):
    settings.ARTICLES_VIEW_COUNTING = "request"
    assert "articles.E603" in check_ids()
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if not name.endswith("FullPageCacheMiddleware")]
    assert "articles.E604" in check_ids()
    settings.MIDDLEWARE = ["articles.page_cache.FullPageCacheMiddleware", *settings.MIDDLEWARE]
    assert "articles.E605" in check_ids()
    settings.ARTICLES_FULL_PAGE_CACHE, settings.ARTICLES_FULL_PAGE_CACHE_SECONDS = "yes", 0
    assert check_ids() == ["articles.E601", "articles.E602"]


def test_the_checks_warn_about_a_per_process_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert check_ids() == ["articles.W606"]


def test_the_project_passes_its_checks_with_the_cache_on(db):
    assert [message.id for message in run_checks() if message.is_serious()] == []


def test_a_page_made_just_before_the_database_went_away_is_served_but_not_kept(client, make_article):
    article = make_article()
    with mock.patch("articles.page_cache.kept_page_lifetime", side_effect=OperationalError("gone")):
        page = read(client, article)
    assert page.status_code == 200 and STATUS_HEADER not in page
    assert read(client, article)[STATUS_HEADER] == "miss"


def test_a_port_in_the_host_header_does_not_make_another_copy(client, make_article):
    article = make_article()
    assert read(client, article, host="testserver:8000")[STATUS_HEADER] == "miss"
    page = read(client, article, host="testserver:9999")
    assert page[STATUS_HEADER] == "hit" and page.wsgi_request.get_host() == "testserver:9999"
