"""import_articles and export_articles: the file format, idempotency, all-or-nothing runs and the round trip."""

import io
import itertools
import json
from datetime import UTC, datetime

import pytest
import yaml
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.db.models import F
from PIL import Image
from reversion.models import Version

from articles import markdown_files
from articles.conf import conf
from articles.markdown import MAX_NESTING, MAX_SOURCE_CHARS, render_markdown, rendering
from articles.markdown_files.reading import quoted
from articles.models import Article, Author, Byline, Section, SlugHistory, Tag
from articles.search import article_ids_matching
from articles.translating.status import TranslationStatus, translation_statuses
from tests.support import failed_import, import_articles, write_article, write_source

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png_bytes(colour: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), colour).save(buffer, "PNG")
    return buffer.getvalue()


def stored_bytes(field_file) -> bytes | None:
    if not field_file:
        return None
    with field_file.open("rb") as opened:
        return opened.read()


def row_counts() -> tuple[int, ...]:
    return Article.objects.count(), Author.objects.count(), Section.objects.count(), Byline.objects.count()


# --- Creating and updating -------------------------------------------------------------------------------


def test_a_file_creates_an_article_with_its_authors_section_and_fields(tmp_path):
    write_article(
        tmp_path, title="Almaty gets electric buses", slug="electric-buses", lead="Forty of them.",
        author=["Aigerim Sadykova", "Daniyar Omarov"], author_key=["aigerim", "daniyar"],
        section="City", section_key="city", published_at="2025-03-14T09:30:00+05:00", status="published",
        views=9543, body="## Routes\n\nFive of them.",
    )

    output = import_articles(tmp_path)

    article = Article.objects.get(key="story")
    assert (article.title_en, article.slug_en, article.lead_en) == ("Almaty gets electric buses", "electric-buses",
                                                                     "Forty of them.")
    assert article.body_en == "## Routes\n\nFive of them."
    assert "<h2>Routes</h2>" in article.body_html_en
    assert [author.key for author in article.byline()] == ["aigerim", "daniyar"]
    assert article.byline()[0].name_en == "Aigerim Sadykova"
    assert (article.section.key, article.section.name_en) == ("city", "City")
    assert article.published_at == datetime(2025, 3, 14, 4, 30, tzinfo=UTC)
    assert (article.status, article.view_count) == ("published", 9543)
    assert article.title_ru is None and article.available_languages() == ["en"]
    assert "Articles in en: 1 created, 0 updated, 0 unchanged" in output


def test_a_missing_slug_is_made_from_the_title_and_kept_when_the_title_changes(tmp_path):
    write_article(tmp_path, language="kk", title="Қазақстан жаңалықтары")
    import_articles(tmp_path)
    write_article(tmp_path, language="kk", title="Қазақстан жаңалықтары бүгін")
    import_articles(tmp_path)

    assert Article.objects.get().slug_kk == "kazakstan-zhanalyktary"


def test_importing_the_same_files_twice_reports_them_unchanged_and_keeps_updated_at(tmp_path):
    write_article(tmp_path, author="Elena Kim", author_key="elena-kim", section="Culture", status="published",
                  published_at="2025-09-20T10:15:00+05:00", views=21)
    import_articles(tmp_path)
    updated_at = Article.objects.get().updated_at
    counts = row_counts()

    output = import_articles(tmp_path)

    assert "Articles in en: 0 created, 0 updated, 1 unchanged" in output
    assert Article.objects.get().updated_at == updated_at
    assert row_counts() == counts


def test_reimporting_language_versions_that_name_their_authors_without_keys_changes_nothing(tmp_path):
    write_article(tmp_path, author="Elena Kim")
    write_article(tmp_path, language="ru", author="Елена Ким")
    write_article(tmp_path, language="kk", author="Елена Ким")
    import_articles(tmp_path)
    updated_at = Article.objects.get().updated_at
    byline_ids = list(Byline.objects.values_list("pk", flat=True))

    output = import_articles(tmp_path)

    for language in ("en", "ru", "kk"):
        assert f"Articles in {language}: 0 created, 0 updated, 1 unchanged" in output
    assert Article.objects.get().updated_at == updated_at
    assert list(Byline.objects.values_list("pk", flat=True)) == byline_ids
    author = Author.objects.get()
    assert (author.name_en, author.name_ru, author.name_kk) == ("Elena Kim", "Елена Ким", "Елена Ким")


def test_language_versions_with_one_key_fill_one_article_with_the_carried_over_views(tmp_path):
    for language in ("en", "ru", "kk"):
        write_article(tmp_path, language=language, views=21, status="published",
                      published_at="2025-09-20T10:15:00+05:00")

    first = import_articles(tmp_path)
    second = import_articles(tmp_path)

    article = Article.objects.get()
    assert article.available_languages() == ["en", "ru", "kk"]
    assert article.view_count == 21
    assert all(f"Articles in {code}: 1 created" in first for code in ("en", "ru", "kk"))
    assert all(f"Articles in {code}: 0 created, 0 updated, 1 unchanged" in second for code in ("en", "ru", "kk"))


def test_an_edited_file_updates_only_its_language(tmp_path):
    for language in ("en", "ru", "kk"):
        write_article(tmp_path, language=language)
    import_articles(tmp_path)
    write_article(tmp_path, language="ru", title="Новый заголовок", body="Новый текст.")

    output = import_articles(tmp_path)

    article = Article.objects.get()
    assert (article.title_ru, article.body_ru) == ("Новый заголовок", "Новый текст.")
    assert (article.title_en, article.title_kk) == ("story in en", "story in kk")
    assert "Articles in ru: 0 created, 1 updated, 0 unchanged" in output
    assert "Articles in en: 0 created, 0 updated, 1 unchanged" in output


def test_a_translated_field_left_out_of_a_file_is_emptied(tmp_path):
    write_article(tmp_path, lead="A lead.")
    import_articles(tmp_path)
    write_article(tmp_path)

    import_articles(tmp_path)

    assert Article.objects.get().lead_en == ""


