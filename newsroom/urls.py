from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.static import serve

from articles.robots import robots_txt
from articles.sitemaps import news_sitemaps, sitemap_files, sitemap_index, urlset_template


class FaviconRedirect(RedirectView):
    """Browsers ask for /favicon.ico whatever a page links to: send them to the site's SVG icon (temporarily, as
    the icon's address changes with its content)."""

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("articles/favicon.svg")


urlpatterns = [
    path("favicon.ico", FaviconRedirect.as_view(), name="favicon"),
    path("admin/", admin.site.urls),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_index, name="sitemap_index"),
    path(
        "sitemap-news.xml", sitemap, {"sitemaps": news_sitemaps, "template_name": "articles/sitemap_news.xml"},
        name="news_sitemap",
    ),
    path(
        "sitemap-<section>.xml", sitemap, {"sitemaps": sitemap_files, "template_name": urlset_template},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]
# Every public page carries its language in the URL: /en/…, /ru/…, /kk/…. A request for "/" (or any path
# without a prefix) is redirected by LocaleMiddleware to the reader's language: cookie, Accept-Language, default.
urlpatterns += i18n_patterns(path("", include("articles.urls")), prefix_default_language=True)

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
