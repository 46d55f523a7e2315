"""Public pages, in the language of the URL: front page, article, author, section and tag pages."""

from functools import cache as once
from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, pgettext
from django.views.generic import DetailView, ListView, View
from django.views.generic.base import ContextMixin

from .caching import content_generation, generation_key
from .conf import conf, own_language_name
from .counting.readers import count_page_view
from .counting.selectors import current_view_count, most_read_block
from .images import picture_of
from .markdown.typography import typeset_text
from .models import Article, Section, Tag, TranslatedModel, Translation
from .page_shells import Shell, lookup, make_shell, may_use_shell, shell_key, store
from .selectors import (
    Translated,
    authors_with_public_languages,
    find_by_slug,
    more_from_section,
    public_articles,
    public_languages,
    public_tag,
    published_article,
    related_articles,
    sections_with_public_languages,
    tag_article_count,
)
from .site_url import absolute_url, site_root


def can_preview(request: HttpRequest) -> bool:
    """Staff who may see articles in the admin may also see drafts and scheduled articles on the site."""
    return request.user.is_active and request.user.is_staff and request.user.has_perm("articles.view_article")


def site_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class PageMixin(ContextMixin, View):
    """What every public page has: links to the same page in the other languages."""

    def get_language_urls(self) -> dict[str, str]:
        """This page's address in each language it exists in; pages override it when slugs differ."""
        urls: dict[str, str] = {}
        if (match := self.request.resolver_match) is None:  # a view called without the URLconf
            return urls
        for code in site_languages():
            with translation.override(code):
                urls[code] = reverse(match.view_name, kwargs=self.kwargs)
        return urls

    def language_links(self) -> list[dict]:
        current = get_language()
        language_urls = self.get_language_urls()
        return [
            {
                "code": code,
                "name": own_language_name(code),
                "url": language_urls[code],
                "current": code == current,
            }
            for code in site_languages()
            if code in language_urls
        ]

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        # Computed only if the template needs it: a cached page part may already hold the switcher.
        context["language_links"] = once(self.language_links)
        return context


class TranslatedSlugMixin(View):
    """For pages at an object's translated slug, like django-parler's ``TranslatableSlugMixin``: the object is
    found by this language's slug, else by another language's, and a slug from another language redirects (301)
    to this language's address of the same object."""

    slug_url_kwarg = "slug"

    def find_object(self, queryset: QuerySet[Translated]) -> Translated | None:
        """The object of ``queryset`` at the URL's slug, in this language or another."""
        return find_by_slug(queryset=queryset, slug=self.kwargs[self.slug_url_kwarg], language=get_language())

    def slug_redirect(self, obj: TranslatedModel, language: str) -> HttpResponse | None:
        """A permanent redirect to ``obj``'s address in ``language`` (query string kept) when the URL carries
        another slug than the one ``obj`` has in ``language``; None when the URL is the right one."""
        own_slug = obj.translated("slug", language)
        if own_slug and own_slug != self.kwargs[self.slug_url_kwarg]:
            query = f"?{self.request.GET.urlencode()}" if self.request.GET else ""
            return HttpResponsePermanentRedirect(obj.get_absolute_url(language) + query)
        return None


def most_read_context(language: str, generation: int | None = None, *, exclude: int | None = None) -> dict:
    """What ``articles/includes/most_read.html`` needs: the one list (today's, else this week's, in ``language``,
    without article ``exclude``), computed only when the rendered block is not in the cache, and that block's cache
    key and lifetime."""

    @once
    def block() -> dict:
        days, articles = most_read_block(language=language, exclude=exclude)
        label = pgettext("most read", "Today") if days == 1 else pgettext("most read", "This week")
        return {"label": label, "articles": articles}

    return {
        "most_read": block,
        "most_read_key": generation_key("most-read-block", language, exclude or "", generation=generation),
        "most_read_seconds": conf.ARTICLES_MOST_READ_CACHE_SECONDS,
    }


