import html as html_module
import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.markdown.typography import typeset_text
from articles.models import Article, Section, Tag
from articles.page_shells import shell_key

from .support import BROWSER, KEPT_BACK, keep_back, record, time_comes


def test_root_redirects_to_the_readers_language(client, db):
    response = client.get("/", headers={"accept-language": "kk,ru;q=0.8"})
    assert response.status_code == 302
    assert response["Location"] == "/kk/"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_the_language_cookie_wins_over_accept_language(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    assert client.get("/", headers={"accept-language": "kk"})["Location"] == "/ru/"


def test_root_redirects_to_the_default_language_without_a_preference(client, db):
    assert client.get("/")["Location"] == "/en/"


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_front_page_lists_articles_available_in_its_language(client, make_article, language):
    everywhere = make_article()
    elsewhere = make_article(languages=[code for code in ("en", "ru", "kk") if code != language])
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert everywhere.get_absolute_url(language) in html
    assert everywhere.translated("title", language) in html
    assert list(response.context["articles"]) == [everywhere]
    assert elsewhere.translated("title", language) is None


def test_front_page_is_newest_first(client, make_article):
    old = make_article(published_at=timezone.now() - timedelta(days=2))
    new = make_article(published_at=timezone.now() - timedelta(hours=2))
    assert list(client.get("/en/").context["articles"]) == [new, old]


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_article_page_shows_the_story_in_its_language(client, make_article, language):
    article = make_article(lead_ru="Коротко о главном.", body_ru="Первый абзац с *акцентом*.")
    response = client.get(article.get_absolute_url(language))
    assert response.status_code == 200
    html = response.content.decode()
    assert article.translated("title", language) in html
    assert article.byline()[0].translated("name", language) in html
    if language == "ru":
        assert "Коротко о\xa0главном." in html and "<em>акцентом</em>" in html


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_draft_is_404_in_every_language(client, make_article, language):
    draft = make_article(status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url(language)).status_code == 404


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_scheduled_article_is_404_until_its_time(client, make_article, language):
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    assert client.get(scheduled.get_absolute_url(language)).status_code == 404
    time_comes(scheduled)
    assert client.get(scheduled.get_absolute_url(language)).status_code == 200


@pytest.mark.parametrize("how", KEPT_BACK)
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_a_language_version_kept_back_is_never_shown_but_its_readers_get_a_fallback(
    client, make_article, language, how
):
    article = keep_back(make_article(), language, how)
    others = [code for code in ("en", "ru", "kk") if code != language]
    hidden = article.translated("title", language)
    page = client.get(article.get_absolute_url(language)).content.decode()
    assert hidden not in page and "noindex" in page
    assert any(article.translated("title", code) in page for code in others)
    assert hidden not in client.get(f"/{language}/").content.decode()
    other_page = client.get(article.get_absolute_url(others[0])).content.decode()
    assert f'hreflang="{language}"' not in other_page
    assert article.get_absolute_url(language) not in other_page


def test_staff_preview_a_draft_uncached_uncounted_and_noindex(admin_client, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    response = admin_client.get(draft.get_absolute_url("ru"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    draft.refresh_from_db()
    assert draft.view_count == 0


def test_a_reader_view_is_counted(client, make_article):
    article = make_article()
    client.get(article.get_absolute_url("en"), headers={"user-agent": BROWSER})
    article.refresh_from_db()
    assert article.view_count == 1


def test_article_missing_in_kazakh_is_shown_in_russian_with_a_notice(client, make_article):
    article = make_article(languages=("en", "ru"))
    response = client.get(f"/kk/articles/{article.slug_ru}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="kk">' in html
    assert f'<h1 lang="ru">{article.title_ru}</h1>' in html
    assert f'<div class="body" lang="ru">{article.body_html_ru}</div>' in html
    assert "Бұл мақала" in html  # the notice, in Kazakh
    assert f'<link rel="canonical" href="http://testserver/ru/articles/{article.slug_ru}/">' in html
    assert '<meta name="robots" content="noindex">' in html


def test_fallback_follows_the_configured_chain(client, make_article, settings):
    article = make_article(languages=("en", "ru"))
    settings.ARTICLES_FALLBACK_LANGUAGES = {"kk": ["en", "ru"]}
    html = client.get(f"/kk/articles/{article.slug_en}/").content.decode()
    assert f'<h1 lang="en">{article.title_en}</h1>' in html


def test_a_slug_from_another_language_redirects_permanently(client, make_article):
    article = make_article()
    response = client.get(f"/kk/articles/{article.slug_ru}/")
    assert response.status_code == 301
    assert response["Location"] == f"/kk/articles/{article.slug_kk}/"


def test_a_slug_from_another_language_redirects_with_the_query_string_kept(client, make_article):
    article = make_article()
    response = client.get(f"/ru/articles/{article.slug_en}/?utm_source=telegram")
    assert response.status_code == 301
    assert response["Location"] == f"/ru/articles/{article.slug_ru}/?utm_source=telegram"


def test_a_preview_at_another_languages_slug_redirects_staff_to_this_languages_one(admin_client, make_article):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    response = admin_client.get(f"/kk/articles/{draft.slug_en}/")
    assert response.status_code == 301 and response["Location"] == f"/kk/articles/{draft.slug_kk}/"


def test_a_slug_shared_by_two_articles_in_two_languages_finds_this_languages_one(client, make_article):
    english = make_article(languages=("en",), title_en="COVID-19")
    russian = make_article(languages=("ru",), title_ru="COVID-19")
    assert client.get("/ru/articles/covid-19/").context["article"] == russian
    assert client.get("/en/articles/covid-19/").context["article"] == english


def test_language_switcher_links_to_the_same_article_in_each_available_language(client, make_article):
    article = make_article(languages=("en", "ru"))
    links = client.get(article.get_absolute_url("en")).context["language_links"]()
    assert [(link["code"], link["url"]) for link in links] == [
        ("en", f"/en/articles/{article.slug_en}/"), ("ru", f"/ru/articles/{article.slug_ru}/"),
    ]
    html = client.get(article.get_absolute_url("en")).content.decode()
    assert f'<a href="/ru/articles/{article.slug_ru}/" hreflang="ru" lang="ru">Русский</a>' in html


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_language_switcher_names_each_language_in_that_language(client, make_article, language):
    html = client.get(make_article().get_absolute_url(language)).content.decode()
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.DOTALL).group()
    names = re.findall(r'lang="(\w+)"[^>]*>([^<]+)<', switcher)
    assert names == [("en", "English"), ("ru", "Русский"), ("kk", "Қазақша")]


def test_the_switchers_language_names_are_a_setting(client, make_article, settings):
    settings.ARTICLES_LANGUAGE_NAMES = {"kk": "Қазақ тілі"}
    html = client.get(make_article().get_absolute_url("ru")).content.decode()
    assert 'lang="kk">Қазақ тілі</a>' in html and 'lang="en">English</a>' in html


@pytest.mark.parametrize(
    ("language", "later", "earlier"),
    [("en", "Later", "Earlier"), ("ru", "Позже", "Раньше"), ("kk", "Кейінірек", "Бұрынырақ")],
)
def test_pagination_leads_to_later_and_earlier_articles_in_the_pages_language(
    client, make_article, settings, language, later, earlier
):
    settings.ARTICLES_PER_PAGE = 1
    for _ in range(3):
        make_article()
    html = client.get(f"/{language}/", {"page": 2}).content.decode()
    assert f'<a rel="prev" href="?page=1">{later}</a>' in html
    assert f'<a rel="next" href="?page=3">{earlier}</a>' in html


def test_a_later_page_reads_its_ids_first_from_the_nearer_end_then_those_articles(client, make_article, settings):
    settings.ARTICLES_PER_PAGE = 2
    articles = [make_article(published_at=timezone.now() - timedelta(hours=hours)) for hours in range(1, 8)]
    make_article(status=Article.Status.DRAFT)
    for page, expected in [(2, articles[2:4]), (3, articles[4:6]), (4, articles[6:])]:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/en/", {"page": page})
        assert list(response.context["articles"]) == expected
        id_queries = [query["sql"] for query in queries.captured_queries
                      if query["sql"].startswith('SELECT "articles_article"."id" AS "pk" FROM')]
        assert len(id_queries) == 1
        # The last page is read from the oldest end: it skips the few entries after it, not the thousands before.
        from_the_oldest = {2: "DESC LIMIT 2 OFFSET 2", 3: "ASC LIMIT 2 OFFSET 1", 4: "ASC LIMIT 1"}[page]
        assert id_queries[0].endswith(from_the_oldest), id_queries[0]
    cache.clear()
    with CaptureQueriesContext(connection) as first_page:
        client.get("/en/")
    assert not [query for query in first_page.captured_queries
                if query["sql"].startswith('SELECT "articles_article"."id" AS "pk" FROM')]


def test_hreflang_alternates_cover_available_languages_and_x_default(client, make_article):
    article = make_article(languages=("ru", "kk"))
    html = client.get(article.get_absolute_url("kk")).content.decode()
    assert f'<link rel="alternate" hreflang="ru" href="http://testserver/ru/articles/{article.slug_ru}/">' in html
    assert f'<link rel="alternate" hreflang="kk" href="http://testserver/kk/articles/{article.slug_kk}/">' in html
    assert 'hreflang="en"' not in html.split("</head>")[0]
    assert f'hreflang="x-default" href="http://testserver/ru/articles/{article.slug_ru}/"' in html


def test_byline_links_to_author_pages(client, make_article):
    first, second = make_article.author(), make_article.author()
    article = make_article(authors=[first, second])
    html = client.get(article.get_absolute_url("ru")).content.decode()
    assert f'<a class="author" rel="author" href="/ru/authors/{first.slug}/">{first.name_ru}</a> и ' in html
    assert f'href="/ru/authors/{second.slug}/"' in html


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_author_page_lists_their_articles_in_this_language(client, make_article, language):
    writer = make_article.author(bio_ru="Пишет об *экономике*.")
    theirs = make_article(authors=[writer])
    make_article(authors=[writer], languages=[c for c in ("en", "ru", "kk") if c != language])
    make_article()
    response = client.get(writer.get_absolute_url(language))
    assert response.status_code == 200
    assert list(response.context["articles"]) == [theirs]
    if language == "ru":
        assert "<em>экономике</em>" in response.content.decode()


def test_section_page_is_at_its_slug_in_each_language(client, make_article, section):
    article = make_article(section=section)
    response = client.get(f"/ru/sections/{section.slug_ru}/")
    assert list(response.context["articles"]) == [article]
    redirect = client.get(f"/ru/sections/{section.slug_en}/?page=1")
    assert redirect.status_code == 301 and redirect["Location"] == f"/ru/sections/{section.slug_ru}/?page=1"


def test_more_from_the_same_section_leaves_out_the_article_itself(client, make_article, section):
    article, other = make_article(section=section), make_article(section=section)
    # Four articles of other sections sharing a tag fill "Related articles", which would show `other` otherwise.
    tag = Tag.objects.create(name_en="Budget")
    article.tags.add(tag)
    for _ in range(4):
        make_article().tags.add(tag)
    response = client.get(article.get_absolute_url("en"))
    assert response.context["more_from_section"]() == [other]


def test_head_has_share_metadata_and_json_ld(client, make_article):
    article = make_article(lead_en="Parliament approved the budget.")
    html = client.get(article.get_absolute_url("en")).content.decode()
    head = html.split("</head>")[0]
    assert f"<title>{article.title_en} — Newsroom</title>" in head
    assert '<meta name="description" content="Parliament approved the budget.">' in head
    assert '<meta property="og:type" content="article">' in head
    assert '<meta property="og:locale" content="en_US">' in head
    assert '<meta name="twitter:card" content="summary">' in head
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', head).group(1))
    assert data["@type"] == "NewsArticle" and data["headline"] == article.title_en
    assert data["inLanguage"] == "en" and data["author"][0]["name"] == article.byline()[0].name_en


def test_a_hostile_title_is_escaped_everywhere_in_the_head(client, make_article):
    hostile = '</script><script>alert(1)</script>"><img src=x onerror=alert(1)>'
    article = make_article(languages=("en",), title_en=hostile, lead_en=hostile)
    html = client.get(article.get_absolute_url("en")).content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert data["headline"] == typeset_text(hostile, "en")


def head_and_body_titles(html: str) -> list[str]:
    """The article's title and lead wherever the page carries them: title, meta, og:, twitter:, h1, lead, JSON-LD."""
    head = html.split("</head>")[0]
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', head).group(1))
    return [
        re.search(r"<title>(.*?) — ", head).group(1),
        *re.findall(r'<meta (?:name|property)="(?:description|og:title|og:description|twitter:title|'
                    r'twitter:description)" content="([^"]*)"', head),
        re.search(r"<h1[^>]*>(.*?)</h1>", html).group(1),
        re.search(r'<p class="lead"[^>]*>(.*?)</p>', html).group(1),
        data["headline"], data["description"],
    ]


@pytest.mark.parametrize(
    ("language", "title", "expected"),
    [
        ("en", "Astana's \"green\" budget, 2024-2026", "Astana’s “green” budget, 2024–2026"),
        ("ru", 'Бюджет "зелёной" Астаны', "Бюджет «зелёной» Астаны"),
        ("kk", 'Астананың "жасыл" бюджеті', "Астананың «жасыл» бюджеті"),
    ],
)
def test_titles_and_leads_are_set_in_the_typography_of_their_language_everywhere_on_the_page(
    client, make_article, language, title, expected
):
    article = make_article(**{f"title_{language}": title, f"lead_{language}": title})
    html = client.get(article.get_absolute_url(language)).content.decode()
    found = [html_module.unescape(text) for text in head_and_body_titles(html)]
    assert len(found) == 10 and set(found) == {expected}
    front_page = html_module.unescape(client.get(f"/{language}/").content.decode())
    assert f">{expected}</a></h2>" in front_page and f'<p class="lead">{expected}</p>' in front_page


def test_typography_on_a_title_never_lets_markup_through(client, make_article):
    article = make_article(languages=("en",), title_en="It's <b> \"bold\" </b> & more", lead_en="")
    html = client.get(article.get_absolute_url("en")).content.decode()
    assert "<b>" not in html
    assert "<h1 lang=\"en\">It’s &lt;b&gt; “bold” &lt;/b&gt; &amp; more</h1>" in html


@pytest.mark.parametrize("path", ["/de/", "/xx/articles/a/", "/en/articles/", "/en/nowhere/", "/en/articles/a b/"])
def test_unknown_paths_are_404(client, db, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("page", ["2", "0", "abc", "-1"])
def test_pages_out_of_range_or_not_numbers_are_404(client, make_article, page):
    make_article()
    assert client.get("/en/", {"page": page}).status_code == 404


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [("en", 1, "1 view"), ("en", 9543, "9,543 views"), ("ru", 1, "1 просмотр"), ("ru", 3, "3 просмотра")],
)
def test_view_count_is_written_in_the_pages_language(client, make_article, language, count, expected):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(view_count=count)
    html = client.get(article.get_absolute_url(language)).content.decode()
    assert expected.replace(" ", "\xa0") in html.replace(" ", "\xa0")


@pytest.mark.parametrize(("language", "heading"), [("en", "Page not found"), ("ru", "Страница не найдена"),
                                                   ("kk", "Бет табылмады")])
def test_not_found_page_speaks_the_language_of_the_address(client, db, language, heading):
    response = client.get(f"/{language}/articles/no-such-story/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}">' in html and f"<h1>{heading}</h1>" in html


@pytest.mark.parametrize(("language", "search_label", "latest"), [
    ("en", "Perhaps a search finds what you were looking for:", "Latest news"),
    ("ru", "Возможно, поиск найдёт то, что вы искали:", "Последние новости"),
    ("kk", "Іздегеніңізді сайттан іздеп көріңіз:", "Соңғы жаңалықтар"),
])
def test_not_found_page_helps_the_reader_onward_in_the_language_of_the_address(
    client, make_article, language, search_label, latest
):
    own = make_article(languages=(language,), **{f"title_{language}": 'Story "one"'})
    other = make_article(languages=[code for code in ("en", "ru", "kk") if code != language])
    html = client.get(f"/{language}/no-such-page/").content.decode()
    assert '<form class="search-form" role="search"' in html and f'action="/{language}/search/"' in html
    assert f'<label for="not-found-search">{search_label}</label>' in html
    assert f'<a href="/{language}/">' in html
    assert f'<h2 id="latest-heading">{latest}</h2>' in html
    expected_title = "Story «one»" if language != "en" else "Story “one”"
    assert f'<a href="{own.get_absolute_url(language)}">{expected_title}</a>' in html
    assert other.get_absolute_url(language) not in html


def test_not_found_page_renders_when_the_database_is_down(client, make_article):
    make_article()

    def database_down(execute, sql, params, many, context):
        raise OperationalError("could not connect to server")

    with connection.execute_wrapper(database_down):
        response = client.get("/kk/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Бет табылмады</h1>" in html and 'id="not-found-search"' in html and '<a href="/kk/">' in html
    assert "latest-heading" not in html


def test_favicon_ico_leads_to_the_sites_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200 and icon["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(icon.streaming_content)


def test_every_page_links_its_icon(client, make_article):
    html = client.get(make_article().get_absolute_url("ru")).content.decode()
    assert re.search(r'<link rel="icon" href="/static/articles/favicon[.\w]*\.svg" type="image/svg\+xml">', html)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "5 August 2016"), ("ru", "5 августа 2016 г."), ("kk", "2016 ж. 5 тамыз")],
)
def test_publication_date_is_written_in_the_pages_language(client, make_article, language, expected, settings):
    settings.TIME_ZONE = "Asia/Almaty"
    article = make_article(published_at=datetime(2016, 8, 5, 12, 0, tzinfo=UTC))
    assert expected in client.get(article.get_absolute_url(language)).content.decode()


@pytest.mark.parametrize(("language", "text"), [("en", "Follow us on Telegram"),
                                                ("ru", "Подписывайтесь на наш Telegram-канал"),
                                                ("kk", "Telegram-арнамызға жазылыңыз")])
def test_article_page_invites_readers_to_the_telegram_channel_of_its_language(
    client, make_article, settings, language, text
):
    settings.ARTICLES_TELEGRAM = {"en": {"url": "https://t.me/newsroom_en"}, "ru": {"url": "https://t.me/newsroom_ru"},
                                  "kk": {"url": "https://t.me/newsroom_kk", "text": "Біздің арнаға жазылыңыз"}}
    html = client.get(make_article().get_absolute_url(language)).content.decode()
    expected = "Біздің арнаға жазылыңыз" if language == "kk" else text
    assert f'<a class="telegram-button" href="https://t.me/newsroom_{language}" rel="noopener">{expected}</a>' in html
    # And the footer of every page names the channel.
    assert f'<a href="https://t.me/newsroom_{language}" rel="noopener">' in client.get(f"/{language}/").content.decode()


def test_no_telegram_invitation_without_a_channel(client, make_article, settings):
    settings.ARTICLES_TELEGRAM = {}
    html = client.get(make_article().get_absolute_url("en")).content.decode()
    assert 'class="telegram' not in html and "Telegram channel" not in html
    assert "t.me/" not in html.replace("https://t.me/share/url?", "")  # only the share link leads there


@pytest.mark.parametrize(("language", "heading"), [("en", "Something went wrong"), ("ru", "Что-то пошло не так"),
                                                   ("kk", "Бірдеңе дұрыс болмады")])
def test_server_error_page_speaks_the_readers_language(rf, language, heading):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override(language):
        response = server_error(rf.get(f"/{language}/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in html and f"<h1>{heading}</h1>" in html


SITE_URL = "https://news.example.kz"


def absolute_links(html: str) -> list[str]:
    """Every absolute URL in the head: canonical, alternates, Open Graph, JSON-LD."""
    head = html.split("</head>")[0]
    return re.findall(r'https?://[^"\s<>]+', head.replace('\\"', '"'))


def test_absolute_links_start_with_the_configured_site_url_whatever_the_host_header(client, make_article, settings):
    settings.ARTICLES_SITE_URL = SITE_URL
    article = make_article(languages=("en", "ru"))
    html = client.get(article.get_absolute_url("en"), headers={"host": "testserver:8443"}).content.decode()
    assert f'<link rel="canonical" href="{SITE_URL}/en/articles/{article.slug_en}/">' in html
    assert f'<meta property="og:url" content="{SITE_URL}/en/articles/{article.slug_en}/">' in html
    assert f'<link rel="alternate" hreflang="ru" href="{SITE_URL}/ru/articles/{article.slug_ru}/">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert data["mainEntityOfPage"] == f"{SITE_URL}/en/articles/{article.slug_en}/"
    assert data["author"][0]["url"] == f"{SITE_URL}/en/authors/{article.byline()[0].slug}/"
    links = [link for link in absolute_links(html) if "schema.org" not in link]
    assert links and all(link.startswith(f"{SITE_URL}/") for link in links), links


def test_without_a_site_url_absolute_links_leave_out_the_port_of_the_host_header(client, make_article):
    article = make_article()
    html = client.get(article.get_absolute_url("en"), headers={"host": "testserver:8443"}).content.decode()
    assert f'<link rel="canonical" href="http://testserver/en/articles/{article.slug_en}/">' in html
    assert ":8443" not in html


def test_the_page_cache_keeps_one_entry_whatever_port_the_host_header_names(client, rf, make_article):
    article = make_article()
    # With a session cookie, the page is made every time (no shell), and its parts' key is in the context.
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    keys = {
        client.get(article.get_absolute_url("en"), headers={"host": f"testserver:{port}"}).context["page_cache_key"]
        for port in (80, 8080, 65535)
    }
    assert len(keys) == 1
    shell_keys = {
        shell_key(rf.get(article.get_absolute_url("en"), headers={"host": f"testserver:{port}"}), "en")
        for port in (80, 8080, 65535)
    }
    assert len(shell_keys) == 1


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_a_section_with_only_drafts_is_404_until_an_article_is_public_in_its_language(
    client, make_article, section, language
):
    make_article(section=section, status=Article.Status.DRAFT)
    make_article(section=section, published_at=timezone.now() + timedelta(hours=1))
    make_article(section=section, languages=[code for code in ("en", "ru", "kk") if code != language])
    assert client.get(section.get_absolute_url(language)).status_code == 404
    make_article(section=section, languages=(language,))
    assert client.get(section.get_absolute_url(language)).status_code == 200


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_an_author_with_only_drafts_is_404_until_an_article_is_public_in_its_language(
    client, make_article, language
):
    writer = make_article.author()
    make_article(authors=[writer], status=Article.Status.DRAFT)
    make_article(authors=[writer], languages=[code for code in ("en", "ru", "kk") if code != language])
    assert client.get(writer.get_absolute_url(language)).status_code == 404
    make_article(authors=[writer], languages=(language,))
    assert client.get(writer.get_absolute_url(language)).status_code == 200


def test_section_and_author_language_switchers_offer_only_languages_with_public_articles(
    client, make_article, section
):
    writer = make_article.author()
    make_article(section=section, authors=[writer], languages=("en", "ru"))
    for url in (section.get_absolute_url("en"), writer.get_absolute_url("en")):
        links = client.get(url).context["language_links"]()
        assert [link["code"] for link in links] == ["en", "ru"], url


def test_a_fallback_pages_section_and_author_links_lead_to_pages_that_exist(client, make_article, section):
    writer = make_article.author()
    article = make_article(section=section, authors=[writer], languages=("ru",))
    html = client.get(f"/kk/articles/{article.slug_ru}/").content.decode()
    links = set(re.findall(r'href="((?:http://testserver)?/\w\w/(?:sections|authors)/[^"]+)"', html))
    links |= {json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
              ["author"][0]["url"]}
    assert len(links) == 3, links
    for link in links:
        assert client.get(link.removeprefix("http://testserver")).status_code == 200, link


def test_front_page_opens_with_the_lead_story_then_teasers(client, make_article, section):
    older, newest = make_article(section=section), make_article(section=section, published_at=timezone.now())
    html = client.get("/en/").content.decode()
    lead, teasers = html.split('<div class="teasers">')
    assert f'href="{newest.get_absolute_url("en")}"' in lead and 'class="lead-story"' in lead
    assert f'href="{older.get_absolute_url("en")}"' in teasers


def test_only_the_first_page_has_a_lead_story(client, make_article, settings):
    settings.ARTICLES_PER_PAGE = 1
    make_article(), make_article()
    assert 'class="lead-story"' in client.get("/en/").content.decode()
    later = client.get("/en/?page=2").content.decode()
    assert 'class="lead-story"' not in later and 'class="teaser"' in later


@pytest.mark.parametrize(("language", "names"), [("en", ["Society", "Culture"]), ("ru", ["Общество", "Культура"]),
                                                  ("kk", ["Қоғам", "Мәдениет"])])
def test_the_header_lists_the_sections_with_articles_in_the_pages_language(client, make_article, language, names):
    society = Section.objects.create(name_en="Society", name_ru="Общество", name_kk="Қоғам", position=1)
    culture = Section.objects.create(name_en="Culture", name_ru="Культура", name_kk="Мәдениет", position=2)
    Section.objects.create(name_en="Empty", name_ru="Пусто", name_kk="Бос", position=0)
    make_article(section=culture)
    make_article(section=society)
    make_article(section=Section.objects.create(name_en="English only", position=3), languages=("ru", "kk"))
    html = client.get(f"/{language}/").content.decode()
    menu = html.split('<nav class="section-menu"')[1].split("</nav>")[0]
    assert re.findall(r'<a href="[^"]+">([^<]+)</a>', menu) == names
    assert f'href="{society.get_absolute_url(language)}"' in menu


def test_the_section_menu_is_cached_and_renewed_by_an_edit(client, make_article, section):
    make_article(section=section)
    client.get("/ru/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/ru/")
    assert not [query for query in captured if "articles_section" in query["sql"] and "EXISTS" in query["sql"]]
    section.name_ru = "Новое имя"
    section.save()
    assert ">Новое имя</a></li></ul>" in client.get("/ru/").content.decode()


def test_front_page_costs_two_queries_once_the_caches_are_warm(client, make_article, section):
    for _ in range(8):
        record(make_article(section=section), "en", 2)
    client.get("/en/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/en/").status_code == 200
    # The page's articles and their count; the section menu and "most read" come from the cache.
    assert len(captured) == 2, [query["sql"] for query in captured]


def test_front_page_on_a_cold_cache_costs_at_most_five_queries(client, make_article, section):
    for _ in range(8):
        record(make_article(section=section), "en", 2)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/en/").status_code == 200
    # The articles, their count, the section menu, and "most read" today (three read: no week needed): the day's
    # totals, then the public ones among the candidates.
    assert len(captured) <= 5, [query["sql"] for query in captured]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "5 August 2016, 18:00"), ("ru", "5 августа 2016 г. 18:00"), ("kk", "2016 ж. 5 тамыз, 18:00"),
])
def test_dates_carry_the_time_of_day(client, make_article, section, language, expected, settings):
    settings.TIME_ZONE = "Asia/Almaty"
    article = make_article(section=section, published_at=datetime(2016, 8, 5, 12, 0, tzinfo=UTC))
    assert expected in client.get(article.get_absolute_url(language)).content.decode()
    assert expected in client.get(f"/{language}/").content.decode()
    assert expected in client.get(section.get_absolute_url(language)).content.decode()


@pytest.mark.parametrize(("language", "words", "expected"), [
    ("en", 10, "1 min read"), ("en", 1000, "5 min read"),
    ("ru", 10, "1 минута чтения"), ("ru", 400, "2 минуты чтения"), ("ru", 1000, "5 минут чтения"),
    ("ru", 4200, "21 минута чтения"),
    ("kk", 10, "1 минутта оқылады"), ("kk", 1000, "5 минутта оқылады"),
])
def test_article_page_gives_the_reading_time_in_the_pages_language(client, make_article, language, words, expected):
    article = make_article(**{f"body_{code}": "слово " * words for code in ("en", "ru", "kk")})
    html = client.get(article.get_absolute_url(language)).content.decode()
    assert f'<span class="reading-time">{expected}</span>' in html


@pytest.mark.parametrize(("language", "label"), [("en", "Updated"), ("ru", "Обновлено"), ("kk", "Жаңартылды")])
def test_an_article_edited_after_publishing_says_when(client, make_article, language, label):
    article = make_article(published_at=timezone.now() - timedelta(days=2))
    Article.objects.filter(pk=article.pk).update(updated_at=article.published_at + timedelta(seconds=30))
    assert 'class="updated"' not in client.get(article.get_absolute_url(language)).content.decode()
    article.title_en = "Corrected"
    article.save()
    html = client.get(article.get_absolute_url(language)).content.decode()
    assert f'<span class="updated">{label} <time datetime="' in html


def test_article_page_shares_its_canonical_address_through_plain_links(client, make_article, settings):
    settings.ARTICLES_SITE_URL = "https://news.example.kz"
    article = make_article(title_en="Trams & buses")
    html = client.get(article.get_absolute_url("en")).content.decode()
    address = quote(f"https://news.example.kz{article.get_absolute_url('en')}", safe="")
    for start in (f"https://t.me/share/url?url={address}&amp;text=Trams+%26+buses",
                  "https://wa.me/?text=Trams+%26+buses+" + address,
                  f"https://www.facebook.com/sharer/sharer.php?u={address}",
                  f"https://x.com/intent/post?url={address}&amp;text=Trams+%26+buses",
                  f"https://vk.com/share.php?url={address}&amp;title=Trams+%26+buses"):
        assert f'<a href="{start}" rel="noopener nofollow">' in html
    assert f'<a class="share-copy" href="https://news.example.kz{article.get_absolute_url("en")}"' in html
    # Nothing is loaded from those networks: every script, style and image is the site's own.
    sources = re.findall(r'<(?:script|img)[^>]* src="([^"]+)"|<link[^>]* href="([^"]+)"', html)
    assert [src for pair in sources for src in pair if src.startswith("/static/articles/share")]
    assert not [src for pair in sources for src in pair if src.startswith("http") and "news.example.kz" not in src]
