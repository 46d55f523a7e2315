"""Render an article body: Markdown text and a language in, safe HTML out.

``render_markdown`` is a pure function (no Django, no database, no settings) whose output is stored beside the
source with ``RENDERER_VERSION``; requests never render Markdown.

What authors get: paragraphs, headings, emphasis, links, images, lists, block quotes, tables, footnotes,
abbreviations and fenced code (Python-Markdown with ``tables``, ``footnotes``, ``abbr``, ``fenced_code`` and
``sane_lists``). ``attr_list`` is deliberately off: it would let authors write attributes.

Raw HTML is escaped, not stripped: the HTML parsers of Python-Markdown are switched off, so ``<b>`` or
``<script>`` in a body is shown as the text the author typed. Nothing an author writes disappears without a
trace, and no markup from the source reaches the page except through Markdown syntax.

Everything Markdown produces then goes through ``sanitize_html`` (nh3) as a second, independent line of
defence: only the tags and attributes the renderer emits are kept (no ``script``, ``style``, ``iframe``,
``svg``, ``math``, forms or other raw-text tags, no event handlers, no ``style`` attributes), URLs must be
relative or use http, https, mailto or tel, and every link gets ``rel="noopener noreferrer"`` (nh3 cannot tell
an external link from an internal one; on footnote anchors the attribute is harmless).

Typography, applied to text only, never inside code, in autolinks, in URLs written in the text, or in
attributes:

- straight double quotes curl by language: “…” with ‘…’ inside in English, «…» with „…“ inside in Russian and
  Kazakh. A quote after a space or an opening bracket opens, a quote after anything else closes; write ``\\"``
  for a straight one;
- ``'`` becomes the apostrophe ’ (in English a quote opening a word becomes ‘);
- a hyphen, double or triple hyphen or dash with spaces on both sides becomes a spaced em dash with a
  non-breaking space before it (``word — word``) in every language: the Russian rule, and AP style in English;
- ``...`` becomes …;
- a number is bound with a non-breaking space to a following unit or short word of up to four letters (``5 км``,
  ``10 kg``, ``2024 г.``, ``5 %``) and to a following group of three digits (``12 400``); in Russian and Kazakh
  one- and two-letter words are also bound to the next word (``в Москве``, ``и мы``).

Other languages get the English rules.

Limits. Python-Markdown has quadratic corners (a paragraph's text is copied once per inline match, an unclosed
bracket or fence is looked for to the end, tables re-split their block for every heading in it), so the source is
measured in one linear pass before it is parsed and refused with ``MarkdownRejected`` past these limits, which
keep every input well under a second:

- ``MAX_SOURCE_CHARS`` characters (100,000: longer than any long read) and ``MAX_LINES`` non-blank lines;
- ``MAX_NESTING`` levels of block quotes, lists or four-space indentation on a line, and of square brackets in
  a paragraph;
- ``MAX_MARKUP`` formatting characters (``\\ ` * _ [ < &``) in the text, ``MAX_MARKUP_PER_PARAGRAPH`` in one
  paragraph, list item or table row, and ``MAX_UNCLOSED_BRACKETS`` unclosed ``[`` or ``](`` in one paragraph;
- ``MAX_BREAKS_WITHOUT_BLANK_LINE`` headings, rules or definitions between two blank lines;
- ``MAX_UNCLOSED_FENCES`` code fences that are never closed, ``MAX_TABLE_CELLS`` table cells;
- ``MAX_FOOTNOTES`` footnote references (and as many definitions), ``MAX_ABBREVIATIONS`` abbreviations and
  ``MAX_ABBREVIATION_USES`` uses of them.

The limits are counted on the source as Markdown will read it (outside fenced code; a paragraph is what is
between blank lines), erring towards counting too much. A ``RecursionError`` inside Markdown is refused the same
way, so ``render_markdown`` raises nothing but ``MarkdownRejected``. The messages are plain English sentences
that name the limit, meant to be shown to the editor as they are.
"""

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

RENDERER_VERSION = 1

MAX_SOURCE_CHARS = 100_000
MAX_NESTING = 20
MAX_MARKUP_PER_PARAGRAPH = 1_000
MAX_UNCLOSED_BRACKETS = 10
MAX_BREAKS_WITHOUT_BLANK_LINE = 40
MAX_UNCLOSED_FENCES = 10
MAX_LINES = 5_000
MAX_MARKUP = 10_000
MAX_TABLE_CELLS = 5_000
MAX_FOOTNOTES = 100
MAX_ABBREVIATIONS = 100
MAX_ABBREVIATION_USES = 1_000


