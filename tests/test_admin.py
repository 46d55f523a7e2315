import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.counting.recording import article_record_view
from articles.markdown import render_markdown
from articles.models import Article

from .support import ADD_URL, PREVIEW_URL, article_form, change_url, record


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


def test_tabbed_admin_loads_no_script_or_style_from_another_host(admin_client, make_article):
    html = admin_client.get(change_url(make_article())).content.decode()
    assert "jquery-ui.min.js" in html
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
