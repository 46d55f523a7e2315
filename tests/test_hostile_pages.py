"""Hostile titles, leads, bodies, alt texts, author and section names never put script on a public page.

The renderer's own corpus (``tests/hostile_inputs.py``) goes into every plain-text field too; each page that shows
them is read the way a browser's tokenizer reads it.
"""

import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest

from articles.feeds import xml_text
from articles.markdown.typography import typeset_text
from articles.models import Article, Author, Byline, Section

from .hostile_inputs import HOSTILE_INPUTS
from .support import url_scheme

EMBEDDING = {"iframe", "object", "embed", "svg", "math", "form", "base", "frame", "frameset", "applet", "portal"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "srcset", "xlink:href"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel", None}
# The site's own search forms (the header box, the search page): a GET to this language's search page.
SITE_SEARCH_ACTION = re.compile(r"/[a-z-]+/search/")
OWN_SCRIPT = re.compile(r"/static/articles/share(\.[0-9a-f]+)?\.js")


class PageAudit(HTMLParser):
    """Everything on a whole page that could run script: the page's own JSON-LD is the only script allowed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script: str | None = None
        self.scripts: list[str] = []
        self.own_scripts = 0

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        site_search = tag == "form" and attrs.get("role") == "search" and SITE_SEARCH_ACTION.fullmatch(
            attrs.get("action") or ""
        )
        if tag in EMBEDDING and not site_search:
            self.problems.append(f"<{tag}>")
        if tag == "script" and set(attrs) == {"src", "defer"} and OWN_SCRIPT.fullmatch(attrs["src"] or ""):
            self.own_scripts += 1  # the site's own file (share.js), the same on every article page
        elif tag == "script":
            if attrs.get("type") != "application/ld+json":
                self.problems.append(f"<script {attrs}>")
            self.in_script = ""
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"{name} on <{tag}>")
            if name == "style":
                self.problems.append(f"style on <{tag}>")
            if name in URL_ATTRIBUTES and url_scheme(value or "") not in SAFE_SCHEMES:
                self.problems.append(f"{name}={value!r} on <{tag}>")
            meta_url = tag == "meta" and name == "content" and attrs.get("property", "").endswith(("image", "url"))
            if meta_url and url_scheme(value or "") not in SAFE_SCHEMES:
                self.problems.append(f"meta {attrs.get('property')}={value!r}")

    def handle_data(self, data) -> None:
        if self.in_script is not None:
            self.in_script += data

    def handle_endtag(self, tag) -> None:
        if tag == "script" and self.in_script is None:
            return  # the end of the site's own script, which has no content
        if tag == "script" and self.in_script is not None:
            self.scripts.append(self.in_script)
            self.in_script = None


def page_problems(html: str) -> list[str]:
    audit = PageAudit()
    audit.feed(html)
    audit.close()
    for script in audit.scripts:
        json.loads(script)  # the JSON-LD is whole: nothing in it ended the element early
    if audit.own_scripts > 1:
        audit.problems.append(f"{audit.own_scripts} copies of the site's own script")
    return audit.problems


def plain_text(payload: str) -> str:
    # Forms and imports refuse NUL in plain-text fields (PostgreSQL cannot store it); everything else goes in.
    return payload.replace("\x00", "")


@pytest.fixture
def hostile_site(db, settings):
    settings.ARTICLES_PER_PAGE = len(HOSTILE_INPUTS) + 10
    section = Section.objects.create(name_en='<script>alert("section")</script>"><svg onload=alert(1)>')
    articles = []
    for number, payload in enumerate(map(plain_text, HOSTILE_INPUTS.values())):
        author = Author.objects.create(name_en=payload or "empty")
        article = Article.objects.create(
            title_en=payload or "empty", lead_en=payload, body_en=payload or "empty", cover_alt_en=payload,
            cover_caption_en=payload, section=section, status=Article.Status.PUBLISHED, key=f"hostile-{number}",
        )
        Byline.objects.create(article=article, author=author)
        articles.append(article)
    return section, articles


def test_no_hostile_input_puts_script_on_any_public_page(client, hostile_site):
    section, articles = hostile_site
    urls = ["/en/", section.get_absolute_url("en"), "/en/search/?q=script", "/en/search/?q=alert&sort=date"]
    for article in articles:
        urls += [article.get_absolute_url("en"), article.byline()[0].get_absolute_url("en")]
    problems = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if found := page_problems(response.content.decode()):
            problems[url] = found
    assert not problems, problems


def test_hostile_titles_reach_the_feed_as_text(client, hostile_site):
    _section, articles = hostile_site
    response = client.get("/en/feed/")
    titles = {item.findtext("title") for item in ElementTree.fromstring(response.content).iter("item")}
    assert titles == {xml_text(typeset_text(article.title_en, "en")) for article in articles}
    assert not re.search(rb"<script", response.content, re.IGNORECASE)