class MarkdownRejected(ValueError):
    """The source is refused before rendering: too long, nested too deep, or too costly to parse."""


def render_markdown(text: str, language: str) -> str:
    """Return the body as sanitised HTML, '' for a blank body; raise ``MarkdownRejected`` past the limits."""
    text = _normalise(text)
    if not text.strip():
        return ""
    check_limits(text)
    try:
        html = _converter(language).convert(text)
    except RecursionError as error:
        raise MarkdownRejected(f"The text is nested too deeply to render; the limit is {MAX_NESTING} levels.") from error
    return sanitize_html(html)


def sanitize_html(html: str) -> str:
    """Keep only the tags, attributes and URL schemes the renderer emits; idempotent."""
    return _CLEANER.clean(_LONE_SURROGATE.sub("\ufffd", html))


# Sanitising -----------------------------------------------------------------------------------------------------

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # not encodable as UTF-8, which nh3 needs

_CLASSES = {
    "a": re.compile(r"footnote-ref|footnote-backref"),
    "div": re.compile(r"footnote"),
    "code": re.compile(r"language-[\w#.+-]+"),
}
_ATTRIBUTE_VALUES = {
    "id": re.compile(r"fn(?:ref\d*)?:.+"),  # footnote anchors only: no clobbering of other ids on the page
    "align": re.compile(r"left|right|center"),
    "start": re.compile(r"\d{1,9}"),
}


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        pattern = _CLASSES.get(tag)
    else:
        pattern = _ATTRIBUTE_VALUES.get(attribute)
        if pattern is None:
            return value
    return value if pattern is not None and pattern.fullmatch(value) else None


_CLEANER = nh3.Cleaner(
    tags={
        "a", "abbr", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img",
        "li", "ol", "p", "pre", "strong", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
    },
    # Dropped with their content: raw-text and foreign-content elements are where mutation XSS hides.
    clean_content_tags={
        "script", "style", "iframe", "object", "noscript", "noembed", "noframes", "template", "textarea",
        "title", "xmp", "plaintext", "svg", "math", "select",
    },
    attributes={
        "a": {"href", "title", "class"},
        "abbr": {"title"},
        "code": {"class"},
        "div": {"class"},
        "img": {"src", "alt", "title"},
        "li": {"id"},
        "ol": {"start"},
        "sup": {"id"},
        "td": {"align"},
        "th": {"align"},
    },
    attribute_filter=_filter_attribute,
    url_schemes={"http", "https", "mailto", "tel"},
    link_rel="noopener noreferrer",
    strip_comments=True,
)


# Markdown -------------------------------------------------------------------------------------------------------

_BACKLINK_TITLES = {
    "en": "Jump back to footnote %d in the text",
    "ru": "Вернуться к сноске %d в тексте",
    "kk": "Мәтіндегі %d-ескертпеге оралу",
}


def _converter(language: str) -> markdown.Markdown:
    # A new instance per call: Markdown objects keep state (references, footnotes) and are not thread-safe.
    code = _language_code(language)
    return markdown.Markdown(
        extensions=[
            "tables", "footnotes", "abbr", "fenced_code", "sane_lists", _NewsroomExtension(_typography(code)),
        ],
        extension_configs={
            "tables": {"use_align_attribute": True},  # not style="text-align: …", which is sanitised away
            "footnotes": {"BACKLINK_TITLE": _BACKLINK_TITLES.get(code, _BACKLINK_TITLES["en"])},
        },
        output_format="html",
    )


def _language_code(language: str) -> str:
    return language.lower().replace("_", "-").split("-")[0]


class _NewsroomExtension(Extension):
    """Escape raw HTML instead of parsing it, and set the text in the article's typography."""

    def __init__(self, typography: "_Typography") -> None:
        super().__init__()
        self.typography = typography

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Without these two, HTML in the source is plain text, which the serialiser escapes.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.ESCAPED_CHARS.extend(['"', "'"])  # so that \" and \' write a straight quote
        # After "abbr" (7), before "unescape" (0) turns \" back into a quote that must stay straight.
        md.treeprocessors.register(_TypographyTreeprocessor(md, self.typography), "newsroom_typography", 5)


