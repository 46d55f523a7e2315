"""Every public page type in every language, and the article admin's pages, are valid HTML, by the Nu Html
Checker (npm package vnu-jar)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

VNU_JAR = Path(__file__).resolve().parent.parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_errors(documents: dict[str, bytes], folder: Path) -> list[str]:
    """The checker's errors in ``documents`` ({where it came from: its HTML}), each prefixed with where."""
    if not (VNU_JAR.exists() and shutil.which("java")):
        reason = "vnu-jar or java missing: run `npm install` and install a Java runtime"
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    files = {}
    for number, (url, content) in enumerate(documents.items()):
        path = folder / f"page{number}.html"
        path.write_bytes(content)
        files[path.name] = url
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, folder.glob("*.html"))],
        capture_output=True, text=True, check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    return [
        f"{files[message['url'].rsplit('/', 1)[-1]]}:{message.get('lastLine')}: {message['message']}"
        for message in messages
        if message["type"] == "error"
    ]


@pytest.mark.parametrize("content", ["site_pages", "demo_pages", "search_pages"])
def test_every_public_page_passes_the_nu_html_checker(db, client, request, content, tmp_path):
    site_pages = request.getfixturevalue(content)
    documents = {}
    for url in site_pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        documents[url] = response.content
    errors = nu_errors(documents, tmp_path)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_article_admin_passes_the_nu_html_checker(admin_client, admin_pages, language, tmp_path):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    documents = {}
    for url, data in admin_pages:
        response = admin_client.post(url, data) if data is not None else admin_client.get(url)
        assert response.status_code == 200, url
        documents[f"{url} {'(posted)' if data is not None else ''}"] = response.content
    errors = nu_errors(documents, tmp_path)
    assert not errors, "\n".join(errors)


def test_admin_pages_include_a_form_with_errors(admin_client, admin_pages):
    posted = [url for url, data in admin_pages if data is not None]
    assert posted and 'id="error-summary"' in admin_client.post(posted[0], {}).content.decode()
    assert reverse("admin:articles_article_changelist") in [url.split("?")[0] for url, _data in admin_pages]
