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
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from .caching import generation_key
from .conf import conf
from .models import (
    Article,
    ArticleQuerySet,
    Author,
    Section,
    SlugHistory,
    Tag,
    TagCount,
    TranslatedModel,
    language_field,
)

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
    """The published article at ``slug`` (this language's, else another's), with section, bylines and tags.

    Kept in the cache under the content generation, so an edit, a withdrawal or a new byline is seen at once.
    Only hits are kept: a scheduled article turns up by itself when its time comes.
    """
    key = generation_key("published-article", language, slug, generation=generation)
    article = cache.get(key)
    if article is None:
        article = find_by_slug(
            queryset=Article.objects.published().select_related("section").with_bylines().with_tags(),
            slug=slug, language=language,
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


def menu_sections(*, language: str) -> list[Section]:
    """The sections with a public article in ``language``, in their order: the site's section menu (one query)."""
    has_public_article = Exists(Article.objects.public(language).filter(section=OuterRef("pk")))
    return list(Section.objects.filter(has_public_article))


# How many of the latest articles to carry each tag (and of its section's) the related articles are chosen from:
# enough to rank by shared tags, few enough that a tag on 50,000 articles costs what a tag on fifty does.
RELATED_CANDIDATES = 200
# And of how many of the article's tags (the ranking still counts every one it shares): a bound for the rare
# article an editor gave dozens of tags.
RELATED_TAG_POOLS = 20


def related_articles(*, article: Article, language: str, limit: int = 4) -> list[Article]:
    """Up to ``limit`` other public articles in ``language`` that share the most tags with ``article``, then
    others of its section; newest first among equals. Cached under the content generation; one query on a miss.

    ``article`` should come with its tags (``with_tags()``, as ``published_article`` fetches it), else reading
    them costs one more query. The query reads a bounded number of rows whatever the archive's size: of each tag,
    the ``RELATED_CANDIDATES`` articles that were given it last (the highest article ids, read from the tag's
    index alone; of ``RELATED_TAG_POOLS`` tags at most), and as many of the section's newest public articles;
    the publication rule and the ranking apply to those. An old article that shares many tags but was written
    before all of them is left out, which a news page can afford.
    """
    tag_ids = sorted(tag.pk for tag in article.tags.all())
    if not tag_ids and article.section_id is None:
        return []
    key = generation_key("related-articles", article.pk, language)
    related = cache.get(key)
    if related is None:
        # django-stubs cannot type the through model that Django makes for a many-to-many field.
        tagged = Article.tags.through._default_manager  # type: ignore[attr-defined]
        pools: list[QuerySet] = [
            tagged.filter(tag_id=tag_id).order_by("-article_id").values("article_id")[:RELATED_CANDIDATES]
            for tag_id in tag_ids[:RELATED_TAG_POOLS]
        ]
        if article.section_id is not None:
            pools.append(
                public_articles(language=language).filter(section_id=article.section_id)
                .order_by(f"-{language_field('published_at', language)}", "-pk").values("pk")[:RELATED_CANDIDATES]
            )
        related = list(
            public_articles(language=language).exclude(pk=article.pk).filter(pk__in=union_of(pools))
            .annotate(shared_tags=Count("tags", filter=Q(tags__in=tag_ids)))
            .order_by("-shared_tags", f"-{language_field('published_at', language)}", "-pk")[:limit]
        )
        cache.set(key, related, conf.ARTICLES_PAGE_CACHE_SECONDS)
    return related


def union_of(querysets: list[QuerySet]) -> RawSQL:
    """One subquery (a UNION) of the single-column, sliced ``querysets``, each keeping its own ORDER BY and LIMIT.

    Written as SQL around the querysets' own SQL, because Django cannot put a LIMIT inside a UNION on SQLite.
    """
    parts: list[str] = []
    params: list[object] = []
    for number, queryset in enumerate(querysets):
        sql, part_params = queryset.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS pool_{number}")
        params.extend(part_params)
    return RawSQL(" UNION ".join(parts), params)


def public_tag(*, slug: str, language: str) -> Tag | None:
    """The tag at ``slug`` (this language's, else another's, else a former one), if it has a name and a public
    article in ``language``; else None."""
    tag = find_by_slug(queryset=tags_with_public_languages(), slug=slug, language=language)
    if tag is None or not tag.translated("name", language) or language not in public_languages(tag):
        return None
    return tag


def tag_article_count(*, tag: Tag, language: str, now: datetime | None = None) -> int:
    """How many articles ``public_articles(language=language).filter(tags=tag)`` holds, without reading every
    tagging of the tag: its listed articles there (``TagCount``), less those of them still to come (read from the
    language's index from ``now`` on: the scheduled articles, not the archive). Two small queries."""
    time_field = language_field("published_at", language)
    listed = TagCount.objects.filter(tag=tag, language=language).values_list("count", flat=True).first() or 0
    # A listed language always has a time (``Article.settle_language_publication``): those to come are a range.
    coming = Article.objects.listed_in(language).filter(**{f"{time_field}__gt": now or timezone.now()}, tags=tag)
    return listed - coming.count()


def tags_with_public_languages() -> QuerySet[Tag]:
    """Every tag, marked with the languages it has public articles in (read them with ``public_languages``)."""
    return with_public_languages(Tag.objects.all(), article_relation="tags")


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


def public_languages(obj: Section | Author | Tag) -> list[str]:
    """The languages a section, author or tag fetched ``with_public_languages()`` has a public article in."""
    return [code for code in conf.ARTICLES_LANGUAGES if getattr(obj, f"public_in_{code}")]


def next_scheduled_publication(*, after: datetime) -> datetime | None:
    """When the next scheduled language version turns public (its publication time, later than ``after``), or None.

    Pages kept whole must not outlive it: the version appears with no save to renew the content generation. One
    small query per language, each read from the language's partial index.
    """
    times = [
        Article.objects.listed_in(code)
        .filter(**{f"{language_field('published_at', code)}__gt": after})
        .order_by(language_field("published_at", code))
        .values_list(language_field("published_at", code), flat=True)
        .first()
        for code in conf.ARTICLES_LANGUAGES
    ]
    return min((time for time in times if time is not None), default=None)


def kept_page_lifetime(*, now: datetime, at_most: float) -> float:
    """Seconds from ``now`` that a page made now stays true, at most ``at_most``: less when a language version is
    scheduled to turn public sooner (``next_scheduled_publication``). Whole pages and shells are kept for this."""
    scheduled = next_scheduled_publication(after=now)
    if scheduled is None:
        return at_most
    return min(at_most, (scheduled - now).total_seconds())
