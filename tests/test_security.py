"""Security: hostile parameters are a 400 (never a 500), every page has a strict CSP, admin logins are throttled."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User

from articles.models import Article


@pytest.fixture
def staff_client(client, editor):
    client.force_login(editor)
    return client


@pytest.mark.parametrize("year", ["99999999999", "9999", "-1", "0"])
def test_a_date_drill_down_beyond_the_calendar_is_a_bad_filter_not_a_500(staff_client, make_article, year):
    make_article()
    response = staff_client.get(f"/admin/articles/article/?published_at__year={year}&published_at__month=12")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    "address",
    [
        "/admin/articles/article/?key=%00",
        "/admin/articles/article/?q=%00",
        "/admin/articles/article/?%00=1",
        "/admin/autocomplete/?app_label=articles&model_name=byline&field_name=author&term=%00",
        "/en/?page=%00",
        "/en/articles/a%00b/",
    ],
)
def test_a_nul_character_anywhere_in_the_address_is_a_400(staff_client, make_article, address):
    make_article()
    response = staff_client.get(address)
    assert response.status_code == 400
    assert response.text == "The request contains a NUL character."


def test_a_nul_character_in_a_form_field_is_a_400(staff_client, make_article):
    article = make_article()
    response = staff_client.post(
        f"/admin/articles/article/{article.pk}/change/", "key=a%00b",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert Article.objects.get(pk=article.pk).key == article.key


def test_a_nul_character_in_a_multipart_form_field_is_the_forms_error(staff_client, make_article):
    article = make_article()
    response = staff_client.post(f"/admin/articles/article/{article.pk}/change/", {"key": "a\x00b"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.text
    assert Article.objects.get(pk=article.pk).key == article.key


def test_the_nul_answer_is_in_the_readers_language(client):
    response = client.get("/ru/?page=%00", headers={"accept-language": "ru"})
    assert response.status_code == 400
    assert response.text == "Запрос содержит символ NUL."


class InlineScripts(HTMLParser):
    """The attributes of every ``<script>`` without ``src``, and whether any tag has a ``style`` attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts: list[dict] = []
        self.style_attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            self.inline_scripts.append(attributes)
        if "style" in attributes or any(name.startswith("on") for name in attributes):
            self.style_attributes.append(tag)


def csp_nonce(response) -> str | None:
    match = re.search(r"script-src [^;]*'nonce-([^']+)'", response["Content-Security-Policy"])
    return match[1] if match else None


def assert_strict_policy(response) -> None:
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    parser = InlineScripts()
    parser.feed(response.text)
    for attributes in parser.inline_scripts:
        # JSON-LD is data, never run: script-src does not apply to it.
        if attributes.get("type") != "application/ld+json":
            assert attributes.get("nonce") == csp_nonce(response), attributes
    assert parser.style_attributes == []


@pytest.mark.parametrize("counting", ["request", "beacon"])
def test_every_public_page_has_a_strict_content_security_policy(client, site_pages, settings, counting):
    settings.ARTICLES_VIEW_COUNTING = counting
    for address in site_pages:
        response = client.get(address)
        assert response.status_code in (200, 404), address
        assert_strict_policy(response)


def test_the_beacon_script_runs_by_the_pages_nonce(client, make_article, settings):
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    response = client.get(make_article().get_absolute_url("kk"))
    nonce = csp_nonce(response)
    assert nonce and f'<script nonce="{nonce}">' in response.text


def test_admin_pages_have_a_strict_content_security_policy(staff_client, make_article):
    article = make_article()
    for address in ["/admin/", "/admin/articles/article/", f"/admin/articles/article/{article.pk}/change/",
                    "/admin/articles/article/add/", "/admin/articles/author/add/"]:
        response = staff_client.get(address)
        assert response.status_code == 200, address
        assert_strict_policy(response)


def test_the_error_pages_have_the_policy_too(client, db):
    assert_strict_policy(client.get("/en/no-such-page/"))
    assert "Content-Security-Policy" in client.get("/admin/login/").headers


# --- Admin login throttling (django-axes) -----------------------------------------------------------------


@pytest.fixture
def chief(db) -> User:
    return User.objects.create_superuser("chief", password="correct horse battery")


def log_in(client, password: str, language: str = "en"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "chief", "password": password},
        headers={"accept-language": language},
    )


def test_wrong_passwords_up_to_the_limit_only_fail(client, chief, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong").status_code == 200
    assert log_in(client, "correct horse battery").status_code == 302


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Try again in 15 minutes."),
        ("ru", "Попробуйте снова через 15 минут."),
        ("kk", "15 минуттан кейін қайталап көріңіз."),
    ],
)
def test_too_many_wrong_passwords_lock_the_login_out_with_a_translated_message(
    client, chief, settings, language, message
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", language)
    response = log_in(client, "correct horse battery", language)
    assert response.status_code == 429
    assert message in response.text
    assert "_auth_user_id" not in client.session


def test_a_new_forwarded_for_address_with_each_guess_does_not_evade_the_lockout(client, chief, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/?next=/admin/", {"username": "chief", "password": "wrong"},
            headers={"x-forwarded-for": f"5.188.{number}.20"},
        )
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "chief", "password": "correct horse battery"},
        headers={"x-forwarded-for": "5.189.0.7"},
    )
    assert response.status_code == 429


def test_a_locked_out_user_name_is_not_locked_out_for_other_names(client, chief, settings):
    User.objects.create_superuser("deputy", password="another good one")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong")
    response = client.post("/admin/login/?next=/admin/", {"username": "deputy", "password": "another good one"})
    assert response.status_code == 302

