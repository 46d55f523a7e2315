"""Set an article's text in its language's typography, as a Python-Markdown tree processor.

Typography applies to text only, never inside code, in autolinks, in URLs written in the text, or in attributes:

- straight double quotes curl by language: “…” with ‘…’ inside in English, «…» with „…“ inside in Russian and
  Kazakh. A quote after a space or an opening bracket opens, a quote after anything else closes; write ``\\"``
  for a straight one;
- ``'`` becomes the apostrophe ’ (in English a quote opening a word becomes ‘);
- a hyphen, double or triple hyphen or dash with spaces on both sides becomes a spaced em dash with a
  non-breaking space before it (``word — word``) in every language: the Russian rule, and AP style in English;
- a hyphen between two numbers, a range, becomes an en dash (``1990–2000``, ``10–15 %``, ``5–10-летний``); a
  chain of numbers (``8-701-555-12-34``, ``2024-05-01``) is left as it is;
- ``...`` becomes …;
- a number is bound with a non-breaking space to a following unit or short word of up to four letters (``5 км``,
  ``10 kg``, ``2024 г.``, ``5 %``) and to a following group of three digits (``12 400``); in Russian and Kazakh
  one- and two-letter words are also bound to the next word (``в Москве``, ``и мы``);
- an enclitic, a particle that leans on the word before it, is bound to that word instead: Russian ``ли``,
  ``же``, ``бы`` (``пришёл бы``), Kazakh ``да``/``де``/``та``/``те``, ``ма``/``ме``/``ба``/``бе``/``па``/``пе``,
  ``ғой``, ``ше``… (``Сен де келесің бе?``: ``Сен де``, ``келесің бе``).

Other languages get the English rules. ``typeset_text`` sets plain text (a title, a lead) by the same rules.
"""

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

import markdown
from markdown.treeprocessors import Treeprocessor

_NBSP = "\u00a0"


@dataclass(frozen=True)
class Typography:
    """How a language writes quotes and which words it binds to the next one."""

    outer_quotes: tuple[str, str]
    inner_quotes: tuple[str, str]
    opening_single_quote: str  # ’ where ' is only ever an apostrophe
    binds_short_words: bool
    enclitics: frozenset[str] = frozenset()  # bound to the word before, never to the word after


_ENGLISH = Typography(("“", "”"), ("‘", "’"), "‘", binds_short_words=False)
_RUSSIAN = Typography(
    ("«", "»"), ("„", "“"), "’", binds_short_words=True, enclitics=frozenset({"ли", "ль", "же", "ж", "бы", "б"})
)
_KAZAKH = Typography(
    ("«", "»"), ("„", "“"), "’", binds_short_words=True,
    enclitics=frozenset({
        "да", "де", "та", "те",  # "too, even"
        "ма", "ме", "ба", "бе", "па", "пе",  # the question particle, after vowels, voiced and voiceless consonants
        "ғой", "қой", "ше", "шы", "ші",
    }),
)
_TYPOGRAPHY = {"en": _ENGLISH, "ru": _RUSSIAN, "kk": _KAZAKH}


def typography_for(language_code: str) -> Typography:
    """Return the typography of a bare language code (``ru``, not ``ru-RU``), English for a language without one."""
    return _TYPOGRAPHY.get(language_code, _ENGLISH)


def typeset_text(text: str, language_code: str) -> str:
    """Return plain ``text`` (a title, a lead) set in the typography of a bare language code.

    Only characters change (quotes, dashes, non-breaking spaces): the result is as plain as the text, to be escaped
    wherever it goes. URLs and e-mail addresses in it are left alone.
    """
    if not text:
        return text
    holder = Element("p")
    holder.text = text
    run: list[_Slot] = []
    _add_slot(run, holder, "text", opaque=False)
    _typeset(run, typography_for(language_code))
    return "".join(piece.text for slot in run for piece in slot.pieces)


class TypographyTreeprocessor(Treeprocessor):
    """Set the text of the tree in one language's typography, leaving code, URLs and attributes alone."""

    def __init__(self, md: markdown.Markdown, typography: Typography) -> None:
        super().__init__(md)
        self.typography = typography

    def run(self, root: Element) -> None:
        for run in _text_runs(root):
            _typeset(run, self.typography)
            for slot in run:
                setattr(slot.element, slot.attribute, "".join(piece.text for piece in slot.pieces))


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
# One number (digits, with decimal or time separators), a hyphen, another: not a piece of a longer chain.
_NUMBER = r"\d+(?:[.,:]\d+)*"
_RANGE = re.compile(rf"(?<![\w.,:/–-])({_NUMBER})-(?={_NUMBER}(?![\d.,:/–-]\d|\d))")
# The space first, then what comes before it: the regex engine looks for spaces only, not at every character.
_NUMBER_AND_UNIT = re.compile(r" (?<=\d )(?=[%‰°€$£₸₽]|\d{3}(?!\d)|[^\W\d_]{1,4}(?!\w))")
_SHORT_WORD = r"([а-яёәғқңөұүһіА-ЯЁӘҒҚҢӨҰҮҺІ]{1,2}) (?=\S)"


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


def _typeset(run: list[_Slot], typography: Typography) -> None:
    pieces = [piece for slot in run for piece in slot.pieces]
    rules = _rules(typography, _QuoteState(typography))
    alone = len(pieces) == 1  # most blocks: plain text, with no neighbours for the patterns to look at
    for index, piece in enumerate(pieces):
        text = piece.text
        if not piece.editable or not text:
            continue
        if alone:
            before = after = ""
        else:
            before = "".join(other.context for other in pieces[max(0, index - 2):index])[-2:]
            after = "".join(other.context for other in pieces[index + 1:index + 3])[:2]
        for pattern, needs, replacement in rules:
            if needs in text if len(needs) == 1 else any(character in text for character in needs):
                text = _replace_inside(pattern, replacement, text, before, after)
        piece.text = text


def _rules(typography: Typography, quotes: "_QuoteState") -> list[tuple[re.Pattern[str], str, Any]]:
    """Return (pattern, characters one of which the text must hold, replacement), in the order they apply."""
    rules: list[tuple[re.Pattern[str], str, Any]] = [
        (_DASH, "-–—", f"{_NBSP}— "),
        (_RANGE, "-", r"\1–"),
        (_ELLIPSIS, ".", "…"),
        (_QUOTE, "\"'", quotes.curl),
        (_NUMBER_AND_UNIT, " ", _NBSP),
    ]
    if typography.enclitics:
        rules.append((_enclitic_patterns(typography.enclitics)[0], " ", _NBSP))
    if typography.binds_short_words:
        rules.append((_enclitic_patterns(typography.enclitics)[1], " ", rf"\1{_NBSP}"))
    return rules


@functools.cache
def _enclitic_patterns(enclitics: frozenset[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The space before an enclitic, and a short word followed by a space that is not an enclitic's."""
    words = "|".join(sorted(enclitics, key=len, reverse=True)) or "(?!)"
    enclitic = rf"(?:{words})(?!\w)"
    return (
        re.compile(rf" (?<=\w )(?={enclitic})", re.IGNORECASE),
        # At the start of a word only (the lookbehind, cheap, before the enclitics, which are not).
        re.compile(rf"(?<!\w)(?!{enclitic}){_SHORT_WORD}", re.IGNORECASE),
    )


def _replace_inside(pattern: re.Pattern[str], replacement: Any, text: str, before: str, after: str) -> str:
    """Substitute within ``text`` only, letting the pattern's lookarounds see the neighbouring text."""
    if not (before or after):
        return pattern.sub(replacement, text)
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

    def __init__(self, typography: Typography) -> None:
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
