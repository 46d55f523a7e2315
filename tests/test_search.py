"""Site search (articles/search/): the same behaviour on SQLite (FTS5) and on PostgreSQL (tsvector + GIN)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, Section
from articles.search import search_articles
from articles.search.text import MAX_TERMS, kazakh_stem, parse_query
from tests.support import KEPT_BACK, keep_back

pytestmark = pytest.mark.django_db


def search_url(language: str) -> str:
    with translation.override(language):
        return reverse("articles:search")


def found(client, language: str, text: str, **parameters) -> list[int]:
    """The ids of the articles the search page lists, in order."""
    response = client.get(search_url(language), {"q": text, **parameters})
    assert response.status_code == 200
    return [article.pk for article in response.context["articles"]]


def test_russian_nominative_finds_the_genitive_in_the_text(client, make_article):
    article = make_article(body_ru="Открытие новой станции метро перенесли на весну.")
    make_article()
    assert found(client, "ru", "станция") == [article.pk]


def test_english_stems_find_each_other(client, make_article):
    article = make_article(lead_en="The council voted on the new running track.")
    assert found(client, "en", "runs") == [article.pk]
    assert found(client, "en", "votes") == [article.pk]


@pytest.mark.parametrize("upper, lower", [
    ("ӘЛЕМ", "әлем"), ("ҒАЛЫМ", "ғалым"), ("ҚАЛА", "қала"), ("ТАҢ", "таң"), ("ӨЗЕН", "өзен"),
    ("ҰЛТ", "ұлт"), ("ҮЙ", "үй"), ("ГАУҺАР", "гауһар"), ("ІНІ", "іні"),
])
def test_kazakh_capital_letters_match_small_ones_both_ways(client, make_article, upper, lower):
    in_small = make_article(body_kk=f"Бұл мәтінде {lower} сөзі бар.")
    in_capitals = make_article(title_kk=f"{upper} ТУРАЛЫ")
    assert set(found(client, "kk", upper)) == {in_small.pk, in_capitals.pk}
    assert set(found(client, "kk", lower)) == {in_small.pk, in_capitals.pk}


def test_russian_capitals_match_small_letters(client, make_article):
    article = make_article(title_ru="СВОДКА НОВОСТЕЙ ЭКОНОМИКИ")
    assert found(client, "ru", "новости") == [article.pk]


def test_inflected_kazakh_query_finds_other_forms_of_the_word(client, make_article):
    article = make_article(body_kk="Қазақстанда жаңа мектептер ашылды.")
    assert found(client, "kk", "Қазақстанның") == [article.pk]
    assert found(client, "kk", "мектептерде") == [article.pk]


def test_kazakh_endings_are_stripped_in_order_without_eating_the_stem():
    assert kazakh_stem("алматының") == "алматы"
    assert kazakh_stem("қалаларда") == "қала"
    assert kazakh_stem("жаңалықтары") == "жаңалық"
    assert kazakh_stem("қаласында") == "қала"
    assert kazakh_stem("астана") == "астана"


def test_drafts_and_scheduled_articles_never_appear(client, make_article):
    public = make_article(title_en="Budget hearing today")
    make_article(title_en="Budget hearing draft", status=Article.Status.DRAFT)
    make_article(title_en="Budget hearing scheduled", published_at=timezone.now() + timedelta(days=1))
    assert found(client, "en", "budget") == [public.pk]
    assert found(client, "en", "budget", sort="date") == [public.pk]


@pytest.mark.parametrize("how", KEPT_BACK)
def test_a_language_version_kept_back_is_never_found_in_that_language(client, make_article, how):
    article = keep_back(make_article(title_en="Budget hearing today", title_ru="Слушания по бюджету"), "ru", how)
    assert found(client, "ru", "бюджет") == [] and found(client, "ru", "бюджет", sort="date") == []
    assert found(client, "en", "budget") == [article.pk]


def test_results_are_only_in_the_page_language(client, make_article):
    english_only = make_article(languages=("en",), title_en="Dombra contest in Taraz")
    # A Russian title without a body: not available in Russian, so not found there.
    title_only = make_article(languages=("en",), title_en="Taraz contest", title_ru="Конкурс в Таразе")
    assert set(found(client, "en", "Taraz")) == {english_only.pk, title_only.pk}
    assert found(client, "ru", "Taraz") == []
    assert found(client, "ru", "Тараз") == []
    assert found(client, "kk", "Taraz") == []


def test_matched_words_are_highlighted_and_everything_else_is_escaped(client, make_article):
    make_article(
        title_en="<b>Budget</b> & the \"city\"", lead_en="Less <script>alert(1)</script> budget",
        body_en="The budget was <img src=x onerror=alert(1)> approved.",
    )
    html = client.get(search_url("en"), {"q": "budget"}).content.decode()
    assert "&lt;b&gt;<mark>Budget</mark>&lt;/b&gt; &amp; the “city”" in html  # typeset, then escaped
    assert "Less &lt;script&gt;alert(1)&lt;/script&gt; <mark>budget</mark>" in html
    assert "<script>" not in html and "<img src=x" not in html


@pytest.mark.parametrize("text", [
    "", "   ", "x" * 5000, "слово " * 1000, "!!! ... ??? ---", "<script>alert(1)</script>",
    "\"'\"' \" '", "a' OR '1'='1", "NEAR(a b) AND OR NOT * ^ ( ) : -",
    "'budget':* & !x | <-> (", "{title}: budget", "\\", "%_%",
])
def test_hostile_or_empty_queries_answer_200_and_are_never_reflected_unescaped(client, make_article, text):
    make_article(title_en="Budget")
    response = client.get(search_url("en"), {"q": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html


def test_a_nul_character_in_a_query_is_refused_like_any_other_address_carrying_one(client, make_article):
    make_article(title_en="Budget")
    response = client.get(search_url("en"), {"q": "budget\x00"})
    assert response.status_code == 400  # newsroom.middleware refuses NUL anywhere in a request, never a 500


def test_an_empty_query_asks_for_words_instead_of_listing_everything(client, make_article):
    make_article()
    with translation.override("ru"):
        response = client.get(search_url("ru"), {"q": "  ?! "})
    assert list(response.context["articles"]) == []
    assert "Введите слово или два" in response.content.decode()


def test_a_query_costs_at_most_a_bounded_number_of_terms():
    query = parse_query(" ".join(f"word{number}" for number in range(1000)), "en")
    assert len(query.terms) == MAX_TERMS
    assert len(parse_query("x" * 5000, "kk").terms[0].word) < 100


def test_title_matches_rank_above_body_matches_and_newer_wins_a_tie(client, make_article):
    now = timezone.now()
    in_body = make_article(body_en="Notes on the tram network.", published_at=now - timedelta(hours=1))
    in_title_old = make_article(title_en="Tram network plans", published_at=now - timedelta(days=3))
    in_title_new = make_article(title_en="Tram network plans", published_at=now - timedelta(days=2))
    assert found(client, "en", "tram") == [in_title_new.pk, in_title_old.pk, in_body.pk]
    assert found(client, "en", "tram", sort="date") == [in_body.pk, in_title_new.pk, in_title_old.pk]


def test_every_word_of_a_query_must_match(client, make_article):
    both = make_article(title_en="Bus lanes and bike lanes")
    make_article(title_en="Bus lanes only")
    assert found(client, "en", "bike bus") == [both.pk]


def test_filters_narrow_by_section_and_publication_day(client, make_article):
    economy = Section.objects.create(name_en="Economy")
    city = Section.objects.create(name_en="City")
    now = timezone.now()
    old = make_article(title_en="Tax news", section=economy, published_at=now - timedelta(days=40))
    recent = make_article(title_en="Tax news", section=economy, published_at=now - timedelta(days=1))
    elsewhere = make_article(title_en="Tax news", section=city, published_at=now - timedelta(days=1))
    assert set(found(client, "en", "tax", section=economy.pk)) == {old.pk, recent.pk}
    since = timezone.localdate() - timedelta(days=10)
    assert set(found(client, "en", "tax", since=since.isoformat())) == {recent.pk, elsewhere.pk}
    until = timezone.localdate() - timedelta(days=10)
    assert found(client, "en", "tax", until=until.isoformat()) == [old.pk]


def test_invalid_filters_are_reported_and_the_search_still_runs(client, make_article):
    article = make_article(title_en="Tax news")
    response = client.get(search_url("en"), {"q": "tax", "section": "nope", "since": "2026-13-45", "sort": "x"})
    assert response.status_code == 200
    assert [result.pk for result in response.context["articles"]] == [article.pk]
    assert set(response.context["form"].errors) == {"section", "since", "sort"}


def test_pages_keep_the_query_and_the_language_switcher_carries_it(client, make_article, settings):
    settings.ARTICLES_PER_PAGE = 2
    for _number in range(3):
        make_article(title_en="Snow report", title_ru="Снег")
    response = client.get(search_url("en"), {"q": "snow"})
    html = response.content.decode()
    assert 'href="?q=snow&amp;page=2"' in html
    assert 'href="/ru/search/?q=snow"' in html
    assert [len(client.get(search_url("en"), {"q": "snow", "page": 2}).context["articles"])] == [1]


def test_every_page_has_the_search_box_in_its_header(client, make_article):
    article = make_article()
    for url in ("/kk/", article.get_absolute_url("ru"), "/en/no-such-page/"):
        html = client.get(url).content.decode()
        header = html[html.index('<header class="site-header">'):html.index("</header>")]
        assert 'role="search"' in header and f'action="/{url[1:3]}/search/"' in header, url


def test_edits_reach_the_index_when_saved(client, make_article):
    article = make_article(title_en="Old headline")
    article.title_en = "Fresh headline"
    article.save()
    assert found(client, "en", "old") == []
    assert found(client, "en", "fresh") == [article.pk]
    article.delete()
    assert found(client, "en", "fresh") == []


def index_rows() -> int:
    """How many documents the database's own index holds, whichever database this is."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM articles_search_document")
        else:
            counts = [f"(SELECT count(*) FROM articles_search_{code})" for code in ("en", "ru", "kk")]
            cursor.execute("SELECT " + " + ".join(counts))
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_deleted_and_flushed_articles_leave_the_index(make_article):
    kept, deleted = make_article(), make_article()
    assert index_rows() == 6
    deleted.delete()
    assert index_rows() == 3
    call_command("flush", interactive=False, verbosity=0)
    assert index_rows() == 0 and not Article.objects.filter(pk=kept.pk).exists()