# Typography -----------------------------------------------------------------------------------------------------

_NBSP = "\u00a0"


@dataclass(frozen=True)
class _Typography:
    outer_quotes: tuple[str, str]
    inner_quotes: tuple[str, str]
    opening_single_quote: str  # ’ where ' is only ever an apostrophe
    binds_short_words: bool


_ENGLISH = _Typography(("“", "”"), ("‘", "’"), "‘", binds_short_words=False)
_RUSSIAN = _Typography(("«", "»"), ("„", "“"), "’", binds_short_words=True)
_TYPOGRAPHY = {"en": _ENGLISH, "ru": _RUSSIAN, "kk": _RUSSIAN}


def _typography(code: str) -> _Typography:
    return _TYPOGRAPHY.get(code, _ENGLISH)


_OPAQUE_TAGS = {"code", "pre", "sup"}  # sup: footnote numbers, which are not quantities
_BLOCK_TAGS = {
    "blockquote", "div", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}
# URLs and e-mail addresses written as text, and Python-Markdown's placeholders (\x02…\x03), are left alone.
_OPAQUE_TEXT = re.compile(
    r"(?:(?:https?|ftp)://|www\.|mailto:)[^\s<>\"'«»“”]*[^\s<>\"'«»“”.,;:!?)\]]"
    r"|(?<![\w.+-])[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+|\x02[^\x03]*\x03"
)
_MAY_HOLD_OPAQUE_TEXT = re.compile(r"[/@\x02]|www\.")
_OPENING_CONTEXT = set("([{<«„“‘—–-/\"'") | {""}
_DASH = re.compile(r"(?<=\S)\s+(?:-{1,3}|–|—)\s+(?=\S)")
_ELLIPSIS = re.compile(r"(?<!\.)\.\.\.(?!\.)")
_QUOTE = re.compile(r"[\"']")
_NUMBER_AND_UNIT = re.compile(r"(?<=\d) (?=[%‰°€$£₸₽]|\d{3}(?!\d)|[^\W\d_]{1,4}(?!\w))")
_SHORT_WORD = re.compile(r"(?<![\w])([а-яёәғқңөұүһіА-ЯЁӘҒҚҢӨҰҮҺІ]{1,2}) (?=\S)")


@dataclass
class _Piece:
    text: str
    editable: bool
    stands_for_word: bool = False  # code or a footnote number: a word to its neighbours, whatever it contains

    @property
    def context(self) -> str:
        return "x" if self.stands_for_word else self.text


@dataclass
class _Slot:
    """The text or tail of one element, cut into pieces that typography may or may not touch."""

    element: Element
    attribute: str
    pieces: list[_Piece] = field(default_factory=list)


class _TypographyTreeprocessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, typography: _Typography) -> None:
        super().__init__(md)
        self.typography = typography

    def run(self, root: Element) -> None:
        for run in _text_runs(root):
            _typeset(run, self.typography)
            for slot in run:
                setattr(slot.element, slot.attribute, "".join(piece.text for piece in slot.pieces))


def _text_runs(root: Element) -> Iterator[list[_Slot]]:
    """Cut the tree into runs of text that read as one block, in document order."""
    runs: list[list[_Slot]] = [[]]
    _collect(root, runs[0], runs, opaque=False)
    return (run for run in runs if any(piece.editable for slot in run for piece in slot.pieces))


def _collect(element: Element, run: list[_Slot], runs: list[list[_Slot]], opaque: bool) -> None:
    _add_slot(run, element, "text", opaque)
    for child in element:
        child_opaque = opaque or child.tag in _OPAQUE_TAGS or _is_autolink(child)
        if child.tag in _BLOCK_TAGS:
            inner: list[_Slot] = []
            runs.append(inner)
            _collect(child, inner, runs, child_opaque)
            run = []  # text after a block reads as a block of its own
            runs.append(run)
        else:
            _collect(child, run, runs, child_opaque)
        _add_slot(run, child, "tail", opaque)


def _is_autolink(element: Element) -> bool:
    return element.tag == "a" and element.text is not None and element.text == element.get("href")


