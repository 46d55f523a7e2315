import shutil
from datetime import date, datetime
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.utils import formats, translation
from django.utils.translation import ngettext

from tests.catalogs import (
    APP_LOCALE_DIR,
    LOCALE_DIR,
    catalog_languages,
    catalog_path,
    catalog_problems,
    extracted_entries,
    markup_problems,
    msgfmt_problems,
    out_of_step_problems,
    placeholder_problems,
    plural_problems,
    untranslated_django_strings,
    untranslated_or_fuzzy,
)

VIEWS = ("%(views)s view", "%(views)s views")


@pytest.fixture(scope="session")
def extracted() -> dict:
    """What makemessages finds in the app's code for its catalogs, run once for the session."""
    return extracted_entries(catalog_languages(), APP_LOCALE_DIR)


@pytest.fixture(scope="session")
def extracted_for_host() -> dict:
    """What makemessages finds in the host project's code (the app left out), run once for the session."""
    return extracted_entries(catalog_languages())


@pytest.fixture(scope="session")
def extracted_javascript() -> dict:
    """What makemessages finds for the JavaScript catalog (djangojs), run once for the session."""
    return extracted_entries(catalog_languages(), domain="djangojs")


@pytest.fixture
def broken_copy(tmp_path):
    """Copy a real catalog, let the test break it, save it and return its path and the broken catalog."""

    def copy(language: str, breaking) -> tuple[Path, polib.POFile]:
        path = tmp_path / f"{language}.po"
        shutil.copy(catalog_path(language, APP_LOCALE_DIR), path)
        catalog = polib.pofile(str(path))
        breaking(catalog)
        catalog.save(str(path))
        return path, polib.pofile(str(path))

    return copy


def entry(catalog: polib.POFile, msgid: str, msgctxt: str | None = None) -> polib.POEntry:
    return catalog.find(msgid, msgctxt=msgctxt) if msgctxt else catalog.find(msgid)


def first_with(catalog: polib.POFile, text: str) -> polib.POEntry:
    return next(item for item in catalog if text in item.msgid and not item.msgid_plural)


def test_every_site_language_but_english_has_a_catalog_in_the_app_and_in_the_host():
    assert catalog_languages() == ["ru", "kk"]
    assert all(catalog_path(code, APP_LOCALE_DIR).exists() for code in catalog_languages())
    assert all(catalog_path(code).exists() for code in catalog_languages())


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_apps_real_catalogs_pass_every_check(language, extracted):
    assert catalog_problems(catalog_path(language, APP_LOCALE_DIR), language, extracted[language]) == []


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_host_projects_real_catalogs_pass_every_check(language, extracted_for_host):
    assert catalog_problems(catalog_path(language), language, extracted_for_host[language]) == []


def test_the_app_keeps_its_strings_in_its_own_catalogs_and_the_host_its_own(extracted, extracted_for_host):
    app_strings, host_strings = extracted["kk"], extracted_for_host["kk"]
    assert (None, "Skip to content", None) in app_strings  # articles/templates/articles/base.html
    assert (None, "Skip to content", None) not in host_strings
    assert not any(msgid == "Login attempts" for _context, msgid, _plural in app_strings)  # newsroom/apps.py


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_real_javascript_catalogs_pass_every_check(language, extracted_javascript):
    path = catalog_path(language, domain="djangojs")
    assert catalog_problems(path, language, extracted_javascript[language]) == []


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_string_of_djangos_admin_catalogs_is_translated_by_us_or_by_django(language, domain):
    assert untranslated_django_strings(language, domain) == []


@pytest.mark.parametrize(("domain", "msgid"), [("django", "Skip to main content"), ("djangojs", "Choose a Date")])
def test_a_django_string_that_only_we_translate_fails_when_our_entry_goes(tmp_path, domain, msgid):
    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    path = catalog_path("kk", tmp_path / "locale", domain)
    catalog = polib.pofile(str(path))
    catalog.remove(entry(catalog, msgid))
    catalog.save(str(path))
    problems = untranslated_django_strings("kk", domain, tmp_path / "locale")
    assert len(problems) == 1 and repr(msgid) in problems[0]


