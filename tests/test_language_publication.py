"""Each language version is draft, scheduled or published on its own; the article's status is the master switch.

Every public surface asks one rule (``ArticleQuerySet.public`` and its Python twin ``Article.public_languages``):
the list, the article page, the switcher, hreflang, the feed, the sitemaps, search, most read, the fallback, the
section and author pages and the view-counting beacon. Time moves by the clock the rule reads (``timezone.now``),
never by a job, a save or a renewed cache.
"""

import importlib
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.utils import timezone
from django.utils.feedgenerator import rfc2822_date

from articles.counting.selectors import most_read, most_read_cache_key
from articles.models import Article, ArticleDailyViews, Section
from articles.selectors import article_is_public
from articles.services import article_language_publish, article_language_unpublish, article_publish, article_unpublish

from .support import BROWSER, article_form, change_url

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LANGUAGES = ("en", "ru", "kk")


@pytest.fixture
def clock(monkeypatch):
    """Move the clock the publication rule reads, as time would."""

    class Clock:
        start = timezone.now()

        def move(self, delta: timedelta) -> None:
            moment = self.start + delta
            monkeypatch.setattr(timezone, "now", lambda: moment)

    return Clock()


@pytest.fixture
def story(make_article):
    """A story public in English and Russian an hour ago, its Kazakh version scheduled for tomorrow."""
    section = Section.objects.create(name_en="Culture", name_ru="Культура", name_kk="Мәдениет")
    article = make_article(
        section=section,
        title_en="Museum night opens", body_en="The museum stays open.",
        title_ru="Ночь музеев открывается", body_ru="Музей открыт ночью.",
        title_kk="Мұражай түні ашылады", body_kk="Мұражай түнде көрермендерге ашық.",
    )
    Article.objects.filter(pk=article.pk).update(view_count=50)
    # Read in Kazakh on each of the days the tests move the clock over (as if the version were public).
    ArticleDailyViews.objects.bulk_create(
        ArticleDailyViews(article=article, language="kk", day=timezone.localdate() + timedelta(days=day), views=50)
        for day in range(4)
    )
    article.status_kk, article.published_at_kk = Article.Status.PUBLISHED, timezone.now() + timedelta(days=1)
    article.save()
    return article


def forget_cached_lists() -> None:
    """What a minute does to the "most read" lists (cached for ARTICLES_MOST_READ_CACHE_SECONDS)."""
    cache.delete_many([most_read_cache_key(language=code, days=days, limit=5) for code in LANGUAGES for days in (1, 7)])


def sitemap_text(client) -> str:
    """Every sitemap file the index names, and the news sitemap, as one text."""
    texts = [client.get("/sitemap-news.xml").content.decode()]
    for entry in ET.fromstring(client.get("/sitemap.xml").content).findall(f"{SITEMAP}sitemap"):
        location = urlsplit(entry.findtext(f"{SITEMAP}loc"))
        texts.append(client.get(location.path + (f"?{location.query}" if location.query else "")).content.decode())
    return "\n".join(texts)


def kazakh_surfaces(client, article: Article) -> dict[str, bool]:
    """Where the Kazakh version shows, surface by surface."""
    kazakh_path = f"/kk/articles/{article.slug_kk}/"
    english_page = client.get(article.get_absolute_url("en"), headers={"user-agent": BROWSER}).content.decode()
    kazakh_page = client.get(kazakh_path, headers={"user-agent": BROWSER})
    forget_cached_lists()
    return {
        "list": article.title_kk in client.get("/kk/").content.decode(),
        "article page": kazakh_page.status_code == 200 and article.title_kk in kazakh_page.content.decode(),
        "switcher and hreflang": kazakh_path in english_page,
        "hreflang": 'hreflang="kk"' in english_page,
        "feed": article.title_kk in client.get("/kk/feed/").content.decode(),
        "sitemaps": kazakh_path in sitemap_text(client),
        "search": article.pk in [found.pk for found in client.get("/kk/search/", {"q": "мұражай"}).context["articles"]],
        "most read": article in most_read(language="kk", days=7),
        "section page": client.get(article.section.get_absolute_url("kk")).status_code == 200,
        "author page": client.get(article.byline()[0].get_absolute_url("kk")).status_code == 200,
        "beacon": article_is_public(article_id=article.pk, language="kk"),
        "public()": Article.objects.public("kk").filter(pk=article.pk).exists(),
        "public_languages()": "kk" in Article.objects.get(pk=article.pk).public_languages(),
    }