def test_imported_articles_are_searchable(client, tmp_path: Path):
    (tmp_path / "story.ru.md").write_text(
        "---\nkey: story\nlang: ru\ntitle: Открытие библиотеки\nstatus: published\n"
        "published_at: 2026-01-05T10:00:00+05:00\n---\nВ Шымкенте открылась детская библиотека.\n",
        encoding="utf-8",
    )
    call_command("import_articles", str(tmp_path), verbosity=0)
    assert found(client, "ru", "библиотеками") == [Article.objects.get(key="story").pk]


def test_rebuild_command_indexes_text_written_around_the_saves(client, make_article):
    article = make_article(title_en="Before")
    Article.objects.filter(pk=article.pk).update(title_en="Written behind the index's back")
    assert found(client, "en", "behind") == []
    call_command("rebuild_search_index", verbosity=0)
    assert found(client, "en", "behind") == [article.pk]
    assert found(client, "en", "before") == []


def test_admin_search_uses_the_engine_in_every_language_and_finds_drafts(admin_client, make_article):
    draft = make_article(body_ru="Открытие станции.", status=Article.Status.DRAFT)
    keyed = make_article(key="tram-2026")
    make_article()
    changelist = reverse("admin:articles_article_changelist")
    assert list(admin_client.get(changelist, {"q": "станция"}).context["cl"].queryset) == [draft]
    assert list(admin_client.get(changelist, {"q": "tram-2026"}).context["cl"].queryset) == [keyed]


