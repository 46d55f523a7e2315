"""Search latency at archive scale: p50/p95 of the search page for typical queries, 100,000 articles in three
languages, on PostgreSQL.

The archive is generated once (``bulk_create`` of articles whose words follow a Zipf distribution over the demo
articles' vocabulary, then one ``INSERT … SELECT`` per language for the search vectors, as ``rebuild_search_index``
does) into its own database, ``BENCH_SEARCH_DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/newsroom_bench_search``, created when missing), and reused by later runs.
Each query is served by the real view through Django's test client (form, search, pagination, highlighting,
template), ``BENCH_SEARCH_RUNS`` times (default 50), and its queries under ``EXPLAIN ANALYZE`` as often (the
database's own time). Also checks with ``EXPLAIN ANALYZE`` that the GIN index is used. The table goes to
stdout and to ``bench/results/search.md``.

Run: ``python -m bench.search`` (``make bench`` does). Environment: ``BENCH_SEARCH_DATABASE_URL``,
``BENCH_SEARCH_ARTICLES`` (100000), ``BENCH_SEARCH_RUNS``.
"""

import os
import random
import re
import statistics
import sys
import time
from datetime import timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_SEARCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench_search"
)
ARTICLES = int(os.environ.get("BENCH_SEARCH_ARTICLES", "100000"))
RUNS = int(os.environ.get("BENCH_SEARCH_RUNS", "50"))
LANGUAGES = ("en", "ru", "kk")
KEY_PREFIX = "search-bench-"
BATCH = 2000
SEED = 20261129
SYNTHETIC_WORDS = 20000


def ensure_database() -> bool:
    """Create the bench database when missing; False (with a note) when PostgreSQL cannot be reached."""
    import psycopg

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=3) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        print(f"Search bench skipped: PostgreSQL at {parts.hostname}:{parts.port} is not reachable ({error}).")
        return False
    return True


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DATABASE_URL=DATABASE_URL, DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40, DJANGO_ALLOWED_HOSTS="testserver",
    )
    # Generating the archive and measuring words' shares take minutes; the site's 10-second limit is for requests.
    os.environ.setdefault("DJANGO_DB_STATEMENT_TIMEOUT", "0")
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("DJANGO_DEBUG", None)
    import django

    django.setup()


@cache
def vocabulary(language: str) -> list[str]:
    """The demo articles' words in ``language``, most frequent first, then ``SYNTHETIC_WORDS`` made-up names
    (two demo words run together), so that the archive has rare words as a real one has."""
    from collections import Counter

    counts = Counter()
    for path in sorted((ROOT / "articles" / "demo").glob(f"*.{language}.md")):
        text = path.read_text(encoding="utf-8").split("---", 2)[-1]
        counts.update(word for word in re.findall(r"[^\W\d_]{2,}", text))
    words = [word for word, _count in counts.most_common()]
    rng = random.Random(SEED)
    long_words = [word.lower() for word in words if len(word) >= 4]
    names = {(rng.choice(long_words) + rng.choice(long_words)).capitalize() for _name in range(SYNTHETIC_WORDS)}
    return words + sorted(names - set(words))


class Writer:
    """Text in one language whose words follow Zipf's law over ``vocabulary(language)``."""

    def __init__(self, language: str, rng: random.Random) -> None:
        self.words = vocabulary(language)
        self.rng = rng
        self.weights = list(_cumulative(1 / rank for rank in range(1, len(self.words) + 1)))

    def text(self, count: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.weights, k=count))


def _cumulative(values):
    total = 0.0
    for value in values:
        total += value
        yield total


