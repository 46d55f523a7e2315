"""Which requests count as a reader's view, and the cookie that keeps a reload from counting twice.

A view counts once per browser per ``ARTICLES_VIEW_DEDUP_SECONDS``. Not counted: crawlers and link-preview bots
(and any request without a User-Agent, or with one longer than any browser sends), ``HEAD``, prefetches and
prerenders, logged-in staff, and a page fetched by another page (an ``<img>``, ``<iframe>``, ``<script>`` or
``fetch()`` pointing at it) rather than navigated to.

Reloads are remembered without a session or a database row: a small signed cookie lists the articles this browser
was counted for, with the time of each (``"<id>.<time>"`` in base 36, the newest
``ARTICLES_VIEW_COOKIE_MAX_ARTICLES`` of them).
"""

import functools
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from ..conf import conf
from .crawlers import crawler_patterns
from .recording import article_record_view

# Headers browsers send when they fetch a page the reader may never look at.
PREFETCH_HEADERS = {
    "HTTP_SEC_PURPOSE": ("prefetch", "prerender"),
    "HTTP_PURPOSE": ("prefetch", "preview"),
    "HTTP_X_PURPOSE": ("prefetch", "preview"),
    "HTTP_X_MOZ": ("prefetch",),
}
# Real browsers, in-app ones included, send under 300 characters. A longer User-Agent is a bot's or an attack's: it
# is not counted and never reaches the patterns, which bounds what one request can cost.
MAX_USER_AGENT_CHARS = 512


def cookie_signer() -> signing.Signer:
    # Made when used, not at import: the secret key (and its rotation fallbacks) are read at that moment.
    return signing.Signer(salt="articles.counting.seen")


def is_crawler(user_agent: str) -> bool:
    """Whether ``user_agent`` is a crawler, a link-preview bot or a tool (crawlerdetect's list).

    An empty User-Agent is a bot too, and so is one longer than ``MAX_USER_AGENT_CHARS`` (without being matched).
    """
    user_agent = user_agent.strip()
    if not user_agent or len(user_agent) > MAX_USER_AGENT_CHARS:
        return True
    return _matches_crawler(user_agent)


# Cached: a site sees the same few hundred browsers all day.
@functools.lru_cache(maxsize=4096)
def _matches_crawler(user_agent: str) -> bool:
    return crawler_patterns().is_crawler(user_agent)


def is_navigation(request: HttpRequest) -> bool:
    """Whether the browser is loading the page as a page (a link followed, an address typed), by Fetch Metadata.

    An ``<img>``, ``<iframe>``, ``<script>`` or ``fetch()`` on another site pointing at the page is not a reader
    opening it (and, cross-site, carries no reload cookie, so it would count on every visit to that site).
    Browsers that send no Fetch Metadata (older Safari, for one) are taken at their word.
    """
    destination = request.META.get("HTTP_SEC_FETCH_DEST", "document")
    mode = request.META.get("HTTP_SEC_FETCH_MODE", "navigate")
    return destination == "document" and mode == "navigate"


def is_prefetch(request: HttpRequest) -> bool:
    return any(
        purpose in request.META.get(header, "").lower()
        for header, purposes in PREFETCH_HEADERS.items()
        for purpose in purposes
    )


def is_staff(request: HttpRequest) -> bool:
    """Logged-in staff (editors checking their work) are not readers.

    Only a request with a session cookie can be logged in; looking no further for the others keeps readers'
    pages free of ``Vary: Cookie`` and of session queries.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


def is_reader(request: HttpRequest, methods: tuple[str, ...] = ("GET",)) -> bool:
    """Whether ``request`` may count as a view: the right method, a browser's User-Agent, shown to a reader."""
    return (
        request.method in methods
        and not is_prefetch(request)
        and not is_crawler(request.META.get("HTTP_USER_AGENT", ""))
        and not is_staff(request)
    )


class SeenArticles:
    """The articles this browser was counted for lately: ``{article id: unix time}``, kept in a signed cookie."""

    def __init__(self, seen: dict[int, int]) -> None:
        self.seen = seen

    @classmethod
    def from_request(cls, request: HttpRequest, *, now: int, window: int) -> "SeenArticles":
        """Read the cookie, keeping the entries still inside the window; a cookie not signed by us is ignored."""
        raw = request.COOKIES.get(conf.ARTICLES_VIEW_COOKIE_NAME)
        seen = {}
        if raw:
            try:
                value = cookie_signer().unsign(raw)
            except signing.BadSignature:
                value = ""
            for entry in value.split("-") if value else ():
                try:
                    article, _sep, at = entry.partition(".")
                    article_id, seen_at = int(article, 36), int(at, 36)
                except ValueError:
                    continue
                if 0 <= now - seen_at < window:
                    seen[article_id] = seen_at
        return cls(seen)

    def __contains__(self, article_id: int) -> bool:
        return article_id in self.seen

    def add(self, article_id: int, *, now: int) -> None:
        # First, so that among views in the same second the newest is kept when the cookie is full.
        self.seen = {article_id: now, **{key: at for key, at in self.seen.items() if key != article_id}}

    def cookie_value(self) -> str:
        newest = sorted(self.seen.items(), key=lambda item: item[1], reverse=True)
        value = "-".join(
            f"{to_base36(article_id)}.{to_base36(at)}"
            for article_id, at in newest[: conf.ARTICLES_VIEW_COOKIE_MAX_ARTICLES]
        )
        return cookie_signer().sign(value)

    def set_cookie(self, response: HttpResponse, *, window: int, secure: bool) -> None:
        response.set_cookie(
            conf.ARTICLES_VIEW_COOKIE_NAME, self.cookie_value(),
            max_age=window, path="/", secure=secure, httponly=True, samesite="Lax",
        )


def to_base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
        if not number:
            return text


def count_article_view(
    request: HttpRequest,
    response: HttpResponse,
    *,
    article_id: int,
    language: str,
    methods: tuple[str, ...] = ("GET",),
    now: datetime | None = None,
) -> bool:
    """Count ``request`` as a view of the article in ``language`` if it is a reader's first within the window.

    Remembers the view in ``response``'s cookie. Returns whether the view was counted.
    """
    if not is_reader(request, methods):
        return False
    now = now or timezone.now()
    timestamp, window = int(now.timestamp()), conf.ARTICLES_VIEW_DEDUP_SECONDS
    seen = SeenArticles.from_request(request, now=timestamp, window=window) if window > 0 else None
    if seen is not None and article_id in seen:
        return False
    if not article_record_view(article_id=article_id, language=language, at=now):
        return False  # lost, and logged: no cookie, so the next load may count
    if seen is not None:
        seen.add(article_id, now=timestamp)
        seen.set_cookie(response, window=window, secure=request.is_secure())
    return True


def count_page_view(request: HttpRequest, response: HttpResponse, *, article_id: int, language: str) -> bool:
    """Count the article page itself as a view when ``ARTICLES_VIEW_COUNTING`` is ``"request"``.

    The page is then marked ``private``: a shared cache that served it again would serve uncounted views. (With
    ``"beacon"``, the page may be cached anywhere and the beacon counts.) Only a navigation to the page counts.
    """
    if conf.ARTICLES_VIEW_COUNTING != "request":
        return False
    patch_cache_control(response, private=True)
    return is_navigation(request) and count_article_view(request, response, article_id=article_id, language=language)
