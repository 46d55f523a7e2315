"""Public pages: the front page and the article page, in the language of the URL."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView
from modeltranslation.utils import build_localized_fieldname

from .conf import conf
from .models import Article
from .services import article_record_view


def can_preview(request: HttpRequest) -> bool:
    """Staff who may see articles in the admin may also see drafts and scheduled articles on the site."""
    return request.user.is_active and request.user.is_staff and request.user.has_perm("articles.view_article")


class PageMixin:
    """What every public page shows: the site's name and links to this page in the other languages."""

    def get_language_urls(self) -> dict[str, str]:
        """This page's address in each language it exists in; pages override it when slugs differ."""
        urls = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                urls[code] = reverse(self.request.resolver_match.view_name, kwargs=self.kwargs)
        return urls

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        current = get_language()
        language_urls = self.get_language_urls()
        context["site_name"] = conf.ARTICLES_SITE_NAME
        context["language_links"] = [
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "url": language_urls[code],
                "current": code == current,
            }
            for code, _name in settings.LANGUAGES
            if code in language_urls
        ]
        return context


class ArticleListView(PageMixin, ListView):
    """The front page: published articles available in this language, newest first."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset) -> int:
        return conf.ARTICLES_PER_PAGE

    def get_queryset(self):
        return (
            Article.objects.published()
            .available_in(get_language())
            .select_related("section")
            .with_bylines()
        )


class ArticleDetailView(PageMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"
    preview = False

    def get_object(self, queryset=None) -> Article:
        language = get_language()
        lookup = {build_localized_fieldname("slug", language): self.kwargs["slug"]}
        articles = Article.objects.select_related("section").with_bylines()
        article = articles.published().filter(**lookup).first()
        if article is None and can_preview(self.request):
            article = articles.filter(**lookup).first()
            self.preview = article is not None
        if article is None or language not in article.available_languages():
            raise Http404("No article at this address in this language.")
        return article

    def get_language_urls(self) -> dict[str, str]:
        return {code: self.object.get_absolute_url(code) for code in self.object.available_languages()}

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["preview"] = self.preview
        return context

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        if self.preview:
            # A draft must never be cached for others, nor indexed.
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        else:
            article_record_view(article_id=self.object.pk, language=get_language())
        return response
