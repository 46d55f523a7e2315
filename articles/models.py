"""Authors, sections, tags and articles.

Translated fields are registered in ``translation.py`` (django-modeltranslation adds one column per language,
``title_en``, ``title_ru``, …); this module stays a plain Django model module.
"""

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from functools import cache, reduce
from operator import or_
from typing import ClassVar, Generic, Self, TypeVar

import reversion
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltranslation.utils import build_localized_fieldname as modeltranslation_fieldname

from .conf import conf, language_choices
from .images import renditions_field_name, renditions_update
from .markdown import RENDERER_VERSION, MarkdownRejected, render_markdown
from .markdown.messages import rejection_message
from .slugs import slug_from_title
from .translating.status import outdated_condition, record_translation_sources


@cache
def build_localized_fieldname(field_name: str, language: str) -> str:
    """modeltranslation's name for ``field_name`` in ``language`` (``title_en``), kept once made: it is asked for
    every translated field of every object loaded or shown (thousands of times on a page of the admin's list)."""
    return modeltranslation_fieldname(field_name, language)


def unique_per_language(model_name: str, field_name: str) -> list[models.BaseConstraint]:
    """One unique constraint per language column, so ``slug_ru`` is unique among Russian slugs only.

    The untranslated base column that modeltranslation keeps holds whichever language was active at the last
    save, so it cannot carry the constraint itself. NULL (no translation yet) never collides.
    """
    return [
        models.UniqueConstraint(
            fields=[build_localized_fieldname(field_name, code)],
            name=f"articles_{model_name}_unique_{build_localized_fieldname(field_name, code)}",
        )
        for code in settings.MODELTRANSLATION_LANGUAGES
    ]


def concrete_field(model: type[models.Model], name: str) -> models.Field:
    """``model``'s own field ``name``; the far side of a relation (which has no column here) is FieldDoesNotExist."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise FieldDoesNotExist(f"{model.__name__}.{name} is the far side of a relation, not a field of its own")
    return field


def column_of(model: type[models.Model], field_name: str) -> str:
    """The database column of ``model``'s own field ``field_name``, for the few statements written in SQL."""
    column = concrete_field(model, field_name).column
    if column is None:
        raise FieldDoesNotExist(f"{model.__name__}.{field_name} has no column")
    return column


TranslatedT = TypeVar("TranslatedT", bound="TranslatedModel")


class Translation(Generic[TranslatedT]):
    """One language's text of a translated object, for templates: ``version.title`` is ``title_<language>``."""

    def __init__(self, instance: TranslatedT, language: str) -> None:
        self.instance = instance
        self.language = language

    def __getattr__(self, field_name: str):
        return self.instance.translated(field_name, self.language)


