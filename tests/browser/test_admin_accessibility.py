"""axe-core in Chromium over the admin pages our templates make: the article's revisions and a comparison of two,
the translators' list and the admin index with a translator's list, in English, Russian and Kazakh: no serious or
critical issue."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page
from reversion.models import Version

from .conftest import require
from .test_accessibility import AXE


@pytest.fixture
def browser_context_args(browser_context_args):
    """Let axe-core, which Playwright injects as an inline script, past the pages' Content-Security-Policy."""
    return {**browser_context_args, "bypass_csp": True}


def log_in(page: Page, live_server, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def serious_violations(page: Page, url: str) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{url}: {violation['id']} ({violation['impact']}): {violation['help']} "
        f"{[node['target'] for node in violation['nodes']]}"
        for violation in result["violations"] if violation["impact"] in ("serious", "critical")
    ]


def test_no_serious_or_critical_accessibility_violation_on_our_admin_pages(
    page: Page, live_server, transactional_db, make_article
):
    require(AXE.exists(), "axe-core is missing: run `npm install`")
    call_command("setup_roles", verbosity=0)
    article = make_article(key="budget", body_en="One.\n\n## Two\n\n- three")
    article.body_en = "One, changed.\n\n## Two\n\n- three\n- four"
    article.save()
    make_article(languages=("en", "ru"), key="buses")
    versions = list(Version.objects.get_for_object(article).order_by("pk"))
    User.objects.create_superuser("chief", password="correct horse battery")
    translator = User.objects.create_user("translator", password="correct horse battery", is_staff=True)
    translator.groups.add(Group.objects.get(name="Translators (kk)"))
    history = reverse("admin:articles_article_history", args=[article.pk])
    compare = reverse("admin:articles_article_revision_compare", args=[article.pk])
    translations = reverse("admin:articles_article_translations")
    visits = {
        "chief": [history, f"{compare}?older={versions[0].pk}&newer={versions[-1].pk}", translations],
        "translator": [reverse("admin:index"), translations, history],
    }
    problems = []
    for username, urls in visits.items():
        for language in ("en", "ru", "kk"):
            log_in(page, live_server, username, "correct horse battery")
            page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                                       "url": live_server.url}])
            for url in urls:
                page.goto(live_server.url + url)
                assert page.url == live_server.url + url, f"{username} was sent elsewhere from {url}"
                assert page.locator("html").get_attribute("lang") == language, url
                problems += serious_violations(page, f"{language} {username} {url}")
    assert not problems, "\n".join(problems)
