from django.contrib.sitemaps import Sitemap

from .models import Article, Author, Section


class ArticleSitemap(Sitemap):
    """Every published article, once per language it is available in, with its translations as alternates."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Article.objects.published().order_by("-published_at", "-pk")

    def get_languages_for_item(self, article: Article) -> list[str]:
        return article.available_languages()

    def lastmod(self, article: Article):
        return article.updated_at


class SectionSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "hourly"

    def items(self):
        return Section.objects.all()

    def get_languages_for_item(self, section: Section) -> list[str]:
        return [code for code in super().get_languages_for_item(section) if section.translated("slug", code)]


class AuthorSitemap(Sitemap):
    i18n = True
    alternates = True
    changefreq = "weekly"

    def items(self):
        return Author.objects.filter(articles__in=Article.objects.published()).distinct()


sitemaps = {"articles": ArticleSitemap, "sections": SectionSitemap, "authors": AuthorSitemap}
