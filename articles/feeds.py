from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import get_language, gettext

from .conf import conf
from .models import Article
from .views import public_articles


class LatestArticlesFeed(Feed):
    """The newest articles available in the feed's language: ``/<lang>/feed/``."""

    feed_type = Rss201rev2Feed

    def title(self) -> str:
        return conf.ARTICLES_SITE_NAME

    def link(self) -> str:
        return f"/{get_language()}/"

    def description(self) -> str:
        return gettext("The latest news from %(site)s") % {"site": conf.ARTICLES_SITE_NAME}

    def items(self):
        return public_articles(get_language()).with_bylines()[: conf.ARTICLES_PER_PAGE]

    def item_title(self, article: Article) -> str:
        return article.title

    def item_description(self, article: Article) -> str:
        return article.lead

    def item_pubdate(self, article: Article):
        return article.published_at

    def item_updateddate(self, article: Article):
        return article.updated_at

    def item_author_name(self, article: Article) -> str:
        return ", ".join(author.first_translation("name") for author in article.byline())

    def item_categories(self, article: Article) -> list[str]:
        return [str(article.section)] if article.section else []
