"""Translators: staff users confined to the languages of their "Translators (<code>)" groups.

``setup_roles`` creates one such group per language. A member of any of them edits only the translated fields of
its languages (of articles, authors, sections and tags); every other field, publishing included, is read-only to them,
whatever else they may be. Superusers are never confined. An editor who also translates needs no translator group.
"""

from .conf import conf

TRANSLATORS_GROUP = "Translators ({language})"


def translators_group_name(language: str) -> str:
    return TRANSLATORS_GROUP.format(language=language)


def translator_languages(user) -> frozenset[str] | None:
    """The languages a translator may edit, or None when no translator group confines ``user``."""
    if not user.is_active or user.is_superuser:
        return None
    if not hasattr(user, "_translator_languages"):
        groups = {translators_group_name(code): code for code in conf.ARTICLES_LANGUAGES}
        names = user.groups.filter(name__in=groups).values_list("name", flat=True)
        user._translator_languages = frozenset(groups[name] for name in names) or None
    return user._translator_languages
