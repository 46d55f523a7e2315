"""Benchmark import_articles: generate Markdown files, import them into a fresh SQLite database, print the speed.

    .venv/bin/python bench/import_articles.py [--files 5000]

Every command runs in a subprocess of its own (as in production: ``migrate``, then ``import_articles``), so the
peak memory printed is that of the import alone; a run of ``check`` gives the baseline of a bare Django process.
The import is then run a second time, when every file is unchanged.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "ru", "kk")
SECTIONS = {"en": ["City", "Economy", "Culture", "Sport", "World"],
            "ru": ["Город", "Экономика", "Культура", "Спорт", "Мир"],
            "kk": ["Қала", "Экономика", "Мәдениет", "Спорт", "Әлем"]}
PARAGRAPH = {
    "en": "The city council met on Tuesday to discuss the new budget. Residents asked about buses, parks and the "
          "repair of courtyards, and the deputies promised to answer in writing within a month.",
    "ru": "Городской маслихат во вторник обсудил новый бюджет. Жители спрашивали об автобусах, парках и ремонте "
          "дворов, а депутаты пообещали ответить письменно в течение месяца.",
    "kk": "Қалалық мәслихат сейсенбі күні жаңа бюджетті талқылады. Тұрғындар автобустар, саябақтар және аулаларды "
          "жөндеу туралы сұрады, ал депутаттар бір ай ішінде жазбаша жауап беруге уәде берді.",
}


def source_file(number: int) -> tuple[str, str]:
    """The file name and text of file ``number``: three language versions per article, every other with a slug."""
    article, language = divmod(number, len(LANGUAGES))
    language = LANGUAGES[language]
    author = article % 20
    section = article % 5
    lines = [
        "---",
        f"key: bench-{article}",
        f"lang: {language}",
        f"title: 'Bench article {article} ({language}): the council discusses the budget'",
        *([f"slug: bench-{article}-{language}"] if article % 2 else []),
        f"lead: {PARAGRAPH[language][:90]}",
        f"author: Author {author} {language}",
        f"author_key: author-{author}",
        f"section: {SECTIONS[language][section]}",
        f"section_key: section-{section}",
        f"published_at: 2025-{article % 12 + 1:02d}-{article % 28 + 1:02d}T09:30:00+05:00",
        "status: published",
        f"views: {article * 7 % 10000}",
        "---",
        "",
        "## " + SECTIONS[language][section],
        "",
        *[PARAGRAPH[language] + "\n" for _ in range(4)],
        "- one\n- two\n- three\n",
        "> " + PARAGRAPH[language][:80],
        "",
    ]
    return f"bench-{article}.{language}.md", "\n".join(lines)


def run(command: list[str], environment: dict) -> tuple[float, int]:
    """Run a manage.py command; return its wall time in seconds and its peak resident memory in MiB."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), *command], env=environment, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()}")
    process.stderr.close()
    peak_kib = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss // 1024
    return elapsed, peak_kib // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000, help="How many files to generate (default 5000).")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as temporary:
        directory = Path(temporary)
        sources = directory / "sources"
        sources.mkdir()
        for number in range(options.files):
            name, text = source_file(number)
            (sources / name).write_text(text, encoding="utf-8")
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DATABASE_URL": f"sqlite:///{directory / 'bench.sqlite3'}",
            "DJANGO_SECRET_KEY": "bench-only-secret-key",
            "DJANGO_DEBUG": "",
            "DJANGO_MEDIA_ROOT": str(directory / "media"),
        }
        run(["migrate", "--noinput", "--verbosity", "0"], environment)
        _, baseline = run(["check"], environment)
        seconds, peak = run(["import_articles", str(sources)], environment)
        again, peak_again = run(["import_articles", str(sources)], environment)
        articles = -(-options.files // len(LANGUAGES))
        print(f"{options.files} files ({articles} articles in {len(LANGUAGES)} languages)")
        print(f"first import:  {seconds:.1f} s, {options.files / seconds:.0f} files/s, "
              f"{articles / seconds:.0f} articles/s, peak RSS {peak} MiB")
        print(f"second import: {again:.1f} s, {options.files / again:.0f} files/s (all unchanged), "
              f"peak RSS {peak_again} MiB")
        print(f"baseline (manage.py check): peak RSS {baseline} MiB")


if __name__ == "__main__":
    main()
