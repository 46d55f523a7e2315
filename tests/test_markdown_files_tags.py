"""Tags in Markdown files: ``tags:`` in article files, ``type: tag`` files, the export and the round trip."""

import io

import pytest
import yaml
from django.core.management import call_command

from articles.models import Article, Tag
from tests.support import failed_import, import_articles, write_article, write_source

pytestmark = pytest.mark.django_db


def write_tag(directory, key: str, language: str, **fields):
    return write_source(directory, f"tags/{key}.{language}.md", {"type": "tag", "key": key, "lang": language, **fields},
                        body="")


def tag_keys(article_key: str = "story") -> list[str]:
    return sorted(Article.objects.get(key=article_key).tags.values_list("key", flat=True))


def test_a_list_of_keys_tags_the_article_with_tags_that_tag_files_name(tmp_path):
    write_tag(tmp_path, "almaty", "en", name="Almaty")
    write_tag(tmp_path, "almaty", "kk", name="Алматы", slug="almaty-kala")
    write_article(tmp_path, tags=["almaty"])
    write_article(tmp_path, language="kk", tags=["almaty"])

    import_articles(tmp_path)

    tag = Tag.objects.get(key="almaty")
    assert (tag.name_en, tag.name_ru, tag.name_kk, tag.slug_kk) == ("Almaty", None, "Алматы", "almaty-kala")
    assert tag_keys() == ["almaty"]


def test_a_mapping_names_each_tag_in_the_files_language_creating_it_if_need_be(tmp_path):
    write_article(tmp_path, tags={"transport": "Transport", "winter": "Winter"})
    write_article(tmp_path, language="ru", tags={"transport": "Транспорт", "winter": None})

    import_articles(tmp_path)

    assert tag_keys() == ["transport", "winter"]
    transport, winter = Tag.objects.get(key="transport"), Tag.objects.get(key="winter")
    assert (transport.name_en, transport.name_ru, transport.slug_ru) == ("Transport", "Транспорт", "transport")
    assert (winter.name_en, winter.name_ru) == ("Winter", None)


def test_a_file_without_tags_leaves_them_and_an_empty_list_removes_them(tmp_path):
    write_article(tmp_path, tags={"city": "City"})
    import_articles(tmp_path)
    write_article(tmp_path, title="A new title")
    import_articles(tmp_path)
    assert tag_keys() == ["city"]
    write_article(tmp_path, tags=[])
    import_articles(tmp_path)
    assert tag_keys() == []
    assert Tag.objects.filter(key="city").exists()  # the tag stays, without the article


def test_importing_the_same_tags_again_changes_nothing(tmp_path):
    write_tag(tmp_path, "city", "en", name="City")
    write_article(tmp_path, tags={"city": "City"})
    import_articles(tmp_path)
    updated_at = Article.objects.get().updated_at

    output = import_articles(tmp_path)

    assert "Articles in en: 0 created, 0 updated, 1 unchanged" in output
    assert "Tags in en: 0 created, 0 updated, 1 unchanged" in output
    assert Article.objects.get().updated_at == updated_at


def test_changing_the_tags_alone_updates_the_article(tmp_path):
    write_article(tmp_path, tags={"a": "A"})
    import_articles(tmp_path)
    write_article(tmp_path, tags={"a": "A", "b": "B"})
    assert "1 updated" in import_articles(tmp_path)
    assert tag_keys() == ["a", "b"]


@pytest.mark.parametrize(
    ("tags", "line", "message"),
    [
        ("almaty", 5, "must be a list of tag keys, or a mapping of tag keys to names in this file's language"),
        ("[a, b, a]", 5, "gives the tag 'a' twice"),
        ("\n  - a\n  - {b: B}", 7, "a tag in a list is a key alone; to name tags, write a mapping of keys to names"),
        ("\n  a: A\n  b: [B]", 7, "the name of the tag 'b' must be text"),
        ("['', a]", 5, "a tag key is empty"),
        ("{" + "k" * 101 + ": K}", 5, "the tag '" + "k" * 60 + "'…: Ensure this value has at most 100 characters"),
        ("{a: " + "n" * 101 + "}", 5, "the tag 'a': Ensure this value has at most 100 characters"),
    ],
)
def test_bad_tags_are_refused_naming_file_line_and_field(tmp_path, tags, line, message):
    path = tmp_path / "story.en.md"
    path.write_text(f"---\nkey: story\nlang: en\ntitle: T\ntags: {tags}\n---\n\nText.\n", encoding="utf-8")

    error = failed_import(tmp_path)

    assert f"{path}:{line}: tags: {message}" in error
    assert not Article.objects.exists() and not Tag.objects.exists()


def test_a_key_no_file_names_and_no_tag_has_is_refused(tmp_path):
    path = write_article(tmp_path, tags=["nowhere"])
    assert f"{path}:5: tags: no tag has the key 'nowhere'; give its name too, to create it" in failed_import(tmp_path)


def test_a_known_key_needs_no_name(tmp_path):
    Tag.objects.create(key="known", name_ru="Известный")
    write_article(tmp_path, tags=["known"])
    import_articles(tmp_path)
    assert tag_keys() == ["known"]


def test_the_languages_of_one_article_must_agree_on_its_tags(tmp_path):
    write_article(tmp_path, tags={"a": "A", "b": "B"})
    path = write_article(tmp_path, language="ru", tags={"b": "Б"})
    error = failed_import(tmp_path)
    assert f"{path}:5: tags: differs from" in error and "which gives ['a', 'b']" in error


def test_the_same_keys_in_another_order_and_with_other_names_agree(tmp_path):
    write_article(tmp_path, tags={"a": "A", "b": "B"})
    write_article(tmp_path, language="kk", tags=["b", "a"])
    import_articles(tmp_path)
    assert tag_keys() == ["a", "b"]


def test_a_tag_file_has_no_body_and_knows_only_its_fields(tmp_path):
    path = write_source(tmp_path, "tags/a.en.md", {"type": "tag", "key": "a", "lang": "en", "position": 1}, "Text.")
    error = failed_import(tmp_path)
    assert f"{path}:5: position: unknown field; a tag file may have type, key, lang, name, slug" in error
    assert f"{path}:8: body: a tag file has no body" in error


def test_export_writes_tag_files_and_each_articles_tags_in_its_language(tmp_path):
    tag = Tag.objects.create(key="city", name_en="City", name_ru="Город", slug_ru="gorod-ru")
    keyless = Tag.objects.create(name_kk="Тек қазақша")
    article = Article.objects.create(key="story", title_en="Story", title_ru="Новость")
    article.tags.add(tag, keyless)

    call_command("export_articles", out=str(tmp_path), stdout=io.StringIO())

    def front(name: str) -> dict:
        return yaml.safe_load((tmp_path / name).read_text(encoding="utf-8").split("---\n")[1])

    assert sorted(path.name for path in (tmp_path / "tags").iterdir()) == [
        "city.en.md", "city.ru.md", f"tag-{keyless.pk}.kk.md"
    ]
    assert front("tags/city.ru.md") == {"type": "tag", "key": "city", "lang": "ru", "name": "Город", "slug": "gorod-ru"}
    assert front("story.ru.md")["tags"] == {"city": "Город", f"tag-{keyless.pk}": None}
    assert front("story.en.md")["tags"] == {"city": "City", f"tag-{keyless.pk}": None}

    # Imported back into the database it came from, nothing changes.
    assert "0 created, 0 updated" in import_articles(tmp_path)
    assert "updated" not in import_articles(tmp_path).replace("0 updated", "")
