"""Every kind of admin page, for every model, in every state an editor meets, is wholly in Russian and Kazakh.

The walk is made from the admin's own registry, so a model registered later is walked too: the index and each
app's page; each model's list (plain, searched with and without results, with every filter choice the list offers,
with facet counts, with a bad filter), add form (also as a pop-up), change form, delete confirmation and history;
each form sent back with errors; the article's revisions, a comparison of two and a restore; the translators'
pages, as an editor and as a translator; the password pages; an object that does not exist; login and logout.
Each page's interface text is checked by ``test_admin_language.english_left_on``: no English msgid of Django's
admin and auth catalogs or of ours, no Latin word (hence no "Django") outside the content the test created.
"""

import re
from html import unescape

import polib
import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reversion.models import Version

from articles.models import Article

from .support import article_form
from .test_admin_language import LANGUAGES, created_content, english_left_on, english_msgids, newsroom_admin

__all__ = ["newsroom_admin"]  # the fixture, shared with test_admin_language

FILTER_LINKS = re.compile(r'<a href="(\?[^"]*)"')


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def filter_choices(html: str) -> set[str]:
    """The query strings of the links in a change list's filter panel: every choice of every filter."""
    panel = html.partition('id="changelist-filter"')[2].partition("</nav>")[0]
    return {unescape(link) for link in FILTER_LINKS.findall(panel)}


def search_term(obj) -> str:
    return str(obj).split()[0]


def model_pages(client, model, obj) -> list[str]:
    """Every page the admin has for ``model``, with ``obj`` where one object is needed."""
    changelist = admin_url(model, "changelist")
    pages = [
        changelist, f"{changelist}?q={search_term(obj)}", f"{changelist}?q=нет-такого", f"{changelist}?_facets=True",
        admin_url(model, "add"), admin_url(model, "add") + "?_popup=1",
        admin_url(model, "change", obj.pk), admin_url(model, "delete", obj.pk), admin_url(model, "history", obj.pk),
    ]
    pages += sorted(changelist + choice for choice in filter_choices(client.get(changelist).text))
    return pages


def walk_problems(client, pages, msgids) -> dict[str, list[str]]:
    problems = {}
    for page in pages:
        response = client.get(page, follow=True)
        assert response.status_code == 200, page
        problems[page] = english_left_on(response.text, created_content(), msgids)
    return {page: found for page, found in problems.items() if found}


