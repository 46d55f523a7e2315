"""The host project's middleware: requests the site cannot answer are answered plainly, never with a 500."""

import hashlib
import logging
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext

logger = logging.getLogger(__name__)


class RejectNulCharactersMiddleware:
    """Answer 400 to a request whose address, query string or form fields contain a NUL character.

    No page has a use for one, and PostgreSQL refuses it in any string ("A string literal cannot contain NUL"):
    without this, ``?key=%00`` on an admin list, or an autocomplete ``term=%00``, is a 500. Multipart bodies are
    left to the forms (their fields refuse NUL) so that the upload handlers stay the view's choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            return HttpResponseBadRequest(gettext("The request contains a NUL character."), content_type="text/plain")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path:
            return True
        parameters = [request.GET]
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            parameters.append(request.POST)
        return any(
            "\x00" in key or any("\x00" in value for value in values)
            for query in parameters
            for key, values in query.lists()
        )


class DatabaseOutageMiddleware:
    """While the database cannot be reached, serve the last good copy of a public page, or a 503.

    Every anonymous ``GET`` of a page outside the admin that succeeds leaves a copy of itself in Django's cache
    (refreshed at most once a minute per process, kept ``NEWSROOM_OUTAGE_COPY_SECONDS``). When a view then fails with a
    connection error (refused, timed out, statement cancelled), readers get that copy, view count and all as it
    was; without a copy, a 503 page in the page's language with ``Retry-After``. The failure is logged as one
    warning a minute per process rather than a traceback per request.
    """

    RETRY_AFTER_SECONDS = 30
    KEPT_PARAMETERS = frozenset({"page"})
    REFRESH_SECONDS = 60
    LOG_EVERY_SECONDS = 60
    # When this process last kept a copy of each address, newest last: the refresh is decided here, without a
    # cache round trip per page view. Bounded: the oldest addresses are forgotten first (and simply copied again).
    COPIED_AT_MAX_ENTRIES = 10_000
    _copied_at: "OrderedDict[str, float]" = OrderedDict()
    _copied_at_lock = threading.Lock()
    _logged_at: float | None = None

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self._keeps_copy(request, response) and self._due_for_a_copy(key := self._key(request, "copy")):
            cache.set(
                key,
                {
                    "content": response.content,
                    "content_type": response["Content-Type"],
                    "nonce": getattr(request, "_csp_nonce", None),
                },
                settings.NEWSROOM_OUTAGE_COPY_SECONDS,
            )
        return response

    @classmethod
    def _due_for_a_copy(cls, key: str) -> bool:
        now = time.monotonic()
        with cls._copied_at_lock:
            copied_at = cls._copied_at.get(key)
            if copied_at is not None and now - copied_at < cls.REFRESH_SECONDS:
                return False
            cls._copied_at[key] = now
            cls._copied_at.move_to_end(key)
            while len(cls._copied_at) > cls.COPIED_AT_MAX_ENTRIES:
                cls._copied_at.popitem(last=False)
            return True

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        self._log(exception)
        copy = cache.get(self._key(request, "copy")) if self._is_public(request) else None
        if copy is not None:
            return self._serve_copy(request, copy)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        # Logged above, once a minute: Django's request log (django.utils.log.log_response) skips the response.
        response._has_been_logged = True
        return response

    @staticmethod
    def _is_public(request: HttpRequest) -> bool:
        # A session cookie may mean staff, who see previews and the admin: their pages are never kept or served.
        return (
            request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith("/admin/")
        )

    def _keeps_copy(self, request: HttpRequest, response: HttpResponse) -> bool:
        return (
            self._is_public(request)
            # Only the addresses the site links to: a copy per made-up query string would let anyone fill the cache.
            and set(request.GET) <= self.KEPT_PARAMETERS
            and response.status_code == 200
            and not response.streaming
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        )

    @staticmethod
    def _key(request: HttpRequest, kind: str) -> str:
        return f"newsroom:outage:{kind}:{hashlib.sha256(request.get_full_path().encode()).hexdigest()}"

    @staticmethod
    def _serve_copy(request: HttpRequest, copy: dict) -> HttpResponse:
        content = copy["content"]
        if copy["nonce"]:
            # This response's own nonce, which CSPMiddleware puts in the header: a nonce is never reused.
            content = content.replace(copy["nonce"].encode(), request.csp_nonce.encode())
        response = HttpResponse(content, content_type=copy["content_type"])
        response["Cache-Control"] = "no-store"
        return response

    def _log(self, exception: Exception) -> None:
        now = time.monotonic()
        cls = DatabaseOutageMiddleware
        if cls._logged_at is None or now - cls._logged_at >= self.LOG_EVERY_SECONDS:
            cls._logged_at = now
            logger.error("Database unavailable, answering 503 or the last good copy: %s", exception)