class TranslatedModel(models.Model):
    """Access to one language's value of a translated field, whatever language is active; Markdown fields stored
    rendered, each language re-rendered only when its text changed."""

    # The translated Markdown fields this model stores rendered, each with its HTML field: {"body": "body_html"}.
    markdown_fields: ClassVar[dict[str, str]] = {}
    # Slugs that other objects of an import claim (see ``unique_slug``); set on the instance by the import only.
    claimed_slugs: Mapping[str, Mapping[str, str]]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self.keep_former_slugs()

    def get_absolute_url(self, language: str | None = None) -> str:
        """This object's page in ``language`` (default: the active one)."""
        raise NotImplementedError

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance.remember_rendered_markdown()
        instance.remember_slugs()
        return instance

    def remember_slugs(self) -> None:
        """Note each language's stored slug, so that a save can tell which of them it changes."""
        loaded = self.__dict__
        self._stored_slugs = {
            code: loaded[build_localized_fieldname("slug", code)]
            for code in conf.ARTICLES_LANGUAGES
            if build_localized_fieldname("slug", code) in loaded
        }

    def keep_former_slugs(self) -> None:
        """Keep every slug this save replaced in ``SlugHistory``, so that its old address still leads here (301).

        A former slug already kept for another object of this model passes to this one: the latest owner wins.
        """
        replaced = {
            code: former for code, former in getattr(self, "_stored_slugs", {}).items()
            if former and former != self.translated("slug", code)
        }
        for code, former in replaced.items():
            SlugHistory.objects.update_or_create(
                content_type=ContentType.objects.get_for_model(self), language=code, slug=former,
                defaults={"object_id": self.pk},
            )
        self.remember_slugs()

    def stored_html_is_current(self) -> bool:
        """Whether the stored HTML was made by this ``RENDERER_VERSION``; a model that keeps no version trusts it
        (``render_articles`` renders its HTML again when the renderer changes)."""
        return True

    def remember_rendered_markdown(self) -> None:
        """Note the text each stored HTML field was rendered from, so that a save re-renders only edited ones."""
        loaded = self.__dict__
        self._rendered_from = {
            (field_name, code): loaded[build_localized_fieldname(field_name, code)]
            for field_name, html_field in self.markdown_fields.items()
            for code in conf.ARTICLES_LANGUAGES
            if build_localized_fieldname(field_name, code) in loaded
            and build_localized_fieldname(html_field, code) in loaded
        } if self.stored_html_is_current() else {}

    def forget_rendered_markdown(self) -> None:
        """Make the next save render every language again."""
        self._rendered_from = {}

    def render_markdown_fields(self) -> None:
        """Store each language's edited Markdown as safe HTML, so requests never render Markdown.

        A text unchanged since its HTML was rendered keeps that HTML.
        """
        for field_name, code, text in self.markdown_to_render():
            self.store_rendered(field_name, code, text, render_markdown(text, code))

    def markdown_to_render(self) -> list[tuple[str, str, str]]:
        """``(field name, language, text)`` of each Markdown text the next save would render."""
        rendered = getattr(self, "_rendered_from", {})
        texts = [
            (field_name, code, self.translated(field_name, code) or "")
            for field_name in self.markdown_fields
            for code in conf.ARTICLES_LANGUAGES
        ]
        return [
            (field_name, code, text) for field_name, code, text in texts
            if (field_name, code) not in rendered or (rendered[field_name, code] or "") != text
        ]

    def store_rendered(self, field_name: str, language: str, text: str, html: str) -> None:
        """Store ``html``, rendered from ``text``, as ``field_name``'s HTML in ``language``; the next save keeps it
        (for writers that render many texts at once, in other processes)."""
        setattr(self, build_localized_fieldname(self.markdown_fields[field_name], language), html)
        self._rendered_from = {**getattr(self, "_rendered_from", {}), (field_name, language): text}

    def translated(self, field_name: str, language: str):
        return getattr(self, build_localized_fieldname(field_name, language))

    def in_language(self, language: str) -> Translation[Self]:
        return Translation(self, language)

    def url_by_slug(self, view_name: str, language: str | None = None) -> str:
        """The address of ``view_name`` at this object's slug in ``language`` (default: the active one), or in its
        first language that has a slug."""
        language = language or translation.get_language()
        if not self.translated("slug", language):
            language = next(code for code in conf.ARTICLES_LANGUAGES if self.translated("slug", code))
        with translation.override(language):
            return reverse(view_name, kwargs={"slug": self.translated("slug", language)})

    def first_translation(self, field_name: str, preferred: str | None = None) -> str:
        """The value in ``preferred`` (default: the active language), else in the first language that has one."""
        return first_translation(lambda code: self.translated(field_name, code), preferred)

    def fill_slugs(self, source_field: str) -> None:
        """Make each language's empty slug from that language's ``source_field``; untranslated stays NULL.

        A slug given (spaces trimmed) is kept as it is; a taken one is a form error through the constraints.
        """
        for code in conf.ARTICLES_LANGUAGES:
            slug_field = build_localized_fieldname("slug", code)
            source = self.translated(source_field, code)
            if given := blank_to_none(getattr(self, slug_field)):
                setattr(self, slug_field, given)
                continue
            if not source:
                setattr(self, slug_field, None)
                continue
            setattr(self, slug_field, self.unique_slug(slug_field, slug_from_title(source, code)))

    def unique_slug(self, slug_field: str, base: str) -> str:
        """``base``, or ``base-2``, ``base-3``… — the first one no other row of this model uses, nor claims.

        ``claimed_slugs`` (``{slug field: {slug: key}}``, set by an import on the objects it writes) names slugs
        that files of the same run give other objects, which are saved later.
        """
        max_length = concrete_field(type(self), slug_field).max_length
        others = type(self)._base_manager.exclude(pk=self.pk)
        claimed = getattr(self, "claimed_slugs", {}).get(slug_field, {})
        own_key = getattr(self, "key", None)
        candidate, number = base, 1
        while claimed.get(candidate, own_key) != own_key or others.filter(**{slug_field: candidate}).exists():
            number += 1
            suffix = f"-{number}"
            candidate = (base[: max_length - len(suffix)] if max_length else base) + suffix
        return candidate


def first_translation(value_in: Callable[[str], str | None], preferred: str | None = None) -> str:
    """``value_in(language)`` for ``preferred`` (default: the active language), else for the first language that
    has a value; empty if none has. ``TranslatedModel.first_translation`` asks it of a field of an object; a list
    that reads only the values (``.values_list``) asks it too."""
    languages = [preferred or translation.get_language() or "", *conf.ARTICLES_LANGUAGES]
    for code in languages:
        if code in conf.ARTICLES_LANGUAGES and (value := value_in(code)):
            return value
    return ""


def same_second(first: datetime | None, second: datetime | None) -> bool:
    """Whether two stored times are the same moment as a form shows it (the admin's fields drop microseconds)."""
    return first is not None and second is not None and first.replace(microsecond=0) == second.replace(microsecond=0)


def blank_to_none(value: str | None) -> str | None:
    """Optional unique text (keys, slugs) is stored as NULL, never '', so that many rows can lack one."""
    return value.strip() or None if isinstance(value, str) else value


# The publication times an article may have, the one rule for forms and imports alike. Wider than any newsroom's
# archive or schedule, narrow enough that moving a time to UTC and back never leaves the years 1…9999 that Python
# and PostgreSQL share (year 1 at +05:00 is year 0 in UTC, which PostgreSQL stores and Python cannot read back).
PUBLICATION_TIME_RANGE = (datetime(1800, 1, 1, tzinfo=UTC), datetime(2201, 1, 1, tzinfo=UTC))


def validate_publication_time(value: datetime) -> None:
    """Refuse a publication time outside ``PUBLICATION_TIME_RANGE``."""
    earliest, after_latest = PUBLICATION_TIME_RANGE
    if not earliest <= value < after_latest:
        raise ValidationError(
            _("Enter a publication time between the years %(first)d and %(last)d."),
            code="publication_time_range", params={"first": earliest.year, "last": after_latest.year - 1},
        )


