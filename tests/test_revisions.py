"""Revisions of articles: every kind of save keeps one; the admin lists them, compares two, restores one language
or all, for those allowed."""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, ArticleDailyViews
from articles.revision_history import article_revision_entries, article_versions, language_diff
from articles.revisions import Cause
from articles.services import article_restore
from articles.translating.status import TranslationStatus, translation_status
from tests.test_markdown_files import import_articles, write_article
from tests.test_translating_po import BODY_EN, KAZAKH, export, fill
from tests.test_translator_roles import change_url, translator, translator_form

OLD_PARAGRAPH = "The council met on Monday."
NEW_PARAGRAPH = "The council met on Tuesday, a day late."


def history_url(article: Article) -> str:
    return reverse("admin:articles_article_history", args=[article.pk])


def compare_url(article: Article) -> str:
    return reverse("admin:articles_article_revision_compare", args=[article.pk])


def restore_url(article: Article, version: Version) -> str:
    return reverse("admin:articles_article_revision_restore", args=[article.pk, version.pk])


def edited(article: Article, **fields) -> Article:
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
    return article


@pytest.fixture
def story(make_article) -> Article:
    """An article with two revisions: a first body in every language, then new Russian and Kazakh bodies."""
    article = make_article(
        body_en=f"Intro.\n\n{OLD_PARAGRAPH}\n\nEnd.", body_ru="Совет собрался в понедельник.",
        body_kk="Кеңес дүйсенбіде жиналды.",
    )
    return edited(
        article, body_en=f"Intro.\n\n{NEW_PARAGRAPH}\n\nEnd.", body_ru="Совет собрался во вторник.",
        body_kk="Кеңес сейсенбіде жиналды.", title_ru="Новый заголовок",
    )


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("chief", password="pw")


# --- Every save keeps a revision -----------------------------------------------------------------------------


def test_the_admin_form_keeps_a_revision_naming_the_editor(client, editor, make_article):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    response = client.post(change_url(article), translator_form(article, body_ru="Исправленный текст."))
    assert response.status_code == 302
    newest = article_versions(article=article).first()
    assert newest.revision.user == editor
    assert newest.revision.get_comment() == Cause.FORM.value
    assert newest.field_dict["body_ru"] == "Исправленный текст."
    assert article_versions(article=article).count() == 2


def test_publishing_from_the_admin_form_keeps_the_published_status_in_the_revision(client, editor, make_article):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    client.post(change_url(article), translator_form(article, status=Article.Status.PUBLISHED))
    assert article_versions(article=article).first().field_dict["status"] == Article.Status.PUBLISHED


def test_import_articles_keeps_a_revision_naming_the_file(tmp_path, db):
    write_article(tmp_path, key="budget", body="First text.")
    import_articles(tmp_path)
    write_article(tmp_path, key="budget", body="Second text.")
    import_articles(tmp_path)
    article = Article.objects.get(key="budget")
    versions = list(article_versions(article=article))
    assert [version.field_dict["body_en"] for version in versions] == ["Second text.", "First text."]
    assert versions[0].revision.get_comment() == f"{Cause.IMPORT.value} budget.en.md"


def test_import_translations_keeps_a_revision_naming_the_file(tmp_path, make_article):
    article = make_article(
        languages=("en",), key="almaty-e-buses", title_en="Almaty puts 40 electric buses on the road",
        lead_en="The buses run on five routes.", body_en=BODY_EN,
    )
    path = export(tmp_path) / "almaty-e-buses.kk.po"
    fill(path, KAZAKH)
    call_command("import_translations", str(path), verbosity=0, stdout=StringIO())
    newest = article_versions(article=article).first()
    assert newest.field_dict["title_kk"] == KAZAKH["title"]
    assert newest.revision.get_comment() == f"{Cause.TRANSLATION_IMPORT.value} almaty-e-buses.kk.po"


def test_a_revision_keeps_no_view_count_nor_rendered_html(story):
    fields = article_versions(article=story).first().field_dict
    assert "view_count" not in fields and "body_html_en" not in fields


