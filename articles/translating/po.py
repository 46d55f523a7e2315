"""Articles as PO files, so that translators work in short units with the tools they use for the interface.

One file per article and target language (``<key>.<language>.po``), one entry per segment: the title, the lead,
the cover's alt text and caption, and each block of the body that has text (paragraph, heading, list item, quote,
table row). ``msgctxt`` names the segment: ``title``, ``body:3:paragraph`` (the body's third block). The header
names the article, both languages and a fingerprint of the source text.

An export prefills what is already translated: fields as they are, body blocks when the translation has the
block structure of the source (or of the source it was made from). A prefilled segment whose source changed since
the translation was saved is marked fuzzy. ``po_import`` applies a translated file.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path

import polib
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from modeltranslation.utils import build_localized_fieldname

from ..conf import conf
from ..models import Article
from ..revision_history import source_texts_by_digest
from ..slugs import SAFE_FILE_STEM, file_stem
from .blocks import Block, body_blocks, table_cells
from .status import (
    FIELD_SEGMENTS,
    TranslationStatus,
    field_text,
    segment_digests,
    text_fingerprint,
    translation_status,
)

HEADER_KEY = "X-Article-Key"
HEADER_ID = "X-Article-Id"
HEADER_SOURCE_LANGUAGE = "X-Source-Language"
HEADER_SOURCE_FINGERPRINT = "X-Source-Fingerprint"


@dataclass(frozen=True)
class Segment:
    context: str
    text: str
    field: str  # "title", "lead", "cover_alt", "cover_caption" or "body"
    block: Block | None = None
    block_number: int | None = None  # index into the body's blocks


def body_segments(segments: list[Segment]) -> dict[int, Segment]:
    """The segments of the body, by the number of their block."""
    return {segment.block_number: segment for segment in segments if segment.block_number is not None}


def source_segments(article: Article, language: str) -> tuple[list[Segment], list[Block]]:
    """The segments of ``article``'s text in ``language`` that have text, and the blocks of its body."""
    segments = [
        Segment(name, field_text(article, name, language), name)
        for name in FIELD_SEGMENTS if field_text(article, name, language)
    ]
    blocks = body_blocks(field_text(article, "body", language))
    segments += [
        Segment(f"body:{number + 1}:{block.kind}", block.text, "body", block, number)
        for number, block in enumerate(blocks) if block.has_text
    ]
    return segments, blocks


def segment_note(segment: Segment) -> str:
    """What a translator should know about a segment; called with the target language active."""
    block = segment.block
    if block is None:
        return {
            "title": _("Headline."),
            "lead": _("Lead: one or two sentences that sum up the story."),
            "cover_alt": _("Cover image: what it shows, for readers who cannot see it."),
            "cover_caption": _("Cover image: caption."),
        }[segment.field]
    if block.kind == "heading":
        return _("Heading, level %(level)d: one line.") % {"level": block.level}
    if block.kind == "list-item":
        return _("Numbered list item.") if block.shape[2] == "ordered" else _("Bulleted list item.")
    if block.kind == "quote":
        return _("Quotation.")
    if block.kind == "table-row":
        cells = table_cells(block.text)
        return ngettext(
            "Table row of %(count)d cell: keep the | between cells.",
            "Table row of %(count)d cells: keep the | between cells.",
            cells,
        ) % {"count": cells}
    return _("Paragraph.")


def export_file_name(article: Article, source: str, target: str) -> str:
    """``<key>.<target>.po`` (as ``export_articles`` names the article's files); without a key, the article's slug
    in the source language, which is made from its title: a translator sees which story a file is."""
    slug = getattr(article, build_localized_fieldname("slug", source), None)
    if not article.key and slug and SAFE_FILE_STEM.fullmatch(slug):
        return f"{slug}.{target}.po"
    return f"{file_stem(article.key, prefix='article', pk=article.pk)}.{target}.po"


@dataclass(frozen=True)
class Prefill:
    """A segment's existing translation, as an export fills it in and an import keeps it."""

    text: str
    fuzzy: bool  # its source text changed since the translation was saved
    made_from: str | None  # the digest of the source segment it was translated from, when known
    previous_context: str  # the source segment it was translated from (``#| msgctxt``)…
    previous_text: str | None = None  # …and, when fuzzy, its text (``#| msgid``) if a revision still has it