def test_search_articles_returns_nothing_for_a_query_without_words(make_article):
    make_article()
    query, articles = search_articles(text="?!", language="en")
    assert not query and not articles.exists()


@pytest.mark.parametrize("setting, error_id", [
    ("articles.search.backends.NoSuchBackend", "articles.E302"),
    ("articles.models.Article", "articles.E303"),
])
def test_a_wrong_search_backend_is_a_system_check_error(setting, error_id):
    with override_settings(ARTICLES_SEARCH_BACKEND=setting):
        assert error_id in {message.id for message in run_checks()}


def test_the_other_databases_backend_is_a_system_check_error(settings):
    from django.db import connection

    other = "sqlite" if connection.vendor == "postgresql" else "postgres"
    settings.ARTICLES_SEARCH_BACKEND = {
        "sqlite": "articles.search.sqlite.SQLiteSearchBackend",
        "postgres": "articles.search.postgres.PostgresSearchBackend",
    }[other]
    assert "articles.E304" in {message.id for message in run_checks()}


def test_a_search_matching_more_articles_than_it_lists_says_more_than_and_counts_no_further(client):
    from articles.search import search_index_rebuild
    from articles.search.backends import RESULTS_LIMIT

    published_at = timezone.now() - timedelta(hours=1)
    many = [
        Article(key=f"many-{number}", slug_en=f"many-{number}", title_en=f"Harvest report {number}", body_en="Grain.",
                slug_ru=f"many-{number}", title_ru=f"Урожай {number}", body_ru="Зерно.",
                status=Article.Status.PUBLISHED, published_at=published_at)
        for number in range(RESULTS_LIMIT + 1)
    ]
    for article in many:
        article.settle_language_publication()  # what save() does, which bulk_create skips
    Article.objects.bulk_create(many)
    search_index_rebuild()
    response = client.get(search_url("en"), {"q": "harvest"})
    assert response.context["paginator"].count == RESULTS_LIMIT
    assert f"More than {RESULTS_LIMIT} articles found" in response.content.decode()
    with translation.override("ru"):
        html = client.get(search_url("ru"), {"q": "урожай"}).content.decode()
    assert f"Найдено более {RESULTS_LIMIT} статей" in html
    exactly = client.get(search_url("en"), {"q": "harvest 7"})
    assert "More than" not in exactly.content.decode()