def test_views_in_a_later_import_do_not_overwrite_the_count(tmp_path):
    write_article(tmp_path, views=10)
    import_articles(tmp_path)
    Article.objects.update(view_count=F("view_count") + 1)  # the site counts a reader
    write_article(tmp_path, views=500, title="A new title")

    import_articles(tmp_path)

    article = Article.objects.get()
    assert (article.title_en, article.view_count) == ("A new title", 11)


def test_authors_are_found_by_key_then_by_name_in_the_language_and_get_that_name(tmp_path):
    keyed = Author.objects.create(key="aigerim", name_en="Aigerim Sadykova")
    by_name = Author.objects.create(name_ru="Данияр Омаров")
    write_article(tmp_path, language="ru", author=["Айгерим Садыкова", "Данияр Омаров", "Елена Ким"],
                  author_key=["aigerim", "", "elena"])

    import_articles(tmp_path)

    byline = Article.objects.get().byline()
    assert [author.pk for author in byline[:2]] == [keyed.pk, by_name.pk]
    assert (byline[0].name_en, byline[0].name_ru) == ("Aigerim Sadykova", "Айгерим Садыкова")
    assert (byline[2].key, byline[2].name_ru) == ("elena", "Елена Ким")
    assert Author.objects.count() == 3


def test_sections_are_found_by_key_then_by_name_in_the_language(tmp_path):
    Section.objects.create(key="city", name_en="City")
    write_article(tmp_path, "one", language="kk", section="Қала", section_key="city")
    write_article(tmp_path, "two", language="kk", section="Қала")

    import_articles(tmp_path)

    section = Section.objects.get()
    assert (section.name_en, section.name_kk) == ("City", "Қала")
    assert {article.section_id for article in Article.objects.all()} == {section.pk}


def test_the_byline_follows_the_order_of_the_file(tmp_path):
    write_article(tmp_path, author=["B", "A"], author_key=["b", "a"])
    import_articles(tmp_path)
    write_article(tmp_path, author=["A", "B"], author_key=["a", "b"])

    output = import_articles(tmp_path)

    assert [author.key for author in Article.objects.get().byline()] == ["a", "b"]
    assert "0 created, 1 updated" in output


def test_html_in_titles_and_names_is_stored_as_given(tmp_path):
    write_article(tmp_path, title="<script>alert(1)</script> & <b>bold</b>", author="<i>Kim</i> & Co",
                  section="<Culture>", cover_alt='"quoted" <alt>')

    import_articles(tmp_path)

    article = Article.objects.get()
    assert article.title_en == "<script>alert(1)</script> & <b>bold</b>"
    assert article.byline()[0].name_en == "<i>Kim</i> & Co"
    assert article.section.name_en == "<Culture>"
    assert article.cover_alt_en == '"quoted" <alt>'


def test_a_cover_is_stored_and_reimporting_the_same_image_changes_nothing(tmp_path):
    (tmp_path / "cover.png").write_bytes(png_bytes())
    write_article(tmp_path, cover="cover.png", cover_alt="Buses")
    write_article(tmp_path, language="ru", cover="cover.png", cover_alt="Автобусы")
    import_articles(tmp_path)
    article = Article.objects.get()
    stored_name, updated_at = article.cover.name, article.updated_at

    output = import_articles(tmp_path)

    article.refresh_from_db()
    assert stored_bytes(article.cover) == png_bytes()
    assert (article.cover.name, article.updated_at) == (stored_name, updated_at)
    assert "Articles in ru: 0 created, 0 updated, 1 unchanged" in output


def test_an_image_over_the_upload_limits_is_refused_as_the_admin_refuses_it(tmp_path, settings):
    settings.ARTICLES_MAX_IMAGE_PIXELS = 10  # the 4 × 3 test image has 12
    (tmp_path / "cover.png").write_bytes(png_bytes())
    write_article(tmp_path, cover="cover.png")

    error = failed_import(tmp_path)

    assert "story.en.md:5: cover: 'cover.png': The image is 4 × 3 pixels" in error
    assert not Article.objects.exists()


@pytest.mark.parametrize("field", ["cover", "photo"])
@pytest.mark.parametrize("way_out", ["absolute", "dot-dot", "symlink", "missing"])
def test_an_image_outside_the_imported_folder_is_refused_like_a_missing_one(tmp_path, field, way_out):
    outside = tmp_path / "private" / "secret.png"
    outside.parent.mkdir()
    outside.write_bytes(png_bytes())
    folder = tmp_path / "archive"
    given = {"absolute": str(outside), "dot-dot": "../private/secret.png", "symlink": "link.png",
             "missing": "nothing.png"}[way_out]
    if way_out == "symlink":
        folder.mkdir()
        (folder / "link.png").symlink_to(outside)
    front = {"key": "story", "lang": "en", **({"title": "Story"} if field == "cover" else {"type": "author"}),
             field: given}
    write_source(folder, "story.en.md", front)

    error = failed_import(folder)

    assert error.splitlines()[0] == (
        f"{folder / 'story.en.md'}:5: {field}: {quoted(given)} is not a file in the imported folder; "
        "give a path relative to this file, without '..'"
    )
    assert row_counts() == (0, 0, 0, 0)
    assert not (tmp_path / "media").exists()


def test_an_image_in_a_subfolder_or_linked_within_the_folder_is_stored_but_never_through_dot_dot(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "cover.png").write_bytes(png_bytes("red"))
    (tmp_path / "link.png").symlink_to(tmp_path / "images" / "cover.png")
    write_article(tmp_path / "en", cover="../link.png")
    write_article(tmp_path, key="other", cover="images/cover.png")
    write_article(tmp_path, key="linked", cover="link.png")

    error = failed_import(tmp_path)

    assert "story.en.md:5: cover:" in error
    write_article(tmp_path / "en")
    import_articles(tmp_path)
    assert {stored_bytes(article.cover) for article in Article.objects.exclude(cover="")} == {png_bytes("red")}
    assert Article.objects.exclude(cover="").count() == 2


