from datetime import timedelta

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


def test_public_articles_are_the_published_ones_available_in_the_language(make_article):
    public = make_article(languages=("en", "kk"))
    make_article(languages=("kk",))
    make_article(languages=("en",), status=Article.Status.DRAFT, published_at=None)
    make_article(languages=("en",), published_at=timezone.now() + timedelta(hours=1))
    assert list(public_articles(language="en")) == [public]
    assert article_is_public(article_id=public.pk, language="kk")
    assert not article_is_public(article_id=public.pk, language="ru")


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
