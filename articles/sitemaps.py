from django.contrib.sitemaps import Sitemap

from .models import Article, Author, Section
from .selectors import authors_with_public_languages, public_languages, sections_with_public_languages
from .site_url import site_host, site_scheme


class SiteSitemap(Sitemap):
    """A sitemap whose addresses start with the site URL (``site_url.py``), not with the Host a request names."""

    i18n = True
    alternates = True

    def get_protocol(self, protocol: str | None = None) -> str:
        return site_scheme(super().get_protocol(protocol))

    def get_domain(self, site=None) -> str:
        return site_host(super().get_domain(site))


class ArticleSitemap(SiteSitemap):
    """Every published article, once per language it is available in, with its translations as alternates."""

    x_default = True
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Article.objects.published().order_by("-published_at", "-pk")

    def get_languages_for_item(self, article: Article) -> list[str]:
        return article.available_languages()

    def lastmod(self, article: Article):
        return article.updated_at


class SectionSitemap(SiteSitemap):
    """Every section, in each language it has a public article in (and a slug of its own)."""

    changefreq = "hourly"

    def items(self):
        return sections_with_public_languages()

    def get_languages_for_item(self, section: Section) -> list[str]:
        return [code for code in public_languages(section) if section.translated("slug", code)]


class AuthorSitemap(SiteSitemap):
    """Every author, in each language they have a public article in."""

    changefreq = "weekly"

    def items(self):
        return authors_with_public_languages()

    def get_languages_for_item(self, author: Author) -> list[str]:
        return public_languages(author)


sitemaps = {"articles": ArticleSitemap, "sections": SectionSitemap, "authors": AuthorSitemap}
