"""Reading an article's revisions: the list with who, when, why and what changed, and a diff per language."""

import difflib
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import QuerySet
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from modeltranslation.utils import build_localized_fieldname
from reversion.errors import RevertError
from reversion.models import Version

from .conf import conf
from .models import Article
from .revisions import TEXT_FIELDS, revision_cause
from .translating.blocks import body_blocks
from .translating.status import FIELD_SEGMENTS, SOURCE_FIELDS, block_digest, digest, field_text


@dataclass
class RevisionEntry:
    """One revision of an article as the history lists it: newest first, each with what it changed."""

    version: Version
    cause: str
    detail: str
    # {language: [field names]} changed since the revision before; everything filled for the first one.
    changes: dict[str, list[str]]


def article_versions(*, article: Article) -> QuerySet[Version]:
    """The stored versions of ``article``, newest first, with their revisions and users (one query)."""
    return Version.objects.get_for_object(article).select_related("revision__user")


def article_version(*, article: Article, version_id: int) -> Version | None:
    """One stored version of ``article``, or None when ``version_id`` is not one of its versions."""
    return article_versions(article=article).filter(pk=version_id).first()


def changed_fields(older: dict | None, newer: dict, language: str) -> list[str]:
    """The ``TEXT_FIELDS`` whose text in ``language`` differs between two versions' field values."""
    older = older or {}
    return [
        name for name in TEXT_FIELDS
        if (older.get(build_localized_fieldname(name, language)) or "")
        != (newer.get(build_localized_fieldname(name, language)) or "")
    ]


def article_revision_entries(*, article: Article) -> list[RevisionEntry]:
    """Every revision of ``article``, newest first, each with the fields per language it changed."""
    versions = list(article_versions(article=article))
    entries = []
    for position, version in enumerate(versions):
        previous = versions[position + 1].field_dict if position + 1 < len(versions) else None
        changes = {
            code: fields for code in conf.ARTICLES_LANGUAGES
            if (fields := changed_fields(previous, version.field_dict, code))
        }
        cause, detail = revision_cause(version.revision.get_comment())
        entries.append(RevisionEntry(version=version, cause=cause, detail=detail, changes=changes))
    return entries


def text_diff(older: str, newer: str) -> SafeString:
    """The lines that differ between two texts, as escaped HTML: removed in ``<del>``, added in ``<ins>``."""
    lines = difflib.unified_diff((older or "").splitlines(), (newer or "").splitlines(), lineterm="", n=2)
    rows = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            rows.append(("diff-gap", "…"))
        elif line.startswith("-"):
            rows.append(("diff-removed", format_html("<del>{}</del>", line[1:])))
        elif line.startswith("+"):
            rows.append(("diff-added", format_html("<ins>{}</ins>", line[1:])))
        else:
            rows.append(("diff-same", line[1:]))
    return format_html_join("", '<div class="{}">{}</div>', rows)


def language_diff(*, older: Version, newer: Version, language: str) -> list[tuple[str, SafeString]]:
    """Each text field that differs in ``language`` between two versions, with its diff: ``[(field name, html)]``."""
    old_fields, new_fields = older.field_dict, newer.field_dict
    return [
        (name, text_diff(
            old_fields.get(build_localized_fieldname(name, language)) or "",
            new_fields.get(build_localized_fieldname(name, language)) or "",
        ))
        for name in changed_fields(old_fields, new_fields, language)
    ]


def source_texts_by_digest(*, article: Article, digests: set[str]) -> dict[str, str]:
    """The texts of the source language's segments (fields and body blocks) that have the given digests, as the
    newest revisions that have them kept them: ``{digest: text}``.

    The translation records keep the digest of the source segment each translated segment was made from; this
    finds those texts again, for exports to show a changed segment's previous text (``#| msgid``), as msgmerge
    does. A digest no revision has (revisions deleted, or older than the text) is left out.
    """
    source = article.source_language
    found: dict[str, str] = {}
    if not source or not digests:
        return found
    columns = {name: build_localized_fieldname(name, source) for name in SOURCE_FIELDS}
    for version in article_versions(article=article).iterator():
        try:
            fields = version.field_dict
        except RevertError:  # a revision the current model cannot read (a language column added since)
            continue
        text = SimpleNamespace(**{column: fields.get(column) for column in columns.values()})
        candidates = [(digest(field_text(text, name, source), length=8), field_text(text, name, source))
                      for name in FIELD_SEGMENTS]
        candidates += [(block_digest(block), block.text) for block in body_blocks(field_text(text, "body", source))]
        found.update((key, value) for key, value in candidates if key in digests and key not in found)
        if len(found) == len(digests):
            break
    return found
