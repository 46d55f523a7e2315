"""Editors' changes (``articles/services.py``): publishing and withdrawing, from the form and the admin's actions,
and rendering stored bodies again."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author

from .support import article_form, change_url


def edit_form(article: Article, **fields) -> dict:
    """The POST of ``article``'s change form, with its one byline kept."""
    byline = article.bylines.get()
    return article_form(byline.author, **{
        "bylines-INITIAL_FORMS": "1", "bylines-0-id": str(byline.pk), "bylines-0-article": str(article.pk), **fields,
    })


def test_editor_withdrawing_in_the_form_keeps_the_publication_time(client, editor, make_article):
    published = make_article(languages=("en",))
    first_published_at = published.published_at
    client.force_login(editor)
    local = timezone.localtime(first_published_at)
    response = client.post(change_url(published), edit_form(
        published, status="draft", published_at_0=local.strftime("%Y-%m-%d"), published_at_1=local.strftime("%H:%M:%S"),
    ))
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == Article.Status.DRAFT
    assert published.published_at == first_published_at.replace(microsecond=0)
    assert not Article.objects.published().exists()


def test_editor_publishing_a_draft_in_the_form_with_a_future_time_schedules_it(client, editor, make_article):
    draft = make_article(status=Article.Status.DRAFT, published_at=None, languages=("en",))
    client.force_login(editor)
    tomorrow = timezone.localtime() + timedelta(days=1)
    response = client.post(change_url(draft), edit_form(
        draft, status="published", published_at_0=tomorrow.strftime("%Y-%m-%d"), published_at_1="10:00:00",
    ))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert timezone.localtime(draft.published_at).date() == tomorrow.date()
    assert not Article.objects.published().exists()


def test_editor_publishes_and_withdraws_with_actions(client, editor, make_article):
    drafts = [make_article(status=Article.Status.DRAFT, published_at=None) for _ in range(2)]
    client.force_login(editor)
    changelist = reverse("admin:articles_article_changelist")
    client.post(changelist, {"action": "publish", "_selected_action": [d.pk for d in drafts]})
    assert Article.objects.published().count() == 2
    client.post(changelist, {"action": "unpublish", "_selected_action": [drafts[0].pk]})
    assert list(Article.objects.published()) == [drafts[1]]


def test_render_articles_renders_what_an_older_renderer_made(make_article):
    from django.core.management import call_command

    from articles.markdown import RENDERER_VERSION

    stale, current = make_article(body_en="*new*"), make_article(body_en="*kept*")
    Article.objects.filter(pk=stale.pk).update(body_html_version=0, body_html_en="<p>old</p>")
    Article.objects.filter(pk=current.pk).update(body_html_en="<p>hand-made</p>")
    call_command("render_articles", verbosity=0)
    stale.refresh_from_db()
    current.refresh_from_db()
    assert stale.body_html_version == RENDERER_VERSION and "<em>new</em>" in stale.body_html_en
    assert current.body_html_en == "<p>hand-made</p>"
    call_command("render_articles", "--all", verbosity=0)
    current.refresh_from_db()
    assert "<em>kept</em>" in current.body_html_en


def test_render_articles_renders_author_biographies_again(make_article):
    from django.core.management import call_command

    author = make_article.author(bio_kk="*Тілші*")
    Author.objects.filter(pk=author.pk).update(bio_html_kk="<p>old</p>")
    call_command("render_articles", verbosity=0)
    author.refresh_from_db()
    assert "<em>Тілші</em>" in author.bio_html_kk