def _add_slot(run: list[_Slot], element: Element, attribute: str, opaque: bool) -> None:
    text = getattr(element, attribute)
    if not text:
        return
    slot = _Slot(element, attribute)
    if opaque:
        slot.pieces.append(_Piece(text, editable=False, stands_for_word=True))
    elif text.isspace() or not _MAY_HOLD_OPAQUE_TEXT.search(text):
        slot.pieces.append(_Piece(text, editable=not text.isspace()))
    else:
        position = 0
        for match in _OPAQUE_TEXT.finditer(text):
            slot.pieces += [_Piece(text[position:match.start()], True), _Piece(match.group(), False)]
            position = match.end()
        slot.pieces.append(_Piece(text[position:], True))
    run.append(slot)


def _typeset(run: list[_Slot], typography: _Typography) -> None:
    pieces = [piece for slot in run for piece in slot.pieces]
    rules = _rules(typography, _QuoteState(typography))
    for index, piece in enumerate(pieces):
        if not piece.editable or not piece.text:
            continue
        before = "".join(other.context for other in pieces[max(0, index - 2):index])[-2:]
        after = "".join(other.context for other in pieces[index + 1:index + 3])[:2]
        text = piece.text
        for pattern, needs, replacement in rules:
            if any(character in text for character in needs):  # most pieces need few of the rules
                text = _replace_inside(pattern, replacement, text, before, after)
        piece.text = text


def _rules(typography: _Typography, quotes: "_QuoteState") -> list[tuple[re.Pattern[str], str, Any]]:
    """Return (pattern, characters one of which the text must hold, replacement), in the order they apply."""
    rules: list[tuple[re.Pattern[str], str, Any]] = [
        (_DASH, "-–—", f"{_NBSP}— "),
        (_ELLIPSIS, ".", "…"),
        (_QUOTE, "\"'", quotes.curl),
        (_NUMBER_AND_UNIT, " ", _NBSP),
    ]
    if typography.binds_short_words:
        rules.append((_SHORT_WORD, " ", rf"\1{_NBSP}"))
    return rules


def _replace_inside(pattern: re.Pattern[str], replacement: Any, text: str, before: str, after: str) -> str:
    """Substitute within ``text`` only, letting the pattern's lookarounds see the neighbouring text."""
    context = before + text + after
    start, end = len(before), len(before) + len(text)

    def substitute(match: re.Match[str]) -> str:
        if match.start() < start or match.end() > end:
            return match.group()
        return replacement(match) if callable(replacement) else match.expand(replacement)

    replaced = pattern.sub(substitute, context)
    return replaced[len(before):len(replaced) - len(after)]


class _QuoteState:
    """Curl straight quotes in document order, tracking how deep the double quotes are nested."""

    def __init__(self, typography: _Typography) -> None:
        self.typography = typography
        self.depth = 0

    def curl(self, match: re.Match[str]) -> str:
        text, position = match.string, match.start()
        previous = text[position - 1:position]
        following = text[position + 1:position + 2]
        opens = (previous in _OPENING_CONTEXT or previous.isspace()) and following.strip() != ""
        closes = previous.strip() != ""
        if match.group() == "'":
            if opens and following.isalpha():
                return self.typography.opening_single_quote
            return "’" if closes or opens else "'"
        if opens:
            self.depth += 1
            return self._pair(self.depth - 1)[0]
        if closes:
            self.depth = max(self.depth - 1, 0)
            return self._pair(self.depth)[1]
        return '"'

    def _pair(self, depth: int) -> tuple[str, str]:
        return self.typography.outer_quotes if depth % 2 == 0 else self.typography.inner_quotes


# Limits ---------------------------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    # The line endings and tabs Python-Markdown works with, so that line numbers and widths agree.
    text = _LONE_SURROGATE.sub("\ufffd", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)


_FENCE_OPENING = re.compile(r"(`{3,}|~{3,}) *(?:\{.*\}|\.?[\w#.+-]* *(?:hl_lines=([\"']).*?\2 *)?)")
_FENCE_CLOSING = re.compile(r"(`{3,}|~{3,}) *")
_NESTING_MARKER = re.compile(r" *(?:>|(?:[-*+]|\d{1,9}[.)])(?= ))")
_QUOTE_PREFIX = re.compile(r" {0,3}(?:> ?)+")
_DEFINITION = re.compile(r" {0,3}\[[^\]]*\]:")  # a link or footnote definition
# A heading, a rule or underline, or a definition: Markdown cuts its block there (counted generously).
_BREAK = re.compile(r"#|\*\[.*\]:| {0,3}(?:[-=_*][-=_* ]*$|\[[^\]]*\]:)")
_LIST_ITEM = re.compile(r" *(?:[-*+]|\d{1,9}[.)])(?: |$)")
_FOOTNOTE_DEFINITION = re.compile(r"(?m)^ {0,3}\[\^[^\]\n]*\]:")
_ABBREVIATION = re.compile(r"(?m)^\*\[([^\\\n]*?)\] ?:")
_MARKUP = "\\`*_[<&"


