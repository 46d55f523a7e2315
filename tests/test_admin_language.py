"""The admin speaks the editor's language: every page type in Russian and Kazakh, and no "Django" anywhere.

Each page's interface text (its text nodes and the title, placeholder, aria-label, alt and button texts) is
extracted, the content the test itself created is taken out, and what is left may neither be an English msgid of
Django's admin and auth catalogs or of ours, nor hold a Latin word outside a short list of names.
"""

import json
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from django.utils import timezone, translation
from reversion.models import Version

from articles.models import Article, Author, Byline, Section, Tag
from tests.catalogs import APP_LOCALE_DIR, catalog_path

DJANGO_DIR = Path(django.__file__).parent
DJANGO_CATALOGS = {
    "django": [
        DJANGO_DIR / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po",  # forms' and fields' messages
        DJANGO_DIR / "contrib" / "admin" / "locale" / "en" / "LC_MESSAGES" / "django.po",
        DJANGO_DIR / "contrib" / "auth" / "locale" / "en" / "LC_MESSAGES" / "django.po",
        DJANGO_DIR / "contrib" / "contenttypes" / "locale" / "en" / "LC_MESSAGES" / "django.po",
        DJANGO_DIR / "contrib" / "sessions" / "locale" / "en" / "LC_MESSAGES" / "django.po",
    ],
    "djangojs": [DJANGO_DIR / "contrib" / "admin" / "locale" / "en" / "LC_MESSAGES" / "djangojs.po"],
}
# Three letters or more: "All", "Yes", "Add" are English words; language codes (EN, RU, KK) and "PO" are not.
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# The same in every language: the site's name, key names, systems, formats and programs a translation names as
# they are.
NAMES = {"Newsroom", "Control", "Command", "LDAP", "Markdown", "Poedit", "Lokalize", "Weblate", "UTC",
         "Mac", "SSO", "UTF", "RSS", "Atom", "Telegram", "WhatsApp", "Facebook", "VK"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
ADDRESS = re.compile(r"\S*(?:://|^/|\s/)\S*")
# A translation file's entry, named by its msgctxt in messages about the file: the translator's PO editor shows the
# same identifier ("body:3:paragraph", "title").
PO_ENTRY = re.compile(r"[«“](?:body:\d+:[a-z-]+|title|lead|cover_alt|cover_caption)[»”]")
LANGUAGES = ["ru", "kk"]


class InterfaceText(HTMLParser):
    """The texts a reader of the page meets: text nodes, titles, placeholders, labels, button texts."""

    ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
    BUTTON_TYPES = {"submit", "button", "reset"}

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.in_script = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in {"script", "style"}:
            self.in_script += 1
        self.texts += [attributes[name] for name in self.ATTRIBUTES if attributes.get(name)]
        if tag == "input" and attributes.get("type") in self.BUTTON_TYPES and attributes.get("value"):
            self.texts.append(attributes["value"])
        if attributes.get("data-inline-formset"):
            # The inline's "Add another …" and "Remove" links, which inlines.js makes from this.
            options = json.loads(attributes["data-inline-formset"])["options"]
            self.texts += [options["addText"], options["deleteText"]]

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.in_script -= 1

    def handle_data(self, data):
        if not self.in_script:
            self.texts.append(data)


def interface_texts(html: str) -> list[str]:
    parser = InterfaceText()
    parser.feed(html)
    return [" ".join(text.split()) for text in parser.texts if text.strip()]


def english_msgids() -> set[str]:
    """Every English msgid of Django's catalogs (forms, admin, auth…) and of ours, as a page would show it."""
    paths = [
        *DJANGO_CATALOGS["django"], *DJANGO_CATALOGS["djangojs"],
        catalog_path("ru"), catalog_path("ru", domain="djangojs"), catalog_path("ru", APP_LOCALE_DIR),
    ]
    return {
        " ".join(text.split())
        for path in paths for entry in polib.pofile(str(path)) for text in (entry.msgid, entry.msgid_plural)
        if re.search("[A-Za-z]{2,}", text) and set(re.findall("[A-Za-z]+", text)) - NAMES
    }


def created_content() -> list[str]:
    """What the test put in the database, longest first: the page shows it as it is, in whatever language."""
    texts = set()
    for model in (Article, Author, Byline, Section, Tag, User, Group, LogEntry):
        for obj in model.objects.all():
            texts.add(str(obj))
            texts.update(
                value for field in model._meta.concrete_fields
                if isinstance(value := getattr(obj, field.attname), str) and value
            )
    for user in User.objects.all():
        # The password's summary on the user form shows the hash's parts, partly masked.
        texts.update(part[:6] for part in user.password.split("$") if len(part) >= 6)
    return sorted(texts, key=len, reverse=True)


def english_left_on(html: str, created: list[str], msgids: set[str]) -> list[str]:
    problems = []
    for text in interface_texts(html):
        rest = PO_ENTRY.sub(" ", text)
        for content in created:
            rest = rest.replace(content, " ")
        rest = " ".join(ADDRESS.sub(" ", rest).split())
        if rest in msgids:
            problems.append(f"an English interface string: {text!r}")
        elif words := [word for word in LATIN_WORD.findall(rest) if word not in NAMES]:
            problems.append(f"Latin words {words} in {text!r}")
    return problems


@pytest.fixture
def newsroom_admin(db, client, make_article):
    """A superuser's client, articles with a byline, a section and a group: something on every admin page."""
    user = User.objects.create_superuser("главред", "glavred@example.kz", "пароль-редакции-2026")
    client.force_login(user)
    section = Section.objects.create(key="ekonomika", name_en="Экономика", name_ru="Экономика", name_kk="Экономика")
    author = make_article.author(name_en="Айгерим Садыкова", name_ru="Айгерим Садыкова", name_kk="Әйгерім Садықова")
    article = make_article(
        languages=("ru", "kk"), section=section, authors=[author],
        published_at=timezone.make_aware(datetime(2026, 10, 14, 9, 30)),
    )
    make_article(languages=("ru", "kk"), section=section, authors=[author], status=Article.Status.DRAFT,
                 published_at=None)
    tag = Tag.objects.create(key="qala", name_en="Қала", name_ru="Город", name_kk="Қала")
    article.tags.add(tag)
    group = Group.objects.create(name="Редакторы")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="articles"))
    LogEntry.objects.log_actions(user.pk, [article], 2, change_message=[{"added": {}}])
    return client, {
        "article": article, "author": author, "section": section, "tag": tag, "user": user, "group": group,
    }