def prefilled_translations(
    article: Article, source: str, target: str, segments: list[Segment], source_blocks: list[Block], *,
    previous_texts: bool = True,
) -> dict[str, Prefill]:
    """The existing translation in ``target`` of each segment that ``article`` has one for, by context.

    A segment is fuzzy when its source text changed since the translation was saved; without digests of the
    source it was made from, every segment of an outdated translation is. A fuzzy segment carries the source text
    it was translated from when a revision still has it (``revision_history.source_texts_by_digest``), unless
    ``previous_texts`` is false (an import, which needs only the translations and their digests).
    """
    outdated = translation_status(article, target) == TranslationStatus.OUTDATED
    record = (article.translated_from or {}).get(target) if source == article.source_language else None
    made_from: dict = (record or {}).get("segments") or {}
    current = segment_digests(article, source)
    target_blocks = body_blocks(field_text(article, "body", target))
    aligned = bool(made_from) and len(made_from.get("body", [])) == len(target_blocks)
    found: dict[str, Prefill] = {}
    for segment in segments:
        if segment.block is None and (text := field_text(article, segment.field, target)):
            digest_then = made_from.get(segment.field) if made_from else (None if outdated else current[segment.field])
            found[segment.context] = Prefill(text, digest_then != current[segment.field], digest_then,
                                             previous_context=segment.context)

    pairs: list[tuple[int, int, bool]] = []  # (target block, source block, fuzzy)
    if aligned:
        # The translation follows the blocks of the source it was made from: match those to today's blocks.
        matcher = SequenceMatcher(a=made_from["body"], b=current["body"], autojunk=False)
        for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
            if tag == "equal" or (tag == "replace" and old_end - old_start == new_end - new_start):
                pairs += [(old, new, tag != "equal") for old, new in
                          zip(range(old_start, old_end), range(new_start, new_end), strict=True)]
    elif [block.shape for block in target_blocks] == [block.shape for block in source_blocks]:
        pairs = [(number, number, outdated) for number in range(len(source_blocks))]
    contexts = {number: segment.context for number, segment in body_segments(segments).items()}
    for old, new, fuzzy in pairs:
        if new in contexts and target_blocks[old].kind == source_blocks[new].kind and target_blocks[old].has_text:
            digest_then = made_from["body"][old] if aligned else (None if fuzzy else current["body"][new])
            found[contexts[new]] = Prefill(target_blocks[old].text, fuzzy, digest_then,
                                           previous_context=f"body:{old + 1}:{target_blocks[old].kind}")
    # The source text of the changed segments, as revisions kept it.
    wanted = {prefill.made_from for prefill in found.values() if prefill.fuzzy and prefill.made_from}
    if not (previous_texts and wanted):
        return found
    previous = source_texts_by_digest(article=article, digests=wanted)
    return {
        context: replace(prefill, previous_text=previous.get(prefill.made_from or "") if prefill.fuzzy else None)
        for context, prefill in found.items()
    }


def article_po(article: Article, *, source: str, target: str) -> polib.POFile:
    """The PO file for translating ``article`` from ``source`` into ``target``."""
    segments, blocks = source_segments(article, source)
    prefilled = prefilled_translations(article, source, target, segments, blocks)
    catalog = polib.POFile(wrapwidth=0)
    now = timezone.now().strftime("%Y-%m-%d %H:%M%z")
    catalog.metadata = {
        "Project-Id-Version": f"{conf.ARTICLES_SITE_NAME} article {article.key or article.pk}",
        "POT-Creation-Date": now,
        "PO-Revision-Date": now,
        "Last-Translator": "",
        "Language-Team": "",
        "Language": target,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        HEADER_KEY: article.key or "",
        HEADER_ID: str(article.pk),
        HEADER_SOURCE_LANGUAGE: source,
        HEADER_SOURCE_FINGERPRINT: text_fingerprint(article, source),
    }
    with translation.override(target):
        language_names = {code: str(name) for code, name in settings.LANGUAGES}
        catalog.header = "\n".join([
            _("Article “%(title)s”. Translation: %(source)s → %(target)s.") % {
                "title": field_text(article, "title", source),
                "source": language_names.get(source, source), "target": language_names.get(target, target),
            },
            _("Keep the Markdown inside the text: **bold**, *italic*, [link text](address) — translate the link "
              "text, not the address."),
            _("Entries marked fuzzy were translated from an older source text: check them, then remove the mark."),
        ])
        for segment in segments:
            entry = polib.POEntry(
                msgctxt=segment.context, msgid=segment.text, comment=segment_note(segment),
            )
            if existing := prefilled.get(segment.context):
                entry.msgstr = existing.text
                if existing.fuzzy:
                    entry.flags.append("fuzzy")
                if existing.previous_text is not None and existing.previous_text != segment.text:
                    # What changed, for PO editors to show, as msgmerge writes it.
                    entry.previous_msgid = existing.previous_text
                    if existing.previous_context != segment.context:
                        entry.previous_msgctxt = existing.previous_context
            catalog.append(entry)
    return catalog


def articles_export_po(
    *, articles: Iterable[Article], target: str, directory: Path, source: str | None = None, pending_only: bool = False,
) -> list[Path]:
    """Write a PO file into ``directory`` for each of ``articles`` that has text to translate into ``target``.

    ``source`` defaults to each article's own source language; ``pending_only`` skips articles whose ``target``
    version is up to date.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for article in articles:
        article_source = source or article.source_language
        if article_source == target or article_source not in article.available_languages():
            continue
        if pending_only and translation_status(article, target) not in (
            TranslationStatus.MISSING, TranslationStatus.OUTDATED,
        ):
            continue
        path = directory / export_file_name(article, article_source, target)
        if path in written:  # a key-less article's slug that is another's key
            path = directory / f"{path.name.removesuffix(f'.{target}.po')}-{article.pk}.{target}.po"
        article_po(article, source=article_source, target=target).save(str(path))
        written.append(path)
    return written
