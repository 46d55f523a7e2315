"""``/robots.txt``: what crawlers may fetch, and where the sitemaps are."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from .site_url import absolute_url


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Keep crawlers out of the admin; name the sitemap index and the news sitemap by absolute URL."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "",
        f"Sitemap: {absolute_url(request, reverse('sitemap_index'))}",
        f"Sitemap: {absolute_url(request, reverse('news_sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
