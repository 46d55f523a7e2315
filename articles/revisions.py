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
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import connections, models, router
from django.utils import timezone
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


def revision_fields() -> list[str]:
    """The fields a revision of an article holds."""
    fields = [name for code in conf.ARTICLES_LANGUAGES for name in text_field_names(code)]
    fields += [language_field(name, code) for code in conf.ARTICLES_LANGUAGES for name in LANGUAGE_PUBLICATION_FIELDS]
    return [*fields, *SHARED_FIELDS, TRANSLATION_RECORDS]


def register_article_revisions() -> None:
    """Register ``Article`` with django-reversion (from ``AppConfig.ready``, once the language columns exist)."""
    if reversion.is_registered(Article):
        return
    reversion.register(Article, fields=revision_fields(), format="json")


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


class RevisionsInBulk:
    """Revisions of many articles written together: one revision per article, as ``revision_made`` would make,
    in two statements for the lot instead of a savepoint and four statements per article."""

    def __init__(self, *, cause: Cause) -> None:
        self.cause = cause
        self.pending: list[tuple[Article, str, str]] = []  # (article, its version's data, detail)

    def add(self, article: Article, *, detail: str = "") -> None:
        """Keep a revision of ``article`` as it is now (saved), naming ``detail`` (the files it came from)."""
        self.pending.append((article, self.version_data(article), detail))

    @staticmethod
    def version_data(article: Article) -> str:
        # What django-reversion stores for a registered model: the registered fields, serialized as JSON.
        return serializers.serialize("json", (article,), fields=revision_fields())

    def write(self) -> None:
        from reversion.models import Revision, Version

        if not self.pending:
            return
        using = router.db_for_write(Revision)
        now = timezone.now()
        revisions = [
            Revision(date_created=now, comment=f"{self.cause.value} {detail}".strip())
            for _article, _data, detail in self.pending
        ]
        if connections[using].features.can_return_rows_from_bulk_insert:
            Revision.objects.using(using).bulk_create(revisions)
        else:
            for revision in revisions:
                revision.save(using=using)
        content_type = ContentType.objects.db_manager(using).get_for_model(Article)
        Version.objects.using(using).bulk_create(
            Version(
                revision=revision, content_type=content_type, object_id=str(article.pk),
                db=router.db_for_write(Article, instance=article), format="json", serialized_data=data,
                object_repr=str(article),
            )
            for revision, (article, data, _detail) in zip(revisions, self.pending, strict=True)
        )
        self.pending.clear()


@contextmanager
def revisions_in_bulk(*, cause: Cause) -> Iterator[RevisionsInBulk]:
    """Save articles inside without a revision each (``Article.save`` leaves revisions to a caller that manages
    them manually), add each to the collector yielded, and get one revision per article when the block ends."""
    collector = RevisionsInBulk(cause=cause)
    with reversion.create_revision(manage_manually=True, atomic=False):
        yield collector
    collector.write()
