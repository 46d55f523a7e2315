"""axe-core (npm package axe-core), injected into each public page in Chromium: no serious or critical issue."""

from pathlib import Path

import pytest
from playwright.sync_api import Page

from .conftest import require

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def browser_context_args(browser_context_args):
    """Let axe-core, which Playwright injects as an inline script, past the pages' Content-Security-Policy."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.mark.parametrize("content", ["site_pages", "demo_pages", "search_pages"])
def test_no_serious_or_critical_accessibility_violation_on_any_public_page(
    page: Page, live_server, transactional_db, request, content
):
    require(AXE.exists(), "axe-core is missing: run `npm install`")
    site_pages = request.getfixturevalue(content)
    problems = []
    for url in site_pages:
        page.goto(live_server.url + url)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]]
                problems.append(f"{url}: {violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_no_serious_or_critical_accessibility_violation_on_the_article_admin(
    page: Page, live_server, transactional_db, admin_pages, language
):
    require(AXE.exists(), "axe-core is missing: run `npm install`")
    from .conftest import log_in_to_admin

    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in_to_admin(page, live_server, "/admin/")
    problems = []
    for url, data in admin_pages:
        page.goto(live_server.url + url)
        if data is not None:
            page.fill("#id_title_en", "")
            page.click("input[name=_save]")
            page.wait_for_selector("#error-summary")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]]
                problems.append(f"{url}: {violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    assert not problems, "\n".join(problems)
