from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.static import serve

from articles.sitemaps import sitemaps

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="django.contrib.sitemaps.views.sitemap"),
]
# Every public page carries its language in the URL: /en/…, /ru/…, /kk/…. A request for "/" (or any path
# without a prefix) is redirected by LocaleMiddleware to the reader's language: cookie, Accept-Language, default.
urlpatterns += i18n_patterns(path("", include("articles.urls")), prefix_default_language=True)

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
