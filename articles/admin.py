"""The editors' admin: one language switch per article form (tabs per field elsewhere), availability and
publication state at a glance, publishing kept to those allowed."""

from collections.abc import Collection, Iterable
from datetime import MAXYEAR, datetime
from typing import Any, Literal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property, lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationAdmin
from modeltranslation.utils import build_localized_fieldname

from .admin_list import format_cell, list_rows
from .admin_translators import TranslatorWorklistMixin
from .conf import conf
from .counting.selectors import daily_views
from .markdown import MarkdownRejected, render_markdown
from .markdown.messages import rejection_message
from .models import (
    LANGUAGE_STATES,
    Article,
    Author,
    Byline,
    PublicationState,
    Section,
    Tag,
    first_translation,
    language_field,
    publication_state_of,
)
from .revision_history import article_revision_entries, article_version, language_diff
from .revisions import LANGUAGE_PUBLICATION_FIELDS, TEXT_FIELDS
from .roles import translator_languages
from .search import ADMIN_SEARCH_LIMIT, article_ids_matching
from .services import (
    article_language_publish,
    article_language_unpublish,
    article_publish,
    article_restore,
    article_save,
    article_unpublish,
)
from .translating.status import TranslationStatus, translation_outdated_in, translation_statuses
from .uploads import ImageUploadField

PUBLISH_PERMISSION = "articles.publish_article"
# Covers and photos are checked against the upload limits (articles/uploads.py) before Django opens the image.
IMAGE_UPLOAD_OVERRIDES: dict[type[models.Field], dict[str, Any]] = {models.ImageField: {"form_class": ImageUploadField}}


def translated_search_fields(*field_names: str) -> list[str]:
    """Search a translated field in every language, not only in the editor's own."""
    return [
        build_localized_fieldname(field_name, code)
        for field_name in field_names
        for code in conf.ARTICLES_LANGUAGES
    ]


def language_name(code: str) -> str:
    """The name the site gives language ``code``, in the active language."""
    return str(dict(settings.LANGUAGES).get(code, code))


def language_names() -> list[tuple[str, str]]:
    """The app's languages with the names the site gives them."""
    names = dict(settings.LANGUAGES)
    return [(code, str(names.get(code, code))) for code in conf.ARTICLES_LANGUAGES]


def language_publication_rows() -> list[tuple[str, str]]:
    """Each language's publication state and time, side by side in the article form."""
    return [(language_field("status", code), language_field("published_at", code)) for code in conf.ARTICLES_LANGUAGES]


def language_actions() -> list:
    """"Publish selected articles: <language>" and "Withdraw selected articles: <language>" for each language."""
    return [language_action(publish, code) for code in conf.ARTICLES_LANGUAGES for publish in (True, False)]


def language_action(publish: bool, language: str):
    """An admin action that publishes (or withdraws) the selected articles' ``language`` version, for those who
    may publish."""
    # Worded when shown, in the editor's language, not when this module is imported.
    description = lazy(lambda: (
        gettext("Publish selected articles: %(language)s") if publish
        else gettext("Withdraw selected articles: %(language)s")
    ) % {"language": language_name(language)}, str)()

    @admin.action(description=description, permissions=["publish"])
    def action(modeladmin, request, queryset) -> None:
        if publish:
            count = article_language_publish(articles=queryset, language=language)
            message = ngettext("%(count)d article published (%(language)s).",
                               "%(count)d articles published (%(language)s).", count)
        else:
            count = article_language_unpublish(articles=queryset, language=language)
            message = ngettext("%(count)d article withdrawn (%(language)s).",
                               "%(count)d articles withdrawn (%(language)s).", count)
        modeladmin.message_user(
            request, message % {"count": count, "language": language_name(language)}, messages.SUCCESS
        )

    action.__name__ = f"{'publish' if publish else 'withdraw'}_{language}"
    return action


