import xml.etree.ElementTree as ET

import pytest

from articles.models import Article

from .support import KEPT_BACK, keep_back

XHTML = "{http://www.w3.org/1999/xhtml}link"


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_feed_lists_articles_available_in_its_language(client, make_article, language):
    article = make_article()
    make_article(languages=[code for code in ("en", "ru", "kk") if code != language])
    make_article(status=Article.Status.DRAFT)
    response = client.get(f"/{language}/feed/")
    assert response.status_code == 200
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("language") == language
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [article.translated("title", language)]
    assert items[0].findtext("link").endswith(article.get_absolute_url(language))


@pytest.mark.parametrize("how", KEPT_BACK)
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_a_language_version_kept_back_is_in_no_feed_of_that_language(client, make_article, language, how):
    article = keep_back(make_article(), language, how)
    for code in ("en", "ru", "kk"):
        titles = [item.findtext("title") for item in ET.fromstring(client.get(f"/{code}/feed/").content).iter("item")]
        assert titles == ([] if code == language else [article.translated("title", code)])


def test_feed_escapes_hostile_titles(client, make_article):
    make_article(languages=("en",), title_en="<script>alert(1)</script>")
    body = client.get("/en/feed/").content.decode()
    assert "<script>" not in body
    assert ET.fromstring(body).find("channel/item/title").text == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("language", "title", "expected"),
    [("en", "Astana's \"green\" budget", "Astana’s “green” budget"), ("kk", '"Жасыл" бюджет', "«Жасыл» бюджет")],
)
def test_feed_titles_and_descriptions_are_set_in_their_languages_typography(
    client, make_article, language, title, expected
):
    make_article(**{f"title_{language}": title, f"lead_{language}": title})
    item = ET.fromstring(client.get(f"/{language}/feed/").content).find("channel/item")
    assert item.findtext("title") == expected and item.findtext("description") == expected


def test_feed_links_start_with_the_configured_site_url(client, make_article, settings):
    settings.ARTICLES_SITE_URL = "https://news.example.kz"
    article = make_article()
    body = client.get("/ru/feed/", headers={"host": "testserver:8443"}).content.decode()
    channel = ET.fromstring(body).find("channel")
    assert channel.findtext("link") == "https://news.example.kz/ru/"
    assert channel.find("{http://www.w3.org/2005/Atom}link").get("href") == "https://news.example.kz/ru/feed/"
    assert channel.find("item").findtext("link") == f"https://news.example.kz/ru/articles/{article.slug_ru}/"
    assert "testserver" not in body


def test_without_a_site_url_feed_links_leave_out_the_port_of_the_host_header(client, make_article):
    make_article()
    body = client.get("/en/feed/", headers={"host": "testserver:8443"}).content.decode()
    assert ":8443" not in body and "http://testserver/en/" in body
