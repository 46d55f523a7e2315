"""``manage.py ensure_admin``: the development login `make run` prints."""

import re
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command


def printed_login(**options) -> tuple[str, str]:
    output = StringIO()
    call_command("ensure_admin", stdout=output, **options)
    match = re.search(r"Admin login: (\S+)\s+user: (\S+)\s+password: (\S+)", output.getvalue())
    assert match, output.getvalue()
    url, _user, password = match.groups()
    return url, password


def test_the_printed_login_opens_the_admin_at_the_site_make_run_serves(db, settings):
    settings.ARTICLES_SITE_URL = "http://127.0.0.1:8765"  # make run PORT=8765
    url, password = printed_login()
    assert url == "http://127.0.0.1:8765/admin/"
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)


def test_without_a_site_address_the_login_names_runservers_default(db, settings):
    settings.ARTICLES_SITE_URL = ""
    assert printed_login()[0] == "http://127.0.0.1:8000/admin/"


def test_running_it_again_sets_a_new_password(db, settings, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "chosen-password-1")
    printed_login()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "chosen-password-2")
    _url, password = printed_login()
    assert password == "chosen-password-2"
    user = get_user_model().objects.get(username="admin")
    assert user.check_password("chosen-password-2") and not user.check_password("chosen-password-1")
