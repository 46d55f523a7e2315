"""Check what the files of an import say: each field of one file, then the files of a run against one another
and against the database (keys, slugs, versions given twice, shared fields that disagree).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import zip_longest
from pathlib import Path
from typing import Any

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
    parse_front_matter,
    quoted,
    shortened,
    split_front_matter,
)

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


@dataclass
class ImportPlan:
    """What a run needs to remember of each valid file: small metadata only, never a body."""

    # path → (kind, claims a slug, key, language)
    files: dict[Path, tuple[str, bool, str, str]] = field(default_factory=dict)
    folders: dict[Path, Path] = field(default_factory=dict)  # path → the imported folder it is in
    versions: dict[tuple[str, str, str], Path] = field(default_factory=dict)
    slugs: dict[tuple[str, str, str], tuple[str, ImportProblem]] = field(default_factory=dict)
    shared: dict[tuple[str, str, str], tuple[Any, Path]] = field(default_factory=dict)
    named_keys: set[tuple[str, str]] = field(default_factory=set)
    bare_keys: list[tuple[str, str, ImportProblem]] = field(default_factory=list)
    _claimed: dict[str, dict[str, str]] | None = None

    def add(self, source: SourceFile) -> list[ImportProblem]:
        """Register a valid file; return its conflicts with the files registered before (then it is left out)."""
        problems = []
        version = (source.kind, source.key, source.language)
        if version in self.versions:
            problems.append(source.problem(
                "key", f"{self.versions[version]} already gives {quoted(source.key)} in {source.language}"
            ))
        slug = source.fields.get("slug")
        slug_language = "" if source.kind == AUTHOR else source.language
        owner = self.slugs.get((source.kind, slug_language, slug)) if slug else None
        if slug and owner and owner[0] != source.key:
            problems.append(source.problem(
                "slug", f"{quoted(slug)} is already the slug of {quoted(owner[0])} in {owner[1].path}"
            ))
        for name in SHARED_FIELDS[source.kind]:
            earlier = self.shared.get((source.kind, source.key, name))
            if name in source.fields and earlier and earlier[0] != shared_value(name, source.fields[name]):
                given = shortened(str(earlier[0]))
                problems.append(source.problem(name, f"differs from {earlier[1]}, which gives {given}"))
        if problems:
            return problems
        self.files[source.path] = (source.kind, bool(slug), source.key, source.language)
        self.folders[source.path] = source.folder
        self.versions[version] = source.path
        if slug:
            self.slugs[(source.kind, slug_language, slug)] = (source.key, source.problem("slug", ""))
        for name in SHARED_FIELDS[source.kind]:
            if name in source.fields:
                self.shared.setdefault(
                    (source.kind, source.key, name), (shared_value(name, source.fields[name]), source.path)
                )
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
        for tag_key, tag_name in source.fields.get("tags", {}).items():
            if tag_name:
                self.named_keys.add((TAG, tag_key))
            else:
                self.bare_keys.append((TAG, tag_key, source.problem("tags", "")))
        return []

    def check_database(self) -> list[ImportProblem]:
        """Find slugs other objects hold in the database and keys that neither the run nor the database knows.

        The files with problems are left out of the run.
        """
        problems = []
        claims: dict[tuple[str, str], dict[str, tuple[str, ImportProblem]]] = {}
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
                        f"{quoted(slug)} is already the slug of another {kind} in the database ({holder})",
                    ))
        for kind, key, where in self.bare_keys:
            known = (kind, key) in self.named_keys or MODELS[kind]._base_manager.filter(key=key).exists()
            if not known:
                message = f"no {kind} has the key {quoted(key)}; give its name too, to create it"
                problems.append(ImportProblem(where.path, where.line, where.field, message))
        for problem in problems:
            self.files.pop(problem.path, None)
        return problems

    def write_order(self) -> list[Path]:
        def position(path: Path) -> tuple:
            kind, claims_slug, key, language = self.files[path]
            source_language = self.shared.get((kind, key, "source_language"), (None,))[0]
            return WRITE_ORDER.index(kind), not claims_slug, language != source_language, path

        return sorted(self.files, key=position)

    def article_batches(self, size: int) -> Iterator[list[tuple[str, list[Path]]]]:
        """The article files in ``write_order``, grouped by article (an article comes where its first file does),
        ``size`` articles to a batch."""
        groups: dict[str, list[Path]] = {}
        for path in self.write_order():
            kind, _claims_slug, key, _language = self.files[path]
            if kind == ARTICLE:
                groups.setdefault(key, []).append(path)
        batch: list[tuple[str, list[Path]]] = []
        for group in groups.items():
            batch.append(group)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch

    def claimed_article_slugs(self) -> dict[str, dict[str, str]]:
        """The slugs article files give, as ``{slug field: {slug: key}}``: a slug made from a title steps around
        them (``TranslatedModel.unique_slug``), since their articles may be saved later."""
        if self._claimed is None:
            self._claimed = {}
            for (kind, language, slug), (key, _where) in self.slugs.items():
                if kind == ARTICLE:
                    self._claimed.setdefault(build_localized_fieldname("slug", language), {})[slug] = key
        return self._claimed
