"""Write the checked files through the models, in one transaction: the services behind ``import_articles``."""

import gc
import hashlib
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Self, TypeVar

from django.core.files import File
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models.signals import post_save, pre_save
from modeltranslation.utils import build_localized_fieldname

from ..archive_months import archive_months_deferred
from ..conf import conf
from ..markdown import MarkdownRejected
from ..markdown.messages import rejection_message
from ..markdown.rendering import RENDERER_VERSION, render_or_refusal
from ..models import Article, Author, Byline, Section, Tag, blank_to_none, language_field
from ..revisions import Cause, revision_made, revisions_in_bulk
from ..search import search_index_deferred
from ..slugs import slug_from_title
from .checking import (
    ARTICLE,
    AUTHOR,
    SECTION,
    TAG,
    ImportPlan,
    PlannedFile,
    SourceFile,
    author_pairs,
    read_source_file,
)
from .reading import ImportProblem, SourceError, quoted

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class ImportRun:
    """State of one writing pass: the authors, sections and tags found so far, and the media files it stored."""

    dry_run: bool = False
    authors: dict[str, Author] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)
    stored_files: list[tuple[Any, str]] = field(default_factory=list)  # (storage, name), removed on rollback


def model_state(instance: models.Model) -> dict[str, Any]:
    return {model_field.attname: getattr(instance, model_field.attname)
            for model_field in instance._meta.concrete_fields}


def set_translated(instance: models.Model, name: str, language: str, value: str) -> None:
    """Set one language's value; an empty value never replaces an empty one (NULL stays NULL)."""
    column = build_localized_fieldname(name, language)
    if value or getattr(instance, column):
        setattr(instance, column, value)


def file_digest(opened) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: opened.read(1 << 16), b""):
        digest.update(chunk)
    return digest.hexdigest()


def stored_file_update(field_file: models.fields.files.FieldFile, source: Path, run: ImportRun) -> bool:
    """Store ``source`` in ``field_file`` unless it holds the same bytes already; return whether it changed."""
    if field_file.name:
        try:
            if field_file.storage.size(field_file.name) == source.stat().st_size:
                with field_file.storage.open(field_file.name, "rb") as stored, source.open("rb") as new:
                    if file_digest(stored) == file_digest(new):
                        return False
        except OSError:
            pass  # the stored file is gone: store it again
    if not run.dry_run:
        with source.open("rb") as new:
            field_file.save(source.name, File(new), save=False)
        if field_file.name:  # the name the storage saved it under
            run.stored_files.append((field_file.storage, field_file.name))
    return True


def note_written_renditions(instance: Article | Author, run: ImportRun) -> None:
    """Add the renditions the last save made (``models.update_image_renditions``) to the files a failed run
    removes."""
    field_file = instance.cover if isinstance(instance, Article) else instance.photo
    run.stored_files.extend(
        (field_file.storage, name) for name in instance.__dict__.pop("_written_renditions", [])
    )


def find_or_create(model, cache: dict, *, key: str | None, name: str, language: str, source: SourceFile,
                   field_name: str, in_place_of=None):
    """Find an author or section by key, else by its name in ``language``, else create it; set that name.

    ``in_place_of`` is the one the object already has in that place (the byline at the same position): a name
    without a key that no one has in ``language`` is that one's name in this language, if it has none yet.
    """
    name_field = build_localized_fieldname("name", language)
    instance = cache.get(key) if key else None
    if instance is None and key:
        instance = model.objects.filter(key=key).first()
    if instance is None and name.strip():
        # By name only among those without a key: a keyed one with the same name is someone else.
        candidates = model.objects.filter(**{name_field: name})
        instance = (candidates.filter(key__isnull=True) if key else candidates).order_by("pk").first()
    if instance is None and not key and in_place_of is not None and not getattr(in_place_of, name_field):
        instance = in_place_of
    if instance is None:
        if not name.strip():
            message = f"no {model._meta.model_name} has the key {quoted(key or '')}"
            raise SourceError([source.problem(field_name, message)])
        instance = model(key=key)
    # Only the key and this language's name may change here: comparing them, not every field, is what keeps a
    # run's thousands of lookups of the same few authors and sections cheap.
    before = None if instance._state.adding else (instance.key, getattr(instance, name_field))
    if key and not instance.key:
        instance.key = key
    if name.strip():
        setattr(instance, name_field, name)
    if before is None or (instance.key, getattr(instance, name_field)) != before:
        instance.save()
    if instance.key:
        cache[instance.key] = instance
    return instance


