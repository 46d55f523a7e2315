import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.utils import timezone

from articles import sitemaps
from articles.models import Article, Section
from tests.support import KEPT_BACK, keep_back

NAMESPACE = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}link"


def fetch(client, location: str, **headers):
    """GET an absolute sitemap address from the test client, by its path and query."""
    parts = urlsplit(location)
    response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
    assert response.status_code == 200, location
    return response


def index_entries(client, **headers) -> list[ET.Element]:
    response = client.get("/sitemap.xml", headers=headers)
    assert response.status_code == 200
    return ET.fromstring(response.content).findall(f"{NAMESPACE}sitemap")


def sitemap_urls(client, **headers) -> list[ET.Element]:
    """Every ``<url>`` of every file the index names, in order, duplicates kept."""
    urls = []
    for entry in index_entries(client, **headers):
        root = ET.fromstring(fetch(client, entry.findtext(f"{NAMESPACE}loc"), **headers).content)
        urls += root.findall(f"{NAMESPACE}url")
    return urls


def sitemap_entries(client, **headers) -> dict[str, ET.Element]:
    return {url.findtext(f"{NAMESPACE}loc"): url for url in sitemap_urls(client, **headers)}


def article_locations(client) -> Counter:
    return Counter(loc for url in sitemap_urls(client) if "/articles/" in (loc := url.findtext(f"{NAMESPACE}loc")))


def test_sitemap_addresses_start_with_the_configured_site_url(client, make_article, section, settings):
    settings.ARTICLES_SITE_URL = "https://news.example.kz"
    make_article(section=section)
    files = [entry.findtext(f"{NAMESPACE}loc") for entry in index_entries(client, host="testserver:8443")]
    entries = sitemap_entries(client, host="testserver:8443")
    links = [*files, *entries, *(link.get("href") for entry in entries.values() for link in entry.findall(XHTML))]
    assert entries and all(link.startswith("https://news.example.kz/") for link in links), links


def test_without_a_site_url_the_sitemap_leaves_out_the_port_of_the_host_header(client, make_article):
    make_article()
    files = [entry.findtext(f"{NAMESPACE}loc") for entry in index_entries(client, host="testserver:8443")]
    entries = sitemap_entries(client, host="testserver:8443")
    assert entries and all(loc.startswith("http://testserver/") for loc in [*files, *entries]), [*files, *entries]


def test_every_public_article_is_in_the_sitemaps_once_per_available_language(client, make_article):
    now = timezone.now()
    articles = [
        make_article(published_at=now - timedelta(hours=1)),
        make_article(languages=("kk",), published_at=now - timedelta(days=40)),
        make_article(languages=("en", "ru"), published_at=now - timedelta(days=400)),
        make_article(languages=("ru",), title_kk="Тек тақырып", published_at=now - timedelta(days=3000)),
    ]
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=now + timedelta(days=1))

    expected = Counter(
        f"http://testserver{article.get_absolute_url(code)}"
        for article in articles for code in article.available_languages()
    )
    assert article_locations(client) == expected
    assert sum(expected.values()) == 3 + 1 + 2 + 1


def test_each_article_file_holds_one_language_and_one_month(client, make_article):
    now = timezone.now()
    make_article(published_at=now - timedelta(days=40))
    make_article(published_at=now - timedelta(days=400))
    names = [urlsplit(entry.findtext(f"{NAMESPACE}loc")).path for entry in index_entries(client)]
    months = {f"{(now - timedelta(days=days)).astimezone(UTC):%Y-%m}" for days in (40, 400)}
    assert sorted(name for name in names if name.startswith("/sitemap-articles-")) == sorted(
        f"/sitemap-articles-{code}-{month}.xml" for code in ("en", "ru", "kk") for month in months
    )
    assert {"/sitemap-sections.xml", "/sitemap-authors.xml"} <= set(names)


def test_a_file_past_the_address_limit_is_listed_in_pages_that_together_hold_every_article(
    client, make_article, monkeypatch
):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    articles = [make_article(languages=("en",)) for _ in range(5)]
    locations = [entry.findtext(f"{NAMESPACE}loc") for entry in index_entries(client)]
    english = [location for location in locations if "/sitemap-articles-en-" in location]
    assert [location.partition("?")[2] for location in english] == ["", "p=2", "p=3"]
    assert article_locations(client) == Counter(f"http://testserver{article.get_absolute_url('en')}"
                                                for article in articles)


