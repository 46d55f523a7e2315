import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the superuser 'admin' (or reset its password) for a development site, and print the login. "
        "The password is DJANGO_SUPERUSER_PASSWORD when set, else a new random one."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options) -> None:
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or secrets.token_urlsafe(12)
        user, _created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        # `make run` sets the site's address from its HOST and PORT; runserver's own default otherwise.
        site = (settings.ARTICLES_SITE_URL or "http://127.0.0.1:8000").rstrip("/")
        self.stdout.write(self.style.SUCCESS(
            f"\n  Admin login: {site}/admin/  user: {username}  password: {password}\n"
        ))