def test_author_and_section_files_carry_bios_slugs_photos_and_positions(tmp_path):
    (tmp_path / "authors").mkdir()
    (tmp_path / "authors" / "kim.png").write_bytes(png_bytes())
    write_source(tmp_path, "authors/kim.en.md", {"type": "author", "key": "kim", "lang": "en", "name": "Elena Kim",
                                                 "slug": "elena", "photo": "kim.png"}, "Culture editor.")
    write_source(tmp_path, "sections/culture.kk.md", {"type": "section", "key": "culture", "lang": "kk",
                                                      "name": "Мәдениет", "slug": "madeniet", "position": 2}, "")
    write_article(tmp_path, author_key="kim", section_key="culture")

    import_articles(tmp_path)

    author, section = Author.objects.get(), Section.objects.get()
    assert (author.name_en, author.bio_en, author.slug) == ("Elena Kim", "Culture editor.", "elena")
    assert stored_bytes(author.photo) == png_bytes()
    assert (section.name_kk, section.slug_kk, section.position) == ("Мәдениет", "madeniet", 2)
    article = Article.objects.get()
    assert (article.byline(), article.section) == ([author], section)


def test_source_language_is_set_by_a_file_that_gives_it_and_kept_by_files_that_do_not(tmp_path):
    write_article(tmp_path, language="en")
    write_article(tmp_path, language="ru", source_language="ru")
    import_articles(tmp_path)
    write_article(tmp_path, language="ru")

    output = import_articles(tmp_path)

    assert Article.objects.get().source_language == "ru"
    assert "Articles in ru: 0 created, 0 updated, 1 unchanged" in output


def test_translations_imported_with_their_source_are_up_to_date_whichever_file_comes_first(tmp_path):
    for language in ("en", "ru", "kk"):  # as an export writes them: every file names the source language
        write_article(tmp_path, language=language, source_language="kk")

    import_articles(tmp_path)

    assert translation_statuses(Article.objects.get()) == {
        "en": TranslationStatus.UP_TO_DATE, "ru": TranslationStatus.UP_TO_DATE, "kk": TranslationStatus.ORIGINAL,
    }


def test_dry_run_validates_and_reports_without_writing(tmp_path):
    write_article(tmp_path, author="Elena Kim", section="Culture")

    output = import_articles(tmp_path, dry_run=True)

    assert "Dry run" in output and "Articles in en: 1 created" in output
    assert row_counts() == (0, 0, 0, 0)


# --- Bad input -------------------------------------------------------------------------------------------

