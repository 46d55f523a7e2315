"""The translators' pages in the admin: what waits in their languages, an article's PO file, and its import.

``TranslatorWorklistMixin`` adds them to the article admin: ``…/article/translations/`` lists the articles missing
or outdated in each language the user translates into (a translator, see roles.py: their groups' languages;
anyone else who may see articles: every language), with links to translate each in the admin or to download it
as a PO file (``translating/po.py``, the file ``export_translations`` writes); ``…/translations/import/`` takes a
translated file back (``translating/po_import.py``, as ``import_translations``). The admin index shows a translator
the head of that list (``templatetags/articles_admin.py``). The lists themselves are ``translating/worklist.py``.
"""

from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .translating.po import article_po, export_file_name
from .translating.po_import import TranslationFileError, translation_file_import
from .translating.status import article_label
from .translating.worklist import (
    articles_awaiting_translation,
    awaiting_translation,
    language_name,
    translation_languages,
)

PAGE_SIZE = 50
# A PO file of the longest article is a few hundred kilobytes.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class TranslationUploadForm(forms.Form):
    file = forms.FileField(label=_("Translated PO file"))


class TranslatorWorklistMixin(admin.ModelAdmin):
    """The translators' list and the PO download, for the ``Article`` admin."""

    def get_urls(self):
        return [
            path("translations/", self.admin_site.admin_view(self.translations_view),
                 name="articles_article_translations"),
            path("translations/import/", self.admin_site.admin_view(self.translation_upload_view),
                 name="articles_article_translation_import"),
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
            "upload_form": TranslationUploadForm() if self.has_change_permission(request) else None,
        })

    def translation_upload_view(self, request: HttpRequest) -> HttpResponse:
        """Import a translated PO file (``po_import``), as ``import_translations`` does, for a language of the
        user's and an article they may change; say what was applied and skipped, or why nothing was."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        back = reverse("admin:articles_article_translations")
        form = TranslationUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            self.message_user(request, gettext("Choose a PO file to import."), messages.ERROR)
            return HttpResponseRedirect(back)
        upload = form.cleaned_data["file"]
        name = Path(upload.name or "").name
        if upload.size > MAX_UPLOAD_BYTES:
            self.message_user(request, gettext("The file %(file)s is larger than %(size)s: is it a PO file?") % {
                "file": name, "size": filesizeformat(MAX_UPLOAD_BYTES),
            }, messages.ERROR)
            return HttpResponseRedirect(back)
        languages = translation_languages(request.user)
        try:
            result = translation_file_import(
                path=Path(name), content=upload.read(), user=request.user,
                may_translate=lambda article, target: target in languages
                and self.has_change_permission(request, article),
            )
        except TranslationFileError as error:
            # The admin writes a message's first letter in capitals: the file's name never comes first.
            for problem in error.problems:
                self.message_user(request, gettext("In %(file)s: %(problem)s") % {"file": name, "problem": problem},
                                  messages.ERROR)
            self.message_user(request, gettext("Nothing was imported from %(file)s.") % {"file": name},
                              messages.ERROR)
            return HttpResponseRedirect(back)
        for where, why in result.skipped:
            self.message_user(request, gettext("Skipped in %(file)s: %(where)s: %(why)s.") % {
                "file": name, "where": where, "why": why,
            }, messages.WARNING)
        if result.applied:
            self.message_user(request, ngettext(
                "%(count)d entry of %(file)s applied to %(article)s.",
                "%(count)d entries of %(file)s applied to %(article)s.",
                result.applied,
            ) % {"file": name, "count": result.applied, "article": article_label(result.article)}, messages.SUCCESS)
        else:
            self.message_user(request, gettext("No entry of %(file)s is translated; nothing was applied.") % {
                "file": name,
            }, messages.WARNING)
        return HttpResponseRedirect(f"{back}?language={result.language}")

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
