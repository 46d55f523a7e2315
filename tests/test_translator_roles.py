import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article

from .support import change_url


def translator(username: str, *groups: str, **fields) -> User:
    user = User.objects.create_user(username, password="pw", is_staff=True, **fields)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def kazakh_translator(roles) -> User:
    return translator("translator-kk", "Translators (kk)")


def translator_form(article: Article, **fields) -> dict:
    """Everything the article form can hold, as a browser (or a crafted request) would post it."""
    byline = article.bylines.get()
    data = {
        f"{name}_{code}": getattr(article, f"{name}_{code}") or ""
        for name in ("title", "slug", "lead", "body", "cover_alt", "cover_caption") for code in ("en", "ru", "kk")
    }
    data.update({
        "section": "", "status": article.status, "published_at_0": "", "published_at_1": "", "key": "",
        "source_language": article.source_language,
        "bylines-TOTAL_FORMS": "1", "bylines-INITIAL_FORMS": "1",
        "bylines-MIN_NUM_FORMS": "1", "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-id": str(byline.pk), "bylines-0-article": str(article.pk),
        "bylines-0-author": str(byline.author.pk), "bylines-0-position": "0",
    })
    data.update(fields)
    return data


def test_setup_roles_creates_a_translators_group_per_language(roles):
    for code in ("en", "ru", "kk"):
        group = Group.objects.get(name=f"Translators ({code})")
        permissions = set(group.permissions.values_list("codename", flat=True))
        assert {"change_article", "change_author", "change_section"} <= permissions
        assert not permissions & {"publish_article", "add_article", "delete_article"}


def test_setup_roles_keeps_translators_groups_as_they_are_when_run_again(roles):
    before = {group.name: set(group.permissions.all()) for group in Group.objects.all()}
    call_command("setup_roles", verbosity=0)
    assert {group.name: set(group.permissions.all()) for group in Group.objects.all()} == before


def test_kazakh_translator_changes_the_kazakh_title_of_a_published_article(client, kazakh_translator, make_article):
    article = make_article()
    client.force_login(kazakh_translator)
    response = client.post(change_url(article), translator_form(article, title_kk="Алматыда жаңа автобустар"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_kk == "Алматыда жаңа автобустар"


def test_kazakh_translator_cannot_change_english_or_the_status_even_with_a_crafted_post(
    client, kazakh_translator, make_article,
):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    english, russian = draft.title_en, draft.body_ru
    client.force_login(kazakh_translator)
    response = client.post(change_url(draft), translator_form(
        draft, title_en="Vandalised", body_ru="Испорчено.", title_kk="Жаңа тақырып",
        status="published", published_at_0="2026-01-05", published_at_1="10:00:00", key="stolen", section="",
    ))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title_en, draft.body_ru, draft.title_kk) == (english, russian, "Жаңа тақырып")
    assert draft.status == Article.Status.DRAFT and draft.published_at is None and draft.key is None


def test_kazakh_translator_sees_other_languages_read_only(client, kazakh_translator, make_article):
    client.force_login(kazakh_translator)
    html = client.get(change_url(make_article())).content.decode()
    assert 'name="title_kk"' in html and 'name="body_kk"' in html
    for field in ("title_en", "title_ru", "body_en", "status", "published_at_0", "section", "key", "source_language"):
        assert f'name="{field}"' not in html


def test_translator_cannot_publish_through_the_action_endpoint(client, kazakh_translator, make_article):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    client.force_login(kazakh_translator)
    client.post(reverse("admin:articles_article_changelist"), {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_translator_cannot_add_or_delete_articles(client, kazakh_translator, make_article):
    article = make_article()
    client.force_login(kazakh_translator)
    assert client.get(reverse("admin:articles_article_add")).status_code == 403
    assert client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_translator_cannot_change_the_byline(client, kazakh_translator, make_article):
    article = make_article()
    other = make_article.author()
    client.force_login(kazakh_translator)
    client.post(change_url(article), translator_form(article, **{"bylines-0-author": str(other.pk)}))
    assert article.byline() != [other]


def test_kazakh_translator_edits_only_the_kazakh_name_and_biography_of_an_author(
    client, kazakh_translator, make_article,
):
    author = make_article.author(bio_en="Reporter.", key="reporter")
    client.force_login(kazakh_translator)
    html = client.get(reverse("admin:articles_author_change", args=[author.pk])).content.decode()
    assert 'name="name_kk"' in html and 'name="bio_kk"' in html
    assert 'name="name_en"' not in html and 'name="slug"' not in html and 'name="photo"' not in html
    response = client.post(reverse("admin:articles_author_change", args=[author.pk]), {
        "name_en": "Vandalised", "name_ru": "Испорчено", "name_kk": "Айгерім Сәдуақасова",
        "bio_en": "", "bio_ru": "", "bio_kk": "Тілші.", "slug": "stolen", "key": "stolen",
    })
    assert response.status_code == 302
    author.refresh_from_db()
    assert (author.name_kk, author.bio_kk) == ("Айгерім Сәдуақасова", "Тілші.")
    assert author.name_en.startswith("Author") and author.bio_en == "Reporter." and author.key == "reporter"
    assert author.slug != "stolen"


def test_kazakh_translator_edits_only_the_kazakh_name_of_a_section(client, kazakh_translator, section):
    client.force_login(kazakh_translator)
    html = client.get(reverse("admin:articles_section_change", args=[section.pk])).content.decode()
    assert 'name="name_kk"' in html and 'name="slug_kk"' in html and 'name="position"' not in html
    response = client.post(reverse("admin:articles_section_change", args=[section.pk]), {
        "name_en": "Vandalised", "name_ru": "", "name_kk": "Экономика және қаржы",
        "slug_en": "stolen", "slug_ru": "", "slug_kk": "", "position": "99", "key": "stolen",
    })
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.name_kk == "Экономика және қаржы"
    assert (section.name_en, section.position, section.key) == ("Economy", 0, None)


def test_translator_cannot_reorder_sections_from_the_list(client, kazakh_translator, section):
    client.force_login(kazakh_translator)
    changelist = reverse("admin:articles_section_changelist")
    assert 'name="form-0-position"' not in client.get(changelist).content.decode()
    client.post(changelist, {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(section.pk),
        "form-0-position": "42", "_save": "Save",
    })
    section.refresh_from_db()
    assert section.position == 0


def test_a_superuser_in_a_translators_group_is_not_confined(client, roles, make_article):
    article = make_article()
    client.force_login(translator("chief", "Translators (kk)", is_superuser=True))
    html = client.get(change_url(article)).content.decode()
    assert 'name="title_en"' in html and 'name="status"' in html


def test_russian_translator_cannot_change_kazakh(client, roles, make_article):
    article = make_article()
    kazakh = article.title_kk
    client.force_login(translator("translator-ru", "Translators (ru)"))
    response = client.post(change_url(article), translator_form(
        article, title_kk="Өзгертілген", title_ru="Новый заголовок",
    ))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title_ru, article.title_kk) == ("Новый заголовок", kazakh)


def test_a_translators_form_opens_in_their_language(client, kazakh_translator, admin_client, make_article):
    article = make_article()
    client.force_login(kazakh_translator)
    pressed = 'data-language="{}" data-state="complete" aria-pressed="true"'
    assert pressed.format("kk") in client.get(change_url(article)).content.decode()
    assert pressed.format("en") in admin_client.get(change_url(article)).content.decode()
