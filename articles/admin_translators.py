"""The translators' pages in the admin: what waits in their languages, and an article as a PO file to download.

``TranslatorWorklistMixin`` adds both to the article admin: ``…/article/translations/`` lists the articles missing
or outdated in each language the user translates into (a translator, see roles.py: their groups' languages;
anyone else who may see articles: every language), with links to translate each in the admin or to download it
as a PO file (``translating/po.py``, the file ``export_translations`` writes). The admin index shows a translator
the head of that list (``templatetags/articles_admin.py``). The lists themselves are ``translating/worklist.py``.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext

from .translating.po import article_po, export_file_name
from .translating.worklist import (
    articles_awaiting_translation,
    awaiting_translation,
    language_name,
    translation_languages,
)

PAGE_SIZE = 50


class TranslatorWorklistMixin(admin.ModelAdmin):
    """The translators' list and the PO download, for the ``Article`` admin."""

    def get_urls(self):
        return [
            path("translations/", self.admin_site.admin_view(self.translations_view),
                 name="articles_article_translations"),
            path("<path:object_id>/translations/<str:language>/po/",
                 self.admin_site.admin_view(self.translation_export_view),
                 name="articles_article_translation_export"),
            *super().get_urls(),
        ]

    def translations_view(self, request: HttpRequest) -> HttpResponse:
        """The articles missing or outdated in one of the user's languages (``?language=``), a page at a time."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        languages = translation_languages(request.user)
        language = request.GET.get("language")
        if language not in languages:
            language = languages[0]
        paginator = Paginator(articles_awaiting_translation(language=language), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        return TemplateResponse(request, "admin/articles/article/translations.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Waiting for translation: %(language)s") % {"language": language_name(language)},
            "language": language,
            "languages": [
                (code, language_name(code), articles_awaiting_translation(language=code).count())
                for code in languages
            ],
            "page": page,
            "rows": awaiting_translation(page.object_list, language),
        })

    def translation_export_view(self, request: HttpRequest, object_id: str, language: str) -> HttpResponse:
        """The article as a PO file for translating it from its original into ``language``."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.has_view_or_change_permission(request, article) or language not in translation_languages(
            request.user
        ):
            raise PermissionDenied
        source = article.source_language
        if source == language or source not in article.available_languages():
            raise Http404
        response = HttpResponse(str(article_po(article, source=source, target=language)),
                                content_type="text/x-gettext-translation; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, export_file_name(article, source, language)
        )
        return response
