"""A body the renderer refuses, as people see it: in the editor's language, in the same words in the admin form,
the admin's live preview and the importer's report."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from articles.markdown import MAX_NESTING, MAX_SOURCE_CHARS, REJECTION_CODES, MarkdownRejected, render_markdown
from articles.markdown.messages import REJECTION_MESSAGES, rejection_message
from articles.models import Author
from tests.hostile_inputs import OVER_THE_LIMIT_INPUTS
from tests.support import ADD_URL, PREVIEW_URL, article_form, failed_import, write_article

TOO_LONG = "x" * (MAX_SOURCE_CHARS + 1)
TOO_LONG_MESSAGES = {
    "en": "The text is 100,001 characters long; the limit is 100,000.",
    "ru": "В тексте 100\xa0001 символ; допустимо не более 100\xa0000.",
    "kk": "Мәтінде 100\xa0001 таңба бар, ал шегі — 100\xa0000.",
}


def refusal(code: str) -> MarkdownRejected:
    """The refusal the renderer gives for the code's over-the-limit body (made up for the one no body reaches)."""
    if code == "too_deep_to_render":
        return MarkdownRejected(code, limit=MAX_NESTING)
    with pytest.raises(MarkdownRejected) as rejected:
        render_markdown(OVER_THE_LIMIT_INPUTS[code], "en")
    return rejected.value


def message(rejected: MarkdownRejected) -> str:
    return str(rejection_message(rejected))


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_an_over_long_body_is_refused_in_the_editors_language_naming_the_limit(make_article, language):
    article = make_article()
    article.body_ru = TOO_LONG
    with translation.override(language), pytest.raises(ValidationError) as error:
        article.full_clean()
    with translation.override(language):
        assert error.value.message_dict["body_ru"] == [TOO_LONG_MESSAGES[language]]
    assert [item.code for item in error.value.error_dict["body_ru"]] == ["too_long"]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_admin_form_shows_the_refusal_in_the_editors_language(admin_client, make_article, language):
    author = make_article.author()
    response = admin_client.post(
        ADD_URL, article_form(author, body_kk=TOO_LONG), HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body_kk"] == [TOO_LONG_MESSAGES[language]]
    assert TOO_LONG_MESSAGES[language] in response.content.decode()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_admin_preview_shows_the_forms_refusal_in_the_editors_language(admin_client, language):
    response = admin_client.post(PREVIEW_URL, {"text": TOO_LONG, "language": "kk"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response.content.decode() == TOO_LONG_MESSAGES[language]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_importer_reports_the_forms_refusal_in_the_active_language(db, tmp_path, language):
    write_article(tmp_path, language="kk", body=TOO_LONG)
    with translation.override(language):
        report = failed_import(tmp_path)
    assert f"story.kk.md:7: body: {TOO_LONG_MESSAGES[language]}" in report


def test_an_authors_biography_is_refused_the_same_way(db):
    author = Author(name_kk="Айгүл Серікқызы", bio_kk=TOO_LONG)
    with translation.override("kk"), pytest.raises(ValidationError) as error:
        author.full_clean()
    with translation.override("kk"):
        assert error.value.message_dict["bio_kk"] == [TOO_LONG_MESSAGES["kk"]]


def test_the_message_is_worded_when_it_is_shown_not_when_the_body_is_checked(make_article):
    article = make_article()
    article.body_en = TOO_LONG
    with translation.override("en"), pytest.raises(ValidationError) as error:
        article.full_clean()
    with translation.override("ru"):
        assert error.value.message_dict["body_en"] == [TOO_LONG_MESSAGES["ru"]]


@pytest.mark.parametrize(("length", "expected"), [
    (100_001, "100\xa0001 символ;"), (100_002, "100\xa0002 символа;"), (100_005, "100\xa0005 символов;"),
    (100_011, "100\xa0011 символов;"), (100_022, "100\xa0022 символа;"),
])
def test_russian_messages_take_the_plural_form_of_the_number(length, expected):
    with translation.override("ru"):
        assert expected in message(MarkdownRejected("too_long", length=length, limit=MAX_SOURCE_CHARS))


def test_every_code_the_renderer_can_raise_has_a_message():
    assert set(REJECTION_MESSAGES) == REJECTION_CODES


@pytest.mark.parametrize("code", sorted(REJECTION_CODES))
def test_each_message_is_translated_and_fills_in_every_number(code):
    rejected = refusal(code)
    with translation.override("en"):
        english = message(rejected)
    measured = {name: value for name, value in rejected.params.items() if name in {"length", "count", "depth", "limit"}}
    assert "%(" not in english and all(f"{value:,}" in english for value in measured.values()), english
    for language in ("ru", "kk"):
        with translation.override(language):
            translated = message(rejected)
        assert translated != english and "%(" not in translated, (language, translated)
        for value in rejected.params.values():
            if f"{value:,}" in english:
                assert f"{value:,}".replace(",", "\xa0") in translated, (language, value, translated)
