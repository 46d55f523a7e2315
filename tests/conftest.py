import itertools
import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone, translation

from articles.counting.selectors import most_read_cache_key
from articles.models import Article, Author, Byline, Section, Tag
from articles.selectors import public_languages, tags_with_public_languages

from .support import FakeClock, RedisServer, needs_redis_server

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def site_default_language():
    """Start every test in the site's default language: a request leaves its own language active in the thread."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def fresh_most_read_cache():
    """Most-read lists are cached; start the test without them (the cache may be a shared Redis: no clear())."""
    cache.delete_many([
        most_read_cache_key(language=code, days=days, limit=limit)
        for code in ("en", "ru", "kk") for days in (1, 7) for limit in (3, 5, 6)
    ])


@pytest.fixture
def clock() -> FakeClock:
    """A clock that moves only when the test moves it, for code that takes one."""
    return FakeClock()


@pytest.fixture
def make_article(db):
    """Build an article; by default published an hour ago, in every language, with one author."""

    def make(languages=("en", "ru", "kk"), authors=None, **fields) -> Article:
        number = next(_numbers)
        values = {
            "status": Article.Status.PUBLISHED,
            "published_at": timezone.now() - timedelta(hours=1),
        }
        titles = {"en": f"Story number {number}", "ru": f"Новость номер {number}", "kk": f"Жаңалық нөмірі {number}"}
        for code in languages:
            values[f"title_{code}"] = titles.get(code, f"Story {number} ({code})")
            values[f"body_{code}"] = f"Body {number} in {code}."
        values.update(fields)
        article = Article.objects.create(**values)
        for position, author in enumerate(authors if authors is not None else [make_author()]):
            Byline.objects.create(article=article, author=author, position=position)
        return article

    def make_author(**fields) -> Author:
        number = next(_numbers)
        values = {"name_en": f"Author {number}", "name_ru": f"Автор {number}", "name_kk": f"Автор {number}"}
        values.update(fields)
        return Author.objects.create(**values)

    make.author = make_author
    return make


@pytest.fixture
def section(db) -> Section:
    return Section.objects.create(name_en="Economy", name_ru="Экономика", name_kk="Экономика")


@pytest.fixture
def roles(db) -> None:
    call_command("setup_roles", verbosity=0)


def staff_user(username: str, group: str) -> User:
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(roles) -> User:
    return staff_user("editor", "Editors")


@pytest.fixture
def author_user(roles) -> User:
    return staff_user("writer", "Authors")


@pytest.fixture
def site_pages(make_article) -> list[str]:
    """One address of every public page type in every language, over content in all three languages."""
    section = Section.objects.create(name_en="Society", name_ru="Общество", name_kk="Қоғам")
    author = make_article.author(
        name_en="Daniyar Omarov", name_ru="Данияр Омаров", name_kk="Данияр Омаров",
        bio_en="Writes about *schools*.", bio_ru="Пишет о *школах*.", bio_kk="*Мектептер* туралы жазады.",
    )
    article = make_article(
        section=section, authors=[author, make_article.author()],
        lead_en="Schools open a week early.", lead_ru="Школы откроются на неделю раньше.",
        lead_kk="Мектептер бір апта ерте ашылады.",
        body_en="## Details\n\n- first\n- second\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        body_ru="## Подробности\n\n- первое\n- второе\n", body_kk="## Толығырақ\n\n- бірінші\n- екінші\n",
    )
    without_kazakh = make_article(section=section, authors=[author], languages=("en", "ru"))
    tag = Tag.objects.create(name_en="Schools", name_ru="Школы", name_kk="Мектептер")
    article.tags.add(tag)
    without_kazakh.tags.add(tag)
    Article.objects.filter(pk=article.pk).update(view_count=9543)
    pages = []
    for code in ("en", "ru", "kk"):
        pages += [
            f"/{code}/",
            article.get_absolute_url(code),
            author.get_absolute_url(code),
            section.get_absolute_url(code),
            tag.get_absolute_url(code),
            f"/{code}/no-such-page/",
        ]
    pages.append(f"/kk/articles/{without_kazakh.slug_ru}/")
    return pages


@pytest.fixture
def demo_pages(db) -> list[str]:
    """Every public page of the demo content (``load_demo``) in every language it exists in."""
    call_command("load_demo", verbosity=0)
    pages = []
    for code in ("en", "ru", "kk"):
        pages.append(f"/{code}/")
        pages += [article.get_absolute_url(code) for article in Article.objects.published()
                  if code in article.available_languages()]
        pages += [author.get_absolute_url(code) for author in Author.objects.all()]
        pages += [section.get_absolute_url(code) for section in Section.objects.all()]
        pages += [tag.get_absolute_url(code) for tag in tags_with_public_languages() if code in public_languages(tag)]
    missing_kazakh = Article.objects.published().exclude(pk__in=Article.objects.available_in("kk")).first()
    pages.append(f"/kk/articles/{missing_kazakh.slug_ru}/")
    return pages


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, stopped before the test database is dropped.

    Its thread holds a database connection; torn down after the database, PostgreSQL would refuse to drop a
    database "being accessed by other users" and leave it behind.
    """
    return live_server


@pytest.fixture(scope="session", autouse=True)
def close_stray_database_sessions(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end connections other threads or servers left open on PostgreSQL.

    PostgreSQL refuses to drop a database "being accessed by other users", and the next run would find it there.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def search_pages(site_pages) -> list[str]:
    """The search page in every language: empty, with results (highlighted, paginated), none, and bad filters."""
    pages = []
    for code, word in (("en", "story"), ("ru", "новости"), ("kk", "жаңалықтар")):
        pages += [
            f"/{code}/search/",
            f"/{code}/search/?q={word}",
            f"/{code}/search/?q={word}&sort=date&since=2020-01-01",
            f"/{code}/search/?q=%3Cscript%3E%22",
            f"/{code}/search/?q={word}&section=nope&since=2026-13-45",
        ]
    return pages


@pytest.fixture
def admin_pages(make_article) -> list[tuple[str, dict | None]]:
    """The article admin's pages (address, and the POST data for a form sent back with errors, else None): the
    list plain, searched and filtered, and the form empty, filled and sent with errors."""
    from django.urls import reverse

    from .support import ADD_URL, article_form

    section = Section.objects.create(name_en="City", name_ru="Город", name_kk="Қала")
    author = make_article.author()
    article = make_article(section=section, authors=[author], lead_en="A short lead.", body_en="- one\n- two\n")
    make_article(published_at=timezone.now() + timedelta(days=3), languages=("ru",))
    make_article(status=Article.Status.DRAFT, languages=("en", "kk"))
    changelist = reverse("admin:articles_article_changelist")
    return [
        (changelist, None),
        (f"{changelist}?q=story&state=scheduled", None),
        (f"{changelist}?section={section.pk}&author={author.pk}&missing=kk&outdated=ru", None),
        (ADD_URL, None),
        (reverse("admin:articles_article_change", args=[article.pk]), None),
        (ADD_URL, article_form(author, title_en="", **{"bylines-0-author": "", "published_at_0": "nope"})),
    ]


@pytest.fixture
def redis_url():
    """A Redis server's address: ``REDIS_URL``'s, else one started for the test (skipped without redis-server)."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    if needs_redis_server.args[0]:
        pytest.skip("no REDIS_URL and no redis-server on PATH")
    server = RedisServer()
    yield server.url
    server.stop()
