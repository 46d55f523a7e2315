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