GOOD_FRONT = "---\nkey: bad\nlang: en\ntitle: A title\n"
BAD_FILES = {
    "no front matter": (b"Just a body.\n", "bad.md:1: front matter: the file must start with a '---' line"),
    "unterminated front matter": (GOOD_FRONT.encode() + b"\nBody.\n", "bad.md:1: front matter: no closing '---'"),
    "invalid YAML": (GOOD_FRONT.encode() + b"status: [draft\n---\nBody.\n", "bad.md:6: front matter: invalid YAML"),
    "badly indented YAML": (GOOD_FRONT.encode() + b"  lead: x\n---\n", "bad.md:5: front matter: invalid YAML"),
    "front matter not a mapping": (b"---\n- key\n- lang\n---\nBody.\n", "bad.md:2: front matter: must be a mapping"),
    "unknown language": (b"---\nkey: bad\nlang: de\ntitle: T\n---\n", "bad.md:3: lang: unknown language 'de'"),
    "missing key": (b"---\nlang: en\ntitle: T\n---\n", "bad.md:1: key: is required"),
    "missing lang": (b"---\nkey: bad\ntitle: T\n---\n", "bad.md:1: lang: is required"),
    "missing title": (b"---\nkey: bad\nlang: en\n---\n", "bad.md:1: title: is required"),
    "empty title": (b"---\nkey: bad\nlang: en\ntitle: ''\n---\n", "bad.md:4: title: is required"),
    "invalid UTF-8": (GOOD_FRONT.encode() + b"---\n\nCaf\xe9 au lait.\n", "bad.md:7: file: is not valid UTF-8"),
    "NUL byte": (GOOD_FRONT.encode() + b"---\n\nBody\x00.\n", "bad.md:7: file: contains a NUL byte"),
    "oversized body": (GOOD_FRONT.encode() + b"---\n\n" + b"x" * (MAX_SOURCE_CHARS + 1), "bad.md:7: body:"),
    "body nested too deep": (GOOD_FRONT.encode() + b"---\n\n" + b"> " * (MAX_NESTING + 1) + b"deep\n",
                             "bad.md:7: body:"),
    "date without time zone": (GOOD_FRONT.encode() + b"published_at: 2025-03-14T09:30:00\n---\n",
                               "bad.md:5: published_at: has no time zone"),
    "date without time": (GOOD_FRONT.encode() + b"published_at: 2025-03-14\n---\n",
                          "bad.md:5: published_at: needs a time and a time zone"),
    "impossible date": (GOOD_FRONT.encode() + b"published_at: 2025-13-14T09:30:00+05:00\n---\n",
                        "bad.md:5: published_at: month must be in 1..12"),
    "publication time before 1800": (GOOD_FRONT.encode() + b"published_at: 0001-01-01T00:30:00+05:00\n---\n",
                                     "bad.md:5: published_at: Enter a publication time between the years 1800"),
    "publication time after 2200": (GOOD_FRONT.encode() + b"published_at: '9999-12-31T23:00:00-05:00'\n---\n",
                                    "bad.md:5: published_at: Enter a publication time between the years 1800"),
    "text for a date": (GOOD_FRONT.encode() + b"published_at: yesterday\n---\n",
                        "bad.md:5: published_at: is not an ISO 8601 date and time"),
    "bad status": (GOOD_FRONT.encode() + b"status: live\n---\n", "bad.md:5: status: must be one of draft, published"),
    "unknown source language": (GOOD_FRONT.encode() + b"source_language: de\n---\n",
                                "bad.md:5: source_language: unknown language 'de'"),
    "negative views": (GOOD_FRONT.encode() + b"views: -5\n---\n", "bad.md:5: views: must be a whole number"),
    "fractional views": (GOOD_FRONT.encode() + b"views: 2.5\n---\n", "bad.md:5: views: must be a whole number"),
    "views beyond the counter's range": (GOOD_FRONT.encode() + b"views: 99999999999999999999999\n---\n",
                                         "bad.md:5: views: must be a whole number from 0 to 9223372036854775807"),
    "views as text": (GOOD_FRONT.encode() + b"views: many\n---\n", "bad.md:5: views: must be a whole number"),
    "missing cover file": (GOOD_FRONT.encode() + b"cover: covers/none.png\n---\n",
                           "bad.md:5: cover: 'covers/none.png' is not a file in the imported folder"),
    "cover that is no image": (GOOD_FRONT.encode() + b"cover: bad.md\n---\n", "bad.md:5: cover: "),
    "invalid slug": (GOOD_FRONT.encode() + b"slug: not a slug!\n---\n", "bad.md:5: slug: "),
    "overlong title": (b"---\nkey: bad\nlang: en\ntitle: " + b"t" * 301 + b"\n---\n", "bad.md:4: title: "),
    "unknown field": (GOOD_FRONT.encode() + b"autor: Kim\n---\n", "bad.md:5: autor: unknown field"),
    "field given twice": (GOOD_FRONT.encode() + b"title: Again\n---\n", "bad.md:5: title: is given twice"),
    "title that is a list": (b"---\nkey: bad\nlang: en\ntitle: [a, b]\n---\n", "bad.md:4: title: must be text"),
    "authors and keys that do not pair": (GOOD_FRONT.encode() + b"author: [A, B]\nauthor_key: [a]\n---\n",
                                          "bad.md:6: author_key: gives 1 keys for 2 authors"),
    "the same author twice": (GOOD_FRONT.encode() + b"author: [A, A]\n---\n", "bad.md:5: author: lists the same"),
    "a control character": (GOOD_FRONT.encode() + b"lead: a\x07b\n---\n", "bad.md:5: front matter: invalid YAML"),
    "an anchor": (GOOD_FRONT.encode() + b"lead: &lead Text\n---\n",
                  "bad.md:5: front matter: anchors (&lead) are not allowed"),
    "an alias": (GOOD_FRONT.encode() + b"lead: Text\ncover_alt: *lead\n---\n",
                 "bad.md:6: front matter: aliases (*lead) are not allowed"),
    "a tag": (GOOD_FRONT.encode() + b"lead: !!str 1984\n---\n", "bad.md:5: front matter: tags (tag:yaml.org,2002:str)"),
    "a list as a field name": (GOOD_FRONT.encode() + b"? [lead, title]\n: Text\n---\n",
                               "bad.md:5: front matter: field names must be text"),
    "a number as a field name": (GOOD_FRONT.encode() + b"1984: Text\n---\n", "bad.md:5: 1984: field names must be"),
    "unknown type": (GOOD_FRONT.encode() + b"type: page\n---\n", "bad.md:5: type: must be one of"),
}