def test_a_scheduled_language_is_on_no_public_surface_until_its_time_then_on_every_one(client, story, clock):
    assert not any(kazakh_surfaces(client, story).values()), kazakh_surfaces(client, story)
    # The other languages are public meanwhile; the Kazakh reader gets the story in Russian, marked as a fallback.
    kazakh_page = client.get(f"/kk/articles/{story.slug_kk}/").content.decode()
    assert story.title_ru in kazakh_page and "noindex" in kazakh_page
    assert story.title_en in client.get("/en/").content.decode()

    clock.move(timedelta(days=1, minutes=1))  # no save, no job, no cache renewed
    surfaces = kazakh_surfaces(client, story)
    assert all(surfaces.values()), surfaces


def test_a_scheduled_language_is_no_fallback_target_until_its_time(client, make_article, clock):
    # A Kazakh reader's chain is kk → ru → en: the Russian version, scheduled, is skipped for the English one.
    article = make_article(languages=("en", "ru"))
    article.status_ru, article.published_at_ru = Article.Status.PUBLISHED, timezone.now() + timedelta(hours=2)
    article.save()
    page = client.get(f"/kk/articles/{article.slug_en}/").content.decode()
    assert article.title_en in page and article.title_ru not in page
    assert client.get(f"/ru/articles/{article.slug_ru}/").content.decode().count(article.title_ru) == 0

    clock.move(timedelta(hours=3))
    page = client.get(f"/kk/articles/{article.slug_en}/").content.decode()
    assert article.title_ru in page


def test_withdrawing_one_language_removes_it_everywhere_and_the_switcher_and_hreflang_follow(client, story, clock):
    clock.move(timedelta(days=2))
    assert all(kazakh_surfaces(client, story).values())

    assert article_language_unpublish(articles=Article.objects.filter(pk=story.pk), language="kk") == 1
    surfaces = kazakh_surfaces(client, story)
    assert not any(surfaces.values()), surfaces
    # English and Russian are untouched, and link to each other only.
    english_page = client.get(story.get_absolute_url("en")).content.decode()
    assert 'hreflang="ru"' in english_page and f"/ru/articles/{story.slug_ru}/" in english_page

    assert article_language_publish(articles=Article.objects.filter(pk=story.pk), language="kk") == 1
    assert all(kazakh_surfaces(client, story).values())


def test_withdrawing_the_article_withdraws_every_language_and_publishing_it_again_restores_each_as_it_was(
    client, story, clock
):
    article_unpublish(articles=Article.objects.filter(pk=story.pk))
    assert Article.objects.get(pk=story.pk).public_languages() == []
    for code in LANGUAGES:
        assert client.get(story.get_absolute_url(code)).status_code == 404
    article_publish(articles=Article.objects.filter(pk=story.pk))
    story.refresh_from_db()
    assert story.public_languages() == ["en", "ru"]
    assert story.language_state("kk") == "scheduled"


def test_the_python_twin_agrees_with_the_queryset_at_every_moment(make_article, clock):
    now = timezone.now()
    article = make_article()
    article.status_ru = Article.Status.DRAFT
    article.published_at_kk = now + timedelta(hours=5)
    article.save()
    for hours in (0, 4, 6):
        moment = now + timedelta(hours=hours)
        clock.move(timedelta(hours=hours))
        stored = Article.objects.get(pk=article.pk)
        assert stored.public_languages() == [
            code for code in LANGUAGES if Article.objects.public(code, now=moment).filter(pk=article.pk).exists()
        ]
    assert stored.public_languages() == ["en", "kk"]


def test_a_new_published_article_publishes_every_available_language_at_its_time(make_article):
    when = timezone.now() - timedelta(days=2)
    article = make_article(languages=("en", "kk"), published_at=when)
    assert [(article.translated("status", code), article.translated("published_at", code)) for code in LANGUAGES] == [
        ("published", when), (None, None), ("published", when),
    ]


def test_a_translation_added_later_follows_the_article_unless_a_state_was_chosen(make_article):
    article = make_article(languages=("en",))
    article.title_ru, article.body_ru = "Перевод", "Текст."
    article.status_kk = Article.Status.DRAFT  # the editors keep Kazakh back
    article.title_kk, article.body_kk = "Аударма", "Мәтін."
    article.save()
    assert article.public_languages() == ["en", "ru"]
    assert article.published_at_ru == article.published_at


def test_moving_the_article_s_time_moves_the_languages_that_shared_it(make_article):
    article = make_article(published_at=timezone.now() + timedelta(days=1))
    article.published_at_kk = timezone.now() + timedelta(days=3)
    article.save()
    article = Article.objects.get(pk=article.pk)
    article.published_at = timezone.now() - timedelta(minutes=1)
    article.save()
    assert article.public_languages() == ["en", "ru"]
    assert article.language_state("kk") == "scheduled"


