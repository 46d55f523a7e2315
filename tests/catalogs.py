"""Checks of the interface catalogs in ``articles/locale/`` and ``locale/``, run by ``tests/test_catalogs.py`` and
``make check-messages``.

A catalog fails when it has untranslated or fuzzy entries, when ``msgfmt --check`` rejects it, when a translation's
placeholders differ from its msgid's (in every plural form), when its plural forms are wrong for the language,
when a translation adds HTML markup or addresses its msgid lacks, or when ``makemessages`` would add or remove
entries (the catalog is out of step with the code). Each check returns its problems, one line each. Both domains
are checked: ``django`` and ``djangojs`` (the admin's JavaScript catalog).

Django's own catalogs count too: every string of Django's admin, auth and content-types catalogs and of the admin's
JavaScript catalog must have a translation in every language, ours (``newsroom/admin_messages.py``) or Django's.

There are two sets of catalogs: the app's own strings in ``articles/locale/`` (shipped in its wheel, read from the
app's code alone) and the host project's in ``locale/`` (its pages, and its translations of Django's admin strings,
which ``LOCALE_PATHS`` puts above every app's catalog).

Run ``python -m tests.catalogs`` (what ``make check-messages`` does) to check the real catalogs.
"""

import contextlib
import gettext
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"
APP_DIR = BASE_DIR / "articles"
APP_LOCALE_DIR = APP_DIR / "locale"
# The language of the msgids; every other language in LANGUAGES has a catalog.
MSGID_LANGUAGE = "en"
# (nplurals, plural) that each catalog's Plural-Forms header must be equivalent to; a new language adds its rule.
PLURAL_RULES = {
    "ru": (3, "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"),
    "kk": (2, "(n != 1)"),
}
DOMAINS = ("django", "djangojs")
# (catalogs, domain) pairs to check: the app has no JavaScript strings of its own.
CATALOG_SETS = ((APP_LOCALE_DIR, "django"), (LOCALE_DIR, "django"), (LOCALE_DIR, "djangojs"))
# As the Makefile's messages target runs makemessages, per domain.
MAKEMESSAGES_IGNORE = {
    "django": [".venv*", "tests", "bench", "build"],
    "djangojs": [".venv*", "tests", "bench", "node_modules", "staticfiles", "*/vendor/*"],
}
MAKEMESSAGES_EXTENSIONS = (".py", ".html", ".txt", ".js")
# Django's catalogs whose every msgid the admin may show, per domain; each needs a translation in every language.
DJANGO_CATALOGS = {
    "django": ["contrib/admin", "contrib/auth", "contrib/contenttypes", "contrib/sessions"],
    "djangojs": ["contrib/admin"],
}

PYTHON_PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conversion>[diouxXeEfFgGcrsa%])"
)
NAMED_PYTHON_PLACEHOLDER = re.compile(r"%\([^)]*\)[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]")
BRACE_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^<>]*>")
ADDRESS = re.compile(r"\b(?:https?://|ftp://|mailto:|www\.)[^\s\"'<>]+", re.IGNORECASE)

EntryKey = tuple[str | None, str, str | None]


def entry_name(entry: polib.POEntry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"line {entry.linenum}: {context}{entry.msgid!r}"


def translations(entry: polib.POEntry) -> list[tuple[str, str]]:
    """``(label, text)`` of each translation of ``entry``: its msgstr, or each msgstr[n]."""
    if entry.msgid_plural:
        return [(f"msgstr[{n}]", text) for n, text in sorted(entry.msgstr_plural.items())]
    return [("msgstr", entry.msgstr)]


def live_entries(catalog: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in catalog if not entry.obsolete]


def untranslated_or_fuzzy(catalog: polib.POFile) -> list[str]:
    problems = []
    for entry in live_entries(catalog):
        if "fuzzy" in entry.flags:
            problems.append(f"{entry_name(entry)} is fuzzy")
        elif any(not text for _label, text in translations(entry)):
            problems.append(f"{entry_name(entry)} is not translated")
    if catalog.metadata_is_fuzzy:
        problems.append("the header is fuzzy")
    return problems


def msgfmt_problems(path: Path) -> list[str]:
    """What ``msgfmt --check`` (formats, header, domain) says about the catalog at ``path``."""
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(path)], capture_output=True, text=True,
    )
    return [line for line in result.stderr.splitlines() if line.strip()] if result.returncode else []


def python_placeholders(text: str) -> tuple[Counter, list[str]]:
    """The named placeholders (``%(name)s``) as a multiset, and the positional ones (``%s``, ``%d``) in order."""
    named, positional = Counter(), []
    for match in PYTHON_PLACEHOLDER.finditer(text):
        if match["conversion"] == "%":
            continue
        if match["name"] is not None:
            named[match.group()] += 1
        else:
            positional.append(match.group())
    return named, positional


