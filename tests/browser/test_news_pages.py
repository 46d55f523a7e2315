"""The demo read as a reader would, on a phone (390 px) and a desktop (1280 px): front, section and article pages
fit the screen, the article page offers its share links and the Telegram channel, and no page asks another host
for anything."""

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from articles.models import Article, Section

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SHARE_LINKS = ["Telegram", "WhatsApp", "Facebook", "X", "VK"]
COPY_LINK = {"en": "Copy link", "ru": "Скопировать ссылку", "kk": "Сілтемені көшіру"}


@pytest.fixture
def demo(transactional_db, settings):
    settings.ARTICLES_TELEGRAM = {code: {"url": f"https://t.me/newsroom_demo_{code}"} for code in ("en", "ru", "kk")}
    call_command("load_demo", verbosity=0)


@pytest.fixture
def external_requests(page: Page) -> list[str]:
    """Every request the page makes to a host other than the live server's, refused and listed."""
    refused: list[str] = []

    def handle(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return refused


def demo_pages(language: str) -> list[str]:
    article = Article.objects.published().exclude(cover="").available_in(language).first()
    section = Section.objects.get(key="city")
    return [f"/{language}/", section.get_absolute_url(language), article.get_absolute_url(language)]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_news_pages_fit_the_screen_and_ask_no_other_host(
    page: Page, live_server, demo, external_requests, width, language
):
    page.set_viewport_size({"width": width, "height": 844})
    for url in demo_pages(language):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{url} at {width} px is {overflow} px too wide"
    assert external_requests == []


def test_front_page_leads_with_a_story_and_lists_the_sections_and_one_most_read_block(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/ru/")
    expect(page.locator(".lead-story h2")).to_have_count(1)
    expect(page.locator(".lead-story img")).to_be_visible()
    expect(page.locator(".teasers .teaser")).not_to_have_count(0)
    expect(page.locator(".section-menu a")).to_have_text(["Город", "Экономика", "Культура"])
    expect(page.locator(".most-read")).to_have_count(1)
    expect(page.locator(".most-read li")).not_to_have_count(0)
    expect(page.locator(".site-footer")).to_contain_text("RSS")
    expect(page.locator(".site-footer a[href='https://t.me/newsroom_demo_ru']")).to_be_visible()
    page.locator(".section-menu a", has_text="Экономика").click()
    expect(page.locator("h1")).to_have_text("Экономика")
    expect(page.locator(".section-menu a[aria-current=page]")).to_have_text("Экономика")


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_article_page_offers_share_links_and_the_telegram_channel(
    page: Page, live_server, demo, external_requests, language
):
    article = Article.objects.published().exclude(cover="").available_in(language).first()
    page.goto(live_server.url + article.get_absolute_url(language))
    share = page.locator(".share a")
    expect(share).to_have_text([*SHARE_LINKS, COPY_LINK[language]])
    hrefs = share.evaluate_all("links => links.map(link => link.href)")
    assert all(href.startswith("https://") for href in hrefs[:-1])
    assert all(article.get_absolute_url(language).replace("/", "%2F") in href for href in hrefs[:-1])
    expect(page.locator(".telegram-button")).to_have_attribute("href", f"https://t.me/newsroom_demo_{language}")
    expect(page.locator(f".most-read a[href='{article.get_absolute_url(language)}']")).to_have_count(0)
    assert external_requests == []


def test_copy_link_copies_the_articles_address(page: Page, live_server, demo, external_requests):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    article = Article.objects.published().available_in("kk").first()
    page.goto(live_server.url + article.get_absolute_url("kk"))
    page.locator(".share-copy").click()
    expect(page.locator(".share-status")).to_have_text("Сілтеме көшірілді")
    assert page.evaluate("navigator.clipboard.readText()").endswith(article.get_absolute_url("kk"))
    assert page.url.endswith(article.get_absolute_url("kk"))
