"""The app's settings, read lazily so that ``override_settings`` and late configuration both work.

Every setting is prefixed ``ARTICLES_``; the system checks in ``checks.py`` validate them.
"""

from django.conf import settings


class Settings:
    @property
    def ARTICLES_SITE_NAME(self) -> str:
        return getattr(settings, "ARTICLES_SITE_NAME", "Newsroom")

    @property
    def ARTICLES_PER_PAGE(self) -> int:
        return getattr(settings, "ARTICLES_PER_PAGE", 20)

    @property
    def ARTICLES_LANGUAGES(self) -> tuple[str, ...]:
        """The languages articles are written in: those with translation columns in the database."""
        return tuple(getattr(settings, "MODELTRANSLATION_LANGUAGES", [code for code, _ in settings.LANGUAGES]))

    @property
    def ARTICLES_FALLBACK_LANGUAGES(self) -> dict[str, list[str]]:
        """Where to look, in order, when an article is missing in the reader's language.

        Languages not listed here (and any article missing in the whole chain) fall back to the article's first
        available language.
        """
        return getattr(settings, "ARTICLES_FALLBACK_LANGUAGES", {"kk": ["ru", "en"], "ru": ["en"], "en": ["ru"]})

    @property
    def ARTICLES_TELEGRAM(self) -> dict[str, dict[str, str]]:
        """The site's Telegram channel per language: ``{"ru": {"url": "https://t.me/…", "text": "…"}}``.

        ``text`` is optional; without it the page uses its own translated call to follow the channel.
        """
        return getattr(settings, "ARTICLES_TELEGRAM", {})

    @property
    def ARTICLES_SIDEBAR_CACHE_SECONDS(self) -> int:
        """How long "more from this section" lists are cached."""
        return getattr(settings, "ARTICLES_SIDEBAR_CACHE_SECONDS", 60)


conf = Settings()
