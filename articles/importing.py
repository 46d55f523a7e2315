"""Import articles, authors and sections from Markdown files with YAML front matter.

One file holds one language version::

    ---
    key: almaty-e-buses          # stable id shared by every language version (required)
    lang: en                     # one of ARTICLES_LANGUAGES (required)
    title: Almaty adds 40 electric buses   # (required)
    author: [Aigerim Sadykova]   # names in this language; author_key pairs with them by position
    author_key: [aigerim-sadykova]
    ---
    The Markdown body.

``type: author`` (``key``, ``lang``, ``name``, ``slug``, ``photo``; the body is the biography) and
``type: section`` (``key``, ``lang``, ``name``, ``slug``, ``position``) files carry what article files cannot,
so that an export imports back to the same database.

A file owns its language version: a translated field it leaves out is emptied. Fields shared by every language
(status, published_at, section, authors, cover, views) are changed only by files that give them, and files of one
run must agree on them. A run validates every file first (keeping only small metadata, so thousands of files
fit in little memory), then reads them again to write them in one transaction.
"""

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import zip_longest
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files import File
from django.db import DatabaseError, models, transaction
from modeltranslation.utils import build_localized_fieldname
from PIL import Image

from .conf import conf
from .markdown import MarkdownRejected, render_markdown
from .models import Article, Author, Byline, Section

YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TIMESTAMP_EXAMPLE = "2025-03-14T09:30:00+05:00"

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
ARTICLE, AUTHOR, SECTION = "article", "author", "section"
# Sections and authors first, so that article files find them; within a kind, files that claim a slug
# explicitly come before those whose slug is made from the title and must step around the claimed ones.
WRITE_ORDER = (SECTION, AUTHOR, ARTICLE)
# Fields every language version of one object shares; the files of a run must not disagree on them.
SHARED_FIELDS = {
    ARTICLE: ("status", "published_at", "views", "cover", "section_key", "author_key"),
    AUTHOR: ("slug", "photo"),
    SECTION: ("position",),
}


@dataclass(frozen=True)
class ImportProblem:
    path: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.field}: {self.message}"