def update_image_renditions(instance: models.Model, field_name: str, update_fields=None) -> None:
    """Make the renditions of the image in ``field_name`` if it is new (``images.renditions_update``), unless the
    save leaves the image or its record out (``update_fields``) or the image was never loaded (deferred)."""
    record_field = renditions_field_name(field_name)
    if field_name in instance.get_deferred_fields() or record_field in instance.get_deferred_fields():
        return
    if update_fields is not None and not {field_name, record_field} <= set(update_fields):
        return
    instance._written_renditions = renditions_update(instance, field_name)  # type: ignore[attr-defined]


def require_one_translation(instance: TranslatedModel, field_name: str) -> None:
    """No language is obligatory (a story may exist only in Kazakh), but one of them must be filled."""
    if not any(instance.translated(field_name, code) for code in conf.ARTICLES_LANGUAGES):
        field = concrete_field(type(instance), field_name)
        raise ValidationError(
            {build_localized_fieldname(field_name, conf.ARTICLES_LANGUAGES[0]): _(
                "Fill in the %(field)s in at least one language."
            ) % {"field": field.verbose_name}}
        )


def validate_markdown(instance: TranslatedModel, field_name: str) -> None:
    """Turn a body the renderer refuses (too long, nested too deep) into a form error on that language's field.

    The error is worded by ``rejection_message``, in the language of whoever reads it.
    """
    errors = {}
    for language in conf.ARTICLES_LANGUAGES:
        try:
            render_markdown(instance.translated(field_name, language) or "", language)
        except MarkdownRejected as rejected:
            errors[build_localized_fieldname(field_name, language)] = ValidationError(
                rejection_message(rejected), code=rejected.code
            )
    if errors:
        raise ValidationError(errors)


# modeltranslation swaps Article's manager for a class it builds at runtime, which django-stubs cannot find to type
# the reverse manager Section.articles (nothing in the app uses it).
class Section(TranslatedModel):  # type: ignore[django-manager-missing]
    key = models.CharField(
        _("key"), max_length=100, unique=True, null=True, blank=True,
        help_text=_("A stable identifier that imports use to find this section again."),
    )
    # Translators: a section's name, a title (Russian «название»), not a person's name.
    name = models.CharField(pgettext_lazy("section", "name"), max_length=100, blank=True)
    # NULL, not '', in a language without a name: the per-language unique constraints let many rows lack one.
    slug = models.SlugField(_("slug"), max_length=100, null=True, blank=True)  # noqa: DJ001
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    former_slugs = GenericRelation("SlugHistory")

    # Declared for the type checker, which cannot see the manager modeltranslation puts in its place.
    objects: ClassVar[models.Manager["Section"]] = models.Manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = unique_per_language("section", "slug")

    def __str__(self) -> str:
        return self.first_translation("name")

    def save(self, *args, **kwargs) -> None:
        self.key = blank_to_none(self.key)
        self.fill_slugs("name")
        super().save(*args, **kwargs)

    def get_absolute_url(self, language: str | None = None) -> str:
        """This section's page in ``language`` (default: the active one), else in its first language."""
        return self.url_by_slug("articles:section_detail", language)

    def clean(self) -> None:
        require_one_translation(self, "name")


