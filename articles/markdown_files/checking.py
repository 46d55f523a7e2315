"""Check what the files of an import say: each field of one file, then the files of a run against one another
and against the database (keys, slugs, versions given twice, shared fields that disagree).
"""

import pickle
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby, zip_longest
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, Self

import yaml
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files import File
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from modeltranslation.utils import build_localized_fieldname

from ..conf import conf
from ..markdown import MarkdownRejected, check_markdown
from ..markdown.messages import rejection_message
from ..models import Article, Author, Section, Tag, concrete_field
from ..uploads import validate_image_upload
from .reading import (
    ImportProblem,
    SourceError,
    decode_source,
    find_source_files,
    parse_front_matter,
    quoted,
    shortened,
    split_front_matter,
)
from .scratch import ScratchDatabase, bytes_path, bytes_text, path_bytes, path_order, text_bytes

TIMESTAMP_EXAMPLE = "2025-03-14T09:30:00+05:00"
ARTICLE, AUTHOR, SECTION, TAG = "article", "author", "section", "tag"
# Sections, authors and tags first, so that article files find them; within a kind, files that claim a slug
# explicitly come before those whose slug is made from the title and must step around the claimed ones; then an
# article's file in its source_language comes before its translations, which are recorded as translated from the
# source text as it is when they are saved (translating/status.py): written first, they would count as outdated.
WRITE_ORDER = (SECTION, AUTHOR, TAG, ARTICLE)
# Fields every language version of one object shares; the files of a run must not disagree on them.
SHARED_FIELDS = {
    ARTICLE: ("status", "published_at", "source_language", "views", "cover", "section_key", "author_key", "tags"),
    AUTHOR: ("slug", "photo"),
    SECTION: ("position",),
    TAG: (),
}


