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


conf = Settings()
