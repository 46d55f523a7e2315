"""Editors' changes of articles, keyword-only and named ``<entity>_<action>``: the admin and commands call them.

Here: saving an article from a form (``article_save``), publishing and withdrawing it (``article_publish``,
``article_unpublish``) or one language of it (``article_language_publish``, ``article_language_unpublish``),
restoring an earlier revision (``article_restore``), rendering stored bodies again (``articles_render``) and
making the renditions of stored images again (``image_renditions_make``).
Not here: a reader's view is recorded by ``articles.counting.recording``; the two importers keep theirs beside the
file format they read and write through the models: ``articles.markdown_files.articles_import`` (Markdown files,
``import_articles``) and ``articles.translating.po_import.translation_file_import`` (PO files,
``import_translations``); and what every save of a model does (slugs, rendered Markdown, translation sources, image
renditions) is the model's ``save()``.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

import reversion
from django.db.models import F, FileField, QuerySet
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from .archive_months import archive_months_kept
from .caching import content_changed
from .conf import conf
from .images import renditions_delete_on_commit, renditions_field_name, renditions_make
from .markdown import RENDERER_VERSION
from .models import Article, Author, available_condition, language_field
from .revisions import TEXT_FIELDS, TRANSLATION_RECORDS, Cause, revision_made
from .search import search_index_update
from .tag_counts import tag_counts_kept

logger = logging.getLogger(__name__)


def article_publish(*, articles: QuerySet[Article], at: datetime | None = None) -> int:
    """Publish the drafts among ``articles`` and return how many there were.

    They go public at ``at`` when given; otherwise a draft keeps the time it already has (a scheduled one stays
    scheduled, a withdrawn one keeps its first date) and one without a time is published now. Each language
    keeps the state it has (a withdrawn article comes back as it was, language by language); an available
    language without a state of its own follows the article, published at the article's time.
    """
    now = timezone.now()
    drafts = articles.filter(status=Article.Status.DRAFT)
    ids = list(drafts.values_list("pk", flat=True))
    with archive_months_kept(article_ids=ids), tag_counts_kept(article_ids=ids):
        if at is not None:
            drafts.update(published_at=at)
        else:
            drafts.filter(published_at__isnull=True).update(published_at=now)
        count = drafts.update(status=Article.Status.PUBLISHED, updated_at=now)
        undecided = Article.objects.filter(pk__in=ids)
        for code in conf.ARTICLES_LANGUAGES:
            status_field, time_field = language_field("status", code), language_field("published_at", code)
            undecided.available_in(code).filter(**{f"{status_field}__isnull": True}).update(
                **{status_field: Article.Status.PUBLISHED, time_field: F("published_at")}
            )
    search_index_update(article_ids=ids)  # the index keeps who is public, for speed
    content_changed()
    return count


def article_language_publish(*, articles: QuerySet[Article], language: str, at: datetime | None = None) -> int:
    """Publish ``articles`` in ``language`` (those available there and not published in it yet); return how many.

    As ``article_publish`` does for the article: at ``at`` when given, else at the language's own time if it has
    one (scheduled stays scheduled), else now. The article's own status stays the master switch: a withdrawn
    article's language is published for when the article is.
    """
    now = timezone.now()
    status_field, time_field = language_field("status", language), language_field("published_at", language)
    drafts = articles.filter(available_condition(language)).exclude(**{status_field: Article.Status.PUBLISHED})
    ids = list(drafts.values_list("pk", flat=True))
    chosen = Article.objects.filter(pk__in=ids)
    with archive_months_kept(article_ids=ids), tag_counts_kept(article_ids=ids):
        if at is not None:
            chosen.update(**{time_field: at})
        else:
            chosen.filter(**{f"{time_field}__isnull": True}).update(**{time_field: now})
        count = chosen.update(**{status_field: Article.Status.PUBLISHED, "updated_at": now})
    search_index_update(article_ids=ids)
    content_changed()
    return count


def article_language_unpublish(*, articles: QuerySet[Article], language: str) -> int:
    """Return ``articles``' ``language`` versions to draft (their time kept); return how many were published or
    following the article. Their other languages stay as they are."""
    status_field = language_field("status", language)
    published = articles.exclude(**{status_field: Article.Status.DRAFT})
    ids = list(published.values_list("pk", flat=True))
    with archive_months_kept(article_ids=ids), tag_counts_kept(article_ids=ids):
        count = Article.objects.filter(pk__in=ids).update(
            **{status_field: Article.Status.DRAFT, "updated_at": timezone.now()}
        )
    search_index_update(article_ids=ids)
    content_changed()
    return count


def article_save(*, article: Article, user=None) -> None:
    """Save ``article`` as ``user`` left it in a form; a change of its status publishes or withdraws it.

    The fields are saved as given, the status as it was stored (a new article as a draft); a status that
    changed then goes through ``article_publish`` or ``article_unpublish``, so that the admin's form and its
    actions publish by the same rule. The revision made names ``user`` and holds the status as it ends up.
    """
    stored = Article.objects.filter(pk=article.pk).values_list("status", flat=True).first() if article.pk else None
    wanted, article.status = article.status, stored or Article.Status.DRAFT
    with revision_made(cause=Cause.FORM, user=user):
        article.save()
        if wanted != article.status:
            change = article_publish if wanted == Article.Status.PUBLISHED else article_unpublish
            change(articles=Article.objects.filter(pk=article.pk))
            article.refresh_from_db(fields=["status", "published_at", "updated_at", *language_publication_fields()])
            reversion.add_to_revision(article)


def language_publication_fields() -> list[str]:
    return [language_field(name, code) for name in ("status", "published_at") for code in conf.ARTICLES_LANGUAGES]


def article_restore(*, article: Article, version, languages: list[str], user=None) -> None:
    """Give ``article`` back the text ``version`` (one of its revisions) has in ``languages``, as a new revision.

    Each language gets back its title, slug, lead, body and cover texts, and the translation record of that text
    (so a translation restored from before the source changed shows as outdated). The body is rendered again by
    the save; view counts and the other languages stay as they are. A former slug now taken by another article
    is not taken back: that article keeps it, this one its current slug.
    """
    fields = version.field_dict
    records = dict(article.translated_from or {})
    restored_records = fields.get(TRANSLATION_RECORDS) or {}
    for code in languages:
        for name in TEXT_FIELDS:
            column, value = build_localized_fieldname(name, code), fields.get(build_localized_fieldname(name, code))
            if name == "slug" and value and Article.objects.exclude(pk=article.pk).filter(**{column: value}).exists():
                continue
            setattr(article, column, value)
        if code in restored_records:
            records[code] = restored_records[code]
        else:
            records.pop(code, None)
    article.translated_from = records
    detail = f"{version.revision_id} {' '.join(languages)}"
    with revision_made(cause=Cause.RESTORE, user=user, detail=detail):
        article.save()


def article_unpublish(*, articles: QuerySet[Article]) -> int:
    """Return ``articles`` to draft; their publication time is kept for when they are published again."""
    published = articles.filter(status=Article.Status.PUBLISHED)
    ids = list(published.values_list("pk", flat=True))
    with archive_months_kept(article_ids=ids), tag_counts_kept(article_ids=ids):
        count = published.update(status=Article.Status.DRAFT, updated_at=timezone.now())
    search_index_update(article_ids=ids)
    content_changed()
    return count


def articles_render(*, everything: bool = False) -> int:
    """Render stored bodies again: those made by an older ``RENDERER_VERSION``, or all with ``everything``.

    Writes only the rendered HTML and its version (no ``updated_at``, no signals per row), one article at a
    time so memory stays flat, then renews the page caches once. Returns how many articles were rendered.
    """
    articles = Article.objects.all() if everything else Article.objects.exclude(body_html_version=RENDERER_VERSION)
    count = 0
    for article in articles.iterator(chunk_size=200):
        article.forget_rendered_markdown()
        article.render_body()
        html_fields = [build_localized_fieldname("body_html", code) for code in conf.ARTICLES_LANGUAGES]
        Article.objects.filter(pk=article.pk).update(
            body_html_version=RENDERER_VERSION, **{name: getattr(article, name) for name in html_fields}
        )
        count += 1
    bio_fields = [build_localized_fieldname("bio_html", code) for code in conf.ARTICLES_LANGUAGES]
    for author in Author.objects.all().iterator(chunk_size=200):
        # Authors keep no renderer version: every biography is rendered again.
        author.forget_rendered_markdown()
        author.save(update_fields=bio_fields)
    content_changed()
    return count


@dataclass
class RenditionsReport:
    made: int = 0  # images whose renditions were made
    failed: int = 0  # images that could not be read or written (logged); their pages show the image itself


def image_renditions_make(*, everything: bool = False) -> RenditionsReport:
    """Make the renditions of covers and author photos that have none of their current image (images stored before
    renditions existed, or whose making failed), or of every one with ``everything`` (after a change of
    ``ARTICLES_IMAGE_WIDTHS``).

    Writes only the renditions record (no ``updated_at``, no revision); the files replaced are removed once it is
    written. One object at a time, so memory stays flat; the page caches are renewed once at the end.
    """
    report = RenditionsReport()
    for model, field_name in ((Article, "cover"), (Author, "photo")):
        record_field = renditions_field_name(field_name)
        image_field = model._meta.get_field(field_name)
        assert isinstance(image_field, FileField)
        storage = image_field.storage
        # Values, not instances: an ImageField reads a file whose size its row lacks as soon as it is loaded.
        with_image = model._base_manager.exclude(**{field_name: ""}).values_list("pk", field_name, record_field)
        for pk, name, record in with_image.iterator(chunk_size=100):
            record = record or {}
            if not everything and record.get("source") == name and record.get("files"):
                continue
            try:
                new_record = renditions_make(storage, name)
            except Exception:
                logger.exception("No renditions made of %s", name)
                report.failed += 1
                continue
            model._base_manager.filter(pk=pk).update(**{record_field: new_record})
            renditions_delete_on_commit(storage, record)
            report.made += 1
    if report.made:
        content_changed()
    return report
