"""Several app servers share the database and Redis: two gunicorn instances, an edit through one, and no stale page
through the other, with the full-page cache on and public pages reading from a replica alias.

The test database is committed (``transaction=True``) and served to both, as in ``test_counting_load.py``; the cache
is ``REDIS_URL`` when set (this run's own database number), else a redis-server of the test's own.
"""

import http.client
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.utils import timezone

from .support import BROWSER, article_form, change_url, free_port, views_of

pytestmark = [pytest.mark.load, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent


class Server:
    """One gunicorn instance (one worker) serving the test database with the full-page cache on."""

    def __init__(self, directory: Path, name: str, *, redis_url: str, cache_prefix: str) -> None:
        database = str(connection.settings_dict["NAME"])
        lines = [
            "from tests.settings import *  # noqa",
            "DEBUG = False",
            'ALLOWED_HOSTS = ["127.0.0.1"]',
            f"DATABASES['default']['NAME'] = {database!r}",
            f"DATABASES['replica'] = {{**DATABASES['default'], 'NAME': {database!r}}}",
            'DATABASE_ROUTERS = ["newsroom.routers.ReplicaRouter"]',
            "NEWSROOM_REPLICA_LAG_SECONDS = 0",
            f"CACHES = {{'default': {{'BACKEND': 'newsroom.cache.ResilientRedisCache', 'LOCATION': {redis_url!r}}}}}",
            f"CACHES['default']['KEY_PREFIX'] = {cache_prefix!r}",
            "ARTICLES_FULL_PAGE_CACHE = True",
            'ARTICLES_VIEW_COUNTING = "beacon"',
        ]
        (directory / f"{name}_settings.py").write_text("\n".join(lines) + "\n")
        self.port = free_port()
        self.log = directory / f"{name}.log"
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "newsroom.wsgi:application", "--workers", "1",
                "--bind", f"127.0.0.1:{self.port}", "--chdir", str(ROOT), "--pythonpath", f"{directory},{ROOT}",
                "--env", f"DJANGO_SETTINGS_MODULE={name}_settings", "--graceful-timeout", "5",
            ],
            stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120  # polled: a busy machine only makes the start slower
        while self.process.poll() is None and time.monotonic() < deadline:
            try:
                self.request("GET", "/robots.txt")
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text()}")

    def request(
        self, method: str, path: str, *, body: str | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], str]:
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            # One site name for both, as behind a load balancer (pages and their keys carry the host).
            client.request(
                method, path, body=body, headers={"Host": "127.0.0.1", "User-Agent": BROWSER, **(headers or {})}
            )
            response = client.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            client.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(60)


@pytest.fixture
def two_servers(tmp_path, redis_url):
    prefix = f"several-servers-{uuid.uuid4().hex}"
    servers = []
    try:
        for name in ("first", "second"):
            servers.append(Server(tmp_path, name, redis_url=redis_url, cache_prefix=prefix))
        yield servers
    finally:
        for server in servers:
            server.stop()


def staff_cookies() -> str:
    """A logged-in superuser's session cookie (sessions live in the shared database) and a CSRF cookie."""
    client = Client()
    client.force_login(User.objects.create_superuser("chief", "chief@example.com", "secret-password"))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_an_edit_through_one_server_is_seen_at_once_through_the_other(two_servers, make_article):
    first, second = two_servers
    article = make_article(languages=("en",), title_en="The first headline")
    path = article.get_absolute_url("en")

    statuses = [second.request("GET", path) for _ in range(2)]
    assert [(status, headers.get("X-Page-Cache")) for status, headers, _body in statuses] == [
        (200, "miss"), (200, "hit")
    ]
    status, headers, body = first.request("GET", path)  # kept by the other server: the cache is shared
    assert (status, headers.get("X-Page-Cache")) == (200, "hit") and "The first headline" in body

    token = secrets.token_hex(16)
    byline = article.bylines.get()
    published = timezone.localtime(article.published_at)
    form = article_form(
        byline.author, title_en="The corrected headline", slug_en=article.slug_en, status="published",
        published_at_0=published.strftime("%Y-%m-%d"), published_at_1=published.strftime("%H:%M:%S"),
        csrfmiddlewaretoken=token,
        **{"bylines-INITIAL_FORMS": "1", "bylines-0-id": str(byline.pk), "bylines-0-article": str(article.pk)},
    )
    status, _headers, body = first.request(
        "POST", change_url(article), body=urlencode(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{staff_cookies()}; {settings.CSRF_COOKIE_NAME}={token}",
        },
    )
    assert status == 302, body

    status, headers, body = second.request("GET", path)
    assert status == 200 and "The corrected headline" in body and "The first headline" not in body
    assert headers.get("X-Page-Cache") == "miss"
    assert "The corrected headline" in first.request("GET", path)[2]


def test_readers_of_both_servers_are_each_counted_once_by_the_beacon(two_servers, make_article):
    article = make_article()
    beacon = f"/ru/articles/{article.pk}/seen/"
    for server in two_servers * 3:
        status, _headers, body = server.request("GET", article.get_absolute_url("ru"))
        assert status == 200 and beacon in body
        assert server.request("POST", beacon, headers={"Sec-Fetch-Site": "same-origin"})[0] == 204
    assert views_of(article) == 6
