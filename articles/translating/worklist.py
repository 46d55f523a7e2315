"""What waits for translators: the articles missing or outdated in the languages they translate into.

Read by the admin's translators' pages (``admin_translators.py``) and the admin index's summary
(``templatetags/articles_admin.py``).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from ..conf import conf
from ..models import Article, available_condition
from ..roles import translator_languages
from .status import TranslationStatus, field_text, translation_outdated_in, translation_status


def articles_awaiting_translation(*, language: str) -> QuerySet[Article]:
    """Articles to translate into ``language``, the most recently changed first: missing there while available in
    their original language, or outdated there (``status.translation_status``'s rules, in SQL)."""
    original_available = Q()
    for code in conf.ARTICLES_LANGUAGES:
        if code != language:
            original_available |= Q(source_language=code) & available_condition(code)
    missing = ~available_condition(language) & original_available
    outdated = Q(pk__in=translation_outdated_in(Article.objects.all(), language).values("pk"))
    return Article.objects.filter(missing | outdated).order_by("-updated_at", "-pk")


def translation_languages(user) -> list[str]:
    """The languages ``user`` translates into: a translator's own (roles.py), everyone else's every language."""
    confined = translator_languages(user)
    return [code for code in conf.ARTICLES_LANGUAGES if confined is None or code in confined]


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


@dataclass(frozen=True)
class AwaitingTranslation:
    """An article as the translators' lists show it: its title in its original, and its status in ``language``."""

    article: Article
    language: str
    title: str
    original: str  # the original language's name
    status: TranslationStatus


def awaiting_translation(articles, language: str) -> list[AwaitingTranslation]:
    """``articles`` (a page of ``articles_awaiting_translation``) as the lists show them."""
    return [
        AwaitingTranslation(
            article, language, field_text(article, "title", article.source_language) or str(article),
            language_name(article.source_language), translation_status(article, language),
        )
        for article in articles
    ]


@dataclass(frozen=True)
class LanguageWorklist:
    language: str
    name: str
    count: int
    first: list[AwaitingTranslation]


def translator_worklists(user, *, first: int = 5) -> list[LanguageWorklist]:
    """For a translator's admin index: per language of theirs, how many articles wait and the first few.

    Empty for users who are no translators (roles.py): they find the whole list from the article list.
    """
    if translator_languages(user) is None:
        return []
    worklists = []
    for code in translation_languages(user):
        waiting = articles_awaiting_translation(language=code)
        worklists.append(LanguageWorklist(
            code, language_name(code), waiting.count(), awaiting_translation(waiting[:first], code),
        ))
    return worklists
