"""Screenshots of the article admin in Kazakh for the README: the list and the form, 1280px wide.

A throwaway SQLite database and media folder get the demo content (``load_demo``) and a superuser; Django's
development server serves them; Debian's Chromium, driven by Playwright, logs in with the language cookie set to
``kk`` and saves ``docs/screenshots/admin-list-kk.png`` and ``admin-form-kk.png`` (each kept under 300 KB).

Run: ``.venv/bin/python -m bench.admin_screenshots`` (``NEWSROOM_CHROMIUM`` names another Chromium).
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("NEWSROOM_CHROMIUM", "/usr/bin/chromium")
WIDTH, HEIGHT = 1280, 900
MAX_BYTES = 300 * 1024
PASSWORD = "screenshots only"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict[str, str], *arguments: str) -> None:
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def wait_for(url: str, server: subprocess.Popen) -> None:
    for _attempt in range(100):
        if server.poll() is not None:
            raise SystemExit("the development server stopped")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def take(base: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        context.add_cookies([{"name": "django_language", "value": "kk", "url": base}])
        page = context.new_page()
        page.goto(f"{base}/admin/login/?next=/admin/articles/article/")
        page.fill("#id_username", "chief")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_selector("#result_list")
        page.screenshot(path=str(OUTPUT / "admin-list-kk.png"))
        page.click("#result_list tbody tr:first-child th a")
        page.wait_for_selector(".language-switch:not([hidden])")
        page.click('.language-switch-button[data-language="kk"]')
        page.wait_for_timeout(800)  # the preview's answer
        page.screenshot(path=str(OUTPUT / "admin-form-kk.png"))
        # Each language's own state and time (issue #14): the form's "publication in each language" part.
        page.locator("fieldset:has(.field-language_publication)").scroll_into_view_if_needed()
        page.evaluate("document.querySelector('fieldset:has(.field-language_publication)').scrollIntoView()")
        page.evaluate("window.scrollBy(0, -70)")  # below the language switch, which stays at the top
        page.screenshot(path=str(OUTPUT / "admin-languages-kk.png"))
        browser.close()


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            **os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{scratch}/screens.sqlite3",
            "DJANGO_MEDIA_ROOT": f"{scratch}/media", "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        }
        env.pop("REDIS_URL", None)
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "load_demo", "--verbosity", "0")
        manage(env, "createsuperuser", "--noinput", "--username", "chief", "--email", "chief@example.com")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/admin/login/", server)
            take(base)
        finally:
            server.terminate()
            server.wait()
    for name in ("admin-list-kk.png", "admin-form-kk.png", "admin-languages-kk.png"):
        size = (OUTPUT / name).stat().st_size
        print(f"{name}: {size // 1024} KB")
        if size > MAX_BYTES:
            raise SystemExit(f"{name} is over {MAX_BYTES // 1024} KB")


if __name__ == "__main__":
    main()
