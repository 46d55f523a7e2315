"""A page served whole from the cache runs its beacon in Chromium under the site's CSP, and every reader counts."""

import pytest
from playwright.sync_api import Browser, expect

from ..support import BROWSER, views_of
from .test_content_security_policy import RECORD_VIOLATIONS


@pytest.fixture
def full_page_cache(settings):
    settings.ARTICLES_FULL_PAGE_CACHE = True
    settings.ARTICLES_VIEW_COUNTING = "beacon"


def test_three_readers_of_a_cached_page_run_its_beacon_and_are_all_counted(
    browser: Browser, live_server, transactional_db, make_article, full_page_cache
):
    article = make_article()
    url = f"{live_server.url}{article.get_absolute_url('kk')}"
    served = []
    for _reader in range(3):
        # A new browser each time (no reload cookie), saying it is Chrome: headless Chromium is not counted.
        context = browser.new_context(user_agent=BROWSER)
        page = context.new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        with page.expect_response(lambda response: response.url.endswith("/seen/")) as beacon:
            response = page.goto(url)
        assert beacon.value.status == 204
        expect(page.locator("h1")).to_have_text(article.title_kk)
        assert page.evaluate("window.cspViolations") == []
        served.append(response.headers.get("x-page-cache"))
        context.close()
    assert served == ["miss", "hit", "hit"]
    assert views_of(article) == 3
