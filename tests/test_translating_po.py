import subprocess
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from articles.markdown import render_markdown
from articles.models import Article
from articles.translating.blocks import body_blocks
from articles.translating.po_import import TranslationFileError, translation_file_import
from articles.translating.status import TranslationStatus, translation_status
from tests.support import BODY_EN

KAZAKH = {
    "title": "Алматыда 40 электробус жолға шықты",
    "lead": "Жаңа автобустар бес бағытта жүреді.",
    "body:1:paragraph": "**Дүйсенбі** күні қырық электробус жолға шықты.",
    "body:2:heading": "Қай бағыттар",
    "body:3:list-item": "12-бағыт",
    "body:4:list-item": "37-бағыт",
    "body:5:list-item": "жұмыс күндері",
    "body:6:list-item": "демалыс күндері",
    "body:7:quote": "Жол ақысы қымбаттамайды.\n— көлік басқармасы",
    "body:8:table-row": "Бағыт | Автобус",
    "body:10:table-row": "12 | 10",
    "body:12:heading": "Кесте",
    "body:13:paragraph": "[Қала сайтын](https://example.kz/transport) қараңыз.",
}

BODY_KK = """**Дүйсенбі** күні қырық электробус жолға шықты.

## Қай бағыттар

- 12-бағыт
- 37-бағыт
  1. жұмыс күндері
  2. демалыс күндері

> Жол ақысы қымбаттамайды.
> — көлік басқармасы

| Бағыт | Автобус |
|-------|------:|
| 12 | 10 |

```
timetable.pdf
```

### Кесте

[Қала сайтын](https://example.kz/transport) қараңыз."""


@pytest.fixture(autouse=True)
def english():
    """Messages come in the active language; a request to a /kk/ page in an earlier test may have left Kazakh on."""
    with translation.override("en"):
        yield


@pytest.fixture
def article(make_article) -> Article:
    return make_article(
        languages=("en",), key="almaty-e-buses", title_en="Almaty puts 40 electric buses on the road",
        lead_en="The buses run on five routes.", body_en=BODY_EN,
    )


def export(out: Path, target: str = "kk", **options) -> Path:
    call_command("export_translations", target=target, out=out, verbosity=0, stdout=StringIO(), **options)
    return out


def po_file(directory: Path, name: str = "almaty-e-buses.kk.po") -> polib.POFile:
    return polib.pofile(str(directory / name))


def fill(path: Path, translations: dict[str, str]) -> None:
    """What a translator does: write each msgstr and clear the fuzzy marks."""
    catalog = polib.pofile(str(path))
    for entry in catalog:
        if entry.msgctxt in translations:
            entry.msgstr = translations[entry.msgctxt]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalog.save(str(path))


def entries(catalog: polib.POFile) -> dict[str, tuple[str, bool]]:
    return {entry.msgctxt: (entry.msgstr, "fuzzy" in entry.flags) for entry in catalog}


def test_export_writes_one_segment_per_field_and_body_block(article, tmp_path):
    catalog = po_file(export(tmp_path, article=["almaty-e-buses"]))
    assert [entry.msgctxt for entry in catalog] == list(KAZAKH)
    assert catalog.find("body:2:heading", by="msgctxt").msgid == "Which routes"
    assert catalog.find("body:7:quote", by="msgctxt").msgid == "The fare will not go up.\n— the transport department"
    assert all(entry.msgstr == "" and not entry.fuzzy for entry in catalog)
    assert catalog.metadata["Language"] == "kk"
    assert catalog.metadata["X-Article-Key"] == "almaty-e-buses"
    assert catalog.metadata["X-Source-Language"] == "en"
    assert catalog.metadata["X-Source-Fingerprint"] == article.source_fingerprint


def test_exported_notes_are_in_the_target_language(article, tmp_path):
    catalog = po_file(export(tmp_path))
    assert catalog.find("title", by="msgctxt").comment == "Тақырып."
    assert catalog.find("body:2:heading", by="msgctxt").comment == "2-деңгейлі тақырыпша: бір жол."


def test_exported_file_passes_msgfmt_check(article, tmp_path):
    export(tmp_path)
    fill(tmp_path / "almaty-e-buses.kk.po", KAZAKH)
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(tmp_path / "almaty-e-buses.kk.po")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("key", ["budget.2026", "a key/with a slash"])
def test_the_po_and_the_markdown_export_name_an_articles_files_alike(make_article, tmp_path, key):
    make_article(languages=("en",), key=key)
    export(tmp_path / "po")
    call_command("export_articles", out=tmp_path / "md", verbosity=0, stdout=StringIO())
    po_stems = {path.name.removesuffix(".kk.po") for path in (tmp_path / "po").glob("*.po")}
    markdown_stems = {path.name.removesuffix(".en.md") for path in (tmp_path / "md").glob("*.md")}
    assert po_stems == markdown_stems and len(po_stems) == 1 and "/" not in po_stems.pop()


