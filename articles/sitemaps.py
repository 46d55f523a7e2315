"""Sitemaps: an index at ``/sitemap.xml`` naming one file per language and month of articles, one of sections and
one of authors, one of tags; and a Google News sitemap of the last 48 hours.

Each file stays far below Google's limits (50,000 addresses, 50 MB) and is read with a range over
``published_at`` that an index serves, so none grows slower as the archive grows; the index itself reads past
months from a rollup (``ArchiveMonth``) and counts only the current month live.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.core.paginator import Paginator
from django.db.models import Count, Max, QuerySet
from django.db.models.functions import TruncMonth
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from modeltranslation.utils import build_localized_fieldname

from .conf import conf
from .models import (
    PUBLICATION_TIME_RANGE,
    ArchiveMonth,
    Article,
    ArticleAddresses,
    Author,
    Section,
    Tag,
    Translation,
    language_field,
)
from .selectors import (
    authors_with_public_languages,
    public_languages,
    sections_with_public_languages,
    tags_with_public_languages,
)
from .site_url import site_host, site_root, site_scheme

# The name of the view that serves one sitemap file (Django's), given a ``section`` as its file's name.
SITEMAP_URL_NAME = "django.contrib.sitemaps.views.sitemap"
# How many hours back the news sitemap reaches, and how many addresses it may hold (Google News' rules).
NEWS_HOURS = 48
NEWS_LIMIT = 1000


class SiteSitemap(Sitemap):
    """A sitemap whose addresses start with the site URL (``site_url.py``), not with the Host a request names."""

    i18n = True
    alternates = True

    def get_protocol(self, protocol: str | None = None) -> str:
        return site_scheme(super().get_protocol(protocol))

    def get_domain(self, site=None) -> str:
        return site_host(super().get_domain(site))


def article_columns() -> list[str]:
    """What a sitemap reads of an article: its slugs, what ``public_languages()`` asks, and its times (and
    ``body_html_version``, which loading an article reads)."""
    translated = ["slug", "status", "published_at", *Article.AVAILABILITY_FIELDS]
    return [
        "pk", "status", "published_at", "updated_at", "body_html_version",
        *(build_localized_fieldname(name, code) for name in translated for code in conf.ARTICLES_LANGUAGES),
    ]


class InLanguage:
    """A queryset of articles as the ``(article, language)`` pairs Django's i18n sitemaps page through, counted
    and sliced by the database rather than read whole into a list."""

    def __init__(self, articles: QuerySet, language: str) -> None:
        self.articles = articles
        self.language = language

    def count(self) -> int:
        return self.articles.count()

    def __getitem__(self, index: slice) -> list[tuple[Article, str]]:
        return [(article, self.language) for article in self.articles[index]]


def month_after(month: datetime) -> datetime:
    return month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)


class ArticleSitemap(SiteSitemap):
    """The published articles available in one language, published in one month (UTC), oldest first, each with
    its translations as alternates."""

    x_default = True
    changefreq = "daily"

    def __init__(self, language: str, month: datetime) -> None:
        self.language = language
        self.month = month

    def items(self) -> QuerySet:
        time_field = language_field("published_at", self.language)
        return (
            Article.objects.public(self.language)
            .filter(**{f"{time_field}__gte": self.month, f"{time_field}__lt": month_after(self.month)})
            .order_by(time_field, "pk").only(*article_columns())
        )

    @property
    def paginator(self) -> Paginator:
        # Paginator needs only count() and slicing, which InLanguage gives; no __len__ or __iter__ reading every row.
        return Paginator(InLanguage(self.items(), self.language), self.limit)  # type: ignore[arg-type]

    def get_languages_for_item(self, article: Article) -> list[str]:
        return article.public_languages()

    def location(self, article: Article) -> str:
        """The article's address in the active language (Django's sitemap activates the item's or alternate's).

        A file holds thousands of addresses with three or four alternates each: the language's article prefix is
        reversed once per file (``ArticleAddresses``).
        """
        return self.addresses(article)

    @cached_property
    def addresses(self) -> ArticleAddresses:
        return ArticleAddresses()

    def lastmod(self, article: Article) -> datetime:
        return article.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class SectionSitemap(SiteSitemap):
    """Every section, in each language it has a public article in (and a slug of its own)."""

    changefreq = "hourly"

    def items(self):
        return sections_with_public_languages()

    def get_languages_for_item(self, section: Section) -> list[str]:
        return [code for code in public_languages(section) if section.translated("slug", code)]


class TagSitemap(SiteSitemap):
    """Every tag, in each language it has a name and a public article in."""

    changefreq = "daily"

    def items(self):
        return tags_with_public_languages()

    def get_languages_for_item(self, tag: Tag) -> list[str]:
        return [code for code in public_languages(tag) if tag.translated("slug", code)]


class AuthorSitemap(SiteSitemap):
    """Every author, in each language they have a public article in."""

    changefreq = "weekly"

    def items(self):
        return authors_with_public_languages()

    def get_languages_for_item(self, author: Author) -> list[str]:
        return public_languages(author)


class NewsSitemap(SiteSitemap):
    """Google News: the articles published in the last 48 hours, once per language they are available in, newest
    first, at most 1,000 addresses. Each item is one language's version of an article."""

    i18n = False
    alternates = False
    limit = NEWS_LIMIT

    def items(self) -> list[Translation[Article]]:
        since = timezone.now() - timedelta(hours=NEWS_HOURS)
        versions = [
            article.in_language(code)
            for code in conf.ARTICLES_LANGUAGES
            for article in Article.objects.public(code)
            .filter(**{f"{language_field('published_at', code)}__gte": since}).only(*article_columns())[:NEWS_LIMIT]
        ]
        versions.sort(key=lambda version: (version.published_at, version.instance.pk), reverse=True)
        return versions[:NEWS_LIMIT]

    def location(self, version: Translation[Article]) -> str:
        return version.instance.get_absolute_url(version.language)

    def lastmod(self, version: Translation[Article]) -> datetime:
        return version.instance.updated_at


