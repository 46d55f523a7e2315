"""Highlights and snippets (articles/search/text.py): the fast paths mark exactly what a word-by-word test marks."""

import pytest
from django.utils.html import escape

from articles.search.text import WORD, SearchQuery, highlight, parse_query, snippet

TRICKY_TEXTS = [
    "",
    "no letters here: 123 — ... !!!",
    "Running runners ran; the RUN runs.",
    "<script>alert('run')</script> & &amp; \"quoted\" run's",
    "Straße STRASSE strasse ﬁre fire FIRE",
    "İstanbul ISTANBUL istanbul İSTANBUL",
    "ΣΟΦΟΣ σοφος σοφός Σοφός",
    "Станция станции СТАНЦИЯМИ станцию вокзал",
    "Қазақстанның Қазақстанда ҚАЗАҚСТАН қазақ Алматыда мектептерде мектебі",
    "word" * 30 + " run " + "tail " * 100,
    " ".join(["filler"] * 200) + " станции " + " ".join(["конец"] * 200),
]
QUERIES = [
    ("run", "en"), ("runners fire", "en"), ("straße", "en"), ("istanbul", "en"), ("σοφος", "en"),
    ("станция", "ru"), ("вокзал станции", "ru"), ("Қазақстанның", "kk"), ("мектептерде алматы", "kk"),
    ("қа", "kk"), ("script amp", "en"), ("...", "en"),
]


def highlight_word_by_word(text: str, query: SearchQuery) -> str:
    """The reference: every word tested on its own against every term."""
    parts, position = [], 0
    for match in WORD.finditer(text):
        if any(term.matches(match.group().casefold(), query.language) for term in query.terms):
            parts += [escape(text[position:match.start()]), f"<mark>{escape(match.group())}</mark>"]
            position = match.end()
    return "".join([*parts, escape(text[position:])])


def first_match_word_by_word(text: str, query: SearchQuery) -> int | None:
    for match in WORD.finditer(text):
        if any(term.matches(match.group().casefold(), query.language) for term in query.terms):
            return match.start()
    return None


@pytest.mark.parametrize(("words", "language"), QUERIES)
@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_highlight_marks_what_a_word_by_word_test_marks(text, words, language):
    query = parse_query(words, language)
    assert str(highlight(text, query)) == highlight_word_by_word(text, query)
    first = query.first_match(text)
    assert (first.start() if first else None) == first_match_word_by_word(text, query)


@pytest.mark.parametrize(("words", "language"), QUERIES)
@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_snippet_begins_near_the_first_match_a_word_by_word_test_finds(text, words, language):
    query = parse_query(words, language)
    result = str(snippet(text, query))
    first = first_match_word_by_word(text, query)
    if first is None or first < 80:
        assert not result.startswith("… ")
    else:
        assert result.startswith("… ")
        assert "<mark>" in result
    assert "<script>" not in result


def test_a_query_without_words_marks_nothing_and_escapes_everything():
    query = parse_query("!!!", "en")
    assert not query
    assert str(highlight("<b>run</b>", query)) == "&lt;b&gt;run&lt;/b&gt;"
    assert str(snippet("<b>run</b>", query)) == "&lt;b&gt;run&lt;/b&gt;"


def test_the_same_query_marks_the_same_words_when_asked_again():
    query = parse_query("станция", "ru")
    text = "Станции нет. Станция есть."
    assert str(highlight(text, query)) == str(highlight(text, query)) == (
        "<mark>Станции</mark> нет. <mark>Станция</mark> есть."
    )


def parsed_plain_text(rendered: str) -> str:
    """``plain_text`` as it was: every tag cut by Django's HTML parser, whitespace folded by a pattern."""
    import html
    import re

    from django.utils.html import strip_tags

    return re.sub(r"\s+", " ", html.unescape(strip_tags(rendered or ""))).strip()


def test_plain_text_cuts_the_sanitisers_tags_as_an_html_parser_does():
    from pathlib import Path

    from articles.markdown.rendering import render_markdown
    from articles.search.text import plain_text

    demo = Path(__file__).resolve().parent.parent / "articles" / "demo"
    texts = [(path.read_text(encoding="utf-8").split("---", 2)[-1], path.name.split(".")[-2])
             for path in sorted(demo.glob("*.md"))]
    texts += [(text, "en") for text in [
        'a <b> c', '[x](https://a.example "t>i<t\'le") & &amp; &lt;p&gt;', '![a>b](https://a.example/y.png "q\\"r")',
        "<!-- c --> x", "`<code>` 1 < 2 > 3", "<script>alert(1)</script>", "\"quoted\" 'single' <a href='x'>y</a>",
        "non\u00a0breaking\u2003spaces\n\nand\tlines",
    ]]
    rendered = [render_markdown(text, language) for text, language in texts]
    rendered += ["<p>raw <!-- a comment --> text</p>", "1 < 2 <p>x</p>", "<?php x ?><p>y</p>", "", None]
    for html in rendered:
        assert plain_text(html) == parsed_plain_text(html), html
