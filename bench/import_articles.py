"""Benchmark import_articles: generate Markdown files, import them into a fresh database, print the speed.

    .venv/bin/python bench/import_articles.py [--files 5000] [--database-url postgres://…/wt_bench] [--processes N]

The database is a new SQLite file, or with ``--database-url`` (``BENCH_IMPORT_DATABASE_URL``) a PostgreSQL
database that is dropped and created again (its name must end in ``bench``). Every command runs in a subprocess of
its own (as in production: ``migrate``, then ``import_articles``), so the peak memory printed is that of the import
alone; a run of ``check`` gives the baseline of a bare Django process. The import is then run a second time, when
every file is unchanged. Wall time depends on what else the machine runs; the CPU time (the import's processes,
database server excluded) and the load average are printed beside it.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

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


def run(command: list[str], environment: dict) -> tuple[float, int, float]:
    """Run a manage.py command; return its wall time in seconds, its peak resident memory in MiB and its CPU time
    (with any processes it waited for) in seconds."""
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
    return elapsed, peak_kib // 1024, usage.ru_utime + usage.ru_stime


def fresh_postgres(url: str) -> None:
    """Drop and create the PostgreSQL database ``url`` names (only one whose name ends in ``bench``)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.endswith("bench"):
        sys.exit(f"{name}: the import bench drops its database, so its name must end in 'bench'")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000, help="How many files to generate (default 5000).")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_IMPORT_DATABASE_URL", ""),
                        help="A PostgreSQL database to import into (dropped and created again); default SQLite.")
    parser.add_argument("--processes", type=int, help="import_articles --processes (default: its own).")
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
            "DATABASE_URL": options.database_url or f"sqlite:///{directory / 'bench.sqlite3'}",
            "DJANGO_SECRET_KEY": "bench-only-secret-key",
            "DJANGO_DEBUG": "",
            "DJANGO_MEDIA_ROOT": str(directory / "media"),
        }
        if options.database_url:
            fresh_postgres(options.database_url)
        run(["migrate", "--noinput", "--verbosity", "0"], environment)
        _, baseline, _ = run(["check"], environment)
        extra = ["--processes", str(options.processes)] if options.processes else []
        load = os.getloadavg()[0]
        seconds, peak, cpu = run(["import_articles", str(sources), *extra], environment)
        again, peak_again, cpu_again = run(["import_articles", str(sources), *extra], environment)
        articles = -(-options.files // len(LANGUAGES))
        database = "PostgreSQL" if options.database_url else "SQLite"
        print(f"{options.files} files ({articles} articles in {len(LANGUAGES)} languages), {database}, "
              f"{os.cpu_count()} CPUs, load average {load:.1f} before the import")
        print(f"first import:  {seconds:.1f} s, {options.files / seconds:.0f} files/s, "
              f"{articles / seconds:.0f} articles/s, peak RSS {peak} MiB; "
              f"CPU {cpu:.1f} s ({articles / cpu:.0f} articles per CPU-second)")
        print(f"second import: {again:.1f} s, {options.files / again:.0f} files/s (all unchanged), "
              f"peak RSS {peak_again} MiB; CPU {cpu_again:.1f} s")
        print(f"baseline (manage.py check): peak RSS {baseline} MiB")


if __name__ == "__main__":
    main()
