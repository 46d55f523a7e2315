"""The editors' admin: one tab per language, availability at a glance, publishing kept to those allowed."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.utils import build_localized_fieldname

from .conf import conf
from .counting.selectors import daily_views
from .markdown import MarkdownRejected, render_markdown
from .markdown.messages import rejection_message
from .models import Article, Author, Byline, Section
from .revision_history import article_revision_entries, article_version, language_diff
from .revisions import TEXT_FIELDS
from .roles import translator_languages
from .search import articles_matching
from .services import article_publish, article_restore, article_save, article_unpublish
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


def language_names() -> list[tuple[str, str]]:
    """The app's languages with the names the site gives them."""
    names = dict(settings.LANGUAGES)
    return [(code, str(names.get(code, code))) for code in conf.ARTICLES_LANGUAGES]


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
            field.name for field in self.model._meta.fields
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


class DateDrillDownChangeList(ChangeList):
    """The admin's change list, with a date drill-down beyond the calendar (``?published_at__year=99999999999``)
    treated as any other bad filter — "?e=1" — instead of an OverflowError or a year-10000 ValueError (a 500)."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


@admin.register(Article)
class ArticleAdmin(MarkdownPreviewMixin, TranslatorLimitsMixin, TabbedTranslationAdmin):
    list_display = [
        "__str__", "section", "byline_names", "status", "published_at", "view_count", "translations",
    ]
    list_filter = ["status", "section", "authors", MissingTranslationFilter, OutdatedTranslationFilter]
    list_select_related = ["section"]
    search_fields = [*translated_search_fields("title"), "key"]
    date_hierarchy = "published_at"
    actions = ["publish", "unpublish"]
    inlines = [BylineInline]
    formfield_overrides = IMAGE_UPLOAD_OVERRIDES
    readonly_fields = ["view_count", "created_at", "updated_at", "site_links", "translation_status", "views_per_day"]
    # The default "View on site" button knows one language; site_links shows one link per language instead.
    view_on_site = False
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body"]}),
        (_("Cover image"), {"fields": ["cover", "cover_alt", "cover_caption"]}),
        (_("Translation"), {"fields": ["source_language", "translation_status"]}),
        (_("Publication"), {"fields": ["section", "status", "published_at", "key"]}),
        (_("On the site"), {"fields": ["site_links", "view_count", "views_per_day", "created_at", "updated_at"]}),
    ]

    def get_changelist(self, request, **kwargs):
        return DateDrillDownChangeList

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )

    def get_search_results(self, request, queryset, search_term):
        """Titles, leads and bodies in every language through the site's search engine, and keys as typed."""
        if not search_term.strip():
            return queryset, False
        return articles_matching(queryset, search_term) | queryset.filter(key__icontains=search_term.strip()), False

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
            readonly += ["status", "published_at"]
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

    @admin.display(description=_("authors"))
    def byline_names(self, article: Article) -> str:
        return ", ".join(str(author) for author in article.byline())

    @admin.display(description=_("translations"))
    def translations(self, article: Article) -> str:
        return format_html_join(
            " ",
            '<span class="translation-{}" data-status="{}" title="{}">{}&nbsp;{}</span>',
            (
                (
                    "missing" if status == TranslationStatus.MISSING else "available",
                    status.value, status.label, code.upper(), TRANSLATION_MARKS[status],
                )
                for code, status in translation_statuses(article).items()
            ),
        )

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
