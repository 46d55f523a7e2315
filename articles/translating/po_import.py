"""Apply a translated PO file to its article: check the whole file, then write its translated entries.

The file is the one ``po.article_po`` wrote: its header names the article, both languages and the fingerprint of
the source text it was made from. Every line is checked as msgfmt would, every entry against the article's
segments, and the translated body is rebuilt from the source's Markdown structure, which it must keep. A file with
any error changes nothing; untranslated and fuzzy entries are skipped (and reported), not errors. A file made
from an older source text is refused unless forced (the translation is then saved as outdated).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import polib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from ..conf import conf
from ..markdown import normalise_line_endings
from ..models import Article
from ..revisions import Cause, revision_made
from .blocks import Block, body_blocks, body_join, body_rebuild, table_cells
from .po import (
    HEADER_ID,
    HEADER_KEY,
    HEADER_SOURCE_FINGERPRINT,
    HEADER_SOURCE_LANGUAGE,
    Segment,
    body_segments,
    prefilled_translations,
    source_segments,
)
from .status import FIELD_SEGMENTS, block_digest, digest, field_text, record_translation, text_fingerprint


class TranslationFileError(Exception):
    """A file that cannot be imported; ``problems`` says what is wrong, one line each, naming the entry."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {problem}" for problem in problems))


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


def read_translation_file(path: Path, content: bytes | None = None) -> polib.POFile:
    """The catalog in the file at ``path``, or in ``content`` (an upload, named ``path``)."""
    try:
        text = path.read_text(encoding="utf-8") if content is None else content.decode("utf-8")
    except UnicodeDecodeError:
        raise TranslationFileError(path, [_("The file is not UTF-8 text.")]) from None
    except OSError as error:
        raise TranslationFileError(path, [str(error)]) from error
    if problems := po_syntax_problems(text):
        raise TranslationFileError(path, problems)
    try:
        return polib.pofile(text, wrapwidth=0)
    except OSError as error:  # polib's word for a syntax error, with the line
        raise TranslationFileError(path, [str(error)]) from error


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
    if problems or article is None:
        raise TranslationFileError(path, problems)
    return article, source, target


def segment_problems(segment: Segment, text: str) -> list[str]:
    """What is wrong with ``text`` as the translation of ``segment``, taken alone."""
    one_line = segment.field != "lead" and (segment.block is None or segment.block.kind in ("heading", "table-row"))
    if one_line and "\n" in text:
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


@dataclass(frozen=True)
class TranslatedEntries:
    """What a file translates: ``texts`` by context; ``source_texts``, the msgid of every entry (the source it was
    made from); ``skipped``, the entries left out and why, in the file's order, with ``places`` for each entry."""

    texts: dict[str, str]
    source_texts: dict[str, str]
    skipped: list[tuple[str, str]]
    places: dict[str, str]


def translated_entries(path: Path, catalog: polib.POFile, segments: list[Segment], stale: bool) -> TranslatedEntries:
    """The translated entries of ``catalog``, those it leaves untranslated or fuzzy, or TranslationFileError.

    An untranslated or fuzzy entry is skipped, not an error: a partly translated file imports what it translates.
    An entry the article does not have, one that appears twice or is missing, an edited msgid and a translation that
    cannot be the segment's (two lines for a heading, another number of table cells) are errors.
    """
    by_context = {segment.context: segment for segment in segments}
    texts: dict[str, str] = {}
    source_texts: dict[str, str] = {}
    skipped: list[tuple[str, str]] = []
    places: dict[str, str] = {}
    problems = []
    for entry in catalog:
        if entry.obsolete:
            continue
        where = entry_place(entry)
        segment = by_context.get(entry.msgctxt)
        if segment is None:
            problems.append(_("%(where)s: the article has no such segment.") % {"where": where})
            continue
        if entry.msgctxt in places:
            problems.append(_("%(where)s: the segment appears twice.") % {"where": where})
            continue
        places[entry.msgctxt] = where
        source_texts[entry.msgctxt] = normalise_line_endings(entry.msgid).strip()
        text = normalise_line_endings(entry.msgstr).strip()
        if entry.msgid.strip() != segment.text and not stale:
            problems.append(f"{where}: " + _(
                "its msgid is not the article's text: the entry was edited or belongs to another file."
            ))
        elif "fuzzy" in entry.flags:
            skipped.append((entry.msgctxt, _("marked fuzzy")))
        elif not text:
            skipped.append((entry.msgctxt, _("not translated")))
        elif found := segment_problems(segment, text):
            problems += [f"{where}: {problem}" for problem in found]
        else:
            texts[entry.msgctxt] = text
    for segment in segments:
        if segment.context not in places:
            problems.append(_("The file has no entry “%(context)s”: the source text has it.") % {
                "context": segment.context,
            })
    if problems:
        raise TranslationFileError(path, problems)
    return TranslatedEntries(texts, source_texts, skipped, places)