def generate_archive() -> None:
    """Add articles until there are ``ARTICLES`` bench articles; vectors for all in one statement per language."""
    from django.db import transaction
    from django.utils import timezone

    from articles.archive_months import archive_months_rebuild
    from articles.models import Article, Section
    from articles.search import search_index_rebuild

    existing = Article.objects.filter(key__startswith=KEY_PREFIX).count()
    if existing >= ARTICLES:
        print(f"Archive: {existing:,} articles in {DATABASE_URL.rsplit('/', 1)[-1]} (reused).")
        return
    started = time.perf_counter()
    rng = random.Random(SEED + existing)
    writers = {code: Writer(code, rng) for code in LANGUAGES}
    sections = [
        Section.objects.get_or_create(key=f"{KEY_PREFIX}{number}", defaults={
            "name_en": f"Section {number}", "name_ru": f"Раздел {number}", "name_kk": f"Айдар {number}",
        })[0]
        for number in range(5)
    ]
    now = timezone.now()
    with transaction.atomic():
        for start in range(existing, ARTICLES, BATCH):
            batch = []
            for number in range(start, min(start + BATCH, ARTICLES)):
                values = {}
                for code, writer in writers.items():
                    paragraphs = [writer.text(rng.randint(40, 70)) for _paragraph in range(3)]
                    values.update({
                        f"title_{code}": writer.text(rng.randint(5, 10)).capitalize(),
                        f"slug_{code}": f"{KEY_PREFIX}{number}",
                        f"lead_{code}": writer.text(rng.randint(15, 25)).capitalize() + ".",
                        f"body_{code}": "\n\n".join(paragraphs),
                        f"body_html_{code}": "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
                    })
                article = Article(
                    key=f"{KEY_PREFIX}{number}", section=rng.choice(sections),
                    status=Article.Status.DRAFT if rng.random() < 0.05 else Article.Status.PUBLISHED,
                    published_at=now - timedelta(minutes=rng.randint(0, 10 * 365 * 24 * 60)),
                    **values,
                )
                article.settle_language_publication()  # each language's state, as save() gives it
                batch.append(article)
            Article.objects.bulk_create(batch)
        search_index_rebuild()
        archive_months_rebuild()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Archive: {ARTICLES - existing:,} articles generated and indexed in {time.perf_counter() - started:.0f} s.")


@cache
def document_shares(language: str) -> dict[str, float]:
    """Each lexeme of the ``language`` index and the share of that language's documents that hold it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_search_document WHERE language = %s", [language])
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat(%s)",
            [f"SELECT document FROM articles_search_document WHERE language = '{language}'"],
        )
        return {word: ndoc / total for word, ndoc in cursor.fetchall()}


def word_with_share(language: str, share: float, *, skip: tuple[str, ...] = ()) -> str:
    """The demo word (five letters or more) whose documents' share in the archive is nearest ``share``."""
    from articles.search.text import parse_query

    shares = document_shares(language)
    candidates = []
    for word in vocabulary(language):
        term = parse_query(word, language).terms[0]
        lexeme = term.stem if term.prefix or language != "kk" else term.word
        if len(word) >= 5 and word not in skip and lexeme in shares:
            candidates.append((abs(shares[lexeme] - share), word))
    return min(candidates)[1]


def typical_queries() -> list[tuple[str, str, dict]]:
    """(label, language, parameters): words found in about 50 %, 10 %, 1 % and 0.05 % of a language's articles, two
    words, a date order, a section, and a Kazakh word in an inflected form (matched by its stem as a prefix)."""
    from articles.search.text import kazakh_stem

    common, frequent, middling, rare = (word_with_share("en", share) for share in (0.5, 0.10, 0.01, 0.0005))
    second = word_with_share("en", 0.01, skip=(middling,))
    inflected = next(
        word for word in vocabulary("kk")[400:] if len(word) >= 7 and kazakh_stem(word.lower()) != word.lower()
    )
    return [
        ("en, common word (~50 %)", "en", {"q": common}),
        ("en, common word (~50 %), by date", "en", {"q": common, "sort": "date"}),
        ("en, frequent word (~10 %)", "en", {"q": frequent}),
        ("en, middling word (~1 %)", "en", {"q": middling}),
        ("en, rare word (~0.05 %)", "en", {"q": rare}),
        ("en, two middling words", "en", {"q": f"{middling} {second}"}),
        ("ru, middling word, by date", "ru", {"q": word_with_share("ru", 0.01), "sort": "date"}),
        ("ru, frequent word, one section", "ru", {"q": word_with_share("ru", 0.10), "section": "__section__"}),
        ("kk, inflected word (prefix)", "kk", {"q": inflected}),
        ("kk, middling word", "kk", {"q": word_with_share("kk", 0.01)}),
    ]


