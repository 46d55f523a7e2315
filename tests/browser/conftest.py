"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the tests themselves still use the ORM synchronously.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("NEWSROOM_CHROMIUM", "/usr/bin/chromium"))
# Without these, Chromium keeps trying to reach Google's services, which a closed network refuses.
QUIET_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def require(condition: bool, reason: str) -> None:
    """Skip when a tool is missing on a developer's machine; fail in CI, where NEWSROOM_REQUIRE_BROWSER=1."""
    if condition:
        return
    if os.environ.get("NEWSROOM_REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": QUIET_FLAGS}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


def log_in_to_admin(page, live_server, next_path: str) -> None:
    """Create the superuser "chief" and log in through the admin's login form, landing on ``next_path``."""
    from django.contrib.auth.models import User

    User.objects.create_superuser("chief", password="correct horse battery")
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