def language_publication(article: Article, states: dict[str, str]) -> str:
    """Each language's state (``states``: ``article.language_states()``) and a scheduled one's time; the missing
    left out."""
    return SafeString(" · ".join(
        format_cell(
            '<span class="language-{}" data-state="{}">{}&nbsp;{}{}</span>', state, state, code.upper(),
            LANGUAGE_STATES[state],
            f" {date_format(timezone.localtime(time), 'SHORT_DATETIME_FORMAT')}"
            if state == "scheduled" and (time := article.translated("published_at", code)) else "",
        )
        for code, state in states.items()
        if state != "missing"
    ))


class TranslatorLimitsMixin:
    """Translators (see roles.py) edit only their languages' translated fields; the rest is read-only to them."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        languages = translator_languages(request.user)
        if languages is None:
            return readonly
        # Read-only fields are not part of the form, so a crafted POST cannot set them either.
        editable = {build_localized_fieldname(name, code) for name in self.trans_opts.fields for code in languages}
        return readonly + [
            field.name for field in [*self.model._meta.fields, *self.model._meta.many_to_many]
            if field.editable and not field.primary_key and field.name not in editable
            and field.name not in readonly and field.name not in self.trans_opts.fields
        ]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if translator_languages(request.user) is not None:
            # The list's editable columns are untranslated fields, read-only to translators here as in the form.
            changelist.list_editable = ()
        return changelist


class MarkdownPreviewMixin(admin.ModelAdmin):
    """A live preview beside each Markdown field, made by the same function that renders the page.

    ``markdown_preview.js`` posts the text of a ``body_<language>`` or ``bio_<language>`` field to
    ``…/preview-markdown/`` and shows the safe HTML that comes back.
    """

    @property
    def media(self) -> forms.Media:
        return super().media + forms.Media(
            js=["articles/admin/markdown_preview.js"], css={"all": ["articles/admin/markdown_preview.css"]},
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name.split("_")[0] in ("body", "bio"):
            # The preview is a small page of its own that reads the site's stylesheet, so it looks like the page.
            field.widget.attrs["data-preview-stylesheet"] = static("articles/site.css")
            field.widget.attrs["data-preview-title"] = gettext("Preview as on the site")
        return field

    def get_urls(self):
        opts = self.model._meta
        preview = path(
            "preview-markdown/",
            self.admin_site.admin_view(self.preview_markdown),
            name=f"{opts.app_label}_{opts.model_name}_preview_markdown",
        )
        return [preview, *super().get_urls()]

    def preview_markdown(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseBadRequest()
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        language = request.POST.get("language", "")
        if language not in conf.ARTICLES_LANGUAGES:
            return HttpResponseBadRequest("Unknown language.")
        try:
            html = render_markdown(request.POST.get("text", ""), language)
        except MarkdownRejected as rejected:
            return HttpResponseBadRequest(rejection_message(rejected), content_type="text/plain; charset=utf-8")
        response = HttpResponse(html)
        response["Cache-Control"] = "no-store"
        return response


@admin.register(Section)
class SectionAdmin(TranslatorLimitsMixin, TabbedTranslationAdmin):
    list_display = ["__str__", "key", "position"]
    list_editable = ["position"]
    search_fields = translated_search_fields("name")


@admin.register(Tag)
class TagAdmin(TranslatorLimitsMixin, TabbedTranslationAdmin):
    list_display = ["__str__", "key", "article_count"]
    search_fields = [*translated_search_fields("name"), "key"]

    def get_queryset(self, request):
        # A subquery per row shown, rather than a GROUP BY over every tagging, which counting the list would read.
        taggings = Article.tags.through._default_manager
        per_tag = taggings.filter(tag_id=OuterRef("pk")).order_by().values("tag_id").annotate(count=Count("*"))
        return super().get_queryset(request).annotate(
            article_count=Coalesce(Subquery(per_tag.values("count")), 0)
        )

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, tag: Tag) -> int:
        return tag.article_count  # type: ignore[attr-defined]  # annotated by get_queryset


@admin.register(Author)
class AuthorAdmin(MarkdownPreviewMixin, TranslatorLimitsMixin, TabbedTranslationAdmin):
    list_display = ["__str__", "key", "slug"]
    search_fields = [*translated_search_fields("name"), "key", "slug"]
    formfield_overrides = IMAGE_UPLOAD_OVERRIDES


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    min_num = 1
    autocomplete_fields = ["author"]
    verbose_name = _("author")
    verbose_name_plural = _("authors, in byline order")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(field.widget, "widget", None) if field is not None else None
        if isinstance(widget, AutocompleteSelect) and widget.i18n_name is None:
            # Select2 has no Kazakh: Django then writes lang="None" on the input, an invalid language tag.
            widget.i18n_name = ""
        if field is not None:
            # A table's inputs have column headings, not labels: name each (article_form.js passes the author's
            # name on to Select2's box).
            (widget or field.widget).attrs["aria-label"] = capfirst(db_field.verbose_name)
        return field

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        add_fields = formset.add_fields

        def add_fields_named(self, form, index):
            add_fields(self, form, index)
            if "DELETE" in form.fields:
                form.fields["DELETE"].widget.attrs["aria-label"] = gettext("Delete")

        formset.add_fields = add_fields_named
        return formset


class PublicationStateFilter(admin.SimpleListFilter):
    """Draft, scheduled or published, by ``Article.publication_state()``'s rule (``in_publication_state``)."""

    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return PublicationState.choices

    def queryset(self, request, queryset):
        if self.value() == PublicationState.SCHEDULED:
            # The schedule is a few articles, read in one query from the per-language indexes. As a list of ids the
            # planner knows how few; as a condition it guesses, and then walks the whole table in publication order
            # to fill a page of them (at 100,000 articles: 200 ms instead of 20).
            scheduled = Article.objects.in_publication_state(PublicationState.SCHEDULED)
            return queryset.filter(pk__in=list(scheduled.values_list("pk", flat=True)))
        if self.value() in PublicationState.values:
            return queryset.in_publication_state(PublicationState(self.value()))
        return queryset