def test_an_article_lastmod_is_its_last_change_and_the_index_gives_each_file_its_latest(client, make_article):
    older = make_article(languages=("en",))
    newer = make_article(languages=("en",))
    Article.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=3))
    older.refresh_from_db()
    entries = sitemap_entries(client)
    assert entries[f"http://testserver{older.get_absolute_url('en')}"].findtext(f"{NAMESPACE}lastmod") == (
        f"{timezone.localtime(older.updated_at):%Y-%m-%d}"
    )
    [english] = [
        entry for entry in index_entries(client) if "/sitemap-articles-en-" in entry.findtext(f"{NAMESPACE}loc")
    ]
    assert english.findtext(f"{NAMESPACE}lastmod") == timezone.localtime(newer.updated_at).isoformat()


@pytest.mark.parametrize("name", ["articles-de-2026-01", "articles-en-2026-13", "articles-en-0001-01", "articles", "x"])
def test_a_sitemap_file_that_cannot_exist_is_not_found(client, db, name):  # db: the 404 page lists articles
    assert client.get(f"/sitemap-{name}.xml").status_code == 404


def test_the_index_costs_one_query_for_past_months_and_one_per_language_and_a_file_two_queries(
    client, make_article, django_assert_num_queries
):
    for days in range(0, 400, 40):
        make_article(published_at=timezone.now() - timedelta(days=days, hours=1))
    with django_assert_num_queries(1 + 3):  # the rollup's past months, each language's current month
        client.get("/sitemap.xml")
    path = urlsplit(index_entries(client)[-1].findtext(f"{NAMESPACE}loc")).path
    with django_assert_num_queries(2):  # the page's count and its rows
        client.get(path)


@pytest.mark.parametrize("how", KEPT_BACK)
def test_a_language_version_kept_back_is_in_no_sitemap_nor_any_alternate(client, make_article, how):
    article = keep_back(make_article(), "kk", how)
    entries = sitemap_entries(client)
    kazakh = f"http://testserver{article.get_absolute_url('kk')}"
    public = {f"http://testserver{article.get_absolute_url(code)}" for code in ("en", "ru")}
    assert set(article_locations(client)) == public
    assert kazakh not in [link.get("href") for entry in entries.values() for link in entry.findall(XHTML)]
    assert kazakh not in client.get("/sitemap-news.xml").content.decode()


def test_a_section_and_an_author_with_only_drafts_are_not_in_the_sitemap(client, make_article):
    drafts_only = Section.objects.create(name_en="Drafts", name_ru="Черновики", name_kk="Жобалар")
    writer = make_article.author()
    make_article(section=drafts_only, authors=[writer], status=Article.Status.DRAFT)
    entries = sitemap_entries(client)
    assert not [loc for loc in entries if "/sections/" in loc or "/authors/" in loc], list(entries)


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_sections_and_authors_are_in_the_sitemap_only_in_languages_they_have_public_articles_in(
    client, make_article, section, language
):
    writer = make_article.author()
    make_article(section=section, authors=[writer], languages=(language,))
    make_article(section=section, authors=[writer], status=Article.Status.DRAFT)
    entries = sitemap_entries(client)
    assert sorted(loc for loc in entries if "/sections/" in loc or "/authors/" in loc) == sorted([
        f"http://testserver{section.get_absolute_url(language)}",
        f"http://testserver{writer.get_absolute_url(language)}",
    ])
    alternates = {link.get("hreflang") for link in entries[f"http://testserver{section.get_absolute_url(language)}"]
                  .findall(XHTML)}
    assert alternates == {language}


def test_sitemap_lists_each_article_in_its_available_languages_with_alternates(client, make_article):
    article = make_article(languages=("en", "ru"))
    make_article(status=Article.Status.DRAFT)
    entries = sitemap_entries(client)
    article_urls = sorted(loc for loc in entries if "/articles/" in loc)
    assert article_urls == sorted([
        f"http://testserver/en/articles/{article.slug_en}/", f"http://testserver/ru/articles/{article.slug_ru}/",
    ])
    alternates = {link.get("hreflang") for link in entries[article_urls[0]].findall(XHTML)}
    assert alternates == {"en", "ru", "x-default"}


def news_entries(client) -> list[ET.Element]:
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    return ET.fromstring(response.content).findall(f"{NAMESPACE}url")


