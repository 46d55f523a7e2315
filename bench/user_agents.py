"""``make bench``: what a User-Agent can make an article page cost, unauthenticated.

Bot detection runs on every article page, on a header the client chooses. crawlerdetect's own matcher backtracks
(time quadratic in the header's length), so unique long User-Agents were a cheap way to load the site. This
measures, in one process (Django's test client, a SQLite file, DEBUG off, static files collected):

- the article page for a browser, each request a new reader (so each is counted: the normal page), against the
  same page for unique User-Agents of growing length, including runs of letters (the backtracking worst case);
- ``is_crawler`` alone on the same inputs, next to crawlerdetect's own matcher.

Every page row should stay under ~1.5× the normal page. The table goes to stdout and to
``bench/results/user_agents.md``. ``BENCH_UA_REQUESTS`` (200) sets the requests per row.
"""

import contextlib
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "user_agents.md"
WORKDIR = Path(tempfile.mkdtemp(prefix="newsroom-bench-ua-"))
os.environ.update({
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DATABASE_URL": f"sqlite:///{WORKDIR / 'bench.sqlite3'}",
    "BENCH_STATIC_ROOT": str(WORKDIR / "static"),
    "BENCH_BARE_PAGE": str(WORKDIR / "bare.html"),
    "ARTICLES_VIEW_COUNTER": "db",
    "ARTICLES_VIEW_COUNTING": "request",
})
os.environ.pop("DJANGO_DEBUG", None)
os.environ.pop("REDIS_URL", None)
sys.path.insert(0, str(ROOT))

import django  # noqa: E402  (after the environment is set)

django.setup()

from crawlerdetect import CrawlerDetect  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from articles.counting.readers import MAX_USER_AGENT_CHARS, is_crawler  # noqa: E402

BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


def unique_browser(length: int) -> str:
    """A browser's User-Agent made unique (no cache has seen it) and padded with letters to ``length``."""
    token = f" Ext/{uuid.uuid4().hex[:12]} "
    return (BROWSER + token + "abcdefghij" * (length // 10 + 1))[:max(length, len(BROWSER) + len(token))]


def browser_tokens(length: int) -> str:
    """Browser tokens repeated: the most matches for the exclusion step, which removes them one by one."""
    return (uuid.uuid4().hex[:8] + " " + "Chrome/1 Safari/1 " * length)[:length]


def letter_run(length: int) -> str:
    """A unique run of letters: the worst case for a backtracking matcher."""
    return (uuid.uuid4().hex[:8] + " " + "a" * length)[:length]


CASES: list[tuple[str, Callable[[], str]]] = [
    ("browser, seen before (cached)", lambda: BROWSER),
    ("unique browsers, ~130 chars", lambda: unique_browser(0)),
    ("unique, 300 chars", lambda: unique_browser(300)),
    (f"unique, {MAX_USER_AGENT_CHARS} chars (the cap)", lambda: unique_browser(MAX_USER_AGENT_CHARS)),
    (f"letter run, {MAX_USER_AGENT_CHARS} chars", lambda: letter_run(MAX_USER_AGENT_CHARS)),
    (f"browser tokens repeated, {MAX_USER_AGENT_CHARS} chars", lambda: browser_tokens(MAX_USER_AGENT_CHARS)),
    ("unique, 1,000 chars (over the cap)", lambda: unique_browser(1000)),
    ("letter run, 4,000 chars (over the cap)", lambda: letter_run(4000)),
]


def timed_ms(run: Callable[[str], object], value: str) -> float:
    start = time.perf_counter()
    run(value)
    return (time.perf_counter() - start) * 1000


def median_ms(run: Callable[[str], object], make_input: Callable[[], str], repeats: int) -> float:
    return statistics.median(timed_ms(run, make_input()) for _ in range(repeats))


def prepare() -> str:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    from articles.models import Article
    from bench import seed  # its django.setup() is a no-op now

    with contextlib.redirect_stdout(io.StringIO()):  # the seed prints its article for bench/run.py
        seed.main()
    return Article.objects.get(key="bench-article").get_absolute_url("en")


def main() -> None:
    repeats = int(os.environ.get("BENCH_UA_REQUESTS", "200"))
    path = prepare()

    client = Client()

    def page(user_agent: str) -> None:
        client.cookies.clear()  # a new reader
        response = client.get(path, headers={"user-agent": user_agent, "accept": "text/html"})
        assert response.status_code == 200, response.status_code

    for _ in range(20):
        page(BROWSER)  # warm up: caches, templates, the compiled patterns
    crawlerdetect = CrawlerDetect()
    lines = [
        f"# User-Agent cost, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        (f"In-process article page (Django test client, SQLite, DEBUG off), median of {repeats} requests per row, "
         "each a new reader, each alternating with a normal page (a unique browser User-Agent, counted) so that "
         f"other work on the machine weighs on both alike; {os.cpu_count()} CPUs, load average "
         f"{os.getloadavg()[0]:.2f}."),
        "",
        "| User-Agent | page ms | normal page ms | × normal page | is_crawler ms | crawlerdetect's matcher ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    worst = 0.0
    for name, make_input in CASES:
        pairs = [(timed_ms(page, unique_browser(0)), timed_ms(page, make_input())) for _ in range(repeats)]
        normal_ms = statistics.median(normal for normal, _case in pairs)
        page_ms = statistics.median(case for _normal, case in pairs)
        worst = max(worst, page_ms / normal_ms)
        ours = median_ms(is_crawler, make_input, repeats)
        # The old matcher takes seconds on the longest inputs: three runs show it.
        theirs = median_ms(crawlerdetect.is_crawler, make_input, 3)
        lines.append(
            f"| {name} | {page_ms:.2f} | {normal_ms:.2f} | {page_ms / normal_ms:.2f} | {ours:.3f} | {theirs:.3f} |"
        )
    verdict = "meets" if worst <= 1.5 else "misses"
    lines += [
        "",
        f"- Most expensive User-Agent: {worst:.2f}× the normal page — {verdict} the target (≤ 1.5×).",
        f"- Over {MAX_USER_AGENT_CHARS} characters a User-Agent is a bot: not counted, never matched.",
    ]
    report = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report)
    print(report)


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
