"""``make bench``: article pages per second and p99 latency, counting every view, next to a bare Django page.

Serves the project with gunicorn (2 sync workers, DEBUG off, static files collected) on a SQLite file database, or
on ``BENCH_DATABASE_URL`` (a PostgreSQL database the bench may write to), and loads it with 16 connections that
each send every request as a new reader (a browser's User-Agent, no cookie). Rows:

- bare: ``/bench/bare/``, a Django view returning the saved article page (same size, same middleware, no work);
- article, db / redis counter: the article page, uncached, counting every view with that counter (on PostgreSQL
  the db counter's views commit without waiting for the WAL flush, the default; and once more with
  ``DJANGO_DB_COUNTS_ASYNC_COMMIT=0``, each view a durable commit);
- article, crawler: the same page for a crawler's User-Agent, which is not counted (what counting costs);
- article, full-page cache: the page as anonymous readers get it with ``ARTICLES_FULL_PAGE_CACHE`` on (Redis,
  beacon counting: the views are counted by the beacon each page sends, a request of its own that the load
  generator, running no script, does not send).

The table goes to stdout and to ``bench/results/latest.md``. Environment: ``BENCH_SECONDS`` (10),
``BENCH_CONNECTIONS`` (16), ``BENCH_WORKERS`` (2), ``BENCH_ROUNDS`` (3: every page is loaded in turn, this many
times over, its servers all started first), ``BENCH_DATABASE_URL``, ``BENCH_REDIS_URL`` (default: a
redis-server of the bench's own when one is installed).
"""

import http.client
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench import load

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.md"
BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
TARGET_RATIO, TARGET_P99_MS = 0.20, 30.0
CACHED_TARGET_RATIO = 0.70


@dataclass
class Case:
    name: str
    path: str
    user_agent: str
    env: dict[str, str]
    counts: bool = False  # whether the database should gain one view per request
    target: float | None = None  # the ratio to the bare view this case should reach


