"""``make bench`` (scale): what each page costs with a small archive and with a large one, and the ratio.

Builds two archives once and reuses them: ``BENCH_ARTICLES`` (100,000) published articles in ``BENCH_DATABASE_URL``
and ``BENCH_SMALL_ARTICLES`` (1,000) in ``BENCH_SMALL_DATABASE_URL`` (default: the large one's database name with
``_small``; without ``BENCH_DATABASE_URL``, SQLite files under ``bench/results/``), each with the same editors'
queue (below). An archive is reused when it has its articles and was written by this makeup (``MAKEUP``, kept in
a table of the bench's own): a change to what ``generate`` writes bumps it, so that the next run builds both
archives again. Articles span three years, with ~600-byte bodies in three languages (a tenth miss Kazakh, a tenth
English), three of 200 tags each (ten of them on a tenth of the archive each), one or two of 300 authors each, and
30 days of daily views in every language for a tenth of them.

What the admin's lists show does not grow with a newsroom's archive, so it is the same at both sizes: a queue of
150 drafts (dated over the three years) and 150 articles scheduled for the next 30 days, on top of the published
archive (a full first page of the Draft and Scheduled filters, 100 rows, at both sizes); a desk reporter whose
byline is added to 150 published articles spread over the three years (the admin's author filter is measured with
theirs; the public author page, as before, with the author of most articles); and "referendum" in the titles of
10 of those (the admin's title search). The searches for a word of the bodies and the other filters show what the
archive holds, as readers' pages do.

Each page is then requested through the whole middleware with Django's test client, DEBUG off, the cache cleared
before every request (cold), five times; each size is measured in a process of its own (``python -m bench.scale
measure``, since each is a different database), and the sizes take turns ``BENCH_SCALE_ROUNDS`` (3) times, so that
the machine's load changing during the bench weighs on both. The median of every request goes to the table, with
the process's CPU time (the part the load moves least) and the page's slowest query. The table goes to stdout and
to ``bench/results/scale.md``.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "scale.md"
BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
KEY_PREFIX = "scale-"
# What generate() writes: bump it with every change there, so that archives built before are built again.
MAKEUP = 2
MAKEUP_TABLE = "scale_bench_makeup"
LANGUAGE_MIXES = [("en", "ru", "kk")] * 8 + [("en", "ru"), ("ru", "kk")]
YEARS = 3
SECTIONS, AUTHORS, TAGS = 12, 300, 200
BATCH = 2000
# The editors' queue (drafts, and articles scheduled) and the desk reporter's articles: as many at every size (see
# the docstring), more than the admin list's page of 100.
QUEUE = 150
DESK_KEY = f"{KEY_PREFIX}desk"
MARKED_TITLES = 10
TITLE_MARK = "referendum"
REPEATS = 5
ROUNDS = int(os.environ.get("BENCH_SCALE_ROUNDS", "3"))

PARAGRAPHS = {
    "en": [
        ("The council approved the plan on Tuesday after a debate that lasted most of the afternoon. Supporters "
         "said it would cut travel times for thousands of residents; critics asked for *more detail* on the cost."),
        ("Farmers in the south expect a larger harvest this year thanks to drip irrigation. The regional office "
         "says water use fell by a third, and more villages have asked to join the programme next spring."),
        ("The museum opens its new wing on Saturday with an exhibition of photographs from the 1960s. Entry is "
         "free for the first week, and the curators will lead tours in three languages every afternoon."),
    ],
    "ru": [
        ("Совет одобрил план во вторник после дискуссии, занявшей большую часть дня. Сторонники говорят, что "
         "он сократит время в пути для тысяч жителей; критики просят *подробнее* рассказать о стоимости."),
        ("Фермеры на юге ждут в этом году большего урожая благодаря капельному орошению. В области говорят, что "
         "расход воды упал на треть, и ещё несколько сёл попросились в программу следующей весной."),
        ("Музей в субботу открывает новое крыло выставкой фотографий 1960-х годов. Первую неделю вход свободный, "
         "а кураторы каждый день проводят экскурсии на трёх языках."),
    ],
    "kk": [
        ("Кеңес жоспарды сейсенбі күні ұзақ талқылаудан соң мақұлдады. Қолдаушылар ол мыңдаған тұрғынның жолға "
         "кететін уақытын қысқартады дейді; сыншылар құны туралы *толығырақ* айтуды сұрайды."),
        ("Оңтүстіктегі фермерлер тамшылатып суару арқасында биыл мол өнім күтеді. Облыс суды пайдалану үштен "
         "бірге азайғанын айтады, келесі көктемде бағдарламаға тағы бірнеше ауыл қосылғысы келеді."),
        ("Мұражай сенбіде жаңа қанатын 1960-жылдардағы фотосуреттер көрмесімен ашады. Алғашқы аптада кіру тегін, "
         "кураторлар күн сайын үш тілде экскурсия жүргізеді."),
    ],
}
TITLES = {"en": "Story number {n}", "ru": "Новость номер {n}", "kk": "Жаңалық нөмірі {n}"}
TITLE_MARKS = {"en": TITLE_MARK, "ru": "референдум", "kk": "референдум"}
SLUGS = {"en": "story-number-{n}", "ru": "novost-nomer-{n}", "kk": "zhanalyk-nomiri-{n}"}


def body(language: str, number: int) -> str:
    paragraphs = PARAGRAPHS[language]
    return "\n\n".join(paragraphs[(number + offset) % len(paragraphs)] for offset in range(2))


def spread(size: int, count: int, phase: float) -> list[int]:
    """``count`` article numbers spread evenly over an archive of ``size`` (number 0 the newest, the last the
    oldest), each at ``phase`` of its step: the same publication dates at any size."""
    step = size / count
    return [int((index + phase) * step) for index in range(count)]


def desk_numbers(size: int) -> tuple[set[int], set[int]]:
    """The numbers of the desk reporter's articles, and of those of them with ``TITLE_MARK`` in their titles (in
    all three languages): as many at every size."""
    desk = spread(size, min(QUEUE, size), 0.5)
    with_all_languages = [number for number in desk if len(LANGUAGE_MIXES[number // 10 % len(LANGUAGE_MIXES)]) == 3]
    step = max(1, len(with_all_languages) // MARKED_TITLES)
    return set(desk), set(with_all_languages[step // 2::step][:MARKED_TITLES])


def tag_numbers(pk: int) -> set[int]:
    """Three tags per article: one of ten on a tenth of the archive each, one of 60 and one of 130."""
    return {pk % 10, 10 + pk * 7 % 60, 70 + pk * 13 % 130}


@contextmanager
def deletion_signals_muted() -> Iterator[None]:
    """No receivers of deletions for a while: what they keep (the search index, the months' and the tags' counts,
    the content generation) is built again after the archive, and without them Django deletes the rows a table at
    a time instead of loading and signalling each article (rebuilding 3,000 articles took 78 s with them, 8 s
    without)."""
    from django.db.models import signals

    muted = [signals.pre_delete, signals.post_delete, signals.m2m_changed]
    kept = [signal.receivers for signal in muted]
    try:
        for signal in muted:
            signal.receivers = []
            signal.sender_receivers_cache.clear()
        yield
    finally:
        for signal, receivers in zip(muted, kept, strict=True):
            signal.receivers = receivers
            signal.sender_receivers_cache.clear()


def generate(size: int) -> None:
    """Create the archive, in one transaction, unless an archive of ``size`` articles (and the queue) of this
    ``MAKEUP`` is already there."""
    from django.contrib.auth.models import User
    from django.db import DEFAULT_DB_ALIAS, connection, transaction
    from django.utils import timezone

    from articles.archive_months import archive_months_rebuild
    from articles.markdown import RENDERER_VERSION, render_markdown
    from articles.models import Article, ArticleDailyViews, Author, Byline, Section, Tag
    from articles.search import search_index_rebuild
    from articles.tag_counts import tag_counts_rebuild
    from articles.translating.status import record_translation_sources

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MAKEUP_TABLE} (size integer NOT NULL, makeup integer NOT NULL)")
        cursor.execute(f"SELECT size, makeup FROM {MAKEUP_TABLE}")
        built = cursor.fetchall()
    if built == [(size, MAKEUP)] and Article.objects.filter(key__startswith=KEY_PREFIX).count() == size + 2 * QUEUE:
        return
    desk, marked = desk_numbers(size)
    started = time.monotonic()
    rendered = {
        (code, variant): render_markdown(body(code, variant), code) for code in PARAGRAPHS for variant in range(3)
    }
    now = timezone.now()
    today = timezone.localdate()
    span = YEARS * 365 * 86400
    with transaction.atomic():
        with deletion_signals_muted():
            Article.objects.filter(key__startswith=KEY_PREFIX).delete()
            Section.objects.filter(key__startswith=KEY_PREFIX).delete()
            Author.objects.filter(key__startswith=KEY_PREFIX).delete()
            Tag.objects.filter(key__startswith=KEY_PREFIX).delete()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {MAKEUP_TABLE}")
        sections = Section.objects.bulk_create(
            Section(key=f"{KEY_PREFIX}{n}", position=n, name_en=f"Section {n}", name_ru=f"Раздел {n}",
                    name_kk=f"Бөлім {n}", slug_en=f"section-{n}", slug_ru=f"razdel-{n}", slug_kk=f"bolim-{n}")
            for n in range(SECTIONS)
        )
        authors = Author.objects.bulk_create(
            Author(key=f"{KEY_PREFIX}{n}", slug=f"{KEY_PREFIX}author-{n}", name_en=f"Reporter {n}",
                   name_ru=f"Репортёр {n}", name_kk=f"Тілші {n}")
            for n in range(AUTHORS)
        )
        desk_reporter = Author.objects.create(
            key=DESK_KEY, slug=f"{KEY_PREFIX}author-desk", name_en="Desk Reporter", name_ru="Репортёр редакции",
            name_kk="Редакция тілшісі",
        )
        tags = Tag.objects.bulk_create(
            Tag(key=f"{KEY_PREFIX}{n}", name_en=f"Topic {n}", name_ru=f"Тема {n}", name_kk=f"Тақырып {n}",
                slug_en=f"topic-{n}", slug_ru=f"tema-{n}", slug_kk=f"takyryp-{n}")
            for n in range(TAGS)
        )
        read = []
        for first in range(0, size + 2 * QUEUE, BATCH):
            batch = []
            numbers = range(first, min(first + BATCH, size + 2 * QUEUE))
            for number in numbers:
                # By tens, so that the tenth with daily views (below) has every mix of languages too.
                languages = LANGUAGE_MIXES[number // 10 % len(LANGUAGE_MIXES)]
                queued = number - size  # after the archive: the queue's drafts, then its scheduled articles
                status = Article.Status.DRAFT if 0 <= queued < QUEUE else Article.Status.PUBLISHED
                if queued < 0:
                    age = span * number / size
                elif queued < QUEUE:
                    age = span * (queued + 0.5) / QUEUE
                else:
                    age = -86400 * (1 + queued % 30)
                article = Article(
                    key=f"{KEY_PREFIX}{number}", section=sections[number % SECTIONS], status=status,
                    published_at=now - timedelta(seconds=age), body_html_version=RENDERER_VERSION,
                    view_count=(number * 7919) % 5000,
                )
                for code in languages:
                    title = TITLES[code].format(n=number)
                    setattr(article, f"title_{code}", f"{title}: {TITLE_MARKS[code]}" if number in marked else title)
                    setattr(article, f"slug_{code}", SLUGS[code].format(n=number))
                    setattr(article, f"lead_{code}", PARAGRAPHS[code][number % 3].split(". ")[0] + ".")
                    setattr(article, f"body_{code}", body(code, number % 3))
                    setattr(article, f"body_html_{code}", rendered[code, number % 3])
                record_translation_sources(article)
                article.settle_language_publication()  # each language's state, as save() gives it
                batch.append(article)
            Article.objects.bulk_create(batch)
            Byline.objects.bulk_create(
                Byline(article=article, author=authors[(article.pk * 13 + position) % AUTHORS], position=position)
                for article in batch for position in range(1 + article.pk % 2)
            )
            Byline.objects.bulk_create(
                Byline(article=article, author=desk_reporter, position=2)
                for article, number in zip(batch, numbers, strict=True) if number in desk
            )
            Article.tags.through.objects.bulk_create(
                Article.tags.through(article=article, tag=tags[number])
                for article in batch for number in tag_numbers(article.pk)
            )
            read += [
                (article.pk, article.available_languages())
                for article, number in zip(batch, numbers, strict=True) if number < size and number % 10 == 0
            ]
        # Day by day, as the counter writes them: a day's rows lie together in the table. On the default connection
        # (the router sends counting writes to a connection of their own, outside this transaction).
        for day in range(29, -1, -1):
            ArticleDailyViews.objects.using(DEFAULT_DB_ALIAS).bulk_create(
                (
                    ArticleDailyViews(article_id=pk, language=code, day=today - timedelta(days=day),
                                      views=(pk * 31 + day * 17) % 97 + 1)
                    for pk, languages in read for code in languages
                ),
                batch_size=BATCH,
            )
        if not User.objects.filter(username="scale-bench").exists():
            User.objects.create_superuser("scale-bench", password=None)
        # bulk_create sends no signals: the search index (which the admin's search asks too), the sitemap
        # index's months and the tags' counts are built once here.
        search_index_rebuild()
        archive_months_rebuild()
        tag_counts_rebuild()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {MAKEUP_TABLE} (size, makeup) VALUES (%s, %s)", [size, MAKEUP])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"generated {size} articles and {2 * QUEUE} queued in {time.monotonic() - started:.0f} s", file=sys.stderr)


def pages() -> dict[str, tuple[str, bool]]:
    """What to measure: name → (path, as the admin)."""
    from django.conf import settings
    from django.db.models import Count

    from articles.models import Article, Author, Section, Tag
    from articles.sitemaps import article_file_name, article_files

    articles = Article.objects.published().available_in("en").filter(key__startswith=KEY_PREFIX)
    article = articles.filter(title_kk__isnull=False).order_by("-published_at").first()
    section = Section.objects.get(key=f"{KEY_PREFIX}0")
    last_page = -(-articles.filter(section=section).count() // getattr(settings, "ARTICLES_PER_PAGE", 20))
    author = (
        Author.objects.filter(key__startswith=KEY_PREFIX).exclude(key=DESK_KEY)
        .annotate(n=Count("bylines")).order_by("-n").first()
    )
    desk_reporter = Author.objects.get(key=DESK_KEY)  # QUEUE articles at every size
    tag = Tag.objects.get(key=f"{KEY_PREFIX}0")  # on a tenth of the archive
    # The deepest page that is full (the last one, unless the remainder leaves it short): 20 articles at both sizes.
    tag_last_page = max(articles.filter(tags=tag).count() // getattr(settings, "ARTICLES_PER_PAGE", 20), 1)
    english = sorted((file for file in article_files() if file.language == "en"), key=lambda file: file.month)
    newest, older = english[-1], english[len(english) // 3]
    return {
        "front page": ("/en/", False),
        "article page": (article.get_absolute_url("en"), False),
        "article page, slug of another language": (f"/en/articles/{article.slug_kk}/", False),
        "section page": (section.get_absolute_url("en"), False),
        "section page, last page": (f"{section.get_absolute_url('en')}?page={last_page}", False),
        "author page": (author.get_absolute_url("en"), False),
        "author page, the desk reporter": (desk_reporter.get_absolute_url("en"), False),
        "tag page": (tag.get_absolute_url("en"), False),
        "tag page, deepest full page": (f"{tag.get_absolute_url('en')}?page={tag_last_page}", False),
        "tag feed": (f"{tag.get_absolute_url('en')}feed/", False),
        "feed": ("/en/feed/", False),
        "sitemap index": ("/sitemap.xml", False),
        "sitemap, newest month (en)": (f"/sitemap-{article_file_name('en', newest.month)}.xml", False),
        "sitemap, an older month (en)": (f"/sitemap-{article_file_name('en', older.month)}.xml", False),
        "sitemap, sections": ("/sitemap-sections.xml", False),
        "sitemap, authors": ("/sitemap-authors.xml", False),
        "sitemap, tags": ("/sitemap-tags.xml", False),
        "news sitemap": ("/sitemap-news.xml", False),
        "robots.txt": ("/robots.txt", False),
        "admin changelist": ("/admin/articles/article/", True),
        "admin search, a word of 10 titles": (f"/admin/articles/article/?q={TITLE_MARK}", True),
        "admin missing in kk": ("/admin/articles/article/?missing=kk", True),
        "admin search, a word of the bodies": ("/admin/articles/article/?q=council", True),
        "admin search, a word and filters": (
            f"/admin/articles/article/?q=council&state=published&section={section.pk}&missing=kk", True,
        ),
        "admin scheduled": ("/admin/articles/article/?state=scheduled", True),
        "admin drafts": ("/admin/articles/article/?state=draft", True),
        "admin an author's articles": (f"/admin/articles/article/?author={desk_reporter.pk}", True),
        "admin outdated in ru": ("/admin/articles/article/?outdated=ru", True),
    }


def selectors() -> dict:
    """Read queries measured on their own (cache cleared before each call): what a page pays when they miss."""
    from articles.counting.selectors import most_read

    return {
        "most read today (en)": lambda: most_read(language="en", days=1),
        "most read this week (en)": lambda: most_read(language="en", days=7),
    }


def measure_call(call) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def once() -> tuple[float, float, CaptureQueriesContext]:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        return elapsed, cpu, queries

    once()
    runs = [once() for _ in range(REPEATS)]
    queries = runs[-1][2]
    slowest = max(queries.captured_queries, key=lambda query: float(query["time"]), default=None)
    return {
        "runs_ms": [elapsed * 1000 for elapsed, _cpu, _queries in runs],
        "cpu_ms": [cpu * 1000 for _elapsed, cpu, _queries in runs],
        "queries": len(queries.captured_queries),
        "slowest_ms": float(slowest["time"]) * 1000 if slowest else 0.0,
        "slowest_sql": slowest["sql"][:300] if slowest else "",
    }


def measure_page(path: str, as_admin: bool) -> dict:
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def request() -> tuple[float, float, CaptureQueriesContext]:
        client = Client(headers={"user-agent": BROWSER, "accept-language": "en"})
        if as_admin:
            client.force_login(User.objects.get(username="scale-bench"))
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        if response.status_code not in (200, 301):
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        addresses[0] = response.content.count(b"<url>")
        return elapsed, cpu, queries

    addresses = [0]
    request()  # templates compiled, connections open
    runs = [request() for _ in range(REPEATS)]
    queries = runs[-1][2]
    slowest = max(queries.captured_queries, key=lambda query: float(query["time"]), default=None)
    return {
        "runs_ms": [elapsed * 1000 for elapsed, _cpu, _queries in runs],
        "cpu_ms": [cpu * 1000 for _elapsed, cpu, _queries in runs],
        "queries": len(queries.captured_queries),
        "slowest_ms": float(slowest["time"]) * 1000 if slowest else 0.0,
        "slowest_sql": slowest["sql"][:300] if slowest else "",
        "addresses": addresses[0],
    }


def measure(size: int) -> None:
    """In a process whose ``DATABASE_URL`` is this size's database: build it if needed, then measure each page."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import DEFAULT_DB_ALIAS, connection

    from articles.apps import lift_statement_timeout, restore_statement_timeout

    # Building an archive and VACUUM take minutes at 100,000 articles (VACUUM after a rebuild more than the 10 s
    # the settings give a statement); the requests measured after have the settings' timeout again.
    lift_statement_timeout(using=DEFAULT_DB_ALIAS)
    generate(size)
    if connection.vendor == "postgresql":  # whatever migrations changed is planned from fresh statistics
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    restore_statement_timeout(using=DEFAULT_DB_ALIAS)
    load = os.getloadavg()[0]
    results = {name: measure_page(path, as_admin) for name, (path, as_admin) in pages().items()}
    results.update({name: measure_call(call) for name, call in selectors().items()})
    results["load"] = {"before": load, "after": os.getloadavg()[0]}
    print(json.dumps(results))