class Author(TranslatedModel):
    key = models.CharField(
        _("key"), max_length=100, unique=True, null=True, blank=True,
        help_text=_("A stable identifier that imports use to find this author again."),
    )
    # Translators: a person's full name (not the name of a thing, which Django's own catalogs translate).
    name = models.CharField(pgettext_lazy("person", "name"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)
    bio = models.TextField(_("biography"), blank=True, help_text=_("Markdown."))
    bio_html = models.TextField(editable=False, blank=True)
    photo = models.ImageField(_("photo"), upload_to="authors/", blank=True)
    # The photo in several widths and formats, made when it is saved (articles/images.py says what it holds).
    photo_renditions = models.JSONField(default=dict, blank=True, editable=False)

    # Declared for the type checker, which cannot see the manager modeltranslation puts in its place.
    objects: ClassVar[models.Manager["Author"]] = models.Manager()

    markdown_fields = {"bio": "bio_html"}

    class Meta:
        ordering = ["slug"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self) -> str:
        return self.first_translation("name")

    def save(self, *args, **kwargs) -> None:
        self.key = blank_to_none(self.key)
        if not self.slug:
            # One slug for every language: a person's name transliterates to the same Latin letters everywhere.
            name = self.first_translation("name", preferred=conf.ARTICLES_LANGUAGES[0])
            self.slug = self.unique_slug("slug", slug_from_title(name, ""))
        self.render_markdown_fields()
        self.remember_rendered_markdown()
        update_image_renditions(self, "photo", kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self, language: str | None = None) -> str:
        with translation.override(language or translation.get_language()):
            return reverse("articles:author_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        require_one_translation(self, "name")
        validate_markdown(self, "bio")


class Tag(TranslatedModel):
    """A subject articles share (a city, a topic), named and addressed in each language it has a name in.

    Like a section, a tag has a page per language at its slug in that language; a language without a name has
    no slug (NULL) and no page. The key is what imports find it by.
    """

    key = models.CharField(
        _("key"), max_length=100, unique=True, null=True, blank=True,
        help_text=_("A stable identifier that imports use to find this tag again."),
    )
    # Translators: a tag's name, a word or two (Russian «название»), not a person's name.
    name = models.CharField(pgettext_lazy("tag", "name"), max_length=100, blank=True)
    # NULL, not '', in a language without a name: the per-language unique constraints let many rows lack one.
    slug = models.SlugField(_("slug"), max_length=100, null=True, blank=True)  # noqa: DJ001
    former_slugs = GenericRelation("SlugHistory")

    # Declared for the type checker, which cannot see the manager modeltranslation puts in its place.
    objects: ClassVar[models.Manager["Tag"]] = models.Manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = unique_per_language("tag", "slug")

    def __str__(self) -> str:
        return self.first_translation("name") or self.key or ""

    def save(self, *args, **kwargs) -> None:
        self.key = blank_to_none(self.key)
        self.fill_slugs("name")
        super().save(*args, **kwargs)

    def get_absolute_url(self, language: str | None = None) -> str:
        """This tag's page in ``language`` (default: the active one), else in its first language."""
        return self.url_by_slug("articles:tag_detail", language)

    def clean(self) -> None:
        require_one_translation(self, "name")


# An article is available in a language when all of these are filled in that language.
AVAILABILITY_FIELDS = ("title", "body")


def available_condition(language: str) -> models.Q:
    """The condition ``ArticleQuerySet.available_in`` filters by, and the per-language indexes are made for."""
    condition = models.Q()
    for field_name in AVAILABILITY_FIELDS:
        column = build_localized_fieldname(field_name, language)
        condition &= models.Q(**{f"{column}__isnull": False}) & ~models.Q(**{column: ""})
    return condition


def language_field(field_name: str, language: str) -> str:
    """The column of ``language``'s own publication state (``status``) or time (``published_at``):
    ``status_kk``, ``published_at_kk``; the article's ``status`` and ``published_at`` are the master switch."""
    return build_localized_fieldname(field_name, language)


def listed_condition(language: str) -> models.Q:
    """``public(language)`` without its time: the article published (the master switch), its ``language`` version
    published (now or scheduled) and available. The per-language indexes are made for this condition."""
    return (
        models.Q(status="published")
        & models.Q(**{language_field("status", language): "published"})
        & available_condition(language)
    )


def public_somewhere_condition(moment: datetime) -> models.Q:
    """``published()``: the article listed in some language whose time has come by ``moment``."""
    return reduce(or_, (
        listed_condition(code) & models.Q(**{f"{language_field('published_at', code)}__lte": moment})
        for code in conf.ARTICLES_LANGUAGES
    ))


def waiting_somewhere_condition(moment: datetime) -> models.Q:
    """The article listed in some language whose time is still to come at ``moment``, or not set: what a scheduled
    article has (it is also public nowhere). One branch per language and case, each the range of a per-language
    index, so that PostgreSQL reads the few entries after ``moment`` (a bitmap OR) instead of the table."""
    return reduce(or_, (
        listed_condition(code) & models.Q(**{f"{language_field('published_at', code)}__{lookup}": value})
        for code in conf.ARTICLES_LANGUAGES
        for lookup, value in (("gt", moment), ("isnull", True))
    ))


def draft_condition() -> models.Q:
    """The article listed in no language: a draft (``Article.publication_state()``), and what
    ``articles_draft_idx`` holds."""
    return ~reduce(or_, (listed_condition(code) for code in conf.ARTICLES_LANGUAGES))


def published_in_language_indexes() -> list[models.Index]:
    """One partial index per language over the articles a reader may see there, newest (in that language) first.

    Lists, their page counts, feeds, sitemaps and the "most read" lists read these instead of the whole table.
    The condition is ``listed_condition``: ``public()``'s without its time (an index condition cannot hold
    ``now()``), so PostgreSQL and SQLite both see that a query implies it. ``section_id`` and ``updated_at`` ride
    along so that counting a section's page and dating a sitemap need no table rows; ``view_count`` stays out, so
    that counting a view remains a HOT update.
    """
    return [
        models.Index(
            fields=[language_field("published_at", code), "id", "section_id", "updated_at"],
            condition=listed_condition(code),
            name=f"articles_public_{code}_idx",
        )
        for code in settings.MODELTRANSLATION_LANGUAGES
    ]


def listed_by_id_indexes() -> list[models.Index]:
    """One partial index per language over the same articles as ``published_in_language_indexes``, by id (with the
    language's time): whether an article found another way (an author's bylines) is public there is read from the
    index alone, so that an author's page and the authors' sitemap cost that author's articles, not the archive's."""
    return [
        models.Index(
            fields=["id", language_field("published_at", code)], condition=listed_condition(code),
            name=f"articles_listed_{code}_by_id",
        )
        for code in settings.MODELTRANSLATION_LANGUAGES
    ]


# A common estimate of silent reading on screen; Russian and Kazakh words are longer, but so are English ones in news.
READING_WORDS_PER_MINUTE = 200
UPDATE_SHOWN_AFTER = timedelta(minutes=1)


def missing_in_language_indexes() -> list[models.Index]:
    """One partial index per language over the articles missing there (the admin's "missing in" filter), newest
    first: its count and pages read these few entries instead of the table. Made for ``missing_in``'s condition."""
    return [
        models.Index(
            fields=["published_at", "id"], condition=~available_condition(code), name=f"articles_missing_{code}_idx"
        )
        for code in settings.MODELTRANSLATION_LANGUAGES
    ]


def outdated_in_language_indexes() -> list[models.Index]:
    """One partial index per language over the articles whose translation there is outdated (the admin's
    "outdated in" filter, ``translation_outdated_in``), newest first: a worklist, which stays small however large
    the archive grows."""
    return [
        models.Index(
            fields=["published_at", "id"], condition=available_condition(code) & outdated_condition(code),
            name=f"articles_outdated_{code}_idx",
        )
        for code in settings.MODELTRANSLATION_LANGUAGES
    ]


class ArticleQuerySet(models.QuerySet["Article"]):
    """The publication rule, in one place (``Article.public_languages`` is its Python twin).

    An article is public in a language when the article is published (its own ``status``: the master switch,
    withdrawn means every language), its version in that language is published (``status_<language>``) with a
    time that has come (``published_at_<language>``), and it is available there (title and body filled). A future
    time schedules a language: it turns public by itself then, with no job to run.
    """

    def public(self, language: str, *, now: datetime | None = None) -> "ArticleQuerySet":
        """What readers of ``language`` may see (at ``now``, default: now), newest in that language first."""
        time_column = language_field("published_at", language)
        return self.listed_in(language).filter(**{f"{time_column}__lte": now or timezone.now()}).order_by(
            f"-{time_column}", "-pk"
        )

    def listed_in(self, language: str) -> "ArticleQuerySet":
        """``public(language)`` without its time: public there now or turning public by itself later.

        For stores that cannot hold ``now()`` (the search index): they keep this and the language's time, and
        compare the time when asked.
        """
        return self.filter(listed_condition(language))

    def published(self, *, now: datetime | None = None) -> "ArticleQuerySet":
        """Articles public in at least one language (at ``now``, default: now): what an article page may show."""
        return self.filter(public_somewhere_condition(now or timezone.now()))

    def in_publication_state(self, state: "PublicationState", *, now: datetime | None = None) -> "ArticleQuerySet":
        """The articles whose ``Article.publication_state()`` is ``state``: the same rule, in SQL.

        Each state is a condition on the row itself, with no subquery over the table, so that a few scheduled or
        draft articles among 100,000 are read from the indexes made for them: scheduled ones from the
        per-language indexes (a language listed with a time to come, or none), drafts from
        ``articles_draft_idx``.
        """
        moment = now or timezone.now()
        if state == PublicationState.PUBLISHED:
            return self.published(now=moment)
        if state == PublicationState.SCHEDULED:
            return self.filter(waiting_somewhere_condition(moment) & ~public_somewhere_condition(moment))
        return self.filter(draft_condition())

    def available_in(self, language: str) -> "ArticleQuerySet":
        """Articles that have every field ``Article.AVAILABILITY_FIELDS`` names filled in ``language``."""
        return self.filter(available_condition(language))

    def with_tags(self) -> "ArticleQuerySet":
        """Fetch each article's tags in one more query for the whole list."""
        return self.prefetch_related(models.Prefetch("tags", queryset=Tag.objects.order_by("pk")))

    def missing_in(self, language: str) -> "ArticleQuerySet":
        """Articles that are not ``available_in(language)``: some field of ``AVAILABILITY_FIELDS`` is empty there."""
        return self.filter(~available_condition(language))

    def with_bylines(self) -> "ArticleQuerySet":
        """Fetch each article's authors, in byline order, in one more query for the whole list."""
        return self.prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )


class PublicationState(models.TextChoices):
    """What an article is to readers now, as the admin shows it: ``Article.publication_state()``."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")


# Declared, rather than ``ArticleQuerySet.as_manager()``, so that the type checker knows the manager's class:
# modeltranslation replaces it at runtime with a subclass that django-stubs cannot see.
ArticleManager = models.Manager.from_queryset(ArticleQuerySet)


class Article(TranslatedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    AVAILABILITY_FIELDS = AVAILABILITY_FIELDS

    key = models.CharField(
        _("key"), max_length=100, unique=True, null=True, blank=True,
        help_text=_("A stable identifier that imports use to find this article again."),
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    # NULL, not '', in a language without a title: the per-language unique constraints let many rows lack one.
    slug = models.SlugField(  # noqa: DJ001
        _("slug"), max_length=200, null=True, blank=True,
        help_text=_("Part of the address. Left empty, it is made from the title."),
    )
    lead = models.TextField(_("lead"), blank=True, help_text=_("One or two sentences that sum up the story."))
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    body_html_version = models.PositiveSmallIntegerField(editable=False, default=0)
    cover = models.ImageField(
        _("cover image"), upload_to="covers/%Y/%m/", blank=True,
        width_field="cover_width", height_field="cover_height",
    )
    # Stored on upload so pages can give the image's size without opening the file on every request.
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_alt = models.CharField(
        _("cover alt text"), max_length=300, blank=True,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    cover_caption = models.CharField(_("cover caption"), max_length=500, blank=True)
    cover_credit = models.CharField(
        _("cover credit"), max_length=200, blank=True,
        help_text=_("Who made the image, shown beside the caption, e.g. “Photo: Aigerim Sadykova”."),
    )
    # The cover in several widths and formats, made when it is saved (articles/images.py says what it holds).
    cover_renditions = models.JSONField(default=dict, blank=True, editable=False)
    authors = models.ManyToManyField(
        Author, through="Byline", related_name="articles", verbose_name=_("authors")
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, null=True, blank=True, related_name="articles",
        verbose_name=_("section"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("publication time"), null=True, blank=True, db_index=True, validators=[validate_publication_time],
        help_text=_("A time in the future schedules the article: it becomes public by itself then."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Written only by atomic UPDATEs in services.py; save() leaves it out so an editor's save never rewinds it.
    view_count = models.PositiveBigIntegerField(_("views"), default=0, editable=False)
    source_language = models.CharField(
        _("original language"), max_length=10, blank=True, choices=language_choices,
        help_text=_("The language the article was written in; translations are measured against it. "
                    "Left empty, it is the first language with a title."),
    )
    # What translating/status.py compares: the source text's fingerprint now, and per language the one it was
    # translated from. Written by save(), never by forms.
    source_fingerprint = models.CharField(max_length=16, blank=True, editable=False)
    translated_from = models.JSONField(default=dict, blank=True, editable=False)
    former_slugs = GenericRelation("SlugHistory")

    objects: ClassVar["ArticleManager[Article]"] = ArticleManager()

    markdown_fields = {"body": "body_html"}

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", _("Can publish and unpublish articles"))]
        constraints = unique_per_language("article", "slug")
        indexes = [
            models.Index(fields=["status", "published_at"], name="articles_published_idx"),
            *published_in_language_indexes(),
            *missing_in_language_indexes(),
            *listed_by_id_indexes(),
            *outdated_in_language_indexes(),
            models.Index(fields=["published_at", "id"], condition=draft_condition(), name="articles_draft_idx"),
        ]

    def __str__(self) -> str:
        return self.first_translation("title")

    def save(self, *args, **kwargs) -> None:
        self.prepare_to_save(update_fields=kwargs.get("update_fields"))
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "view_count"
            ]
        # Every save keeps a revision (articles/revisions.py says what it holds); one who knows more about the
        # save (the admin, an import, a restore) opens an outer block that names the user and the cause. A caller
        # that manages revisions manually (``revisions_in_bulk``: an import's batches) adds the revision itself.
        if reversion.is_active() and reversion.is_manage_manually():
            super().save(*args, **kwargs)
            return
        with reversion.create_revision():
            super().save(*args, **kwargs)
        self.remember_publication_times()

    def get_absolute_url(self, language: str | None = None) -> str:
        """This article's address in ``language`` (default: the active one), else in its first language."""
        return self.url_by_slug("articles:article_detail", language)

    def prepare_to_save(self, *, update_fields=None) -> None:
        """Set what every save derives before writing: key, slugs, publication states, rendered bodies,
        translation records and cover renditions. ``save`` calls it; so does a writer that inserts many new
        articles at once (``bulk_create``), before inserting them."""
        self.key = blank_to_none(self.key)
        self.fill_slugs("title")
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.settle_language_publication()
        self.render_body()
        record_translation_sources(self)
        update_image_renditions(self, "cover", update_fields)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance.remember_publication_times()
        return instance

    def remember_publication_times(self) -> None:
        """Note the article's and each language's stored time, so that a save can tell which of them it changes."""
        loaded = self.__dict__
        self._stored_published_at = loaded.get("published_at")
        self._stored_language_times = {
            code: loaded.get(language_field("published_at", code)) for code in conf.ARTICLES_LANGUAGES
        }

    def settle_language_publication(self) -> None:
        """Give each language version of a published article an explicit state, as saves always leave it.

        A language without a state of its own (``status_<language>`` empty: new, or never decided) that is
        available follows the article: published at the article's time. A language published without a time is
        published now. Languages that shared the article's time move with it when that time changes.
        """
        stored_time = getattr(self, "_stored_published_at", None)
        stored_language_times = getattr(self, "_stored_language_times", {})
        for code in conf.ARTICLES_LANGUAGES:
            status_field, time_field = language_field("status", code), language_field("published_at", code)
            status, time = getattr(self, status_field) or None, getattr(self, time_field)
            if status is None and self.status == self.Status.PUBLISHED and code in self.available_languages():
                status, time = self.Status.PUBLISHED, self.published_at
            elif same_second(time, stored_language_times.get(code)) and same_second(time, stored_time):
                time = self.published_at or time
            if status == self.Status.PUBLISHED and time is None:
                time = timezone.now()
            setattr(self, status_field, status)
            setattr(self, time_field, time)

    def clean(self) -> None:
        require_one_translation(self, "title")
        validate_markdown(self, "body")

    def stored_html_is_current(self) -> bool:
        return self.body_html_version == RENDERER_VERSION

    def render_body(self) -> None:
        """Store each edited language's body as safe HTML (``render_markdown_fields``).

        A body unchanged since it was rendered by this ``RENDERER_VERSION`` keeps its HTML; ``render_articles``
        re-renders everything when the renderer changes.
        """
        self.render_markdown_fields()
        self.body_html_version = RENDERER_VERSION
        self.remember_rendered_markdown()

    def publication_state(self, now: datetime | None = None) -> PublicationState:
        """Published (public in at least one language now), scheduled (a language will turn public by itself) or
        draft: ``published()``'s rule for one article. The admin's list shows this; its filter asks the SQL twin,
        ``in_publication_state``."""
        return publication_state_of(self.language_states(now).values())

    def available_languages(self) -> list[str]:
        """The languages this article has text in: those where every availability field is filled.

        What translators and the admin ask (``ArticleQuerySet.available_in`` is its queryset twin); what readers
        may see asks ``public_languages()``, which requires this too.
        """
        return [
            code for code in conf.ARTICLES_LANGUAGES
            if all(self.translated(field_name, code) for field_name in self.AVAILABILITY_FIELDS)
        ]

    def public_languages(self, now: datetime | None = None) -> list[str]:
        """The languages readers may see this article in at ``now`` (default: now): ``ArticleQuerySet.public``'s
        rule, in Python. The language switcher, hreflang, the fallback and the sitemaps' alternates ask it."""
        if self.status != self.Status.PUBLISHED:
            return []
        moment = now or timezone.now()
        return [
            code for code in self.available_languages()
            if self.translated("status", code) == self.Status.PUBLISHED
            and (time := self.translated("published_at", code)) is not None and time <= moment
        ]

    def language_state(self, language: str, now: datetime | None = None) -> str:
        """``language``'s version as editors see it: one of ``LANGUAGE_STATES``' keys."""
        return self.state_among(language, self.available_languages(), now or timezone.now())

    def language_states(self, now: datetime | None = None) -> dict[str, str]:
        """Each language's ``language_state``, in ``ARTICLES_LANGUAGES`` order; the available languages found once
        (the admin's list asks this for every row)."""
        available, moment = self.available_languages(), now or timezone.now()
        return {code: self.state_among(code, available, moment) for code in conf.ARTICLES_LANGUAGES}

    def state_among(self, language: str, available: Collection[str], now: datetime) -> str:
        """``language_state``, the article's ``available_languages()`` given."""
        if language not in available:
            return "missing"
        if self.status != self.Status.PUBLISHED or self.translated("status", language) != self.Status.PUBLISHED:
            return "draft"
        time = self.translated("published_at", language)
        return "scheduled" if time is None or time > now else "published"

    def display_language(self, requested: str, *, preview: bool = False) -> str | None:
        """The language to show this article in to a reader of ``requested``.

        ``requested`` when the article is public in it; else the first public language of the configured
        fallback chain (``ARTICLES_FALLBACK_LANGUAGES``); else its first public language; None if none. A
        ``preview`` (staff) chooses among the languages it has text in instead.
        """
        shown = self.available_languages() if preview else self.public_languages()
        chain = [requested, *conf.ARTICLES_FALLBACK_LANGUAGES.get(requested, []), *shown]
        return next((code for code in chain if code in shown), None)

    def reading_minutes(self, language: str) -> int:
        """About how many minutes the body in ``language`` takes to read, at ``READING_WORDS_PER_MINUTE``; at
        least one."""
        words = len((self.translated("body", language) or "").split())
        return max(1, round(words / READING_WORDS_PER_MINUTE))

    def updated_after_publishing(self, language: str | None = None) -> bool:
        """Whether the article was saved again once it was public (a correction, an addition) in ``language``
        (default: the article's own publication time): pages then say when. Saves within ``UPDATE_SHOWN_AFTER`` of
        publishing are the publishing itself."""
        published_at = self.translated("published_at", language) if language else self.published_at
        return published_at is not None and self.updated_at - published_at > UPDATE_SHOWN_AFTER

    def byline(self) -> list[Author]:
        """The authors in byline order (uses ``with_bylines()``'s prefetch when there is one)."""
        return [byline.author for byline in self.bylines.all()]


def publication_state_of(language_states: Iterable[str]) -> PublicationState:
    """The article's state given its languages' (``Article.language_states()``): published if public in one,
    else scheduled if one will turn public by itself, else draft."""
    states = set(language_states)
    if "published" in states:
        return PublicationState.PUBLISHED
    if "scheduled" in states:
        return PublicationState.SCHEDULED
    return PublicationState.DRAFT


# What editors see of each language version (``Article.language_state``), in the admin's list and form.
LANGUAGE_STATES = {
    "published": _("published"),
    "scheduled": _("scheduled"),
    "draft": _("draft"),
    "missing": _("missing"),
}


def add_language_publication_fields(model: type[models.Model]) -> None:
    """Give ``model`` a publication state and time per language, ``status_<language>`` and
    ``published_at_<language>``, for the languages the migrations have columns for (as modeltranslation does).

    Not registered with modeltranslation: they are no translations of one value, and ``published_at`` itself stays
    the article's own time, which its languages take when they follow it.
    """
    for code in settings.MODELTRANSLATION_LANGUAGES:
        model.add_to_class(language_field("status", code), models.CharField(
            format_lazy("{} [{}]", _("status"), code), max_length=20, null=True, blank=True,
            choices=Article.Status.choices,
            help_text=_("Empty: as the article, published at its time when the article is."),
        ))
        model.add_to_class(language_field("published_at", code), models.DateTimeField(
            format_lazy("{} [{}]", _("publication time"), code), null=True, blank=True,
            validators=[validate_publication_time],
            help_text=_("Published without a time, this language is published now; a future time schedules it."),
        ))


add_language_publication_fields(Article)


class SlugHistoryQuerySet(models.QuerySet):
    def of_model(self, model: type[models.Model]) -> "SlugHistoryQuerySet":
        """The former slugs of ``model``'s objects."""
        return self.filter(content_type=ContentType.objects.get_for_model(model))


class SlugHistory(models.Model):
    """A slug an article or a section had in a language before it changed, so that its address answers with a
    permanent redirect to the current one. Current slugs win: ``selectors.find_by_slug`` asks here only when no
    object has the slug now."""

    # The unique constraint's index starts with the content type, so the foreign key needs no index of its own.
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, db_index=False)
    object_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("content_type", "object_id")
    language = models.CharField(_("language"), max_length=10)
    slug = models.SlugField(_("former slug"), max_length=200, db_index=False)
    replaced_at = models.DateTimeField(_("replaced"), auto_now=True)

    objects = SlugHistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("former slug")
        verbose_name_plural = _("former slugs")
        # Its index serves the lookup by model and slug, whatever the language.
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "slug", "language"], name="articles_slug_history_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.slug}"