@dataclass(frozen=True)
class _Paragraph:
    """Text that Markdown runs its inline patterns over in one go: a paragraph, list item, heading or table row."""

    line: int
    text: str
    is_table_row: bool = False


def check_limits(text: str) -> None:
    """Raise ``MarkdownRejected`` for a source that is too long, too deep or too costly to parse."""
    if len(text) > MAX_SOURCE_CHARS:
        raise MarkdownRejected(f"The text is {len(text):,} characters long; the limit is {MAX_SOURCE_CHARS:,}.")
    all_lines = text.split("\n")
    _check_count(sum(1 for line in all_lines if line.strip()), MAX_LINES, "lines")
    lines = list(_lines_outside_fences(all_lines))
    markup = cells = 0
    for block in _blocks(lines):
        _check_block(block)
        for paragraph in _paragraphs(block):
            markup += _check_paragraph(paragraph)
            cells += paragraph.text.strip().strip("|").count("|") + 1 if paragraph.is_table_row else 0
    _check_count(markup, MAX_MARKUP, "formatting characters (such as * _ ` [ \\)")
    _check_count(cells, MAX_TABLE_CELLS, "table cells")
    prose = "\n".join(line for _, line in lines)
    definitions = len(_FOOTNOTE_DEFINITION.findall(prose))
    _check_count(prose.count("[^") - definitions, MAX_FOOTNOTES, "footnote references")
    _check_count(definitions, MAX_FOOTNOTES, "footnote definitions")
    abbreviations = [term.strip() for term in _ABBREVIATION.findall(prose) if term.strip()]
    _check_count(len(abbreviations), MAX_ABBREVIATIONS, "abbreviation definitions")
    _check_count(_abbreviation_uses(prose, abbreviations), MAX_ABBREVIATION_USES, "uses of abbreviations")


def _check_count(count: int, limit: int, what: str) -> None:
    if count > limit:
        raise MarkdownRejected(f"The text has {count:,} {what}; the limit is {limit:,}.")


