"""Export articles, authors, sections and tags as the Markdown files that the import reads.

Importing an export into an empty database reproduces every article, author, section and tag; importing it into
the database it came from changes nothing. An object without a key is given ``article-<pk>`` (``author-<pk>``,
``section-<pk>``, ``tag-<pk>``), in its files and in the database, so its language versions, the articles that
name it and a later import all find the same object.
"""

import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils import timezone

from ..conf import conf
from ..models import Article, Author, Section, Tag, TranslatedModel
from ..slugs import file_stem


@dataclass
class ExportReport:
    files: Counter = field(default_factory=Counter)  # (kind, language) → number of files written
    warnings: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        return [
            f"{kind.capitalize()}s in {language}: {count} file{'' if count == 1 else 's'}"
            for (kind, language), count in sorted(self.files.items())
        ]


def export_key(instance: Article | Author | Section | Tag, prefix: str) -> str:
    """The object's key; one without gets ``<prefix>-<pk>`` (unique among keys in use), stored on it as well.

    Storing it is what lets the exported files be edited and imported again: they find this object by its key
    instead of creating a copy. Only the key column changes (``updated_at`` does not).
    """
    if not instance.key:
        candidate, number = f"{prefix}-{instance.pk}", 1
        while type(instance)._base_manager.filter(key=candidate).exists():
            number += 1
            candidate = f"{prefix}-{instance.pk}-{number}"
        type(instance)._base_manager.filter(pk=instance.pk, key__isnull=True).update(key=candidate)
        instance.key = candidate
    return instance.key


def source_file_write(path: Path, front_matter: dict, body: str = "") -> None:
    # An unlimited width keeps each value on one line, as a person would write it.
    fields = yaml.safe_dump(front_matter, allow_unicode=True, sort_keys=False, width=float("inf"))
    text = f"---\n{fields}---\n"
    if body:
        text += f"\n{body}\n"
    path.write_bytes(text.encode())


def stored_file_copy(field_file, directory: Path, stem: str, report: ExportReport) -> str | None:
    """Copy a cover or photo next to the exported files; return its name relative to them."""
    name = stem + Path(field_file.name).suffix.lower()
    try:
        with field_file.storage.open(field_file.name, "rb") as stored, (directory / name).open("wb") as copy:
            shutil.copyfileobj(stored, copy)
    except OSError as error:
        report.warnings.append(f"{field_file.name}: not exported ({error})")
        return None
    return name


def languages_with(instance: TranslatedModel, fields: Sequence[str], languages: Sequence[str]) -> list[str]:
    return [code for code in languages if any(instance.translated(name, code) for name in fields)]


def sections_export(directory: Path, languages: Sequence[str], keys: dict[int, str], report: ExportReport) -> None:
    folder = directory / "sections"
    for section in Section.objects.all():
        for language in languages_with(section, ("name",), languages):
            folder.mkdir(exist_ok=True)
            front = {"type": "section", "key": keys[section.pk], "lang": language,
                     "name": section.translated("name", language)}
            if slug := section.translated("slug", language):
                front["slug"] = slug
            front["position"] = section.position
            stem = file_stem(keys[section.pk], prefix="section", pk=section.pk)
            source_file_write(folder / f"{stem}.{language}.md", front)
            report.files[("section", language)] += 1


def tags_export(directory: Path, languages: Sequence[str], keys: dict[int, str], report: ExportReport) -> None:
    folder = directory / "tags"
    for tag in Tag.objects.all():
        for language in languages_with(tag, ("name",), languages):
            folder.mkdir(exist_ok=True)
            front = {"type": "tag", "key": keys[tag.pk], "lang": language, "name": tag.translated("name", language)}
            if slug := tag.translated("slug", language):
                front["slug"] = slug
            stem = file_stem(keys[tag.pk], prefix="tag", pk=tag.pk)
            source_file_write(folder / f"{stem}.{language}.md", front)
            report.files[("tag", language)] += 1