def structure_problems(
    segments: list[Segment], blocks: list[Block], texts: dict[str, str], places: dict[str, str],
) -> list[str]:
    """The entries whose translation would change the body's Markdown structure (split a block, start a list…)."""
    problems = []
    expected = [block.shape for block in blocks]
    for number, segment in body_segments(segments).items():
        if segment.context not in texts:
            continue
        alone = body_rebuild(blocks, {number: texts[segment.context]})
        if [block.shape for block in body_blocks(alone)] != expected:
            problems.append(_(
                "%(where)s: the translation changes the Markdown structure of the body (a blank line, or a line "
                "that starts with #, -, *, >, | or a number and a dot, makes a new block). Keep it one block."
            ) % {"where": places[segment.context]})
    return problems


def without_broken_tables(kept: dict[int, tuple[Block, str]], blocks: list[Block]) -> dict[int, tuple[Block, str]]:
    """``kept`` without the tables that lost a row: a table is translated whole or left out whole."""
    table: list[int] = []
    broken: set[int] = set()
    for number, block in enumerate([*blocks, Block("end")]):
        if block.kind in ("table-row", "table-delimiter") and (not table or block.gap == 0):
            table.append(number)
            continue
        if any(row not in kept for row in table):
            broken.update(table)
        table = [number] if block.kind in ("table-row", "table-delimiter") else []
    return {number: value for number, value in kept.items() if number not in broken}


@dataclass
class TranslationImport:
    """What an import did: the article, how many of the file's entries it applied, which it skipped and why."""

    article: Article
    language: str
    applied: int
    skipped: list[tuple[str, str]]  # (where, why)


