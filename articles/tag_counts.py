"""How many of each tag's articles are listed in each language (``TagCount``), kept exact by every change of an
article's listing or of its tags, so that a tag page counts its articles without reading every tagging.

Counts move by deltas in the writer's transaction (``UPDATE … SET count = count + n``, atomic under concurrent
writers): a save that lists or unlists an article in a language moves each of its tags' counts there
(``article_before_save``/``article_saved``), adding or removing tags moves those tags' counts
(``article_tags_changed``, either side of the relation), deleting an article takes it off its tags
(``article_before_delete``), and the services' bulk ``update()``s go through ``tag_counts_kept``. Writers that
bypass all of them (``bulk_create`` of articles or taggings, SQL, a data migration) call ``tag_counts_rebuild``
(``manage.py rebuild_article_counts``).
"""

from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import contextmanager

from django.db import models
from django.db.models import BooleanField, Count, ExpressionWrapper, F

from .conf import conf
from .models import Article, TagCount, listed_condition

Changes = Counter[tuple[int, str]]  # (tag id, language) → how many articles more (or fewer)


def listed_languages(article: Article) -> set[str]:
    """The languages ``article`` is listed in by its own (unsaved) values: ``listed_condition`` in Python."""
    if article.status != Article.Status.PUBLISHED:
        return set()
    return {code for code in article.available_languages() if article.translated("status", code) == "published"}


def stored_listed_languages(article_ids: Collection[int]) -> dict[int, set[str]]:
    """The languages each of these articles is listed in as stored (one query)."""
    if not article_ids:
        return {}
    languages = list(conf.ARTICLES_LANGUAGES)
    rows = Article._base_manager.filter(pk__in=article_ids).annotate(**{
        f"listed_{code}": ExpressionWrapper(listed_condition(code), output_field=BooleanField())
        for code in languages
    }).values_list("pk", *(f"listed_{code}" for code in languages))
    return {pk: {code for code, listed in zip(languages, flags, strict=True) if listed} for pk, *flags in rows}


def tags_of(article_ids: Collection[int]) -> dict[int, set[int]]:
    # django-stubs cannot type the through model that Django makes for a many-to-many field.
    through: type[models.Model] = Article.tags.through
    tags: dict[int, set[int]] = {}
    for article_id, tag_id in through._default_manager.filter(article_id__in=article_ids).values_list(
        "article_id", "tag_id"
    ):
        tags.setdefault(article_id, set()).add(tag_id)
    return tags


def tag_counts_add(changes: Changes) -> None:
    """Move each ``(tag, language)`` count by its delta: the rows made if missing, then one ``UPDATE`` per
    language and delta."""
    changes = Counter({key: delta for key, delta in changes.items() if delta})
    if not changes:
        return
    TagCount.objects.bulk_create(
        [TagCount(tag_id=tag_id, language=code) for tag_id, code in sorted(changes)], ignore_conflicts=True
    )
    groups: dict[tuple[str, int], list[int]] = {}
    for (tag_id, code), delta in sorted(changes.items()):
        groups.setdefault((code, delta), []).append(tag_id)
    for (code, delta), tag_ids in groups.items():
        TagCount.objects.filter(language=code, tag_id__in=tag_ids).update(count=F("count") + delta)


def listing_changes(before: dict[int, set[str]], after: dict[int, set[str]], tags: dict[int, set[int]]) -> Changes:
    changes: Changes = Counter()
    for article_id, tag_ids in tags.items():
        for code in before.get(article_id, set()) ^ after.get(article_id, set()):
            delta = 1 if code in after.get(article_id, set()) else -1
            for tag_id in tag_ids:
                changes[tag_id, code] += delta
    return changes


@contextmanager
def tag_counts_kept(*, article_ids: Collection[int]) -> Iterator[None]:
    """Around a bulk ``update()`` of these articles (no signals): move their tags' counts as their listing moved."""
    before = stored_listed_languages(article_ids)
    yield
    after = stored_listed_languages(article_ids)
    changed = [pk for pk in article_ids if before.get(pk, set()) != after.get(pk, set())]
    if changed:
        tag_counts_add(listing_changes(before, after, tags_of(changed)))


def tag_counts_rebuild(
    *, article_model: type[models.Model] = Article, tag_count_model: type[models.Model] = TagCount,
    languages: Collection[str] | None = None,
) -> int:
    """Count every tag's listed articles again (one grouped query per language); return how many counts there
    are. The models may be a migration's."""
    tag_count_model._base_manager.all().delete()
    through = article_model.tags.through  # type: ignore[attr-defined]
    rows = [
        tag_count_model(tag_id=row["tag_id"], language=code, count=row["count"])
        for code in (conf.ARTICLES_LANGUAGES if languages is None else languages)
        for row in through._base_manager.filter(
            article__in=article_model._base_manager.filter(listed_condition(code)).values("pk")
        ).order_by().values("tag_id").annotate(count=Count("pk"))
    ]
    tag_count_model._base_manager.bulk_create(rows)
    return len(rows)


def article_before_save(sender, instance: Article, **kwargs) -> None:
    """Signal receiver: note the languages the article is listed in as stored, which its save may change."""
    if instance.pk is None or instance._state.adding:
        instance._listed_before_save = set()  # type: ignore[attr-defined]
        return
    instance._listed_before_save = stored_listed_languages([instance.pk]).get(  # type: ignore[attr-defined]
        instance.pk, set()
    )


def article_saved(sender, instance: Article, created: bool = False, **kwargs) -> None:
    """Signal receiver: move the article's tags' counts in each language its save listed or unlisted it in (a
    new article has no tags yet: adding them counts it)."""
    before: set[str] = getattr(instance, "_listed_before_save", set())
    after = listed_languages(instance)
    if created or before == after:
        return
    tag_counts_add(listing_changes({instance.pk: before}, {instance.pk: after}, tags_of([instance.pk])))


def article_before_delete(sender, instance: Article, **kwargs) -> None:
    """Signal receiver: take a deleted article off its tags' counts (its taggings go with it, sending no signal)."""
    listed = stored_listed_languages([instance.pk])
    tag_counts_add(listing_changes(listed, {}, tags_of([instance.pk])))


def article_tags_changed(sender, instance, action: str, reverse: bool, pk_set: set[int] | None, **kwargs) -> None:
    """Signal receiver (``m2m_changed`` of ``Article.tags``, either side): count articles onto the tags they are
    given and off those taken away. The pairs that will go are read before they go (``pre_remove``, ``pre_clear``):
    Django names the ids asked for, which need not all be there."""
    through = sender._default_manager
    own, other = ("tag_id", "article_id") if reverse else ("article_id", "tag_id")
    if action in ("pre_remove", "pre_clear"):
        pairs = through.filter(**{own: instance.pk})
        if action == "pre_remove":
            pairs = pairs.filter(**{f"{other}__in": pk_set or ()})
        instance._tags_going = set(pairs.values_list(other, flat=True))
        return
    if action == "post_add":
        others, delta = set(pk_set or ()), 1
    elif action in ("post_remove", "post_clear"):
        others, delta = getattr(instance, "_tags_going", set()), -1
    else:
        return
    if not others:
        return
    changes: Changes = Counter()
    if reverse:  # a tag given to (or taken from) articles
        for languages in stored_listed_languages(others).values():
            for code in languages:
                changes[instance.pk, code] += delta
    else:
        for code in stored_listed_languages([instance.pk]).get(instance.pk, set()):
            for tag_id in others:
                changes[tag_id, code] += delta
    tag_counts_add(changes)