def database_urls(large: int, small: int) -> dict[int, str]:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        folder = RESULTS.parent
        folder.mkdir(parents=True, exist_ok=True)
        return {size: f"sqlite:///{folder / f'scale-{size}.sqlite3'}" for size in (small, large)}
    parts = urlsplit(url)
    small_url = os.environ.get("BENCH_SMALL_DATABASE_URL") or urlunsplit(parts._replace(path=f"{parts.path}_small"))
    return {small: small_url, large: url}


def ensure_database(url: str) -> None:
    """Create a PostgreSQL database named by ``url`` if there is none (SQLite makes its file itself)."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def run() -> str:
    """Measure the two sizes in turn, ``ROUNDS`` times over, so that a change of the machine's load while the bench
    runs weighs on both alike; each page's figure is the median of all its requests."""
    large = int(os.environ.get("BENCH_ARTICLES", "100000"))
    small = int(os.environ.get("BENCH_SMALL_ARTICLES", "1000"))
    results: dict[int, dict] = {small: {}, large: {}}
    for _round in range(ROUNDS):
        for size, url in database_urls(large, small).items():
            ensure_database(url)
            env = {
                **{name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "DJANGO_DEBUG")},
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
                "DJANGO_ALLOWED_HOSTS": "testserver",
                "DATABASE_URL": url,
                "PYTHONPATH": str(ROOT),
            }
            output = subprocess.run(
                [sys.executable, "-m", "bench.scale", "measure", str(size)], cwd=ROOT, env=env, check=True,
                stdout=subprocess.PIPE, text=True,
            ).stdout
            for name, figures in json.loads(output).items():
                kept = results[size].setdefault(name, {**figures, "runs_ms": [], "cpu_ms": [], "loads": []})
                if name == "load":
                    kept["loads"].append(figures)
                    continue
                kept["runs_ms"] += figures["runs_ms"]
                kept["cpu_ms"] += figures["cpu_ms"]
                if figures["slowest_ms"] >= kept["slowest_ms"]:
                    kept.update(slowest_ms=figures["slowest_ms"], slowest_sql=figures["slowest_sql"])
    for by_name in results.values():
        for name, figures in by_name.items():
            if name != "load":
                figures.update(ms=statistics.median(figures["runs_ms"]), cpu=statistics.median(figures["cpu_ms"]))
    url = database_urls(large, small)[large]
    return report(results, small, large, url) + "\n" + import_bench(url)