class IdsFirstPaginator(Paginator):
    """A paginator whose pages past the first read their articles' ids first, then those rows; a page in the
    second half of the list reads its ids from the list's other end.

    A deep page (``OFFSET`` thousands) of a list ordered by publication time reads the ids and times it skips from
    the language's partial index, or sorts only those narrow pairs, instead of fetching (or sorting) every skipped
    article whole; and the last pages, read in the opposite order (oldest first) and turned round, skip only the
    few entries after them: a section's or a tag's last page costs about what its first does, whatever the
    archive (docs/performance.md, finding 6). The first page keeps its single query; what is not an ordered
    queryset (search results) is paged as usual.
    """

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        queryset = self.object_list
        if bottom == 0 or not isinstance(queryset, QuerySet) or not queryset.ordered:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom > self.count - top:
            ids = list(queryset.reverse().values_list("pk", flat=True)[self.count - top:self.count - bottom])[::-1]
        else:
            ids = list(queryset.values_list("pk", flat=True)[bottom:top])
        return Page(list(queryset.filter(pk__in=ids)), number, self)


class ArticleListPage(PageMixin, ListView):
    """A page listing articles, ``ARTICLES_PER_PAGE`` at a time (``?page=N``; out of range → 404).

    Its first page opens with the newest article as the lead story (``lead``); the others are ``teasers``.
    """

    context_object_name = "articles"
    paginator_class = IdsFirstPaginator

    def get_paginate_by(self, queryset) -> int:
        return conf.ARTICLES_PER_PAGE

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        articles = list(context["articles"])
        first_page = context["page_obj"] is None or context["page_obj"].number == 1
        lead = articles.pop(0) if first_page and articles else None
        return {**context, "lead": lead, "teasers": articles}


class ArticleListView(ArticleListPage):
    """The front page: published articles available in this language, newest first."""

    template_name = "articles/article_list.html"

    def get_queryset(self):
        return public_articles(language=get_language())

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(**most_read_context(get_language()), **kwargs)


class AuthorDetailView(ArticleListPage):
    """An author's page: their biography and their articles available in this language.

    Not found in a language the author has no public article in yet (an author with drafts only is nowhere).
    """

    template_name = "articles/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(authors_with_public_languages(), slug=self.kwargs["slug"])
        if get_language() not in public_languages(self.author):
            raise Http404("No public articles by this author in this language.")
        return public_articles(language=get_language()).filter(bylines__author=self.author)

    def get_language_urls(self) -> dict[str, str]:
        return {code: self.author.get_absolute_url(code) for code in public_languages(self.author)}

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(author=self.author, **kwargs)


class SectionDetailView(TranslatedSlugMixin, ArticleListPage):
    """A section's page, at the section's slug in this language; another language's slug redirects here.

    Not found in a language the section has no public article in yet.
    """

    template_name = "articles/section_detail.html"
    section: Section

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = get_language()
        section = self.find_object(sections_with_public_languages())
        if section is None or language not in public_languages(section):
            raise Http404("No section with public articles at this address.")
        self.section = section
        return self.slug_redirect(section, language) or super().get(request, *args, **kwargs)

    def get_queryset(self):
        return public_articles(language=get_language()).filter(section=self.section)

    def get_language_urls(self) -> dict[str, str]:
        return {
            code: self.section.get_absolute_url(code)
            for code in public_languages(self.section)
            if self.section.translated("slug", code)
        }

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(section=self.section, **kwargs)


class TagDetailView(TranslatedSlugMixin, ArticleListPage):
    """A tag's page, at the tag's slug in this language; another language's slug redirects here.

    Not found in a language the tag has no name or no public article in.
    """

    template_name = "articles/tag_detail.html"
    tag: Tag

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = get_language()
        tag = public_tag(slug=self.kwargs[self.slug_url_kwarg], language=language)
        if tag is None:
            raise Http404("No tag with public articles at this address.")
        self.tag = tag
        return self.slug_redirect(tag, language) or super().get(request, *args, **kwargs)

    def get_queryset(self):
        return public_articles(language=get_language()).filter(tags=self.tag)

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs) -> Paginator:
        paginator = super().get_paginator(queryset, per_page, orphans, allow_empty_first_page, **kwargs)
        # Counting the list itself would join every tagging of the tag with the language's index.
        paginator.count = tag_article_count(tag=self.tag, language=get_language())
        return paginator

    def get_language_urls(self) -> dict[str, str]:
        return {
            code: self.tag.get_absolute_url(code)
            for code in public_languages(self.tag)
            if self.tag.translated("slug", code)
        }

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(tag=self.tag, **kwargs)