def name_article_tags() -> None:
    """Name the rows that tie articles to tags in the editor's language: Django names them "Article-tag
    relationship" and each one "Article_tags object (1)", in English whatever the language, and a tag's or an
    article's delete confirmation lists them."""
    through: type[models.Model] = Article.tags.through
    through._meta.verbose_name, through._meta.verbose_name_plural = _("tag of an article"), _("tags of articles")

    def describe(row) -> str:
        return f"{row.article} — {row.tag}"

    through.__str__ = describe  # type: ignore[method-assign]


name_article_tags()


class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines", verbose_name=_("article"))
    # The index below starts with the author, so the foreign key needs no index of its own.
    author = models.ForeignKey(
        Author, on_delete=models.PROTECT, related_name="bylines", verbose_name=_("author"), db_index=False
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="articles_byline_unique_author")
        ]
        # An author's articles from the index alone (their page, the authors' sitemap, the admin's author filter).
        indexes = [models.Index(fields=["author", "article"], name="articles_byline_by_author")]

    def __str__(self) -> str:
        return str(self.author)


class ArticleDailyViews(models.Model):
    """Readers' views of one article in one language on one day (the site's local day).

    Written only by ``articles.counting`` with atomic upserts; ``Article.view_count`` holds the all-time total.
    """

    # The unique constraint's index starts with the article, so the foreign key needs no index of its own.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="daily_views", db_index=False, verbose_name=_("article")
    )
    language = models.CharField(_("language"), max_length=10)
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        ordering = ["-day", "language"]
        verbose_name = _("daily views")
        verbose_name_plural = _("daily views")
        constraints = [
            models.UniqueConstraint(fields=["article", "language", "day"], name="articles_daily_views_unique")
        ]
        # "Most read in this language lately"; views stays out of every index so that counting is a HOT update.
        indexes = [models.Index(fields=["language", "day"], name="articles_daily_views_recent")]

    def __str__(self) -> str:
        return f"{self.article_id} · {self.language} · {self.day}: {self.views}"