def test_a_javascript_catalog_out_of_step_with_the_code_fails(extracted_javascript):
    catalog = polib.pofile(str(catalog_path("kk", domain="djangojs")))
    catalog.remove(entry(catalog, "Choose a Date"))
    problems = out_of_step_problems(catalog, extracted_javascript["kk"])
    assert problems == ["makemessages would add (None, 'Choose a Date', None): run make messages"]


def compiled_messages(catalog) -> dict:
    return {
        (entry.msgctxt, entry.msgid): entry.msgstr_plural if entry.msgid_plural else entry.msgstr
        for entry in catalog if entry.msgid and not entry.obsolete
    }


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_apps_committed_compiled_catalogs_say_what_its_po_files_say(language):
    """The wheel ships ``django.mo`` as committed (so that pip installs the app translated without gettext)."""
    po = catalog_path(language, APP_LOCALE_DIR)
    assert compiled_messages(polib.mofile(str(po.with_suffix(".mo")))) == compiled_messages(polib.pofile(str(po)))


def test_the_checks_do_not_touch_the_real_catalogs(extracted):
    catalogs = [*LOCALE_DIR.rglob("*.po"), *APP_LOCALE_DIR.rglob("*.po")]
    before = {path: path.read_bytes() for path in catalogs}
    extracted_entries(["kk"])
    extracted_entries(["kk"], APP_LOCALE_DIR)
    assert {path: path.read_bytes() for path in catalogs} == before


# A copy of a real catalog, broken in each way the checks look for.


def test_an_untranslated_entry_fails(broken_copy):
    def breaking(catalog):
        first_with(catalog, "Cover image").msgstr = ""

    _path, catalog = broken_copy("ru", breaking)
    assert untranslated_or_fuzzy(catalog) != []


def test_a_missing_plural_form_fails(broken_copy):
    def breaking(catalog):
        entry(catalog, VIEWS[0]).msgstr_plural[2] = ""

    _path, catalog = broken_copy("ru", breaking)
    assert any("%(views)s view" in problem for problem in untranslated_or_fuzzy(catalog))


def test_a_fuzzy_entry_fails(broken_copy):
    def breaking(catalog):
        first_with(catalog, "Cover image").flags.append("fuzzy")

    _path, catalog = broken_copy("kk", breaking)
    assert any("is fuzzy" in problem for problem in untranslated_or_fuzzy(catalog))


def test_msgfmt_check_failing_fails(broken_copy):
    def breaking(catalog):
        item = first_with(catalog, "Cover image")
        item.msgstr += "\n"  # msgid and msgstr must both end with a newline, or neither

    path, _catalog = broken_copy("ru", breaking)
    assert msgfmt_problems(path) != []


def test_a_renamed_placeholder_in_one_plural_form_fails(broken_copy):
    def breaking(catalog):
        entry(catalog, VIEWS[0]).msgstr_plural[2] = "%(count)s просмотров"

    _path, catalog = broken_copy("ru", breaking)
    assert any("msgstr[2]" in problem for problem in placeholder_problems(catalog))


def test_a_dropped_named_placeholder_fails(broken_copy):
    def breaking(catalog):
        first_with(catalog, "%(field)s").msgstr = "Заполните поле хотя бы на одном языке."

    _path, catalog = broken_copy("ru", breaking)
    assert placeholder_problems(catalog) != []


def test_changed_positional_and_brace_placeholders_fail(broken_copy):
    def breaking(catalog):
        catalog.append(polib.POEntry(msgid="%s of %d", msgstr="%d из %s", flags=["python-format"]))
        catalog.append(polib.POEntry(msgid="Hello, {name}", msgstr="Привет, {имя}"))

    _path, catalog = broken_copy("ru", breaking)
    problems = placeholder_problems(catalog)
    assert any("'%s of %d'" in problem for problem in problems)
    assert any("'Hello, {name}'" in problem for problem in problems)


def test_a_wrong_plural_forms_header_fails(broken_copy):
    def two_forms(catalog):
        catalog.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"

    def wrong_rule(catalog):
        catalog.metadata["Plural-Forms"] = "nplurals=3; plural=(n==1 ? 0 : n<5 ? 1 : 2);"

    for breaking in (two_forms, wrong_rule):
        _path, catalog = broken_copy("ru", breaking)
        assert plural_problems(catalog, "ru") != [], breaking.__name__


