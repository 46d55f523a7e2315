"""Whole public pages for anonymous readers, kept in Django's cache (``ARTICLES_FULL_PAGE_CACHE``).

``FullPageCacheMiddleware`` answers an anonymous ``GET`` of the front page, an article, a section or an author page
from the cache, without a query or a template. What makes that safe:

- **Never stale.** An entry is served only under the content generation it was made in (``caching.py``), which
  every save, delete, publication and withdrawal renews; and never past the next scheduled publication (a
  scheduled article turns public with no save), nor ``ARTICLES_FULL_PAGE_CACHE_SECONDS``.
- **Never someone else's page.** Only requests without a session cookie (staff, previews and the admin always
  have one) and without a messages cookie are served or stored; a response is stored only when it is a 200 that
  sets no cookie, varies on nothing but the language (which is in the key), is not ``private``/``no-store``/
  ``no-cache``, carries no CSRF token and no per-view CSP.
- **Its own CSP nonce.** A stored page's nonce is replaced by the serving response's own, which
  ``CSPMiddleware`` (outside this middleware) then puts in the header: no two responses share a nonce.
- **Views are still counted.** A cached page runs no view, so it needs ``ARTICLES_VIEW_COUNTING = "beacon"``
  (system check ``articles.E603``): every page shown sends the beacon, which counts exactly as before. The count
  *shown* on a cached page is at most ``ARTICLES_FULL_PAGE_CACHE_SECONDS`` old.
"""

import hashlib
import math

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import get_language

from .caching import cached_with_generation
from .conf import conf
from .selectors import kept_page_lifetime
from .site_url import site_root

# The public pages kept whole, by URL name: their content changes only with the content generation and the clock.
CACHED_VIEWS = frozenset({
    "articles:article_list",
    "articles:article_detail",
    "articles:section_detail",
    "articles:author_detail",
})
# The language is part of the key, so a response may vary on it; anything else it varies on is not in the key.
KEYED_VARY_HEADERS = frozenset({"accept-language"})
UNCACHEABLE_DIRECTIVES = frozenset({"private", "no-store", "no-cache"})
# Served anew with every response, by middleware outside this one.
FRESH_HEADERS = frozenset({"content-length", "set-cookie"})
STATUS_HEADER = "X-Page-Cache"


def page_key(request: HttpRequest) -> str:
    """The cache key of ``request``'s page: the site's root as its absolute URLs use it (``site_root``: the
    request's port, which a client may set at will, is not in it), path and page number, language.

    The content generation is not in the key but in the entry, so that a hit costs one round trip to the cache
    (the entry and the current generation together), and a page made again replaces its stale entry.
    """
    address = f"{site_root(request)}{request.get_full_path()}|{get_language()}"
    return f"articles:full-page:{hashlib.sha256(address.encode()).hexdigest()}"


def lookup(key: str) -> tuple[dict | None, int]:
    """The entry at ``key`` (None if absent) and the current content generation, in one round trip."""
    entry, generation = cached_with_generation(key)
    return entry if isinstance(entry, dict) else None, generation


def is_cacheable_request(request: HttpRequest) -> bool:
    """Whether ``request`` may be answered from the cache, or leave its answer there.

    Only an anonymous reader's ``GET`` of a page in ``CACHED_VIEWS``, with no query string but a page number
    written as the site writes it (a made-up query string per request would otherwise fill the cache).
    """
    if request.method != "GET":
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # staff, previews, the admin: someone's own page
    if getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in request.COOKIES:
        return False  # messages waiting to be shown to this browser
    if request.GET and (list(request.GET) != ["page"] or not is_page_number(request.GET.getlist("page"))):
        return False
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return match.view_name in CACHED_VIEWS


def is_page_number(values: list[str]) -> bool:
    return len(values) == 1 and values[0].isdigit() and values[0] == str(int(values[0])) and values[0] != "0"


def is_cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether ``response`` is the same for every anonymous reader of this address and language."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    vary = {header.strip().lower() for header in response.get("Vary", "").split(",") if header.strip()}
    if not vary <= KEYED_VARY_HEADERS:
        return False
    directives = {
        directive.split("=", 1)[0].strip().lower() for directive in response.get("Cache-Control", "").split(",")
    }
    if directives & UNCACHEABLE_DIRECTIVES:
        return False
    if request.META.get("CSRF_COOKIE_USED"):
        return False  # the page holds a CSRF token made for this browser's cookie
    # A policy changed for this one view (django-csp's decorators) lives on the response, not in its headers.
    return not any(
        getattr(response, name, None) for name in ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")
    )


def store(request: HttpRequest, response: HttpResponse, key: str, *, generation: int) -> bool:
    """Keep ``response`` under ``key`` until it may no longer be true; return whether it was kept.

    ``generation`` is the content generation read *before* the page was made: a change made meanwhile leaves the
    entry under the older one, never served.
    """
    now = timezone.now()
    try:
        seconds = kept_page_lifetime(now=now, at_most=float(conf.ARTICLES_FULL_PAGE_CACHE_SECONDS))
    except DatabaseError:
        return False  # the page is served; it is only not kept
    # The cache rounds lifetimes to whole seconds: rounded down, an entry never outlives the boundary.
    if seconds < 1:
        return False
    cache.set(
        key,
        {
            "content": response.content,
            "headers": [(name, value) for name, value in response.items() if name.lower() not in FRESH_HEADERS],
            "nonce": getattr(request, "_csp_nonce", None),
            "until": now.timestamp() + seconds,
            "generation": generation,
        },
        math.floor(seconds),
    )
    return True


def serve(request: HttpRequest, entry: dict) -> HttpResponse:
    """A new response from a stored ``entry``, with this response's own CSP nonce in place of the stored one."""
    content = entry["content"]
    fresh_nonce = getattr(request, "csp_nonce", None)  # django-csp's, made on first use and put in the header
    if entry["nonce"] and fresh_nonce is not None:
        content = content.replace(f'nonce="{entry["nonce"]}"'.encode(), f'nonce="{fresh_nonce}"'.encode())
    response = HttpResponse(content)
    for name, value in entry["headers"]:
        response[name] = value
    response["Content-Length"] = str(len(content))
    response[STATUS_HEADER] = "hit"
    return response


class FullPageCacheMiddleware:
    """Serve and keep whole public pages for anonymous readers when ``ARTICLES_FULL_PAGE_CACHE`` is on.

    Place it after ``csp.middleware.CSPMiddleware``, ``SessionMiddleware`` and ``LocaleMiddleware`` (it needs the
    request's nonce and language) and before the middleware a cached page can skip (CSRF, authentication,
    messages); the system checks ``articles.E604`` and ``E605`` say where it is missing or misplaced.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not conf.ARTICLES_FULL_PAGE_CACHE or not is_cacheable_request(request):
            return self.get_response(request)
        key = page_key(request)
        entry, generation = lookup(key)
        if entry is not None and entry["generation"] == generation and timezone.now().timestamp() < entry["until"]:
            return serve(request, entry)
        response = self.get_response(request)
        if is_cacheable_response(request, response) and store(request, response, key, generation=generation):
            response[STATUS_HEADER] = "miss"
        return response
