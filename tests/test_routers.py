"""Reads of public pages on the replica, all else on the primary (``newsroom.routers``), with a second alias on the
same test database, a connection of its own: each query is seen on the connection it went to.

The alias exists only while these tests run (``replica_alias``): in the settings, every other test's checks and
fixtures would have to allow it.
"""

import json
import os
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from newsroom.routers import ReplicaReadsMiddleware, ReplicaRouter, reads_from_replica

from .support import BROWSER, beacon_url, read, views_of

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica", "counting"]),
    pytest.mark.usefixtures("fresh_most_read_cache"),
]


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """``replica``: a second connection to the test database, as DATABASE_REPLICA_URL makes to a replica.

    Module-wide, so that it exists before each test's database access is set up and the tests may use it.
    """
    for alias in ("replica", "counting"):
        connections.settings[alias] = {**connections["default"].settings_dict}
    yield
    for alias in ("replica", "counting"):
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


@pytest.fixture(autouse=True)
def replica_router(settings):
    settings.DATABASE_ROUTERS = ["newsroom.routers.ReplicaRouter"]
    settings.NEWSROOM_REPLICA_LAG_SECONDS = 0


@contextmanager
def queries_by_database():
    """The queries run on each alias inside the block: ``{"default": [...], "replica": [...]}``."""
    with ExitStack() as stack:
        captured = {alias: stack.enter_context(CaptureQueriesContext(connections[alias])) for alias in connections}
        yield captured


def statements(captured, alias) -> list[str]:
    return [query["sql"].split()[0].upper() for query in captured[alias].captured_queries]


def test_a_readers_article_page_reads_from_the_replica_and_counts_on_the_primary(make_article):
    article = make_article()
    with queries_by_database() as captured:
        page = read(Client(), article, "ru")
    assert page.status_code == 200
    assert statements(captured, "replica") and set(statements(captured, "replica")) == {"SELECT"}
    # On the primary: the view counted, and the count shown (exact, as counting reads it), nothing else.
    on_primary = [query["sql"] for query in captured["default"].captured_queries]
    assert any("INSERT INTO" in sql and '"articles_articledailyviews"' in sql for sql in on_primary)
    assert [sql for sql in on_primary if sql.startswith("SELECT")] == [
        f'SELECT "view_count" FROM "articles_article" WHERE "id" = {article.pk}'
    ]
    assert views_of(article) == 1


def test_lists_read_from_the_replica(client, make_article):
    make_article()
    with queries_by_database() as captured:
        assert client.get("/kk/", headers={"user-agent": BROWSER}).status_code == 200
    assert statements(captured, "replica") and not statements(captured, "default")


def test_the_beacon_counts_on_the_primary_only(settings, make_article):
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    article = make_article()
    with queries_by_database() as captured:
        Client().post(beacon_url(article), headers={"user-agent": BROWSER, "sec-fetch-site": "same-origin"})
    assert statements(captured, "default") and not statements(captured, "replica")
    assert views_of(article) == 1


def test_staff_previews_and_the_admin_stay_on_the_primary(make_article, editor):
    draft = make_article(status=Article.Status.DRAFT)
    staff = Client()
    staff.force_login(editor)
    with queries_by_database() as captured:
        assert read(staff, draft).status_code == 200
        assert staff.get("/admin/articles/article/").status_code == 200
    assert statements(captured, "default") and not statements(captured, "replica")


def test_just_after_an_edit_pages_read_from_the_primary(settings, client, make_article):
    settings.NEWSROOM_REPLICA_LAG_SECONDS = 3600
    article = make_article()  # a content change, just now: the replica may not have it yet
    with queries_by_database() as captured:
        assert read(client, article).status_code == 200
    assert not statements(captured, "replica")


def test_reads_inside_a_transaction_and_every_write_go_to_the_primary():
    router = ReplicaRouter()
    token = reads_from_replica.set(True)
    try:
        assert router.db_for_read(Article) == "replica"
        with transaction.atomic():
            assert router.db_for_read(Article) == "default"
        assert router.db_for_write(Article) == "default"
    finally:
        reads_from_replica.reset(token)
    assert router.db_for_read(Article) == "default"


def test_with_asynchronous_commits_counted_views_go_over_the_counting_connection(settings, make_article):
    settings.DATABASE_ROUTERS = ["newsroom.routers.ViewCountRouter", "newsroom.routers.ReplicaRouter"]
    article = make_article()
    with queries_by_database() as captured:
        assert read(Client(), article, "kk").status_code == 200
    assert any('"articles_articledailyviews"' in query["sql"] for query in captured["counting"].captured_queries)
    assert not any("INSERT" in query["sql"] for query in captured["default"].captured_queries)
    assert views_of(article) == 1
    assert ReplicaRouter().db_for_write(Article) == "default"


def test_without_a_replica_the_middleware_steps_aside():
    replica = connections.settings.pop("replica")
    try:
        with pytest.raises(MiddlewareNotUsed):
            ReplicaReadsMiddleware(lambda request: None)
    finally:
        connections.settings["replica"] = replica
    assert ReplicaReadsMiddleware(lambda request: None)


@pytest.mark.parametrize("replica_url", ["", "postgres://reader@replica.example:5432/newsroom"])
def test_database_replica_url_adds_the_replica_and_its_router(replica_url):
    code = (
        "import json, newsroom.settings as s; "
        "print(json.dumps([sorted(s.DATABASES), getattr(s, 'DATABASE_ROUTERS', []), "
        "s.DATABASES.get('replica', {}).get('HOST')]))"
    )
    environment = {
        **os.environ, "DATABASE_REPLICA_URL": replica_url, "DJANGO_DB_COUNTS_ASYNC_COMMIT": "0",
        "DJANGO_SECRET_KEY": "x" * 50,
    }
    output = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    if replica_url:
        assert json.loads(output) == [["default", "replica"], ["newsroom.routers.ReplicaRouter"], "replica.example"]
    else:
        assert json.loads(output) == [["default"], [], None]


@pytest.mark.parametrize(
    ("database_url", "flag", "counting"),
    [
        ("postgres://newsroom@db.example:5432/newsroom", "", True),  # the default
        ("postgres://newsroom@db.example:5432/newsroom", "1", True),
        ("postgres://newsroom@db.example:5432/newsroom", "0", False),
        ("sqlite:///newsroom.sqlite3", "1", False),
    ],
)
def test_asynchronous_commits_of_counts_are_for_postgresql_and_on_by_default(database_url, flag, counting):
    code = (
        "import json, newsroom.settings as s; "
        "print(json.dumps([s.DATABASE_ROUTERS, s.DATABASES.get('counting', {}).get('OPTIONS', {}).get('options')]))"
    )
    environment = {
        **os.environ, "DATABASE_URL": database_url, "DJANGO_DB_COUNTS_ASYNC_COMMIT": flag,
        "DATABASE_REPLICA_URL": "", "DJANGO_SECRET_KEY": "x" * 50,
    }
    output = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    routers, options = json.loads(output)
    if counting:
        assert routers == ["newsroom.routers.ViewCountRouter"]
        assert options.endswith("-c synchronous_commit=off") and "statement_timeout" in options
    else:
        assert (routers, options) == ([], None)
