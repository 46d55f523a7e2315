from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article


def test_root_redirects_to_the_readers_language(client, db):
    response = client.get("/", headers={"accept-language": "kk,ru;q=0.8"})
    assert response.status_code == 302
    assert response["Location"] == "/kk/"


def test_root_redirects_to_the_default_language_without_a_preference(client, db):
    assert client.get("/")["Location"] == "/en/"


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_front_page_lists_articles_available_in_its_language(client, make_article, language):
    everywhere = make_article()
    elsewhere = make_article(languages=[code for code in ("en", "ru", "kk") if code != language])
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert everywhere.get_absolute_url(language) in html
    assert everywhere.translated("title", language) in html
    assert str(elsewhere.pk) not in [a.pk for a in response.context["articles"]]
    assert list(response.context["articles"]) == [everywhere]


def test_front_page_is_newest_first(client, make_article):
    old = make_article(published_at=timezone.now() - timedelta(days=2))
    new = make_article(published_at=timezone.now() - timedelta(hours=2))
    assert list(client.get("/en/").context["articles"]) == [new, old]


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_article_page_shows_the_story_in_its_language(client, make_article, language):
    article = make_article(lead_ru="Коротко о главном.", body_ru="Первый абзац с *акцентом*.")
    response = client.get(article.get_absolute_url(language))
    assert response.status_code == 200
    html = response.content.decode()
    assert article.translated("title", language) in html
    assert article.byline()[0].translated("name", language) in html
    if language == "ru":
        assert "Коротко о главном." in html and "<em>акцентом</em>" in html


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_draft_is_404_in_every_language(client, make_article, language):
    draft = make_article(status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url(language)).status_code == 404


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_scheduled_article_is_404_until_its_time(client, make_article, language):
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    assert client.get(scheduled.get_absolute_url(language)).status_code == 404
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(scheduled.get_absolute_url(language)).status_code == 200


def test_staff_preview_a_draft_uncached_uncounted_and_noindex(admin_client, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    response = admin_client.get(draft.get_absolute_url("ru"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    draft.refresh_from_db()
    assert draft.view_count == 0


def test_a_reader_view_is_counted(client, make_article):
    article = make_article()
    client.get(article.get_absolute_url("en"))
    article.refresh_from_db()
    assert article.view_count == 1


def test_article_not_available_in_a_language_is_404_there(client, make_article):
    article = make_article(languages=("en", "ru"))
    assert client.get(f"/kk/articles/{article.slug_en}/").status_code == 404


@pytest.mark.parametrize("path", ["/de/", "/xx/articles/a/", "/en/articles/", "/en/nowhere/", "/en/articles/a b/"])
def test_unknown_paths_are_404(client, db, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("page", ["2", "0", "abc", "-1"])
def test_pages_out_of_range_or_not_numbers_are_404(client, make_article, page):
    make_article()
    assert client.get("/en/", {"page": page}).status_code == 404


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [("en", 1, "1 view"), ("en", 9543, "9,543 views"), ("ru", 1, "1 просмотр"), ("ru", 3, "3 просмотра")],
)
def test_view_count_is_written_in_the_pages_language(client, make_article, language, count, expected):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(view_count=count)
    html = client.get(article.get_absolute_url(language)).content.decode()
    assert expected.replace(" ", "\xa0") in html.replace(" ", "\xa0")