def brace_placeholders(text: str) -> Counter:
    return Counter(BRACE_PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))


def placeholders(entry: polib.POEntry, text: str) -> tuple:
    named, positional = python_placeholders(text)
    if "python-format" not in entry.flags:
        # Without the flag a "%" may be a plain percent sign ("50% of"); only "%(name)s" is unmistakable.
        named, positional = Counter(NAMED_PYTHON_PLACEHOLDER.findall(text)), []
    return named, positional, brace_placeholders(text)


def placeholder_problems(catalog: polib.POFile) -> list[str]:
    problems = []
    for entry in live_entries(catalog):
        expected = placeholders(entry, entry.msgid_plural or entry.msgid)
        for label, text in translations(entry):
            if text and placeholders(entry, text) != expected:
                problems.append(
                    f"{entry_name(entry)}: {label} has placeholders {format_placeholders(placeholders(entry, text))}, "
                    f"the msgid has {format_placeholders(expected)}"
                )
    return problems


def format_placeholders(found: tuple) -> str:
    named, positional, braces = found
    return "[" + ", ".join([*sorted(named.elements()), *positional, *sorted(braces.elements())]) + "]"


def plural_problems(catalog: polib.POFile, language: str) -> list[str]:
    """The Plural-Forms header must match the language's rule, and every plural entry have that many forms."""
    if language not in PLURAL_RULES:
        return [f"no plural rule is known for {language!r}: add it to PLURAL_RULES in tests/catalogs.py"]
    expected_count, expected_rule = PLURAL_RULES[language]
    header = catalog.metadata.get("Plural-Forms", "")
    found = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", header)
    problems = []
    if not found:
        problems.append(f"the Plural-Forms header {header!r} is not 'nplurals=N; plural=EXPRESSION;'")
    else:
        if int(found[1]) != expected_count:
            problems.append(f"the Plural-Forms header says nplurals={found[1]}; {language} has {expected_count}")
        try:
            rule, expected = gettext.c2py(found[2]), gettext.c2py(expected_rule)
        except ValueError as error:
            problems.append(f"the Plural-Forms expression {found[2]!r} is not valid: {error}")
        else:
            wrong = [n for n in [*range(1000), 1001, 1011, 1021, 9543, 10_000, 100_001] if rule(n) != expected(n)]
            if wrong:
                problems.append(f"the Plural-Forms rule picks the wrong form for n = {wrong[:10]}")
    for entry in live_entries(catalog):
        if entry.msgid_plural and len(entry.msgstr_plural) != expected_count:
            problems.append(
                f"{entry_name(entry)} has {len(entry.msgstr_plural)} plural forms; {language} has {expected_count}"
            )
    return problems


def markup_problems(catalog: polib.POFile) -> list[str]:
    """A translation may not add HTML tags or addresses (URLs, e-mail links) that its msgid lacks."""
    problems = []
    for entry in live_entries(catalog):
        source = entry.msgid + "\n" + entry.msgid_plural
        for label, text in translations(entry):
            for kind, pattern in (("HTML markup", HTML_TAG), ("addresses", ADDRESS)):
                added = Counter(pattern.findall(text)) - Counter(pattern.findall(source))
                if added:
                    problems.append(f"{entry_name(entry)}: {label} adds {kind} its msgid lacks: {sorted(added)}")
    return problems


def entry_keys(catalog: polib.POFile) -> set[EntryKey]:
    return {(entry.msgctxt, entry.msgid, entry.msgid_plural or None) for entry in live_entries(catalog)}


def out_of_step_problems(catalog: polib.POFile, extracted: set[EntryKey]) -> list[str]:
    """The entries makemessages would add to ``catalog`` or remove from it (``extracted`` is what it finds)."""
    committed = entry_keys(catalog)
    return [
        *(f"makemessages would add {key!r}: run make messages" for key in sorted(extracted - committed, key=repr)),
        *(f"makemessages would remove {key!r}: run make messages" for key in sorted(committed - extracted, key=repr)),
    ]


def copy_ignored(directory: str, names: list[str]) -> set[str]:
    """What the copy for makemessages leaves out: what it ignores, locale folders, files it does not read, and (in
    a copy of the host project) the app, whose strings have catalogs of their own."""
    ignored = set()
    for name in names:
        path = Path(directory, name)
        if path.is_dir():
            if path == APP_DIR or name.startswith(".") or name in {
                "tests", "bench", "locale", "__pycache__", "staticfiles", "media", "node_modules", "vendor",
                "build", "dist",
            } or name.startswith(".venv") or name.endswith(".egg-info"):
                ignored.add(name)
        elif path.suffix not in MAKEMESSAGES_EXTENSIONS:
            ignored.add(name)
    return ignored


