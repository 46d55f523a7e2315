"""Typography by language on plain text (titles, leads): ``typeset_text``, the rules bodies are set by.

Like the renderer, it needs neither Django settings nor a database.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.markdown import render_markdown
from articles.markdown.typography import typeset_text

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        ("en", "It's \"the best\" year", "It’s “the best” year"),
        ("ru", 'Министр сказал "да"', "Министр сказал «да»"),
        ("kk", '"Егемен Қазақстан" газеті', "«Егемен Қазақстан» газеті"),
        ("en", "Wait... yes -- no", f"Wait… yes{NBSP}— no"),
    ],
)
def test_a_title_gets_the_same_quotes_and_dashes_as_a_body(language, source, expected):
    assert typeset_text(source, language) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1990-2000", "1990–2000"),
        ("10-15 %", f"10–15{NBSP}%"),
        ("5-10-летних", "5–10-летних"),
        ("1,5-2,5 млн", f"1,5–2,5{NBSP}млн"),
        ("10:00-12:00", "10:00–12:00"),
    ],
)
def test_a_range_of_numbers_takes_an_en_dash(source, expected):
    assert typeset_text(source, "ru") == expected


@pytest.mark.parametrize("source", ["8-701-555-12-34", "2024-05-01", "COVID-19", "Ту-154", "1-й", "a1-2"])
def test_a_hyphen_that_is_no_range_is_kept(source):
    assert typeset_text(source, "ru") == source


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Мен де барамын", f"Мен{NBSP}де барамын"),
        ("Келдің бе?", f"Келдің{NBSP}бе?"),
        ("Ол да келді, сен ше?", f"Ол{NBSP}да келді, сен{NBSP}ше?"),
        ("Жақсы ғой", f"Жақсы{NBSP}ғой"),
        ("Бар ма екен", f"Бар{NBSP}ма екен"),
    ],
)
def test_a_kazakh_enclitic_is_bound_to_the_word_before_it(source, expected):
    assert typeset_text(source, "kk") == expected


def test_a_kazakh_enclitic_is_not_bound_to_the_word_after_it():
    assert f"де{NBSP}" not in typeset_text("Мен де барамын", "kk")


def test_a_short_kazakh_word_that_is_no_enclitic_still_binds_to_the_next():
    assert typeset_text("Ол әр күні келеді", "kk") == f"Ол{NBSP}әр{NBSP}күні келеді"


def test_russian_particles_lean_on_the_word_before():
    assert typeset_text("Я бы пошёл, если бы знал", "ru") == f"Я{NBSP}бы пошёл, если{NBSP}бы знал"
    assert typeset_text("Знает ли он", "ru") == f"Знает{NBSP}ли он"


def test_a_kazakh_body_binds_enclitics_the_same_way():
    assert render_markdown("Сен де келесің бе?", "kk") == "<p>Сен&nbsp;де келесің&nbsp;бе?</p>"


def test_urls_in_a_title_are_left_alone():
    assert typeset_text('See https://example.com/a--b "here"', "en") == "See https://example.com/a--b “here”"


@settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80),
       st.sampled_from(["en", "ru", "kk"]))
def test_typeset_text_never_adds_markup_or_removes_characters_it_does_not_replace(text, language):
    typeset = typeset_text(text, language)
    for character in "<>&":
        assert typeset.count(character) == text.count(character)
    assert len(typeset) <= len(text)


def test_empty_text_stays_empty():
    assert typeset_text("", "ru") == ""