@pytest.mark.parametrize("content, message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_named_with_line_and_field_and_nothing_is_written(tmp_path, content, message):
    write_article(tmp_path, "good", author="Elena Kim", section="Culture")
    (tmp_path / "bad.md").write_bytes(content)

    error = failed_import(tmp_path)

    assert f"{tmp_path / message.split(':')[0]}:{message.split(':', 1)[1]}" in error
    assert "1 file failed; nothing was imported." in error
    assert row_counts() == (0, 0, 0, 0)


def alias_bomb(levels: int) -> bytes:
    """Front matter of a few hundred bytes whose last alias, used as a field name, stands for 9**levels items."""
    anchors = "abcdefghi"[:levels]
    lines = [f"{anchors[0]}: &{anchors[0]} [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]" for previous, name in itertools.pairwise(anchors)]
    return GOOD_FRONT.encode() + "\n".join([*lines, f"? *{anchors[-1]}\n: value", "---", ""]).encode()


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_alias_bomb_is_refused_before_it_expands_with_one_short_error(tmp_path, dry_run):
    (tmp_path / "bomb.md").write_bytes(alias_bomb(levels=6))

    error = failed_import(tmp_path, dry_run=dry_run)

    assert error.splitlines() == [
        f"{tmp_path / 'bomb.md'}:5: front matter: anchors (&a) are not allowed; write the value out",
        "1 file failed; nothing was imported.",
    ]


def test_values_and_names_quoted_in_errors_are_cut_short(tmp_path):
    long_text = "x" * 100_000
    (tmp_path / "bad.md").write_text(f"---\nkey: bad\nlang: {long_text}\ntitle: T\n---\n", encoding="utf-8")
    (tmp_path / "worse.md").write_text(f"{GOOD_FRONT}? {long_text}\n: value\n---\n", encoding="utf-8")

    error = failed_import(tmp_path)

    assert "bad.md:3: lang: unknown language 'xxxx" in error and "worse.md:5: xxxx" in error
    assert "x" * 61 not in error and len(error) < 1000


def test_a_section_position_beyond_its_range_is_refused_with_file_line_and_field(tmp_path):
    write_source(tmp_path, "culture.en.md", {"type": "section", "key": "culture", "lang": "en", "name": "Culture",
                                             "position": 70000}, body="")

    error = failed_import(tmp_path)

    assert f"{tmp_path / 'culture.en.md'}:6: position: must be a whole number from 0 to 32767" in error
    assert row_counts() == (0, 0, 0, 0)


def test_a_duplicate_slug_in_one_language_within_a_run_is_refused(tmp_path):
    write_article(tmp_path, "one", slug="news")
    write_article(tmp_path, "two", slug="news")
    write_article(tmp_path, "three", language="ru", slug="news")

    error = failed_import(tmp_path)

    assert f"{tmp_path / 'two.en.md'}:5: slug: 'news' is already the slug of 'one'" in error
    assert "three.ru.md" not in error
    assert row_counts() == (0, 0, 0, 0)


def test_a_slug_another_article_holds_in_the_database_is_refused(tmp_path):
    Article.objects.create(key="older", title_en="Older", slug_en="news")
    write_article(tmp_path, "newer", slug="news")

    error = failed_import(tmp_path)

    assert f"{tmp_path / 'newer.en.md'}:5: slug: 'news' is already the slug of another article" in error
    assert Article.objects.count() == 1


def test_an_article_keeps_its_own_slug_on_reimport(tmp_path):
    write_article(tmp_path, slug="news")
    import_articles(tmp_path)

    assert "1 unchanged" in import_articles(tmp_path)


def test_a_generated_slug_steps_around_one_another_file_claims(tmp_path):
    write_article(tmp_path, "a-first", title="News")
    write_article(tmp_path, "b-second", title="Other", slug="news")

    import_articles(tmp_path)

    assert Article.objects.get(key="b-second").slug_en == "news"
    assert Article.objects.get(key="a-first").slug_en == "news-2"


def test_two_files_for_one_key_and_language_are_refused(tmp_path):
    write_article(tmp_path)
    write_source(tmp_path, "copy.md", {"key": "story", "lang": "en", "title": "Copy"})

    error = failed_import(tmp_path)

    assert f"{tmp_path / 'story.en.md'}:2: key:" in error and "copy.md already gives 'story' in en" in error


@pytest.mark.parametrize("name, in_english, in_russian", [
    ("status", "published", "draft"),
    ("source_language", "en", "ru"),
])
def test_language_versions_that_disagree_on_a_shared_field_are_refused(tmp_path, name, in_english, in_russian):
    write_article(tmp_path, language="en", **{name: in_english})
    write_article(tmp_path, language="ru", **{name: in_russian})

    error = failed_import(tmp_path)

    assert f"{tmp_path / 'story.ru.md'}:5: {name}: differs from {tmp_path / 'story.en.md'}" in error
    assert row_counts() == (0, 0, 0, 0)


def test_an_author_key_without_a_name_must_name_a_known_author(tmp_path):
    write_article(tmp_path, author_key="nobody")

    error = failed_import(tmp_path)

    assert f"{tmp_path / 'story.en.md'}:5: author_key: no author has the key 'nobody'" in error


def test_a_path_that_does_not_exist_is_reported(tmp_path):
    write_article(tmp_path)

    error = failed_import(tmp_path / "story.en.md", tmp_path / "missing")

    assert f"{tmp_path / 'missing'}: file: no such file or folder" in error
    assert Article.objects.count() == 0


def test_every_problem_of_a_file_is_listed(tmp_path):
    (tmp_path / "bad.md").write_text("---\nkey: bad\nlang: en\ntitle: T\nstatus: live\nviews: -1\n---\n")

    error = failed_import(tmp_path)

    assert "bad.md:5: status:" in error and "bad.md:6: views:" in error


def test_continue_on_error_imports_the_good_files_lists_the_bad_and_fails(tmp_path):
    write_article(tmp_path, "good", author="Elena Kim")
    write_article(tmp_path, "also-good", language="kk")
    (tmp_path / "bad.md").write_text("---\nkey: bad\nlang: de\ntitle: T\n---\n")
    write_article(tmp_path, "late", published_at="2025-03-14")

    error = failed_import(tmp_path, continue_on_error=True)

    assert f"{tmp_path / 'bad.md'}:3: lang:" in error
    assert f"{tmp_path / 'late.en.md'}:5: published_at:" in error
    assert "2 files failed; the other files were imported." in error
    assert set(Article.objects.values_list("key", flat=True)) == {"good", "also-good"}


def fail_to_write(key: str, monkeypatch) -> None:
    """Make the database refuse the article ``key`` while it is saved, alone or in bulk, after every check has
    passed."""
    prepare = Article.prepare_to_save

    def refuse(self, **kwargs):
        if self.key == key:
            raise DatabaseError("disk I/O error")
        return prepare(self, **kwargs)

    monkeypatch.setattr(Article, "prepare_to_save", refuse)


def test_a_database_error_while_writing_rolls_back_the_whole_run(tmp_path, monkeypatch):
    write_article(tmp_path, "a-good", author="Elena Kim", section="Culture")
    write_article(tmp_path, "b-refused")
    fail_to_write("b-refused", monkeypatch)

    error = failed_import(tmp_path)

    assert f"{tmp_path / 'b-refused.en.md'}: database: disk I/O error" in error
    assert row_counts() == (0, 0, 0, 0)


def test_a_database_error_while_writing_with_continue_on_error_keeps_the_other_files(tmp_path, monkeypatch):
    write_article(tmp_path, "a-good", author="Elena Kim", section="Culture")
    write_article(tmp_path, "b-refused")
    write_article(tmp_path, "c-good", author="Elena Kim")
    fail_to_write("b-refused", monkeypatch)

    error = failed_import(tmp_path, continue_on_error=True)

    assert "b-refused.en.md: database: disk I/O error" in error
    assert set(Article.objects.values_list("key", flat=True)) == {"a-good", "c-good"}
    assert Author.objects.count() == 1


def test_titles_that_yaml_reads_as_numbers_or_booleans_keep_their_words(tmp_path):
    (tmp_path / "a.md").write_text("---\nkey: 1984\nlang: en\ntitle: 1984\nlead: yes\n---\n")

    import_articles(tmp_path)

    assert Article.objects.filter(key="1984", title_en="1984", lead_en="yes").exists()


def test_windows_line_endings_and_a_byte_order_mark_are_read(tmp_path):
    source = "\ufeff---\r\nkey: a\r\nlang: en\r\ntitle: T\r\n---\r\n\r\nOne.\r\n\r\nTwo.\r\n"
    (tmp_path / "a.md").write_bytes(source.encode())

    import_articles(tmp_path)

    assert Article.objects.get().body_en == "One.\r\n\r\nTwo."


# --- Export and the round trip ---------------------------------------------------------------------------


def translated_values(instance, names) -> dict:
    return {f"{name}_{code}": instance.translated(name, code) for name in names for code in conf.ARTICLES_LANGUAGES}


def exported_key(instance, prefix: str) -> str:
    """An object without a key comes back with the key the export gave it."""
    return instance.key or f"{prefix}-{instance.pk}"


def database_snapshot() -> dict:
    return {
        "sections": {
            exported_key(section, "section"): {**translated_values(section, ("name", "slug")),
                                               "position": section.position}
            for section in Section.objects.all()
        },
        "tags": {
            exported_key(tag, "tag"): translated_values(tag, ("name", "slug")) for tag in Tag.objects.all()
        },
        "authors": {
            exported_key(author, "author"): {**translated_values(author, ("name", "bio")), "slug": author.slug,
                                             "photo": stored_bytes(author.photo)}
            for author in Author.objects.all()
        },
        "articles": {
            exported_key(article, "article"): {
                **translated_values(
                    article, ("title", "slug", "lead", "body", "cover_alt", "cover_caption", "cover_credit")
                ),
                "status": article.status,
                "published_at": article.published_at,
                **translated_values(article, ("status", "published_at")),
                "source_language": article.source_language,
                "view_count": article.view_count,
                "section": exported_key(article.section, "section") if article.section else None,
                "byline": [exported_key(author, "author") for author in article.byline()],
                "tags": sorted(exported_key(tag, "tag") for tag in article.tags.all()),
                "cover": stored_bytes(article.cover),
            }
            for article in Article.objects.with_bylines().select_related("section")
        },
    }


@pytest.mark.django_db(transaction=True)  # flush empties real tables; PostgreSQL refuses it inside a transaction
def test_export_then_import_into_an_empty_database_reproduces_everything(tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    # Objects made in the admin rather than imported: no keys, HTML in names, Windows line endings, a photo.
    section = Section.objects.create(name_en="Sport & <Games>", position=5)
    author = Author.objects.create(name_ru="<b>Без</b> ключа", bio_ru="Первый абзац.\r\n\r\nВторой.")
    author.photo.save("face.png", ContentFile(png_bytes("navy")))
    article = Article.objects.create(
        title_kk="<i>Тек</i> қазақша", body_kk="Мәтін.\r\n\r\n> Дәйексөз", section=section, status="published",
        published_at=datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
    )
    Byline.objects.create(article=article, author=author, position=0)
    Byline.objects.create(article=article, author=Author.objects.get(key="elena-kim"), position=1)
    Article.objects.filter(pk=article.pk).update(view_count=7)
    # A tag made in the admin: no key, no English name, a Russian slug of the editor's choosing.
    article.tags.add(Tag.objects.create(name_ru="Спорт <и> игры", slug_ru="sport-ru", name_kk="Спорт"))
    article.tags.add(Tag.objects.get(key="almaty"))
    # Written in Russian, though it has an English title: without source_language it would come back as English.
    translated = Article.objects.exclude(title_en=None).exclude(title_ru=None).order_by("pk").first()
    translated.source_language = "ru"
    translated.save()
    # Language versions with states of their own: Kazakh kept back, Russian scheduled later than the article.
    varied = Article.objects.filter(status="published").exclude(title_kk=None).exclude(title_ru=None).first()
    varied.status_kk = Article.Status.DRAFT
    varied.published_at_ru = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)
    varied.save()
    before = database_snapshot()
    assert ("draft", datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)) == (
        before["articles"][varied.key]["status_kk"], before["articles"][varied.key]["published_at_ru"]
    )
    assert {"ru", "kk"} <= {values["source_language"] for values in before["articles"].values()}

    call_command("export_articles", out=str(tmp_path / "export"), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    assert row_counts() == (0, 0, 0, 0)
    import_articles(tmp_path / "export")

    assert database_snapshot() == before


def test_export_names_files_by_key_and_language_and_keys_articles_that_have_none(tmp_path):
    Article.objects.create(key="buses", title_en="Buses", title_ru="Автобусы", body_en="Text.")
    keyless = Article.objects.create(title_kk="Кілтсіз")

    call_command("export_articles", out=str(tmp_path), stdout=io.StringIO())

    assert sorted(path.name for path in tmp_path.glob("*.md")) == [
        f"article-{keyless.pk}.kk.md", "buses.en.md", "buses.ru.md"
    ]
    front = yaml.safe_load((tmp_path / f"article-{keyless.pk}.kk.md").read_text().split("---\n")[1])
    assert front["key"] == f"article-{keyless.pk}" and front["title"] == "Кілтсіз"
    keyless.refresh_from_db()
    assert keyless.key == f"article-{keyless.pk}"


def test_export_of_one_language_writes_only_that_language(tmp_path):
    Article.objects.create(key="buses", title_en="Buses", title_ru="Автобусы")

    call_command("export_articles", out=str(tmp_path), language=["ru"], stdout=io.StringIO())

    assert [path.name for path in tmp_path.glob("*.md")] == ["buses.ru.md"]


def test_export_refuses_an_unknown_language(tmp_path):
    with pytest.raises(CommandError, match="Unknown language de"):
        call_command("export_articles", out=str(tmp_path), language=["de"])


def test_an_export_imports_back_into_its_own_database_unchanged(tmp_path):
    write_article(tmp_path / "in", author="Elena Kim", section="Culture", status="published",
                  published_at="2025-09-20T10:15:00+05:00", views=3)
    import_articles(tmp_path / "in")
    updated_at = Article.objects.get().updated_at

    call_command("export_articles", out=str(tmp_path / "out"), stdout=io.StringIO())
    output = import_articles(tmp_path / "out")

    assert "Articles in en: 0 created, 0 updated, 1 unchanged" in output
    assert Article.objects.get().updated_at == updated_at
    assert row_counts() == (1, 1, 1, 1)


def test_each_file_carries_its_language_s_own_status_and_time_both_ways(tmp_path):
    shared = {"status": "published", "published_at": "2025-09-20T10:15:00+05:00"}
    write_article(tmp_path / "in", **shared)
    write_article(tmp_path / "in", language="ru", language_status="published",
                  language_published_at="2030-01-01T09:00:00+05:00", **shared)
    write_article(tmp_path / "in", language="kk", language_status="draft", **shared)
    import_articles(tmp_path / "in")

    article = Article.objects.get()
    assert article.public_languages() == ["en"]
    assert [article.language_state(code) for code in ("en", "ru", "kk")] == ["published", "scheduled", "draft"]
    assert article.published_at_ru == datetime(2030, 1, 1, 4, 0, tzinfo=UTC)

    call_command("export_articles", out=str(tmp_path / "out"), stdout=io.StringIO())
    fronts = {
        code: yaml.safe_load((tmp_path / "out" / f"story.{code}.md").read_text().split("---\n")[1])
        for code in ("en", "ru", "kk")
    }
    assert [fronts[code]["language_status"] for code in ("en", "ru", "kk")] == ["published", "published", "draft"]
    assert fronts["ru"]["language_published_at"] == datetime(2030, 1, 1, 4, 0, tzinfo=UTC)
    assert fronts["en"]["status"] == "published"
    assert "Articles in ru: 0 created, 0 updated, 1 unchanged" in import_articles(tmp_path / "out")


def test_files_without_language_states_publish_every_language_of_a_published_article_as_before(tmp_path):
    for code in ("en", "ru"):
        write_article(tmp_path, language=code, status="published", published_at="2025-09-20T10:15:00+05:00")
    import_articles(tmp_path)

    article = Article.objects.get()
    assert article.public_languages() == ["en", "ru"]
    assert article.published_at_ru == article.published_at_en == article.published_at


def test_an_unknown_language_status_is_refused_with_file_and_field(tmp_path):
    write_article(tmp_path, language_status="scheduled")
    assert "language_status" in failed_import(tmp_path)


# --- Batches ------------------------------------------------------------------------------------------------


def test_articles_in_several_batches_are_written_whole_each_saved_once(tmp_path, monkeypatch):
    monkeypatch.setattr(markdown_files.writing, "BATCH_SIZE", 2)
    for number in range(5):
        for language, title in (("en", f"Bus route {number}"), ("ru", f"Автобусный маршрут {number}")):
            write_article(tmp_path, f"route-{number}", language, title=title, author="Elena Kim",
                          author_key="elena", section="City", section_key="city", body=f"Text {number}.")
    saves = []  # every save prepares the article once, whether it is saved alone or inserted in bulk
    prepare = Article.prepare_to_save
    monkeypatch.setattr(Article, "prepare_to_save", lambda self, **kwargs: (saves.append(self.key),
                                                                             prepare(self, **kwargs)))

    output = import_articles(tmp_path)

    assert sorted(saves) == [f"route-{number}" for number in range(5)]
    assert "Articles in en: 5 created" in output and "Articles in ru: 5 created" in output
    article = Article.objects.get(key="route-3")
    assert (article.slug_en, article.slug_ru) == ("bus-route-3", "avtobusnyi-marshrut-3")
    assert article.body_html_ru == "<p>Text 3.</p>" and [author.key for author in article.byline()] == ["elena"]
    assert Byline.objects.count() == 5
    versions = Version.objects.get_for_object(article)
    assert [version.revision.get_comment() for version in versions] == ["import route-3.en.md route-3.ru.md"]
    assert len(article_ids_matching(text="маршрут")[0]) == 5  # indexed, batch by batch


def test_a_title_made_slug_steps_around_a_slug_a_later_article_claims(tmp_path):
    write_article(tmp_path, "a-first", "en", title="First", slug="first")
    write_article(tmp_path, "a-first", "ru", title="Новости")
    write_article(tmp_path, "b-second", "ru", title="Другое", slug="novosti")

    import_articles(tmp_path)

    assert Article.objects.get(key="b-second").slug_ru == "novosti"
    assert Article.objects.get(key="a-first").slug_ru == "novosti-2"


def test_bodies_rendered_by_a_pool_of_processes_are_those_rendered_here(tmp_path, monkeypatch):
    monkeypatch.setattr(markdown_files.writing.ImportPool, "CHUNK", 3)
    for number in range(4):
        write_article(tmp_path, f"story-{number}", body=f"## Part {number}\n\n\"Quoted\" -- text[^1].\n\n[^1]: Note.")

    import_articles(tmp_path, processes=2)

    for article in Article.objects.all():
        assert article.body_html_en == render_markdown(article.body_en, "en")
        assert "“Quoted”" in article.body_html_en


def imported_state() -> dict:
    """What an import stored, with rows named by keys instead of primary keys (which differ from run to run)."""
    section_keys = dict(Section.objects.values_list("pk", "key"))
    skipped = {"id", "created_at", "updated_at", "section_id"}
    columns = [field.attname for field in Article._meta.concrete_fields if field.attname not in skipped]
    articles = []
    for row in Article.objects.order_by("key").values(*columns, "section_id"):
        row["section"] = section_keys.get(row.pop("section_id"))
        articles.append(row)
    revisions = []
    for version in Version.objects.select_related("revision").order_by("object_repr"):
        fields = json.loads(version.serialized_data)[0]["fields"]
        fields["section"] = section_keys.get(fields["section"])
        revisions.append((version.object_repr, version.revision.get_comment(), fields))
    return {
        "articles": articles,
        "revisions": revisions,
        "bylines": list(Byline.objects.order_by("article__key", "position")
                        .values_list("article__key", "author__key", "position")),
        "tags": sorted(Article.tags.through.objects.values_list("article__key", "tag__key")),
        "search": {word: sorted(Article.objects.filter(pk__in=article_ids_matching(text=word)[0])
                                .values_list("key", flat=True))
                   for word in ("tram", "budget", "бюджет")},
        "former slugs": SlugHistory.objects.count(),
    }


def test_new_articles_inserted_in_bulk_are_stored_as_saving_them_one_by_one_stores_them(tmp_path, monkeypatch):
    shared = {"status": "published", "published_at": "2025-09-20T10:15:00+05:00", "source_language": "en"}
    for number in range(4):
        write_article(tmp_path, f"tram-{number}", "en", title=f"Tram line {number}", author="Elena Kim",
                      author_key="elena", section="City", section_key="city", tags={"transport": "Transport"},
                      body=f"The tram budget, part {number}.", **shared)
        write_article(tmp_path, f"tram-{number}", "ru", title=f"Трамвайная линия {number}", author="Елена Ким",
                      author_key="elena", section="Город", section_key="city", tags={"transport": "Транспорт"},
                      body=f"Бюджет трамвая, часть {number}.", language_status="draft", **shared)
    write_article(tmp_path, "tram-slugged", "en", title="Tram line 0", slug="own-slug", **shared)
    inserted = []
    insert = markdown_files.writing.articles_insert_drafts
    monkeypatch.setattr(markdown_files.writing, "articles_insert_drafts",
                        lambda drafts, **kwargs: inserted.append(insert(drafts, **kwargs)) or inserted[-1])

    with transaction.atomic():
        import_articles(tmp_path)
        in_bulk = imported_state()
        transaction.set_rollback(True)
    monkeypatch.setattr(markdown_files.writing, "insertable_in_bulk", lambda draft: False)
    import_articles(tmp_path)
    one_by_one = imported_state()

    assert len(inserted[0]) == 5  # every article of the first run was inserted in bulk
    assert in_bulk == one_by_one
    assert [row["slug_en"] for row in in_bulk["articles"]][:2] == ["tram-line-0", "tram-line-1"]
    assert in_bulk["search"]["бюджет"] == [f"tram-{number}" for number in range(4)]
    assert {row["status_ru"] for row in in_bulk["articles"][:4]} == {"draft"}


def test_a_title_made_slug_taken_within_a_batch_is_stepped_around_after_the_bulk_insert(tmp_path):
    for key, title in (("a-first", "Same title"), ("b-second", "Same title"), ("c-third", "Other title"),
                       ("d-fourth", "Same title")):
        write_article(tmp_path, key, title=title)

    import_articles(tmp_path)

    assert dict(Article.objects.values_list("key", "slug_en")) == {
        "a-first": "same-title", "b-second": "same-title-2", "c-third": "other-title", "d-fourth": "same-title-3",
    }


def test_files_read_and_checked_by_a_pool_of_processes_report_problems_as_here(tmp_path, monkeypatch):
    monkeypatch.setattr(markdown_files.writing.ImportPool, "CHUNK", 2)
    for number in range(5):
        write_article(tmp_path, f"story-{number}")
    write_article(tmp_path, "story-bad", published_at="2025-13-01T10:00:00+05:00", status="sometimes")
    (tmp_path / "story-odd.en.md").write_text("---\nkey: story-odd\nlang: en\ntitle: &a Odd\n---\nBody.\n")

    assert failed_import(tmp_path, processes=2) == failed_import(tmp_path, processes=1)
    assert Article.objects.count() == 0


def test_an_unchanged_body_is_not_rendered_again_when_another_field_of_its_file_changes(tmp_path, monkeypatch):
    write_article(tmp_path, "story", lead="First lead.", body="## A body\n\nWith a paragraph.")
    write_article(tmp_path, "story", "ru", body="Тело.")
    import_articles(tmp_path)
    write_article(tmp_path, "story", lead="Second lead.", body="## A body\n\nWith a paragraph.")
    rendered = []
    render = markdown_files.writing.render_or_refusal
    monkeypatch.setattr(markdown_files.writing, "render_or_refusal",
                        lambda text_and_language: rendered.append(text_and_language) or render(text_and_language))

    assert "Articles in en: 0 created, 1 updated" in import_articles(tmp_path)

    assert rendered == []
    article = Article.objects.get()
    assert article.lead_en == "Second lead." and article.body_html_en.startswith("<h2>A body</h2>")


@pytest.mark.parametrize(("files", "cores", "expected"), [(299, 2, 1), (300, 2, 2), (300, 8, 8), (5000, 1, 1)])
def test_a_pool_of_one_process_per_core_reads_runs_with_enough_files(monkeypatch, files, cores, expected):
    monkeypatch.setattr(markdown_files.writing.ImportPool, "MIN_FILES", 300)
    monkeypatch.setattr(markdown_files.writing.os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)

    assert markdown_files.writing.default_processes(files) == expected


def test_a_body_the_renderer_refuses_while_writing_rolls_back_the_run_naming_its_line(tmp_path, monkeypatch):
    write_article(tmp_path, "a-good", author="Elena Kim")
    write_article(tmp_path, "b-deep", body="Deep enough to overflow the stack.")

    def refuse(text_and_language):
        if "Deep" in text_and_language[0]:
            return "rejected", {"code": "too_deep_to_render", "limit": MAX_NESTING}
        return rendering.render_or_refusal(text_and_language)

    monkeypatch.setattr(markdown_files.writing, "render_or_refusal", refuse)

    error = failed_import(tmp_path)

    assert f"{tmp_path / 'b-deep.en.md'}:7: body:" in error and "nothing was imported" in error
    assert row_counts() == (0, 0, 0, 0)
