"""Every public page type in every language is valid HTML, by the Nu Html Checker (npm package vnu-jar)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

VNU_JAR = Path(__file__).resolve().parent.parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.mark.parametrize("content", ["site_pages", "demo_pages", "search_pages"])
def test_every_public_page_passes_the_nu_html_checker(db, client, request, content, tmp_path):
    site_pages = request.getfixturevalue(content)
    if not (VNU_JAR.exists() and shutil.which("java")):
        reason = "vnu-jar or java missing: run `npm install` and install a Java runtime"
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    files = {}
    for number, url in enumerate(site_pages):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        path = tmp_path / f"page{number}.html"
        path.write_bytes(response.content)
        files[path.name] = url
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, tmp_path.glob("*.html"))],
        capture_output=True, text=True, check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    errors = [
        f"{files[message['url'].rsplit('/', 1)[-1]]}:{message.get('lastLine')}: {message['message']}"
        for message in messages
        if message["type"] == "error"
    ]
    assert not errors, "\n".join(errors)
