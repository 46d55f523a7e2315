"""The beacon: a request the article page sends once it is shown, so that a cached page is still counted.

Route it in the app's URLconf (the name is what ``{% view_beacon %}`` reverses)::

    path("articles/<int:pk>/seen/", counting_views.article_seen, name="article_seen"),
"""

import base64

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..conf import conf
from ..selectors import article_is_public
from .readers import count_article_view, is_reader

BEACON_METHODS = ("GET", "POST")

# The smallest transparent GIF, for the <noscript> image.
TRANSPARENT_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def is_same_origin(request: HttpRequest) -> bool:
    """Whether the beacon came from one of this site's pages, as far as the browser says.

    A cross-site request carries no ``SameSite=Lax`` cookie, so every one would look like a new reader.
    """
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.META.get("HTTP_ORIGIN")
    return origin is None or origin.split("://", 1)[-1] == request.get_host()


@csrf_exempt  # sendBeacon cannot send a CSRF token; the only effect is a counted view, guarded above.
@require_http_methods(BEACON_METHODS)
def article_seen(request: HttpRequest, pk: int) -> HttpResponse:
    """Count a view of article ``pk`` in the URL's language: ``POST`` answers 204, ``GET`` a 1×1 GIF.

    The answer is the same whether or not the view counted (a bot, a reload, a draft, ``"request"`` mode), and
    never cached.
    """
    if request.method == "POST":
        response = HttpResponse(status=204)
    else:
        response = HttpResponse(TRANSPARENT_GIF, content_type="image/gif")
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    language = get_language()
    if (
        conf.ARTICLES_VIEW_COUNTING == "beacon"
        and is_same_origin(request)
        and is_reader(request, BEACON_METHODS)
        and article_is_public(article_id=pk, language=language)
    ):
        count_article_view(request, response, article_id=pk, language=language, methods=BEACON_METHODS)
    return response
