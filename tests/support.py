"""Plain helpers the tests share (fixtures live in ``conftest.py``): browsers and bots, the admin's article form,
reading and counting an article as a reader, a read-only database, a redis-server of the test's own, how a browser
reads a URL's scheme, writing and importing Markdown article files, an English body with every kind of block, and
a fake clock."""

import io
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from articles.counting.recording import article_record_view
from articles.models import Article, ArticleDailyViews

BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
BROWSERS = {
    "Chrome on Windows": BROWSER,
    "Firefox on Linux": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Safari on iPhone": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.6 Mobile/15E148 Safari/604.1"
    ),
    "Yandex Browser": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 "
        "YaBrowser/24.10.0.0 Safari/537.36"
    ),
    "Samsung Internet": (
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36"
    ),
    "Telegram's in-app browser": (
        "Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 Telegram-Android/10.5.0 (Samsung SM-A536B; "
        "Android 13; SDK 33; AVERAGE)"
    ),
    "Facebook's in-app browser": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.38.109;FBBV/628830869;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;"
        "FBSV/17.5;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]"
    ),
}
# The User-Agents these crawlers and link-preview bots really send.
BOTS = {
    "Googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Googlebot Smartphone": (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/125.0.6422.175 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    ),
    "YandexBot": "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "bingbot": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Baiduspider": "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "DuckDuckBot": "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
    "Applebot": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 "
        "Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)"
    ),
    "AhrefsBot": "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "SemrushBot": "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    "facebookexternalhit": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "TelegramBot": "TelegramBot (like TwitterBot)",
    "Twitterbot": "Twitterbot/1.0",
    "Slackbot": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp": "WhatsApp/2.23.20.0",
    "Discordbot": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "LinkedInBot": "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "vkShare": "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)",
    "GPTBot": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
    "curl": "curl/8.5.0",
    "python-requests": "python-requests/2.32.3",
    "headless Chrome": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 "
        "Safari/537.36"
    ),
}


# The admin's article pages, and what its form posts.
ADD_URL = reverse("admin:articles_article_add")
PREVIEW_URL = reverse("admin:articles_article_preview_markdown")


def change_url(article: Article) -> str:
    """The admin's change page of ``article``."""
    return reverse("admin:articles_article_change", args=[article.pk])


def article_form(author, **fields) -> dict:
    """The POST an editor's browser sends from the article form (management form of the byline inline included)."""
    data = {
        "title_en": "Budget approved", "title_ru": "", "title_kk": "",
        "slug_en": "", "slug_ru": "", "slug_kk": "",
        "lead_en": "", "lead_ru": "", "lead_kk": "",
        "body_en": "The parliament approved the budget.", "body_ru": "", "body_kk": "",
        "cover_alt_en": "", "cover_alt_ru": "", "cover_alt_kk": "",
        "cover_caption_en": "", "cover_caption_ru": "", "cover_caption_kk": "",
        "section": "", "status": "draft", "published_at_0": "", "published_at_1": "", "key": "",
        "bylines-TOTAL_FORMS": "1", "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "1", "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-author": str(author.pk), "bylines-0-position": "0",
    }
    data.update(fields)
    return data


def read(client, article, language="en", **headers):
    """GET ``article``'s page in ``language`` as ``client``, a browser unless ``headers`` say otherwise."""
    headers.setdefault("user-agent", BROWSER)
    return client.get(article.get_absolute_url(language), headers=headers)


def views_of(article) -> int:
    """``article``'s view count as stored now."""
    article.refresh_from_db()
    return article.view_count


def daily_rows(article) -> dict[tuple[str, object], int]:
    """``article``'s stored views by (language, day)."""
    return {
        (row.language, row.day): row.views for row in ArticleDailyViews.objects.filter(article=article)
    }


def record(article, language, count, days_ago=0):
    """Record ``count`` views of ``article`` in ``language``, ``days_ago`` days ago."""
    at = timezone.now() - timedelta(days=days_ago)
    for _ in range(count):
        article_record_view(article_id=article.pk, language=language, at=at)


def beacon_url(article, language="en") -> str:
    """The address of ``article``'s view beacon in ``language``."""
    with translation.override(language):
        return reverse("articles:article_seen", kwargs={"pk": article.pk})


