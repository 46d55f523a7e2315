"""State changes of articles, keyword-only and named ``<entity>_<action>``: views, admin actions and commands
call them and stay thin.

The two importers keep theirs beside the file format they read, and write through the models like these:
``articles.markdown_files.articles_import`` (Markdown files, ``import_articles``) and
``articles.translating.po_import.translation_file_import`` (PO files, ``import_translations``).
"""

import logging
from datetime import datetime

from django.db import DatabaseError
from django.db.models import QuerySet
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from .caching import content_changed
from .conf import conf
from .counting.backends import view_counter
from .markdown import RENDERER_VERSION
from .models import Article, Author

logger = logging.getLogger(__name__)


def article_publish(*, articles: QuerySet[Article], at: datetime | None = None) -> int:
    """Publish the drafts among ``articles`` and return how many there were.

    They go public at ``at`` when given; otherwise a draft keeps the time it already has (a scheduled one stays
    scheduled, a withdrawn one keeps its first date) and one without a time is published now.
    """
    now = timezone.now()
    drafts = articles.filter(status=Article.Status.DRAFT)
    if at is not None:
        drafts.update(published_at=at)
    else:
        drafts.filter(published_at__isnull=True).update(published_at=now)
    count = drafts.update(status=Article.Status.PUBLISHED, updated_at=now)
    content_changed()
    return count


def article_unpublish(*, articles: QuerySet[Article]) -> int:
    """Return ``articles`` to draft; their publication time is kept for when they are published again."""
    count = articles.filter(status=Article.Status.PUBLISHED).update(
        status=Article.Status.DRAFT, updated_at=timezone.now()
    )
    content_changed()
    return count


def article_record_view(*, article_id: int, language: str, at: datetime | None = None) -> bool:
    """Count one reader's view of an article in ``language``, on the day of ``at`` (default: now).

    Goes to the counter ``ARTICLES_VIEW_COUNTER`` names, which only ever moves counts with atomic statements
    (never read-modify-write). Deciding whether a request is a reader's view is ``articles.counting.readers``'s job.

    A view the database refuses (read-only, full, gone) is logged as lost and not raised: the page the reader
    asked for matters more than its count. Returns whether the view was recorded.
    """
    try:
        view_counter().record(article_id=article_id, language=language, day=timezone.localdate(at))
    except DatabaseError as error:
        logger.error("Lost a view of article %s in %r: the database refused it (%s)", article_id, language, error)
        return False
    return True


def articles_render(*, everything: bool = False) -> int:
    """Render stored bodies again: those made by an older ``RENDERER_VERSION``, or all with ``everything``.

    Writes only the rendered HTML and its version (no ``updated_at``, no signals per row), one article at a
    time so memory stays flat, then renews the page caches once. Returns how many articles were rendered.
    """
    articles = Article.objects.all() if everything else Article.objects.exclude(body_html_version=RENDERER_VERSION)
    count = 0
    for article in articles.iterator(chunk_size=200):
        article._rendered_bodies = {}
        article.render_body()
        html_fields = [build_localized_fieldname("body_html", code) for code in conf.ARTICLES_LANGUAGES]
        Article.objects.filter(pk=article.pk).update(
            body_html_version=RENDERER_VERSION, **{name: getattr(article, name) for name in html_fields}
        )
        count += 1
    bio_fields = [build_localized_fieldname("bio_html", code) for code in conf.ARTICLES_LANGUAGES]
    for author in Author.objects.all().iterator(chunk_size=200):
        author.save(update_fields=bio_fields)  # Author.save() renders every biography
    content_changed()
    return count