class SectionFilter(admin.SimpleListFilter):
    title = _("section")
    parameter_name = "section"

    def lookups(self, request, model_admin):
        return [(str(section.pk), str(section)) for section in Section.objects.all()]

    def queryset(self, request, queryset):
        if (self.value() or "").isdigit():
            return queryset.filter(section_id=int(self.value()))
        return queryset


class AuthorFilter(admin.SimpleListFilter):
    """An author's articles, by a subquery on bylines: no join over the list, so no DISTINCT over the table."""

    title = _("author")
    parameter_name = "author"

    def lookups(self, request, model_admin):
        # Their names only: the list shows every author, whose biographies and photos it has no use for.
        names = [build_localized_fieldname("name", code) for code in conf.ARTICLES_LANGUAGES]
        return [
            (str(pk), first_translation(dict(zip(conf.ARTICLES_LANGUAGES, values, strict=True)).get))
            for pk, *values in Author.objects.values_list("pk", *names)
        ]

    def queryset(self, request, queryset):
        if (self.value() or "").isdigit():
            return queryset.filter(pk__in=Byline.objects.filter(author_id=int(self.value())).values("article_id"))
        return queryset


class MissingTranslationFilter(admin.SimpleListFilter):
    title = _("missing in")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(code, name) for code, name in settings.LANGUAGES if code in conf.ARTICLES_LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in conf.ARTICLES_LANGUAGES:
            return queryset.missing_in(self.value())
        return queryset


class OutdatedTranslationFilter(MissingTranslationFilter):
    title = _("outdated in")
    parameter_name = "outdated"

    def queryset(self, request, queryset):
        if self.value() in conf.ARTICLES_LANGUAGES:
            return translation_outdated_in(queryset, self.value())
        return queryset


TRANSLATION_MARKS = {
    TranslationStatus.ORIGINAL: "●",
    TranslationStatus.UP_TO_DATE: "✓",
    TranslationStatus.OUTDATED: "↻",
    TranslationStatus.MISSING: "—",
}