class FieldError(ValueError):
    """What is wrong with a field's value; ``line`` when it is about a line of its own (an item of a list)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def shared_value(name: str, value: Any) -> Any:
    """What the files of one article must agree on: for ``tags``, the keys (the names are each file's own)."""
    return sorted(value) if name == "tags" else value


@dataclass
class SourceFile:
    """One validated file. ``fields`` holds the cleaned values of the fields it gives, besides type/key/lang."""

    path: Path
    kind: str
    key: str
    language: str
    fields: dict[str, Any]
    lines: dict[str, int]
    body: str
    body_line: int
    folder: Path  # the imported folder: the only place the file may refer to (covers, photos)

    def problem(self, field_name: str, message: str) -> ImportProblem:
        return ImportProblem(self.path, self.lines.get(field_name, 1), field_name, message)


# --- Validating one file ----------------------------------------------------------------------------------


def as_text(value: Any, node: yaml.Node) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(node, yaml.ScalarNode):
        # `title: 1984` or `name: Yes`: the words as written, not the number or boolean YAML reads in them.
        return node.value
    raise FieldError("must be text, not a list or a mapping")


def model_field(model: type[models.Model], name: str, language: str) -> models.Field:
    try:
        return concrete_field(model, build_localized_fieldname(name, language))
    except FieldDoesNotExist:
        return concrete_field(model, name)


def validated(model: type[models.Model], name: str, language: str, value: Any) -> Any:
    """``value`` if the model field's validators accept it, else FieldError with their messages."""
    try:
        model_field(model, name, language).run_validators(value)
    except ValidationError as error:
        raise FieldError(" ".join(error.messages)) from None
    return value


def text_of(model: type[models.Model], name: str) -> Callable:
    return lambda value, node, source: validated(model, name, source.language, as_text(value, node))


def texts_of(model: type[models.Model], name: str, strip: bool = False) -> Callable:
    def clean(value, node, source):
        items = zip(value, node.value, strict=True) if isinstance(node, yaml.SequenceNode) else [(value, node)]
        texts = [as_text(item, item_node) for item, item_node in items]
        return [validated(model, name, source.language, text.strip() if strip else text) for text in texts]
    return clean


def key_of(model: type[models.Model]) -> Callable:
    # Stripped like Model.save() strips keys, so the file's key is the stored one.
    return lambda value, node, source: validated(model, "key", source.language, as_text(value, node).strip())


def clean_kind(value, node, source) -> str:
    kind = as_text(value, node)
    if kind not in WRITE_ORDER:
        raise FieldError(f"must be one of {', '.join(WRITE_ORDER)}")
    return kind


def clean_language(value, node, source) -> str:
    language = as_text(value, node)
    if language not in conf.ARTICLES_LANGUAGES:
        raise FieldError(f"unknown language {quoted(language)}; expected one of {', '.join(conf.ARTICLES_LANGUAGES)}")
    return language


def clean_timestamp(value, node, source) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise FieldError(f"is not an ISO 8601 date and time, e.g. {TIMESTAMP_EXAMPLE}") from None
    if not isinstance(value, datetime):
        if isinstance(value, date):
            raise FieldError(f"needs a time and a time zone, e.g. {value.isoformat()}T09:30:00+05:00")
        raise FieldError(f"is not an ISO 8601 date and time, e.g. {TIMESTAMP_EXAMPLE}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise FieldError("has no time zone; add one, e.g. +05:00 or Z")
    return validated(Article, "published_at", source.language, value)


def clean_status(value, node, source) -> str:
    status = as_text(value, node)
    if status not in Article.Status.values:
        raise FieldError(f"must be one of {', '.join(Article.Status.values)}")
    return status


def count_of(model: type[models.Model], name: str) -> Callable:
    """A cleaner for a whole number that the model field stores on every database (SQLite's limits are wider)."""
    def clean(value, node, source) -> int:
        field = model._meta.get_field(name)
        lowest, highest = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]
        if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
            raise FieldError(f"must be a whole number from {lowest} to {highest}")
        return value
    return clean


def clean_image_path(value, node, source) -> Path:
    given = as_text(value, node)
    # One answer for "missing" and "not allowed", so that a file cannot probe what exists outside the folder.
    refused = FieldError(
        f"{quoted(given)} is not a file in the imported folder; give a path relative to this file, without '..'"
    )
    relative = Path(given)
    if not given or relative.is_absolute() or ".." in relative.parts:
        raise refused
    image = (source.path.parent / relative).resolve()
    if not image.is_relative_to(source.folder.resolve()) or not image.is_file():  # a symlink may lead out
        raise refused
    # The admin's upload rule (size, pixels, format): an import is no back door for a 50 MB or 179 Mpx cover.
    with image.open("rb") as opened:
        try:
            validate_image_upload(File(opened))
        except ValidationError as error:
            raise FieldError(f"{quoted(given)}: {' '.join(error.messages)}") from None
    return image


def node_line(node: yaml.Node) -> int:
    return node.start_mark.line + 2  # the YAML starts on the file's second line


def scalar_text(node: yaml.Node) -> str:
    """A scalar's text as written; '' for a null (``~``, ``null`` or nothing)."""
    return "" if node.tag == "tag:yaml.org,2002:null" else str(node.value)


def clean_tags(value, node, source) -> dict[str, str]:
    """``tags:`` as {key: name in the file's language, or '' to leave the name as it is}.

    Either a list of keys (``tags: [almaty, transport]``), of tags that exist or that another file of the run
    names, or a mapping of keys to names in the file's language (``tags: {almaty: Алматы}``), which creates a
    tag that does not exist and names one that does; a null name (``transport: ~``) names nothing.
    """
    if value is None:
        return {}
    if isinstance(node, yaml.SequenceNode):
        items = [(item_node, None) for item_node in node.value]
    elif isinstance(node, yaml.MappingNode):
        items = list(node.value)
    else:
        raise FieldError("must be a list of tag keys, or a mapping of tag keys to names in this file's language")
    tags: dict[str, str] = {}
    for key_node, name_node in items:
        line = node_line(key_node)
        if not isinstance(key_node, yaml.ScalarNode):
            raise FieldError(
                "a tag in a list is a key alone; to name tags, write a mapping of keys to names", line
            )
        key = scalar_text(key_node).strip()
        if not key:
            raise FieldError("a tag key is empty", line)
        if key in tags:
            raise FieldError(f"gives the tag {quoted(key)} twice", line)
        if name_node is not None and not isinstance(name_node, yaml.ScalarNode):
            raise FieldError(f"the name of the tag {quoted(key)} must be text", node_line(name_node))
        name = scalar_text(name_node).strip() if name_node is not None else ""
        try:
            validated(Tag, "key", source.language, key)
            validated(Tag, "name", source.language, name)
        except FieldError as error:
            raise FieldError(f"the tag {quoted(key)}: {error}", line) from None
        tags[key] = name
    return tags


FIELDS: dict[str, dict[str, Callable[[Any, yaml.Node, SourceFile], Any]]] = {
    ARTICLE: {
        "title": text_of(Article, "title"),
        "slug": text_of(Article, "slug"),
        "lead": text_of(Article, "lead"),
        "author": texts_of(Author, "name"),
        "author_key": texts_of(Author, "key", strip=True),
        "section": text_of(Section, "name"),
        "section_key": key_of(Section),
        "published_at": clean_timestamp,
        "status": clean_status,
        # This language version's own state and time (the article's are ``status`` and ``published_at``).
        "language_status": clean_status,
        "language_published_at": clean_timestamp,
        "source_language": clean_language,
        "views": count_of(Article, "view_count"),
        "cover": clean_image_path,
        "cover_alt": text_of(Article, "cover_alt"),
        "cover_caption": text_of(Article, "cover_caption"),
        "tags": clean_tags,
        "cover_credit": text_of(Article, "cover_credit"),
    },
    AUTHOR: {"name": text_of(Author, "name"), "slug": text_of(Author, "slug"), "photo": clean_image_path},
    SECTION: {
        "name": text_of(Section, "name"), "slug": text_of(Section, "slug"), "position": count_of(Section, "position"),
    },
    TAG: {"name": text_of(Tag, "name"), "slug": text_of(Tag, "slug")},
}
MODELS: dict[str, type[Article | Author | Section | Tag]] = {
    ARTICLE: Article, AUTHOR: Author, SECTION: Section, TAG: Tag,
}


def clean_fields(source: SourceFile, values: dict[str, tuple[Any, yaml.Node]]) -> list[ImportProblem]:
    """Fill ``source`` from the parsed ``values``; return the problems found."""
    problems = []

    def clean(name: str, cleaner: Callable) -> Any:
        value, node = values.pop(name)
        try:
            return cleaner(value, node, source)
        except FieldError as error:
            problems.append(ImportProblem(source.path, error.line or source.lines.get(name, 1), name, str(error)))

    if "type" in values:
        source.kind = clean("type", clean_kind) or ARTICLE
    required = ("key", "lang", "title") if source.kind == ARTICLE else ("key", "lang")
    for name in required:
        value = values.get(name, (None, None))[0]
        if value is None or (isinstance(value, str) and not value.strip()):
            values.pop(name, None)
            problems.append(source.problem(name, "is required"))
    language = clean("lang", clean_language) if "lang" in values else None
    if language is None:  # the checks below depend on the language
        return problems
    source.language = language
    source.key = clean("key", key_of(MODELS[source.kind])) if "key" in values else ""
    for name in list(values):
        if name in FIELDS[source.kind]:
            if (cleaned := clean(name, FIELDS[source.kind][name])) is not None:
                source.fields[name] = cleaned
        else:
            values.pop(name)
            known = ", ".join(["type", "key", "lang", *FIELDS[source.kind]])
            problems.append(source.problem(name, f"unknown field; a {source.kind} file may have {known}"))
    return problems


def check_authors(source: SourceFile) -> list[ImportProblem]:
    names, keys = source.fields.get("author"), source.fields.get("author_key")
    if names is not None and keys is not None and len(names) != len(keys):
        return [source.problem(
            "author_key", f"gives {len(keys)} keys for {len(names)} authors; they pair by position"
        )]
    pairs = author_pairs(source.fields)
    if any(not name.strip() and not key for name, key in pairs):
        return [source.problem("author", "an author needs a name or an author_key")]
    identities = [("key", key) if key else ("name", name) for name, key in pairs]
    if len(set(identities)) != len(identities):
        return [source.problem("author", "lists the same author twice")]
    return []


def read_source_file(path: Path, *, folder: Path, check_body: bool = True) -> SourceFile:
    """Read and validate one file of the imported ``folder``; raise ``SourceError`` listing every problem found.

    ``check_body`` measures the body against the Markdown renderer's limits (``check_markdown``, no conversion);
    the writing pass renders it, once, and reports the rare body that passes the limits and still cannot be
    converted.
    """
    yaml_text, body, body_line = split_front_matter(path, decode_source(path))
    values, lines = parse_front_matter(path, yaml_text)
    source = SourceFile(path, ARTICLE, "", "", {}, lines, body, body_line, folder)
    problems = clean_fields(source, values)
    if source.language:  # left empty when the file gives no valid one
        problems += check_authors(source)
        if source.kind in (SECTION, TAG) and body:
            problems.append(ImportProblem(path, body_line, "body", f"a {source.kind} file has no body"))
        elif check_body:
            try:
                check_markdown(body)
            except MarkdownRejected as rejected:
                problems.append(ImportProblem(path, body_line, "body", str(rejection_message(rejected))))
    if problems:
        raise SourceError(problems)
    return source


def author_pairs(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """The (name, key) of each author a file lists; either may be empty."""
    return list(zip_longest(fields.get("author") or [], fields.get("author_key") or [], fillvalue=""))


# --- Checks across the files of a run ---------------------------------------------------------------------


class PlannedFile(NamedTuple):
    """A file of the plan, as the writing pass takes it."""

    path: Path
    folder: Path  # the imported folder it is in
    kind: str
    language: str


PLAN_SCHEMA = """
    -- Every file found, once: a file found twice (by two paths, or through a link) by its first path.
    CREATE TABLE found (
        resolved BLOB PRIMARY KEY,  -- the file the path leads to
        position BLOB NOT NULL,  -- the number of the path given it was found under, then the path's order
        path BLOB NOT NULL,
        folder INTEGER NOT NULL  -- the imported folder: ImportPlan.folder_list's index
    ) WITHOUT ROWID;
    -- Each valid file registered, a version (kind, key, language) once; those with problems are left out.
    CREATE TABLE files (
        path BLOB PRIMARY KEY,
        position BLOB NOT NULL,  -- the path's order
        kind INTEGER NOT NULL,  -- its place in WRITE_ORDER
        claims_slug INTEGER NOT NULL,
        key BLOB NOT NULL,
        language TEXT NOT NULL,
        folder INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX files_version ON files (kind, key, language);
    -- What the files of an object must agree on: {field: (value, the first file that gave it)}, pickled.
    CREATE TABLE objects (
        kind INTEGER NOT NULL,
        key BLOB NOT NULL,
        source_language TEXT,
        shared BLOB NOT NULL,
        PRIMARY KEY (kind, key)
    ) WITHOUT ROWID;
    -- Slugs that files give, by the last file that gave them; their order (rowid) is the first one's.
    CREATE TABLE slugs (
        kind INTEGER NOT NULL,
        language TEXT NOT NULL,  -- '' for an author's (one slug for every language)
        slug BLOB NOT NULL,
        key BLOB NOT NULL,
        path BLOB NOT NULL,
        line INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX slugs_slug ON slugs (kind, language, slug);
    -- Authors, sections and tags that a file names (or is).
    CREATE TABLE named_keys (kind INTEGER NOT NULL, key BLOB NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID;
    -- Their keys given without a name, in the order given, each with where it was given.
    CREATE TABLE bare_keys (
        kind INTEGER NOT NULL, key BLOB NOT NULL, path BLOB NOT NULL, line INTEGER NOT NULL, field TEXT NOT NULL
    );
"""
# The order files are written in (WRITE_ORDER), for the database: kind, slug-claiming files first, an object's
# source language first, then by path.
WRITE_ORDER_SQL = "f.kind, NOT f.claims_slug, f.language IS NOT o.source_language, f.position"
FILES_WITH_OBJECTS = "files f LEFT JOIN objects o ON o.kind = f.kind AND o.key = f.key"
# Rows of found files sent to the database at a time.
FOUND_ROWS = 1000


class ImportPlan:
    """What a run needs to remember of each valid file: small metadata only, never a body, and kept on disk in a
    scratch database (``scratch.ScratchDatabase``), so that the run's memory does not grow with its files.

    ``find`` records the files of the paths given, ``found`` yields them back in order; ``add`` registers each
    valid one, ``check_database`` checks them against the database; ``write_order`` and ``article_batches`` give
    them to the writing pass. ``close`` (or leaving a ``with`` block) removes the database.
    """

    def __init__(self) -> None:
        self.scratch = ScratchDatabase(PLAN_SCHEMA)
        self.db = self.scratch.connection
        self.folder_list: list[Path] = []  # the imported folders, as few as the paths given
        self.folder_numbers: dict[Path, int] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self.scratch.close()

    def folder_number(self, folder: Path) -> int:
        if (number := self.folder_numbers.get(folder)) is None:
            number = self.folder_numbers[folder] = len(self.folder_list)
            self.folder_list.append(folder)
        return number

    # --- The files found ---------------------------------------------------------------------------------

    def find(self, paths: Iterable[Path]) -> list[ImportProblem]:
        """Record each file given and each ``*.md`` under each folder given (``find_source_files``); return the
        paths that do not exist, as problems. A file found twice is kept where it is found first (``found``)."""
        problems = []
        rows: list[tuple[bytes, bytes, bytes, int]] = []
        record = (
            "INSERT INTO found (resolved, position, path, folder) VALUES (?, ?, ?, ?) ON CONFLICT (resolved) "
            "DO UPDATE SET position = excluded.position, path = excluded.path, folder = excluded.folder "
            "WHERE excluded.position < found.position"
        )
        for item in find_source_files(paths):
            if isinstance(item, ImportProblem):
                problems.append(item)
                continue
            number, path, folder = item
            position = number.to_bytes(4, "big") + path_order(path)
            rows.append((path_bytes(path.resolve()), position, path_bytes(path), self.folder_number(folder)))
            if len(rows) == FOUND_ROWS:
                self.db.executemany(record, rows)
                rows.clear()
        self.db.executemany(record, rows)
        return problems

    def found_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM found").fetchone()[0]

    def found(self) -> Iterator[tuple[Path, Path]]:
        """(file, folder) for each file found: the paths in the order given, the files of each sorted."""
        for path, folder in self.db.execute("SELECT path, folder FROM found ORDER BY position"):
            yield bytes_path(path), self.folder_list[folder]

    # --- Checking ----------------------------------------------------------------------------------------

    def add(self, source: SourceFile) -> list[ImportProblem]:
        """Register a valid file; return its conflicts with the files registered before (then it is left out)."""
        problems = []
        kind, key = WRITE_ORDER.index(source.kind), text_bytes(source.key)
        version = self.db.execute(
            "SELECT path FROM files WHERE kind = ? AND key = ? AND language = ?", (kind, key, source.language)
        ).fetchone()
        if version is not None:
            problems.append(source.problem(
                "key", f"{bytes_path(version[0])} already gives {quoted(source.key)} in {source.language}"
            ))
        slug = source.fields.get("slug")
        slug_language = "" if source.kind == AUTHOR else source.language
        owner = self.db.execute(
            "SELECT key, path FROM slugs WHERE kind = ? AND language = ? AND slug = ?",
            (kind, slug_language, text_bytes(slug)),
        ).fetchone() if slug else None
        if slug and owner and owner[0] != key:
            owner_key, owner_path = bytes_text(owner[0]), bytes_path(owner[1])
            problems.append(source.problem(
                "slug", f"{quoted(slug)} is already the slug of {quoted(owner_key)} in {owner_path}"
            ))
        names = [name for name in SHARED_FIELDS[source.kind] if name in source.fields]
        shared: dict[str, tuple[Any, str]] = {}
        if names:
            stored = self.db.execute("SELECT shared FROM objects WHERE kind = ? AND key = ?", (kind, key)).fetchone()
            shared = pickle.loads(stored[0]) if stored else {}
        for name in names:
            earlier = shared.get(name)
            if earlier and earlier[0] != shared_value(name, source.fields[name]):
                given = shortened(str(earlier[0]))
                problems.append(source.problem(name, f"differs from {earlier[1]}, which gives {given}"))
        if problems:
            return problems
        path = path_bytes(source.path)
        self.db.execute(
            "INSERT INTO files (path, position, kind, claims_slug, key, language, folder) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (path, path_order(source.path), kind, bool(slug), key, source.language, self.folder_number(source.folder)),
        )
        if slug:
            self.db.execute(
                "INSERT INTO slugs (kind, language, slug, key, path, line) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (kind, language, slug) DO UPDATE SET key = excluded.key, path = excluded.path, "
                "line = excluded.line",
                (kind, slug_language, text_bytes(slug), key, path, source.lines.get("slug", 1)),
            )
        if new := [name for name in names if name not in shared]:
            for name in new:
                shared[name] = (shared_value(name, source.fields[name]), str(source.path))
            self.db.execute(
                "INSERT OR REPLACE INTO objects (kind, key, source_language, shared) VALUES (?, ?, ?, ?)",
                (kind, key, shared.get("source_language", (None,))[0], pickle.dumps(shared)),
            )
        if source.kind != ARTICLE:
            self.db.execute("INSERT OR IGNORE INTO named_keys (kind, key) VALUES (?, ?)", (kind, key))
            return []
        named, bare = [], []
        for name, author_key in author_pairs(source.fields):
            if author_key and name.strip():
                named.append((AUTHOR, author_key))
            elif author_key:
                bare.append((AUTHOR, author_key, "author_key"))
        if section_key := source.fields.get("section_key"):
            if source.fields.get("section", "").strip():
                named.append((SECTION, section_key))
            else:
                bare.append((SECTION, section_key, "section_key"))
        for tag_key, tag_name in source.fields.get("tags", {}).items():
            if tag_name:
                named.append((TAG, tag_key))
            else:
                bare.append((TAG, tag_key, "tags"))
        if named:
            self.db.executemany(
                "INSERT OR IGNORE INTO named_keys (kind, key) VALUES (?, ?)",
                [(WRITE_ORDER.index(named_kind), text_bytes(named_key)) for named_kind, named_key in named],
            )
        if bare:
            self.db.executemany(
                "INSERT INTO bare_keys (kind, key, path, line, field) VALUES (?, ?, ?, ?, ?)",
                [(WRITE_ORDER.index(bare_kind), text_bytes(bare_key), path, source.lines.get(name, 1), name)
                 for bare_kind, bare_key, name in bare],
            )
        return []

    def check_database(self) -> list[ImportProblem]:
        """Find slugs other objects hold in the database and keys that neither the run nor the database knows.

        The files with problems are left out of the run.
        """
        problems = []
        groups = self.db.execute("SELECT kind, language FROM slugs GROUP BY kind, language ORDER BY min(rowid)")
        for kind_number, language in groups.fetchall():
            kind = WRITE_ORDER[kind_number]
            slug_field = "slug" if kind == AUTHOR else build_localized_fieldname("slug", language)
            claims = self.db.execute(
                "SELECT slug, key, path, line FROM slugs WHERE kind = ? AND language = ? ORDER BY rowid",
                (kind_number, language),
            )
            # 500 at a time: within any database's limit of query parameters.
            while chunk := claims.fetchmany(500):
                slugs = {bytes_text(slug): (bytes_text(key), path, line) for slug, key, path, line in chunk}
                holders = MODELS[kind]._base_manager.filter(**{f"{slug_field}__in": list(slugs)})
                for slug, holder_key, holder_pk in holders.values_list(slug_field, "key", "pk"):
                    key, path, line = slugs[slug]
                    if holder_key != key:
                        holder = holder_key or f"pk {holder_pk}"
                        problems.append(ImportProblem(
                            bytes_path(path), line, "slug",
                            f"{quoted(slug)} is already the slug of another {kind} in the database ({holder})",
                        ))
        bare_keys = self.db.execute(
            "SELECT b.kind, b.key, b.path, b.line, b.field, n.key IS NOT NULL FROM bare_keys b "
            "LEFT JOIN named_keys n ON n.kind = b.kind AND n.key = b.key ORDER BY b.rowid"
        )
        for kind_number, key_data, path, line, field_name, named in bare_keys:
            kind, key = WRITE_ORDER[kind_number], bytes_text(key_data)
            if not (named or MODELS[kind]._base_manager.filter(key=key).exists()):
                message = f"no {kind} has the key {quoted(key)}; give its name too, to create it"
                problems.append(ImportProblem(bytes_path(path), line, field_name, message))
        self.db.executemany("DELETE FROM files WHERE path = ?", [(path_bytes(problem.path),) for problem in problems])
        return problems

    # --- Writing -----------------------------------------------------------------------------------------

    def write_order(self, *, articles: bool = True) -> Iterator[PlannedFile]:
        """The files, in the order they are written (``WRITE_ORDER``); only authors', sections' and tags' unless
        ``articles``."""
        rows = self.db.execute(
            f"SELECT f.path, f.folder, f.kind, f.language FROM {FILES_WITH_OBJECTS} "
            f"WHERE f.kind != ? OR ? ORDER BY {WRITE_ORDER_SQL}",
            (WRITE_ORDER.index(ARTICLE), articles),
        )
        for path, folder, kind, language in rows:
            yield PlannedFile(bytes_path(path), self.folder_list[folder], WRITE_ORDER[kind], language)

    def article_batches(self, size: int) -> Iterator[list[tuple[str, list[PlannedFile]]]]:
        """The article files in ``write_order``, grouped by article (an article comes where its first file does),
        ``size`` articles to a batch."""
        rows = self.db.execute(
            f"""WITH ordered AS (
                    SELECT f.path, f.folder, f.language, f.key, row_number() OVER (ORDER BY {WRITE_ORDER_SQL}) AS number
                    FROM {FILES_WITH_OBJECTS} WHERE f.kind = ?
                ), grouped AS (SELECT *, min(number) OVER (PARTITION BY key) AS first FROM ordered)
                SELECT path, folder, language, key FROM grouped ORDER BY first, number""",
            (WRITE_ORDER.index(ARTICLE),),
        )
        batch: list[tuple[str, list[PlannedFile]]] = []
        for key, group in groupby(rows, key=itemgetter(3)):
            files = [PlannedFile(bytes_path(path), self.folder_list[folder], ARTICLE, language)
                     for path, folder, language, _key in group]
            batch.append((bytes_text(key), files))
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch

    def claimed_article_slugs(self) -> "ClaimedSlugs":
        """The slugs article files give, as ``{slug field: {slug: key}}``: a slug made from a title steps around
        them (``TranslatedModel.unique_slug``), since their articles may be saved later. A mapping that reads the
        scratch database."""
        return ClaimedSlugs(self.db)


class ClaimedSlugs(Mapping[str, Mapping[str, str]]):
    """``{slug field: {slug: key}}`` of the slugs that article files of the run give, read from the plan's
    database when asked: what ``TranslatedModel.unique_slug`` and the import's ``assign_free_slugs`` read."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.languages = {build_localized_fieldname("slug", code): code for code in conf.ARTICLES_LANGUAGES}

    def __getitem__(self, slug_field: str) -> "ClaimedSlugsOf":
        language = self.languages.get(slug_field)
        if language is None or not self.db.execute(
            "SELECT 1 FROM slugs WHERE kind = ? AND language = ? LIMIT 1", (WRITE_ORDER.index(ARTICLE), language)
        ).fetchone():
            raise KeyError(slug_field)
        return ClaimedSlugsOf(self.db, language)

    def __iter__(self) -> Iterator[str]:
        return (slug_field for slug_field in self.languages if slug_field in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class ClaimedSlugsOf(Mapping[str, str]):
    """``{slug: key}`` of the slugs that article files give in one language."""

    def __init__(self, db: sqlite3.Connection, language: str) -> None:
        self.db, self.language = db, language
        self.where = (WRITE_ORDER.index(ARTICLE), language)

    def get(self, slug, default=None):
        row = self.db.execute(
            "SELECT key FROM slugs WHERE kind = ? AND language = ? AND slug = ?", (*self.where, text_bytes(slug))
        ).fetchone()
        return default if row is None else bytes_text(row[0])

    def __getitem__(self, slug: str) -> str:
        if (key := self.get(slug)) is None:
            raise KeyError(slug)
        return key

    def __iter__(self) -> Iterator[str]:
        rows = self.db.execute("SELECT slug FROM slugs WHERE kind = ? AND language = ? ORDER BY rowid", self.where)
        return (bytes_text(slug) for slug, in rows)

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM slugs WHERE kind = ? AND language = ?", self.where).fetchone()[0]