# --- What changed, and the diff ------------------------------------------------------------------------------


def test_the_history_says_which_fields_of_which_languages_each_revision_changed(story):
    newest, first = article_revision_entries(article=story)
    assert newest.changes == {"en": ["body"], "ru": ["title", "body"], "kk": ["body"]}
    assert set(first.changes) == {"en", "ru", "kk"}


def test_a_diff_shows_the_changed_paragraph_of_one_language(story):
    newer, older = article_versions(article=story)
    diff = dict(language_diff(older=older, newer=newer, language="en"))
    assert set(diff) == {"body"}
    assert f"<del>{OLD_PARAGRAPH}</del>" in diff["body"]
    assert f"<ins>{NEW_PARAGRAPH}</ins>" in diff["body"]
    assert "Intro." in diff["body"] or "End." in diff["body"]


def test_a_diff_escapes_html_typed_into_a_body(make_article):
    article = make_article(body_en="Safe.")
    edited(article, body_en="<script>alert(1)</script>")
    newer, older = article_versions(article=article)
    html = dict(language_diff(older=older, newer=newer, language="en"))["body"]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_admin_compares_two_revisions_language_by_language(client, superuser, story):
    newer, older = article_versions(article=story)
    client.force_login(superuser)
    response = client.get(compare_url(story), {"older": older.pk, "newer": newer.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<del>{OLD_PARAGRAPH}</del>" in html and f"<ins>{NEW_PARAGRAPH}</ins>" in html
    assert "<del>Совет собрался в понедельник.</del>" in html


@pytest.mark.parametrize("query", [{}, {"older": "x", "newer": "1"}, {"older": "999999", "newer": "999998"}])
def test_comparing_revisions_that_are_not_the_articles_is_a_clear_message_not_an_error(
    client, superuser, story, query
):
    client.force_login(superuser)
    response = client.get(compare_url(story), query, follow=True)
    assert response.status_code == 200
    assert "Choose two revisions of this article to compare." in response.content.decode()


def test_the_admin_history_lists_revisions_with_author_time_and_restore_buttons(client, editor, make_article):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    client.post(change_url(article), translator_form(article, body_kk="Жаңа мәтін."))
    response = client.get(history_url(article))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="revision"') == 2
    assert '<td class="revision-user">editor</td>' in html
    assert restore_url(article, article_versions(article=article).last()) in html
    assert 'name="csrfmiddlewaretoken"' in html


# --- Restoring -----------------------------------------------------------------------------------------------


def test_restoring_one_language_brings_back_its_text_and_leaves_the_others(story):
    first = article_versions(article=story).last()
    article_restore(article=story, version=first, languages=["ru"])
    story.refresh_from_db()
    assert story.body_ru == "Совет собрался в понедельник."
    assert "понедельник" in story.body_html_ru  # rendered again from the restored Markdown
    assert story.title_ru != "Новый заголовок"
    assert story.body_kk == "Кеңес сейсенбіде жиналды." and NEW_PARAGRAPH in story.body_en
    assert article_versions(article=story).first().revision.get_comment().startswith(Cause.RESTORE.value)


def test_restoring_keeps_the_view_counts_and_daily_views(story):
    Article.objects.filter(pk=story.pk).update(view_count=9543)
    ArticleDailyViews.objects.create(article=story, language="ru", day=date(2026, 1, 5), views=120)
    article_restore(article=story, version=article_versions(article=story).last(), languages=["en", "ru", "kk"])
    story.refresh_from_db()
    assert OLD_PARAGRAPH in story.body_en
    assert story.view_count == 9543
    assert list(ArticleDailyViews.objects.filter(article=story).values_list("views", flat=True)) == [120]


def test_a_translation_restored_from_before_the_source_changed_shows_as_outdated(make_article):
    article = make_article(source_language="en")
    edited(article, body_en="The source changed.", body_ru="Перевод обновлён.")
    assert translation_status(article, "ru") == TranslationStatus.UP_TO_DATE
    article_restore(article=article, version=article_versions(article=article).last(), languages=["ru"])
    article.refresh_from_db()
    assert translation_status(article, "ru") == TranslationStatus.OUTDATED


def test_restoring_a_former_slug_moves_the_current_one_to_the_former_slugs(client, make_article):
    article = make_article(slug_en="first-address")
    edited(article, slug_en="second-address")
    article_restore(article=article, version=article_versions(article=article).last(), languages=["en"])
    assert client.get("/en/articles/second-address/")["Location"] == "/en/articles/first-address/"


def test_a_former_slug_taken_by_another_article_is_not_restored(make_article):
    article = make_article(slug_en="first-address")
    edited(article, slug_en="second-address")
    make_article(slug_en="first-address")
    article_restore(article=article, version=article_versions(article=article).last(), languages=["en"])
    article.refresh_from_db()
    assert article.slug_en == "second-address"


def test_the_admin_restores_one_language_by_post(client, editor, story):
    client.force_login(editor)
    response = client.post(restore_url(story, article_versions(article=story).last()), {"language": "kk"})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.body_kk == "Кеңес дүйсенбіде жиналды." and story.body_ru == "Совет собрался во вторник."
    assert article_versions(article=story).first().revision.user == editor


def test_the_admin_restores_all_languages_by_post(client, editor, story):
    client.force_login(editor)
    client.post(restore_url(story, article_versions(article=story).last()), {"language": "all"})
    story.refresh_from_db()
    assert OLD_PARAGRAPH in story.body_en and story.body_ru == "Совет собрался в понедельник."


def test_restoring_by_get_changes_nothing(client, editor, story):
    client.force_login(editor)
    response = client.get(restore_url(story, article_versions(article=story).last()), {"language": "all"})
    assert response.status_code == 400
    story.refresh_from_db()
    assert NEW_PARAGRAPH in story.body_en


def test_restoring_needs_the_csrf_token(editor, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(restore_url(story, article_versions(article=story).last()), {"language": "all"})
    assert response.status_code == 403
    story.refresh_from_db()
    assert NEW_PARAGRAPH in story.body_en


# --- Who may restore -----------------------------------------------------------------------------------------


def test_a_translator_restores_their_language_only(client, roles, story):
    client.force_login(translator("translator-kk", "Translators (kk)"))
    first = article_versions(article=story).last()
    for language in ("ru", "en", "all"):
        assert client.post(restore_url(story, first), {"language": language}).status_code == 403
    assert client.post(restore_url(story, first), {"language": "kk"}).status_code == 302
    story.refresh_from_db()
    assert story.body_kk == "Кеңес дүйсенбіде жиналды." and story.body_ru == "Совет собрался во вторник."


def test_a_translator_sees_restore_buttons_for_their_language_only(client, roles, story):
    client.force_login(translator("translator-kk", "Translators (kk)"))
    html = client.get(history_url(story)).content.decode()
    assert 'value="kk"' in html
    assert 'value="ru"' not in html and 'value="all"' not in html


def test_an_author_cannot_restore_a_published_article(client, author_user, story):
    client.force_login(author_user)
    response = client.post(restore_url(story, article_versions(article=story).last()), {"language": "en"})
    assert response.status_code == 403
    story.refresh_from_db()
    assert NEW_PARAGRAPH in story.body_en


def test_staff_without_article_permissions_see_no_history(client, db, story):
    client.force_login(User.objects.create_user("visitor", password="pw", is_staff=True))
    assert client.get(history_url(story)).status_code == 403
    oldest = article_versions(article=story).last()
    assert client.post(restore_url(story, oldest), {"language": "en"}).status_code == 403


def test_a_revision_of_another_article_cannot_be_restored_here(client, superuser, story, make_article):
    other = make_article()
    client.force_login(superuser)
    response = client.post(restore_url(story, article_versions(article=other).first()), {"language": "en"})
    assert response.status_code == 403