def section_import_file(*, source: SourceFile, run: ImportRun) -> str:
    """Create or update one language version of a section from a ``type: section`` file."""
    section = run.sections.get(source.key) or Section.objects.filter(key=source.key).first()
    section = section or Section(key=source.key)
    return profile_import(section, source, run, {"position": source.fields.get("position")})


def tag_import_file(*, source: SourceFile, run: ImportRun) -> str:
    """Create or update one language version of a tag from a ``type: tag`` file."""
    tag = run.tags.get(source.key) or Tag.objects.filter(key=source.key).first() or Tag(key=source.key)
    return profile_import(tag, source, run, {})


def author_import_file(*, source: SourceFile, run: ImportRun) -> str:
    """Create or update one language version of an author from a ``type: author`` file (the body is the bio)."""
    author = run.authors.get(source.key) or Author.objects.filter(key=source.key).first()
    author = author or Author(key=source.key)
    set_translated(author, "bio", source.language, source.body)
    return profile_import(author, source, run, {"slug": source.fields.get("slug")})


def profile_import(instance: Author | Section | Tag, source: SourceFile, run: ImportRun, shared: dict) -> str:
    creating = instance._state.adding
    had_language = not creating and bool(instance.translated("name", source.language))
    before = model_state(instance)
    set_translated(instance, "name", source.language, source.fields.get("name", ""))
    if isinstance(instance, Section | Tag) and source.fields.get("slug"):
        setattr(instance, build_localized_fieldname("slug", source.language), source.fields["slug"])
    for name, value in shared.items():
        if value is not None and value != "":
            setattr(instance, name, value)
    if isinstance(instance, Author):
        changed = "photo" in source.fields and stored_file_update(instance.photo, source.fields["photo"], run)
        run.authors[source.key] = instance
    elif isinstance(instance, Tag):
        changed = False  # nor has a tag
        run.tags[source.key] = instance
    else:
        changed = False  # a section has no files
        run.sections[source.key] = instance
    if not (creating or changed or model_state(instance) != before):
        return UNCHANGED
    instance.save()
    if isinstance(instance, Author):
        note_written_renditions(instance, run)
    return UPDATED if had_language else CREATED


@dataclass
class ArticleDraft:
    """One article while the files of a run are applied to it, before it is saved (once, whatever their number)."""

    article: Article
    creating: bool
    bylined: list[Author]  # the byline as stored, or as the files applied so far set it
    author_ids: list[int] | None = None  # the byline to store, when the files change it
    tag_ids: set[int] | None = None  # the tags to store, when the files change them
    paths: list[Path] = field(default_factory=list)  # the files that changed it
    body_lines: dict[str, tuple[Path, int]] = field(default_factory=dict)  # language → the body's file and line

    @classmethod
    def of(cls, article: Article, bylined: list[Author] | None = None) -> "ArticleDraft":
        creating = article._state.adding
        if bylined is None:
            bylined = [] if creating else [
                byline.author for byline in article.bylines.select_related("author").order_by("position", "pk")
            ]
        return cls(article, creating, bylined)


