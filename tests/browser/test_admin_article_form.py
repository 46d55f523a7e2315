"""The article form in Chromium: one language switch, the error summary, the unsaved-changes warning."""

from playwright.sync_api import Page, expect

from .conftest import log_in_to_admin

SWITCH = ".language-switch-button[data-language='{}']"


def test_one_language_switch_shows_every_translated_field_in_that_language(
    page: Page, live_server, transactional_db, make_article
):
    article = make_article(languages=("en", "ru"))
    log_in_to_admin(page, live_server, f"/admin/articles/article/{article.pk}/change/")
    expect(page.locator(SWITCH.format("en"))).to_have_attribute("aria-pressed", "true")
    expect(page.locator(SWITCH.format("kk"))).to_have_attribute("data-state", "incomplete")
    expect(page.locator(SWITCH.format("ru"))).to_have_attribute("data-state", "complete")
    page.click(SWITCH.format("kk"))
    expect(page.locator(SWITCH.format("kk"))).to_have_attribute("aria-pressed", "true")
    for field in ("title", "slug", "lead", "body", "cover_alt", "cover_caption"):
        expect(page.locator(f"#id_{field}_kk")).to_be_visible()
        expect(page.locator(f"#id_{field}_en")).to_be_hidden()
        expect(page.locator(f"#id_{field}_ru")).to_be_hidden()
    # Untranslated fields stay, whatever the language.
    expect(page.locator("#id_section")).to_be_visible()
    page.fill("#id_title_kk", "Жаңа тақырып")
    expect(page.locator(SWITCH.format("kk"))).to_have_attribute("data-state", "incomplete")
    page.fill("#id_body_kk", "Мәтін.")
    expect(page.locator(SWITCH.format("kk"))).to_have_attribute("data-state", "complete")
    expect(page.locator(SWITCH.format("kk") + " .language-state")).not_to_be_empty()


def test_an_outdated_translation_is_marked_outdated(page: Page, live_server, transactional_db, make_article):
    article = make_article()
    article.title_en = "The original changed after the translations were saved"
    article.save()
    log_in_to_admin(page, live_server, f"/admin/articles/article/{article.pk}/change/")
    expect(page.locator(SWITCH.format("en"))).to_have_attribute("data-state", "complete")
    expect(page.locator(SWITCH.format("ru"))).to_have_attribute("data-state", "outdated")


def test_the_error_summary_links_to_each_field_in_its_language(page: Page, live_server, transactional_db):
    log_in_to_admin(page, live_server, "/admin/articles/article/add/")
    page.click(SWITCH.format("kk"))
    page.fill("#id_body_kk", "Тақырыбы жоқ мәтін.")
    page.click("input[name=_save]")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    links = summary.locator("a")
    hrefs = [links.nth(index).get_attribute("href") for index in range(links.count())]
    assert "#id_title_en" in hrefs  # a title in some language
    assert any(href.startswith(("#bylines", "#id_bylines")) for href in hrefs)  # the author
    # The form opened in the language of the first error; the title link leads there and focuses the field.
    page.click(SWITCH.format("ru"))
    summary.locator("a[href='#id_title_en']").click()
    expect(page.locator(SWITCH.format("en"))).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#id_title_en")).to_be_focused()
    # The required author's error is close to the top, not thousands of pixels below the banner.
    author_row = page.locator("#bylines-group").bounding_box()
    banner = page.locator(".errornote").bounding_box()
    assert author_row["y"] - banner["y"] < 1200


def test_leaving_with_unsaved_changes_asks_first(page: Page, live_server, transactional_db, make_article):
    article = make_article()
    log_in_to_admin(page, live_server, f"/admin/articles/article/{article.pk}/change/")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    # Unchanged: leaving asks nothing.
    page.click(".breadcrumbs a >> nth=2")
    expect(page.locator("#result_list")).to_be_visible()
    assert dialogs == []
    page.go_back()
    page.wait_for_load_state("load")
    page.click("#id_title_en")
    page.keyboard.type(" (edited)")
    page.click(".breadcrumbs a >> nth=2")
    expect(page.locator("#id_title_en")).to_be_visible()
    assert dialogs == ["beforeunload"]
    # Saving is not leaving: no question, and the change is saved.
    page.click("input[name=_save]")
    expect(page.locator("#result_list")).to_be_visible()
    assert dialogs == ["beforeunload"]
    article.refresh_from_db()
    assert article.title_en.endswith(" (edited)")