def test_a_plural_entry_with_too_few_forms_fails(broken_copy):
    def breaking(catalog):
        del entry(catalog, VIEWS[0]).msgstr_plural[2]

    _path, catalog = broken_copy("ru", breaking)
    assert any("has 2 plural forms; ru has 3" in problem for problem in plural_problems(catalog, "ru"))


def test_kazakh_needs_two_plural_forms(broken_copy):
    def breaking(catalog):
        catalog.metadata["Plural-Forms"] = "nplurals=1; plural=0;"

    _path, catalog = broken_copy("kk", breaking)
    assert plural_problems(catalog, "kk") != []


def test_added_markup_or_address_fails(broken_copy):
    def tag(catalog):
        item = first_with(catalog, "Cover image")
        item.msgstr = f"<b>{item.msgstr}</b>"

    def address(catalog):
        item = first_with(catalog, "Cover image")
        item.msgstr = f"{item.msgstr} https://evil.example/"

    for breaking in (tag, address):
        _path, catalog = broken_copy("kk", breaking)
        assert markup_problems(catalog) != [], breaking.__name__


def test_a_catalog_out_of_step_with_the_code_fails(broken_copy, extracted):
    def breaking(catalog):
        catalog.remove(first_with(catalog, "Cover image"))
        catalog.append(polib.POEntry(msgid="A string no code uses", msgstr="Строка, которой нет в коде"))

    _path, catalog = broken_copy("ru", breaking)
    problems = out_of_step_problems(catalog, extracted["ru"])
    assert any("would add" in problem and "Cover image" in problem for problem in problems)
    assert any("would remove" in problem and "A string no code uses" in problem for problem in problems)


def test_every_check_passes_on_an_unbroken_copy(broken_copy, extracted):
    path, _catalog = broken_copy("ru", lambda catalog: None)
    assert catalog_problems(path, "ru", extracted["ru"]) == []


# What the catalogs give readers.


@pytest.mark.parametrize(("count", "expected"), [
    (1, "1 просмотр"), (2, "2 просмотра"), (5, "5 просмотров"), (11, "11 просмотров"), (21, "21 просмотр"),
    (22, "22 просмотра"), (25, "25 просмотров"), (111, "111 просмотров"), (9543, "9543 просмотра"),
])
def test_russian_view_counter_takes_the_right_plural_form(count, expected):
    with translation.override("ru"):
        assert ngettext(*VIEWS, count) % {"views": count} == expected


@pytest.mark.parametrize("count", [1, 2, 5, 11, 21, 22, 25, 111, 9543])
def test_kazakh_view_counter_keeps_the_noun_singular(count):
    with translation.override("kk"):
        assert ngettext(*VIEWS, count) % {"views": count} == f"{count} қаралым"


def test_the_article_page_counter_uses_the_catalog():
    template = Template(
        "{% load i18n humanize %}{% blocktranslate count counter=n with views=n|intcomma %}{{ views }} view"
        "{% plural %}{{ views }} views{% endblocktranslate %}"
    )
    with translation.override("ru"):
        assert template.render(Context({"n": 9543})) == "9\xa0543 просмотра"
    with translation.override("kk"):
        assert template.render(Context({"n": 21})) == "21 қаралым"


def test_kazakh_dates_put_the_year_first_with_the_month_in_lower_case_as_cldr_does():
    moment = datetime(2016, 8, 5, 14, 5)
    with translation.override("kk"):
        assert [formats.date_format(moment, name) for name in (
            "DATE_FORMAT", "DATETIME_FORMAT", "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT", "SHORT_DATE_FORMAT",
        )] == ["2016 ж. 5 тамыз", "2016 ж. 5 тамыз, 14:05", "2016 ж. тамыз", "5 тамыз", "05.08.2016"]


def test_dates_in_kazakh_use_kazakh_month_names():
    months = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
              "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"]
    with translation.override("kk"):
        assert formats.date_format(date(2016, 8, 5), "DATE_FORMAT") == "2016 ж. 5 тамыз"
        assert [formats.date_format(date(2026, month, 1), "j E") for month in range(1, 13)] == [
            f"1 {name}" for name in months
        ]