def article_apply_file(*, draft: ArticleDraft, source: SourceFile, run: ImportRun) -> str:
    """Set what one language version's file says on ``draft``'s article, unsaved; return the file's outcome."""
    article = draft.article
    language, fields = source.language, source.fields
    had_language = not draft.creating and bool(article.translated("title", language))
    before = None if draft.creating else model_state(article)  # a new article is saved whatever the files say
    for name in ("title", "lead", "cover_alt", "cover_caption", "cover_credit"):
        set_translated(article, name, language, fields.get(name, ""))
    set_translated(article, "body", language, source.body)
    draft.body_lines[language] = (source.path, source.body_line)
    if fields.get("slug"):
        setattr(article, build_localized_fieldname("slug", language), fields["slug"])
    for name in ("status", "published_at", "source_language"):
        if name in fields:
            setattr(article, name, fields[name])
    for name in ("status", "published_at"):
        if f"language_{name}" in fields:
            setattr(article, language_field(name, language), fields[f"language_{name}"])
    if draft.creating and "views" in fields:
        article.view_count = fields["views"]
    if "section" in fields or "section_key" in fields:
        article.section = find_or_create(
            Section, run.sections, key=fields.get("section_key"), name=fields.get("section", ""),
            language=language, source=source, field_name="section_key",
        )
    changed = "cover" in fields and stored_file_update(article.cover, fields["cover"], run)
    if "author" in fields or "author_key" in fields:
        # The same people in another language's file: names given without keys pair with them by position.
        bylined = draft.bylined
        authors = [
            find_or_create(Author, run.authors, key=key or None, name=name, language=language, source=source,
                           field_name="author_key",
                           in_place_of=bylined[position] if position < len(bylined) else None)
            for position, (name, key) in enumerate(author_pairs(fields))
        ]
        author_ids = [author.pk for author in authors]
        if len(set(author_ids)) != len(author_ids):
            raise SourceError([source.problem("author", "lists the same author twice")])
        if author_ids != [author.pk for author in bylined]:
            draft.bylined, draft.author_ids, changed = authors, author_ids, True
    if "tags" in fields:
        tag_ids = {
            find_or_create(Tag, run.tags, key=key, name=name, language=language, source=source,
                           field_name="tags").pk
            for key, name in fields["tags"].items()
        }
        stored_tags = draft.tag_ids if draft.tag_ids is not None else (
            set() if draft.creating else set(article.tags.values_list("pk", flat=True))
        )
        if draft.creating or tag_ids != stored_tags:
            draft.tag_ids, changed = tag_ids, True
    if not (draft.creating or changed or model_state(article) != before):
        return UNCHANGED
    draft.paths.append(source.path)
    return UPDATED if had_language else CREATED


def article_save_draft(draft: ArticleDraft, *, run: ImportRun, bylines_later: bool = False) -> bool:
    """Save ``draft``'s article, its tags, and its byline unless ``bylines_later`` (``save_bylines`` stores many
    at once), if a file changed them; return whether it was saved."""
    if not (draft.creating or draft.paths):
        return False
    draft.article.save()
    if draft.tag_ids is not None:
        draft.article.tags.set(draft.tag_ids)
    note_written_renditions(draft.article, run)
    if draft.author_ids is not None and not bylines_later:
        if not draft.creating:
            draft.article.bylines.all().delete()
        Byline.objects.bulk_create(
            Byline(article=draft.article, author_id=author_id, position=position)
            for position, author_id in enumerate(draft.author_ids)
        )
    return True


def article_import_file(*, source: SourceFile, run: ImportRun) -> str:
    """Create or update one language version of an article; return ``created``, ``updated`` or ``unchanged``.

    Nothing is saved when the file matches what is stored, so ``updated_at`` keeps its value. ``views`` sets the
    view count only when the article is created; later the counter belongs to the site.
    """
    draft = ArticleDraft.of(Article.objects.filter(key=source.key).first() or Article(key=source.key))
    outcome = article_apply_file(draft=draft, source=source, run=run)
    if outcome != UNCHANGED:
        with revision_made(cause=Cause.IMPORT, detail=source.path.name):
            article_save_draft(draft, run=run)
    return outcome


IMPORTERS = {
    ARTICLE: article_import_file, AUTHOR: author_import_file, SECTION: section_import_file, TAG: tag_import_file,
}


# --- A run ------------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    dry_run: bool = False
    continue_on_error: bool = False
    outcomes: Counter = field(default_factory=Counter)  # (kind, language, outcome) → number of files
    problems: list[ImportProblem] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        lines = ["Dry run: nothing was written."] if self.dry_run else []
        for kind in (ARTICLE, AUTHOR, SECTION, TAG):
            for language in conf.ARTICLES_LANGUAGES:
                created, updated, unchanged = (self.outcomes[(kind, language, outcome)]
                                               for outcome in (CREATED, UPDATED, UNCHANGED))
                if created or updated or unchanged:
                    lines.append(f"{kind.capitalize()}s in {language}: {created} created, {updated} updated, "
                                 f"{unchanged} unchanged")
        return lines

    def failure_message(self) -> str:
        failed = len({problem.path for problem in self.problems})
        outcome = "the other files were imported" if self.continue_on_error else "nothing was imported"
        summary = f"{failed} file{'' if failed == 1 else 's'} failed; {outcome}."
        return "\n".join([*map(str, self.problems), summary])