@contextmanager
def read_only_database(*, whole_session: bool):
    """Make the test's database refuse writes, as a read-only replica or a database in maintenance does.

    ``whole_session``: every transaction from now on (for autocommit, as requests run by default); else a
    savepoint in the transaction in progress, rolled back at the end, which takes the read-only mode with it.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        elif whole_session:
            cursor.execute("SET default_transaction_read_only = on")
    try:
        if whole_session:
            yield
            return
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION READ ONLY")
            yield
            transaction.set_rollback(True)
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA query_only = OFF")
            elif whole_session:
                cursor.execute("SET default_transaction_read_only = off")


def lost_view_lines(caplog, article, language) -> list[str]:
    """The warnings (or worse) ``caplog`` holds about a lost view of ``article`` in ``language``."""
    return [
        record.getMessage() for record in caplog.records
        if record.levelno >= logging.WARNING and "Lost a view" in record.getMessage()
        and str(article.pk) in record.getMessage() and repr(language) in record.getMessage()
    ]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listened on a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throwaway redis-server of our own, so that stopping it disturbs nobody else's Redis."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        # A generous bound, polled: a busy machine only makes the start slower.
        deadline = time.monotonic() + 120
        while self.process.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def pause(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.resume()
            self.process.terminate()
            self.process.wait(120)


# Skips a test that starts a redis-server of its own where there is none to start.
needs_redis_server = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not on PATH (apt-get install redis-server)"
)


# A browser trims C0 controls and spaces around a URL and drops tabs and newlines inside it; dropping every
# control character inside is stricter.
URL_PADDING = "".join(map(chr, range(0x21)))
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")


def url_scheme(url: str) -> str | None:
    """Return a URL's scheme as a browser would read it, or None for a relative URL.

    HTMLParser has already unescaped the attribute value, once, as a browser does: unescaping it again would
    flag ``&amp;#106;avascript:``, which a browser reads as a harmless relative URL.
    """
    cleaned = CONTROL.sub("", url.strip(URL_PADDING)).lower()
    match = SCHEME.match(cleaned)
    return match.group(1) if match else None


def write_source(directory: Path, name: str, front: dict, body: str = "A paragraph.") -> Path:
    """Write a Markdown file with ``front`` matter and ``body`` to ``directory/name``."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + body + "\n",
        encoding="utf-8",
    )
    return path


def write_article(directory: Path, key: str = "story", language: str = "en", body: str = "A paragraph.",
                  **fields) -> Path:
    """Write the article file ``<key>.<language>.md`` (front matter: key, lang, title and ``fields``)."""
    front = {"key": key, "lang": language, "title": f"{key} in {language}", **fields}
    return write_source(directory, f"{key}.{language}.md", front, body)


def import_articles(*paths, **options) -> str:
    """Run ``import_articles`` on ``paths`` and return what it printed."""
    output = io.StringIO()
    call_command("import_articles", *map(str, paths), stdout=output, **options)
    return output.getvalue()


def failed_import(*paths, **options) -> str:
    """Run ``import_articles`` on ``paths``, which must fail, and return its error."""
    with pytest.raises(CommandError) as raised:
        import_articles(*paths, **options)
    return str(raised.value)


# An English body with one block of every kind.
BODY_EN = """Forty electric buses went into service on **Monday**.

## Which routes

- Route 12
- Route 37
  1. on weekdays
  2. at weekends

> The fare will not go up.
> — the transport department

| Route | Buses |
|-------|------:|
| 12 | 10 |

```
timetable.pdf
```

### Timetables

See the [city website](https://example.kz/transport)."""


class FakeClock:
    """A clock for code that takes one (``CircuitBreaker(clock=…)``): it moves only when the test moves it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def time_comes(article: Article, *languages: str) -> None:
    """Let the scheduled times of ``article`` (its own and those of ``languages``, default every language) come,
    the way time does: the columns move into the past behind the app's back — no save, no signal, no cache renewed,
    no job — so what turns public must do so by the rule alone."""
    past = timezone.now() - timedelta(seconds=1)
    codes = languages or ("en", "ru", "kk")
    Article.objects.filter(pk=article.pk).update(
        published_at=past, **{f"published_at_{code}": past for code in codes}
    )


# How a language version is kept from readers while the article itself is published.
KEPT_BACK = ("draft", "scheduled")


def keep_back(article: Article, language: str, how: str) -> Article:
    """Keep ``article``'s ``language`` version from readers (``how``: ``"draft"`` or ``"scheduled"`` a day
    ahead), through a save as the admin's form makes it; the article and its other languages stay public."""
    if how == "draft":
        setattr(article, f"status_{language}", Article.Status.DRAFT)
    else:
        setattr(article, f"status_{language}", Article.Status.PUBLISHED)
        setattr(article, f"published_at_{language}", timezone.now() + timedelta(days=1))
    article.save()
    return article
