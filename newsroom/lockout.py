"""What django-axes answers to a login attempt that is locked out (``AXES_LOCKOUT_CALLABLE``)."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def login_locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: dict) -> HttpResponse:
    """A 429 page saying, in the reader's language, that logins are blocked and for how many minutes."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    context = {**admin.site.each_context(request), "cooloff_minutes": minutes}
    return render(request, "lockout.html", context, status=429)