def admin_pages(objects: dict) -> list[str]:
    """One address of every kind of admin page the editors see."""
    article, user = objects["article"], objects["user"]
    changelist = reverse("admin:articles_article_changelist")
    pages = [
        reverse("admin:index"),
        reverse("admin:app_list", args=["articles"]),
        reverse("admin:app_list", args=["auth"]),
        changelist,
        f"{changelist}?state=published&missing=en",
        f"{changelist}?q=нет-такой-статьи",
        f"{changelist}?published_at__year=2026",
        f"{changelist}?published_at__year=2026&published_at__month=10",
        f"{changelist}?published_at__year=2026&published_at__month=10&published_at__day=14",
        reverse("admin:articles_article_delete", args=[article.pk]),
        reverse("admin:articles_article_history", args=[article.pk]),
        "{}?older={version}&newer={version}".format(
            reverse("admin:articles_article_revision_compare", args=[article.pk]),
            version=Version.objects.get_for_object(article).first().pk,
        ),
        reverse("admin:password_change"),
        reverse("admin:auth_user_password_change", args=[user.pk]),
    ]
    for name, model in [("articles_article", "article"), ("articles_author", "author"),
                        ("articles_section", "section"), ("auth_user", "user"), ("auth_group", "group")]:
        pages += [
            reverse(f"admin:{name}_changelist"),
            reverse(f"admin:{name}_add"),
            reverse(f"admin:{name}_change", args=[objects[model].pk]),
        ]
    return pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_admin_page_is_wholly_in_the_editors_language(newsroom_admin, language):
    client, objects = newsroom_admin
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    msgids = english_msgids()
    problems = {}
    for page in admin_pages(objects):
        response = client.get(page)
        assert response.status_code == 200, page
        assert response.headers["Content-Language"] == language, page
        problems[page] = english_left_on(response.text, created_content(), msgids)
    assert {page: found for page, found in problems.items() if found} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_confirmations_and_messages_are_in_the_editors_language(newsroom_admin, language):
    client, objects = newsroom_admin
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    msgids = english_msgids()
    changelist = reverse("admin:articles_article_changelist")
    sport = Section.objects.create(key="sport", name_en="Спорт", name_ru="Спорт", name_kk="Спорт")
    responses = {
        "delete selected": client.post(changelist, {
            "action": "delete_selected", "_selected_action": [objects["article"].pk], "index": "0",
        }),
        "deleted": client.post(
            reverse("admin:articles_section_delete", args=[sport.pk]),
            {"post": "yes"}, follow=True,
        ),
    }
    assert "«Спорт»" in responses["deleted"].text  # the message names what was deleted
    problems = {
        name: english_left_on(response.text, created_content(), msgids) for name, response in responses.items()
    }
    assert {name: found for name, found in problems.items() if found} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_and_logout_pages_are_in_the_visitors_language(client, db, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    User.objects.create_superuser("главред", "glavred@example.kz", "пароль-редакции-2026")
    msgids = english_msgids()
    login = client.get(reverse("admin:login"))
    failed = client.post(reverse("admin:login"), {"username": "главред", "password": "не тот"})
    client.post(reverse("admin:login"), {"username": "главред", "password": "пароль-редакции-2026"})
    logout = client.post(reverse("admin:logout"))
    for response in (login, failed, logout):
        assert response.status_code == 200
        assert english_left_on(response.text, created_content(), msgids) == []


def javascript_catalog(client, language: str) -> dict:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    script = client.get(reverse("admin:jsi18n")).text
    return json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.DOTALL)[1])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_admins_javascript_catalog_translates_every_string(admin_client, language):
    catalog = javascript_catalog(admin_client, language)
    untranslated = []
    for entry in polib.pofile(str(DJANGO_CATALOGS["djangojs"][0])):
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        translated = catalog.get(key)
        forms = translated if isinstance(translated, list) else [translated]
        if not all(forms) or translated == entry.msgid or any(
            LATIN_WORD.search(PLACEHOLDER.sub("", form)) for form in forms
        ):
            untranslated.append((entry.msgid, translated))
    assert untranslated == []


