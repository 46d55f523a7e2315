"""The site's URLs plus ``/bench/bare/``: a Django view that returns a saved article page as it is.

It goes through the same middleware and gunicorn as the article page, but runs no query, template or counter:
the difference between the two is what the article page costs.
"""

import os
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.static import serve

from newsroom.urls import urlpatterns as site_urlpatterns


@cache
def saved_page() -> bytes:
    with open(os.environ["BENCH_BARE_PAGE"], "rb") as page:
        return page.read()


def bare_page(request: HttpRequest) -> HttpResponse:
    # Before the article page is saved, the bench only asks whether gunicorn is up.
    if not os.path.exists(os.environ["BENCH_BARE_PAGE"]):
        return HttpResponse("up")
    return HttpResponse(saved_page(), content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/bare/", bare_page), *site_urlpatterns]

# bench/lighthouse.py: uploaded covers, as the web server in front of gunicorn serves MEDIA_ROOT in production.
if os.environ.get("BENCH_SERVE_MEDIA"):
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
