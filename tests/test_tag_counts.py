"""Each tag's count of listed articles (``articles.tag_counts``): exact after every kind of write, and the tag page's
count from it equal to counting the list."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import services
from articles.models import Article, Tag, TagCount
from articles.selectors import public_articles, tag_article_count

LANGUAGES = ("en", "ru", "kk")


def kept_counts() -> dict[tuple[int, str], int]:
    return {(row.tag_id, row.language): row.count for row in TagCount.objects.exclude(count=0)}


def live_counts() -> dict[tuple[int, str], int]:
    counts = {}
    for tag in Tag.objects.all():
        for code in LANGUAGES:
            if listed := Article.objects.listed_in(code).filter(tags=tag).count():
                counts[tag.pk, code] = listed
    return counts


def assert_exact() -> None:
    assert kept_counts() == live_counts()
    for tag in Tag.objects.all():
        for code in LANGUAGES:
            assert tag_article_count(tag=tag, language=code) == public_articles(language=code).filter(tags=tag).count()


@pytest.fixture
def tags(db) -> list[Tag]:
    return [Tag.objects.create(key=f"t{number}", name_en=f"Topic {number}", name_ru=f"Тема {number}",
                               name_kk=f"Тақырып {number}") for number in range(3)]


@pytest.fixture
def tagged(make_article, tags) -> list[Article]:
    articles = [make_article() for _ in range(4)] + [make_article(languages=("en", "ru"))]
    articles[0].tags.add(tags[0], tags[1])
    articles[1].tags.add(tags[0])
    articles[4].tags.set([tags[0], tags[2]])
    tags[1].articles.add(articles[2], articles[3])
    return articles


def test_tags_given_from_either_side_are_counted_at_once(tagged, tags):
    assert_exact()
    assert kept_counts()[tags[0].pk, "en"] == 3 and kept_counts()[tags[0].pk, "kk"] == 2


def test_tags_taken_away_from_either_side_or_cleared_are_counted_at_once(tagged, tags):
    tagged[0].tags.remove(tags[1], tags[2])  # tags[2] was never given: nothing to take off it
    assert_exact()
    tags[1].articles.remove(tagged[2])
    assert_exact()
    tagged[4].tags.clear()
    assert_exact()
    tags[0].articles.clear()
    assert_exact()
    tagged[3].tags.set([tags[0], tags[2]])
    assert_exact()


def test_a_save_that_lists_or_unlists_a_language_moves_its_tags_counts(tagged):
    article = tagged[0]
    article.status_kk = Article.Status.DRAFT
    article.save()
    assert_exact()
    article.body_ru = ""
    article.save()
    assert_exact()
    article.status_kk, article.body_ru = Article.Status.PUBLISHED, "Back."
    article.save()
    assert_exact()
    tagged[4].title_kk, tagged[4].body_kk = "Жаңалық", "Мәтін."
    tagged[4].save()
    assert_exact()


def test_the_services_publishing_and_withdrawing_move_the_counts(tagged):
    services.article_unpublish(articles=Article.objects.filter(pk__in=[tagged[0].pk, tagged[1].pk]))
    assert_exact()
    services.article_publish(articles=Article.objects.filter(pk=tagged[0].pk))
    assert_exact()
    services.article_language_unpublish(articles=Article.objects.filter(pk=tagged[2].pk), language="en")
    assert_exact()
    services.article_language_publish(articles=Article.objects.filter(pk=tagged[2].pk), language="en")
    assert_exact()


def test_deleting_articles_or_a_tag_is_counted_at_once(tagged, tags):
    tagged[0].delete()
    assert_exact()
    Article.objects.filter(pk__in=[tagged[1].pk, tagged[2].pk]).delete()
    assert_exact()
    tags[0].delete()
    assert_exact()


def test_a_scheduled_article_is_counted_on_its_tags_page_once_its_time_has_come(make_article, tags):
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    scheduled.tags.add(tags[0])
    make_article().tags.add(tags[0])
    assert kept_counts()[tags[0].pk, "en"] == 2
    assert tag_article_count(tag=tags[0], language="en") == 1
    assert tag_article_count(tag=tags[0], language="en", now=timezone.now() + timedelta(days=2)) == 2
    assert_exact()


def test_rebuilding_gives_what_the_writes_kept(tagged, tags):
    kept = kept_counts()
    TagCount.objects.all().delete()
    Article.tags.through.objects.bulk_create([Article.tags.through(article=tagged[3], tag=tags[2])])
    call_command("rebuild_article_counts", verbosity=0)
    # tags[2] had one article in English and Russian; the one written around the models is in all three.
    assert kept_counts() == live_counts() == {**kept, (tags[2].pk, "en"): 2, (tags[2].pk, "ru"): 2,
                                              (tags[2].pk, "kk"): 1}


def test_the_tag_page_counts_its_articles_from_the_kept_count_not_the_taggings(client, tagged, tags, settings):
    settings.ARTICLES_PER_PAGE = 1
    html = client.get(tags[0].get_absolute_url("en"), {"page": 3}).content.decode()
    assert "Page 3 of 3" in html
    TagCount.objects.filter(tag=tags[0], language="en").update(count=5)  # what the page shows comes from here
    assert "Page 3 of 5" in client.get(tags[0].get_absolute_url("en"), {"page": 3}).content.decode()


def test_an_import_keeps_the_tag_counts_and_the_sitemap_months_exact(db, tmp_path):
    """New articles from Markdown files go in bulk (one INSERT a batch): their tags and months are counted too."""
    from tests.support import import_articles, write_article

    from .test_archive_months import assert_exact as assert_months_exact

    for number in range(6):
        for language in ("en", "ru", "kk")[: 2 + number % 2]:
            write_article(tmp_path, key=f"story-{number}", language=language, status="published",
                          published_at=f"2025-0{1 + number % 3}-10T09:00:00+05:00",
                          tags={"city": "City", f"topic-{number % 2}": "Topic"})
    import_articles(tmp_path)
    assert Article.objects.count() == 6
    assert kept_counts()[Tag.objects.get(key="city").pk, "kk"] == 3
    assert_exact()
    assert_months_exact()
