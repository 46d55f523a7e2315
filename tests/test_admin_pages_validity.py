"""The admin pages that our templates make are valid HTML, by the Nu Html Checker (npm package vnu-jar): the
article's revisions and a comparison of two, the translators' list, and the admin index with a translator's list.
Their accessibility (axe-core, in Chromium) is checked by ``browser/test_accessibility.py``."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.urls import reverse
from reversion.models import Version

from .test_html_validity import nu_errors


@pytest.fixture
def own_admin_pages(make_article, roles) -> list[tuple[User, str]]:
    """(user, address) of each admin page our templates make, with content on it."""
    article = make_article(key="budget", lead_en="The budget, at last.", body_en="One.\n\n## Two\n\n- three")
    article.body_en = "One, changed.\n\n## Two\n\n- three\n- four"
    article.save()
    make_article(languages=("en", "ru"), key="buses")
    versions = list(Version.objects.get_for_object(article).order_by("pk"))
    chief = User.objects.create_superuser("chief", password="pw")
    translator = User.objects.create_user("translator", password="pw", is_staff=True)
    translator.groups.add(Group.objects.get(name="Translators (kk)"))
    compare = reverse("admin:articles_article_revision_compare", args=[article.pk])
    translations = reverse("admin:articles_article_translations")
    return [
        (chief, reverse("admin:articles_article_history", args=[article.pk])),
        (chief, f"{compare}?older={versions[0].pk}&newer={versions[-1].pk}"),
        (chief, translations), (chief, translations + "?language=ru"),
        (translator, reverse("admin:index")), (translator, translations),
        (translator, reverse("admin:articles_article_history", args=[article.pk])),
    ]


def test_our_admin_pages_pass_the_nu_html_checker(client, own_admin_pages, tmp_path):
    documents = {}
    for language in ("en", "ru", "kk"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for user, url in own_admin_pages:
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == 200, url
            documents[f"{language} {user.username} {url}"] = response.content
    errors = nu_errors(documents, tmp_path)
    assert not errors, "\n".join(errors)
