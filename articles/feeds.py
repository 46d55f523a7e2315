import re
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.translation import get_language, gettext

from .conf import conf
from .markdown.typography import typeset_text
from .models import Article, Tag
from .selectors import public_articles, public_tag
from .site_url import absolute_url

# Characters XML 1.0 cannot carry at all; a title holding one would otherwise make the whole feed fail.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    return NOT_XML.sub("", text or "")


class LatestArticlesFeed(Feed):
    """The newest articles available in the feed's language: ``/<lang>/feed/``."""

    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def get_object(self, request: HttpRequest, *args, **kwargs) -> HttpRequest:
        # Links are made absolute here, from the site URL (site_url.py), not by Feed from the Host header: the
        # request is the "object" the feed's methods receive.
        return request

    def title(self) -> str:
        return conf.ARTICLES_SITE_NAME

    def link(self, request: HttpRequest) -> str:
        return absolute_url(request, f"/{get_language()}/")

    def feed_url(self, request: HttpRequest) -> str:
        return absolute_url(request, request.path)

    def description(self) -> str:
        return gettext("The latest news from %(site)s") % {"site": conf.ARTICLES_SITE_NAME}

    def items(self, request: HttpRequest) -> list[Article]:
        articles = list(public_articles(language=get_language()).with_bylines()[: conf.ARTICLES_PER_PAGE])
        # item_link() is given the item alone, and this feed object serves every request: the item carries its link.
        for article in articles:
            article.feed_link = absolute_url(request, article.get_absolute_url())  # type: ignore[attr-defined]
        return articles

    def item_link(self, article: Article) -> str:
        return article.feed_link  # type: ignore[attr-defined]  # set by items() for this request

    def item_title(self, article: Article) -> str:
        return xml_text(typeset_text(article.title, get_language()))

    def item_description(self, article: Article) -> str:
        return xml_text(typeset_text(article.lead, get_language()))

    def item_pubdate(self, article: Article):
        return article.translated("published_at", get_language())

    def item_updateddate(self, article: Article):
        return article.updated_at

    def item_author_name(self, article: Article) -> str:
        return xml_text(", ".join(author.first_translation("name") for author in article.byline()))

    def item_categories(self, article: Article) -> list[str]:
        return [xml_text(str(article.section))] if article.section else []


@dataclass
class TaggedRequest:
    """What a tag's feed is about: the request (for absolute links) and the tag."""

    request: HttpRequest
    tag: Tag


class TagFeed(LatestArticlesFeed):
    """The newest articles with one tag, available in the feed's language: ``/<lang>/tags/<slug>/feed/``.

    Like the tag's page: not found in a language the tag has no name or public article in, and another
    language's slug redirects (301) to this language's feed.
    """

    view_name = "articles:tag_feed"

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = get_language()
        tag = public_tag(slug=kwargs["slug"], language=language)
        if tag is None:
            raise Http404("No tag with public articles at this address.")
        own_slug = tag.translated("slug", language)
        if own_slug != kwargs["slug"]:
            return HttpResponsePermanentRedirect(reverse(self.view_name, kwargs={"slug": own_slug}))
        return super().__call__(request, tag=tag)

    def get_object(self, request: HttpRequest, *args, **kwargs) -> TaggedRequest:  # type: ignore[override]
        return TaggedRequest(request, kwargs["tag"])

    def title(self, subject: TaggedRequest) -> str:  # type: ignore[override]
        return f"{subject.tag.translated('name', get_language())} — {conf.ARTICLES_SITE_NAME}"

    def link(self, subject: TaggedRequest) -> str:  # type: ignore[override]
        return absolute_url(subject.request, subject.tag.get_absolute_url())

    def feed_url(self, subject: TaggedRequest) -> str:  # type: ignore[override]
        return absolute_url(subject.request, subject.request.path)

    def description(self, subject: TaggedRequest) -> str:  # type: ignore[override]
        return gettext("The latest news about %(tag)s from %(site)s") % {
            "tag": subject.tag.translated("name", get_language()), "site": conf.ARTICLES_SITE_NAME,
        }

    def items(self, subject: TaggedRequest) -> list[Article]:  # type: ignore[override]
        articles = list(
            public_articles(language=get_language()).filter(tags=subject.tag).with_bylines()[: conf.ARTICLES_PER_PAGE]
        )
        for article in articles:
            article.feed_link = absolute_url(subject.request, article.get_absolute_url())  # type: ignore[attr-defined]
        return articles


class TagAtomFeed(TagFeed):
    """The tag's feed as Atom: ``/<lang>/tags/<slug>/atom/``."""

    feed_type = Atom1Feed
    view_name = "articles:tag_atom_feed"

    def subtitle(self, subject: TaggedRequest) -> str:
        return self.description(subject)