def authors_export(directory: Path, languages: Sequence[str], keys: dict[int, str], report: ExportReport) -> None:
    folder = directory / "authors"
    for author in Author.objects.all():
        stem = file_stem(keys[author.pk], prefix="author", pk=author.pk)
        photo = None
        for language in languages_with(author, ("name", "bio"), languages):
            folder.mkdir(exist_ok=True)
            if author.photo and photo is None:
                photo = stored_file_copy(author.photo, folder, stem, report)
            front = {"type": "author", "key": keys[author.pk], "lang": language}
            if name := author.translated("name", language):
                front["name"] = name
            front["slug"] = author.slug
            if photo:
                front["photo"] = photo
            source_file_write(folder / f"{stem}.{language}.md", front, author.translated("bio", language) or "")
            report.files[("author", language)] += 1


def article_front_matter(article: Article, key: str, language: str, author_keys: dict[int, str],
                         section_keys: dict[int, str], tag_keys: dict[int, str]) -> dict:
    front = {"key": key, "lang": language, "title": article.translated("title", language)}
    if slug := article.translated("slug", language):
        front["slug"] = slug
    if lead := article.translated("lead", language):
        front["lead"] = lead
    if authors := article.byline():
        names = [author.translated("name", language) or "" for author in authors]
        keys = [author_keys[author.pk] for author in authors]
        front["author"], front["author_key"] = (names[0], keys[0]) if len(authors) == 1 else (names, keys)
    if (section := article.section) is not None:
        if name := section.translated("name", language):
            front["section"] = name
        front["section_key"] = section_keys[section.pk]
    if tags := article.tags.all():
        # Each key with the tag's name in this language (null without one), so that the file alone can create it.
        named = {tag_keys[tag.pk]: tag.translated("name", language) or None for tag in tags}
        front["tags"] = dict(sorted(named.items()))
    if article.published_at:
        front["published_at"] = timezone.localtime(article.published_at)
    front["status"] = article.status
    if language_status := article.translated("status", language):
        front["language_status"] = language_status
    if language_published_at := article.translated("published_at", language):
        front["language_published_at"] = timezone.localtime(language_published_at)
    if article.source_language:
        front["source_language"] = article.source_language
    if article.view_count:
        front["views"] = article.view_count
    return front


def articles_export(*, directory: Path, languages: Sequence[str] | None = None) -> ExportReport:
    """Write every article, author, section and tag to ``directory``, one file per object and language.

    Articles are ``<key>.<lang>.md`` with their cover beside them; authors, sections and tags go to the
    ``authors/``, ``sections/`` and ``tags/`` folders. ``languages`` (default: all) limits which language versions
    are written.
    """
    languages = list(languages or conf.ARTICLES_LANGUAGES)
    report = ExportReport()
    directory.mkdir(parents=True, exist_ok=True)
    section_keys = {section.pk: export_key(section, "section") for section in Section.objects.all()}
    author_keys = {author.pk: export_key(author, "author") for author in Author.objects.all()}
    tag_keys = {tag.pk: export_key(tag, "tag") for tag in Tag.objects.all()}
    sections_export(directory, languages, section_keys, report)
    authors_export(directory, languages, author_keys, report)
    tags_export(directory, languages, tag_keys, report)
    articles = Article.objects.select_related("section").with_bylines().with_tags().order_by("pk")
    for article in articles.iterator(chunk_size=500):
        key = export_key(article, "article")
        stem = file_stem(key, prefix="article", pk=article.pk)
        cover = None
        if not languages_with(article, ("title",), conf.ARTICLES_LANGUAGES):
            report.warnings.append(f"Article {key} has no title in any language; not exported.")
        for language in languages_with(article, ("title",), languages):
            front = article_front_matter(article, key, language, author_keys, section_keys, tag_keys)
            if article.cover and cover is None:
                cover = stored_file_copy(article.cover, directory, stem, report)
            if cover:
                front["cover"] = cover
            for name in ("cover_alt", "cover_caption", "cover_credit"):
                if value := article.translated(name, language):
                    front[name] = value
            source_file_write(directory / f"{stem}.{language}.md", front, article.translated("body", language) or "")
            report.files[("article", language)] += 1
    return report
