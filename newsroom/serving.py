from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """Refuse to serve without a secret key: sessions and CSRF tokens would be signed with nothing."""
    try:
        settings.SECRET_KEY  # noqa: B018 (Django raises on an empty key when it is read)
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for development on this machine)."
        ) from None