def test_the_javascript_catalog_takes_our_words_over_djangos(admin_client):
    catalog = javascript_catalog(admin_client, "kk")
    assert catalog["Filter"] == "Сүзгі"  # Django's own Kazakh catalog says "Сүзгіш"
    assert catalog["%(sel)s of %(cnt)s selected"] == ["%(cnt)s ішінен %(sel)s таңдалды"] * 2


@pytest.mark.parametrize(("language", "header", "title"), [
    ("en", "Newsroom administration", "Newsroom admin"),
    ("ru", "Администрирование Newsroom", "Администрирование Newsroom"),
    ("kk", "Newsroom басқару панелі", "Newsroom басқару панелі"),
])
def test_the_admin_carries_the_sites_name_in_the_editors_language(admin_client, language, header, title):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = admin_client.get(reverse("admin:index")).text
    assert f">{header}</a>" in html
    assert f"| {title}</title>" in html


def test_the_admin_takes_the_sites_name_from_the_setting(admin_client, settings):
    settings.ARTICLES_SITE_NAME = "Qazaq Times"
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    html = admin_client.get(reverse("admin:index")).text
    assert ">Qazaq Times басқару панелі</a>" in html and "Newsroom" not in html


@pytest.mark.parametrize(("language", "day_link"), [
    ("ru", "14 октября"), ("kk", "14 қазан"), ("en", "14 October"),
])
def test_the_date_drill_down_names_the_day_as_the_language_does(newsroom_admin, language, day_link):
    client, _objects = newsroom_admin
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("admin:articles_article_changelist") + "?published_at__year=2026&published_at__month=10"
    assert f">{day_link}</a>" in client.get(url).text