def _lines_outside_fences(lines: list[str]) -> Iterator[tuple[int, str]]:
    """Yield (line number, line) except the inside of fenced code, which Markdown never parses."""
    closings: dict[str, list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        if match := _FENCE_CLOSING.fullmatch(line):
            closings[match.group(1)].append(index)
    unclosed, index = 0, 0
    while index < len(lines):
        if opening := _FENCE_OPENING.fullmatch(lines[index]):
            candidates = closings[opening.group(1)]
            after = bisect_right(candidates, index)
            if after < len(candidates):
                index = candidates[after] + 1
                continue
            # Markdown searches to the end of the text for the closing fence of each of these.
            unclosed += 1
            _check_count(unclosed, MAX_UNCLOSED_FENCES, "code fences (``` or ~~~) that are never closed")
        yield index + 1, lines[index]
        index += 1


def _blocks(lines: list[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """Yield the runs of lines between blank lines."""
    block: list[tuple[int, str]] = []
    for number, line in lines:
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _check_block(block: list[tuple[int, str]]) -> None:
    # Markdown splits a block at each heading, rule or definition and tests the rest again (tables split it into
    # lines each time): quadratic in the breaks between two blank lines.
    breaks, previous_was_definition = 0, False
    for number, line in block:
        _check_nesting(number, line)
        content = _content(line)
        is_definition = bool(_DEFINITION.match(content))
        if _BREAK.match(content) and not (is_definition and previous_was_definition):  # one pass reads a run
            breaks += 1
        previous_was_definition = is_definition
    if breaks > MAX_BREAKS_WITHOUT_BLANK_LINE:
        raise MarkdownRejected(
            f"Lines {block[0][0]:,}–{block[-1][0]:,} hold {breaks:,} headings, rules or definitions with no blank "
            f"line between them; the limit is {MAX_BREAKS_WITHOUT_BLANK_LINE}. Separate them with blank lines."
        )


def _check_nesting(number: int, line: str) -> None:
    depth = (len(line) - len(line.lstrip(" "))) // 4
    position = 0
    while depth <= MAX_NESTING and (marker := _NESTING_MARKER.match(line, position)):
        depth, position = depth + 1, marker.end()
    if depth > MAX_NESTING:
        raise MarkdownRejected(
            f"Line {number:,} nests block quotes, lists or indentation (four spaces a level) more than "
            f"{MAX_NESTING} levels deep; the limit is {MAX_NESTING}."
        )


def _content(line: str) -> str:
    quote = _QUOTE_PREFIX.match(line)
    return line[quote.end():] if quote else line


def _paragraphs(block: list[tuple[int, str]]) -> Iterator[_Paragraph]:
    """Cut a block where Markdown certainly cuts it; joining more than Markdown does only overestimates the cost.

    Headings, rules and definitions stand alone. A part that starts as a list has one paragraph per item, a
    table one per row; any other part is one paragraph, whatever its lines look like.
    """
    part: list[tuple[int, str]] = []
    for number, line in block:
        content = _content(line)
        if _BREAK.match(content):
            yield from _split_part(part)
            yield _Paragraph(number, content)  # a rule has no inline text, but inside a table it is a row
            part = []
        else:
            part.append((number, content))
    yield from _split_part(part)


def _split_part(part: list[tuple[int, str]]) -> Iterator[_Paragraph]:
    if not part:
        return
    is_table = len(part) > 1 and _is_table_delimiter(part[1][1])
    if not (is_table or _LIST_ITEM.match(part[0][1])):
        yield _Paragraph(part[0][0], "\n".join(content for _, content in part))
        return
    start, lines = part[0][0], []
    for number, content in part:
        if lines and (is_table or _LIST_ITEM.match(content)):
            yield _Paragraph(start, "\n".join(lines), is_table)
            start, lines = number, []
        lines.append(content)
    yield _Paragraph(start, "\n".join(lines), is_table)


def _is_table_delimiter(line: str) -> bool:
    # As the tables extension tests it; a regular expression for it would backtrack on long runs of spaces.
    return "|" in line and "-" in line and set(line) <= set("|:- ")


def _check_paragraph(paragraph: _Paragraph) -> int:
    """Check one paragraph's inline cost and return how many formatting characters it has."""
    # Every inline match copies the paragraph's text once: quadratic in the formatting characters.
    markup = sum(paragraph.text.count(character) for character in _MARKUP) + paragraph.text.count("  \n")
    if markup > MAX_MARKUP_PER_PARAGRAPH:
        raise MarkdownRejected(
            f"The paragraph at line {paragraph.line:,} has {markup:,} formatting characters (such as * _ ` [ \\); "
            f"the limit is {MAX_MARKUP_PER_PARAGRAPH:,} in one paragraph."
        )
    if "[" in paragraph.text:
        _check_brackets(paragraph)
    return markup


def _check_brackets(paragraph: _Paragraph) -> None:
    # Markdown looks for the end of each "[" and "](", to the end of the paragraph when there is none.
    depth = deepest = open_destinations = 0
    escaped = after_closing_bracket = False
    for character in paragraph.text:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == "[":
            depth += 1
            deepest = max(deepest, depth)
        elif character == "]" and depth:
            depth -= 1
        elif character == "(" and (after_closing_bracket or open_destinations):
            open_destinations += 1
        elif character == ")" and open_destinations:
            open_destinations -= 1
        after_closing_bracket = character == "]" and not escaped
    if deepest > MAX_NESTING:
        raise MarkdownRejected(
            f"The paragraph at line {paragraph.line:,} nests square brackets {deepest:,} levels deep; "
            f"the limit is {MAX_NESTING}."
        )
    if depth + open_destinations > MAX_UNCLOSED_BRACKETS:
        raise MarkdownRejected(
            f"The paragraph at line {paragraph.line:,} has {depth + open_destinations:,} unclosed brackets; the "
            f"limit is {MAX_UNCLOSED_BRACKETS}. Close them, or write \\[ for a bracket that opens nothing."
        )


def _abbreviation_uses(prose: str, abbreviations: list[str]) -> int:
    # Each use becomes an element, and Markdown's abbr extension slows down with every one.
    if not abbreviations:
        return 0
    terms = "|".join(re.escape(term) for term in sorted(set(abbreviations), key=len, reverse=True))
    return sum(1 for _ in re.finditer(rf"\b(?:{terms})\b", prose))