class ViewCountFlush(models.Model):
    """One batch of views moved from Redis to the database; its id makes applying a batch twice impossible."""

    id = models.CharField(primary_key=True, max_length=100)
    views = models.PositiveBigIntegerField(default=0)
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("view count flush")
        verbose_name_plural = _("view count flushes")

    def __str__(self) -> str:
        return self.id


class ArchiveMonth(models.Model):
    """How many articles are listed in one language in one month (UTC) of their publication time there, and when
    the latest of them changed: the sitemap index's rollup, so that it need not count the whole archive.

    Listed (``ArticleQuerySet.listed_in``), not public: a scheduled article counts in the month it is scheduled
    for, so a month that has passed holds exactly its public articles with no write when their time comes; the
    sitemap index reads the current month live. Written only by ``articles.archive_months``, after every write of
    an article; ``manage.py rebuild_article_counts`` makes it again from the articles.
    """

    language = models.CharField(_("language"), max_length=10)
    month = models.DateField(_("month"))
    count = models.PositiveIntegerField(_("articles"), default=0)
    lastmod = models.DateTimeField(_("last change"), null=True, blank=True)

    class Meta:
        ordering = ["language", "-month"]
        verbose_name = _("month of the archive")
        verbose_name_plural = _("months of the archive")
        constraints = [models.UniqueConstraint(fields=["language", "month"], name="articles_archive_month_unique")]

    def __str__(self) -> str:
        return f"{self.language} · {self.month:%Y-%m}: {self.count}"


