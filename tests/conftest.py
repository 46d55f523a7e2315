import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Author, Byline, Section

_numbers = itertools.count(1)


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