class SourceError(Exception):
    """A file that cannot be imported, with everything wrong with it."""

    def __init__(self, problems: list[ImportProblem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


class FieldError(ValueError):
    pass


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

    def problem(self, field_name: str, message: str) -> ImportProblem:
        return ImportProblem(self.path, self.lines.get(field_name, 1), field_name, message)


# --- Reading and validating one file ----------------------------------------------------------------------


def line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


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
        return model._meta.get_field(build_localized_fieldname(name, language))
    except FieldDoesNotExist:
        return model._meta.get_field(name)


def validated(model: type[models.Model], name: str, language: str, value: str) -> str:
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
        raise FieldError(f"unknown language {language!r}; expected one of {', '.join(conf.ARTICLES_LANGUAGES)}")
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
    return value


def clean_status(value, node, source) -> str:
    status = as_text(value, node)
    if status not in Article.Status.values:
        raise FieldError(f"must be one of {', '.join(Article.Status.values)}")
    return status


def clean_count(value, node, source) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FieldError("must be a whole number, 0 or more")
    return value


def clean_image_path(value, node, source) -> Path:
    image = source.path.parent / as_text(value, node)
    if not image.is_file():
        raise FieldError(f"no such file: {image}")
    try:
        with Image.open(image) as opened:
            opened.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise FieldError(f"{image} is not an image") from None
    return image.resolve()


FIELDS = {
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
        "views": clean_count,
        "cover": clean_image_path,
        "cover_alt": text_of(Article, "cover_alt"),
        "cover_caption": text_of(Article, "cover_caption"),
    },
    AUTHOR: {"name": text_of(Author, "name"), "slug": text_of(Author, "slug"), "photo": clean_image_path},
    SECTION: {"name": text_of(Section, "name"), "slug": text_of(Section, "slug"), "position": clean_count},
}
MODELS = {ARTICLE: Article, AUTHOR: Author, SECTION: Section}


def split_front_matter(path: Path, text: str) -> tuple[str, str, int]:
    """Return the YAML text, the body and the body's first line number."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise SourceError([ImportProblem(
            path, 1, "front matter", "the file must start with a '---' line, then the fields, then another '---' line"
        )])
    closing = next((index for index, line in enumerate(lines) if index and line.rstrip() in ("---", "...")), None)
    if closing is None:
        raise SourceError([ImportProblem(path, 1, "front matter", "no closing '---' line after the fields")])
    start = closing + 1  # blank lines between the fields and the body are not part of the body
    while start < len(lines) and not lines[start].strip():
        start += 1
    return "\n".join(lines[1:closing]), "\n".join(lines[start:]).rstrip(), start + 1


def parse_front_matter(path: Path, text: str) -> tuple[dict[str, tuple[Any, yaml.Node]], dict[str, int]]:
    """Return each field's value and node, and each field's line in the file (the YAML starts on line 2)."""
    loader = YamlLoader(text)
    try:
        node = loader.get_single_node()
        if not isinstance(node, yaml.MappingNode):
            line = node.start_mark.line + 2 if node is not None else 1
            raise SourceError([ImportProblem(path, line, "front matter", "must be a mapping of fields")])
        values, lines, problems = {}, {}, []
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 2
            name = loader.construct_object(key_node, deep=True)
            if not isinstance(name, str) or name in values:
                message = "field names must be text" if not isinstance(name, str) else "is given twice"
                problems.append(ImportProblem(path, line, str(name), message))
                continue
            lines[name] = line
            try:
                values[name] = (loader.construct_object(value_node, deep=True), value_node)
            except (ValueError, OverflowError) as error:  # e.g. a timestamp with month 13
                problems.append(ImportProblem(path, line, name, str(error)))
        if problems:
            raise SourceError(problems)
        return values, lines
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        if isinstance(error, yaml.reader.ReaderError):  # a control character: it knows its offset only
            line = text.count("\n", 0, error.position) + 2
            message = error.reason
        else:
            line = mark.line + 2 if mark is not None else 1
            message = getattr(error, "problem", None) or str(error)
        raise SourceError([ImportProblem(path, line, "front matter", f"invalid YAML: {message}")]) from None
    finally:
        loader.dispose()


def decode_source(path: Path) -> str:
    data = path.read_bytes()
    if (offset := data.find(b"\0")) >= 0:
        raise SourceError([ImportProblem(
            path, line_of_offset(data, offset), "file", f"contains a NUL byte (at byte {offset}); is it a text file?"
        )])
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise SourceError([ImportProblem(
            path, line_of_offset(data, error.start), "file",
            f"is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
        )]) from None


def clean_fields(source: SourceFile, values: dict[str, tuple[Any, yaml.Node]]) -> list[ImportProblem]:
    """Fill ``source`` from the parsed ``values``; return the problems found."""
    problems = []

    def clean(name: str, cleaner: Callable) -> Any:
        value, node = values.pop(name)
        try:
            return cleaner(value, node, source)
        except FieldError as error:
            problems.append(source.problem(name, str(error)))

    if "type" in values:
        source.kind = clean("type", clean_kind) or ARTICLE
    required = ("key", "lang", "title") if source.kind == ARTICLE else ("key", "lang")
    for name in required:
        value = values.get(name, (None, None))[0]
        if value is None or (isinstance(value, str) and not value.strip()):
            values.pop(name, None)
            problems.append(source.problem(name, "is required"))
    source.language = clean("lang", clean_language) if "lang" in values else None
    if source.language is None:  # the checks below depend on the language
        return problems
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


def read_source_file(path: Path, *, check_body: bool = True) -> SourceFile:
    """Read and validate one file; raise ``SourceError`` listing every problem found in it.

    ``check_body`` renders the body to find what the Markdown renderer refuses; the writing pass leaves that to
    ``Model.save()``, which renders it anyway.
    """
    yaml_text, body, body_line = split_front_matter(path, decode_source(path))
    values, lines = parse_front_matter(path, yaml_text)
    source = SourceFile(path, ARTICLE, "", "", {}, lines, body, body_line)
    problems = clean_fields(source, values)
    if source.language is not None:
        problems += check_authors(source)
        if source.kind == SECTION and body:
            problems.append(ImportProblem(path, body_line, "body", "a section file has no body"))
        elif check_body:
            try:
                render_markdown(body, source.language)
            except MarkdownRejected as rejected:
                problems.append(ImportProblem(path, body_line, "body", str(rejected)))
    if problems:
        raise SourceError(problems)
    return source


def author_pairs(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """The (name, key) of each author a file lists; either may be empty."""
    return list(zip_longest(fields.get("author") or [], fields.get("author_key") or [], fillvalue=""))


def find_source_files(paths: Iterable[Path]) -> Iterator[Path | ImportProblem]:
    """Yield each file given and each ``*.md`` under each folder given, sorted; a missing path as a problem."""
    seen = set()
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(candidate for candidate in path.rglob("*.md") if candidate.is_file())
        elif path.is_file():
            found = [path]
        else:
            yield ImportProblem(path, None, "file", "no such file or folder")
            continue
        for candidate in found:
            if (resolved := candidate.resolve()) not in seen:
                seen.add(resolved)
                yield candidate


# --- Checks across the files of a run ---------------------------------------------------------------------


@dataclass
class ImportPlan:
    """What a run needs to remember of each valid file: small metadata only, never a body."""

    files: dict[Path, tuple[str, bool]] = field(default_factory=dict)  # path → (kind, claims a slug)
    versions: dict[tuple[str, str, str], Path] = field(default_factory=dict)
    slugs: dict[tuple[str, str, str], tuple[str, ImportProblem]] = field(default_factory=dict)
    shared: dict[tuple[str, str, str], tuple[Any, Path]] = field(default_factory=dict)
    named_keys: set[tuple[str, str]] = field(default_factory=set)
    bare_keys: list[tuple[str, str, ImportProblem]] = field(default_factory=list)

    def add(self, source: SourceFile) -> list[ImportProblem]:
        """Register a valid file; return its conflicts with the files registered before (then it is left out)."""
        problems = []
        version = (source.kind, source.key, source.language)
        if version in self.versions:
            problems.append(source.problem(
                "key", f"{self.versions[version]} already gives {source.key!r} in {source.language}"
            ))
        slug = source.fields.get("slug")
        slug_language = "" if source.kind == AUTHOR else source.language
        owner = self.slugs.get((source.kind, slug_language, slug)) if slug else None
        if owner and owner[0] != source.key:
            problems.append(source.problem(
                "slug", f"{slug!r} is already the slug of {owner[0]!r} in {owner[1].path}"
            ))
        for name in SHARED_FIELDS[source.kind]:
            earlier = self.shared.get((source.kind, source.key, name))
            if name in source.fields and earlier and earlier[0] != source.fields[name]:
                problems.append(source.problem(name, f"differs from {earlier[1]}, which gives {earlier[0]}"))
        if problems:
            return problems
        self.files[source.path] = (source.kind, bool(slug))
        self.versions[version] = source.path
        if slug:
            self.slugs[(source.kind, slug_language, slug)] = (source.key, source.problem("slug", ""))
        for name in SHARED_FIELDS[source.kind]:
            if name in source.fields:
                self.shared.setdefault((source.kind, source.key, name), (source.fields[name], source.path))
        if source.kind != ARTICLE:
            self.named_keys.add((source.kind, source.key))
            return []
        for name, key in author_pairs(source.fields):
            if key and name.strip():
                self.named_keys.add((AUTHOR, key))
            elif key:
                self.bare_keys.append((AUTHOR, key, source.problem("author_key", "")))
        if section_key := source.fields.get("section_key"):
            if source.fields.get("section", "").strip():
                self.named_keys.add((SECTION, section_key))
            else:
                self.bare_keys.append((SECTION, section_key, source.problem("section_key", "")))
        return []

    def check_database(self) -> list[ImportProblem]:
        """Find slugs other objects hold in the database and keys that neither the run nor the database knows.

        The files with problems are left out of the run.
        """
        problems = []
        claims = {}
        for (kind, language, slug), claim in self.slugs.items():
            claims.setdefault((kind, language), {})[slug] = claim
        for (kind, language), slugs in claims.items():
            slug_field = "slug" if kind == AUTHOR else build_localized_fieldname("slug", language)
            names = list(slugs)
            holders = [
                holder for start in range(0, len(names), 500)  # within any database's limit of query parameters
                for holder in MODELS[kind]._base_manager.filter(**{f"{slug_field}__in": names[start:start + 500]})
                .values_list(slug_field, "key", "pk")
            ]
            for slug, holder_key, holder_pk in holders:
                key, where = slugs[slug]
                if holder_key != key:
                    holder = holder_key or f"pk {holder_pk}"
                    problems.append(ImportProblem(
                        where.path, where.line, "slug",
                        f"{slug!r} is already the slug of another {kind} in the database ({holder})",
                    ))
        for kind, key, where in self.bare_keys:
            known = (kind, key) in self.named_keys or MODELS[kind]._base_manager.filter(key=key).exists()
            if not known:
                message = f"no {kind} has the key {key!r}; give its name too, to create it"
                problems.append(ImportProblem(where.path, where.line, where.field, message))
        for problem in problems:
            self.files.pop(problem.path, None)
        return problems

    def write_order(self) -> list[Path]:
        return sorted(self.files, key=lambda path: (
            WRITE_ORDER.index(self.files[path][0]), not self.files[path][1], path
        ))


# --- Writing ----------------------------------------------------------------------------------------------


@dataclass
class ImportRun:
    """State of one writing pass: the authors and sections found so far, and the media files it stored."""

    dry_run: bool = False
    authors: dict[str, Author] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)
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
    if field_file:
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
        run.stored_files.append((field_file.storage, field_file.name))
    return True


def find_or_create(model, cache: dict, *, key: str | None, name: str, language: str, source: SourceFile,
                   field_name: str):
    """Find an author or section by key, else by its name in ``language``, else create it; set that name."""
    name_field = build_localized_fieldname("name", language)
    instance = cache.get(key) if key else None
    if instance is None and key:
        instance = model.objects.filter(key=key).first()
    if instance is None and name.strip():
        # By name only among those without a key: a keyed one with the same name is someone else.
        candidates = model.objects.filter(**{name_field: name})
        instance = (candidates.filter(key__isnull=True) if key else candidates).order_by("pk").first()
    if instance is None:
        if not name.strip():
            message = f"no {model._meta.model_name} has the key {key!r}"
            raise SourceError([source.problem(field_name, message)])
        instance = model(key=key)
    before = None if instance._state.adding else model_state(instance)
    if key and not instance.key:
        instance.key = key
    if name.strip():
        setattr(instance, name_field, name)
    if before is None or model_state(instance) != before:
        instance.save()
    if instance.key:
        cache[instance.key] = instance
    return instance


def section_import_file(*, source: SourceFile, run: ImportRun) -> str:
    """Create or update one language version of a section from a ``type: section`` file."""
    section = run.sections.get(source.key) or Section.objects.filter(key=source.key).first()
    section = section or Section(key=source.key)
    return profile_import(section, source, run, {"position": source.fields.get("position")})


def author_import_file(*, source: SourceFile, run: ImportRun) -> str:
    """Create or update one language version of an author from a ``type: author`` file (the body is the bio)."""
    author = run.authors.get(source.key) or Author.objects.filter(key=source.key).first()
    author = author or Author(key=source.key)
    set_translated(author, "bio", source.language, source.body)
    return profile_import(author, source, run, {"slug": source.fields.get("slug")})


def profile_import(instance: Author | Section, source: SourceFile, run: ImportRun, shared: dict) -> str:
    creating = instance._state.adding
    had_language = not creating and bool(instance.translated("name", source.language))
    before = model_state(instance)
    set_translated(instance, "name", source.language, source.fields.get("name", ""))
    if isinstance(instance, Section) and source.fields.get("slug"):
        setattr(instance, build_localized_fieldname("slug", source.language), source.fields["slug"])
    for name, value in shared.items():
        if value is not None and value != "":
            setattr(instance, name, value)
    changed = "photo" in source.fields and stored_file_update(instance.photo, source.fields["photo"], run)
    (run.authors if isinstance(instance, Author) else run.sections)[source.key] = instance
    if not (creating or changed or model_state(instance) != before):
        return UNCHANGED
    instance.save()
    return UPDATED if had_language else CREATED


def article_import_file(*, source: SourceFile, run: ImportRun) -> str:
    """Create or update one language version of an article; return ``created``, ``updated`` or ``unchanged``.

    Nothing is saved when the file matches what is stored, so ``updated_at`` keeps its value. ``views`` sets the
    view count only when the article is created; later the counter belongs to the site.
    """
    language, fields = source.language, source.fields
    article = Article.objects.filter(key=source.key).first() or Article(key=source.key)
    creating = article._state.adding
    had_language = not creating and bool(article.translated("title", language))
    before = model_state(article)
    for name in ("title", "lead", "cover_alt", "cover_caption"):
        set_translated(article, name, language, fields.get(name, ""))
    set_translated(article, "body", language, source.body)
    if fields.get("slug"):
        setattr(article, build_localized_fieldname("slug", language), fields["slug"])
    for name in ("status", "published_at"):
        if name in fields:
            setattr(article, name, fields[name])
    if creating and "views" in fields:
        article.view_count = fields["views"]
    if "section" in fields or "section_key" in fields:
        article.section = find_or_create(
            Section, run.sections, key=fields.get("section_key"), name=fields.get("section", ""),
            language=language, source=source, field_name="section_key",
        )
    changed = "cover" in fields and stored_file_update(article.cover, fields["cover"], run)
    author_ids = None
    if "author" in fields or "author_key" in fields:
        author_ids = [
            find_or_create(Author, run.authors, key=key or None, name=name, language=language, source=source,
                           field_name="author_key").pk
            for name, key in author_pairs(fields)
        ]
        if len(set(author_ids)) != len(author_ids):
            raise SourceError([source.problem("author", "lists the same author twice")])
        bylines = [] if creating else article.bylines.order_by("position", "pk").values_list("author", flat=True)
        changed = changed or author_ids != list(bylines)
    if not (creating or changed or model_state(article) != before):
        return UNCHANGED
    article.save()
    if author_ids is not None:
        article.bylines.all().delete()
        Byline.objects.bulk_create(
            Byline(article=article, author_id=author_id, position=position)
            for position, author_id in enumerate(author_ids)
        )
    return UPDATED if had_language else CREATED


IMPORTERS = {ARTICLE: article_import_file, AUTHOR: author_import_file, SECTION: section_import_file}


# --- A run ------------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    dry_run: bool = False
    continue_on_error: bool = False
    outcomes: Counter = field(default_factory=Counter)  # (kind, language, outcome) → number of files
    problems: list[ImportProblem] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        lines = ["Dry run: nothing was written."] if self.dry_run else []
        for kind in (ARTICLE, AUTHOR, SECTION):
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


def articles_import(*, paths: Iterable[Path], dry_run: bool = False, continue_on_error: bool = False) -> ImportReport:
    """Validate every file, then write them all in one transaction; return what happened to each language.

    With a problem anywhere nothing is written, unless ``continue_on_error``, which writes the valid files
    (each in its own savepoint) and reports the others. ``dry_run`` does all of it and rolls back.
    """
    report = ImportReport(dry_run=dry_run, continue_on_error=continue_on_error)
    plan = ImportPlan()
    for found in find_source_files(paths):
        if isinstance(found, ImportProblem):
            report.problems.append(found)
            continue
        try:
            report.problems.extend(plan.add(read_source_file(found)))
        except SourceError as error:
            report.problems.extend(error.problems)
    report.problems.extend(plan.check_database())
    if report.problems and not continue_on_error:
        return report
    run = ImportRun(dry_run=dry_run)
    try:
        with transaction.atomic():
            for path in plan.write_order():
                try:
                    with transaction.atomic(savepoint=continue_on_error):
                        source = read_source_file(path, check_body=False)
                        outcome = IMPORTERS[source.kind](source=source, run=run)
                except (SourceError, MarkdownRejected, DatabaseError) as error:
                    report.problems.extend(getattr(error, "problems", None) or [
                        ImportProblem(path, None, "body" if isinstance(error, MarkdownRejected) else "database",
                                      str(error))
                    ])
                    run.authors.clear()  # the savepoint's rollback may have undone what the caches hold
                    run.sections.clear()
                    if not continue_on_error:
                        raise RunAborted from error
                else:
                    report.outcomes[(source.kind, source.language, outcome)] += 1
            if dry_run:
                transaction.set_rollback(True)
    except RunAborted:
        report.outcomes.clear()
        for storage, name in run.stored_files:
            storage.delete(name)
    return report