def tags_in(article: Article, language: str) -> list[Translation[Tag]]:
    """The article's tags that have a name (and so a page) in ``language``, in that language, alphabetically."""
    named = [tag.in_language(language) for tag in article.tags.all() if tag.translated("slug", language)]
    return sorted(named, key=lambda tag: tag.name.casefold())


class ArticleDetailView(TranslatedSlugMixin, PageMixin, DetailView):
    """An article in the reader's language, or in a fallback language with a notice when it has no translation.

    A slug from another language redirects (301) to this language's address of the same article.
    """

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = get_language()
        self.preview = False
        # Readers without a session: the page from its shell when there is one (articles/page_shells.py).
        self.shell_key = shell_key(request, language) if may_use_shell(request) else None
        if self.shell_key is None:
            self.generation = content_generation()
        else:
            shell, self.generation = lookup(self.shell_key)
            if shell is not None:
                return self.serve_shell(shell, current_view_count(shell.article_id))
        self.object = published_article(slug=kwargs["slug"], language=language, generation=self.generation)
        unseen = self.object is None or (
            language in self.object.available_languages() and language not in self.object.public_languages()
        )
        if unseen and can_preview(request):
            # Staff see a draft, or a language version not public yet, as a preview (only they vary by cookie).
            found = self.find_object(Article.objects.select_related("section").with_bylines().with_tags())
            if found is not None and (self.object is None or language in found.available_languages()):
                self.object, self.preview = found, True
        if self.object is None:
            raise Http404("No article at this address.")
        if not self.preview:
            self.object.view_count = current_view_count(self.object.pk)
        self.content_language = self.object.display_language(language, preview=self.preview)
        if self.content_language is None:
            raise Http404("This article is not available in any language yet.")
        # Shown in a fallback language, the article has no address of its own in this one to send the reader to.
        if self.content_language == language and (redirect := self.slug_redirect(self.object, language)):
            return redirect

        if self.shell_key is not None and not self.preview:
            return self.render_shell(self.shell_key)
        response = self.render_to_response(self.get_context_data(object=self.object))
        if self.preview:
            # A draft must never be cached for others, nor indexed.
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        else:
            count_page_view(request, response, article_id=self.object.pk, language=self.content_language)
        return response

    def render_shell(self, key: str) -> HttpResponse:
        """The page, made with marks where its per-request parts go, filled; kept as a shell when it may be."""
        response = cast(
            TemplateResponse, self.render_to_response(self.get_context_data(object=self.object, page_shell_marks=True))
        )
        shell = make_shell(
            response.rendered_content, article_id=self.object.pk, content_language=self.content_language,
            nonce=getattr(self.request, "_csp_nonce", None), generation=self.generation,
        )
        store(key, shell)
        return self.serve_shell(shell, self.object.view_count, response)

    def serve_shell(self, shell: Shell, view_count: int, response: HttpResponse | None = None) -> HttpResponse:
        """``shell`` filled with its parts rendered now (the count ``view_count``), as ``response`` (default: a new
        one), the view counted."""
        part_context = {
            "view_count": view_count,
            **most_read_context(get_language(), self.generation, exclude=shell.article_id),
        }
        parts = {name: render_to_string(name, part_context) for name in shell.part_names()}
        fresh_nonce = getattr(self.request, "csp_nonce", None) if shell.nonce else None  # made on first use
        content = shell.fill(parts, nonce=None if fresh_nonce is None else str(fresh_nonce))
        if response is None:
            response = HttpResponse(content)
        else:
            response.content = content
        count_page_view(self.request, response, article_id=shell.article_id, language=shell.content_language)
        return response

    def shown_languages(self) -> list[str]:
        """The languages the switcher and hreflang offer: those public now (a preview: those with text)."""
        return self.object.available_languages() if self.preview else self.object.public_languages()

    def get_language_urls(self) -> dict[str, str]:
        return {code: self.object.get_absolute_url(code) for code in self.shown_languages()}

    def get_context_data(self, **kwargs) -> dict:
        """The page's context; what only cached page parts use is computed lazily, on a cache miss."""
        article, request = self.object, self.request
        language, content_language = get_language(), self.content_language
        context = super().get_context_data(**kwargs)
        shown = self.shown_languages()

        @once
        def canonical_url() -> str:
            return absolute_url(request, article.get_absolute_url(content_language))

        @once
        def related() -> list[Article]:
            return related_articles(article=article, language=language)

        @once
        def cover_url() -> str:
            # The largest rendition in the image's own format: what link previews fetch, never a 40 Mpx original.
            picture = picture_of(article.cover)
            return absolute_url(request, picture.src) if picture else ""

        context.update(
            preview=self.preview,
            view_count=article.view_count,
            text=article.in_language(content_language),
            content_language=content_language,
            is_fallback=content_language != language,
            page_cache_key=generation_key(
                # The languages shown are in the key: a scheduled one turning public renews the switcher and hreflang.
                "article-page", article.pk, language, content_language, site_root(request), self.preview,
                "-".join(shown), generation=self.generation,
            ),
            cache_seconds=conf.ARTICLES_PAGE_CACHE_SECONDS,
            content_language_name=once(
                lambda: translation.get_language_info(content_language)["name_translated"]
            ),
            canonical_url=canonical_url,
            cover_url=cover_url,
            structured_data=once(lambda: news_article_data(
                request, article, content_language, canonical_url=canonical_url(), cover_url=cover_url()
            )),
            alternates=once(lambda: [
                (code, absolute_url(request, url)) for code, url in self.get_language_urls().items()
            ]),
            x_default_url=once(lambda: absolute_url(request, article.get_absolute_url(
                settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in shown else shown[0]
            ))),
            # "More from the section": four that "Related articles" does not show already (which may take four).
            more_from_section=once(lambda: [
                other for other in more_from_section(article=article, language=language, limit=8)
                if other not in related()
            ][:4]),
            reading_minutes=once(lambda: article.reading_minutes(content_language)),
            updated_after_publishing=once(lambda: article.updated_after_publishing(content_language)),
            share_links=once(lambda: share_links(canonical_url(), article.translated("title", content_language))),
            tags=once(lambda: tags_in(article, content_language)),
            related_articles=related,
            **most_read_context(language, self.generation, exclude=article.pk),
        )
        return context


