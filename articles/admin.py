"""The editors' admin: one tab per language, availability at a glance, publishing kept to those allowed."""

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.utils import build_localized_fieldname

from .conf import conf
from .models import Article, Author, Byline, Section
from .services import article_publish, article_unpublish

PUBLISH_PERMISSION = "articles.publish_article"


def translated_search_fields(*field_names: str) -> list[str]:
    """Search a translated field in every language, not only in the editor's own."""
    return [
        build_localized_fieldname(field_name, code)
        for field_name in field_names
        for code in conf.ARTICLES_LANGUAGES
    ]


@admin.register(Section)
class SectionAdmin(TabbedTranslationAdmin):
    list_display = ["__str__", "key", "position"]
    list_editable = ["position"]
    search_fields = translated_search_fields("name")


@admin.register(Author)
class AuthorAdmin(TabbedTranslationAdmin):
    list_display = ["__str__", "key", "slug"]
    search_fields = [*translated_search_fields("name"), "key", "slug"]


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
            return queryset.exclude(pk__in=Article.objects.available_in(self.value()).values("pk"))
        return queryset


@admin.register(Article)
class ArticleAdmin(TabbedTranslationAdmin):
    list_display = [
        "__str__", "section", "byline_names", "status", "published_at", "view_count", "translations",
    ]
    list_filter = ["status", "section", "authors", MissingTranslationFilter]
    list_select_related = ["section"]
    search_fields = [*translated_search_fields("title"), "key"]
    date_hierarchy = "published_at"
    actions = ["publish", "unpublish"]
    inlines = [BylineInline]
    readonly_fields = ["view_count", "created_at", "updated_at", "site_links"]
    # The default "View on site" button knows one language; site_links shows one link per language instead.
    view_on_site = False
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body"]}),
        (_("Cover image"), {"fields": ["cover", "cover_alt", "cover_caption"]}),
        (_("Publication"), {"fields": ["section", "status", "published_at", "key"]}),
        (_("On the site"), {"fields": ["site_links", "view_count", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )

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
        if obj is not None and obj.status == Article.Status.PUBLISHED and not self.can_publish(request):
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("authors"))
    def byline_names(self, article: Article) -> str:
        return ", ".join(str(author) for author in article.byline())

    @admin.display(description=_("translations"))
    def translations(self, article: Article) -> str:
        available = article.available_languages()
        return format_html_join(
            " ",
            '<span class="translation-{}" title="{}">{}&nbsp;{}</span>',
            (
                (
                    "available" if code in available else "missing",
                    _("available") if code in available else _("missing"),
                    code.upper(),
                    "✓" if code in available else "—",
                )
                for code in conf.ARTICLES_LANGUAGES
            ),
        )

    @admin.display(description=_("view on site"))
    def site_links(self, article: Article) -> str:
        if article.pk is None:
            return "—"
        available = article.available_languages()
        if not available:
            return _("Not available in any language yet: fill in a title and a body.")
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