def test_the_news_sitemap_holds_the_last_48_hours_once_per_language_with_news_tags(client, make_article, settings):
    settings.ARTICLES_SITE_NAME = "Qala News"
    now = timezone.now()
    recent = make_article(languages=("en", "kk"), published_at=now - timedelta(hours=47))
    make_article(published_at=now - timedelta(hours=49))
    make_article(status=Article.Status.DRAFT, published_at=now - timedelta(hours=1))
    make_article(published_at=now + timedelta(hours=1))

    entries = news_entries(client)

    assert [url.findtext(f"{NAMESPACE}loc") for url in entries] == [
        f"http://testserver{recent.get_absolute_url(code)}" for code in ("en", "kk")
    ]
    for url, code in zip(entries, ("en", "kk"), strict=True):
        news = url.find(f"{NEWS}news")
        assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Qala News"
        assert news.findtext(f"{NEWS}publication/{NEWS}language") == code
        assert news.findtext(f"{NEWS}title") == recent.translated("title", code)
        published = timezone.datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
        assert published == recent.published_at


def test_the_news_sitemap_holds_at_most_its_limit_newest_first(client, make_article, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 3)
    now = timezone.now()
    articles = [make_article(languages=("ru",), published_at=now - timedelta(hours=hours)) for hours in range(1, 6)]
    assert [url.findtext(f"{NAMESPACE}loc") for url in news_entries(client)] == [
        f"http://testserver{article.get_absolute_url('ru')}" for article in articles[:3]
    ]


def test_robots_txt_names_the_sitemap_index_and_the_news_sitemap_at_the_site_url(client, settings):
    settings.ARTICLES_SITE_URL = "https://news.example.kz"
    response = client.get("/robots.txt", headers={"host": "testserver:8443"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        "Sitemap: https://news.example.kz/sitemap.xml",
        "Sitemap: https://news.example.kz/sitemap-news.xml",
    ]


def test_article_addresses_and_alternates_are_the_articles_own_addresses(client, make_article):
    everywhere, two = make_article(languages=("en", "ru", "kk")), make_article(languages=("ru", "kk"))
    entries = sitemap_entries(client)
    for article in (everywhere, two):
        for language in article.available_languages():
            address = f"http://testserver{article.get_absolute_url(language)}"
            alternates = {link.get("hreflang"): link.get("href") for link in entries[address].findall(XHTML)}
            expected = {
                code: f"http://testserver{article.get_absolute_url(code)}" for code in article.available_languages()
            }
            if "en" in expected:
                expected["x-default"] = expected["en"].replace("/en/", "/", 1)
            assert alternates == expected


def test_the_urlset_written_in_python_is_what_djangos_template_writes(settings):
    from datetime import date, datetime

    from django.template.loader import render_to_string

    settings.TIME_ZONE = "Asia/Almaty"
    urlset = [
        {
            "location": "https://news.example.kz/en/articles/a-b/?x=1&y=<2>", "changefreq": "daily", "priority": "0.5",
            "lastmod": datetime(2025, 3, 14, 20, 30, tzinfo=UTC),  # 15 March in Almaty
            "alternates": [{"lang_code": "ru", "location": "https://news.example.kz/ru/articles/a-b/?q=\"&'"},
                           {"lang_code": "x-default", "location": "https://news.example.kz/articles/a-b/"}],
        },
        {"location": "https://news.example.kz/kk/", "changefreq": None, "priority": "", "lastmod": date(2024, 1, 2),
         "alternates": []},
        {"location": "https://news.example.kz/ru/", "changefreq": "weekly", "priority": "", "lastmod": None,
         "alternates": []},
    ]

    def shape(xml: str) -> list[tuple]:
        return [(element.tag, (element.text or "").strip(), sorted(element.attrib.items()))
                for element in ET.fromstring(xml.encode()).iter()]

    written = sitemaps.urlset_template.render({"urlset": urlset})
    assert shape(written) == shape(render_to_string("sitemap.xml", {"urlset": urlset}))
    assert "<lastmod>2025-03-15</lastmod>" in written


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statistics on an expression are PostgreSQL's")
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_sitemap_indexs_grouping_by_month_has_statistics_of_its_own(db, language):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_statisticsobjdef(oid) FROM pg_statistic_ext WHERE stxname = %s",
                       [f"articles_article_publication_month_{language}"])
        (definition,) = cursor.fetchone()
    assert f"date_trunc('month'::text, (published_at_{language} AT TIME ZONE 'UTC'::text))" in definition
