"""load_demo: the demo content loads through the importer, once, and shows every state an article can be in."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.conf import conf
from articles.models import Article, ArticleDailyViews, Author, Byline, Section

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def load_demo() -> str:
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    return output.getvalue()


def test_load_demo_twice_changes_nothing():
    load_demo()
    counts = Article.objects.count(), Author.objects.count(), Section.objects.count(), Byline.objects.count()
    updated = dict(Article.objects.values_list("key", "updated_at"))

    output = load_demo()

    assert (Article.objects.count(), Author.objects.count(), Section.objects.count(), Byline.objects.count()) == counts
    assert dict(Article.objects.values_list("key", "updated_at")) == updated
    assert " 0 created, 0 updated" in output and " updated, 0 unchanged" not in output


def test_demo_has_three_authors_with_bios_and_three_sections_in_every_language():
    load_demo()

    assert Author.objects.count() == 3 and Section.objects.count() == 3
    for code in conf.ARTICLES_LANGUAGES:
        assert all(author.translated("name", code) and author.translated("bio_html", code)
                   for author in Author.objects.all())
        assert all(section.translated("name", code) for section in Section.objects.all())


def test_demo_has_published_articles_in_every_language_and_exactly_one_without_kazakh():
    load_demo()

    published = Article.objects.published()
    assert published.count() >= 6
    for code in conf.ARTICLES_LANGUAGES:
        assert published.available_in(code).count() >= 5
    without_kazakh = [article.key for article in Article.objects.all() if "kk" not in article.available_languages()]
    assert len(without_kazakh) == 1
    assert published.filter(key=without_kazakh[0]).exists()


def test_demo_has_a_draft_and_an_article_scheduled_a_week_ahead_on_every_run():
    load_demo()
    load_demo()

    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 1
    scheduled = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
    assert scheduled.count() == 1
    assert (scheduled.get().published_at - timezone.now()).days in (6, 7)
    assert not Article.objects.published().filter(pk=scheduled.get().pk).exists()


def test_demo_articles_have_varied_dates_views_and_markdown():
    load_demo()

    published = Article.objects.published()
    assert {article.published_at.year for article in published} == {2025, 2026}
    assert len({article.published_at for article in published}) == published.count()
    assert {9543, 1, 21, 22} <= set(Article.objects.values_list("view_count", flat=True))
    for code in conf.ARTICLES_LANGUAGES:
        markdown = "\n".join(Article.objects.values_list(f"body_{code}", flat=True).exclude(**{f"body_{code}": None}))
        for syntax in ("\n## ", "\n> ", "\n- ", "\n1. ", "](https://", "\n|---|"):
            assert syntax in markdown, (code, syntax)
    assert Article.objects.filter(bylines__position=1).exists()
    assert Article.objects.exclude(cover="").exists()


def test_demo_articles_are_not_updated_by_their_import_and_are_read_today(client):
    load_demo()
    assert not [article.key for article in Article.objects.published() if article.updated_after_publishing()]
    html = client.get("/ru/").content.decode()
    assert '<aside class="most-read"' in html and "Сегодня" in html
    views = list(ArticleDailyViews.objects.values_list("article", "language", "day", "views"))
    load_demo()
    assert list(ArticleDailyViews.objects.values_list("article", "language", "day", "views")) == views


def test_every_demo_article_has_a_cover_with_alt_caption_and_credit_and_every_author_a_photo():
    load_demo()

    for article in Article.objects.all():
        assert article.cover and article.cover_renditions["files"], article.key
        for code in article.available_languages():
            assert all(article.translated(name, code) for name in ("cover_alt", "cover_caption", "cover_credit")), (
                article.key, code
            )
    for author in Author.objects.all():
        assert author.photo and author.photo_renditions["files"], author.key


def test_the_demo_images_stay_small():
    demo = Path(__file__).resolve().parents[1] / "articles" / "demo"
    images = [*demo.glob("*.png"), *demo.glob("authors/*.png")]
    assert len(images) == 11
    assert all(image.stat().st_size <= 150_000 for image in images)


def test_the_sitemap_index_counts_the_demo_as_its_files_do():
    from tests.test_archive_months import assert_exact

    load_demo()
    assert_exact()
