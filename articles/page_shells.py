"""Article pages kept as *shells*: the page as rendered, cut where it changes with every request.

An uncached article page spends most of its time building what is the same for every reader of an address: the
base template, the head, the switcher, the article, the lists around it. A shell keeps that, under the content
generation, with marks where the parts that change with every request go (``{% per_request %}``: the view count,
the most-read block). A reader's request then costs reading the shell, the current count and the most-read
block, and filling the marks: no article to unpickle, no page template to render.

What keeps it exact, as the whole pages of ``page_cache.py`` are kept:

- **Never stale.** A shell is served only under the content generation it was made in (``caching.py``), which
  every save, delete, publication and withdrawal renews, and never past the next scheduled publication (a
  language version turning public changes the switcher, hreflang and the lists with no save) nor
  ``ARTICLES_PAGE_CACHE_SECONDS``.
- **Never someone else's page.** Only requests without a session cookie read or leave shells: staff (previews, the
  admin's links) always have one, and a page without a session is the same for every reader of its address and
  language. The address, the language, the site's root and the counting mode (the beacon is in the shell) make
  the key.
- **Its own CSP nonce.** A shell's nonce is replaced by the serving request's own.
- **The parts are current.** Each part is rendered on every request from its own template, with the current
  count and the most-read variables only (``part_context``), on a page made now as on one from a shell.

A page whose template marks no part (an override written before ``{% per_request %}``) is never kept: its count
would be frozen in it.
"""

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest
from django.utils import timezone

from .caching import cached_with_generation
from .conf import conf
from .selectors import kept_page_lifetime
from .site_url import site_root

# Where a part goes: its template's name between two NUL characters, which no rendered text can hold (the
# database and the request filters refuse NUL).
PART_MARK = re.compile("\x00per-request:([^\x00]+)\x00")


def mark(template_name: str) -> str:
    """The mark ``{% per_request %}`` leaves in a page being made into a shell."""
    return f"\x00per-request:{template_name}\x00"


@dataclass(frozen=True)
class Shell:
    """A page cut around its parts: ``pieces`` alternate text and the template names of the parts between it
    (``[text, part, text, …, text]``)."""

    pieces: tuple[str, ...]
    article_id: int
    content_language: str
    nonce: str | None
    generation: int
    until: float

    def fill(self, parts: Mapping[str, str], nonce: str | None) -> str:
        """The page, with each part's rendering (``parts``, by template name) in its place, and ``nonce`` in place
        of the shell's."""
        text = "".join(parts[piece] if index % 2 else piece for index, piece in enumerate(self.pieces))
        if self.nonce and nonce is not None and nonce != self.nonce:
            text = text.replace(f'nonce="{self.nonce}"', f'nonce="{nonce}"')
        return text

    def part_names(self) -> set[str]:
        return set(self.pieces[1::2])


def may_use_shell(request: HttpRequest) -> bool:
    """Whether ``request`` may be answered from a shell, or leave one: a ``GET`` without a session cookie."""
    return request.method == "GET" and settings.SESSION_COOKIE_NAME not in request.COOKIES


def shell_key(request: HttpRequest, language: str) -> str:
    address = f"{site_root(request)}{request.path}|{language}|{conf.ARTICLES_VIEW_COUNTING}"
    return f"articles:page-shell:{hashlib.sha256(address.encode()).hexdigest()}"


def lookup(key: str) -> tuple[Shell | None, int]:
    """The shell at ``key`` if it may be served now, and the current content generation, in one round trip."""
    shell, generation = cached_with_generation(key)
    if not isinstance(shell, Shell) or shell.generation != generation or timezone.now().timestamp() >= shell.until:
        return None, generation
    return shell, generation


def make_shell(page: str, *, article_id: int, content_language: str, nonce: str | None, generation: int) -> Shell:
    """The shell of ``page``, rendered with the marks of its parts.

    ``generation`` is the content generation read *before* the page was made: a change made meanwhile leaves the
    shell under the older one, never served. It may be kept until the next scheduled publication, at most
    ``ARTICLES_PAGE_CACHE_SECONDS`` (``until``; now when that cannot be known).
    """
    now = timezone.now()
    try:
        seconds = kept_page_lifetime(now=now, at_most=float(conf.ARTICLES_PAGE_CACHE_SECONDS))
    except DatabaseError:
        seconds = 0  # the page is served; it is only not kept
    return Shell(
        pieces=tuple(PART_MARK.split(page)), article_id=article_id, content_language=content_language, nonce=nonce,
        generation=generation, until=now.timestamp() + seconds,
    )


def store(key: str, shell: Shell) -> bool:
    """Keep ``shell`` under ``key`` until it may no longer be true; return whether it was kept.

    Not kept: a page that marks no part, or one with under a second to live (the cache rounds lifetimes to whole
    seconds: rounded down, a shell never outlives its boundary).
    """
    seconds = math.floor(shell.until - timezone.now().timestamp())
    if not shell.part_names() or seconds < 1:
        return False
    cache.set(key, shell, seconds)
    return True