class RunAborted(Exception):
    pass


def write_problems(path: Path, error: SourceError | MarkdownRejected | DatabaseError) -> list[ImportProblem]:
    """What went wrong while writing ``path``, for the report."""
    if isinstance(error, SourceError):
        return error.problems
    if isinstance(error, MarkdownRejected):
        return [ImportProblem(path, None, "body", str(rejection_message(error)))]
    return [ImportProblem(path, None, "database", str(error))]


def articles_import(
    *, paths: Iterable[Path], dry_run: bool = False, continue_on_error: bool = False, processes: int | None = None,
) -> ImportReport:
    """Validate every file, then write them all in one transaction; return what happened to each language.

    With a problem anywhere nothing is written, unless ``continue_on_error``, which writes the valid files
    (each in its own savepoint) and reports the others. ``dry_run`` does all of it and rolls back.

    Files are read and checked, and articles' bodies rendered, by a pool of ``processes`` processes (default: one
    per core when the run has ``ImportPool.MIN_FILES`` files or more, else in this one), while this process writes:
    articles in batches of ``BATCH_SIZE`` (see ``write_article_batch``), the next batch's files read and rendered
    while one is written.
    """
    report = ImportReport(dry_run=dry_run, continue_on_error=continue_on_error)
    # The files found and what the run keeps of each lie in a scratch database, removed when the run ends.
    with ImportPlan() as plan:
        report.problems.extend(plan.find(paths))
        return import_planned(plan, report, processes=processes)


def import_planned(plan: ImportPlan, report: ImportReport, *, processes: int | None) -> ImportReport:
    """``articles_import``'s work on the files ``plan`` found: check them, then write them."""
    dry_run, continue_on_error = report.dry_run, report.continue_on_error
    with ImportPool(processes, files=plan.found_count()) as pool:
        for checked in pool.map_in_order(file_checked, plan.found()):
            if isinstance(checked, SourceFile):
                report.problems.extend(plan.add(checked))
            else:
                report.problems.extend(checked)
        report.problems.extend(plan.check_database())
        if report.problems and not continue_on_error:
            return report
        run = ImportRun(dry_run=dry_run)
        # The plan and everything loaded so far live through the run: frozen, they are left out of the collections
        # after each batch (below), which would otherwise go through all of them, a longer list the larger the run.
        gc.collect()
        gc.freeze()
        try:
            with transaction.atomic():
                if continue_on_error:
                    write_each(plan.write_order(), plan=plan, run=run, report=report)
                else:
                    write_each(plan.write_order(articles=False), plan=plan, run=run, report=report)
                    batches = plan.article_batches(BATCH_SIZE)
                    upcoming = ArticleBatch.start(next(batches, None), plan=plan, pool=pool)
                    while upcoming is not None:
                        batch, upcoming = upcoming, ArticleBatch.start(next(batches, None), plan=plan, pool=pool)
                        write_article_batch(batch, plan=plan, run=run, report=report)
                        del batch
                        # A batch's articles live long enough to be promoted to the collector's oldest generation,
                        # and each is in a reference cycle (its cover's FieldFile points back at it): without
                        # this, they would pile up until that generation is next collected, and memory would grow
                        # with the archive. A collection per batch costs ~1 % of the batch's time.
                        gc.collect()
                if dry_run:
                    transaction.set_rollback(True)
                    # A dry run stores no image, but a save may still have made renditions of a stored one.
                    for storage, name in run.stored_files:
                        storage.delete(name)
        except RunAborted:
            report.outcomes.clear()
            for storage, name in run.stored_files:
                storage.delete(name)
        finally:
            gc.unfreeze()
    return report