class TagCount(models.Model):
    """How many of a tag's articles are listed in one language (``ArticleQuerySet.listed_in``: public there, or
    scheduled to be): the tag page's count, less its scheduled articles, without reading every tagging.

    Written only by ``articles.tag_counts``, by every change of an article's listing or tags;
    ``manage.py rebuild_article_counts`` makes it again from the articles.
    """

    # The unique constraint's index starts with the tag, so the foreign key needs no index of its own.
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="counts", db_index=False,
                            verbose_name=_("tag"))
    language = models.CharField(_("language"), max_length=10)
    count = models.IntegerField(_("articles"), default=0)

    class Meta:
        verbose_name = _("articles of a tag")
        verbose_name_plural = _("articles of tags")
        constraints = [models.UniqueConstraint(fields=["tag", "language"], name="articles_tag_count_unique")]

    def __str__(self) -> str:
        return f"{self.tag_id} · {self.language}: {self.count}"


# Slugs that an address carries as they are (no percent-encoding), and what stands for one while the rest of an
# article's address is reversed.
PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
SLUG_PLACEHOLDER = "slug-placeholder"


class ArticleAddresses:
    """Articles' addresses in the active language, as ``get_absolute_url()`` gives them, for pages that list many.

    ``reverse()`` per article was most of a sitemap file's time and a tenth of a page of search results: the
    language's article prefix is reversed once per language, and the slug, which holds only characters that a
    URL carries as they are, is put into it. Other slugs, and articles without one in that language, go through
    ``get_absolute_url()``.
    """

    def __init__(self) -> None:
        self.parts: dict[str, list[str]] = {}

    def __call__(self, article: "Article") -> str:
        language = translation.get_language()
        slug = article.translated("slug", language)
        if not slug or not PLAIN_SLUG.fullmatch(slug):
            return article.get_absolute_url(language)
        if language not in self.parts:
            self.parts[language] = reverse("articles:article_detail", kwargs={"slug": SLUG_PLACEHOLDER}).split(
                SLUG_PLACEHOLDER
            )
        before, after = self.parts[language]
        return f"{before}{slug}{after}"