def test_an_article_without_a_key_is_exported_under_its_slug(make_article, tmp_path):
    article = make_article(languages=("en",), title_en="Budget for 2026 passed")
    taken = make_article(languages=("en",), key="budget-for-2026-passed")
    export(tmp_path)
    # Named after its title; a name that another article's key took in the same export gets the id added.
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        f"budget-for-2026-passed-{taken.pk}.kk.po", "budget-for-2026-passed.kk.po",
    ]
    assert po_file(tmp_path, f"budget-for-2026-passed-{taken.pk}.kk.po").metadata["X-Article-Key"] == taken.key
    path = tmp_path / "budget-for-2026-passed.kk.po"
    fill(path, {"title": "Тақырып", "body:1:paragraph": "Мәтін."})
    call_command("import_translations", path, verbosity=0)
    article.refresh_from_db()
    assert (article.title_kk, article.body_kk) == ("Тақырып", "Мәтін.")


def test_round_trip_makes_the_article_available_in_kazakh(article, tmp_path, client):
    export(tmp_path)
    fill(tmp_path / "almaty-e-buses.kk.po", KAZAKH)
    call_command("import_translations", tmp_path / "almaty-e-buses.kk.po", verbosity=0)
    article.refresh_from_db()
    assert article.title_kk == KAZAKH["title"] and article.lead_kk == KAZAKH["lead"]
    assert article.body_kk == BODY_KK
    assert "kk" in article.available_languages()
    assert translation_status(article, "kk") == TranslationStatus.UP_TO_DATE
    assert article.slug_kk and '<h2>Қай бағыттар</h2>' in article.body_html_kk
    assert client.get(article.get_absolute_url("kk")).status_code == 200


def test_a_changed_paragraph_makes_translations_outdated_and_a_new_export_keeps_the_rest(article, tmp_path):
    export(tmp_path / "first")
    fill(tmp_path / "first" / "almaty-e-buses.kk.po", KAZAKH)
    translation_file_import(path=tmp_path / "first" / "almaty-e-buses.kk.po")
    article.refresh_from_db()
    article.title_ru, article.body_ru = "Электробусы", "Сорок электробусов."
    article.save()

    article.body_en = BODY_EN.replace("on **Monday**", "on **Tuesday**")
    article.save()
    assert translation_status(article, "kk") == TranslationStatus.OUTDATED
    assert translation_status(article, "ru") == TranslationStatus.OUTDATED

    found = entries(po_file(export(tmp_path / "second")))
    assert found["body:1:paragraph"] == (KAZAKH["body:1:paragraph"], True)
    unchanged = {context: (text, False) for context, text in KAZAKH.items() if context != "body:1:paragraph"}
    assert {context: found[context] for context in unchanged} == unchanged


def test_an_inserted_paragraph_keeps_the_translations_of_the_blocks_around_it(article, tmp_path):
    export(tmp_path / "first")
    fill(tmp_path / "first" / "almaty-e-buses.kk.po", KAZAKH)
    translation_file_import(path=tmp_path / "first" / "almaty-e-buses.kk.po")
    article.refresh_from_db()
    article.body_en = BODY_EN.replace("## Which routes", "A new paragraph.\n\n## Which routes")
    article.save()
    found = entries(po_file(export(tmp_path / "second")))
    assert found["body:2:paragraph"] == ("", False)
    assert found["body:3:heading"] == (KAZAKH["body:2:heading"], False)
    assert found["body:14:paragraph"] == (KAZAKH["body:13:paragraph"], False)


def test_a_translation_made_outside_the_files_is_prefilled_when_its_blocks_match(make_article, tmp_path):
    make_article(languages=("en",), key="simple", body_en="One.\n\n## Two\n\n- three",
                 title_kk="Бір тақырып", body_kk="Бір.\n\n## Екі\n\n- үш")
    found = entries(po_file(export(tmp_path), "simple.kk.po"))
    assert found["body:2:heading"] == ("Екі", False) and found["body:3:list-item"] == ("үш", False)


