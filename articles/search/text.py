"""Words, stems and highlights: how text and queries are cut into terms, the same way for every backend.

Languages with a Snowball stemmer (``ARTICLES_SEARCH_STEMMERS``: English, Russian) are matched by stem, so
"новости" finds "новостей". Kazakh has no stemmer in Snowball or PostgreSQL: its words are indexed as they are
(case-folded) and a query word is cut back to its stem by stripping the common inflectional endings
(``kazakh_stem``), then matched as a prefix, so "Қазақстанның" finds "Қазақстан" and "Қазақстанда".
"""

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

import snowballstemmer
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from ..conf import conf

# What a query may cost: longer input is cut, further words are ignored.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_WORD_LENGTH = 40
# A prefix shorter than this matches too much of an archive to be useful (and costs a scan of the index).
MIN_PREFIX_LENGTH = 3

WORD = re.compile(r"\w+")

# Kazakh inflectional endings, stripped in the order they are added to a stem: case, then possessive, then plural.
# Derivational suffixes (-лық, -шы…) are kept: they make other words, not other forms of the same one. Endings that
# start with ы/і are left out: after a vowel-final stem (Алматы-ның) they would eat into the stem itself.
KAZAKH_CASE_ENDINGS = (
    "ның", "нің", "дың", "дің", "тың", "тің",  # genitive
    "ны", "ні", "ды", "ді", "ты", "ті",  # accusative
    "ға", "ге", "қа", "ке",  # dative
    "дағы", "дегі", "тағы", "тегі", "да", "де", "та", "те",  # locative
    "нан", "нен", "дан", "ден", "тан", "тен",  # ablative
    "мен", "бен", "пен",  # instrumental
)
# The third-person possessive alone, and followed by a case (қала-сы-нда), after a vowel-final stem.
KAZAKH_POSSESSIVE_ENDINGS = (
    "сы", "сі", "сын", "сін", "сына", "сіне", "сының", "сінің", "сында", "сінде", "сынан", "сінен", "сымен", "сімен",
)
KAZAKH_PLURAL_ENDINGS = ("лар", "лер", "дар", "дер", "тар", "тер")
KAZAKH_MIN_STEM = 3


def strip_ending(word: str, endings: tuple[str, ...]) -> str:
    """``word`` without the longest of ``endings`` it has, if a stem of ``KAZAKH_MIN_STEM`` letters remains."""
    for ending in sorted(endings, key=len, reverse=True):
        if word.endswith(ending) and len(word) - len(ending) >= KAZAKH_MIN_STEM:
            return word[: -len(ending)]
    return word


def kazakh_stem(word: str) -> str:
    """A case-folded Kazakh ``word`` without its case, possessive and plural endings: қалаларда → қала."""
    without_possessive = strip_ending(word, KAZAKH_POSSESSIVE_ENDINGS)
    if without_possessive != word:
        return strip_ending(without_possessive, KAZAKH_PLURAL_ENDINGS)
    word = strip_ending(word, KAZAKH_CASE_ENDINGS)
    without_possessive = strip_ending(word, KAZAKH_POSSESSIVE_ENDINGS)
    # A bare -ы/-і is a possessive only after a plural (жаңалықтары); elsewhere it ends the stem (Алматы).
    bare = word[:-1]
    if without_possessive == word and word[-1:] in ("ы", "і") and strip_ending(bare, KAZAKH_PLURAL_ENDINGS) != bare:
        without_possessive = bare
    return strip_ending(without_possessive, KAZAKH_PLURAL_ENDINGS)


@lru_cache(maxsize=16)
def snowball(algorithm: str):
    return snowballstemmer.stemmer(algorithm)


def stemmer_name(language: str) -> str | None:
    """The Snowball stemmer (and PostgreSQL text search configuration) for ``language``, or None."""
    return conf.ARTICLES_SEARCH_STEMMERS.get(language)


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """The form of a case-folded ``word`` that index and query share in ``language``."""
    algorithm = stemmer_name(language)
    return snowball(algorithm).stemWord(word) if algorithm else word


def words(text: str) -> list[str]:
    """The case-folded words of ``text`` (Unicode letters and digits; Cyrillic and Kazakh letters fold too)."""
    return [match.casefold() for match in WORD.findall(text or "")]


def index_terms(text: str, language: str) -> str:
    """``text`` as the space-separated terms the SQLite index stores (stems where ``language`` has a stemmer)."""
    return " ".join(stem(word, language) for word in words(text))


@dataclass(frozen=True)
class Term:
    """One word of a query: the word as typed (case-folded), the stem the index is searched for, and whether
    documents match it by prefix (languages without a stemmer) rather than exactly."""

    word: str
    stem: str
    prefix: bool

    def matches(self, word: str, language: str) -> bool:
        """Whether a case-folded ``word`` of a text is this term (for highlighting)."""
        return word.startswith(self.stem) if self.prefix else stem(word, language) == self.stem


