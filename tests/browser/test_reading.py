import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from articles.models import Article, Section

from ..support import record
from .test_images import serve_media

BODY = {
    "en": "## Why it matters\n\nThe new line links the airport with the old town.\n\n> We waited ten years.\n",
    "ru": "## Почему это важно\n\nНовая линия свяжет аэропорт со старым городом.\n\n> Мы ждали десять лет.\n",
    "kk": "## Бұл неге маңызды\n\nЖаңа желі әуежайды ескі қаламен байланыстырады.\n\n> Біз он жыл күттік.\n",
}


@pytest.fixture
def story(transactional_db, make_article):
    section = Section.objects.create(name_en="City", name_ru="Город", name_kk="Қала")
    author = make_article.author(name_en="Aigerim Sadykova", name_ru="Айгерим Садыкова",
                                 name_kk="Әйгерім Садықова", bio_en="Covers transport.",
                                 bio_ru="Пишет о транспорте.", bio_kk="Көлік туралы жазады.")
    return make_article(
        section=section, authors=[author],
        title_en="A tram line for Almaty", title_ru="Трамвай для Алматы", title_kk="Алматыға трамвай желісі",
        lead_en="The city council approved the first line.", lead_ru="Горсовет утвердил первую линию.",
        lead_kk="Қалалық кеңес алғашқы желіні бекітті.",
        body_en=BODY["en"], body_ru=BODY["ru"], body_kk=BODY["kk"],
    )


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_reader_opens_an_article_in_each_language(page: Page, live_server, story, language):
    page.goto(live_server.url + story.get_absolute_url(language))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text(story.translated("title", language))
    expect(page.locator(".body h2")).to_have_text(BODY[language].splitlines()[0].removeprefix("## "))


def test_language_switcher_keeps_the_reader_on_the_same_article(page: Page, live_server, story):
    page.goto(live_server.url + story.get_absolute_url("en"))
    for language in ("ru", "kk"):
        page.locator(f'.language-switcher a[hreflang="{language}"]').click()
        expect(page).to_have_url(live_server.url + story.get_absolute_url(language))
        expect(page.locator("h1")).to_have_text(story.translated("title", language))


def test_byline_leads_to_the_author_page(page: Page, live_server, story):
    page.goto(live_server.url + story.get_absolute_url("kk"))
    page.get_by_role("link", name="Әйгерім Садықова").click()
    expect(page.locator("h1")).to_have_text("Әйгерім Садықова")
    expect(page.get_by_role("link", name="Алматыға трамвай желісі")).to_be_visible()


def test_article_without_kazakh_is_shown_in_russian_with_a_notice(page: Page, live_server, story):
    Article.objects.filter(pk=story.pk).update(title_kk=None, body_kk="", slug_kk=None)
    page.goto(f"{live_server.url}/kk/articles/{story.slug_ru}/")
    expect(page.locator(".notice")).to_contain_text("Бұл мақала әзірге сіздің тіліңізге аударылмаған")
    expect(page.locator("h1")).to_have_text("Трамвай для Алматы")
    expect(page.locator("h1")).to_have_attribute("lang", "ru")


def test_skip_link_is_the_first_stop_for_the_keyboard(page: Page, live_server, story):
    page.goto(live_server.url + story.get_absolute_url("ru"))
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#content$"))


@pytest.mark.parametrize(("form_factor", "width", "height"), [("desktop", 1280, 1100), ("phone", 390, 844)])
def test_article_page_screenshots(page: Page, live_server, transactional_db, form_factor, width, height, tmp_path):
    """Screenshots of the demo's front page and an article for the README; NEWSROOM_SCREENSHOTS=docs/screenshots
    writes them there."""
    call_command("load_demo", verbosity=0)
    serve_media(page)
    article = Article.objects.published().exclude(cover="").available_in("kk").first()
    folder = Path(os.environ.get("NEWSROOM_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": height})
    for language in ("en", "ru", "kk"):
        page.goto(live_server.url + article.get_absolute_url(language))
        expect(page.locator("h1")).to_have_text(article.translated("title", language))
        # Nothing may stick out sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        path = folder / f"article-{language}-{form_factor}.png"
        page.screenshot(path=path, full_page=False)
        assert path.stat().st_size > 5_000
        page.goto(f"{live_server.url}/{language}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # Every cover on the first screen has arrived (lazy ones below it need not have).
        page.wait_for_function("[...document.images].filter(i => i.loading !== 'lazy').every(i => i.complete)")
        path = folder / f"front-{language}-{form_factor}.png"
        page.screenshot(path=path, full_page=False)
        assert path.stat().st_size > 5_000


def test_a_printed_article_is_the_story_alone_full_width_with_its_links_addresses(
    page: Page, live_server, story, make_article, settings
):
    settings.ARTICLES_TELEGRAM = {"en": {"url": "https://t.me/newsroom_en"}}
    story.body_en = "See [the plan](https://example.kz/plan) and [the note](#fn)."
    story.save()
    record(make_article(), "en", 3)  # so that "most read" is on the page
    page.goto(live_server.url + story.get_absolute_url("en"))
    expect(page.locator(".most-read")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in (".site-search", ".language-switcher", ".section-menu", ".most-read", ".share", ".telegram",
                   ".site-footer", ".skip-link"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    main_width, body_width = page.evaluate(
        "[document.querySelector('main').getBoundingClientRect().width, document.body.clientWidth]"
    )
    assert main_width == body_width
    after = "(selector) => getComputedStyle(document.querySelector(selector), '::after').content"
    assert page.evaluate(after, '.body a[href^="http"]') == '" (https://example.kz/plan)"'
    assert page.evaluate(after, '.body a[href="#fn"]') in ("none", "normal")