def test_publishing_a_language_without_a_time_publishes_it_now_and_a_scheduled_one_stays_scheduled(make_article):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(status_ru="draft", status_kk="draft", published_at_ru=None)
    later = timezone.now() + timedelta(days=1)
    Article.objects.filter(pk=article.pk).update(published_at_kk=later)
    for code in ("ru", "kk"):
        article_language_publish(articles=Article.objects.filter(pk=article.pk), language=code)
    article.refresh_from_db()
    assert article.published_at_ru <= timezone.now() and article.published_at_kk == later
    assert article.public_languages() == ["en", "ru"]


def test_a_language_without_text_cannot_be_published(make_article):
    article = make_article(languages=("en",))
    assert article_language_publish(articles=Article.objects.filter(pk=article.pk), language="kk") == 0
    article.refresh_from_db()
    assert article.status_kk is None


def test_lists_in_a_language_are_ordered_by_that_language_s_time(make_article):
    older, newer = make_article(), make_article()
    Article.objects.filter(pk=older.pk).update(published_at_kk=timezone.now() - timedelta(minutes=1))
    assert list(Article.objects.public("kk")) == [older, newer]
    assert list(Article.objects.public("en")) == [newer, older]


def test_staff_preview_a_scheduled_language_uncached_and_noindex(admin_client, story):
    response = admin_client.get(f"/kk/articles/{story.slug_kk}/")
    assert response.status_code == 200 and response.context["preview"]
    assert story.title_kk in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex" and "no-cache" in response["Cache-Control"]


# --- The admin ----------------------------------------------------------------------------------------------

CHANGELIST = "/admin/articles/article/"


def test_the_admin_list_and_form_show_each_language_s_state(client, editor, story):
    client.force_login(editor)
    listing = client.get(CHANGELIST).content.decode()
    assert 'data-state="published">EN' in listing and 'data-state="scheduled">KK' in listing
    form = client.get(change_url(story)).content.decode()
    for code in LANGUAGES:
        assert f'name="status_{code}"' in form and f'name="published_at_{code}_0"' in form
    assert 'data-state="scheduled">KK' in form


