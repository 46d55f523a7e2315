"""The service that records a reader's view: the one write of ``articles.counting``, called by ``readers``."""

import logging
from datetime import datetime

from django.db import DatabaseError
from django.utils import timezone

from .backends import view_counter

logger = logging.getLogger(__name__)


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
