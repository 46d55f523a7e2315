"""Apply a translated PO file to its article: check the whole file, then write it all or nothing.

The file is the one ``po.article_po`` wrote: its header names the article, both languages and the fingerprint of
the source text it was made from. Every line is checked as msgfmt would, every entry against the article's
segments, and the translated body is rebuilt from the source's Markdown structure, which it must keep. A file made
from an older source text is refused unless forced (the translation is then saved as outdated).
"""

import re
from dataclasses import replace
from pathlib import Path

import polib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from ..conf import conf
from ..markdown import normalise_line_endings
from ..models import Article
from ..revisions import Cause, revision_made
from .blocks import Block, body_blocks, body_rebuild, table_cells
from .po import (
    HEADER_ID,
    HEADER_KEY,
    HEADER_SOURCE_FINGERPRINT,
    HEADER_SOURCE_LANGUAGE,
    Segment,
    body_segments,
    source_segments,
)
from .status import FIELD_SEGMENTS, record_translation, text_fingerprint


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


def read_translation_file(path: Path) -> polib.POFile:
    try:
        text = path.read_text(encoding="utf-8")
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
        text = normalise_line_endings(entry.msgstr).strip()
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
    body = body_segments(segments)
    translated = {number: texts[segment.context] for number, segment in body.items()}
    expected = [block.shape for block in blocks]
    if [block.shape for block in body_blocks(body_rebuild(blocks, translated))] == expected:
        return []
    problems = []
    for number, segment in body.items():
        alone = body_rebuild(blocks, {number: texts[segment.context]})
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

    body = body_segments(segments)
    for name in FIELD_SEGMENTS:
        setattr(article, build_localized_fieldname(name, target), texts.get(name, ""))
    setattr(article, build_localized_fieldname("body", target), body_rebuild(
        blocks, {number: texts[segment.context] for number, segment in body.items()}
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
        ]) from error
    if source == article.source_language:
        # The source this translation was made from, as the file shows it (older than today's when forced).
        made_from = {entry.msgctxt: entry.msgid.strip() for entry in catalog if not entry.obsolete}
        record_translation(
            article, target, source_fingerprint=fingerprint,
            fields={name: made_from.get(name, "") for name in FIELD_SEGMENTS},
            blocks=[
                replace(block, text=made_from[body[number].context]) if number in body else block
                for number, block in enumerate(blocks)
            ],
        )
    with revision_made(cause=Cause.TRANSLATION_IMPORT, detail=path.name):
        article.save()
    return article