@dataclass
class Row:
    name: str
    result: load.LoadResult
    counted: int | None = None  # views the database gained; None where nothing should count
    target: float | None = None  # the ratio to the bare view this row should reach


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Bench:
    def __init__(self) -> None:
        self.seconds = float(os.environ.get("BENCH_SECONDS", "10"))
        self.connections = int(os.environ.get("BENCH_CONNECTIONS", "16"))
        self.workers = int(os.environ.get("BENCH_WORKERS", "2"))
        self.rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
        self.workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
        self.database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{self.workdir / 'bench.sqlite3'}"
        self.env = {
            **{name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "DJANGO_DEBUG")},
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": self.database_url,
            "BENCH_STATIC_ROOT": str(self.workdir / "static"),
            "BENCH_BARE_PAGE": str(self.workdir / "bare.html"),
            "PYTHONPATH": str(ROOT),
        }
        self.redis_process = None

    def manage(self, *args: str, **env: str) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env={**self.env, **env}, check=True,
            capture_output=True, text=True,
        ).stdout

    def python(self, code: str, **env: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", f"import django; django.setup()\n{code}"], cwd=ROOT, env={**self.env, **env},
            check=True, capture_output=True, text=True,
        ).stdout.strip()

    def prepare(self) -> None:
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        seeded = json.loads(
            subprocess.run(
                [sys.executable, "-m", "bench.seed"], cwd=ROOT, env=self.env, check=True, capture_output=True,
                text=True,
            ).stdout
        )
        self.article_id, self.article_path = seeded["id"], seeded["url"]
        if self.database_url.startswith("postgres"):
            # Every counted view leaves a dead version of the article's row (and, when it cannot stay on its page,
            # of its 23 index entries); earlier runs on this database leave theirs for this one to wade through
            # unless they are vacuumed (this machine's PostgreSQL runs no autovacuum). Start each run alike.
            self.python(
                "from django.db import connection\n"
                "from articles.models import Article, ArticleDailyViews\n"
                "with connection.cursor() as cursor:\n"
                "    for model in (Article, ArticleDailyViews):\n"
                "        cursor.execute(f'VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}')"
            )

    def redis_url(self) -> str | None:
        if os.environ.get("BENCH_REDIS_URL"):
            return os.environ["BENCH_REDIS_URL"]
        if shutil.which("redis-server") is None:
            return None
        port = free_port()
        self.redis_process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for(lambda: socket.create_connection(("127.0.0.1", port), timeout=0.2).close())
        return f"redis://127.0.0.1:{port}/0"

    def views(self, env: dict[str, str]) -> int:
        if env.get("ARTICLES_VIEW_COUNTER") == "redis":
            self.manage("flush_view_counts", "--verbosity", "0", **env)
        return int(self.python(
            f"from articles.models import Article; print(Article.objects.get(pk={self.article_id}).view_count)", **env
        ))

    def serve(self, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "newsroom.wsgi:application", "--workers", str(self.workers),
                "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
            ],
            cwd=ROOT, env={**self.env, **env},
        )
        try:
            wait_for(lambda: answers(port))
        except BaseException:
            server.terminate()
            raise
        return server, port

    def measure(self, cases: list["Case"]) -> list[Row]:
        """Load each case's server in turn, ``BENCH_ROUNDS`` times over, ``BENCH_SECONDS`` in all per case.

        Every server is started first and waits idle while the others are loaded: on a shared machine whose load
        drifts, each case then sees the same mix of quiet and busy moments, and the ratios are fairer than with one
        case after the other.
        """
        servers = []
        try:
            for case in cases:
                servers.append(self.serve(case.env))
            headers = {case.name: {"User-Agent": case.user_agent, "Accept": "text/html"} for case in cases}
            for case, (_server, port) in zip(cases, servers, strict=True):
                load.run(f"http://127.0.0.1:{port}{case.path}", connections=self.connections, seconds=2,
                         headers=headers[case.name])  # warm up
            slices: dict[str, list[load.LoadResult]] = {case.name: [] for case in cases}
            counted: dict[str, int] = {case.name: 0 for case in cases}
            for _round in range(self.rounds):
                for case, (_server, port) in zip(cases, servers, strict=True):
                    before = self.views(case.env) if case.counts else 0
                    slices[case.name].append(load.run(
                        f"http://127.0.0.1:{port}{case.path}", connections=self.connections,
                        seconds=self.seconds / self.rounds, headers=headers[case.name],
                    ))
                    if case.counts:
                        counted[case.name] += self.views(case.env) - before
        finally:
            for server, _port in servers:
                server.terminate()
                server.wait(30)
        return [
            Row(case.name, combine(slices[case.name]), counted[case.name] if case.counts else None, case.target)
            for case in cases
        ]

    def run(self) -> str:
        self.prepare()
        redis_url = self.redis_url()
        try:
            # The bare page is the article page as a reader gets it, saved once.
            server, port = self.serve({})
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}{self.article_path}", headers={"User-Agent": CRAWLER}
                )
                Path(self.env["BENCH_BARE_PAGE"]).write_bytes(urllib.request.urlopen(request).read())
            finally:
                server.terminate()
                server.wait(30)
            cases = [
                Case("bare Django view, same page", "/bench/bare/", BROWSER, {}),
                Case("article, uncached, db counter", self.article_path, BROWSER, {"ARTICLES_VIEW_COUNTER": "db"},
                     counts=True, target=TARGET_RATIO),
            ]
            if self.database_url.startswith("postgres"):
                cases.append(Case(
                    "article, uncached, db counter, durable commits", self.article_path, BROWSER,
                    {"ARTICLES_VIEW_COUNTER": "db", "DJANGO_DB_COUNTS_ASYNC_COMMIT": "0"}, counts=True,
                    target=TARGET_RATIO,
                ))
            if redis_url:
                cases.append(Case(
                    "article, uncached, redis counter", self.article_path, BROWSER,
                    {"ARTICLES_VIEW_COUNTER": "redis", "ARTICLES_VIEW_REDIS_URL": redis_url}, counts=True,
                    target=TARGET_RATIO,
                ))
            cases.append(Case(
                "article, crawler (not counted)", self.article_path, CRAWLER, {"ARTICLES_VIEW_COUNTER": "db"}
            ))
            if redis_url:
                cases.append(Case(
                    "article, full-page cache (Redis; beacon counts)", self.article_path, BROWSER,
                    {
                        "REDIS_URL": redis_url, "ARTICLES_FULL_PAGE_CACHE": "1", "ARTICLES_VIEW_COUNTING": "beacon",
                        "ARTICLES_VIEW_COUNTER": "db",
                    },
                    target=CACHED_TARGET_RATIO,
                ))
            rows = self.measure(cases)
        finally:
            if self.redis_process is not None:
                self.redis_process.terminate()
                self.redis_process.wait(10)
            shutil.rmtree(self.workdir, ignore_errors=True)
        return self.report(rows, redis_url is not None)

    def report(self, rows: list[Row], with_redis: bool) -> str:
        bare = rows[0].result.per_second
        database = "PostgreSQL" if self.database_url.startswith("postgres") else "SQLite (file, WAL)"
        lines = [
            f"# View counting bench, {datetime.now():%Y-%m-%d %H:%M}",
            "",
            (
                f"gunicorn, {self.workers} sync workers, DEBUG off, static files collected; {database}; "
                f"{self.connections} connections for {self.seconds:g} s per page in {self.rounds} alternating rounds, "
                "every request a new reader; "
                f"load: {load.describe()}; {os.cpu_count()} CPUs, load average {load_average()}; "
                f"Python {platform.python_version()}."
            ),
            "",
            "| page | requests/s | p50 ms | p99 ms | × bare | views counted / requests |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for row in rows:
            result = row.result
            counted = "—" if row.counted is None else f"{row.counted} / {result.requests}"
            errors = f" ({result.errors} failed)" if result.errors else ""
            lines.append(
                f"| {row.name}{errors} | {result.per_second:.0f} | {result.p50_ms:.1f} | {result.p99_ms:.1f} | "
                f"{result.per_second / bare:.2f} | {counted} |"
            )
        lines.append("")
        for row in rows[1:]:
            if row.target is None:
                continue
            ratio, p99 = row.result.per_second / bare, row.result.p99_ms
            lines.append(
                f"- {row.name}: {ratio:.2f}× the bare view — {'meets' if ratio >= row.target else 'misses'} the "
                f"target (≥ {row.target:.2f}×); p99 {p99:.1f} ms — {'meets' if p99 < TARGET_P99_MS else 'misses'} "
                f"the target (< {TARGET_P99_MS:g} ms; the bare view's: {rows[0].result.p99_ms:.1f} ms)."
            )
        if not with_redis:
            lines.append(
                "- redis counter and full-page cache: skipped (no redis-server installed and no BENCH_REDIS_URL)."
            )
        lines.append(
            "- wrk stops with requests in flight, which the server may still count: views counted may exceed "
            "requests by up to the number of connections."
        )
        return "\n".join(lines) + "\n"


def combine(slices: list[load.LoadResult]) -> load.LoadResult:
    """One result for a case's rounds: their requests over their time; the median round's p50, the worst p99."""
    p50s = sorted(result.p50_ms for result in slices)
    return load.LoadResult(
        requests=sum(result.requests for result in slices),
        errors=sum(result.errors for result in slices),
        seconds=sum(result.seconds for result in slices),
        p50_ms=p50s[len(p50s) // 2],
        p99_ms=max(result.p99_ms for result in slices),
    )


def load_average() -> str:
    """The machine's 1-minute load average: other work on the machine skews the figures."""
    return f"{os.getloadavg()[0]:.2f}"


def answers(port: int) -> None:
    """Return once gunicorn answers HTTP on ``port``, whatever the answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        connection.request("GET", "/bench/bare/")
        connection.getresponse().read()
    finally:
        connection.close()


def wait_for(attempt, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            attempt()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def main() -> None:
    report = Bench().run()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