def test_import_refuses_a_file_made_from_an_older_source_unless_forced(article, tmp_path):
    export(tmp_path)
    fill(tmp_path / "almaty-e-buses.kk.po", KAZAKH)
    article.lead_en = "The buses run on six routes."
    article.save()
    with pytest.raises(CommandError):
        call_command("import_translations", tmp_path / "almaty-e-buses.kk.po", verbosity=0, stderr=StringIO())
    article.refresh_from_db()
    assert not article.title_kk

    call_command("import_translations", tmp_path / "almaty-e-buses.kk.po", force=True, verbosity=0)
    article.refresh_from_db()
    assert article.title_kk == KAZAKH["title"]
    assert translation_status(article, "kk") == TranslationStatus.OUTDATED
    found = entries(po_file(export(tmp_path / "again")))
    assert found["lead"] == (KAZAKH["lead"], True) and found["title"] == (KAZAKH["title"], False)


def import_problems(path: Path) -> list[str]:
    with pytest.raises(TranslationFileError) as raised:
        translation_file_import(path=path)
    return raised.value.problems


@pytest.mark.parametrize(("context", "translation", "expected"), [
    ("body:1:paragraph", "Бір абзац.\n\nЕкі абзац.", "changes the Markdown structure"),
    ("body:3:list-item", "12-бағыт\n# тақырып", "changes the Markdown structure"),
    ("body:2:heading", "Бір\nекі", "must be one line"),
    ("title", "Бір\rекі", "must be one line"),  # a carriage return alone ends a line too
    ("body:8:table-row", "Бағыт | Автобус | Артық", "has 3 table cells; the source row has 2"),
])
def test_import_names_the_entry_and_changes_nothing(article, tmp_path, context, translation, expected):
    export(tmp_path)
    fill(tmp_path / "almaty-e-buses.kk.po", {**KAZAKH, context: translation})
    problems = import_problems(tmp_path / "almaty-e-buses.kk.po")
    assert any(context in problem and expected in problem for problem in problems), problems
    article.refresh_from_db()
    assert not article.title_kk and not article.body_kk


def import_command(*paths: Path, **options) -> str:
    output = StringIO()
    call_command("import_translations", *paths, stdout=output, **options)
    return output.getvalue()


def test_a_partly_translated_file_imports_its_translated_entries_and_lists_the_others(article, tmp_path):
    path = export(tmp_path / "first") / "almaty-e-buses.kk.po"
    fill(path, {**KAZAKH, "lead": "", "body:7:quote": ""})
    catalog = polib.pofile(str(path))
    catalog.find("body:1:paragraph", by="msgctxt").flags.append("fuzzy")
    catalog.save(str(path))

    report = import_command(path)

    article.refresh_from_db()
    assert article.title_kk == KAZAKH["title"] and not article.lead_kk
    assert "## Қай бағыттар" in article.body_kk and "Дүйсенбі" not in article.body_kk
    assert "Жол ақысы" not in article.body_kk and "> " not in article.body_kk
    assert body_blocks(article.body_kk)[0].kind == "heading"
    assert f"{path}: skipped line" in report
    assert "entry “lead”: not translated." in report and "entry “body:1:paragraph”: marked fuzzy." in report
    assert f"{path}: 10 entries applied to almaty-e-buses." in report
    # Incomplete: outdated until the rest is translated, which the next export offers, the rest kept.
    assert translation_status(article, "kk") == TranslationStatus.OUTDATED
    again = export(tmp_path / "second") / "almaty-e-buses.kk.po"
    found = entries(polib.pofile(str(again)))
    assert found["lead"] == ("", False) and found["body:1:paragraph"] == ("", False)
    assert found["body:7:quote"] == ("", False)
    assert found["body:2:heading"] == (KAZAKH["body:2:heading"], False)
    assert found["title"] == (KAZAKH["title"], False)
    fill(again, KAZAKH)
    import_command(again, verbosity=0)
    article.refresh_from_db()
    assert article.body_kk == BODY_KK and translation_status(article, "kk") == TranslationStatus.UP_TO_DATE


def test_a_skipped_fuzzy_entry_keeps_the_translation_the_article_has(article, tmp_path):
    first = export(tmp_path / "first") / "almaty-e-buses.kk.po"
    fill(first, KAZAKH)
    import_command(first, verbosity=0)
    article.refresh_from_db()
    article.body_en = BODY_EN.replace("on **Monday**", "on **Tuesday**")
    article.save()
    second = export(tmp_path / "second") / "almaty-e-buses.kk.po"
    catalog = polib.pofile(str(second))
    assert catalog.find("body:1:paragraph", by="msgctxt").fuzzy
    catalog.find("body:2:heading", by="msgctxt").msgstr = "Қандай бағыттар"
    catalog.save(str(second))  # the fuzzy paragraph is left for later

    assert "entry “body:1:paragraph”: marked fuzzy" in import_command(second)

    article.refresh_from_db()
    assert article.body_kk == BODY_KK.replace("## Қай бағыттар", "## Қандай бағыттар")
    assert translation_status(article, "kk") == TranslationStatus.OUTDATED
    third = po_file(export(tmp_path / "third"))
    paragraph = third.find("body:1:paragraph", by="msgctxt")
    assert (paragraph.msgstr, paragraph.fuzzy) == (KAZAKH["body:1:paragraph"], True)
    assert paragraph.previous_msgid == "Forty electric buses went into service on **Monday**."
    assert not third.find("body:2:heading", by="msgctxt").fuzzy