def catalog_languages() -> list[str]:
    from django.conf import settings

    return [code for code, _name in settings.LANGUAGES if code != MSGID_LANGUAGE]


def extracted_entries(
    languages: list[str], locale_dir: Path = LOCALE_DIR, domain: str = "django",
) -> dict[str, set[EntryKey]]:
    """The entries ``makemessages`` finds in the code today for ``domain``, per language (Django must be set up).

    It runs in a copy of the project, so that it can neither touch the real catalogs (makemessages writes into
    every ``locale`` folder it walks past) nor see anything but the project's own source files.
    """
    from django.core.management import call_command
    from django.test import override_settings

    with tempfile.TemporaryDirectory() as temporary:
        tree = Path(temporary) / "project"
        # The catalogs' own tree: the app for its catalogs, else the host project without the app.
        shutil.copytree(locale_dir.parent, tree, ignore=copy_ignored)
        shutil.copytree(locale_dir, tree / "locale", ignore=shutil.ignore_patterns("*.mo"))
        with override_settings(LOCALE_PATHS=[tree / "locale"]), contextlib.chdir(tree):
            call_command(
                "makemessages", locale=list(languages), domain=domain, ignore_patterns=MAKEMESSAGES_IGNORE[domain],
                no_obsolete=True, verbosity=0,
            )
        return {code: entry_keys(polib.pofile(str(catalog_path(code, tree / "locale", domain)))) for code in languages}


def catalog_path(language: str, locale_dir: Path = LOCALE_DIR, domain: str = "django") -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{domain}.po"


def django_catalog_paths(domain: str) -> list[Path]:
    """The English catalogs of the Django apps in ``DJANGO_CATALOGS``: the msgids Django can show."""
    import django

    root = Path(django.__file__).parent
    return [root / app / "locale" / MSGID_LANGUAGE / "LC_MESSAGES" / f"{domain}.po" for app in DJANGO_CATALOGS[domain]]


def translated_keys(path: Path) -> set[EntryKey]:
    """The entries of the catalog at ``path`` that have every translation (none if there is no such catalog)."""
    if not path.exists():
        return set()
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural or None) for entry in live_entries(polib.pofile(str(path)))
        if "fuzzy" not in entry.flags and all(text for _label, text in translations(entry))
    }


def untranslated_django_strings(language: str, domain: str, locale_dir: Path = LOCALE_DIR) -> list[str]:
    """Django's msgids that neither our catalog nor Django's own translates into ``language``.

    What an editor would meet in English: catalogs in ``LOCALE_PATHS`` are merged over Django's, for the
    ``djangojs`` domain too (the admin's JavaScript catalog view merges them).
    """
    ours = translated_keys(catalog_path(language, locale_dir, domain))
    problems = []
    for path in django_catalog_paths(domain):
        djangos = translated_keys(path.parents[2] / language / "LC_MESSAGES" / path.name)
        for entry in live_entries(polib.pofile(str(path))):
            key = (entry.msgctxt, entry.msgid, entry.msgid_plural or None)
            if key not in ours and key not in djangos:
                problems.append(
                    f"Django's {entry_name(entry)} ({path.parents[3].name}) has no {language} translation: list it "
                    f"in newsroom/admin_messages.py (or .js), run make messages and translate it"
                )
    return problems


def catalog_problems(path: Path, language: str, extracted: set[EntryKey] | None = None) -> list[str]:
    """Every check on the catalog at ``path``; the makemessages comparison only when ``extracted`` is given."""
    catalog = polib.pofile(str(path))
    problems = [
        *untranslated_or_fuzzy(catalog),
        *msgfmt_problems(path),
        *placeholder_problems(catalog),
        *plural_problems(catalog, language),
        *markup_problems(catalog),
    ]
    if extracted is not None:
        problems += out_of_step_problems(catalog, extracted)
    return problems


def main() -> int:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    languages = catalog_languages()
    failed = False
    for locale_dir, domain in CATALOG_SETS:
        extracted = extracted_entries(languages, locale_dir, domain=domain)
        for language in languages:
            path = catalog_path(language, locale_dir, domain=domain)
            problems = catalog_problems(path, language, extracted[language])
            if locale_dir == LOCALE_DIR:
                problems += untranslated_django_strings(language, domain)
            for problem in problems:
                print(f"{path.relative_to(BASE_DIR)}: {problem}", file=sys.stderr)
            failed = failed or bool(problems)
    if not failed:
        print(f"Catalogs {', '.join(languages)}: translated, valid and in step with the code.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
