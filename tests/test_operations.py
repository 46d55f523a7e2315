"""Operations: what readers get while the database is unreachable or hung, and what reaches the logs.

The outages are real: the site's connection is swapped for one to a closed port (connection refused) or to a
socket that accepts and never answers (a hung server), and pages are requested through the test client.
"""

import logging
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.db.utils import ConnectionHandler
from django.test import RequestFactory

from newsroom.middleware import DatabaseOutageMiddleware
from newsroom.settings import database_from_url

from .support import free_port

ROOT = Path(__file__).resolve().parent.parent


class SilentDatabaseServer:
    """A socket that accepts connections and never says a word: a database server that hangs."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.socket.accept()
            except OSError:
                return
            self.accepted.append(client)

    def stop(self) -> None:
        self.socket.close()
        for client in self.accepted:
            client.close()


def unseen(path: str) -> str:
    """``path``, with any copy an earlier test or run (Redis) kept of it removed."""
    request = RequestFactory().get(path)
    key = DatabaseOutageMiddleware._key(request, "copy")
    cache.delete(key)
    DatabaseOutageMiddleware._copied_at.pop(key, None)
    return path


def swap_database(url: str):
    """Make the ``default`` connection of this thread one to ``url``, configured as the site configures it."""
    broken = ConnectionHandler({"default": database_from_url(url)})["default"]
    real = connections["default"]
    connections["default"] = broken
    return real


@pytest.fixture
def fresh_outage_log(monkeypatch):
    monkeypatch.setattr(DatabaseOutageMiddleware, "_logged_at", None)


@pytest.fixture
def database_refusing(db, fresh_outage_log):
    """The site's database refuses connections: nothing listens on its port."""
    real = swap_database(f"postgres://postgres@127.0.0.1:{free_port()}/newsroom")
    yield
    connections["default"] = real