def share_links(url: str, title: str) -> list[dict[str, str]]:
    """Links that share the article at ``url`` in messengers and social networks: plain addresses of their sharing
    pages, so the article page loads nothing from them."""
    query_url, query_text = urlencode({"url": url}), urlencode({"text": title})
    return [
        {"name": "Telegram", "url": f"https://t.me/share/url?{query_url}&{query_text}"},
        {"name": "WhatsApp", "url": "https://wa.me/?" + urlencode({"text": f"{title} {url}"})},
        {"name": "Facebook", "url": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})},
        {"name": "X", "url": f"https://x.com/intent/post?{query_url}&{query_text}"},
        {"name": "VK", "url": f"https://vk.com/share.php?{query_url}&" + urlencode({"title": title})},
    ]


def news_article_data(
    request: HttpRequest, article: Article, language: str, *, canonical_url: str, cover_url: str
) -> dict:
    """schema.org NewsArticle for search engines (rendered as JSON-LD by the ``json_ld`` filter)."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": canonical_url,
        "headline": typeset_text(article.translated("title", language), language),
        "description": typeset_text(article.translated("lead", language) or "", language),
        "inLanguage": language,
        "datePublished": article.translated("published_at", language) or article.published_at,
        "dateModified": article.updated_at,
        "author": [
            {
                "@type": "Person",
                "name": author.first_translation("name", preferred=language),
                "url": absolute_url(request, author.get_absolute_url(language)),
            }
            for author in article.byline()
        ],
        "publisher": {"@type": "Organization", "name": conf.ARTICLES_SITE_NAME},
    }
    if cover_url:
        data["image"] = [cover_url]
    return data

