import re

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import get_language, gettext

from .conf import conf
from .markdown.typography import typeset_text
from .models import Article
from .selectors import public_articles
from .site_url import absolute_url

# Characters XML 1.0 cannot carry at all; a title holding one would otherwise make the whole feed fail.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    return NOT_XML.sub("", text or "")


class LatestArticlesFeed(Feed):
    """The newest articles available in the feed's language: ``/<lang>/feed/``."""

    feed_type = Rss201rev2Feed

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
