"""Articles as PO files, so that translators work in short units with the tools they use for the interface.

One file per article and target language (``<key>.<language>.po``), one entry per segment: the title, the lead,
the cover's alt text and caption, and each block of the body that has text (paragraph, heading, list item, quote,
table row). ``msgctxt`` names the segment: ``title``, ``body:3:paragraph`` (the body's third block). The header
names the article, both languages and a fingerprint of the source text.

An export prefills what is already translated: fields as they are, body blocks when the translation has the
block structure of the source (or of the source it was made from). A prefilled segment whose source changed since
the translation was saved is marked fuzzy. An import checks a whole file before it changes anything, rebuilds
the translated body from the source's Markdown structure, and refuses a file made from an older source text
unless forced (the translation is then saved as outdated).
"""

import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path

import polib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from modeltranslation.utils import build_localized_fieldname

from ..conf import conf
from .blocks import Block, body_blocks, body_rebuild, table_cells
from ..models import Article
from .status import (
    FIELD_SEGMENTS,
    TranslationStatus,
    field_text,
    record_translation,
    segment_digests,
    text_fingerprint,
    translation_status,
)

HEADER_KEY = "X-Article-Key"
HEADER_ID = "X-Article-Id"
HEADER_SOURCE_LANGUAGE = "X-Source-Language"
HEADER_SOURCE_FINGERPRINT = "X-Source-Fingerprint"
SAFE_FILE_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


@dataclass(frozen=True)
class Segment:
    context: str
    text: str
    field: str  # "title", "lead", "cover_alt", "cover_caption" or "body"
    block: Block | None = None
    block_number: int | None = None  # index into the body's blocks


