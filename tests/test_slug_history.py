"""Former slugs (``SlugHistory``): an old address of an article or a section answers 301 to the current one."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Section, SlugHistory
from articles.selectors import find_by_slug

from .test_sitemaps import sitemap_urls

LANGUAGES = ("en", "ru", "kk")


def renamed(obj, **slugs):
    """Give ``obj`` new slugs (``slug_ru="…"``) through a plain save, as the admin and the imports do."""
    for name, value in slugs.items():
        setattr(obj, name, value)
    obj.save()
    return obj


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_former_article_slug_redirects_permanently_to_the_current_one(client, make_article, language):
    article = make_article(**{f"slug_{language}": "first-slug"})
    renamed(article, **{f"slug_{language}": "second-slug"})
    renamed(article, **{f"slug_{language}": "third-slug"})
    for former in ("first-slug", "second-slug"):
        response = client.get(f"/{language}/articles/{former}/?utm_source=telegram")
        assert response.status_code == 301
        assert response["Location"] == f"/{language}/articles/third-slug/?utm_source=telegram"
    assert client.get(f"/{language}/articles/third-slug/").status_code == 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_former_section_slug_redirects_permanently_to_the_current_one(client, make_article, language):
    section = Section.objects.create(
        name_en="Economy", name_ru="Экономика", name_kk="Экономика", **{f"slug_{language}": "money"}
    )
    make_article(section=section)
    renamed(section, **{f"slug_{language}": "economy-news"})
    response = client.get(f"/{language}/sections/money/")
    assert response.status_code == 301
    assert response["Location"] == f"/{language}/sections/economy-news/"
    assert client.get(f"/{language}/sections/economy-news/").status_code == 200


def test_a_former_slug_of_another_language_redirects_to_this_languages_current_slug(client, make_article):
    article = make_article(slug_ru="staryi-adres")
    renamed(article, slug_ru="novyi-adres")
    response = client.get("/kk/articles/staryi-adres/")
    assert response.status_code == 301
    assert response["Location"] == f"/kk/articles/{article.slug_kk}/"


def test_a_former_slug_taken_by_another_article_belongs_to_the_new_owner(client, make_article):
    first = make_article(slug_en="city-budget")
    renamed(first, slug_en="city-budget-2026")
    second = make_article(slug_en="city-budget")
    response = client.get("/en/articles/city-budget/")
    assert response.status_code == 200
    assert response.context["article"] == second
    # When the new owner moves on in turn, the address follows the latest owner.
    renamed(second, slug_en="city-budget-2027")
    assert client.get("/en/articles/city-budget/")["Location"] == "/en/articles/city-budget-2027/"


def test_a_save_that_keeps_the_slugs_keeps_no_former_slug(make_article):
    article = make_article()
    renamed(article, title_en="A new title, the same address")
    assert not SlugHistory.objects.exists()


def test_deleting_an_article_forgets_its_former_slugs(make_article):
    article = make_article(slug_en="gone")
    renamed(article, slug_en="gone-for-good")
    article.delete()
    assert not SlugHistory.objects.exists()


def test_a_former_slug_costs_one_more_query_only_when_no_current_slug_matches(make_article):
    article = make_article(slug_en="before")
    renamed(article, slug_en="after")
    find_by_slug(queryset=Article.objects.all(), slug="before", language="en")  # content types cached
    with CaptureQueriesContext(connection) as current:
        assert find_by_slug(queryset=Article.objects.all(), slug="after", language="en") == article
    with CaptureQueriesContext(connection) as former:
        assert find_by_slug(queryset=Article.objects.all(), slug="before", language="en") == article
    with CaptureQueriesContext(connection) as unknown:
        assert find_by_slug(queryset=Article.objects.all(), slug="never-was", language="en") is None
    assert (len(current), len(former), len(unknown)) == (1, 2, 2)


def test_sitemap_and_hreflang_carry_only_current_addresses(client, make_article):
    article = make_article(slug_en="old-english", slug_ru="staryi-russkii", slug_kk="eski-kazakh")
    renamed(article, slug_en="new-english", slug_ru="novyi-russkii", slug_kk="zhana-kazakh")
    sitemap = "\n".join(ET.tostring(url, encoding="unicode") for url in sitemap_urls(client))
    page = client.get("/en/articles/new-english/").content.decode()
    for text in (sitemap, page):
        assert "new-english" in text and "novyi-russkii" in text and "zhana-kazakh" in text
        assert "old-english" not in text and "staryi-russkii" not in text and "eski-kazakh" not in text


def test_a_former_slug_of_a_draft_is_still_not_found(client, make_article):
    article = make_article(slug_en="draft-before", status=Article.Status.DRAFT)
    renamed(article, slug_en="draft-after")
    assert client.get("/en/articles/draft-before/").status_code == 404