class ArticleChangeList(ChangeList):
    """The admin's change list of articles.

    A date drill-down beyond the calendar (``?published_at__year=99999999999``) is treated as any other bad
    filter — "?e=1" — instead of an OverflowError or a year-10000 ValueError (a 500). The rows leave out the
    rendered bodies, which no column shows.
    """

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(
            *(build_localized_fieldname("body_html", code) for code in conf.ARTICLES_LANGUAGES)
        )

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error

    def rows(self) -> list:
        """The rows as Django's ``results()`` gives them to the list's template, written by ``admin_list.list_rows``
        (``{% article_result_list %}`` asks)."""
        return list_rows(self)

    def url_for_result(self, result) -> str:
        # Reversed once for the list, not once for each of its hundred rows; the same address (reverse() leaves the
        # admin-quoted digits of an id as they are).
        pk = getattr(result, self.pk_attname)
        if not isinstance(pk, int):
            return super().url_for_result(result)
        before, after = self.change_url_parts
        return f"{before}/{pk}/{after}"

    @cached_property
    def change_url_parts(self) -> tuple[str, str]:
        before, after = super().url_for_result(self.model(pk=0)).rsplit("/0/", 1)
        return before, after

    def publication_dates(self) -> "PublicationDates":
        """What the date drill-down asks of the list, asked so that it costs the same at any size of the archive."""
        return PublicationDates(self.queryset, count=self.result_count)


# A filtered list of at most this many articles is read whole (through its filters' indexes) for its date
# drill-down; a larger one has articles all along the publication time's index.
FEW_ARTICLES = 5000


class PublicationDates:
    """The date drill-down's questions about a list of articles (Django's ``date_hierarchy`` asks its queryset): the
    first and last publication time, and the years or months that have articles.

    Django asks ``MIN``/``MAX`` and a ``DISTINCT`` of the truncated time over the whole list. At 100,000 articles the
    years' ``DISTINCT`` reads every row (100 ms); and for a few articles gathered at one end of the archive (the
    scheduled ones) the planner answers ``MIN`` by walking the publication time's index from the other end, through
    every article (250 ms). Here a list of at most ``FEW_ARTICLES`` is read whole, which its filters' indexes make
    cheap; a longer one has its years or months found one at a time, each the first article from the start of the
    next period on (a step of the index), as many queries as periods, however many articles they hold.
    """

    def __init__(self, queryset: models.QuerySet, *, count: int) -> None:
        self.queryset = queryset
        self.few = count <= FEW_ARTICLES
        self.count = count

    def aggregate(self, **aggregates) -> dict[str, Any]:
        if not self.count:
            return dict.fromkeys(aggregates)
        if self.few:
            # A subquery with a LIMIT is planned on its own: its rows are found first, then aggregated.
            return self.queryset.order_by()[: self.count].aggregate(**aggregates)
        return self.queryset.aggregate(**aggregates)

    def datetimes(self, field_name: str, kind: Literal["year", "month", "day"], *args, **kwargs) -> Iterable[datetime]:
        if self.few or kind not in ("year", "month"):
            return self.queryset.datetimes(field_name, kind, *args, **kwargs)
        periods: list[datetime] = []
        start = None
        while True:
            following = self.queryset.filter(**(
                {f"{field_name}__gte": start} if start else {f"{field_name}__isnull": False}
            ))
            first = following.order_by(field_name).values_list(field_name, flat=True).first()
            if first is None:
                return periods
            local = timezone.localtime(first)
            period = local.replace(month=1 if kind == "year" else local.month, day=1, hour=0, minute=0, second=0,
                                   microsecond=0)
            periods.append(period)
            if kind == "year" or period.month == 12:
                if period.year == MAXYEAR:
                    return periods
                start = period.replace(year=period.year + 1, month=1)
            else:
                start = period.replace(month=period.month + 1)


def field_errors(form, *, anchor: str, label: str | None = None) -> list[tuple[str, str, str]]:
    """``form``'s errors as (its field's id, or ``anchor`` for the form's own; ``label`` or the field's; message)."""
    errors = []
    for name, messages_ in form.errors.items():
        field = form.fields.get(name)
        target = form[name].id_for_label if field is not None else anchor
        about = label or (str(field.label) if field is not None else "")
        errors += [(target or anchor, about, str(message)) for message in messages_]
    return errors


