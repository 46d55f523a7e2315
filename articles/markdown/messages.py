"""What an editor reads when the Markdown renderer refuses a body, in the editor's language.

The one module of the ``markdown`` package that needs Django, imported only by the callers that show a refusal to
people (the admin form and preview, the importer): the renderer stays free of Django, and its ``MarkdownRejected``
carries only a ``code`` naming the limit and ``params`` with its numbers. ``REJECTION_MESSAGES`` has a template
for each code, with the params as named placeholders; ``rejection_message`` fills one in.
"""

from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import ngettext_lazy

from .limits import MarkdownRejected

# A template counted by a number (ngettext_lazy's third argument) takes its plural form from that param.
REJECTION_MESSAGES = {
    "too_long": ngettext_lazy(
        "The text is %(length)s character long; the limit is %(limit)s.",
        "The text is %(length)s characters long; the limit is %(limit)s.",
        "length",
    ),
    "too_many_lines": ngettext_lazy(
        "The text has %(count)s line; the limit is %(limit)s.",
        "The text has %(count)s lines; the limit is %(limit)s.",
        "count",
    ),
    "too_deep": ngettext_lazy(
        "Line %(line)s nests block quotes, lists or indentation (four spaces a level) more than %(limit)s level "
        "deep; the limit is %(limit)s.",
        "Line %(line)s nests block quotes, lists or indentation (four spaces a level) more than %(limit)s levels "
        "deep; the limit is %(limit)s.",
        "limit",
    ),
    "too_deep_to_render": ngettext_lazy(
        "The text is nested too deeply to render; the limit is %(limit)s level.",
        "The text is nested too deeply to render; the limit is %(limit)s levels.",
        "limit",
    ),
    "brackets_too_deep": ngettext_lazy(
        "The paragraph at line %(line)s nests square brackets %(depth)s level deep; the limit is %(limit)s.",
        "The paragraph at line %(line)s nests square brackets %(depth)s levels deep; the limit is %(limit)s.",
        "depth",
    ),
    "too_many_unclosed_brackets": ngettext_lazy(
        # Translators: \[ is how Markdown writes a bracket that opens nothing; keep it as it is.
        "The paragraph at line %(line)s has %(count)s unclosed bracket; the limit is %(limit)s. Close them, or "
        "write \\[ for a bracket that opens nothing.",
        "The paragraph at line %(line)s has %(count)s unclosed brackets; the limit is %(limit)s. Close them, or "
        "write \\[ for a bracket that opens nothing.",
        "count",
    ),
    "too_much_markup": ngettext_lazy(
        "The text has %(count)s formatting character (such as * _ ` [ \\); the limit is %(limit)s.",
        "The text has %(count)s formatting characters (such as * _ ` [ \\); the limit is %(limit)s.",
        "count",
    ),
    "too_much_markup_in_paragraph": ngettext_lazy(
        "The paragraph at line %(line)s has %(count)s formatting character (such as * _ ` [ \\); the limit is "
        "%(limit)s in one paragraph.",
        "The paragraph at line %(line)s has %(count)s formatting characters (such as * _ ` [ \\); the limit is "
        "%(limit)s in one paragraph.",
        "count",
    ),
    "too_many_breaks": ngettext_lazy(
        # Translators: rules are horizontal lines (---); definitions are of links, footnotes or abbreviations.
        "Lines %(first_line)s–%(last_line)s hold %(count)s heading, rule or definition with no blank line "
        "between them; the limit is %(limit)s. Separate them with blank lines.",
        "Lines %(first_line)s–%(last_line)s hold %(count)s headings, rules or definitions with no blank line "
        "between them; the limit is %(limit)s. Separate them with blank lines.",
        "count",
    ),
    "too_many_unclosed_fences": ngettext_lazy(
        "The text has %(count)s code fence (``` or ~~~) that is never closed; the limit is %(limit)s.",
        "The text has %(count)s code fences (``` or ~~~) that are never closed; the limit is %(limit)s.",
        "count",
    ),
    "too_many_table_cells": ngettext_lazy(
        "The text has %(count)s table cell; the limit is %(limit)s.",
        "The text has %(count)s table cells; the limit is %(limit)s.",
        "count",
    ),
    "too_many_footnote_references": ngettext_lazy(
        "The text has %(count)s footnote reference; the limit is %(limit)s.",
        "The text has %(count)s footnote references; the limit is %(limit)s.",
        "count",
    ),
    "too_many_footnote_definitions": ngettext_lazy(
        "The text has %(count)s footnote definition; the limit is %(limit)s.",
        "The text has %(count)s footnote definitions; the limit is %(limit)s.",
        "count",
    ),
    "too_many_abbreviations": ngettext_lazy(
        "The text has %(count)s abbreviation definition; the limit is %(limit)s.",
        "The text has %(count)s abbreviation definitions; the limit is %(limit)s.",
        "count",
    ),
    "too_many_abbreviation_uses": ngettext_lazy(
        "The text has %(count)s use of abbreviations; the limit is %(limit)s.",
        "The text has %(count)s uses of abbreviations; the limit is %(limit)s.",
        "count",
    ),
}


class _Number(int):
    """An int that prints grouped as the active language groups numbers ("100,001", "100 001").

    One value both chooses the plural form and is shown; it is formatted when the message is, so a form error
    built in one language and shown in another reads right.
    """

    def __str__(self) -> str:
        return number_format(int(self), force_grouping=True)


def _worded(code: str, params: dict[str, int]) -> str:
    return str(REJECTION_MESSAGES[code] % {name: _Number(value) for name, value in params.items()})


_worded_lazily = lazy(_worded, str)


def rejection_message(rejected: MarkdownRejected) -> str:
    """The refusal in words, in the language active when the text is shown.

    A lazy string: worded when it is printed, so an error built in one language and shown in another (a form
    error, an import report) reads right.
    """
    return _worded_lazily(rejected.code, dict(rejected.params))
