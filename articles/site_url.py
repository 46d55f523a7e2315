"""The one place absolute URLs are made: canonical and ``og:url`` links, hreflang alternates, JSON-LD, feeds and
sitemaps all start with the site's scheme and host from here.

With ``ARTICLES_SITE_URL`` set (``https://news.example.kz``) that is the site URL, whatever Host a request names.
Without it, it is the request's scheme and host name *without a port*: Django's ``ALLOWED_HOSTS`` ignores ports,
so a port in the Host header is the client's invention and must not reach links or cache keys. A site served on
a port of its own sets ``ARTICLES_SITE_URL`` with that port (``make run`` does, for the development server).
"""

from urllib.parse import urljoin, urlsplit

from django.http import HttpRequest
from django.http.request import split_domain_port

from .conf import conf


def site_scheme(request_scheme: str) -> str:
    """The scheme of absolute URLs: the site URL's, else the request's."""
    return urlsplit(conf.ARTICLES_SITE_URL).scheme if conf.ARTICLES_SITE_URL else request_scheme


def site_host(request_host: str) -> str:
    """The host (and port) of absolute URLs: the site URL's, else the request's host name without its port."""
    if conf.ARTICLES_SITE_URL:
        return urlsplit(conf.ARTICLES_SITE_URL).netloc
    return split_domain_port(request_host)[0]


def site_root(request: HttpRequest) -> str:
    """``scheme://host`` that every absolute URL for ``request`` starts with (no trailing slash)."""
    return f"{site_scheme(request.scheme or 'http')}://{site_host(request.get_host())}"


def absolute_url(request: HttpRequest, url: str) -> str:
    """``url`` (a path, or already absolute, as a storage's file URL may be) as an absolute URL on the site."""
    return urljoin(site_root(request) + "/", url)
