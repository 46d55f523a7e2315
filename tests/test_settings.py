"""The host project's settings come from the environment; run in a fresh process to see them load."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings",
                                                            **env},
        capture_output=True, text=True, check=False, timeout=120,
    )


def test_deploy_checks_pass_with_production_values():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        DJANGO_ALLOWED_HOSTS="news.example.kz", DJANGO_SECURE_SSL_REDIRECT="1",
        DATABASE_URL="postgres://newsroom@db.example.kz:5432/newsroom",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, check=False, timeout=120)


@pytest.mark.parametrize("server", ["newsroom.wsgi", "newsroom.asgi"])
def test_production_refuses_to_serve_without_a_secret_key(server):
    result = run(f"import {server}")
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr
    assert run(f"import {server}", DJANGO_SECRET_KEY="a-long-random-production-secret-key-0123456789").returncode == 0


def test_commands_that_sign_nothing_run_without_a_secret_key():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr


def test_debug_runs_with_a_development_key():
    assert manage("check", DJANGO_DEBUG="1").returncode == 0


def test_languages_without_translation_columns_are_a_system_check_error(settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("de", "German")]
    with pytest.raises(SystemCheckError, match=r"articles\.E001"):
        call_command("check", tags=["compatibility"])


@pytest.mark.parametrize("names", [["Қазақша"], {"kk": ""}, {"kk": None}, "Қазақша"])
def test_language_names_that_are_not_a_mapping_of_names_are_a_system_check_error(settings, names):
    settings.ARTICLES_LANGUAGE_NAMES = names
    with pytest.raises(SystemCheckError, match=r"articles\.E003"):
        call_command("check", tags=["compatibility"])


@pytest.mark.parametrize("site_url", [
    "news.example.kz", "ftp://news.example.kz", "https://news.example.kz/news/", "https://news.example.kz/?a=1",
    "https://user@news.example.kz", "https://news.example.kz:port", "https://",
])
def test_a_site_url_that_is_not_a_scheme_and_host_is_a_system_check_error(settings, site_url):
    settings.ARTICLES_SITE_URL = site_url
    with pytest.raises(SystemCheckError, match=r"articles\.E201"):
        call_command("check", tags=["compatibility"])


@pytest.mark.parametrize(
    "site_url", ["", "https://news.example.kz", "http://127.0.0.1:8000", "https://news.example.kz/"]
)
def test_a_scheme_and_host_is_a_valid_site_url(settings, site_url):
    settings.ARTICLES_SITE_URL = site_url
    call_command("check", tags=["compatibility"])


@pytest.mark.parametrize("value", [0, -1, "10MB", 2.5, None])
def test_upload_limits_that_are_not_positive_whole_numbers_are_a_system_check_error(settings, value):
    settings.ARTICLES_MAX_UPLOAD_BYTES = value
    with pytest.raises(SystemCheckError, match=r"articles\.E202"):
        call_command("check", tags=["compatibility"])


TELEGRAM = (
    "from newsroom import settings; "
    "print(sorted((code, channel['url']) for code, channel in settings.ARTICLES_TELEGRAM.items()))"
)


def test_the_demo_shows_a_telegram_channel_in_every_language_and_production_none():
    demo = run(TELEGRAM, DJANGO_DEBUG="1")
    assert demo.stdout.strip() == str([(code, f"https://t.me/newsroom_demo_{code}") for code in ("en", "kk", "ru")])
    assert run(TELEGRAM, DJANGO_SECRET_KEY="x" * 50).stdout.strip() == "[]"
    assert "newsroom_demo_en" in run(TELEGRAM, DJANGO_SECRET_KEY="x" * 50, NEWSROOM_DEMO="1").stdout
    own = run(TELEGRAM, DJANGO_DEBUG="1", ARTICLES_TELEGRAM_RU="https://t.me/our_ru").stdout
    assert "('ru', 'https://t.me/our_ru')" in own and "('en', 'https://t.me/newsroom_demo_en')" in own


@pytest.mark.parametrize("value", [[], [0, 640], [320, "640"], 640, [True], [20_000], None])
def test_image_widths_that_are_not_a_list_of_pixel_widths_are_a_system_check_error(settings, value):
    settings.ARTICLES_IMAGE_WIDTHS = value
    with pytest.raises(SystemCheckError, match=r"articles\.E203"):
        call_command("check", tags=["compatibility"])


def test_a_list_of_image_widths_passes_the_checks(settings):
    settings.ARTICLES_IMAGE_WIDTHS = [480, 1200]
    call_command("check", tags=["compatibility"])


def test_the_articles_languages_follow_a_changed_setting(settings):
    from articles.conf import conf

    assert conf.ARTICLES_LANGUAGES == ("en", "ru", "kk")
    settings.MODELTRANSLATION_LANGUAGES = ("en", "ru")
    assert conf.ARTICLES_LANGUAGES == ("en", "ru")
    del settings.MODELTRANSLATION_LANGUAGES
    settings.LANGUAGES = [("en", "English"), ("kk", "Қазақша")]
    assert conf.ARTICLES_LANGUAGES == ("en", "kk")
