import xml.etree.ElementTree as ET

import pytest

from articles.models import Article, Section

NAMESPACE = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}link"


def sitemap_entries(client, **headers) -> dict[str, ET.Element]:
    response = client.get("/sitemap.xml", headers=headers)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {url.findtext(f"{NAMESPACE}loc"): url for url in root.findall(f"{NAMESPACE}url")}


def test_sitemap_addresses_start_with_the_configured_site_url(client, make_article, section, settings):
    settings.ARTICLES_SITE_URL = "https://news.example.kz"
    make_article(section=section)
    entries = sitemap_entries(client, host="testserver:8443")
    links = [*entries, *(link.get("href") for entry in entries.values() for link in entry.findall(XHTML))]
    assert links and all(link.startswith("https://news.example.kz/") for link in links), links


def test_without_a_site_url_the_sitemap_leaves_out_the_port_of_the_host_header(client, make_article):
    make_article()
    entries = sitemap_entries(client, host="testserver:8443")
    assert entries and all(loc.startswith("http://testserver/") for loc in entries), list(entries)


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
