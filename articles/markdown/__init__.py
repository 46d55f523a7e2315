"""Render an article body: Markdown text and a language in, safe HTML out.

``render_markdown`` is a pure function (no Django, no database, no settings) whose output is stored beside the
source with ``RENDERER_VERSION``; requests never render Markdown.

What authors get: paragraphs, headings, emphasis, links, images, lists, block quotes, tables, footnotes,
abbreviations and fenced code (Python-Markdown with ``tables``, ``footnotes``, ``abbr``, ``fenced_code`` and
``sane_lists``). ``attr_list`` is deliberately off: it would let authors write attributes.

Raw HTML is escaped, not stripped: the HTML parsers of Python-Markdown are switched off, so ``<b>`` or
``<script>`` in a body is shown as the text the author typed. Nothing an author writes disappears without a
trace, and no markup from the source reaches the page except through Markdown syntax.

The steps, one module each:

- ``limits``: the source is measured in one linear pass and refused with ``MarkdownRejected`` where Markdown
  would take too long (a ``RecursionError`` inside Markdown is refused the same way, so ``render_markdown``
  raises nothing but ``MarkdownRejected``);
- ``rendering``: Python-Markdown converts it, with raw HTML escaped;
- ``typography``: quotes, dashes and non-breaking spaces by language, on the converted tree;
- ``sanitizing``: everything Markdown produces goes through ``sanitize_html`` (nh3) as a second, independent
  line of defence.
"""

from .limits import (
    MAX_ABBREVIATION_USES,
    MAX_ABBREVIATIONS,
    MAX_BREAKS_WITHOUT_BLANK_LINE,
    MAX_FOOTNOTES,
    MAX_LINES,
    MAX_MARKUP,
    MAX_MARKUP_PER_PARAGRAPH,
    MAX_NESTING,
    MAX_SOURCE_CHARS,
    MAX_TABLE_CELLS,
    MAX_UNCLOSED_BRACKETS,
    MAX_UNCLOSED_FENCES,
    REJECTION_CODES,
    MarkdownRejected,
    check_limits,
)
from .rendering import RENDERER_VERSION, check_markdown, normalise_line_endings, render_markdown
from .sanitizing import sanitize_html

__all__ = [
    "MAX_ABBREVIATIONS",
    "MAX_ABBREVIATION_USES",
    "MAX_BREAKS_WITHOUT_BLANK_LINE",
    "MAX_FOOTNOTES",
    "MAX_LINES",
    "MAX_MARKUP",
    "MAX_MARKUP_PER_PARAGRAPH",
    "MAX_NESTING",
    "MAX_SOURCE_CHARS",
    "MAX_TABLE_CELLS",
    "MAX_UNCLOSED_BRACKETS",
    "MAX_UNCLOSED_FENCES",
    "REJECTION_CODES",
    "RENDERER_VERSION",
    "MarkdownRejected",
    "check_limits",
    "check_markdown",
    "normalise_line_endings",
    "render_markdown",
    "sanitize_html",
]