def report(results: dict[int, dict], small: int, large: int, url: str) -> str:
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    lines = [
        f"# Scale bench, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        (
            f"{small:,} against {large:,} articles; {database}; Django's test client through the whole middleware, "
            f"DEBUG off, cache cleared before each request; the two sizes measured in turn {ROUNDS} times, "
            f"{REPEATS} requests a page each time, the median of them all; *CPU* is this process's own time "
            f"(Django, not PostgreSQL), which the machine's load moves least; {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.2f}."
        ),
        "",
        (f"| page | {small:,}: ms | CPU ms | queries | {large:,}: ms | CPU ms | queries | × | CPU × | "
        f"slowest query at {large:,}: ms |"),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    loads = {size: results[size].pop("load")["loads"] for size in (small, large)}
    for name, at_large in results[large].items():
        at_small = results[small][name]
        lines.append(
            f"| {name} | {at_small['ms']:.1f} | {at_small['cpu']:.1f} | {at_small['queries']} | "
            f"{at_large['ms']:.1f} | {at_large['cpu']:.1f} | {at_large['queries']} | "
            f"{at_large['ms'] / at_small['ms']:.2f} | {at_large['cpu'] / max(at_small['cpu'], 0.01):.2f} | "
            f"{at_large['slowest_ms']:.1f} |"
        )
    lines += [
        "",
        "Load average while measuring (each round): " + "; ".join(
            f"{size:,}: " + ", ".join(f"{load['before']:.1f} → {load['after']:.1f}" for load in rounds)
            for size, rounds in loads.items()
        ) + ".",
        "",
        "Sitemap files (they grow with a month's articles, not with the archive):",
        "",
        f"| file | {small:,}: addresses | ms per address | {large:,}: addresses | ms per address |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, at_large in results[large].items():
        at_small = results[small][name]
        if name.startswith("sitemap") and at_large.get("addresses") and at_small.get("addresses"):
            lines.append(
                f"| {name} | {at_small['addresses']:,} | {at_small['ms'] / at_small['addresses']:.3f} | "
                f"{at_large['addresses']:,} | {at_large['ms'] / at_large['addresses']:.3f} |"
            )
    lines += ["", f"Slowest query of each page at {large:,} articles:", ""]
    lines += [f"- {name}: `{at_large['slowest_sql']}`" for name, at_large in results[large].items()]
    return "\n".join(lines) + "\n"


def import_bench(url: str) -> str:
    """``bench/import_articles.py`` on the large archive's server (a database of its own, made afresh), or SQLite:
    the import's rate and memory, for the same report."""
    files = os.environ.get("BENCH_IMPORT_FILES", "3000")
    command = [sys.executable, str(ROOT / "bench" / "import_articles.py"), "--files", files]
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        command += ["--database-url", urlunsplit(parts._replace(path=f"{parts.path}_import_bench"))]
    output = subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    return f"## Import (bench/import_articles.py)\n\n```\n{output.strip()}\n```\n"


def main() -> None:
    if sys.argv[1:2] == ["measure"]:
        measure(int(sys.argv[2]))
        return
    table = run()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(table)
    print(table)


if __name__ == "__main__":
    main()
