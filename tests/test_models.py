from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from articles.counting.recording import article_record_view
from articles.models import Article, Author, PublicationState, Section
from tests.support import ADD_URL, article_form


def test_published_excludes_drafts(make_article):
    make_article(status=Article.Status.DRAFT)
    public = make_article()
    assert list(Article.objects.published()) == [public]


def test_published_excludes_scheduled_until_their_time(make_article):
    scheduled = make_article(published_at=timezone.now() + timedelta(minutes=5))
    past = make_article(published_at=timezone.now() - timedelta(days=3))
    assert list(Article.objects.published()) == [past]
    assert set(Article.objects.published(now=scheduled.published_at)) == {past, scheduled}


def test_publishing_without_a_time_publishes_now(make_article):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    article.status = Article.Status.PUBLISHED
    article.save()
    assert article.published_at is not None
    assert article in Article.objects.published()


def test_the_first_and_last_publication_times_allowed_are_stored_and_read_back(make_article):
    first = make_article(published_at=datetime(1800, 1, 1, tzinfo=UTC))
    last = make_article(published_at=datetime(2200, 12, 31, 23, 59, 59, tzinfo=UTC))
    for article in (first, last):
        article.full_clean()
    assert sorted(Article.objects.values_list("published_at", flat=True)) == [first.published_at, last.published_at]


@pytest.mark.parametrize("published_at", [
    datetime(1799, 12, 31, 23, 59, tzinfo=UTC),
    datetime(2201, 1, 1, tzinfo=UTC),
    datetime(1, 1, 1, 0, 30, tzinfo=timezone.get_fixed_timezone(5 * 60)),
    datetime(9999, 12, 31, 23, 0, tzinfo=timezone.get_fixed_timezone(-5 * 60)),
])
def test_a_publication_time_outside_the_years_1800_to_2200_is_refused(make_article, published_at):
    article = make_article()
    article.published_at = published_at
    with pytest.raises(ValidationError) as raised:
        article.full_clean()
    assert raised.value.message_dict == {
        "published_at": ["Enter a publication time between the years 1800 and 2200."]
    }
    with translation.override("ru"):
        assert "1800" in str(raised.value.messages[0]) and "публикации" in str(raised.value.messages[0])