@pytest.mark.parametrize(("language", "count"), [("ru", "Статьи: 2"), ("kk", "Мақалалар: 2"), ("en", "Articles: 2")])
def test_the_changelist_counts_its_rows_without_a_wrong_plural(newsroom_admin, language, count):
    client, _objects = newsroom_admin
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("admin:articles_article_changelist")).text
    assert count in " ".join(html.split())


def test_english_admin_dates_put_the_day_first_in_every_form():
    day = datetime(2026, 11, 30, 14, 5)
    with translation.override("en"):
        from django.utils.formats import date_format

        assert [date_format(day, name) for name in (
            "DATE_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT", "MONTH_DAY_FORMAT",
        )] == ["30 November 2026", "30 Nov 2026", "30 November 2026, 14:05", "30 Nov 2026, 14:05", "30 November"]


def test_kazakh_admin_has_none_of_djangos_misspellings(newsroom_admin):
    client, objects = newsroom_admin
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    misspellings = ["Өзгетру", "өзгету", "үщін", "Сүзгіз", "тандау", "сүрет", "Даңғо", "Өшіру(жою)", "0 of"]
    found = {
        page: [word for word in misspellings if word in html]
        for page in admin_pages(objects) if (html := client.get(page).text)
    }
    assert {page: words for page, words in found.items() if words} == {}


@pytest.mark.parametrize(("language", "url_name", "with_object", "title"), [
    ("ru", "admin:articles_article_changelist", False, "Выберите статью для изменения"),
    ("ru", "admin:articles_article_add", False, "Добавить статью"),
    ("ru", "admin:articles_article_change", True, "Изменить статью"),
    ("ru", "admin:articles_author_changelist", False, "Выберите автора для изменения"),
    ("ru", "admin:auth_group_add", False, "Добавить группу"),
    ("kk", "admin:articles_article_changelist", False, "Өзгерту үшін мақаланы таңдаңыз"),
    ("kk", "admin:auth_user_changelist", False, "Өзгерту үшін пайдаланушыны таңдаңыз"),
    ("en", "admin:articles_section_add", False, "Add section"),
])
def test_titles_decline_the_models_name_as_the_language_needs(
    newsroom_admin, language, url_name, with_object, title,
):
    # Django's Russian "Выберите %s для изменения" gives "Выберите статья для изменения".
    client, objects = newsroom_admin
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse(url_name, args=[objects["article"].pk] if with_object else [])).text
    assert title in re.search(r"<title>(.*)</title>", html)[1].split(" | ")
    assert f"<h1>{title}</h1>" in html


def test_a_view_only_editor_sees_the_view_titles(client, make_article, author_user):
    published = make_article(languages=("ru",))
    client.force_login(author_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = client.get(reverse("admin:articles_article_change", args=[published.pk])).text
    assert "<h1>Просмотр статьи</h1>" in html


@pytest.mark.parametrize(("language", "section_name", "author_name"), [
    ("ru", "название", "имя"), ("kk", "атауы", "аты-жөні"), ("en", "name", "name"),
])
def test_a_sections_name_is_labelled_as_a_title_and_an_authors_as_a_persons_name(
    language, section_name, author_name
):
    with translation.override(language):
        assert str(Section._meta.get_field("name").verbose_name) == section_name
        assert str(Section._meta.get_field(f"name_{language}").verbose_name) == f"{section_name} [{language}]"
        assert str(Author._meta.get_field("name").verbose_name) == author_name
