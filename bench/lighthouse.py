"""Lighthouse (npm ``lighthouse``, mobile, Chromium headless) over the demo: the front page and one article page in
each language, served as in production — gunicorn, DEBUG off, static files collected and served by WhiteNoise, a
SQLite file database of its own. Prints the four category scores and writes them to ``bench/results/lighthouse.md``.

Uploaded covers are served by the bench URLconf (``BENCH_SERVE_MEDIA``), as the web server in front of gunicorn
would serve ``MEDIA_ROOT``. ``CHROME_PATH`` (default ``/usr/bin/chromium``) picks the browser.
"""

import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Self

from bench.run import ROOT, answers, free_port, load_average, wait_for

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "bench" / "results" / "lighthouse.md"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
LANGUAGES = ["en", "ru", "kk"]


class Demo:
    """The demo site, loaded into a fresh database and served by gunicorn on a free port."""

    def __init__(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="newsroom-lighthouse-"))
        self.port = free_port()
        self.env = {
            **{name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "DJANGO_DEBUG")},
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_SECRET_KEY": "lighthouse-only-secret-key-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{self.workdir / 'demo.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(self.workdir / "media"),
            "BENCH_STATIC_ROOT": str(self.workdir / "static"),
            "BENCH_BARE_PAGE": str(self.workdir / "bare.html"),
            "BENCH_SERVE_MEDIA": "1",
            "NEWSROOM_DEMO": "1",  # the demo's Telegram channel, as `make run` shows it
            "ARTICLES_SITE_URL": f"http://127.0.0.1:{self.port}",
            "PYTHONPATH": str(ROOT),
        }
        self.server: subprocess.Popen | None = None

    def run(self, *args: str) -> str:
        return subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True
        ).stdout

    def prepare(self) -> list[tuple[str, str]]:
        """Load the demo; return (page, path) for the front page and an article with a cover in each language."""
        self.run("manage.py", "migrate", "--noinput")
        self.run("manage.py", "collectstatic", "--noinput")
        self.run("manage.py", "load_demo")
        articles = json.loads(self.run("-c", (
            "import django, json; django.setup()\n"
            "from articles.models import Article\n"
            "pages = {}\n"
            "for code in ('en', 'ru', 'kk'):\n"
            "    article = Article.objects.published().available_in(code).exclude(cover='').first()\n"
            "    pages[code] = article.get_absolute_url(code)\n"
            "print(json.dumps(pages))"
        )))
        pages = [(f"front page, {code}", f"/{code}/") for code in LANGUAGES]
        return pages + [(f"article, {code}", articles[code]) for code in LANGUAGES]

    def __enter__(self) -> Self:
        self.server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "newsroom.wsgi:application", "--workers", "2",
                "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
            ],
            cwd=ROOT, env=self.env,
        )
        try:
            wait_for(lambda: answers(self.port))
        except BaseException:
            self.server.terminate()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)


def lighthouse(url: str, report: Path) -> dict[str, int]:
    """The four category scores (0–100) of one Lighthouse run, mobile (its default form factor and throttling)."""
    subprocess.run(
        [
            str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
        ],
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        check=True, capture_output=True, text=True,
    )
    result = json.loads(report.read_text())
    return {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}


def failed_audits(report: Path) -> list[str]:
    """The audits that cost points, for the notes under the table."""
    result = json.loads(report.read_text())
    return sorted({
        audit["title"] for audit in result["audits"].values()
        if audit.get("score") is not None and audit["score"] < 0.9 and audit.get("scoreDisplayMode") == "binary"
    })


def main() -> None:
    if not LIGHTHOUSE.exists():
        print("Lighthouse skipped: node_modules/.bin/lighthouse is missing (run `make setup` with npm installed).")
        return
    demo = Demo()
    pages = demo.prepare()
    rows, notes = [], set()
    with demo:
        for name, path in pages:
            report = demo.workdir / f"{len(rows)}.json"
            scores = lighthouse(f"http://127.0.0.1:{demo.port}{path}", report)
            rows.append((name, path, scores))
            notes.update(failed_audits(report))
    lines = [
        f"# Lighthouse, {datetime.now():%Y-%m-%d %H:%M} (load average {load_average()})",
        "",
        ("Mobile (Lighthouse's default emulation and throttling), Chromium headless; the demo served by gunicorn "
         "with DEBUG off and WhiteNoise."),
        "",
        "| page | performance | accessibility | best practices | SEO |",
        "|---|---:|---:|---:|---:|",
        *(f"| {name} | {' | '.join(str(scores[category]) for category in CATEGORIES)} |" for name, _, scores in rows),
    ]
    if notes:
        lines += ["", "Audits failed on some page: " + "; ".join(sorted(notes)) + "."]
    table = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(table)
    print(table)


if __name__ == "__main__":
    main()