def translation_file_import(
    *, path: Path, force: bool = False, content: bytes | None = None, user=None,
    may_translate: Callable[[Article, str], bool] | None = None,
) -> TranslationImport:
    """Apply the translated entries of one PO file to its article; raise TranslationFileError if the file is bad.

    The file is read from ``path``, or is ``content`` (an upload named ``path``); ``user`` is named in the
    revision. ``may_translate(article, target)``, when given, says whether the file's article and language are the
    importer's to change: a file for another is refused as a whole.

    A bad file (see ``translated_entries``, ``structure_problems``) changes nothing. Untranslated and fuzzy
    entries are skipped: their segments keep the translation the article has, and body blocks without one are
    left out (a table only whole). A translation that skipped anything stays outdated, and the next export shows
    the skipped segments again. A file made from an older source text (its fingerprint is not the article's) is
    refused unless ``force``; a forced import records the older fingerprint, so the translation shows as outdated.
    """
    path = Path(path)
    catalog = read_translation_file(path, content)
    article, source, target = article_of(path, catalog)
    if may_translate is not None and not may_translate(article, target):
        raise TranslationFileError(path, [_("You may not translate this article into %(language)s.") % {
            "language": target,
        }])
    fingerprint = catalog.metadata.get(HEADER_SOURCE_FINGERPRINT, "")
    stale = fingerprint != text_fingerprint(article, source)
    if stale and not force:
        raise TranslationFileError(path, [_(
            "The file was made from an older %(source)s text of the article than the current one. Export it again "
            "(translations carry over), or import it with --force to apply it anyway."
        ) % {"source": source}])
    segments, blocks = source_segments(article, source)
    entries = translated_entries(path, catalog, segments, stale)
    skipped = [(entries.places[context], why) for context, why in entries.skipped]
    if not entries.texts:
        return TranslationImport(article, target, 0, skipped)
    if problems := structure_problems(segments, blocks, entries.texts, entries.places):
        raise TranslationFileError(path, problems)
    existing = prefilled_translations(article, source, target, segments, blocks, previous_texts=False)
    made_from = entries.source_texts

    digests: dict = {}
    for name in FIELD_SEGMENTS:
        column = build_localized_fieldname(name, target)
        if name in entries.texts:
            setattr(article, column, entries.texts[name])
            digests[name] = digest(made_from[name], length=8)
        elif name in existing:  # skipped: the translation the article has stays
            digests[name] = existing[name].made_from or ""
        else:
            setattr(article, column, "")
            digests[name] = digest(made_from.get(name, ""), length=8) if name not in entries.places else ""

    body = body_segments(segments)
    if any(segment.context in entries.texts for segment in body.values()):
        kept: dict[int, tuple[Block, str]] = {}  # block number: (translated block, digest of its source)
        for number, block in enumerate(blocks):
            segment = body.get(number)
            if segment is None:  # code, a rule, a table's delimiter row: copied from the source
                kept[number] = (block, block_digest(block))
            elif segment.context in entries.texts:
                kept[number] = (replace(block, text=entries.texts[segment.context]),
                                block_digest(replace(block, text=made_from[segment.context])))
            elif segment.context in existing:
                prefill = existing[segment.context]
                kept[number] = (replace(block, text=prefill.text), prefill.made_from or "")
        kept = without_broken_tables(kept, blocks)
        translated = [block for block, _digest in kept.values()]
        if translated:
            translated[0] = replace(translated[0], gap=0)
        text = body_join(translated)
        if [block.shape for block in body_blocks(text)] != [block.shape for block in translated]:
            raise TranslationFileError(path, [_(
                "Without its untranslated entries the body would change its Markdown structure: translate the "
                "skipped entries of the body, or none of them."
            )])
        setattr(article, build_localized_fieldname("body", target), text)
        digests["body"] = [block_digest for _block, block_digest in kept.values()]
    else:  # nothing of the body translated: it stays as it is, with what is known of its source
        record = ((article.translated_from or {}).get(target) or {}).get("segments") or {}
        target_blocks = body_blocks(field_text(article, "body", target))
        digests["body"] = record.get("body", []) if len(record.get("body", [])) == len(target_blocks) else []

    try:
        article.clean_fields(exclude=[
            field.name for field in Article._meta.fields
            if field.name not in {build_localized_fieldname(name, target) for name in (*FIELD_SEGMENTS, "body")}
        ])
        article.clean()
    except ValidationError as error:
        # A field's error names the file's entry for it (the body's, its first block's), else the field.
        columns = {build_localized_fieldname(name, target): name for name in (*FIELD_SEGMENTS, "body")}
        first_block = next((segment.context for segment in body.values()), "")
        entries_of = {**{name: name for name in FIELD_SEGMENTS}, "body": first_block}
        raise TranslationFileError(path, [
            f"{entries.places.get(entries_of.get(columns.get(field, ''), ''), field)}: {message}"
            for field, messages in error.message_dict.items() for message in messages
        ]) from error
    if source == article.source_language:
        # The source this translation was made from, as the file shows it (older than today's when forced); a
        # partial translation names none, so it stays outdated until every segment is translated.
        record_translation(
            article, target, source_fingerprint="" if entries.skipped else fingerprint, segments=digests,
        )
    with revision_made(cause=Cause.TRANSLATION_IMPORT, user=user, detail=path.name):
        article.save()
    return TranslationImport(article, target, len(entries.texts), skipped)