def write_each(files: Iterable[PlannedFile], *, plan: ImportPlan, run: ImportRun, report: ImportReport) -> None:
    """Write files one at a time, each in its own savepoint when the run goes on past errors."""
    for path, folder, _kind, _language in files:
        try:
            with transaction.atomic(savepoint=report.continue_on_error):
                source = read_source_file(path, folder=folder, check_body=False)
                outcome = IMPORTERS[source.kind](source=source, run=run)
        except (SourceError, MarkdownRejected, DatabaseError) as error:
            report.problems.extend(write_problems(path, error))
            run.authors.clear()  # the savepoint's rollback may have undone what the caches hold
            run.sections.clear()
            run.tags.clear()
            if not report.continue_on_error:
                raise RunAborted from error
        else:
            report.outcomes[(source.kind, source.language, outcome)] += 1


# Articles written together: one query finds the stored ones, one writes their revisions, one their bylines, one
# indexes them for search, and their bodies are rendered side by side. Memory holds two batches' files at most:
# the one being written and the next, being read and rendered.
BATCH_SIZE = 200


@dataclass
class ArticleBatch:
    """A batch of articles, each given as its key and its files, whose files are being read (and bodies rendered)
    by the pool while the batch before is written."""

    articles: list[tuple[str, list[Path]]]
    files: Iterator[tuple[SourceFile | None, list[ImportProblem], tuple[str, str | dict] | None]]

    @classmethod
    def start(cls, articles: list[tuple[str, list[PlannedFile]]] | None, *, plan: ImportPlan, pool: "ImportPool"
              ) -> Self | None:
        """Send the batch's files to the pool, each with the text of its language's body that is rendered already
        (stored, by this renderer), so that an unchanged body is not rendered again; None for no batch."""
        if articles is None:
            return None
        body_fields = [build_localized_fieldname("body", code) for code in conf.ARTICLES_LANGUAGES]
        rendered: dict[tuple[str, str], str] = {}
        stored = Article.objects.filter(key__in=[key for key, _ in articles])
        for key, version, *bodies in stored.values_list("key", "body_html_version", *body_fields):
            if version == RENDERER_VERSION:  # else every body is rendered again (``stored_html_is_current``)
                languages = zip(conf.ARTICLES_LANGUAGES, bodies, strict=True)
                rendered.update({(key, code): body or "" for code, body in languages})
        tasks = [
            (planned.path, planned.folder, rendered.get((key, planned.language)))
            for key, files in articles for planned in files
        ]
        paths = [(key, [planned.path for planned in files]) for key, files in articles]
        return cls(paths, pool.map_in_order(file_read_and_rendered, tasks))


def file_checked(found: tuple[Path, Path]) -> SourceFile | list[ImportProblem]:
    """The checking pass's work on one file (in a pool's process, or here): the file without its body, which the
    plan does not keep, or its problems (a ``SourceError`` would not survive pickling)."""
    path, folder = found
    try:
        source = read_source_file(path, folder=folder)
    except SourceError as error:
        return error.problems
    source.body = ""
    return source


def file_read_and_rendered(
    task: tuple[Path, Path, str | None],
) -> tuple[SourceFile | None, list[ImportProblem], tuple[str, str | dict] | None]:
    """The writing pass's work on one file (in a pool's process, or here): the file, or its problems, and its
    article body rendered (``render_or_refusal``) unless it is ``rendered_text``, the text already rendered."""
    path, folder, rendered_text = task
    try:
        source = read_source_file(path, folder=folder, check_body=False)
    except SourceError as error:
        return None, error.problems, None
    if source.kind != ARTICLE or source.body == rendered_text:
        return source, [], None
    return source, [], render_or_refusal((source.body, source.language))