def test_the_admin_refuses_year_1_as_a_form_error_and_every_page_stays_up(client, editor, make_article):
    client.force_login(editor)
    public = make_article()
    form = article_form(make_article.author(), status="published", published_at_0="0001-01-01",
                        published_at_1="00:00")

    response = client.post(ADD_URL, form, HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["published_at"] == [
        "Укажите время публикации между 1800 и 2200 годами."
    ]
    assert list(Article.objects.all()) == [public]
    for url in ("/en/", "/en/feed/", "/sitemap.xml", reverse("admin:articles_article_changelist")):
        assert client.get(url).status_code == 200, url


def test_available_languages_need_title_and_body(make_article):
    article = make_article(languages=("en", "ru"), title_kk="Тек тақырып")
    assert article.available_languages() == ["en", "ru"]
    assert list(Article.objects.available_in("kk")) == []
    assert list(Article.objects.available_in("ru")) == [article]


def test_available_in_agrees_with_available_languages(make_article):
    articles = [
        make_article(languages=("en",)),
        make_article(languages=("ru", "kk")),
        make_article(languages=("kk",), body_en=""),
    ]
    for code in ("en", "ru", "kk"):
        expected = {article.pk for article in articles if code in article.available_languages()}
        assert set(Article.objects.available_in(code).values_list("pk", flat=True)) == expected


def test_slugs_are_made_from_russian_and_kazakh_titles(make_article):
    article = make_article(
        languages=(),
        title_ru="Съезд «Ёлки» прошёл в Астане",
        body_ru="Текст.",
        title_kk="Әуежай, ғарыш, қала, өнер, ұлт, үй, һ, і, ң",
        body_kk="Мәтін.",
    )
    assert article.slug_ru == "sezd-elki-proshel-v-astane"
    assert article.slug_kk == "auezhai-garysh-kala-oner-ult-ui-h-i-n"
    assert article.slug_en is None


def test_untranslated_slug_is_null_not_empty(make_article):
    article = make_article(languages=("ru",), slug_en="")
    article.refresh_from_db()
    assert article.slug_en is None
    assert article.slug_kk is None


def test_a_title_without_letters_still_gets_a_slug(make_article):
    article = make_article(languages=(), title_en="!!! ???", body_en="Text.")
    assert article.slug_en


def test_generated_slugs_never_collide(make_article):
    first = make_article(languages=("en",), title_en="Weather")
    second = make_article(languages=("en",), title_en="Weather")
    assert first.slug_en == "weather"
    assert second.slug_en == "weather-2"


def test_the_same_slug_may_be_used_in_two_languages(make_article):
    english = make_article(languages=("en",), title_en="COVID-19")
    russian = make_article(languages=("ru",), title_ru="COVID-19")
    assert english.slug_en == russian.slug_ru == "covid-19"


def test_section_slugs_are_per_language(db):
    section = Section.objects.create(name_en="Economy", name_ru="Экономика", name_kk="Экономика")
    assert (section.slug_en, section.slug_ru, section.slug_kk) == ("economy", "ekonomika", "ekonomika")


def test_body_is_rendered_once_per_language_when_saved(make_article):
    article = make_article(languages=("en", "ru"), body_en="Some *emphasis*", body_ru="Немного **жирного**")
    assert "<em>emphasis</em>" in article.body_html_en
    assert "<strong>жирного</strong>" in article.body_html_ru
    assert article.body_html_kk == ""


def test_str_falls_back_to_a_language_that_has_a_title(make_article):
    article = make_article(languages=("kk",))
    with translation.override("en"):
        assert str(article) == article.title_kk


def test_an_editors_save_does_not_overwrite_views_counted_meanwhile(make_article):
    article = make_article()
    editor_copy = Article.objects.get(pk=article.pk)  # the editor opened the form before these views
    for _ in range(3):
        article_record_view(article_id=article.pk, language="en")
    editor_copy.title_en = "Corrected headline"
    editor_copy.save()
    article.refresh_from_db()
    assert article.title_en == "Corrected headline"
    assert article.view_count == 3


@pytest.mark.parametrize("letter", list("ӘәҒғҚқҢңӨөҰұҮүҺһІі"))
def test_every_kazakh_letter_has_a_latin_spelling_in_slugs(letter):
    from articles.slugs import slug_from_title

    slug = slug_from_title(f"x{letter}x", "kk")
    assert slug.isascii() and len(slug) == 3, slug


def test_a_save_renders_only_the_bodies_that_changed(make_article, monkeypatch):
    import articles.models

    article = Article.objects.get(pk=make_article().pk)
    rendered = []
    real = articles.models.render_markdown
    monkeypatch.setattr(articles.models, "render_markdown", lambda text, language: rendered.append(language)
                        or real(text, language))
    article.body_ru = "Новый *текст*."
    article.save()
    assert rendered == ["ru"]
    assert "<em>текст</em>" in Article.objects.get(pk=article.pk).body_html_ru


def test_a_slug_of_spaces_is_made_from_the_title_and_a_given_one_is_trimmed(make_article):
    article = make_article(languages=("en", "ru"), title_en="Budget day", slug_en="   ", slug_ru="  byudzhet  ")
    assert (article.slug_en, article.slug_ru) == ("budget-day", "byudzhet")


def test_an_authors_save_renders_only_the_biographies_that_changed(make_article):
    author = make_article.author(bio_en="A *reporter*.", bio_kk="*Тілші*")
    Author.objects.filter(pk=author.pk).update(bio_html_en="<p>stored</p>", bio_html_kk="<p>stored</p>")
    author = Author.objects.get(pk=author.pk)
    author.bio_kk = "Жаңа *мәтін*."
    author.save()
    author.name_en = "Renamed"
    author.save()
    stored = Author.objects.get(pk=author.pk)
    assert stored.bio_html_en == "<p>stored</p>" and "<em>мәтін</em>" in stored.bio_html_kk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the scale the index is for: PostgreSQL's planner")
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_a_languages_public_articles_are_listed_newest_first_from_that_languages_index(make_article, language):
    other = "ru" if language != "ru" else "en"
    published = {"status": Article.Status.PUBLISHED, "published_at": timezone.now() - timedelta(hours=1)}
    # Many public articles in another language only, a few in this one: a table the planner reads by index.
    rows = [Article(**published, **{f"title_{other}": f"Only {number}", f"body_{other}": "Text."})
            for number in range(2000)]
    # And many in this language that are not public in it: kept back, or scheduled.
    rows += [Article(**published, **{f"title_{language}": f"Later {number}", f"body_{language}": "Text.",
                                     f"status_{language}": "draft" if number % 2 else "published",
                                     f"published_at_{language}": timezone.now() + timedelta(days=1)})
             for number in range(2000)]
    for row in rows:
        row.settle_language_publication()  # what save() does, which bulk_create skips
    Article.objects.bulk_create(rows)
    for _ in range(3):
        make_article(languages=(language,))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    articles = Article.objects.public(language)
    assert f"articles_public_{language}_idx" in articles[:20].explain()
    assert f"articles_public_{language}_idx" in articles.values("pk").explain()
    assert articles.count() == 3


def test_missing_in_is_every_article_not_available_in_the_language(make_article):
    both, english = make_article(languages=("en", "kk")), make_article(languages=("en",))
    no_body = make_article(languages=("en", "kk"))
    Article.objects.filter(pk=no_body.pk).update(body_kk="")
    assert set(Article.objects.missing_in("kk")) == {english, no_body}
    assert set(Article.objects.missing_in("en")) == set()
    assert set(Article.objects.available_in("kk")) == {both}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the scale the index is for: PostgreSQL's planner")
def test_the_articles_missing_in_a_language_are_counted_and_listed_from_that_languages_index(make_article):
    Article.objects.bulk_create(
        Article(title_en=f"Story {number}", body_en="Text.", title_kk=f"Жаңалық {number}", body_kk="Мәтін.")
        for number in range(2000)
    )
    for _ in range(3):
        make_article(languages=("en",))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    missing = Article.objects.missing_in("kk").order_by("-published_at", "-pk")
    assert "articles_missing_kk_idx" in missing[:100].explain()
    assert "articles_missing_kk_idx" in missing.values("pk").explain()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the scale the index is for: PostgreSQL's planner")
def test_the_admins_drafts_and_scheduled_articles_are_read_from_indexes_not_the_table(make_article):
    published = {"status": Article.Status.PUBLISHED, "published_at": timezone.now() - timedelta(hours=1)}
    rows = [Article(**published, title_en=f"Story {number}", body_en="Text.", title_kk=f"Жаңалық {number}",
                    body_kk="Мәтін.") for number in range(3000)]
    for row in rows:
        row.settle_language_publication()  # what save() does, which bulk_create skips
    Article.objects.bulk_create(rows)
    drafts = [make_article(status=Article.Status.DRAFT) for _ in range(3)]
    scheduled = [make_article(published_at=timezone.now() + timedelta(days=1)) for _ in range(3)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    draft_list = Article.objects.in_publication_state(PublicationState.DRAFT).order_by("-published_at", "-pk")
    assert "articles_draft_idx" in draft_list[:100].explain()
    assert "articles_draft_idx" in draft_list.values("pk").explain()
    scheduled_list = Article.objects.in_publication_state(PublicationState.SCHEDULED)
    plan = scheduled_list.values("pk").explain()
    assert "Seq Scan" not in plan and "articles_public_en_idx" in plan, plan
    assert set(draft_list) == set(drafts) and set(scheduled_list) == set(scheduled)


def test_article_addresses_are_those_of_get_absolute_url_in_each_language(make_article):
    from articles.models import ArticleAddresses

    made = make_article(slug_en="harbour-plans", slug_ru="plany-porta")
    english_only = make_article(languages=("en",))  # no slug in Russian or Kazakh: its English address
    addresses = ArticleAddresses()
    for language in ("en", "ru", "kk"):
        with translation.override(language):
            for article in (made, english_only):
                assert addresses(article) == article.get_absolute_url()
