"""A translator's landing page: what waits in their languages, on the admin index and in a list of its own."""

import polib
import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.translating.worklist import articles_awaiting_translation


def translator(username: str, *groups: str) -> User:
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def waiting(make_article) -> dict:
    """Articles in every state for Kazakh, and one waiting in Russian only."""
    outdated = make_article(key="outdated", title_en="The budget passed")
    outdated.title_en = "The budget passed at last"
    outdated.save()
    return {
        "missing": make_article(languages=("en", "ru"), key="missing", title_en="Buses on new routes"),
        "outdated": outdated,
        "done": make_article(key="done"),
        "russian-original": make_article(languages=("ru",), key="russian-original", title_ru="Погода на неделю"),
        "nothing-to-translate": make_article(languages=("kk",), key="kazakh-original"),
    }


def test_articles_awaiting_translation_are_the_missing_and_the_outdated(waiting):
    keys = set(articles_awaiting_translation(language="kk").values_list("key", flat=True))
    assert keys == {"missing", "outdated", "russian-original"}
    assert set(articles_awaiting_translation(language="ru").values_list("key", flat=True)) == {
        "outdated", "kazakh-original",
    }


def test_a_translator_finds_their_languages_work_on_the_admin_index(client, roles, waiting):
    client.force_login(translator("translator-kk", "Translators (kk)"))
    html = client.get(reverse("admin:index")).text
    assert 'class="module translator-worklist"' in html
    assert "Kazakh: 3 articles" in html and "Russian:" not in html
    assert "Buses on new routes" in html and "The budget passed at last" in html and "Погода на неделю" in html
    assert reverse("admin:articles_article_change", args=[waiting["missing"].pk]) in html
    assert reverse("admin:articles_article_translation_export", args=[waiting["missing"].pk, "kk"]) in html
    assert f'{reverse("admin:articles_article_translations")}?language=kk' in html


def test_editors_index_stays_as_it_is(admin_client, waiting):
    assert "translator-worklist" not in admin_client.get(reverse("admin:index")).text


def test_the_translations_page_lists_each_language_a_translator_has(client, roles, waiting):
    client.force_login(translator("translator-ru-kk", "Translators (ru)", "Translators (kk)"))
    url = reverse("admin:articles_article_translations")
    html = client.get(url).text
    assert "Russian: 2" in html and "Kazakh: 3" in html and "English:" not in html
    assert 'data-article="{}"'.format(waiting["outdated"].pk) in html and "Buses on new routes" not in html
    html = client.get(url + "?language=kk").text
    assert "Buses on new routes" in html and 'data-status="missing"' in html and 'data-status="outdated"' in html
    assert 'data-article="{}"'.format(waiting["done"].pk) not in html


def test_an_editor_sees_every_language_on_the_translations_page(admin_client, waiting):
    html = admin_client.get(reverse("admin:articles_article_translations") + "?language=en").text
    assert "English: 2" in html  # the Russian and the Kazakh originals


def test_a_translator_downloads_an_article_as_a_po_file(client, roles, waiting):
    client.force_login(translator("translator-kk", "Translators (kk)"))
    article = waiting["outdated"]
    response = client.get(reverse("admin:articles_article_translation_export", args=[article.pk, "kk"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="outdated.kk.po"'
    catalog = polib.pofile(response.content.decode())
    title = catalog.find("title", by="msgctxt")
    assert (title.msgid, title.fuzzy, title.previous_msgid) == ("The budget passed at last", True, "The budget passed")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_translator_downloads_only_their_languages(client, roles, waiting, language):
    client.force_login(translator("translator-kk", "Translators (kk)"))
    url = reverse("admin:articles_article_translation_export", args=[waiting["outdated"].pk, language])
    assert client.get(url).status_code == 403


def test_no_po_file_for_the_original_language(admin_client, waiting):
    url = reverse("admin:articles_article_translation_export", args=[waiting["outdated"].pk, "en"])
    assert admin_client.get(url).status_code == 404


def test_the_translations_page_is_for_staff_who_may_see_articles(client, db, waiting):
    client.force_login(User.objects.create_user("clerk", password="pw", is_staff=True))
    assert client.get(reverse("admin:articles_article_translations")).status_code == 403


def upload(client, content: bytes, name: str = "outdated.kk.po"):
    return client.post(
        reverse("admin:articles_article_translation_import"),
        {"file": SimpleUploadedFile(name, content, content_type="text/x-gettext-translation")}, follow=True,
    )


def downloaded(client, article, language: str = "kk") -> polib.POFile:
    url = reverse("admin:articles_article_translation_export", args=[article.pk, language])
    return polib.pofile(client.get(url).content.decode())


def test_a_translator_uploads_a_partly_translated_file(client, roles, waiting):
    from reversion.models import Version

    user = translator("translator-kk", "Translators (kk)")
    client.force_login(user)
    article = waiting["missing"]
    catalog = downloaded(client, article)
    catalog.find("title", by="msgctxt").msgstr = "Жаңа бағыттардағы автобустар"
    response = upload(client, str(catalog).encode(), "missing.kk.po")
    assert response.redirect_chain[-1][0].endswith("?language=kk")
    html = response.text
    assert "1 entry of missing.kk.po applied to missing." in html
    assert "Skipped in missing.kk.po: line" in html and "entry “body:1:paragraph”: not translated." in html
    article.refresh_from_db()
    assert article.title_kk == "Жаңа бағыттардағы автобустар"
    assert Version.objects.get_for_object(article).first().revision.user == user


@pytest.mark.parametrize(("content", "expected"), [
    (b'msgid "unterminated\n', "Line 1 is not valid PO"),
    (b"\xff\xfe", "The file is not UTF-8 text."),
])
def test_a_bad_upload_changes_nothing_and_says_why(client, roles, waiting, content, expected):
    client.force_login(translator("translator-kk", "Translators (kk)"))
    html = upload(client, content, "broken.kk.po").text
    assert f"In broken.kk.po: {expected}" in html and "Nothing was imported from broken.kk.po." in html


def test_a_translator_cannot_upload_another_languages_file(client, roles, waiting):
    article = waiting["outdated"]
    client.force_login(User.objects.create_superuser("chief", password="pw"))
    catalog = downloaded(client, article, "ru")
    for entry in catalog:
        entry.msgstr, entry.flags = "Перевод", []
    client.force_login(translator("translator-kk", "Translators (kk)"))
    html = upload(client, str(catalog).encode(), "outdated.ru.po").text
    assert "You may not translate this article into ru." in html
    article.refresh_from_db()
    assert article.title_ru != "Перевод"


def test_uploading_needs_a_post_and_the_right_to_change_articles(client, db, waiting):
    client.force_login(User.objects.create_user("clerk", password="pw", is_staff=True))
    url = reverse("admin:articles_article_translation_import")
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
