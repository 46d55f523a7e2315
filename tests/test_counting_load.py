"""Counts stay exact under load: concurrent readers over real HTTP against gunicorn with several workers.

The test database is committed (``transaction=True``) and served to gunicorn, which reads the same database as this
test through its name: PostgreSQL's test database, or the SQLite file ``tests/settings.py`` puts the test database in.
"""

import http.client
import shutil
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from articles.models import ArticleDailyViews

from .support import BROWSER, RedisServer, free_port

pytestmark = [pytest.mark.load, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4


def on_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture
def counter_settings(request, tmp_path) -> dict:
    """The counter settings under test; the Redis counter gets a redis-server of its own."""
    if request.param == "db":
        yield {"ARTICLES_VIEW_COUNTER": "db"}
        return
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not on PATH (apt-get install redis-server)")
    server = RedisServer()
    yield {
        "ARTICLES_VIEW_COUNTER": "redis",
        "ARTICLES_VIEW_REDIS_URL": server.url,
        "ARTICLES_VIEW_REDIS_KEY_PREFIX": f"load:{uuid.uuid4().hex}",
    }
    server.stop()


class Gunicorn:
    """gunicorn serving the test database with ``overrides`` on top of the test settings."""

    def __init__(self, directory: Path, overrides: dict) -> None:
        lines = [
            "from tests.settings import *  # noqa",
            "DEBUG = False",
            'ALLOWED_HOSTS = ["127.0.0.1"]',
            f"DATABASES['default']['NAME'] = {str(connection.settings_dict['NAME'])!r}",
            *(f"{name} = {value!r}" for name, value in overrides.items()),
        ]
        (directory / "load_settings.py").write_text("\n".join(lines) + "\n")
        self.port = free_port()
        self.log = directory / "gunicorn.log"
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "newsroom.wsgi:application",
                "--workers", str(WORKERS), "--bind", f"127.0.0.1:{self.port}",
                "--chdir", str(ROOT), "--pythonpath", f"{directory},{ROOT}",
                "--env", "DJANGO_SETTINGS_MODULE=load_settings", "--graceful-timeout", "5",
            ],
            stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )
        # A generous bound, polled: four workers starting on a busy machine only take longer.
        deadline = time.monotonic() + 120
        while self.process.poll() is None and time.monotonic() < deadline:
            try:
                if self.get("/en/", user_agent="probe")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text()}")

    def get(self, path: str, user_agent: str = BROWSER) -> tuple[int, bytes]:
        """One request from a new reader: a new connection, no cookie."""
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            client.request("GET", path, headers={"User-Agent": user_agent, "Accept": "text/html"})
            response = client.getresponse()
            return response.status, response.read()
        finally:
            client.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(120)


def read_concurrently(server: Gunicorn, path: str, *, readers: int, requests_each: int) -> list[int]:
    def reader(_number: int) -> list[int]:
        return [server.get(path)[0] for _ in range(requests_each)]

    with ThreadPoolExecutor(readers) as pool:
        return [status for statuses in pool.map(reader, range(readers)) for status in statuses]


def assert_every_view_counted(make_article, tmp_path, counter_settings, *, readers: int, requests_each: int) -> None:
    article = make_article()
    server = Gunicorn(tmp_path, counter_settings)
    try:
        statuses = read_concurrently(
            server, article.get_absolute_url("ru"), readers=readers, requests_each=requests_each
        )
    finally:
        server.stop()
    assert statuses == [200] * (readers * requests_each), f"failed requests; gunicorn said:\n{server.log.read_text()}"
    with override_settings(**counter_settings):
        call_command("flush_view_counts", verbosity=0)
    article.refresh_from_db()
    assert article.view_count == readers * requests_each
    assert sum(ArticleDailyViews.objects.filter(article=article, language="ru").values_list("views", flat=True)) == (
        readers * requests_each
    )
    assert not ArticleDailyViews.objects.exclude(language="ru").exists()


@pytest.mark.skipif(not on_postgresql(), reason="needs PostgreSQL: run with DATABASE_URL=postgres://…")
@pytest.mark.parametrize("counter_settings", ["db", "redis"], indirect=True)
def test_sixteen_readers_on_postgresql_are_counted_exactly(make_article, tmp_path, counter_settings):
    assert_every_view_counted(make_article, tmp_path, counter_settings, readers=16, requests_each=60)


@pytest.mark.skipif(on_postgresql(), reason="the SQLite variant; this run's database is PostgreSQL")
@pytest.mark.parametrize("counter_settings", ["db", "redis"], indirect=True)
def test_concurrent_readers_on_sqlite_fail_no_request_and_lose_no_view(make_article, tmp_path, counter_settings):
    assert_every_view_counted(make_article, tmp_path, counter_settings, readers=8, requests_each=30)


def test_over_real_http_a_reader_counts_and_a_crawler_does_not(make_article, tmp_path):
    article = make_article()
    server = Gunicorn(tmp_path, {"ARTICLES_VIEW_COUNTER": "db"})
    try:
        status, body = server.get(article.get_absolute_url("kk"))
        bot_status, _body = server.get(article.get_absolute_url("kk"), user_agent="Googlebot/2.1")
    finally:
        server.stop()
    assert status == bot_status == 200 and article.title_kk in body.decode()
    article.refresh_from_db()
    assert article.view_count == 1
