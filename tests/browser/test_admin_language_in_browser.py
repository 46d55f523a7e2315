"""The admin after its JavaScript has run, in Russian and Kazakh: the texts scripts add (language tabs, date and
time shortcuts and calendars, the two-box permission chooser, the action counter, inline rows, the Markdown
preview) are checked as the server's pages are (``tests/test_admin_language.py``)."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import Page

from tests.test_admin_language import created_content, english_left_on, english_msgids

from .conftest import log_in_to_admin


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_what_the_admins_scripts_add_is_in_the_editors_language(
    page: Page, live_server, transactional_db, make_article, language
):
    article = make_article(languages=("ru", "kk"))
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    log_in_to_admin(page, live_server, reverse("admin:index"))
    chief = User.objects.get(username="chief")
    # Each page, with an element its scripts make: the check below reads the page after they ran.
    pages = {
        reverse("admin:articles_article_changelist"): ".action-counter",
        reverse("admin:articles_article_add"): ".datetimeshortcuts",
        reverse("admin:articles_article_change", args=[article.pk]): ".markdown-preview",
        reverse("admin:auth_user_change", args=[chief.pk]): ".selector-chooseall",
        reverse("admin:auth_group_add"): ".selector-chosen",
    }
    msgids = english_msgids()
    problems = {}
    for url, made_by_script in pages.items():
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == language, url
        assert page.locator(made_by_script).count(), f"{made_by_script} on {url}"
        problems[url] = english_left_on(page.content(), created_content(), msgids)
    # Open the date's calendar and the time's clock: their month names, days and shortcuts.
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    for opener, box in (("#calendarlink0", "#calendarbox0"), ("#clocklink0", "#clockbox0")):
        page.click(opener)
        assert page.locator(box).is_visible(), box
        problems[box] = english_left_on(page.content(), created_content(), msgids)
        page.keyboard.press("Escape")
    assert {url: found for url, found in problems.items() if found} == {}
