"""Refuse a source that would be too costly to render, measured in one linear pass before Markdown parses it.

Python-Markdown has quadratic corners (a paragraph's text is copied once per inline match, an unclosed bracket or
fence is looked for to the end, tables re-split their block for every heading in it), so the source is refused
with ``MarkdownRejected`` past these limits, which keep every input well under a second:

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
between blank lines), erring towards counting too much.

Each refusal has a ``code`` naming the limit (one of ``REJECTION_CODES``) and ``params`` holding its numbers, and
nothing more: the renderer has no words for people. ``articles.markdown.messages.rejection_message`` words a
refusal in the editor's language; its ``str()`` (``too_long: length=100001, limit=100000``) is for logs.
"""

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

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

# What each refusal is about; ``articles.markdown.messages`` words each one for editors.
REJECTION_CODES = frozenset({
    "too_long",
    "too_many_lines",
    "too_deep",
    "too_deep_to_render",
    "brackets_too_deep",
    "too_many_unclosed_brackets",
    "too_much_markup",
    "too_much_markup_in_paragraph",
    "too_many_breaks",
    "too_many_unclosed_fences",
    "too_many_table_cells",
    "too_many_footnote_references",
    "too_many_footnote_definitions",
    "too_many_abbreviations",
    "too_many_abbreviation_uses",
})


class MarkdownRejected(ValueError):
    """The source is refused before rendering: too long, nested too deep, or too costly to parse.

    ``code`` names the limit (one of ``REJECTION_CODES``); ``params`` holds the measured value, the ``limit`` and,
    where known, the ``line``.
    """

    def __init__(self, code: str, **params: int) -> None:
        if code not in REJECTION_CODES:
            raise ValueError(f"unknown refusal code {code!r}")
        super().__init__(f"{code}: " + ", ".join(f"{name}={value}" for name, value in params.items()))
        self.code = code
        self.params = params


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
        raise MarkdownRejected("too_long", length=len(text), limit=MAX_SOURCE_CHARS)
    all_lines = text.split("\n")
    _check_count("too_many_lines", sum(1 for line in all_lines if line.strip()), MAX_LINES)
    lines = list(_lines_outside_fences(all_lines))
    markup = cells = 0
    for block in _blocks(lines):
        _check_block(block)
        for paragraph in _paragraphs(block):
            markup += _check_paragraph(paragraph)
            cells += paragraph.text.strip().strip("|").count("|") + 1 if paragraph.is_table_row else 0
    _check_count("too_much_markup", markup, MAX_MARKUP)
    _check_count("too_many_table_cells", cells, MAX_TABLE_CELLS)
    prose = "\n".join(line for _, line in lines)
    definitions = len(_FOOTNOTE_DEFINITION.findall(prose))
    _check_count("too_many_footnote_references", prose.count("[^") - definitions, MAX_FOOTNOTES)
    _check_count("too_many_footnote_definitions", definitions, MAX_FOOTNOTES)
    abbreviations = [term.strip() for term in _ABBREVIATION.findall(prose) if term.strip()]
    _check_count("too_many_abbreviations", len(abbreviations), MAX_ABBREVIATIONS)
    _check_count("too_many_abbreviation_uses", _abbreviation_uses(prose, abbreviations), MAX_ABBREVIATION_USES)


def _check_count(code: str, count: int, limit: int, **where: int) -> None:
    if count > limit:
        raise MarkdownRejected(code, count=count, limit=limit, **where)


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
            _check_count("too_many_unclosed_fences", unclosed, MAX_UNCLOSED_FENCES, line=index + 1)
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
    _check_count(
        "too_many_breaks", breaks, MAX_BREAKS_WITHOUT_BLANK_LINE, first_line=block[0][0], last_line=block[-1][0]
    )


def _check_nesting(number: int, line: str) -> None:
    depth = (len(line) - len(line.lstrip(" "))) // 4
    position = 0
    while depth <= MAX_NESTING and (marker := _NESTING_MARKER.match(line, position)):
        depth, position = depth + 1, marker.end()
    if depth > MAX_NESTING:  # counted no further than one past the limit
        raise MarkdownRejected("too_deep", line=number, limit=MAX_NESTING)


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
    start, lines = part[0][0], list[str]()
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
    _check_count("too_much_markup_in_paragraph", markup, MAX_MARKUP_PER_PARAGRAPH, line=paragraph.line)
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
        raise MarkdownRejected("brackets_too_deep", line=paragraph.line, depth=deepest, limit=MAX_NESTING)
    _check_count(
        "too_many_unclosed_brackets", depth + open_destinations, MAX_UNCLOSED_BRACKETS, line=paragraph.line
    )


def _abbreviation_uses(prose: str, abbreviations: list[str]) -> int:
    # Each use becomes an element, and Markdown's abbr extension slows down with every one.
    if not abbreviations:
        return 0
    terms = "|".join(re.escape(term) for term in sorted(set(abbreviations), key=len, reverse=True))
    return sum(1 for _ in re.finditer(rf"\b(?:{terms})\b", prose))
