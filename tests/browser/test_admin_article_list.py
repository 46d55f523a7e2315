"""The article list in Chromium: every column in view at 1280px, titles not squeezed; at phone width the title,
status and languages."""

from django.core.files.base import ContentFile
from playwright.sync_api import Page, expect

from tests.test_uploads import png

from .conftest import log_in_to_admin

LONG_TITLE = "Алматыда ең көп жолаушы тасымалдайтын бағыттарға 40 жаңа электробус шықты"


def make_list(make_article) -> None:
    authors = [make_article.author(name_kk="Айгерім Садықова"), make_article.author(name_kk="Данияр Омаров")]
    for number in range(3):
        article = make_article(authors=authors, title_kk=f"{LONG_TITLE} {number}", title_en=f"{LONG_TITLE} {number}")
        upload = png(400, 225)
        article.cover.save("cover.png", ContentFile(upload.read()), save=True)


def box(page: Page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_at_1280px_every_column_shows_without_a_horizontal_scroll(
    page: Page, live_server, transactional_db, make_article
):
    make_list(make_article)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in_to_admin(page, live_server, "/admin/articles/article/")
    results = page.locator("#changelist .results")
    expect(results).to_be_visible()
    assert results.evaluate("element => element.scrollWidth <= element.clientWidth")
    assert box(page, "td.field-translations")["x"] + box(page, "td.field-translations")["width"] <= 1280
    # A title wraps over three lines at most, not six.
    title = box(page, "th.field-__str__ a")
    line_height = page.locator("th.field-__str__ a").first.evaluate("a => parseFloat(getComputedStyle(a).lineHeight)")
    assert title["height"] <= 3 * line_height + 1
    expect(page.locator("img.cover-thumbnail").first).to_be_visible()


def test_at_phone_width_the_list_keeps_title_status_and_languages(
    page: Page, live_server, transactional_db, make_article
):
    make_list(make_article)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in_to_admin(page, live_server, "/admin/articles/article/")
    for column in ("field-section", "field-byline_names", "field-view_count", "field-cover_thumbnail"):
        expect(page.locator(f"td.{column}").first).to_be_hidden()
    for column in ("th.field-__str__", "td.field-publication", "td.field-translations"):
        cell = box(page, column)
        assert cell["x"] + cell["width"] <= 390 + 1, column
    assert box(page, "th.field-__str__")["width"] >= 120