def measure() -> list[tuple[str, str, int, float, float]]:
    from django.core.paginator import Paginator
    from django.test import Client
    from django.test.utils import setup_test_environment

    from articles.conf import conf
    from articles.models import Section
    from articles.search import search_articles

    setup_test_environment()  # so that responses carry their template context (the number found)
    section = Section.objects.get(key=f"{KEY_PREFIX}0")
    client = Client()
    rows = []
    for label, language, parameters in typical_queries():
        parameters = {name: section.pk if value == "__section__" else value for name, value in parameters.items()}
        url = f"/{language}/search/?{urlencode(parameters)}"
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        found = response.context["paginator"].count
        page, queries = [], []
        for _run in range(RUNS):
            started = time.perf_counter()
            client.get(url)
            page.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            _query, articles = search_articles(
                text=parameters["q"], language=language, section_id=parameters.get("section"),
                order=parameters.get("sort", "relevance"),
            )
            articles.expect_page(0, conf.ARTICLES_PER_PAGE)  # as the view does: the ids read with the count
            results = Paginator(articles, conf.ARTICLES_PER_PAGE).page(1)
            list(results.object_list), results.paginator.count
            queries.append((time.perf_counter() - started) * 1000)
        database = database_time(parameters["q"], language, parameters.get("section"), parameters.get("sort"))
        rows.append((label, parameters["q"], found, database, *percentiles(queries), *percentiles(page)))
    return rows


def database_time(text: str, language: str, section_id, order) -> float:
    """The median over ``RUNS`` of the time PostgreSQL itself spends on a search's first page (the sum of the
    ``Execution Time`` of its queries under ``EXPLAIN ANALYZE``): what the page costs the database, without
    Python, the network or the wait for a CPU in the client."""
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.conf import conf
    from articles.search import search_articles

    _query, articles = search_articles(
        text=text, language=language, section_id=section_id, order=order or "relevance"
    )
    articles.expect_page(0, conf.ARTICLES_PER_PAGE)
    with CaptureQueriesContext(connection) as captured:
        page = Paginator(articles, conf.ARTICLES_PER_PAGE).page(1)
        list(page.object_list)
    totals = []
    with connection.cursor() as cursor:
        for _run in range(RUNS):
            total = 0.0
            for query in captured.captured_queries:
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query['sql']}")
                total += cursor.fetchone()[0][0]["Execution Time"]
            totals.append(total)
    return statistics.median(totals)


def percentiles(timings: list[float]) -> tuple[float, float]:
    """p50 and p95 of ``timings``."""
    timings = sorted(timings)
    return statistics.median(timings), timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]


def explain() -> str:
    """The plans of a middling English query's first page (count, the page's ids, its articles): the search
    must start from the GIN index."""
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.search import search_articles

    word = word_with_share("en", 0.01)
    _query, articles = search_articles(text=word, language="en")
    with CaptureQueriesContext(connection) as captured:
        list(Paginator(articles, 20).page(1).object_list)
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return "\n\n".join(plans)


def main() -> None:
    if not ensure_database():
        return
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    generate_archive()
    rows = measure()
    plan = explain()
    uses_gin = "articles_search_document_gin" in plan
    lines = [
        (f"Search page on PostgreSQL, {ARTICLES:,} articles × 3 languages, {RUNS} requests per query "
         "(the whole view through Django's test client):"),
        "",
        "| query | words | found | database p50 ms | queries p50 ms | queries p95 ms | page p50 ms | page p95 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
        *[f"| {label} | {text} | {found:,} | {database:.1f} | {q50:.1f} | {q95:.1f} | {p50:.1f} | {p95:.1f} |"
          for label, text, found, database, q50, q95, p50, p95 in rows],
        "",
        ("database: PostgreSQL's own execution time of the first page's queries (EXPLAIN ANALYZE); queries: the "
         "search's SQL queries (the first page's ids with the count, their articles) from Python; page: the whole "
         "view."),
        "",
        (f"GIN index used (EXPLAIN ANALYZE): {'yes' if uses_gin else 'NO'}. "
         f"Load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs."),
    ]
    report = "\n".join(lines)
    print(report)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "search.md").write_text(report + "\n\n```\n" + plan + "\n```\n", encoding="utf-8")
    if not uses_gin:
        print(plan)
        sys.exit(1)


if __name__ == "__main__":
    main()
