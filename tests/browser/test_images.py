"""Covers and author photos in Chromium, on a phone (390 px) and a desktop (1280 px), over the demo content.

The live server does not serve uploads (DEBUG is off), so the browser's requests for /media/ are answered from the
real storage here, as a web server or a CDN would.
"""

import mimetypes

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from playwright.sync_api import Page, Route, expect

from articles.models import Article, Author

VIEWPORTS = [pytest.param(390, 844, id="phone"), pytest.param(1280, 900, id="desktop")]


@pytest.fixture
def demo(transactional_db) -> Article:
    call_command("load_demo", verbosity=0)
    return Article.objects.published().exclude(cover="").available_in("kk").order_by("pk").first()


def serve_media(page: Page) -> list[str]:
    """Answer the page's requests for uploads from the storage; return the names asked for."""
    asked: list[str] = []

    def answer(route: Route) -> None:
        name = route.request.url.split(settings.MEDIA_URL, 1)[1]
        asked.append(name)
        with default_storage.open(name, "rb") as stored:
            route.fulfill(body=stored.read(), content_type=mimetypes.guess_type(name)[0] or "image/png")

    page.route(f"**{settings.MEDIA_URL}**", answer)
    return asked


def box(page: Page, selector: str) -> dict:
    return page.locator(selector).first.evaluate(
        "element => { const r = element.getBoundingClientRect();"
        " return {left: r.left, width: r.width, height: r.height}; }"
    )


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_cover_and_the_byline_photo_are_responsive_pictures(page: Page, live_server, demo, width, height,
                                                                 language):
    page.set_viewport_size({"width": width, "height": height})
    asked = serve_media(page)
    page.goto(live_server.url + demo.get_absolute_url(language))

    cover = page.locator("figure.cover img")
    for attribute in ("srcset", "sizes", "width", "height"):
        assert cover.get_attribute(attribute), f"the cover has no {attribute}"
    assert page.locator("figure.cover source[type='image/webp']").get_attribute("srcset")
    assert cover.get_attribute("loading") is None, "the cover is above the fold: not lazy"
    expect(cover).to_have_attribute("alt", demo.translated("cover_alt", language))
    expect(page.locator("figure.cover .credit")).to_have_text(demo.translated("cover_credit", language))
    page.wait_for_function("() => [...document.images].every(image => image.complete && image.naturalWidth > 0)")
    # Chromium takes the WebP, in the smallest width that fills the column (42rem on a desktop).
    chosen = cover.evaluate("image => image.currentSrc")
    assert chosen.endswith(".640w.webp" if width == 390 else ".960w.webp"), chosen
    assert all(name.endswith(".webp") for name in asked), asked

    photo = page.locator(".byline img.author-photo").first
    for attribute in ("srcset", "width", "height"):
        assert photo.get_attribute(attribute), f"the byline photo has no {attribute}"
    assert box(page, ".byline img.author-photo")["width"] == box(page, ".byline img.author-photo")["height"] == 40

    # The cover spans the column, without the browser's 40 px figure indent; the caption is smaller than the text.
    assert box(page, "figure.cover")["left"] == box(page, "article h1")["left"]
    assert box(page, "figure.cover img")["width"] == box(page, "article h1")["width"]
    size = "selector => parseFloat(getComputedStyle(document.querySelector(selector)).fontSize)"
    assert page.evaluate(size, "figure.cover figcaption") < page.evaluate(size, ".body p")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_the_space_for_the_cover_is_kept_before_it_arrives(page: Page, live_server, demo, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.route(f"**{settings.MEDIA_URL}**", lambda route: route.abort())
    page.goto(live_server.url + demo.get_absolute_url("en"))

    cover = box(page, "figure.cover img")
    assert cover["height"] == pytest.approx(cover["width"] * demo.cover_height / demo.cover_width, abs=1)


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_the_author_page_shows_the_photo(page: Page, live_server, demo, width, height):
    page.set_viewport_size({"width": width, "height": height})
    serve_media(page)
    author = Author.objects.exclude(photo="").order_by("pk").first()
    page.goto(live_server.url + author.get_absolute_url("ru"))

    portrait = page.locator("img.author-portrait")
    assert portrait.get_attribute("srcset") and portrait.get_attribute("width")
    page.wait_for_function("() => document.querySelector('img.author-portrait').naturalWidth > 0")
    assert box(page, "img.author-portrait")["width"] == 128
    assert page.evaluate("document.documentElement.scrollWidth") <= width