def test_a_table_with_an_untranslated_row_is_left_out_whole(article, tmp_path):
    path = export(tmp_path) / "almaty-e-buses.kk.po"
    fill(path, {**KAZAKH, "body:10:table-row": ""})
    import_command(path, verbosity=0)
    article.refresh_from_db()
    assert "|" not in article.body_kk and "## Кесте" in article.body_kk
    assert render_markdown(article.body_kk, "kk") == article.body_html_kk


def test_a_file_with_nothing_translated_changes_nothing(article, tmp_path):
    from reversion.models import Version

    path = export(tmp_path) / "almaty-e-buses.kk.po"
    revisions = Version.objects.get_for_object(article).count()
    assert import_command(path).endswith(f"{path}: no entry is translated; nothing was applied.\n")
    article.refresh_from_db()
    assert not article.title_kk and Version.objects.get_for_object(article).count() == revisions


@pytest.mark.parametrize(("language", "expected"), [
    ("ru", "записей применено к almaty-e-buses"), ("kk", "жазба almaty-e-buses мақаласына қолданылды"),
])
def test_the_import_report_is_in_the_operators_language(article, tmp_path, language, expected):
    path = export(tmp_path) / "almaty-e-buses.kk.po"
    fill(path, {**KAZAKH, "lead": ""})
    with translation.override(language):
        report = import_command(path)
    assert expected in report and "entry" not in report


def test_import_refuses_unknown_and_missing_segments(article, tmp_path):
    path = export(tmp_path) / "almaty-e-buses.kk.po"
    fill(path, KAZAKH)
    catalog = polib.pofile(str(path))
    catalog.remove(catalog.find("lead", by="msgctxt"))
    catalog.append(polib.POEntry(msgctxt="body:99:paragraph", msgid="Nothing", msgstr="Ештеңе"))
    catalog.save(str(path))
    problems = import_problems(path)
    assert any("body:99:paragraph" in problem for problem in problems)
    assert any("“lead”" in problem for problem in problems)


def test_import_reports_each_bad_file_and_applies_the_good_ones(article, make_article, tmp_path):
    other = make_article(languages=("en",), key="other", body_en="Text.")
    export(tmp_path)
    fill(tmp_path / "almaty-e-buses.kk.po", {**KAZAKH, "title": "Бір\nекі"})
    fill(tmp_path / "other.kk.po", {"title": "Басқа", "body:1:paragraph": "Мәтін."})
    (tmp_path / "broken.kk.po").write_text('msgid "unterminated\n')
    errors = StringIO()
    with pytest.raises(CommandError, match="2 of 3"):
        call_command("import_translations", tmp_path / "almaty-e-buses.kk.po", tmp_path / "broken.kk.po",
                     tmp_path / "other.kk.po", verbosity=0, stderr=errors)
    assert "almaty-e-buses.kk.po: line" in errors.getvalue() and "“title”: must be one line" in errors.getvalue()
    assert "broken.kk.po" in errors.getvalue()
    other.refresh_from_db()
    assert other.title_kk == "Басқа"


@pytest.mark.parametrize(("damage", "expected"), [
    (lambda line: line[:-1], "is not valid PO"),  # msgstr "unterminated, which polib reads as "unterminate"
    (lambda line: line[:-1] + '\\q"', "is not valid PO"),
    (lambda line: line[:-1] + '\0"', "contains a NUL character"),
])
def test_a_file_msgfmt_would_refuse_is_reported_with_its_line_and_the_files_after_it_are_applied(
    article, make_article, tmp_path, damage, expected,
):
    other = make_article(languages=("en",), key="other", body_en="Text.")
    export(tmp_path)
    fill(tmp_path / "almaty-e-buses.kk.po", KAZAKH)
    fill(tmp_path / "other.kk.po", {"title": "Басқа", "body:1:paragraph": "Мәтін."})
    damaged = tmp_path / "almaty-e-buses.kk.po"
    lines = damaged.read_text(encoding="utf-8").split("\n")
    number = lines.index(f'msgstr "{KAZAKH["title"]}"')
    lines[number] = damage(lines[number])
    damaged.write_text("\n".join(lines), encoding="utf-8")
    errors = StringIO()

    with pytest.raises(CommandError, match="1 of 2"):
        call_command("import_translations", damaged, tmp_path / "other.kk.po", verbosity=0, stderr=errors)

    assert len(errors.getvalue().splitlines()) == 1
    assert errors.getvalue().startswith(f"{damaged}: Line {number + 1} {expected}")
    article.refresh_from_db()
    other.refresh_from_db()
    assert (article.title_kk, other.title_kk) == (None, "Басқа")