def write_article_batch(batch: ArticleBatch, *, plan: ImportPlan, run: ImportRun, report: ImportReport) -> None:
    """Write a batch of articles: every file of an article is applied to it, then it is saved once, with one
    revision naming its files. Any problem aborts the run (``RunAborted``)."""
    stored = {article.key: article for article in Article.objects.filter(key__in=[key for key, _ in batch.articles])}
    bylined: dict[int, list[Author]] = {}
    for byline in Byline.objects.filter(article__in=list(stored.values())).select_related("author"):
        bylined.setdefault(byline.article_id, []).append(byline.author)  # in byline order (Meta.ordering)
    claimed = plan.claimed_article_slugs()
    drafts = []
    rendered: dict[tuple[int, str], tuple[str, tuple[str, str | dict]]] = {}  # (draft, language) → (text, result)
    for key, paths in batch.articles:
        article = stored.get(key) or Article(key=key)
        article.claimed_slugs = claimed
        draft = ArticleDraft.of(article, [] if article.pk is None else bylined.get(article.pk, []))
        for path in paths:
            source, problems, result = next(batch.files)
            try:
                if source is None:
                    raise SourceError(problems)
                outcome = article_apply_file(draft=draft, source=source, run=run)
            except (SourceError, DatabaseError) as error:
                report.problems.extend(write_problems(path, error))
                raise RunAborted from error
            if result is not None:
                rendered[(id(draft), source.language)] = (source.body, result)
            report.outcomes[(ARTICLE, source.language, outcome)] += 1
        drafts.append(draft)
    assign_free_slugs(drafts, claimed)
    render_bodies(drafts, rendered, report)
    with revisions_in_bulk(cause=Cause.IMPORT) as revisions, search_index_deferred(), archive_months_deferred():
        inserted = articles_insert_drafts(drafts, run=run)
        for draft in drafts:
            try:
                saved = id(draft) in inserted or article_save_draft(draft, run=run, bylines_later=True)
            except DatabaseError as error:
                report.problems.extend(write_problems(draft.paths[0], error))
                raise RunAborted from error
            if saved:
                revisions.add(draft.article, detail=" ".join(path.name for path in draft.paths))
        try:
            save_bylines(drafts)
        except DatabaseError as error:
            report.problems.extend(write_problems(drafts[0].paths[0], error))
            raise RunAborted from error


def insertable_in_bulk(draft: ArticleDraft) -> bool:
    """Whether ``draft`` is a new article whose save would query nothing of its own: no cover to store renditions
    of, and a slug already in every language with a title (``assign_free_slugs`` found it free)."""
    article = draft.article
    return draft.creating and not article.cover and all(
        blank_to_none(article.translated("slug", code)) for code in conf.ARTICLES_LANGUAGES
        if article.translated("title", code)
    )


def articles_insert_drafts(drafts: list[ArticleDraft], *, run: ImportRun) -> set[int]:
    """Insert the batch's new articles that ``insertable_in_bulk`` allows in one statement, each prepared and
    signalled as its own ``save`` would be (``Article.prepare_to_save``, ``pre_save``, ``post_save``), with its
    tags; return their drafts' ids. The others are left to ``article_save_draft``, after these, so that the slugs
    they step around include these ones'. If the insert fails, the savepoint around it is rolled back and every
    draft is left to ``article_save_draft``, which names the file at fault."""
    using = router.db_for_write(Article)
    if not connections[using].features.can_return_rows_from_bulk_insert:
        return set()
    new = [draft for draft in drafts if insertable_in_bulk(draft)]
    if len(new) < 2:
        return set()
    articles = [draft.article for draft in new]
    try:
        with transaction.atomic(using=using):
            for article in articles:
                article.prepare_to_save()
                pre_save.send(sender=Article, instance=article, raw=False, using=using, update_fields=None)
            Article.objects.using(using).bulk_create(articles)
    except DatabaseError:
        for article in articles:
            article.pk, article._state.adding = None, True
        return set()
    for draft in new:
        article = draft.article
        post_save.send(sender=Article, instance=article, created=True, update_fields=None, raw=False, using=using)
        article.keep_former_slugs()
        if draft.tag_ids is not None:
            article.tags.set(draft.tag_ids)
        note_written_renditions(article, run)
    return {id(draft) for draft in new}


