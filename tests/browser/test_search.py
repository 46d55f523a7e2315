import pytest
from playwright.sync_api import Page, expect


@pytest.fixture
def stories(transactional_db, make_article):
    tram = make_article(
        title_ru="Трамвай для Алматы", lead_ru="Горсовет утвердил первую линию трамвая.",
        body_ru="Первые трамваи выйдут на линию через два года.",
    )
    make_article(title_ru="Снегопад в Астане")
    return tram


def test_reader_searches_from_the_header_box_and_sees_highlighted_results(page: Page, live_server, stories):
    page.goto(live_server.url + "/ru/")
    box = page.get_by_role("search").get_by_label("Поиск по сайту")
    box.fill("трамваи")
    box.press("Enter")
    expect(page).to_have_url(live_server.url + "/ru/search/?q=%D1%82%D1%80%D0%B0%D0%BC%D0%B2%D0%B0%D0%B8")
    expect(page.locator(".search-count")).to_have_text("Найдена 1 статья")
    result = page.locator(".search-result")
    expect(result).to_have_count(1)
    expect(result.get_by_role("link", name="Трамвай для Алматы")).to_be_visible()
    expect(result.locator("mark").first).to_have_text("Трамвай")
    result.get_by_role("link", name="Трамвай для Алматы").click()
    expect(page.locator("h1")).to_have_text("Трамвай для Алматы")