def test_import_refuses_a_file_for_an_unknown_article(article, tmp_path):
    path = export(tmp_path) / "almaty-e-buses.kk.po"
    Article.objects.filter(pk=article.pk).update(key="renamed")
    assert any("X-Article-Key: almaty-e-buses" in problem for problem in import_problems(path))


def test_export_pending_only_skips_up_to_date_translations(make_article, tmp_path):
    make_article(key="done")
    make_article(key="todo", languages=("en", "ru"))
    export(tmp_path, pending=True)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["todo.kk.po"]


def test_export_from_another_source_language(make_article, tmp_path):
    make_article(key="from-russian", languages=("en", "ru"))
    catalog = po_file(export(tmp_path, source="ru"), "from-russian.kk.po")
    assert catalog.metadata["X-Source-Language"] == "ru"
    assert catalog.find("title", by="msgctxt").msgid.startswith("Новость")


def test_a_changed_segment_carries_the_source_text_it_was_translated_from(article, tmp_path):
    export(tmp_path / "first")
    fill(tmp_path / "first" / "almaty-e-buses.kk.po", KAZAKH)
    translation_file_import(path=tmp_path / "first" / "almaty-e-buses.kk.po")
    article.refresh_from_db()
    article.title_en = "Almaty puts 41 electric buses on the road"
    article.body_en = "A new first paragraph.\n\n" + BODY_EN.replace("## Which routes", "## Which routes run")
    article.save()

    path = export(tmp_path / "second") / "almaty-e-buses.kk.po"
    catalog = polib.pofile(str(path))
    title = catalog.find("title", by="msgctxt")
    assert (title.fuzzy, title.previous_msgid) == (True, "Almaty puts 40 electric buses on the road")
    moved = catalog.find("body:3:heading", by="msgctxt")  # the heading, changed, moved down by one block
    assert (moved.msgstr, moved.fuzzy) == (KAZAKH["body:2:heading"], True)
    assert (moved.previous_msgctxt, moved.previous_msgid) == ("body:2:heading", "Which routes")
    unchanged = catalog.find("body:2:paragraph", by="msgctxt")
    assert (unchanged.msgstr, unchanged.fuzzy, unchanged.previous_msgid) == (KAZAKH["body:1:paragraph"], False, None)
    text = path.read_text(encoding="utf-8")
    assert '#| msgctxt "body:2:heading"\n#| msgid "Which routes"\nmsgctxt "body:3:heading"' in text
    # gettext's own tools read it as they read msgmerge's output.
    result = subprocess.run(["msgattrib", "--only-fuzzy", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and '#| msgid "Almaty puts 40' in result.stdout


def test_without_the_revision_a_changed_segment_is_fuzzy_without_a_previous_text(article, tmp_path):
    from reversion.models import Version

    export(tmp_path / "first")
    fill(tmp_path / "first" / "almaty-e-buses.kk.po", KAZAKH)
    translation_file_import(path=tmp_path / "first" / "almaty-e-buses.kk.po")
    article.refresh_from_db()
    article.title_en = "Almaty puts 41 electric buses on the road"
    article.save()
    Version.objects.get_for_object(article).delete()
    title = po_file(export(tmp_path / "second")).find("title", by="msgctxt")
    assert (title.msgstr, title.fuzzy, title.previous_msgid) == (KAZAKH["title"], True, None)


def test_a_translation_the_field_cannot_hold_names_the_files_line_and_entry(article, tmp_path):
    path = export(tmp_path) / "almaty-e-buses.kk.po"
    fill(path, {**KAZAKH, "title": "Ұзын " * 100})
    errors = StringIO()
    with pytest.raises(CommandError, match="1 of 1"):
        call_command("import_translations", path, verbosity=0, stderr=errors)
    line = po_file(tmp_path).find("title", by="msgctxt").linenum
    assert errors.getvalue().startswith(f"{path}: line {line}, entry “title”: ")
    article.refresh_from_db()
    assert not article.title_kk