def assign_free_slugs(drafts: list[ArticleDraft], claimed: Mapping[str, Mapping[str, str]]) -> None:
    """Give each draft the slug its title makes, where no article has it, no file claims it and no draft of the
    batch took it first: one query per language for the batch. The others are left to ``Article.save``, which
    steps around taken slugs (``-2``, ``-3``…) one query at a time."""
    for code in conf.ARTICLES_LANGUAGES:
        slug_field = build_localized_fieldname("slug", code)
        wanted = {}
        for draft in drafts:
            article = draft.article
            title = article.translated("title", code)
            if (draft.creating or draft.paths) and title and not blank_to_none(getattr(article, slug_field)):
                wanted[id(draft)] = slug_from_title(title, code)
        if not wanted:
            continue
        taken = set(Article._base_manager.filter(**{f"{slug_field}__in": set(wanted.values())})
                    .values_list(slug_field, flat=True))
        claims = claimed.get(slug_field, {})
        for draft in drafts:
            slug, key = wanted.get(id(draft)), draft.article.key
            if slug and slug not in taken and claims.get(slug, key) == key:
                setattr(draft.article, slug_field, slug)
                taken.add(slug)


def save_bylines(drafts: list["ArticleDraft"]) -> None:
    """Store the bylines the drafts changed: one DELETE and one INSERT for the lot."""
    changed = [draft for draft in drafts if draft.author_ids is not None]
    Byline.objects.filter(article__in=[draft.article for draft in changed if not draft.creating]).delete()
    Byline.objects.bulk_create(
        Byline(article=draft.article, author_id=author_id, position=position)
        for draft in changed for position, author_id in enumerate(draft.author_ids or [])
    )


def render_bodies(
    drafts: list["ArticleDraft"], rendered: dict[tuple[int, str], tuple[str, tuple[str, str | dict]]],
    report: ImportReport,
) -> None:
    """Store the HTML of every body the drafts' saves would render, so the saves keep it: the pool's, rendered from
    the file (``rendered``: (draft id, language) → (text, result)) when the text to render is that file's, else
    rendered here (a body whose stored HTML an older renderer made, in a language no file of the run gives)."""
    for draft in drafts:
        if not (draft.creating or draft.paths):
            continue
        for field_name, language, text in draft.article.markdown_to_render():
            rendered_text, result = rendered.get((id(draft), language), (None, None))
            if result is None or rendered_text != text:
                result = render_or_refusal((text, language))
            kind, value = result
            if kind == "html":
                draft.article.store_rendered(field_name, language, text, str(value))
                continue
            assert isinstance(value, dict)
            path, line = draft.body_lines.get(language, (draft.paths[0], None))
            rejected = MarkdownRejected(**value)
            report.problems.append(ImportProblem(path, line, "body", str(rejection_message(rejected))))
            raise RunAborted


def default_processes(files: int) -> int:
    """One process per core the import may use, when the run has enough files to pay for them; else 1."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores if files >= ImportPool.MIN_FILES and cores > 1 else 1


class ImportPool:
    """The reading, checking and rendering of files by a pool of processes, which this process (the writer) sends
    work to and takes results from in order; with one process, all of it here."""

    # With fewer files than this, a run does its work here by default: forking and sending would cost more than
    # they save (``default_processes``).
    MIN_FILES = 300
    # Files sent to the pool at a time, one chunk ahead of the one being consumed: work overlaps with the
    # writer's, and results waiting to be taken stay few.
    CHUNK = 500

    def __init__(self, processes: int | None = None, *, files: int = 0) -> None:
        self.processes = max(default_processes(files) if processes is None else processes, 1)
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def map_in_order(self, function: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``function`` of each item, in order: here, lazily, or by the pool, whose chunks of ``CHUNK`` items are
        sent one ahead of the one being taken (``items`` is taken a chunk at a time: it may be a stream)."""
        if self.processes == 1:
            return map(function, items)
        return self.chunks_in_order(function, items)

    def chunks_in_order(self, function: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        if self.pool is None:
            # fork: the workers need nothing but the code this process has loaded already.
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self.pool = ProcessPoolExecutor(self.processes, mp_context=context)
        pool = self.pool
        remaining = iter(items)
        chunks = iter(lambda: list(islice(remaining, self.CHUNK)), [])

        def sent(chunk: list[T]) -> Iterator[R]:
            return pool.map(function, chunk, chunksize=max(len(chunk) // (self.processes * 4), 1))

        upcoming = sent(chunk) if (chunk := next(chunks, None)) is not None else None
        while upcoming is not None:
            current, upcoming = upcoming, sent(chunk) if (chunk := next(chunks, None)) is not None else None
            yield from current
