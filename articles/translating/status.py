"""Whether each language version of an article is up to date with the text it was translated from.

The rule, in one place:

- An article's **source language** is the language it was first written in: ``Article.source_language``, set on
  the first save to the first language (in ``ARTICLES_LANGUAGES`` order) that has a title. Editors may change it.
- Every save records, for each language whose text (title, lead, body, cover texts) changed in that save, a
  fingerprint of the source language's text as it is at that moment: the source that translation was made from.
- A language is **missing** when the article is not available in it (``Article.available_languages``); the source
  language is the **original**; another language is **outdated** when the source text has changed since its
  translation was last saved (its recorded fingerprint differs from the current one), and **up to date** otherwise.

Saving a translation together with a change to the source (one editor fixing both) therefore counts as
translating the new source. Fingerprints ignore line-ending differences and surrounding white space.
Alongside each fingerprint, the digests of the source's segments (title, lead, cover texts, body blocks) are kept,
so that an export can tell which segments of an outdated translation still match their source.
"""

import hashlib
from collections.abc import Collection
from typing import Protocol

from django.db import models
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from ..conf import conf
from ..markdown import normalise_line_endings
from .blocks import Block, body_blocks

# The article's text that translations are made from; slugs and the rendered HTML follow from these. The body
# is made of blocks, the other fields are one segment each.
FIELD_SEGMENTS = ("title", "lead", "cover_alt", "cover_caption")
SOURCE_FIELDS = (*FIELD_SEGMENTS, "body")


class TranslationStatus(models.TextChoices):
    ORIGINAL = "original", _("original")
    UP_TO_DATE = "up-to-date", _("up to date")
    OUTDATED = "outdated", _("outdated")
    MISSING = "missing", _("missing")


def normalized(text: str | None) -> str:
    return normalise_line_endings(text or "").strip()


def digest(text: str, length: int = 16) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def field_text(article, field_name: str, language: str) -> str:
    # getattr on the column, not Article.translated(): this also runs on the historical models of migrations.
    return normalized(getattr(article, build_localized_fieldname(field_name, language)))


def text_fingerprint(article, language: str) -> str:
    """A fingerprint of the article's text in ``language``: equal fingerprints, equal text."""
    return digest("\x1e".join(f"{name}\x1f{field_text(article, name, language)}" for name in SOURCE_FIELDS))


def block_digest(block: Block) -> str:
    return digest(f"{block.kind}\x1f{block.text or block.prefix}", length=8)


def segment_digests(article, language: str) -> dict:
    """Short digests of each field and each body block of the text in ``language``."""
    return digests_of(
        {name: field_text(article, name, language) for name in FIELD_SEGMENTS},
        body_blocks(field_text(article, "body", language)),
    )


def digests_of(fields: dict[str, str], blocks: list[Block]) -> dict:
    return {
        **{name: digest(text, length=8) for name, text in fields.items()},
        "body": [block_digest(block) for block in blocks],
    }


def default_source_language(article) -> str:
    return next(
        (code for code in conf.ARTICLES_LANGUAGES if field_text(article, "title", code)), conf.ARTICLES_LANGUAGES[0]
    )


def record_translation_sources(article) -> None:
    """Note, before a save, which source text each changed language version is now made from.

    ``Article.save()`` calls this; it fills ``source_language`` when empty, ``source_fingerprint`` and
    ``translated_from`` (``{language: {"source": …, "text": …, "segments": …}}``).
    """
    if not article.source_language:
        article.source_language = default_source_language(article)
    source = article.source_language
    article.source_fingerprint = text_fingerprint(article, source)
    records = dict(article.translated_from or {})
    source_segments = None
    for code in conf.ARTICLES_LANGUAGES:
        if code == source or not any(field_text(article, name, code) for name in SOURCE_FIELDS):
            records.pop(code, None)
            continue
        text = text_fingerprint(article, code)
        if records.get(code, {}).get("text") != text:
            if source_segments is None:
                source_segments = segment_digests(article, source)
            records[code] = {"source": article.source_fingerprint, "text": text, "segments": source_segments}
    article.translated_from = records


def record_translation(article, language: str, *, source_fingerprint: str, segments: dict) -> None:
    """Note that the text in ``language``, as set on ``article`` now, was translated from a given source text.

    For imports, which know the source their file was made from: ``source_fingerprint`` is that source's (empty
    for a partial translation, which stays outdated), ``segments`` the digests (``digests_of``) of the source
    segment each of its fields and body blocks was translated from. The next save keeps this record, since the
    text it describes is the text being saved.
    """
    article.translated_from = {
        **(article.translated_from or {}),
        language: {
            "source": source_fingerprint,
            "text": text_fingerprint(article, language),
            "segments": segments,
        },
    }


def translation_status(article, language: str, *, available: Collection[str] | None = None) -> TranslationStatus:
    """The status of ``article`` in ``language`` as last saved: original, up to date, outdated or missing.
    ``available``: the article's ``available_languages()``, when the caller has them."""
    if language not in (article.available_languages() if available is None else available):
        return TranslationStatus.MISSING
    if language == article.source_language:
        return TranslationStatus.ORIGINAL
    made_from = (article.translated_from or {}).get(language, {}).get("source")
    if made_from != article.source_fingerprint:
        return TranslationStatus.OUTDATED
    return TranslationStatus.UP_TO_DATE


def translation_statuses(article) -> dict[str, TranslationStatus]:
    available = article.available_languages()
    return {code: translation_status(article, code, available=available) for code in conf.ARTICLES_LANGUAGES}


class ArticlesQuery(Protocol):
    """What this module needs of ``ArticleQuerySet``, which it cannot import (models.py imports this module)."""

    def available_in(self, language: str) -> models.QuerySet: ...


def translation_outdated_in(queryset: ArticlesQuery, language: str) -> models.QuerySet:
    """The articles of ``queryset`` whose ``language`` version is outdated: ``translation_status``'s rule in SQL."""
    return queryset.available_in(language).filter(outdated_condition(language))


def outdated_condition(language: str) -> models.Q:
    """``translation_outdated_in`` for an article available in ``language``: not its original, and not translated
    from the current source text (translated from none counts as another).

    Conditions on the row alone, so that the per-language index made for them (``articles_outdated_<language>_idx``)
    holds exactly these articles; the comparison is one expression (``translation_is_current``), on which
    PostgreSQL keeps statistics, so that it knows how few they are.
    """
    return ~models.Q(source_language=language) & ~models.Q(translation_is_current(language))


def translation_is_current(language: str) -> Coalesce:
    """Whether the text in ``language`` was translated from the current source text: false when from none."""
    made_from = KT(f"translated_from__{language}__source")
    return Coalesce(Exact(made_from, models.F("source_fingerprint")), models.Value(False))


def article_label(article) -> str:
    """How reports and file lists name an article: its key, else its title in its original language."""
    if article.key:
        return article.key
    title = field_text(article, "title", article.source_language) or str(article)
    return f"“{title}”"