ARTICLE_FILE = re.compile(r"articles-(?P<language>.+)-(?P<year>\d{4})-(?P<month>\d{2})")


def article_file_name(language: str, month: datetime) -> str:
    return f"articles-{language}-{month:%Y-%m}"


class SitemapFiles:
    """The sitemap files by name, for Django's ``sitemap`` view: ``sections``, ``authors``, ``tags`` and
    ``articles-<language>-<yyyy>-<mm>``. Naming a file asks the database nothing; an empty month is an empty file.
    """

    fixed = {"sections": SectionSitemap, "authors": AuthorSitemap, "tags": TagSitemap}

    def __contains__(self, name: str) -> bool:
        try:
            self[name]
        except KeyError:
            return False
        return True

    def __getitem__(self, name: str) -> Sitemap:
        if name in self.fixed:
            return self.fixed[name]()
        match = ARTICLE_FILE.fullmatch(name)
        if match is None or match["language"] not in conf.ARTICLES_LANGUAGES or not 1 <= int(match["month"]) <= 12:
            raise KeyError(name)
        month = datetime(int(match["year"]), int(match["month"]), 1, tzinfo=UTC)
        earliest, after_latest = PUBLICATION_TIME_RANGE
        if not earliest <= month < after_latest:
            raise KeyError(name)
        return ArticleSitemap(match["language"], month)


@dataclass
class ArticleFile:
    language: str
    month: datetime
    count: int
    lastmod: datetime | None