@dataclass(frozen=True)
class SearchQuery:
    """A reader's query in one language, cut to what a search may cost. ``terms`` are all required (AND)."""

    text: str
    language: str
    terms: tuple[Term, ...]
    # What a word must stem to, or begin with, to match some term: a page of results tests some 5,000 words of
    # twenty bodies, titles and leads, and a test per word in Python cost more than the page's queries.
    stems: frozenset[str] = field(init=False, repr=False, compare=False)
    prefixes: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stems", frozenset(term.stem for term in self.terms if not term.prefix))
        object.__setattr__(self, "prefixes", tuple(term.stem for term in self.terms if term.prefix))

    def __bool__(self) -> bool:
        return bool(self.terms)

    def matches(self, word: str) -> bool:
        """Whether a case-folded ``word`` of a text matches some term (``Term.matches``)."""
        return word.startswith(self.prefixes) or (bool(self.stems) and stem(word, self.language) in self.stems)

    def first_match(self, text: str) -> re.Match | None:
        """The first word of ``text`` that matches, or None.

        Most bodies on a page of results match in their title or lead only, and are read to the end: their words
        are cut, case-folded and stemmed a list at a time (``stems_of``), and walked one by one only when one of them
        matches. A text that holds none of the prefixes (case-folded: ``str.casefold`` folds letter by letter, so
        a folded word is part of the folded text) has no word that begins with one.
        """
        found = WORD.findall(text)
        if not found or not self.terms:
            return None
        folded = list(map(str.casefold, found))
        matching: set[str] = set()
        if self.prefixes and any(prefix in text.casefold() for prefix in self.prefixes):
            matching.update(word for word in set(folded) if word.startswith(self.prefixes))
        if self.stems:
            stemmed = stems_of(folded, self.language)
            if not self.stems.isdisjoint(stemmed):
                matching.update(word for word, form in zip(folded, stemmed, strict=True) if form in self.stems)
        if not matching:
            return None
        index = next(position for position, word in enumerate(folded) if word in matching)
        return next(islice(WORD.finditer(text), index, None))


# The stems of the words seen, per language: a page's words are stemmed a list at a time through ``dict.get``.
KNOWN_STEMS: dict[str, dict[str, str]] = {}
MAX_KNOWN_STEMS = 200_000


def stems_of(words: list[str], language: str) -> list[str]:
    """``stem(word, language)`` of each case-folded word."""
    if not stemmer_name(language):
        return words
    known = KNOWN_STEMS.setdefault(language, {})
    found = list(map(known.get, words))
    if None in found:
        if len(known) > MAX_KNOWN_STEMS:
            known.clear()
        for position, form in enumerate(found):
            if form is None:
                found[position] = known[words[position]] = stem(words[position], language)
    return found  # type: ignore[return-value]  # no None is left


def parse_query(text: str, language: str) -> SearchQuery:
    """Turn what a reader typed into at most ``MAX_TERMS`` terms; punctuation and markup are not words."""
    text = (text or "")[:MAX_QUERY_LENGTH]
    terms, seen = [], set()
    for word in words(text):
        word = word[:MAX_WORD_LENGTH]
        if stemmer_name(language):
            term = Term(word=word, stem=stem(word, language), prefix=False)
        else:
            reduced = kazakh_stem(word) if language == "kk" else word
            term = Term(word=word, stem=reduced, prefix=len(reduced) >= MIN_PREFIX_LENGTH)
        if term.stem not in seen:
            seen.add(term.stem)
            terms.append(term)
        if len(terms) == MAX_TERMS:
            break
    return SearchQuery(text=text, language=language, terms=tuple(terms))


# A tag as nh3 writes them (stored HTML is sanitised by it): a name, then attributes whose values are in double
# quotes, where a ">" may stand. Comments, declarations and a "<" that begins no tag are not in its output.
SANITISED_TAG = re.compile(r'<[^<>"]*(?:"[^"]*"[^<>"]*)*>')


def plain_text(rendered: str) -> str:
    """The text of rendered HTML (a stored ``body_html``), for snippets; ``highlight`` escapes it again.

    Tags as the sanitiser writes them are cut by a pattern, a fifth of the time ``strip_tags`` (an HTML parser)
    took on twenty bodies; any other markup goes through ``strip_tags``, as it all did before.
    """
    rendered = rendered or ""
    text = SANITISED_TAG.sub("", rendered)
    if "<" in text or "<!" in rendered or "<?" in rendered:
        text = strip_tags(rendered)
    # What re's \s matches in a str is what str.split() splits at (str.isspace); split() is the faster.
    return " ".join((html.unescape(text) if "&" in text else text).split())


def highlight(text: str, query: SearchQuery) -> SafeString:
    """``text``, escaped, with the words that match ``query`` in ``<mark>``."""
    text = text or ""
    first = query.first_match(text) if query else None
    if first is None:
        return escape(text)
    parts: list[str] = []
    position = 0
    for match in WORD.finditer(text, first.start()):
        if query.matches(match.group().casefold()):
            parts.append(escape(text[position:match.start()]))
            parts.append(f"<mark>{escape(match.group())}</mark>")
            position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))


def snippet(text: str, query: SearchQuery, *, length: int = 240) -> SafeString:
    """About ``length`` characters of ``text`` around its first match (or its start), escaped and highlighted."""
    text = text or ""
    first = query.first_match(text) if query else None
    start = max(0, first.start() - length // 3) if first else 0
    if start:
        # Begin at a word, not in the middle of one.
        start = text.find(" ", start) + 1 or start
    excerpt = text[start:start + length]
    if start + length < len(text):
        excerpt = excerpt[: excerpt.rfind(" ")] if " " in excerpt else excerpt
    result = highlight(excerpt, query)
    return mark_safe(("… " if start else "") + result + (" …" if start + len(excerpt) < len(text) else ""))
