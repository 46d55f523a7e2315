from playwright.sync_api import Page, expect

from .conftest import log_in_to_admin


def test_editor_sees_the_rendered_body_beside_the_markdown(page: Page, live_server, transactional_db):
    log_in_to_admin(page, live_server, "/admin/articles/article/add/")
    page.locator('a[href="#tab_id_body_ru"]').click()
    page.fill("#id_body_ru", '## Итоги\n\nОн сказал "да".\n\n<script>alert(1)</script>')
    preview = page.locator('.markdown-preview[data-field="body_ru"]')
    expect(preview.locator("h2")).to_have_text("Итоги")
    expect(preview).to_contain_text("«да»")
    expect(preview).to_contain_text("<script>alert(1)</script>")  # shown as text, never run
    expect(preview.locator("script")).to_have_count(0)