def test_publishing_and_withdrawing_through_the_services_reach_the_search(client, make_article):
    from articles.services import article_publish, article_unpublish

    article = make_article(title_en="Ferry timetable", status=Article.Status.DRAFT)
    assert found(client, "en", "ferry") == []
    article_publish(articles=Article.objects.filter(pk=article.pk))
    assert found(client, "en", "ferry") == [article.pk]
    article_unpublish(articles=Article.objects.filter(pk=article.pk))
    assert found(client, "en", "ferry") == []


def test_an_article_withdrawn_behind_the_index_s_back_never_appears(client, make_article):
    article = make_article(title_en="Ferry timetable")
    kept = make_article(title_en="Ferry timetable")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    assert found(client, "en", "ferry") == [kept.pk]
    assert found(client, "en", "ferry", sort="date") == [kept.pk]


def test_a_scheduled_article_is_found_once_its_time_comes_without_being_saved_again(client, make_article, monkeypatch):
    now = timezone.now()
    article = make_article(title_en="Ferry timetable", published_at=now + timedelta(days=1))
    assert found(client, "en", "ferry") == []
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(days=2))  # the clock the rule reads
    assert found(client, "en", "ferry") == [article.pk]


def test_the_search_forms_sections_are_read_once_however_often_the_field_is_shown(section):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.search.views import SearchForm

    form = SearchForm({"q": "harbour"})
    with CaptureQueriesContext(connection) as captured:
        shown = [str(form["section"]) for _ in range(2)]
    assert len(captured) == 1
    assert shown[0] == shown[1] and f'<option value="{section.pk}">' in shown[0]


