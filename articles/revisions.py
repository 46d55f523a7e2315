"""Revisions of articles, kept by django-reversion: every ``Article.save()`` stores one.

A revision holds the article's text in every language (``TEXT_FIELDS``), each language's publication state and time,
what it shares across languages (``SHARED_FIELDS``) and its translation records, so that a restore can give a
language back the record of the text it restores. Never kept: view counts, rendered HTML (made again from the
restored Markdown) and timestamps. Who made a revision and why (the admin's form, an import, a restore) is named by
``revision_made``, which the callers that know it open around the save.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import reversion
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from .conf import conf
from .models import Article, language_field

# The text of one language; a restore of that language brings these back.
TEXT_FIELDS = ("title", "slug", "lead", "body", "cover_alt", "cover_caption", "cover_credit")
SHARED_FIELDS = ("key", "section", "status", "published_at", "source_language")
# Each language's own publication state and time (``status_ru``, ``published_at_ru``), kept with the text.
LANGUAGE_PUBLICATION_FIELDS = ("status", "published_at")
TRANSLATION_RECORDS = "translated_from"


class Cause(models.TextChoices):
    """What made a revision, stored as the first word of its comment."""

    FORM = "form", _("saved in the admin")
    IMPORT = "import", _("imported from a Markdown file")
    TRANSLATION_IMPORT = "translation-import", _("imported from a translation file")
    RESTORE = "restore", _("restored from an earlier revision")


def text_field_names(language: str) -> list[str]:
    """The columns of ``TEXT_FIELDS`` in ``language``: ``title_ru``, ``slug_ru``…"""
    return [build_localized_fieldname(name, language) for name in TEXT_FIELDS]


def register_article_revisions() -> None:
    """Register ``Article`` with django-reversion (from ``AppConfig.ready``, once the language columns exist)."""
    if reversion.is_registered(Article):
        return
    fields = [name for code in conf.ARTICLES_LANGUAGES for name in text_field_names(code)]
    fields += [language_field(name, code) for code in conf.ARTICLES_LANGUAGES for name in LANGUAGE_PUBLICATION_FIELDS]
    reversion.register(Article, fields=[*fields, *SHARED_FIELDS, TRANSLATION_RECORDS])


@contextmanager
def revision_made(*, cause: Cause, user=None, detail: str = "") -> Iterator[None]:
    """Name who made the revisions saved inside, and why (``detail``: a file name, a revision number)."""
    with reversion.create_revision():
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        reversion.set_comment(f"{cause.value} {detail}".strip())
        yield


def revision_cause(comment: str) -> tuple[str, str]:
    """A revision's comment as its cause, in words, and its detail."""
    value, _space, detail = comment.partition(" ")
    return (str(Cause(value).label) if value in Cause.values else value), detail
