"""The Markdown converter: Python-Markdown with the authors' extensions, raw HTML escaped, typography applied."""

import threading

import markdown
from markdown.extensions import Extension

from .limits import MAX_NESTING, MarkdownRejected, check_limits
from .sanitizing import replace_lone_surrogates, sanitize_html
from .typography import Typography, TypographyTreeprocessor, typography_for

# 2: numeric ranges take an en dash, enclitics lean on the word before them.
RENDERER_VERSION = 2

_BACKLINK_TITLES = {
    "en": "Jump back to footnote %d in the text",
    "ru": "Вернуться к сноске %d в тексте",
    "kk": "Мәтіндегі %d-ескертпеге оралу",
}


def render_markdown(text: str, language: str) -> str:
    """Return the body as sanitised HTML, '' for a blank body; raise ``MarkdownRejected`` past the limits."""
    text = _normalise(text)
    if not text.strip():
        return ""
    check_limits(text)
    converter = _converter(language)
    try:
        html = converter.reset().convert(text)
    except RecursionError as error:
        _forget_converter(language)
        raise MarkdownRejected("too_deep_to_render", limit=MAX_NESTING) from error
    except BaseException:
        _forget_converter(language)
        raise
    return sanitize_html(html)


def render_or_refusal(text_and_language: tuple[str, str]) -> tuple[str, str | dict]:
    """``render_markdown`` for a pool of processes: ``("html", html)``, or ``("rejected", {"code": …, **params})``
    (a ``MarkdownRejected`` would not survive pickling: its constructor takes the code, its arguments the
    message)."""
    try:
        return "html", render_markdown(*text_and_language)
    except MarkdownRejected as rejected:
        return "rejected", {"code": rejected.code, **rejected.params}


def check_markdown(text: str) -> None:
    """Raise ``MarkdownRejected`` where ``render_markdown`` would refuse ``text`` before converting it.

    Linear and cheap (no conversion): what an import checks every file with before it writes anything. Only a body
    that passes this and still overflows Python's stack while converting is refused later, by the render itself.
    """
    check_limits(_normalise(text))


def normalise_line_endings(text: str) -> str:
    """``text`` with every line ending (Windows ``\\r\\n``, old Mac ``\\r``) written ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _normalise(text: str) -> str:
    # The line endings and tabs Python-Markdown works with, so that line numbers and widths agree.
    return normalise_line_endings(replace_lone_surrogates(text)).expandtabs(4)


# One converter per thread and language, reset before each text: Markdown objects keep state (references,
# footnotes, abbreviations), which reset() clears, and are not thread-safe. Building one costs a third of a render.
_converters = threading.local()


def _converter(language: str) -> markdown.Markdown:
    code = _language_code(language)
    cached = _converters.__dict__.setdefault("by_language", {})
    if code not in cached:
        cached[code] = _new_converter(code)
    return cached[code]


def _forget_converter(language: str) -> None:
    # A conversion that failed midway may leave the converter in any state: the next text gets a new one.
    _converters.__dict__.get("by_language", {}).pop(_language_code(language), None)


def _new_converter(code: str) -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "tables", "footnotes", "abbr", "fenced_code", "sane_lists", _NewsroomExtension(typography_for(code)),
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

    def __init__(self, typography: Typography) -> None:
        super().__init__()
        self.typography = typography

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Without these two, HTML in the source is plain text, which the serialiser escapes.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.ESCAPED_CHARS.extend(['"', "'"])  # so that \" and \' write a straight quote
        # After "abbr" (7), before "unescape" (0) turns \" back into a quote that must stay straight.
        md.treeprocessors.register(TypographyTreeprocessor(md, self.typography), "newsroom_typography", 5)