def search_queries(client, language: str, **parameters) -> list[str]:
    """The SQL of a search page, with the page's HTML."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(search_url(language), parameters)
    assert response.status_code == 200
    return [query["sql"] for query in captured]


@pytest.mark.parametrize("sort", ["", "date"])
def test_a_page_of_results_is_read_with_its_count_then_its_articles_once(client, make_article, section, sort):
    for number in range(3):
        make_article(title_en=f"Ferry timetable {number}", section=section)
    queries = [sql for sql in search_queries(client, "en", q="ferry", sort=sort)
               if not sql.startswith('SELECT "articles_section"')]
    # The page's ids with the count (on PostgreSQL; SQLite's backend counts apart), then its articles.
    assert len(queries) == (2 if connection_vendor() == "postgresql" else 3)
    columns = queries[-1].split(' FROM "articles_article"')[0]
    # Only what a result shows is read: no article's body in Markdown, no other language's text.
    assert '"body_en"' not in columns and '"title_ru"' not in columns and '"title_en"' in columns


def test_a_later_page_and_a_page_past_the_results_are_read_apart_from_the_count(client, make_article, settings):
    settings.ARTICLES_PER_PAGE = 2
    ids = [make_article(title_en="Ferry timetable", published_at=timezone.now() - timedelta(hours=number)).pk
           for number in range(1, 6)]
    pages = [found(client, "en", "ferry", page=page) for page in (1, 2, 3)]
    assert pages == [ids[:2], ids[2:4], ids[4:]]
    assert client.get(search_url("en"), {"q": "ferry", "page": 4}).status_code == 404


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


def test_the_page_and_count_read_together_equal_those_read_apart(make_article, section):
    from articles.search.backends import RESULTS_LIMIT, SearchBackend, SearchFilters, search_backend

    now = timezone.now()
    for number in range(7):
        make_article(title_en="Tram plans" if number % 2 else "Notes", body_en="The tram network.",
                     section=section if number % 3 else None, published_at=now - timedelta(hours=number + 1))
    backend = search_backend()
    for text, section_id, order in [("tram", None, "relevance"), ("tram", section.pk, "date"),
                                    ("tram plans", None, "relevance"), ("nothing", None, "relevance")]:
        query, results = search_articles(text=text, language="en", section_id=section_id, order=order)
        filters = SearchFilters(section_id=section_id)
        for start, stop in [(0, 3), (3, 6), (6, 9), (9, 12)]:
            expected = (
                backend.found_ids(results.articles, query, filters=filters, order=order, start=start, stop=stop),
                backend.count_found(results.articles, query, filters=filters, limit=RESULTS_LIMIT + 1),
            )
            assert backend.found_page(results.articles, query, filters=filters, order=order, start=start,
                                      stop=stop, limit=RESULTS_LIMIT + 1) == expected
            assert SearchBackend.found_page(backend, results.articles, query, filters=filters, order=order,
                                            start=start, stop=stop, limit=RESULTS_LIMIT + 1) == expected


def test_results_sliced_after_the_count_come_from_what_it_read(make_article, django_assert_num_queries):
    ids = [make_article(title_en="Ferry timetable", published_at=timezone.now() - timedelta(hours=number)).pk
           for number in range(1, 6)]
    _query, results = search_articles(text="ferry", language="en")
    results.expect_page(0, 20)
    assert results.count() == 5
    with django_assert_num_queries(1):  # the articles only
        assert [article.pk for article in results[0:5]] == ids
    with django_assert_num_queries(1):
        assert [article.pk for article in results[2:4]] == ids[2:4]
    _query, results = search_articles(text="ferry", language="en")
    results.expect_page(2, 4)
    assert results.count() == 5
    assert [article.pk for article in results[0:2]] == ids[:2]  # not read with the count: asked for again


@pytest.mark.skipif("connection_vendor() != 'postgresql'")
def test_the_search_vectors_are_compressed_with_lz4_where_postgresql_has_it(make_article):
    from django.db import connection

    make_article(title_en="Ferry timetable", body_en=" ".join(f"ferry{number}" for number in range(1000)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT attcompression FROM pg_attribute "
                       "WHERE attrelid = 'articles_search_document'::regclass AND attname = 'document'")
        assert cursor.fetchone()[0] == "l"
        cursor.execute("SELECT pg_column_compression(document) FROM articles_search_document "
                       "WHERE pg_column_compression(document) IS NOT NULL")
        assert {row[0] for row in cursor.fetchall()} == {"lz4"}


def page_html(client, language: str, **parameters) -> str:
    """A search page's HTML without what changes with every request (the CSP nonce, the CSRF token)."""
    import re

    html = client.get(search_url(language), parameters).content.decode()
    return re.sub(r'nonce="[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_the_filters_of_a_search_without_them_are_kept_rendered_as_the_template_renders_them(
    client, make_article, section, monkeypatch,
):
    from articles.search.views import SearchView

    make_article(title_en="Ferry timetable", section=section)
    kept = page_html(client, "en", q="ferry")
    queries = search_queries(client, "en", q="ferry")
    assert not [sql for sql in queries if sql.startswith('SELECT "articles_section"')]  # nor the sections read
    monkeypatch.setattr(SearchView, "unset_filters", lambda self, language: "")
    assert page_html(client, "en", q="ferry") == kept
    monkeypatch.undo()
    with translation.override("ru"):
        assert "Экономика" in page_html(client, "ru", q="паром")


def test_a_renamed_section_shows_in_the_kept_filters_at_once(client, section):
    assert "Economy" in page_html(client, "en", q="ferry")
    section.name_en = "Business"
    section.save()
    html = page_html(client, "en", q="ferry")
    assert "Business" in html and "Economy" not in html


def test_given_filters_are_rendered_with_their_values(client, section):
    html = page_html(client, "en", q="ferry", section=section.pk, sort="date")
    assert f'<option value="{section.pk}" selected>' in html and '<option value="date" selected>' in html
    assert '<option value="" selected>' in page_html(client, "en", q="ferry", section="")
