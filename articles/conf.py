"""The app's settings, read lazily so that ``override_settings`` and late configuration both work.

Every setting is prefixed ``ARTICLES_``; the system checks in ``checks.py`` validate them.
"""

from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language_info

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Settings:
    @property
    def ARTICLES_SITE_NAME(self) -> str:
        return getattr(settings, "ARTICLES_SITE_NAME", "Newsroom")

    @property
    def ARTICLES_SITE_URL(self) -> str:
        """The site's scheme and host, ``https://news.example.kz``, that absolute URLs start with (see
        ``site_url.py``); empty: the request's scheme and host name, without a port."""
        return getattr(settings, "ARTICLES_SITE_URL", "")

    @property
    def ARTICLES_PER_PAGE(self) -> int:
        return getattr(settings, "ARTICLES_PER_PAGE", 20)

    @property
    def ARTICLES_LANGUAGES(self) -> tuple[str, ...]:
        """The languages articles are written in: those with translation columns in the database."""
        return articles_languages()

    @property
    def ARTICLES_FALLBACK_LANGUAGES(self) -> dict[str, list[str]]:
        """Where to look, in order, when an article is missing in the reader's language.

        Languages not listed here (and any article missing in the whole chain) fall back to the article's first
        available language.
        """
        return getattr(settings, "ARTICLES_FALLBACK_LANGUAGES", {"kk": ["ru", "en"], "ru": ["en"], "en": ["ru"]})

    @property
    def ARTICLES_LANGUAGE_NAMES(self) -> dict[str, str]:
        """Each language's name in that language, as the language switcher shows it; a language not listed gets
        Django's (``name_local``), which for Kazakh is «Қазақ», where readers expect «Қазақша»."""
        return getattr(settings, "ARTICLES_LANGUAGE_NAMES", {"en": "English", "ru": "Русский", "kk": "Қазақша"})

    @property
    def ARTICLES_TELEGRAM(self) -> dict[str, dict[str, str]]:
        """The site's Telegram channel per language: ``{"ru": {"url": "https://t.me/…", "text": "…"}}``.

        ``text`` is optional; without it the page uses its own translated call to follow the channel.
        """
        return getattr(settings, "ARTICLES_TELEGRAM", {})

    def telegram_channel(self, language: str) -> dict[str, str] | None:
        """``ARTICLES_TELEGRAM``'s channel for ``language``, or None when it has none."""
        channel = self.ARTICLES_TELEGRAM.get(language)
        return channel if channel and channel.get("url") else None

    @property
    def ARTICLES_PAGE_CACHE_SECONDS(self) -> int:
        """How long parts of article pages (and the article lookup) are kept; any content change renews them."""
        return getattr(settings, "ARTICLES_PAGE_CACHE_SECONDS", 300)

    @property
    def ARTICLES_FULL_PAGE_CACHE(self) -> bool:
        """Keep whole public pages for anonymous readers in the cache (``page_cache.py``); needs beacon counting."""
        return getattr(settings, "ARTICLES_FULL_PAGE_CACHE", False)

    @property
    def ARTICLES_FULL_PAGE_CACHE_SECONDS(self) -> int:
        """The longest a whole page is kept; content changes and scheduled publications end it sooner. It is also
        how old the view count and the "most read" lists shown on a cached page may be."""
        return getattr(settings, "ARTICLES_FULL_PAGE_CACHE_SECONDS", 60)

    # --- Uploads (covers and author photos) ---

    @property
    def ARTICLES_MAX_UPLOAD_BYTES(self) -> int:
        """The largest image file the admin accepts."""
        return getattr(settings, "ARTICLES_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)

    @property
    def ARTICLES_MAX_IMAGE_PIXELS(self) -> int:
        """The most pixels (width × height) an uploaded image may have; a small file can decode to a huge image."""
        return getattr(settings, "ARTICLES_MAX_IMAGE_PIXELS", 40_000_000)

    @property
    def ARTICLES_IMAGE_WIDTHS(self) -> list[int]:
        """The widths, in pixels, covers and photos are made in when saved (none wider than the image itself)."""
        return getattr(settings, "ARTICLES_IMAGE_WIDTHS", [320, 640, 960, 1280, 1920])

    # --- View counting (see docs/counting.md) ---

    @property
    def ARTICLES_VIEW_COUNTER(self) -> str:
        """Where views are counted: ``"db"`` (atomic statements per view) or ``"redis"`` (flushed in batches)."""
        return getattr(settings, "ARTICLES_VIEW_COUNTER", "db")

    @property
    def ARTICLES_VIEW_COUNTING(self) -> str:
        """What counts a view: ``"request"`` (the article page itself) or ``"beacon"`` (a request the page sends)."""
        return getattr(settings, "ARTICLES_VIEW_COUNTING", "request")

    @property
    def ARTICLES_VIEW_DEDUP_SECONDS(self) -> int:
        """A browser that reloads an article within this many seconds is not counted again; 0 counts every view."""
        return getattr(settings, "ARTICLES_VIEW_DEDUP_SECONDS", 1800)

    @property
    def ARTICLES_VIEW_COOKIE_NAME(self) -> str:
        return getattr(settings, "ARTICLES_VIEW_COOKIE_NAME", "articles_seen")

    @property
    def ARTICLES_VIEW_COOKIE_MAX_ARTICLES(self) -> int:
        """How many recently counted articles the cookie remembers (about 12 bytes each)."""
        return getattr(settings, "ARTICLES_VIEW_COOKIE_MAX_ARTICLES", 50)

    @property
    def ARTICLES_VIEW_REDIS_URL(self) -> str:
        return getattr(settings, "ARTICLES_VIEW_REDIS_URL", "")

    @property
    def ARTICLES_VIEW_REDIS_KEY_PREFIX(self) -> str:
        return getattr(settings, "ARTICLES_VIEW_REDIS_KEY_PREFIX", "articles:views")

    @property
    def ARTICLES_VIEW_REDIS_TIMEOUT(self) -> float:
        """Seconds to wait for Redis before counting in the database instead."""
        return getattr(settings, "ARTICLES_VIEW_REDIS_TIMEOUT", 0.1)

    @property
    def ARTICLES_VIEW_REDIS_RETRY_SECONDS(self) -> float:
        """After Redis failed, count in the database for this long before trying Redis again."""
        return getattr(settings, "ARTICLES_VIEW_REDIS_RETRY_SECONDS", 10)

    @property
    def ARTICLES_MOST_READ_CACHE_SECONDS(self) -> int:
        """How long "most read" lists are cached."""
        return getattr(settings, "ARTICLES_MOST_READ_CACHE_SECONDS", 60)

    @property
    def ARTICLES_DAILY_VIEWS_KEEP_DAYS(self) -> int | None:
        """How many days of per-day view rows to keep (at least 30); None keeps them all. ``prune_daily_views``
        (and each ``flush_view_counts``) deletes older ones; view totals are never touched."""
        return getattr(settings, "ARTICLES_DAILY_VIEWS_KEEP_DAYS", None)

    # --- Search (see docs/search.md) ---

    @property
    def ARTICLES_SEARCH_BACKEND(self) -> str:
        """Dotted path of the search backend class; empty picks the database's own (PostgreSQL or SQLite)."""
        return getattr(settings, "ARTICLES_SEARCH_BACKEND", "")

    @property
    def ARTICLES_SEARCH_STEMMERS(self) -> dict[str, str]:
        """The Snowball stemmer per language, which is also the name of PostgreSQL's text search configuration.

        Languages not listed (Kazakh: no stemmer exists) are matched by prefix after their endings are stripped.
        """
        return getattr(settings, "ARTICLES_SEARCH_STEMMERS", {"en": "english", "ru": "russian"})


conf = Settings()


# Read for every field of every row shown (thousands of times on a page of the admin's list): kept once read, and
# read again when a test changes the settings it comes from.
@cache
def articles_languages() -> tuple[str, ...]:
    return tuple(getattr(settings, "MODELTRANSLATION_LANGUAGES", [code for code, _ in settings.LANGUAGES]))


@receiver(setting_changed)
def forget_changed_settings(*, setting: str, **kwargs) -> None:
    if setting in ("MODELTRANSLATION_LANGUAGES", "LANGUAGES"):
        articles_languages.cache_clear()


def own_language_name(code: str) -> str:
    """The name of the language ``code`` in that language («Қазақша» for ``kk``): ``ARTICLES_LANGUAGE_NAMES``,
    else Django's, else the code itself."""
    if name := conf.ARTICLES_LANGUAGE_NAMES.get(code):
        return name
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


def language_choices() -> list[tuple[str, "StrOrPromise"]]:
    """The languages articles are written in, with their names: choices for ``Article.source_language``."""
    names = dict(settings.LANGUAGES)
    return [(code, names.get(code, code)) for code in conf.ARTICLES_LANGUAGES]
