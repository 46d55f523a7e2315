from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article
from articles.selectors import (
    article_is_public,
    authors_with_public_languages,
    find_by_slug,
    public_articles,
    public_languages,
    sections_with_public_languages,
)

from .support import KEPT_BACK, keep_back


def test_public_articles_are_the_published_ones_available_in_the_language(make_article):
    public = make_article(languages=("en", "kk"))
    make_article(languages=("kk",))
    make_article(languages=("en",), status=Article.Status.DRAFT, published_at=None)
    make_article(languages=("en",), published_at=timezone.now() + timedelta(hours=1))
    assert list(public_articles(language="en")) == [public]
    assert article_is_public(article_id=public.pk, language="kk")
    assert not article_is_public(article_id=public.pk, language="ru")


@pytest.mark.parametrize("how", KEPT_BACK)
def test_a_language_version_kept_back_is_no_public_article_there_nor_makes_its_section_or_author_public(
    make_article, section, how
):
    author = make_article.author()
    article = keep_back(make_article(section=section, authors=[author]), "kk", how)
    assert list(public_articles(language="kk")) == [] and list(public_articles(language="ru")) == [article]
    assert not article_is_public(article_id=article.pk, language="kk")
    assert public_languages(sections_with_public_languages().get(pk=section.pk)) == ["en", "ru"]
    assert public_languages(authors_with_public_languages().get(pk=author.pk)) == ["en", "ru"]


def test_find_by_slug_prefers_this_languages_slug_and_else_takes_anothers(make_article):
    english = make_article(languages=("en",), title_en="Budget")
    russian = make_article(languages=("ru",), title_ru="Budget")
    articles = Article.objects.all()
    assert find_by_slug(queryset=articles, slug="budget", language="ru") == russian
    assert find_by_slug(queryset=articles, slug="budget", language="kk") in {english, russian}
    assert find_by_slug(queryset=articles, slug="nowhere", language="en") is None


def test_sections_and_authors_know_the_languages_they_have_public_articles_in(make_article, section):
    author = make_article.author()
    make_article(languages=("ru",), section=section, authors=[author])
    make_article(languages=("en",), section=section, authors=[author], status=Article.Status.DRAFT)
    assert public_languages(sections_with_public_languages().get(pk=section.pk)) == ["ru"]
    assert public_languages(authors_with_public_languages().get(pk=author.pk)) == ["ru"]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_an_authors_articles_and_languages_are_read_from_the_indexes_from_their_bylines(make_article):
    """Their cost is the author's articles, not the archive's (docs/performance.md, "an author's page"). At 100,000
    articles the planner also checks each of the articles on ``articles_listed_<lang>_by_id``; on a few rows it may
    walk the language's list instead."""
    author = make_article.author()
    make_article(authors=[author])

    def plan(queryset) -> str:
        sql, params = queryset.query.sql_with_params()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_hashjoin = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())

    languages = plan(authors_with_public_languages().filter(pk=author.pk))
    articles = plan(public_articles(language="en").filter(bylines__author=author).values("pk"))
    for shown in (languages, articles):
        assert "articles_byline_by_author" in shown, shown
    assert {"articles_listed_en_by_id", "articles_listed_ru_by_id", "articles_listed_kk_by_id"} <= set(
        languages.split()
    ), languages
