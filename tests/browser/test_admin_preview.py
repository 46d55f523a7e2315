from playwright.sync_api import Page, expect

from .conftest import log_in_to_admin

# What the page and the preview must agree on, read from the computed style of the same elements.
STYLE = """element => {
  const style = getComputedStyle(element);
  return [style.fontFamily, style.fontSize, style.lineHeight, style.color, style.listStyleType, style.marginLeft];
}"""


def test_editor_sees_the_rendered_body_beside_the_markdown(page: Page, live_server, transactional_db):
    log_in_to_admin(page, live_server, "/admin/articles/article/add/")
    page.click('.language-switch-button[data-language="ru"]')
    page.fill("#id_body_ru", '## Итоги\n\nОн сказал "да".\n\n<script>alert(1)</script>')
    preview = page.frame_locator('.markdown-preview[data-field="body_ru"] iframe')
    expect(preview.locator("h2")).to_have_text("Итоги")
    expect(preview.locator("body")).to_contain_text("«да»")
    expect(preview.locator("body")).to_contain_text("<script>alert(1)</script>")  # shown as text, never run
    expect(preview.locator("script")).to_have_count(0)


def test_the_preview_looks_as_the_page_does_list_bullets_included(
    page: Page, live_server, transactional_db, make_article
):
    body = "Intro.\n\n- first\n- second\n\n> quoted\n"
    article = make_article(body_en=body)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + article.get_absolute_url("en"))
    on_page = [page.locator(f".body {tag}").first.evaluate(STYLE) for tag in ("li", "p", "blockquote")]
    assert on_page[0][4] == "disc"

    log_in_to_admin(page, live_server, f"/admin/articles/article/{article.pk}/change/")
    preview = page.frame_locator('.markdown-preview[data-field="body_en"] iframe')
    expect(preview.locator("li")).to_have_count(2)
    in_preview = [preview.locator(f".body {tag}").first.evaluate(STYLE) for tag in ("li", "p", "blockquote")]
    assert in_preview == on_page