def article_files(*, now: datetime | None = None) -> list[ArticleFile]:
    """Every language and month that has public articles: how many and when the latest of them changed.

    Months before the current one come from the rollup (``ArchiveMonth``, one query for every language): their
    listed articles are all public, a scheduled one's time having passed. The current month, where articles may
    still be scheduled, is counted live from each language's partial index: a month's entries at most, whatever
    the archive's size.
    """
    moment = (now or timezone.now()).astimezone(UTC)
    this_month = datetime(moment.year, moment.month, 1, tzinfo=UTC)
    files = [
        ArticleFile(row.language, datetime(row.month.year, row.month.month, 1, tzinfo=UTC), row.count, row.lastmod)
        for row in ArchiveMonth.objects.filter(
            language__in=conf.ARTICLES_LANGUAGES, month__lt=this_month.date(), count__gt=0
        )
    ]
    for code in conf.ARTICLES_LANGUAGES:
        time_field = language_field("published_at", code)
        months = (
            Article.objects.public(code, now=moment).filter(**{f"{time_field}__gte": this_month})
            .annotate(month=TruncMonth(time_field, tzinfo=UTC)).order_by()
            .values("month")
            .annotate(count=Count("pk"), lastmod=Max("updated_at"))
        )
        files += [ArticleFile(code, row["month"], row["count"], row["lastmod"]) for row in months]
    order = {code: position for position, code in enumerate(conf.ARTICLES_LANGUAGES)}
    files.sort(key=lambda file: (order[file.language], -file.month.timestamp()))
    return files


def sitemap_index(request: HttpRequest) -> TemplateResponse:
    """``/sitemap.xml``: every sitemap file, with its pages past the first (``?p=2``…) and its last change.

    Django's own ``index`` view would take the host from the request, port and all; addresses here come from
    ``site_url.py``, and the articles' files are counted in one grouped query per language instead of one query
    per file.
    """
    root = site_root(request)
    entries = [
        SitemapIndexItem(root + reverse(SITEMAP_URL_NAME, kwargs={"section": name}))
        for name in SitemapFiles.fixed
    ]
    for file in article_files():
        location = root + reverse(SITEMAP_URL_NAME, kwargs={"section": article_file_name(file.language, file.month)})
        pages = -(-file.count // ArticleSitemap.limit)
        entries += [
            # django-stubs copies Django's annotation (last_mod: bool); Django's own index passes a datetime too.
            SitemapIndexItem(location if page == 1 else f"{location}?p={page}", file.lastmod)  # type: ignore[arg-type]
            for page in range(1, pages + 1)
        ]
    response = TemplateResponse(request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml")
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


class UrlsetTemplate:
    """Django's ``sitemap.xml`` template written in Python, for the files of thousands of addresses: the template
    engine resolving each address's variables and its alternates' was most of a file's time. Pass it to Django's
    ``sitemap`` view as ``template_name`` (a template response takes a template object as well as a name).

    It writes what the template writes: each ``<url>`` with its location, its last change as a date in the current
    time zone, its change frequency and priority when given, and its alternates, everything escaped.
    """

    HEAD = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
    )

    def render(self, context: dict | None = None, request: HttpRequest | None = None) -> str:
        parts = [self.HEAD]
        for url in (context or {}).get("urlset", []):
            parts.append(f"<url><loc>{escape(url['location'])}</loc>")
            if lastmod := url.get("lastmod"):
                if isinstance(lastmod, datetime) and timezone.is_aware(lastmod):
                    lastmod = timezone.localtime(lastmod)
                parts.append(f"<lastmod>{lastmod:%Y-%m-%d}</lastmod>")
            if changefreq := url.get("changefreq"):
                parts.append(f"<changefreq>{escape(changefreq)}</changefreq>")
            if priority := url.get("priority"):
                parts.append(f"<priority>{escape(priority)}</priority>")
            parts += [
                f'<xhtml:link rel="alternate" hreflang="{escape(alternate["lang_code"])}" '
                f'href="{escape(alternate["location"])}"/>'
                for alternate in url.get("alternates", [])
            ]
            parts.append("</url>\n")
        parts.append("</urlset>\n")
        return "".join(parts)


sitemap_files = SitemapFiles()
urlset_template = UrlsetTemplate()
news_sitemaps = {"news": NewsSitemap}
