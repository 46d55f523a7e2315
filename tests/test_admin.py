import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.admin import ModelAdmin, site
from django.contrib.admin.templatetags.admin_list import results
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from articles.admin_list import format_cell, list_rows
from articles.counting.recording import article_record_view
from articles.markdown import render_markdown
from articles.models import Article, PublicationState

from .support import ADD_URL, PREVIEW_URL, article_form, change_url, record
from .test_uploads import png


@pytest.fixture
def superuser(admin_client):
    return admin_client


def test_changelist_query_count_does_not_grow_with_rows(admin_client, make_article, section):
    authors = [make_article.author() for _ in range(3)]

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(reverse("admin:articles_article_changelist"))
        assert response.status_code == 200
        return len(captured)

    for _ in range(5):
        make_article(section=section, authors=authors[:2])
    five = queries_for_list()
    for _ in range(45):
        make_article(section=section, authors=authors)
    assert queries_for_list() == five


def test_changelist_shows_translations_and_views(admin_client, make_article):
    article = make_article(languages=("en", "ru"))
    Article.objects.filter(pk=article.pk).update(view_count=9543)
    html = admin_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert 'class="translation-available"' in html and "KK&nbsp;—" in html
    assert "9543" in html or "9,543" in html


def test_missing_in_filter_lists_articles_without_that_language(admin_client, make_article):
    complete = make_article()
    no_kazakh = make_article(languages=("en", "ru"))
    response = admin_client.get(reverse("admin:articles_article_changelist"), {"missing": "kk"})
    shown = set(response.context["cl"].queryset)
    assert no_kazakh in shown and complete not in shown


def test_search_finds_titles_in_every_language(admin_client, make_article):
    article = make_article(languages=("kk",), title_kk="Алматыдағы жаңбыр")
    make_article(languages=("en",))
    response = admin_client.get(reverse("admin:articles_article_changelist"), {"q": "жаңбыр"})
    assert list(response.context["cl"].queryset) == [article]


def test_admin_forms_load_no_script_or_style_from_another_host(admin_client, make_article):
    article = make_article()
    author = article.authors.get()
    for url, own_script in (
        (change_url(article), "articles/admin/article_form.js"),
        (reverse("admin:articles_author_change", args=[author.pk]), "jquery-ui.min.js"),  # tabs per field
    ):
        html = admin_client.get(url).content.decode()
        assert own_script in html
        sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
        assert sources and all(source.startswith("/static/") for source in sources), sources