@pytest.fixture
def walk(newsroom_admin, roles):
    client, objects = newsroom_admin
    article = objects["article"]
    article.title_ru = "Новость с исправленным заголовком"
    article.save()
    objects["versions"] = list(Version.objects.get_for_object(article).order_by("pk"))
    objects["translator"] = User.objects.create_user("переводчица", password="пароль-переводчицы", is_staff=True)
    objects["translator"].groups.add(Group.objects.get(name="Translators (kk)"))
    return client, objects


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_of_every_registered_model_is_in_the_editors_language(walk, language):
    client, objects = walk
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    by_model = {Article: objects["article"], User: objects["user"], Group: objects["group"]}
    by_model.update({type(objects[name]): objects[name] for name in ("author", "section", "tag")})
    assert set(by_model) == set(admin.site._registry), "a model the walk does not know is registered"
    pages = [reverse("admin:index")]
    pages += [reverse("admin:app_list", args=[label]) for label in {m._meta.app_label for m in by_model}]
    for model, obj in by_model.items():
        pages += model_pages(client, model, obj)
    changelist = admin_url(Article, "changelist")
    assert {f"{changelist}?missing=kk", f"{changelist}?outdated=ru", f"{changelist}?state=scheduled"} <= set(pages)
    article, versions = objects["article"], objects["versions"]
    pages += [
        f"{changelist}?published_at__year=не-год",  # a bad filter: the list says so
        admin_url(Article, "change", 999999),  # gone: the index says so
        "{}?older={}&newer={}".format(admin_url(Article, "revision_compare", article.pk), versions[0].pk,
                                      versions[-1].pk),
        admin_url(Article, "revision_compare", article.pk),  # nothing chosen: back to the list with a message
        admin_url(Article, "translations"), admin_url(Article, "translations") + "?language=en",
        reverse("admin:password_change"), reverse("admin:password_change_done"),
        reverse("admin:auth_user_password_change", args=[objects["user"].pk]),
    ]
    assert walk_problems(client, pages, english_msgids()) == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_translators_pages_are_in_their_language(walk, language):
    client, objects = walk
    client.force_login(objects["translator"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    article = objects["article"]
    pages = [
        reverse("admin:index"), admin_url(Article, "translations"), admin_url(Article, "changelist"),
        admin_url(Article, "change", article.pk), admin_url(Article, "history", article.pk),
    ]
    html = client.get(reverse("admin:index")).text
    assert "translator-worklist" in html  # the landing page's list is there to be checked
    assert walk_problems(client, pages, english_msgids()) == {}


def form_errors(client, objects) -> dict:
    """Each form sent back with errors, and each action that answers with a message."""
    article, user, section = objects["article"], objects["user"], objects["section"]
    version = objects["versions"][0]
    untitled = article_form(objects["author"], title_en="", body_en="", published_at_0="не дата")
    return {
        **{
            f"{model._meta.model_name} add, empty": client.post(admin_url(model, "add"), {})
            for model in (User, Group, type(objects["author"]), type(section))
        },
        "article add, no title": client.post(admin_url(Article, "add"), untitled),
        "article change, no title": client.post(admin_url(Article, "change", article.pk), untitled),
        "user add, passwords differ": client.post(admin_url(User, "add"), {
            "username": "корректор", "password1": "пароль-один-2026", "password2": "пароль-два-2026",
            "usable_password": "true",
        }),
        "password change, wrong old password": client.post(reverse("admin:password_change"), {
            "old_password": "не тот", "new_password1": "новый-пароль-2026", "new_password2": "другой-2026",
        }),
        "user password, too short": client.post(reverse("admin:auth_user_password_change", args=[user.pk]), {
            "password1": "1", "password2": "2", "usable_password": "true",
        }),
        "section list, bad position": client.post(admin_url(type(section), "changelist"), {
            "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000", "form-0-id": str(section.pk), "form-0-position": "не число",
            "_save": "1",
        }),
        "action without a choice": client.post(admin_url(Article, "changelist"), {
            "action": "publish", "index": "0",
        }, follow=True),
        "restore": client.post(admin_url(Article, "revision_restore", article.pk, version.pk),
                               {"language": "ru"}, follow=True),
        "upload, partly translated": upload(client, partly_translated(client, article), "статья.en.po"),
        "upload, not a PO file": upload(client, b"\xff\xfe", "статья.en.po"),
        "upload, no file": client.post(admin_url(Article, "translation_import"), follow=True),
    }


def upload(client, content: bytes, name: str):
    return client.post(admin_url(Article, "translation_import"), {"file": SimpleUploadedFile(name, content)},
                       follow=True)


def partly_translated(client, article) -> bytes:
    """The article's English PO file from the admin, with its title translated and the rest left for later."""
    catalog = polib.pofile(client.get(admin_url(Article, "translation_export", article.pk, "en")).content.decode())
    catalog.find("title", by="msgctxt").msgstr = "The headline"
    return str(catalog).encode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_forms_with_errors_and_messages_are_in_the_editors_language(walk, language):
    client, objects = walk
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    msgids = english_msgids()
    responses = form_errors(client, objects)
    assert {name: response.status_code for name, response in responses.items()} == dict.fromkeys(responses, 200)
    assert all('class="errornote"' in response.text or 'class="errorlist' in response.text
               or 'class="messagelist"' in response.text for response in responses.values())
    problems = {
        name: found for name, response in responses.items()
        if (found := english_left_on(response.text, created_content(), msgids))
    }
    assert problems == {}


@pytest.mark.parametrize(("html", "found"), [
    ("<p>Save</p>", True),  # a msgid of Django's admin
    ("<a>All</a>", True),  # a short one
    ('<input type="submit" value="Delete">', True),
    ('<h1 title="Django administration">Админ</h1>', True),
    ("<p>Сохранить «Story number 1»</p>", False),  # content the test made is taken out
    ("<p>Нажмите «Control» (на Mac — «Command»)</p>", False),
    ("<script>gettext('Save')</script><p>Сохранить</p>", False),
])
def test_the_detector_finds_english_interface_text_and_nothing_else(html, found):
    assert bool(english_left_on(html, ["Story number 1"], english_msgids())) is found


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_logout_and_lockout_pages_are_in_the_visitors_language(client, db, settings, language):
    settings.AXES_FAILURE_LIMIT = 2
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    User.objects.create_superuser("главред", "glavred@example.kz", "пароль-редакции-2026")
    login = reverse("admin:login")
    pages = {"login": client.get(login)}
    pages["wrong password"] = client.post(login, {"username": "главред", "password": "не тот"})
    pages["logged in"] = client.post(login, {"username": "главред", "password": "пароль-редакции-2026"}, follow=True)
    pages["logged out"] = client.post(reverse("admin:logout"))
    for attempt in range(2):
        pages["locked out"] = client.post(login, {"username": "главред", "password": f"не тот {attempt}"})
    assert pages["locked out"].status_code == 429
    msgids = english_msgids()
    problems = {name: found for name, response in pages.items()
                if (found := english_left_on(response.text, created_content(), msgids))}
    assert problems == {}