@pytest.fixture
def database_hung(db, fresh_outage_log, monkeypatch):
    """The site's database accepts connections and never answers them."""
    server = SilentDatabaseServer()
    monkeypatch.setenv("DJANGO_DB_CONNECT_TIMEOUT", "2")
    real = swap_database(f"postgres://postgres@127.0.0.1:{server.port}/newsroom")
    yield
    connections["default"] = real
    server.stop()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Temporarily unavailable"), ("ru", "Временно недоступно"), ("kk", "Уақытша қолжетімсіз")],
)
def test_a_page_is_a_503_in_its_language_with_retry_after_when_the_database_refuses(
    client, database_refusing, language, heading
):
    response = client.get(unseen(f"/{language}/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert f'<html lang="{language}">' in response.text
    assert heading in response.text


def test_a_hung_database_costs_a_request_a_503_not_the_worker(client, database_hung):
    response = client.get(unseen("/ru/"))
    assert response.status_code == 503
    assert "Временно недоступно" in response.text


def test_an_outage_is_logged_once_a_minute_without_a_traceback_per_request(
    client, database_refusing, monkeypatch, caplog
):
    now = [1000.0]
    monkeypatch.setattr("newsroom.middleware.time.monotonic", lambda: now[0])
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert client.get(unseen("/en/")).status_code == 503
        now[0] += DatabaseOutageMiddleware.LOG_EVERY_SECONDS
        assert client.get(unseen("/en/")).status_code == 503
    outage_records = [record for record in caplog.records if record.name == "newsroom.middleware"]
    assert len(outage_records) == 2
    assert "Database unavailable" in outage_records[0].getMessage()
    assert not [record for record in caplog.records if record.exc_info or record.name == "django.request"]


def test_a_public_page_seen_before_the_outage_is_served_from_its_last_good_copy(client, make_article, fresh_outage_log):
    article = make_article()
    url = unseen(article.get_absolute_url("kk"))
    before = client.get(url)
    assert before.status_code == 200
    real = swap_database(f"postgres://postgres@127.0.0.1:{free_port()}/newsroom")
    try:
        during = client.get(url)
        never_seen = client.get(unseen("/kk/sections/no-such-section/"))
    finally:
        connections["default"] = real
    assert during.status_code == 200
    assert article.title_kk in during.text
    assert never_seen.status_code == 503


def test_made_up_query_strings_leave_no_copy_behind(client, make_article):
    article = make_article()
    made_up = unseen(article.get_absolute_url("en") + "?utm=anything")
    paged = unseen("/en/?page=1")

    assert client.get(made_up).status_code == 200 and client.get(paged).status_code == 200

    assert cache.get(DatabaseOutageMiddleware._key(RequestFactory().get(made_up), "copy")) is None
    assert cache.get(DatabaseOutageMiddleware._key(RequestFactory().get(paged), "copy")) is not None


def test_a_page_is_copied_at_most_once_a_refresh_period_without_asking_the_cache(client, make_article):
    url = unseen(make_article().get_absolute_url("en"))
    key = DatabaseOutageMiddleware._key(RequestFactory().get(url), "copy")
    client.get(url)
    assert cache.get(key) is not None
    cache.delete(key)

    client.get(url)  # within the period: this process knows it copied the page, and writes nothing

    assert cache.get(key) is None
    # No marker in the cache either (there used to be a cache.add of one on every page view).
    assert cache.get(DatabaseOutageMiddleware._key(RequestFactory().get(url), "fresh")) is None


def test_the_last_good_copy_carries_its_own_csp_nonce(client, make_article, settings, fresh_outage_log):
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    article = make_article()
    url = unseen(article.get_absolute_url("en"))
    old_nonce = re.search(r'<script nonce="([^"]+)"', client.get(url).text)[1]
    real = swap_database(f"postgres://postgres@127.0.0.1:{free_port()}/newsroom")
    try:
        during = client.get(url)
    finally:
        connections["default"] = real
    new_nonce = re.search(r'<script nonce="([^"]+)"', during.text)[1]
    assert new_nonce != old_nonce
    assert f"'nonce-{new_nonce}'" in during["Content-Security-Policy"]


def test_staff_pages_are_never_kept_for_an_outage(client, make_article, editor, fresh_outage_log):
    client.force_login(editor)
    url = unseen("/admin/")
    assert client.get(url).status_code == 200
    real = swap_database(f"postgres://postgres@127.0.0.1:{free_port()}/newsroom")
    try:
        during = client.get(url)
    finally:
        connections["default"] = real
    assert during.status_code == 503


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="PostgreSQL's timeouts"
)
def test_postgresql_connections_carry_the_statement_and_connect_timeouts(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "10s"
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 5


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="PostgreSQL's timeouts"
)
def test_migrations_run_without_the_statement_timeout_and_give_it_back(db):
    from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal

    def timeout() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return cursor.fetchone()[0]

    emit_pre_migrate_signal(verbosity=0, interactive=False, db="default")
    assert timeout() == "0"
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert timeout() == "10s"


def test_database_timeouts_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_DB_CONNECT_TIMEOUT", "3")
    monkeypatch.setenv("DJANGO_DB_STATEMENT_TIMEOUT", "2500")
    options = database_from_url("postgres://newsroom@db.example/newsroom")["OPTIONS"]
    assert options == {"connect_timeout": 3, "options": "-c statement_timeout=2500"}


FAILING_URLS = '''
from django.urls import path

from newsroom.urls import urlpatterns


def fail(request):
    raise RuntimeError("the log test's own failure")


urlpatterns = [path("fail/", fail), *urlpatterns]
'''


def test_a_500_is_logged_with_its_traceback_and_time_to_gunicorns_stderr(tmp_path):
    (tmp_path / "failing_urls.py").write_text(FAILING_URLS)
    (tmp_path / "failing_settings.py").write_text(
        "from tests.settings import *  # noqa\n"
        "DEBUG = False\nALLOWED_HOSTS = ['127.0.0.1']\nROOT_URLCONF = 'failing_urls'\n"
    )
    port = free_port()
    stderr = tmp_path / "stderr.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "newsroom" / "gunicorn.conf.py"),
         "--chdir", str(ROOT), "--pythonpath", f"{tmp_path},{ROOT}"],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "failing_settings",
             "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
        stdout=subprocess.DEVNULL, stderr=stderr.open("w"),
    )
    try:
        status = request_when_listening(port, "/fail/", process)
    finally:
        process.terminate()
        process.wait(30)
    log = stderr.read_text()
    assert status == 500, log
    logged_error = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ERROR \[django\.request\] \d+ Internal Server Error: /fail/$"
    assert re.search(logged_error, log, re.MULTILINE), log
    assert "Traceback (most recent call last)" in log
    assert "RuntimeError: the log test's own failure" in log


def request_when_listening(port: int, path: str, process: subprocess.Popen) -> int:
    """The status of GET ``path``, once gunicorn listens (it may take a while to start on a busy machine)."""
    import http.client

    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        try:
            client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            client.request("GET", path)
            return client.getresponse().status
        except ConnectionRefusedError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")
