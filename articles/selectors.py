"""What readers may see: the public read queries, for views, feeds, sitemaps, counting and commands alike.

The rules themselves live on the queryset — publication in ``ArticleQuerySet.published()``, availability in
``ArticleQuerySet.available_in()``, both at once in ``ArticleQuerySet.public()``; this module only combines them
with what pages fetch alongside (sections, bylines) and the caching that keeps pages cheap.
"""

from datetime import datetime
from functools import reduce
from operator import or_
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from modeltranslation.utils import build_localized_fieldname

from .caching import generation_key
from .conf import conf
from .models import Article, ArticleQuerySet, Author, Section, SlugHistory, TranslatedModel

Translated = TypeVar("Translated", bound=TranslatedModel)


def public_articles(*, language: str) -> ArticleQuerySet:
    """What lists show: published articles available in ``language``, with their section."""
    return Article.objects.public(language).select_related("section")


def article_is_public(*, article_id: int, language: str) -> bool:
    """Whether article ``article_id`` is published and available in ``language`` (one small query)."""
    return Article.objects.public(language).filter(pk=article_id).exists()


def find_by_slug(*, queryset: QuerySet[Translated], slug: str, language: str) -> Translated | None:
    """The object of ``queryset`` whose slug in ``language`` is ``slug``; else one whose slug in another language is;
    else one that had ``slug`` before (``SlugHistory``), this language's former slug first.

    One query when a current slug matches (slugs are unique per language, so at most one row per language does),
    one more only when none does: current slugs win over former ones.
    """
    columns = [build_localized_fieldname("slug", code) for code in conf.ARTICLES_LANGUAGES]
    matches = list(queryset.filter(reduce(or_, (Q(**{column: slug}) for column in columns))))
    own_column = build_localized_fieldname("slug", language)
    if matches:
        return next((obj for obj in matches if getattr(obj, own_column) == slug), matches[0])
    former = SlugHistory.objects.of_model(queryset.model).filter(slug=slug)
    matches = list(queryset.filter(pk__in=former.values("object_id")).annotate(
        former_in_language=Exists(former.filter(language=language, object_id=OuterRef("pk")))
    ))
    return next((obj for obj in matches if getattr(obj, "former_in_language", False)), matches[0] if matches else None)


def published_article(*, slug: str, language: str, generation: int | None = None) -> Article | None:
    """The published article at ``slug`` (this language's, else another's), with section and bylines.

    Kept in the cache under the content generation, so an edit, a withdrawal or a new byline is seen at once.
    Only hits are kept: a scheduled article turns up by itself when its time comes.
    """
    key = generation_key("published-article", language, slug, generation=generation)
    article = cache.get(key)
    if article is None:
        article = find_by_slug(
            queryset=Article.objects.published().select_related("section").with_bylines(), slug=slug, language=language
        )
        if article is not None:
            cache.set(key, article, conf.ARTICLES_PAGE_CACHE_SECONDS)
    return article


def more_from_section(*, article: Article, language: str, limit: int = 4) -> list[Article]:
    """Other recent articles of the same section in this language; cached briefly, one query on a miss."""
    if article.section_id is None:
        return []
    key = generation_key("more-from-section", article.section_id, language)
    recent = cache.get(key)
    if recent is None:
        recent = list(public_articles(language=language).filter(section_id=article.section_id)[: limit + 1])
        cache.set(key, recent, conf.ARTICLES_PAGE_CACHE_SECONDS)
    return [other for other in recent if other.pk != article.pk][:limit]


def sections_with_public_languages() -> QuerySet[Section]:
    """Every section, marked with the languages it has public articles in (read them with ``public_languages``)."""
    return with_public_languages(Section.objects.all(), article_relation="section")


def authors_with_public_languages() -> QuerySet[Author]:
    """Every author, marked with the languages they have public articles in (read them with ``public_languages``)."""
    return with_public_languages(Author.objects.all(), article_relation="bylines__author")


def with_public_languages(queryset: QuerySet[Translated], *, article_relation: str) -> QuerySet[Translated]:
    """Mark each row with the languages it has public articles in, for ``public_languages()``.

    ``article_relation`` leads from an article to the row (``"section"``, ``"bylines__author"``). Adds one
    ``EXISTS`` per language to the query that fetches the rows, so pages and sitemaps ask no more queries.
    """
    return queryset.annotate(**{
        f"public_in_{code}": Exists(Article.objects.public(code).filter(**{article_relation: OuterRef("pk")}))
        for code in conf.ARTICLES_LANGUAGES
    })


def public_languages(obj: Section | Author) -> list[str]:
    """The languages a section or author fetched ``with_public_languages()`` has a public article in."""
    return [code for code in conf.ARTICLES_LANGUAGES if getattr(obj, f"public_in_{code}")]


def next_scheduled_publication(*, after: datetime) -> datetime | None:
    """When the next scheduled article turns public (its publication time, later than ``after``), or None.

    Pages kept whole must not outlive it: the article appears with no save to renew the content generation.
    """
    return (
        Article.objects.published_or_scheduled()
        .filter(published_at__gt=after)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