def test_an_editor_publishes_and_withdraws_one_language_from_the_list(client, editor, make_article):
    article = make_article()
    client.force_login(editor)
    actions = client.get(CHANGELIST).content.decode()
    assert 'value="publish_kk"' in actions and 'value="withdraw_kk"' in actions
    response = client.post(CHANGELIST, {"action": "withdraw_kk", "_selected_action": [article.pk]}, follow=True)
    assert "1 article withdrawn (Kazakh)." in response.content.decode()
    article.refresh_from_db()
    assert article.public_languages() == ["en", "ru"] and article.status == Article.Status.PUBLISHED
    client.post(CHANGELIST, {"action": "publish_kk", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.public_languages() == ["en", "ru", "kk"]


def test_an_editor_schedules_one_language_in_the_form(client, editor, make_article):
    article = make_article(status=Article.Status.DRAFT, published_at=None, languages=("en", "kk"))
    client.force_login(editor)
    tomorrow = timezone.localtime() + timedelta(days=1)
    form = article_form(
        article.byline()[0], title_kk="Ертеңгі жаңалық", body_kk="Мәтін.", status="published",
        status_kk="published", published_at_kk_0=tomorrow.strftime("%Y-%m-%d"), published_at_kk_1="10:00:00",
        **{"bylines-INITIAL_FORMS": "1", "bylines-0-id": str(article.bylines.get().pk),
           "bylines-0-article": str(article.pk)},
    )
    assert client.post(change_url(article), form).status_code == 302
    article.refresh_from_db()
    assert article.public_languages() == ["en"] and article.language_state("kk") == "scheduled"


def test_those_who_may_not_publish_get_no_language_actions_and_cannot_post_a_language_state(
    client, author_user, make_article
):
    draft = make_article(status=Article.Status.DRAFT, languages=("en",))
    client.force_login(author_user)
    assert 'value="publish_en"' not in client.get(CHANGELIST).content.decode()
    client.post(CHANGELIST, {"action": "publish_en", "_selected_action": [draft.pk]})
    form = article_form(
        draft.byline()[0], status_en="published",
        **{"bylines-INITIAL_FORMS": "1", "bylines-0-id": str(draft.bylines.get().pk),
           "bylines-0-article": str(draft.pk)},
    )
    assert 'name="status_en"' not in client.get(change_url(draft)).content.decode()
    client.post(change_url(draft), form)
    draft.refresh_from_db()
    assert draft.status_en is None and draft.status == Article.Status.DRAFT


def test_a_translator_cannot_publish_their_language(client, roles, make_article):
    article = make_article(languages=("en",))
    translator = User.objects.create_user("translator-kk", password="pw", is_staff=True)
    translator.groups.add(Group.objects.get(name="Translators (kk)"))
    client.force_login(translator)
    assert 'name="status_kk"' not in client.get(change_url(article)).content.decode()
    assert 'value="publish_kk"' not in client.get(CHANGELIST).content.decode()


# --- The migration ------------------------------------------------------------------------------------------


def test_the_migration_gives_every_available_language_the_article_s_status_and_time(make_article):
    migration = importlib.import_module("articles.migrations.0009_language_publication")
    published = make_article(languages=("en", "kk"), published_at=timezone.now() + timedelta(days=1))
    draft = make_article(status=Article.Status.DRAFT)
    columns = {f"{name}_{code}": None for name in ("status", "published_at") for code in LANGUAGES}
    Article.objects.update(**columns)  # as the columns are when the migration adds them

    migration.language_states_from_article(django_apps, None)

    published.refresh_from_db()
    draft.refresh_from_db()
    assert [(published.translated("status", code), published.translated("published_at", code)) for code in LANGUAGES] \
        == [("published", published.published_at), (None, None), ("published", published.published_at)]
    assert published.language_state("kk") == "scheduled"
    assert all(draft.translated("status", code) is None for code in LANGUAGES)
    article_publish(articles=Article.objects.filter(pk=draft.pk))  # a draft's languages follow it, as before
    assert Article.objects.get(pk=draft.pk).public_languages() == list(LANGUAGES)


def test_a_language_s_page_feed_and_news_sitemap_carry_that_language_s_own_time(client, story, clock):
    clock.move(timedelta(days=1, hours=1))
    kazakh_time, english_time = story.published_at_kk, story.published_at_en
    stamp = "%Y-%m-%dT%H:%M:%S%z"
    page = client.get(story.get_absolute_url("kk")).content.decode()
    assert timezone.localtime(kazakh_time).strftime(stamp) in page
    assert timezone.localtime(english_time).strftime(stamp) not in page
    for listing in (client.get("/kk/"), client.get("/kk/search/", {"q": "мұражай"})):
        assert timezone.localtime(kazakh_time).strftime(stamp) in listing.content.decode()
    assert timezone.localtime(english_time).strftime(stamp) in client.get("/en/").content.decode()
    assert rfc2822_date(kazakh_time) in client.get("/kk/feed/").content.decode()
    assert rfc2822_date(english_time) in client.get("/en/feed/").content.decode()
    news = client.get("/sitemap-news.xml").content.decode()
    assert kazakh_time.isoformat()[:19] in news or timezone.localtime(kazakh_time).isoformat()[:19] in news


def test_an_editor_moving_the_article_s_time_in_the_form_moves_the_languages_that_follow_it(
    client, editor, make_article
):
    article = make_article(languages=("en", "kk"), published_at=timezone.now() + timedelta(days=2))
    client.force_login(editor)
    shown = timezone.localtime(article.published_at)  # as the form shows every time: to the second
    earlier = timezone.localtime() - timedelta(hours=1)
    form = article_form(
        article.byline()[0], title_kk=article.title_kk, body_kk=article.body_kk, status="published",
        published_at_0=earlier.strftime("%Y-%m-%d"), published_at_1=earlier.strftime("%H:%M:%S"),
        **{f"{name}_{code}_{part}": shown.strftime(pattern) for code in ("en", "kk") for name in ("published_at",)
           for part, pattern in (("0", "%Y-%m-%d"), ("1", "%H:%M:%S"))},
        status_en="published", status_kk="published",
        **{"bylines-INITIAL_FORMS": "1", "bylines-0-id": str(article.bylines.get().pk),
           "bylines-0-article": str(article.pk)},
    )
    assert client.post(change_url(article), form).status_code == 302
    article.refresh_from_db()
    assert article.public_languages() == ["en", "kk"]


def test_each_languages_state_follows_the_articles_fields_as_they_change(make_article):
    """Nothing the list asks of an article is kept from an earlier answer: a form or a service changes the instance
    and asks again."""
    article = make_article()
    later = timezone.now() + timedelta(days=1)
    assert article.language_states() == dict.fromkeys(LANGUAGES, "published")
    article.body_kk = ""
    assert article.language_states()["kk"] == "missing" and article.available_languages() == ["en", "ru"]
    article.status_ru = Article.Status.DRAFT
    article.published_at_en = later
    assert article.language_states() == {"en": "scheduled", "ru": "draft", "kk": "missing"}
    assert article.publication_state() == "scheduled"
    assert [article.language_state(code) for code in LANGUAGES] == ["scheduled", "draft", "missing"]
    assert article.language_states(later + timedelta(seconds=1))["en"] == "published"
    article.status = Article.Status.DRAFT
    assert article.publication_state(later + timedelta(seconds=1)) == "draft"
    article.body_kk = "Мәтін."
    assert article.language_states()["kk"] == "draft"
