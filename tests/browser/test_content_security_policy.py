"""Under the site's Content-Security-Policy, Chromium blocks nothing the pages or the admin need."""

import pytest
from playwright.sync_api import Page, expect

from .conftest import log_in_to_admin

# Playwright injects this outside the page's policy; it records what the policy blocks.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched_page(page: Page):
    """A page that records CSP violations, both as events and as Chromium's console errors."""
    console_errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)

    def violations() -> list[str]:
        return page.evaluate("window.cspViolations") + [
            text for text in console_errors if "Content Security Policy" in text
        ]

    page.violations = violations
    return page


def test_an_article_page_runs_its_beacon_without_a_csp_violation(
    watched_page, live_server, transactional_db, make_article, settings
):
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    article = make_article()
    # The beacon's request, made by the inline script, shows that the script ran.
    with watched_page.expect_request(lambda request: request.url.endswith("/seen/")):
        response = watched_page.goto(f"{live_server.url}{article.get_absolute_url('ru')}")
    assert "'nonce-" in response.headers["content-security-policy"]
    expect(watched_page.locator("h1")).to_have_text(article.title_ru)
    assert watched_page.violations() == []


def test_the_admin_change_form_and_its_preview_work_without_a_csp_violation(
    watched_page, live_server, transactional_db, make_article
):
    article = make_article()
    log_in_to_admin(watched_page, live_server, f"/admin/articles/article/{article.pk}/change/")
    watched_page.click('.language-switch-button[data-language="kk"]')
    watched_page.fill("#id_body_kk", "## Қорытынды\n\n*Маңызды* мәтін.")
    preview = watched_page.frame_locator('.markdown-preview[data-field="body_kk"] iframe')
    expect(preview.locator("h2")).to_have_text("Қорытынды")
    assert watched_page.violations() == []