class TranslationFileError(Exception):
    """A file that cannot be imported; ``problems`` says what is wrong, one line each, naming the entry."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {problem}" for problem in problems))


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


def export_file_name(article: Article, target: str) -> str:
    stem = article.key if article.key and SAFE_FILE_STEM.fullmatch(article.key) else f"article-{article.pk}"
    return f"{stem}.{target}.po"


def prefilled_translations(
    article: Article, source: str, target: str, segments: list[Segment], source_blocks: list[Block],
) -> dict[str, tuple[str, bool]]:
    """``{context: (translation, fuzzy)}`` for the segments that ``article`` already has in ``target``.

    A segment is fuzzy when its source text changed since the translation was saved; without digests of the
    source it was made from, every segment of an outdated translation is.
    """
    outdated = translation_status(article, target) == TranslationStatus.OUTDATED
    record = (article.translated_from or {}).get(target) if source == article.source_language else None
    made_from = (record or {}).get("segments")
    current = segment_digests(article, source)
    found: dict[str, tuple[str, bool]] = {}
    for segment in segments:
        if segment.block is None and (text := field_text(article, segment.field, target)):
            changed = made_from[segment.field] != current[segment.field] if made_from else outdated
            found[segment.context] = (text, changed)

    target_blocks = body_blocks(field_text(article, "body", target))
    pairs: list[tuple[int, int, bool]] = []  # (target block, source block, fuzzy)
    if made_from and len(made_from["body"]) == len(target_blocks):
        # The translation follows the blocks of the source it was made from: match those to today's blocks.
        matcher = SequenceMatcher(a=made_from["body"], b=current["body"], autojunk=False)
        for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
            if tag == "equal" or tag == "replace" and old_end - old_start == new_end - new_start:
                pairs += [(old, new, tag != "equal") for old, new in
                          zip(range(old_start, old_end), range(new_start, new_end))]
    elif [block.shape for block in target_blocks] == [block.shape for block in source_blocks]:
        pairs = [(number, number, outdated) for number in range(len(source_blocks))]
    contexts = {segment.block_number: segment.context for segment in segments if segment.block is not None}
    for old, new, fuzzy in pairs:
        if new in contexts and target_blocks[old].kind == source_blocks[new].kind and target_blocks[old].has_text:
            found[contexts[new]] = (target_blocks[old].text, fuzzy)
    return found


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
            text, fuzzy = prefilled.get(segment.context, ("", False))
            catalog.append(polib.POEntry(
                msgctxt=segment.context, msgid=segment.text, msgstr=text, comment=segment_note(segment),
                flags=["fuzzy"] if fuzzy else [],
            ))
    return catalog


def articles_export_po(
    *, articles, target: str, directory: Path, source: str | None = None, pending_only: bool = False,
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
        path = directory / export_file_name(article, target)
        article_po(article, source=article_source, target=target).save(str(path))
        written.append(path)
    return written


# A line of a PO file, as msgfmt reads it: blank, a comment, or a keyword and/or a C string closed on that line
# (the possessive *+ never backtracks, so no line can make the check slow).
PO_STRING = r'"(?:[^"\\]|\\(?:[\\"\'?abfnrtv]|[0-7]{1,3}|x[0-9A-Fa-f]+))*+"'
PO_LINE = re.compile(rf"#.*|(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s*)?{PO_STRING}")


def po_syntax_problems(text: str) -> list[str]:
    """The lines of ``text`` that msgfmt would refuse, or that carry a NUL, which no text field can store.

    polib is lenient (``msgstr "unterminated`` loses its last letter and passes), so the file's lines are checked
    first; polib then reads a file whose every line is well formed.
    """
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        if "\0" in line:
            problems.append(_("Line %(line)d contains a NUL character; is this a PO file?") % {"line": number})
        elif (line := line.strip()) and not PO_LINE.fullmatch(line):
            problems.append(_(
                "Line %(line)d is not valid PO: every text must be in double quotes closed on the same line "
                "after msgctxt, msgid or msgstr."
            ) % {"line": number})
    return problems


def read_translation_file(path: Path) -> polib.POFile:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TranslationFileError(path, [_("The file is not UTF-8 text.")])
    except OSError as error:
        raise TranslationFileError(path, [str(error)])
    if problems := po_syntax_problems(text):
        raise TranslationFileError(path, problems)
    try:
        return polib.pofile(text, wrapwidth=0)
    except OSError as error:  # polib's word for a syntax error, with the line
        raise TranslationFileError(path, [str(error)])


def article_of(path: Path, catalog: polib.POFile) -> tuple[Article, str, str]:
    """The article, source and target language that the header of ``catalog`` names."""
    metadata = catalog.metadata
    source, target = metadata.get(HEADER_SOURCE_LANGUAGE, ""), metadata.get("Language", "")
    problems = []
    for header, code in ((HEADER_SOURCE_LANGUAGE, source), ("Language", target)):
        if code not in conf.ARTICLES_LANGUAGES:
            problems.append(_("The header's %(header)s is “%(code)s”; expected one of %(languages)s.") % {
                "header": header, "code": code, "languages": ", ".join(conf.ARTICLES_LANGUAGES),
            })
    if not problems and source == target:
        problems.append(_("The source and the target language are the same."))
    key, pk = metadata.get(HEADER_KEY, "").strip(), metadata.get(HEADER_ID, "").strip()
    article = None
    if key:
        article = Article.objects.filter(key=key).first()
    elif pk.isdigit():
        article = Article.objects.filter(pk=int(pk)).first()
    if article is None:
        problems.append(_("No article has the key or id this file names (%(header)s).") % {
            "header": f"{HEADER_KEY}: {key}" if key else f"{HEADER_ID}: {pk}",
        })
    if problems:
        raise TranslationFileError(path, problems)
    return article, source, target


def segment_problems(segment: Segment, text: str) -> list[str]:
    """What is wrong with ``text`` as the translation of ``segment``, taken alone."""
    if segment.field != "lead" and (segment.block is None or segment.block.kind in ("heading", "table-row")):
        if "\n" in text:
            return [_("must be one line.")]
    if segment.block is not None and segment.block.kind == "table-row":
        expected, found = table_cells(segment.text), table_cells(text)
        if expected != found:
            return [_("has %(found)d table cells; the source row has %(expected)d.") % {
                "found": found, "expected": expected,
            }]
    return []


def entry_place(entry: polib.POEntry) -> str:
    return _("line %(line)d, entry “%(context)s”") % {"line": entry.linenum, "context": entry.msgctxt or ""}


def translated_texts(path: Path, catalog: polib.POFile, segments: list[Segment], stale: bool) -> dict[str, str]:
    """``{context: translation}`` for every segment, or TranslationFileError listing each entry's problem."""
    by_context = {segment.context: segment for segment in segments}
    texts: dict[str, str] = {}
    problems = []
    for entry in catalog:
        if entry.obsolete:
            continue
        where = entry_place(entry)
        segment = by_context.get(entry.msgctxt)
        if segment is None:
            problems.append(_("%(where)s: the article has no such segment.") % {"where": where})
            continue
        if entry.msgctxt in texts:
            problems.append(_("%(where)s: the segment appears twice.") % {"where": where})
            continue
        text = entry.msgstr.replace("\r\n", "\n").strip()
        texts[entry.msgctxt] = text
        if entry.msgid.strip() != segment.text and not stale:
            found = [_("its msgid is not the article's text: the entry was edited or belongs to another file.")]
        elif "fuzzy" in entry.flags:
            found = [_("is marked fuzzy: check the translation, then remove the mark.")]
        elif not text:
            found = [_("is not translated.")]
        else:
            found = segment_problems(segment, text)
        problems += [f"{where}: {problem}" for problem in found]
    for segment in segments:
        if segment.context not in texts:
            problems.append(_("The file has no entry “%(context)s”: the source text has it.") % {
                "context": segment.context,
            })
    if problems:
        raise TranslationFileError(path, problems)
    return texts


def structure_problems(
    segments: list[Segment], blocks: list[Block], texts: dict[str, str], places: dict[str, str],
) -> list[str]:
    """The entries whose translation would change the body's Markdown structure (split a block, start a list…)."""
    body = [segment for segment in segments if segment.block is not None]
    translated = {segment.block_number: texts[segment.context] for segment in body}
    expected = [block.shape for block in blocks]
    if [block.shape for block in body_blocks(body_rebuild(blocks, translated))] == expected:
        return []
    problems = []
    for segment in body:
        alone = body_rebuild(blocks, {segment.block_number: texts[segment.context]})
        if [block.shape for block in body_blocks(alone)] != expected:
            problems.append(_(
                "%(where)s: the translation changes the Markdown structure of the body (a blank line, or a line "
                "that starts with #, -, *, >, | or a number and a dot, makes a new block). Keep it one block."
            ) % {"where": places[segment.context]})
    return problems or [_("The translations together change the Markdown structure of the body.")]


def translation_file_import(*, path: Path, force: bool = False) -> Article:
    """Apply one PO file to its article, all or nothing; raise TranslationFileError saying what is wrong.

    A file made from an older source text (its fingerprint is not the article's) is refused unless ``force``;
    a forced import records the older fingerprint, so the translation shows as outdated.
    """
    path = Path(path)
    catalog = read_translation_file(path)
    article, source, target = article_of(path, catalog)
    fingerprint = catalog.metadata.get(HEADER_SOURCE_FINGERPRINT, "")
    stale = fingerprint != text_fingerprint(article, source)
    if stale and not force:
        raise TranslationFileError(path, [_(
            "The file was made from an older %(source)s text of the article than the current one. Export it again "
            "(translations carry over), or import it with --force to apply it anyway."
        ) % {"source": source}])
    segments, blocks = source_segments(article, source)
    texts = translated_texts(path, catalog, segments, stale)
    places = {entry.msgctxt: entry_place(entry) for entry in catalog if not entry.obsolete}
    if problems := structure_problems(segments, blocks, texts, places):
        raise TranslationFileError(path, problems)

    body_segments = {segment.block_number: segment for segment in segments if segment.block is not None}
    for name in FIELD_SEGMENTS:
        setattr(article, build_localized_fieldname(name, target), texts.get(name, ""))
    setattr(article, build_localized_fieldname("body", target), body_rebuild(
        blocks, {number: texts[segment.context] for number, segment in body_segments.items()}
    ))
    try:
        article.clean_fields(exclude=[
            field.name for field in Article._meta.fields
            if field.name not in {build_localized_fieldname(name, target) for name in (*FIELD_SEGMENTS, "body")}
        ])
        article.clean()
    except ValidationError as error:
        raise TranslationFileError(path, [
            f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages
        ])
    if source == article.source_language:
        # The source this translation was made from, as the file shows it (older than today's when forced).
        made_from = {entry.msgctxt: entry.msgid.strip() for entry in catalog if not entry.obsolete}
        record_translation(
            article, target, source_fingerprint=fingerprint,
            fields={name: made_from.get(name, "") for name in FIELD_SEGMENTS},
            blocks=[
                replace(block, text=made_from[body_segments[number].context]) if number in body_segments else block
                for number, block in enumerate(blocks)
            ],
        )
    article.save()
    return article
