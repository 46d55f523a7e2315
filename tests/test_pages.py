"""Properties every public page must have, checked over every page type in every language."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import ngettext

from articles.models import Article

from .support import BROWSER

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
# Interface words of the English templates that must not appear on Russian or Kazakh pages.
ENGLISH_INTERFACE_WORDS = re.compile(
    r"\b(views?|Skip to content|Latest news|Newer|Older|Earlier|Later|Page \d+ of|More from|Follow us|Preview|Articles|"
    r"No articles|not found|Go to the front page|and)\b"
)


class TextByLanguage(HTMLParser):
    """Collects the text of a page with the language that applies to it (the nearest ``lang`` attribute)."""

    VOID = {"meta", "link", "img", "br", "hr", "input", "source", "wbr", "area", "base", "col", "embed", "track"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.pieces: list[tuple[str, str]] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        language = attrs.get("lang") or (self.stack[-1][1] if self.stack else "")
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "meta" and attrs.get("content"):
            self.pieces.append((language, attrs["content"]))
        for name in ("alt", "title", "aria-label"):
            if attrs.get(name):
                self.pieces.append((language, attrs[name]))
        if tag not in self.VOID:
            self.stack.append((tag, language))

    def handle_endtag(self, tag) -> None:
        if tag in ("script", "style"):
            self.skip -= 1
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data) -> None:
        if not self.skip and data.strip():
            self.pieces.append((self.stack[-1][1] if self.stack else "", data.strip()))


def text_by_language(html: str) -> list[tuple[str, str]]:
    parser = TextByLanguage()
    parser.feed(html)
    return parser.pieces


@pytest.fixture(params=["site_pages", "demo_pages"])
def pages(request) -> list[str]:
    """The pages of the tests' own content, then of the demo content."""
    return request.getfixturevalue(request.param)


def test_english_pages_have_no_cyrillic_outside_elements_marked_with_another_language(client, pages):
    for url in (url for url in pages if url.startswith("/en/")):
        html = client.get(url).content.decode()
        stray = [text for language, text in text_by_language(html) if language == "en" and CYRILLIC.search(text)]
        assert not stray, f"{url}: {stray}"


def test_russian_and_kazakh_pages_have_no_english_interface_words(client, pages):
    for url in (url for url in pages if not url.startswith("/en/")):
        html = client.get(url).content.decode()
        language = url.split("/")[1]
        stray = [
            text for text_language, text in text_by_language(html)
            if text_language == language and ENGLISH_INTERFACE_WORDS.search(text)
        ]
        assert not stray, f"{url}: {stray}"


def test_hreflang_links_are_symmetric_and_lead_to_pages_that_exist(client, pages):
    alternates = {}
    for url in (url for url in pages if "/articles/" in url):
        response = client.get(url)
        if response.status_code != 200 or b'name="robots"' in response.content:
            continue
        links = dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="http://testserver([^"]+)">',
                                response.content.decode()))
        alternates[url] = links
    assert alternates
    for url, links in alternates.items():
        for language, target in links.items():
            assert client.get(target).status_code == 200, target
            if language != "x-default":
                assert alternates[target] == links, (url, target)


COUNTS = [0, 1, 2, 3, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 1000, 9543]
RUSSIAN_FORMS = {
    0: "просмотров", 1: "просмотр", 2: "просмотра", 3: "просмотра", 4: "просмотра", 5: "просмотров",
    11: "просмотров", 12: "просмотров", 14: "просмотров", 21: "просмотр", 22: "просмотра", 25: "просмотров",
    101: "просмотр", 111: "просмотров", 1000: "просмотров", 9543: "просмотра",
}


@pytest.mark.parametrize("count", COUNTS)
def test_view_counter_uses_the_right_plural_form(client, make_article, count):
    article = make_article()
    grouped = f"{count:,}".replace(",", "\xa0")
    expected = {
        "ru": f'<span class="views">{grouped} {RUSSIAN_FORMS[count]}</span>',
        "kk": f'<span class="views">{grouped} қаралым</span>',
        "en": f'<span class="views">{count:,} {"view" if count == 1 else "views"}</span>',
    }
    for language, counter in expected.items():
        Article.objects.filter(pk=article.pk).update(view_count=count)  # each request counts one more
        assert counter in client.get(article.get_absolute_url(language)).content.decode()


def test_ngettext_follows_russian_plural_rules():
    with translation.override("ru"):
        forms = {n: ngettext("%(views)s view", "%(views)s views", n) % {"views": n} for n in RUSSIAN_FORMS}
    assert forms == {n: f"{n} {form}" for n, form in RUSSIAN_FORMS.items()}


def test_article_page_runs_at_most_four_queries_counting_the_view(client, make_article, section):
    article = make_article(section=section, authors=[make_article.author(), make_article.author()])
    make_article(section=section)
    url = article.get_absolute_url("ru")
    client.get(url, headers={"user-agent": BROWSER})  # the first reader fills the caches
    client.cookies.clear()  # the next reader
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers={"user-agent": BROWSER})
    assert response.status_code == 200
    # Savepoints are the test's transaction around the counter's atomic block, not queries.
    queries = [query["sql"] for query in captured if "SAVEPOINT" not in query["sql"]]
    assert len(queries) <= 4, queries
    article.refresh_from_db()
    assert article.view_count == 2
    assert '<span class="views">1 просмотр</span>' in response.content.decode()


def test_the_count_on_a_page_is_current_although_the_article_is_cached(client, make_article):
    article = make_article()
    client.get(article.get_absolute_url("en"))
    Article.objects.filter(pk=article.pk).update(view_count=9543)
    assert '<span class="views">9,543 views</span>' in client.get(article.get_absolute_url("en")).content.decode()


def test_an_edit_shows_on_the_next_request_despite_the_caches(client, make_article):
    article = make_article()
    client.get(article.get_absolute_url("en"))
    article.title_en = "Corrected headline"
    article.save()
    html = client.get(article.get_absolute_url("en")).content.decode()
    assert "<h1 lang=\"en\">Corrected headline</h1>" in html and "<title>Corrected headline" in html


def test_a_withdrawn_article_is_gone_on_the_next_request(client, make_article):
    from articles.services import article_unpublish

    article = make_article()
    assert client.get(article.get_absolute_url("en")).status_code == 200
    article_unpublish(articles=Article.objects.filter(pk=article.pk))
    assert client.get(article.get_absolute_url("en")).status_code == 404


def test_an_authors_new_name_shows_in_cached_bylines(client, make_article):
    article = make_article()
    client.get(article.get_absolute_url("en"))
    author = article.byline()[0]
    author.name_en = "Renamed Author"
    author.save()
    assert "Renamed Author" in client.get(article.get_absolute_url("en")).content.decode()


def test_list_pages_make_no_query_per_item(client, make_article, section):
    author = make_article.author()

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make_article(section=section, authors=[author])
    urls = ["/kk/", section.get_absolute_url("kk"), author.get_absolute_url("kk")]
    few = [queries(url) for url in urls]
    for _ in range(12):
        make_article(section=section, authors=[author])
    assert [queries(url) for url in urls] == few