class PublicationTimeWidget(AdminSplitDateTime):
    """Django's date and time inputs, named, and described by the field's help text. Django points them at a
    time-zone warning that its script adds only when the editor's clock differs from the site's: a reference to
    nothing, otherwise (an HTML error, and nothing for a screen reader to read)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # The admin gives the help text an id after the field's label id, which Django 5.2 leaves empty here.
        label_id = self.id_for_label((attrs or {}).get("id") or f"id_{name}")
        labels = [context.get("date_label", ""), context.get("time_label", "")]
        for widget, label in zip(context["widget"]["subwidgets"], labels, strict=False):
            # Django 5.2 writes "Date:" and "Time:" as bare text, which labels neither input.
            widget["attrs"]["aria-label"] = str(label).rstrip(":")
            if label_id:
                widget["attrs"]["aria-describedby"] = f"{label_id}_helptext"
            else:
                widget["attrs"].pop("aria-describedby", None)
        return context


@admin.register(Article)
class ArticleAdmin(TranslatorWorklistMixin, MarkdownPreviewMixin, TranslatorLimitsMixin, TranslationAdmin):
    list_display = [
        "cover_thumbnail", "__str__", "section", "byline_names", "publication", "view_count", "translations",
    ]
    list_display_links = ["__str__"]
    list_filter = [
        PublicationStateFilter, SectionFilter, AuthorFilter, MissingTranslationFilter, OutdatedTranslationFilter,
    ]
    list_select_related = ["section"]
    # One count of the filtered rows per page, not a second one of the whole table.
    show_full_result_count = False
    # These show the search box; get_search_results does the searching, through the site's search engine.
    search_fields = ["title", "lead", "body", "key"]
    search_help_text = _("Words of the title, lead or body in any language, or part of a title or key.")
    date_hierarchy = "published_at"
    actions = ["publish", "unpublish", *language_actions()]
    inlines = [BylineInline]
    autocomplete_fields = ["tags"]
    formfield_overrides = IMAGE_UPLOAD_OVERRIDES
    readonly_fields = [
        "view_count", "created_at", "updated_at", "site_links", "translation_status", "views_per_day",
        "language_publication",
    ]
    # The default "View on site" button knows one language; site_links shows one link per language instead.
    view_on_site = False
    # What an editor sets first comes first (the authors' inline follows it: see the template); then the text.
    fieldsets = [
        (_("Publication"), {"fields": [("section", "status"), "published_at", "tags"]}),
        (_("Text"), {"fields": ["title", "slug", "lead", "body"]}),
        # Each language's own state and time: below the text, so that the authors stay near the top.
        (_("Publication in each language"), {"fields": ["language_publication", *language_publication_rows()]}),
        (_("Cover image"), {"fields": ["cover", "cover_alt", "cover_caption", "cover_credit"]}),
        (_("Translation"), {"fields": ["source_language", "translation_status"]}),
        (_("On the site"), {
            "fields": ["key", "site_links", "view_count", "views_per_day", "created_at", "updated_at"],
        }),
    ]
    change_form_template = "admin/articles/article/change_form.html"

    @property
    def media(self) -> forms.Media:
        return super().media + forms.Media(
            js=["articles/admin/article_form.js"], css={"all": ["articles/admin/article_admin.css"]},
        )

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    # Without the navigation sidebar (the breadcrumbs lead back), the list's columns and the form's text have the
    # width: at 1280px every column shows and titles wrap over two or three lines, not six.
    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"is_nav_sidebar_enabled": False, **(extra_context or {})})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(
            request, object_id, form_url, {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )

    def get_search_results(self, request, queryset, search_term):
        """Titles, leads and bodies in every language through the site's search engine (its ids), and part of a
        title in any language or of a key as typed."""
        term = search_term.strip()
        if not term:
            return queryset, False
        ids, more = article_ids_matching(text=term, limit=ADMIN_SEARCH_LIMIT)
        if more:
            self.message_user(request, ngettext(
                "Many articles match: the list holds the newest %(count)d match in each language.",
                "Many articles match: the list holds the newest %(count)d matches in each language.",
                ADMIN_SEARCH_LIMIT,
            ) % {"count": ADMIN_SEARCH_LIMIT}, messages.INFO)
        typed = Q(key__icontains=term)
        for code in conf.ARTICLES_LANGUAGES:
            typed |= Q(**{f"{build_localized_fieldname('title', code)}__icontains": term})
        return queryset.filter(Q(pk__in=ids) | typed), False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name.startswith("lead"):
            # A lead is one or two sentences: a short box, not the body's.
            field.widget.attrs["rows"] = 3
        is_time = isinstance(db_field, models.DateTimeField) and db_field.name.startswith("published_at")
        if field is not None and is_time:
            field.widget = PublicationTimeWidget()
        wrapped = getattr(field.widget, "widget", None) if field is not None else None
        if isinstance(wrapped, AutocompleteSelectMultiple):
            # Select2 has no Kazakh: Django then writes lang="None" on the input, an invalid language tag.
            wrapped.i18n_name = wrapped.i18n_name or ""
            # Select2's search box takes the select's name (article_form.js): axe wants every input labelled.
            wrapped.attrs["aria-label"] = capfirst(db_field.verbose_name)
        if field is not None and isinstance(db_field, models.FileField):
            # Django puts the file input in a fieldset whose legend names it, which is no label for the input.
            field.widget.attrs["aria-label"] = capfirst(db_field.verbose_name)
        return field

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(
            language_switch=self.language_switch(obj, confined_to=translator_languages(request.user)),
            # Each language's own publication state and time follow the switch too.
            translated_fields=[*self.trans_opts.fields, *LANGUAGE_PUBLICATION_FIELDS],
            availability_fields=Article.AVAILABILITY_FIELDS,
            error_summary=self.error_summary(context["adminform"].form, context.get("inline_admin_formsets", [])),
        )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def language_switch(
        self, article: Article | None, confined_to: Collection[str] | None = None,
    ) -> list[dict[str, Any]]:
        """The form's languages, each with its state as last saved: complete (the original or an up-to-date
        translation), incomplete (title or body missing) or outdated; article_form.js keeps it current. The form
        opens in the first language, or a translator's (``confined_to``) first."""
        statuses = translation_statuses(article) if article is not None and article.pk else {}
        states = {TranslationStatus.MISSING: "incomplete", TranslationStatus.OUTDATED: "outdated"}
        first = next((code for code in conf.ARTICLES_LANGUAGES if confined_to is None or code in confined_to),
                     conf.ARTICLES_LANGUAGES[0])
        return [
            {
                "code": code, "name": name, "pressed": code == first,
                "state": states.get(statuses.get(code, TranslationStatus.MISSING), "complete"),
            }
            for code, name in language_names()
        ]

    def error_summary(self, form, inline_admin_formsets) -> list[tuple[str, str, str]]:
        """Every error of the form and its inlines as (the id to link to, what it is about, the message)."""
        summary = field_errors(form, anchor="content-main")
        for inline in inline_admin_formsets:
            group = f"{inline.formset.prefix}-group"
            label = str(inline.opts.verbose_name_plural)
            summary += [(group, label, str(message)) for message in inline.formset.non_form_errors()]
            for inline_form in inline.formset.forms:
                summary += field_errors(inline_form, anchor=group, label=str(inline.opts.verbose_name))
        return summary

    def save_model(self, request, obj, form, change) -> None:
        article_save(article=obj, user=request.user)

    def get_urls(self):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.revision_compare_view), name=f"{prefix}_revision_compare",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                self.admin_site.admin_view(self.revision_restore_view), name=f"{prefix}_revision_restore",
            ),
            *super().get_urls(),
        ]

    def restorable_languages(self, request, article: Article) -> list[str]:
        """The languages ``request.user`` may restore: those they may change (a translator, only theirs)."""
        if not self.has_change_permission(request, article):
            return []
        confined = translator_languages(request.user)
        return [code for code in conf.ARTICLES_LANGUAGES if confined is None or code in confined]

    def revisions_context(self, request, article: Article, **context) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "article": article,
            "history_url": self.history_url(article),
            **context,
        }

    def history_url(self, article: Article) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[article.pk])

    def revised_article(self, request, object_id: str) -> Article:
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def history_view(self, request, object_id, extra_context=None):
        """The article's revisions, newest first: when, by whom, why, what changed; compare two; restore one."""
        article = self.revised_article(request, object_id)
        languages = self.restorable_languages(request, article)
        field_names = {name: Article._meta.get_field(name).verbose_name for name in TEXT_FIELDS}
        entries = [
            (entry, [(code.upper(), ", ".join(str(field_names[name]) for name in fields))
                     for code, fields in entry.changes.items()])
            for entry in article_revision_entries(article=article)
        ]
        return TemplateResponse(request, "admin/articles/article/revisions.html", self.revisions_context(
            request, article, title=gettext("Revisions: %(article)s") % {"article": article}, entries=entries,
            restorable=[(code, name) for code, name in language_names() if code in languages],
            can_restore_all=languages == list(conf.ARTICLES_LANGUAGES),
        ))

    def revision_compare_view(self, request, object_id):
        """Two revisions of the article side by side: each language's changed fields as a line diff."""
        article = self.revised_article(request, object_id)
        chosen = [request.GET.get("older", ""), request.GET.get("newer", "")]
        versions = [
            article_version(article=article, version_id=int(value)) if value.isdigit() else None for value in chosen
        ]
        if None in versions:
            self.message_user(request, gettext("Choose two revisions of this article to compare."), messages.ERROR)
            return HttpResponseRedirect(self.history_url(article))
        older, newer = sorted(versions, key=lambda version: version.pk)
        field_names = {name: Article._meta.get_field(name).verbose_name for name in TEXT_FIELDS}
        diffs = [
            (code, name, [(field_names[field], diff) for field, diff in
                          language_diff(older=older, newer=newer, language=code)])
            for code, name in language_names()
        ]
        return TemplateResponse(request, "admin/articles/article/revision_compare.html", self.revisions_context(
            request, article, title=gettext("Compare revisions: %(article)s") % {"article": article},
            older=older, newer=newer, diffs=diffs,
        ))

    def revision_restore_view(self, request, object_id, version_id):
        """Restore one language (``language``) or all (``language=all``) from a revision, if the user may."""
        if request.method != "POST":
            return HttpResponseBadRequest(gettext("Restoring needs a POST request."))
        article = self.revised_article(request, object_id)
        version = article_version(article=article, version_id=version_id)
        if version is None:
            raise PermissionDenied
        allowed = self.restorable_languages(request, article)
        asked = request.POST.get("language", "")
        languages = list(conf.ARTICLES_LANGUAGES) if asked == "all" else [asked]
        if not allowed or not set(languages) <= set(allowed):
            raise PermissionDenied
        article_restore(article=article, version=version, languages=languages, user=request.user)
        self.message_user(request, gettext("The text of %(date)s is back: %(languages)s.") % {
            "date": date_format(version.revision.date_created, "DATETIME_FORMAT"),
            "languages": ", ".join(code.upper() for code in languages),
        }, messages.SUCCESS)
        return HttpResponseRedirect(reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[article.pk]
        ))

    def can_publish(self, request) -> bool:
        return request.user.has_perm(PUBLISH_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.can_publish(request):
            # Read-only fields are not part of the form, so a crafted POST cannot set them either.
            readonly += ["status", "published_at", *(name for row in language_publication_rows() for name in row)]
        return readonly

    def has_change_permission(self, request, obj=None) -> bool:
        # Without the right to publish, a published article is the editors' to change: what is live stays as
        # they approved it.
        # Translators may still bring the translations of a live article up to date: their languages' text is
        # all they can change.
        if (
            obj is not None and obj.status == Article.Status.PUBLISHED and not self.can_publish(request)
            and translator_languages(request.user) is None
        ):
            return False
        return super().has_change_permission(request, obj)

    def action_checkbox(self, article: Article) -> SafeString:
        """Django's checkbox to select the row, written as Django's widget writes it, without rendering the
        widget's templates for each row (a third of a row's time)."""
        return format_cell(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME, article.pk,
            format_cell(gettext("Select this object for an action - {}"), str(article)),
        )

    @admin.display(description=_("cover"), empty_value="")
    def cover_thumbnail(self, article: Article) -> str:
        if not article.cover:
            return ""
        return format_cell(
            '<img class="cover-thumbnail" src="{}" alt="" width="64" height="{}" loading="lazy">',
            article.cover.url, round(64 * (article.cover_height or 1) / (article.cover_width or 1)) or 36,
        )

    @admin.display(description=_("status"), ordering="published_at")
    def publication(self, article: Article) -> str:
        """The article's state and time; below, each language's, when the languages are not all in that state."""
        # Each language's state found once for the row, then shown in both places.
        states = article.language_states()
        state = publication_state_of(states.values())
        shown = format_cell('<span class="publication-state" data-state="{}">{}</span>', state.value, state.label)
        if article.published_at is not None:
            shown = format_cell(
                '{} <time datetime="{}">{}</time>', shown, article.published_at.isoformat(timespec="seconds"),
                date_format(timezone.localtime(article.published_at), "SHORT_DATETIME_FORMAT"),
            )
        if set(states.values()) - {"missing", state.value}:
            shown = format_cell('{}<br><small>{}</small>', shown, language_publication(article, states))
        return shown

    @admin.display(description=_("authors"))
    def byline_names(self, article: Article) -> str:
        return ", ".join(str(author) for author in article.byline())

    @admin.display(description=_("translations"))
    def translations(self, article: Article) -> str:
        return SafeString(" ".join(
            format_cell(
                '<span class="translation-{}" data-status="{}" title="{}">{}&nbsp;{}</span>',
                "missing" if status == TranslationStatus.MISSING else "available",
                status.value, status.label, code.upper(), TRANSLATION_MARKS[status],
            )
            for code, status in translation_statuses(article).items()
        ))

    @admin.display(description=_("translation status"))
    def translation_status(self, article: Article) -> str:
        if article.pk is None:
            return "—"
        names = dict(settings.LANGUAGES)
        return format_html_join(
            mark_safe("<br>"), '<span data-status="{}">{}: {}</span>',
            (
                (status.value, names.get(code, code), status.label)
                for code, status in translation_statuses(article).items()
            ),
        )

    @admin.display(description=_("views per day"))
    def views_per_day(self, article: Article) -> str:
        """The last 30 days' views in each language, newest day first (one query; days without views left out)."""
        breakdown = daily_views(article_id=article.pk) if article.pk else []
        if not breakdown:
            return gettext("No views in the last 30 days.")
        languages = conf.ARTICLES_LANGUAGES
        rows = format_html_join("", '<tr><th scope="row">{}</th>{}<td>{}</td></tr>', (
            (
                date_format(day, "SHORT_DATE_FORMAT"),
                format_html_join("", "<td>{}</td>", ((views.get(code, 0),) for code in languages)),
                sum(views.values()),
            )
            for day, views in breakdown
        ))
        return format_html(
            '<table class="daily-views"><thead><tr><th scope="col">{}</th>{}<th scope="col">{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            _("day"), format_html_join("", '<th scope="col">{}</th>', ((code.upper(),) for code in languages)),
            _("total"), rows,
        )

    @admin.display(description=_("view on site"))
    def site_links(self, article: Article) -> str:
        if article.pk is None:
            return "—"
        available = article.available_languages()
        if not available:
            return gettext("Not available in any language yet: fill in a title and a body.")
        return format_html_join(
            " · ", '<a href="{}" target="_blank" rel="noopener">{}</a>',
            ((article.get_absolute_url(code), code.upper()) for code in available),
        )

    @admin.display(description=_("in each language"))
    def language_publication(self, article: Article) -> str:
        """Each language's state (published, scheduled with its time, draft), as readers will meet it."""
        if article.pk is None:
            return "—"
        return language_publication(article, article.language_states())

    @admin.action(description=_("Publish selected articles"), permissions=["publish"])
    def publish(self, request, queryset) -> None:
        count = article_publish(articles=queryset)
        self.message_user(request, ngettext(
            "%(count)d article published.", "%(count)d articles published.", count
        ) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Withdraw selected articles (back to draft)"), permissions=["publish"])
    def unpublish(self, request, queryset) -> None:
        count = article_unpublish(articles=queryset)
        self.message_user(request, ngettext(
            "%(count)d article withdrawn.", "%(count)d articles withdrawn.", count
        ) % {"count": count}, messages.SUCCESS)

    def has_publish_permission(self, request) -> bool:
        return self.can_publish(request)