def test_duplicate_slug_is_a_form_error(admin_client, make_article):
    author = make_article.author()
    make_article(languages=("en",), slug_en="budget")
    response = admin_client.post(ADD_URL, article_form(author, slug_en="budget"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "slug_en" in errors or "__all__" in errors
    assert Article.objects.filter(slug_en="budget").count() == 1


def test_an_article_needs_a_title_in_some_language(admin_client, make_article):
    author = make_article.author()
    response = admin_client.post(ADD_URL, article_form(author, title_en=""))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_editor_saves_an_article_with_an_auto_slug(client, editor, make_article):
    client.force_login(editor)
    author = make_article.author()
    response = client.post(ADD_URL, article_form(author, status="published", title_ru="Бюджет принят",
                                                  body_ru="Парламент принял бюджет."))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert (article.slug_en, article.slug_ru) == ("budget-approved", "biudzhet-priniat")
    assert article.status == Article.Status.PUBLISHED and article.published_at is not None
    assert article.byline() == [author]


def test_author_cannot_publish_even_with_a_crafted_post(client, author_user, make_article):
    client.force_login(author_user)
    author = make_article.author()
    soon = timezone.now() - timedelta(days=1)
    response = client.post(ADD_URL, article_form(
        author, status="published", published_at_0=soon.strftime("%Y-%m-%d"), published_at_1="10:00:00"
    ))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert not Article.objects.published().exists()


def test_author_cannot_publish_a_draft_by_editing_it(client, author_user, make_article):
    draft = make_article(status=Article.Status.DRAFT, published_at=None, languages=("en",))
    client.force_login(author_user)
    form = article_form(draft.byline()[0], title_en="Edited", status="published",
                        **{"bylines-INITIAL_FORMS": "1", "bylines-0-id": str(draft.bylines.get().pk),
                           "bylines-0-article": str(draft.pk)})
    response = client.post(change_url(draft), form)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title_en == "Edited" and draft.status == Article.Status.DRAFT


def test_author_sees_status_read_only_and_no_publish_action(client, author_user, make_article):
    client.force_login(author_user)
    draft = make_article(status=Article.Status.DRAFT)
    html = client.get(change_url(draft)).content.decode()
    assert 'name="status"' not in html
    changelist = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert 'value="publish"' not in changelist


def test_author_cannot_publish_through_the_action_endpoint(client, author_user, make_article):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    client.force_login(author_user)
    client.post(reverse("admin:articles_article_changelist"),
                {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_author_cannot_change_a_published_article(client, author_user, make_article):
    published = make_article(languages=("en",))
    byline = published.bylines.get()
    client.force_login(author_user)
    form = article_form(byline.author, title_en="Vandalised",
                        **{"bylines-INITIAL_FORMS": "1", "bylines-0-id": str(byline.pk),
                           "bylines-0-article": str(published.pk)})
    assert client.post(change_url(published), form).status_code == 403
    published.refresh_from_db()
    assert published.title_en != "Vandalised"
    assert client.get(change_url(published)).status_code == 200  # still readable


def test_view_count_is_read_only_and_survives_a_form_save(admin_client, make_article):
    article = make_article(languages=("en",))
    html = admin_client.get(change_url(article)).content.decode()
    assert 'name="view_count"' not in html
    for _ in range(4):
        article_record_view(article_id=article.pk, language="en")
    byline = article.bylines.get()
    form = article_form(byline.author, status="published", view_count="0",
                        published_at_0="2026-01-05", published_at_1="10:00:00",
                        **{"bylines-INITIAL_FORMS": "1", "bylines-0-id": str(byline.pk),
                           "bylines-0-article": str(article.pk)})
    assert admin_client.post(change_url(article), form).status_code == 302
    article.refresh_from_db()
    assert article.view_count == 4 and article.title_en == "Budget approved"


def test_change_form_links_to_the_article_in_each_available_language(admin_client, make_article):
    article = make_article(languages=("en", "kk"))
    html = admin_client.get(change_url(article)).content.decode()
    assert f'href="/en/articles/{article.slug_en}/"' in html
    assert f'href="/kk/articles/{article.slug_kk}/"' in html
    assert "/ru/articles/" not in html


def test_setup_roles_is_idempotent(roles):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    before = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    call_command("setup_roles", verbosity=0)
    after = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert before == after
    assert "publish_article" in after["Editors"] and "publish_article" not in after["Authors"]


def test_markdown_preview_renders_with_the_pages_renderer(admin_client):
    response = admin_client.post(PREVIEW_URL, {"text": 'Он сказал "да" -- и *ушёл*.', "language": "ru"})
    assert response.status_code == 200
    assert response.content.decode() == render_markdown('Он сказал "да" -- и *ушёл*.', "ru")
    assert "«да»&nbsp;—" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_markdown_preview_is_sanitised(admin_client):
    html = admin_client.post(PREVIEW_URL, {
        "text": '<script>alert(1)</script> [x](javascript:alert(1))', "language": "en",
    }).content.decode()
    assert "<script" not in html and "javascript:" not in html


def test_markdown_preview_explains_a_refused_body(admin_client):
    response = admin_client.post(PREVIEW_URL, {"text": "x" * 100_001, "language": "en"})
    assert response.status_code == 400
    assert "100,000" in response.content.decode()


def test_markdown_preview_is_for_staff_only(client, db):
    response = client.post(PREVIEW_URL, {"text": "hi", "language": "en"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_article_form_loads_the_preview_script(admin_client, make_article):
    html = admin_client.get(change_url(make_article())).content.decode()
    assert "articles/admin/markdown_preview.js" in html


def test_the_admin_form_shows_views_per_language_and_day(admin_client, make_article):
    article = make_article()
    record(article, "kk", 3)
    record(article, "en", 2)
    record(article, "ru", 4, days_ago=1)
    html = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'class="daily-views"' in html
    table = html.split('class="daily-views"')[1].split("</table>")[0]
    today, yesterday = table.split("<tbody>")[1].split("</tr>")[:2]
    assert [cell.split("<")[0] for cell in today.split("<td>")[1:]] == ["2", "0", "3", "5"]  # EN RU KK, total
    assert [cell.split("<")[0] for cell in yesterday.split("<td>")[1:]] == ["0", "4", "0", "4"]


def test_the_admin_list_sorts_by_views(admin_client, make_article):
    few, many = make_article(), make_article()
    Article.objects.filter(pk=many.pk).update(view_count=50)
    Article.objects.filter(pk=few.pk).update(view_count=5)
    changelist = reverse("admin:articles_article_changelist")
    column = admin_client.get(changelist).context["cl"].list_display.index("view_count")
    response = admin_client.get(changelist, {"o": f"-{column}"})
    assert list(response.context["cl"].queryset)[:2] == [many, few]


CHANGELIST = "admin:articles_article_changelist"


def listed(admin_client, **parameters) -> set[Article]:
    response = admin_client.get(reverse(CHANGELIST), parameters)
    assert response.status_code == 200
    return set(response.context["cl"].queryset)


def test_a_scheduled_article_is_listed_as_scheduled_not_published(admin_client, make_article):
    scheduled = make_article(published_at=timezone.now() + timedelta(days=2))
    published = make_article()
    draft = make_article(status=Article.Status.DRAFT)
    html = admin_client.get(reverse(CHANGELIST)).content.decode()
    row = r'<a href="/admin/articles/article/(\d+)/change/[^>]*>.*?data-state="(\w+)"'
    states = dict(re.findall(row, html, re.DOTALL))
    assert states == {str(scheduled.pk): "scheduled", str(published.pk): "published", str(draft.pk): "draft"}
    assert listed(admin_client, state="scheduled") == {scheduled}
    assert listed(admin_client, state="published") == {published}
    assert listed(admin_client, state="draft") == {draft}


def test_publication_state_is_one_rule_for_the_list_and_the_filter(make_article):
    articles = [
        make_article(published_at=timezone.now() + timedelta(minutes=1)), make_article(),
        make_article(status=Article.Status.DRAFT, published_at=timezone.now() + timedelta(days=1)),
    ]
    for state in PublicationState:
        in_sql = set(Article.objects.in_publication_state(PublicationState(state)))
        assert in_sql == {article for article in articles if article.publication_state() == state}


def test_search_finds_a_word_of_the_body_or_lead_in_any_language(admin_client, make_article):
    body_kk = make_article(body_kk="Қала әкімдігі жаңа саябақты ашты.")
    lead_ru = make_article(lead_ru="Трамваи вернутся на улицы города.", status=Article.Status.DRAFT)
    make_article()
    assert listed(admin_client, q="саябақты") == {body_kk}
    assert listed(admin_client, q="трамваи") == {lead_ru}


def test_the_list_has_a_search_box_that_says_what_it_searches(admin_client, make_article):
    html = admin_client.get(reverse(CHANGELIST)).content.decode()
    assert 'id="searchbar"' in html and "lead or body in any language" in html


def test_search_finds_part_of_a_title_and_a_key(admin_client, make_article):
    keyed = make_article(key="wire-2026-0042")
    titled = make_article(title_ru="Бюджетный прогноз")
    assert listed(admin_client, q="2026-0042") == {keyed}
    assert listed(admin_client, q="Бюджетн") == {titled}


def test_filters_by_section_author_and_missing_or_outdated_language(admin_client, make_article, section):
    author = make_article.author()
    in_section = make_article(section=section)
    by_author = make_article(authors=[author, make_article.author()])
    no_kazakh = make_article(languages=("en", "ru"))
    outdated_ru = make_article()
    outdated_ru.title_en = "The original, changed after the translation"
    outdated_ru.save()
    assert listed(admin_client, section=section.pk) == {in_section}
    assert listed(admin_client, author=author.pk) == {by_author}
    assert no_kazakh in listed(admin_client, missing="kk") and in_section not in listed(admin_client, missing="kk")
    assert listed(admin_client, outdated="ru") == {outdated_ru}


def test_a_searchs_date_drill_down_offers_the_years_of_its_matches(admin_client, make_article):
    now = timezone.now()
    old, recent = make_article(body_en="Harbour cranes."), make_article(body_en="Harbour ferries.")
    make_article(body_en="Nothing of the kind.")
    Article.objects.filter(pk=old.pk).update(published_at=now.replace(year=now.year - 3))
    html = admin_client.get(reverse(CHANGELIST), {"q": "harbour"}).content.decode()
    years = set(re.findall(r"published_at__year=(\d+)", html))
    assert years == {str(now.year - 3), str(recent.published_at.year)}


def test_the_admins_matches_are_the_newest_in_each_language_drafts_included(make_article):
    from articles.search import article_ids_matching

    now = timezone.now()
    newest = make_article(body_en="Lighthouse keepers.", status=Article.Status.DRAFT, published_at=now)
    older = make_article(body_en="Lighthouse tours.", published_at=now - timedelta(days=3))
    oldest = make_article(body_en="Lighthouse repairs.", published_at=now - timedelta(days=9))
    assert article_ids_matching(text="lighthouse", limit=2) == ([newest.pk, older.pk], True)
    assert article_ids_matching(text="lighthouse", limit=3) == ([newest.pk, older.pk, oldest.pk], False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
@pytest.mark.django_db
def test_search_has_one_index_per_language_and_trigram_indexes_for_titles_and_keys():
    from django.conf import settings

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename IN ('articles_article', "
                       "'articles_search_document')")
        names = {row[0] for row in cursor.fetchall()}
    languages = settings.MODELTRANSLATION_LANGUAGES
    assert {f"articles_search_document_gin_{code}_all" for code in languages} <= names
    assert {f"articles_article_title_{code}_trigram" for code in languages} | {"articles_article_key_trigram"} <= names
    # The one over every language and the ones over the listed rows are gone.
    assert not {"articles_search_document_gin", *(f"articles_search_document_gin_{code}" for code in languages)} & names


def test_searched_and_filtered_list_query_count_does_not_grow_with_rows(admin_client, make_article, section):
    author = make_article.author()
    parameters = {"q": "body", "state": "published", "section": section.pk, "author": author.pk, "missing": "kk"}

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(reverse(CHANGELIST), parameters)
        assert response.status_code == 200
        return len(captured)

    for _ in range(3):
        make_article(section=section, authors=[author], languages=("en", "ru"))
    three = queries()
    for _ in range(30):
        make_article(section=section, authors=[author, make_article.author()], languages=("en", "ru"))
    assert queries() == three <= 12, three
    assert len(listed(admin_client, **parameters)) == 33


def test_the_list_shows_a_thumbnail_of_the_cover(admin_client, make_article):
    article = make_article()
    article.cover.save("cover.png", png(40, 20), save=True)
    html = admin_client.get(reverse(CHANGELIST)).content.decode()
    assert re.search(r'<img class="cover-thumbnail" src="[^"]+cover[^"]*\.png" alt="" width="64" height="32"', html)


def test_a_common_words_matches_are_capped_and_the_list_says_so(admin_client, make_article, monkeypatch):
    from articles import admin as articles_admin
    from articles.search import article_ids_matching

    older, newer = make_article(body_ru="Снег в городе."), make_article(body_ru="Снег в горах.")
    Article.objects.filter(pk=older.pk).update(published_at=timezone.now() - timedelta(days=9))
    assert article_ids_matching(text="снег", limit=1) == ([newer.pk], True)
    assert set(article_ids_matching(text="снег", limit=2)[0]) == {older.pk, newer.pk}
    response = admin_client.get(reverse(CHANGELIST), {"q": "снег"})
    assert set(response.context["cl"].queryset) == {older, newer}
    assert not list(response.context["messages"])
    monkeypatch.setattr(articles_admin, "ADMIN_SEARCH_LIMIT", 1)
    response = admin_client.get(reverse(CHANGELIST), {"q": "снег"})
    assert set(response.context["cl"].queryset) == {newer}
    assert [str(message) for message in response.context["messages"]] == [
        "Many articles match: the list holds the newest 1 match in each language."
    ]


@pytest.mark.parametrize("argument", [
    'a <b>"quoted" & \'single\'</b>', mark_safe("<b>safe</b>"), gettext_lazy("draft"), 12345, None,
    timezone.now(),
])
def test_the_lists_cells_escape_as_format_html_does(argument):
    template = '<span title="{}">{}</span>'
    assert format_cell(template, argument, argument) == format_html(template, argument, argument)
    assert isinstance(format_cell(template, argument, argument), SafeString)


def test_the_lists_checkbox_and_link_are_djangos(rf, superuser, make_article):
    article = make_article(title_en='<script>"Q&A"</script>')
    model_admin = site._registry[Article]
    with translation.override("ru"):
        assert model_admin.action_checkbox(article) == ModelAdmin.action_checkbox(model_admin, article)
    request = rf.get(reverse(CHANGELIST))
    request.user = User.objects.get(is_superuser=True)
    changelist = model_admin.get_changelist_instance(request)
    assert changelist.url_for_result(article) == reverse("admin:articles_article_change", args=[article.pk])
    assert changelist.url_for_result(article) == ChangeList.url_for_result(changelist, article)


def test_the_author_filter_names_each_author_in_the_editors_language(admin_client, make_article):
    both = make_article.author(name_en="Aigerim", name_ru="Айгерим", name_kk="")
    english_only = make_article.author(name_en="John", name_ru="", name_kk="")
    make_article(authors=[both, english_only])
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = admin_client.get(reverse(CHANGELIST))
    choices = {choice["display"] for spec in response.context["cl"].filter_specs
               if spec.parameter_name == "author" for choice in spec.choices(response.context["cl"])}
    assert {"Айгерим", "John"} <= choices


def test_the_lists_queries_do_not_grow_with_authors_or_languages_states(admin_client, make_article, section):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(reverse(CHANGELIST))
        assert response.status_code == 200
        return len(captured)

    make_article(section=section, published_at=timezone.now() + timedelta(days=1))
    few = queries_for_list()
    for _ in range(20):
        make_article.author()
    make_article(section=section, status_kk=Article.Status.DRAFT)
    make_article(section=section, languages=("en",))
    assert queries_for_list() == few


@pytest.mark.parametrize("parameters", [
    {}, {"state": "scheduled"}, {"state": "draft"}, {"missing": "kk"}, {"o": "-6"}, {"q": "Story"}, {"author": "?"},
])
def test_the_lists_rows_are_djangos_rows(rf, admin_user, make_article, section, parameters):
    """articles.admin_list writes the rows as Django's items_for_result does, to the byte, on every kind of list."""
    author = make_article.author()
    make_article(section=section, authors=[author], title_en='<b>"Q&A"</b>')
    covered = make_article(authors=[author], published_at=timezone.now() + timedelta(days=1))
    covered.cover.save("cover.png", png(40, 20), save=True)
    make_article(languages=("en", "ru"), status_ru=Article.Status.DRAFT)
    make_article(status=Article.Status.DRAFT, published_at=None)
    Article.objects.update(view_count=12345)
    request = rf.get(reverse(CHANGELIST), {
        name: (str(author.pk) if value == "?" else value) for name, value in parameters.items()
    })
    request.user = admin_user
    changelist = site._registry[Article].get_changelist_instance(request)
    changelist.formset = None  # as changelist_view sets it (Django 5.2's list has no formset of its own)
    assert changelist.result_list
    assert [list(row) for row in list_rows(changelist)] == [list(row) for row in results(changelist)]
