from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from articles.translating.status import TranslationStatus, translation_outdated_in, translation_statuses

ORIGINAL, UP_TO_DATE, OUTDATED, MISSING = (
    TranslationStatus.ORIGINAL, TranslationStatus.UP_TO_DATE, TranslationStatus.OUTDATED, TranslationStatus.MISSING,
)
BODY_EN = "First paragraph.\n\nSecond paragraph."


def statuses(article: Article) -> dict[str, TranslationStatus]:
    article.refresh_from_db()
    return translation_statuses(article)


def edit(article: Article, **fields) -> None:
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()


def test_the_first_language_with_a_title_is_the_original(make_article):
    assert make_article().source_language == "en"
    assert make_article(languages=("kk", "ru")).source_language == "ru"
    assert make_article(languages=("kk",)).source_language == "kk"


def test_a_new_article_is_up_to_date_where_it_is_translated(make_article):
    assert statuses(make_article(languages=("en", "kk"))) == {"en": ORIGINAL, "ru": MISSING, "kk": UP_TO_DATE}


def test_changing_an_english_paragraph_makes_the_translations_outdated(make_article):
    article = make_article(body_en=BODY_EN)
    edit(article, body_en="First paragraph.\n\nSecond paragraph, corrected.")
    assert statuses(article) == {"en": ORIGINAL, "ru": OUTDATED, "kk": OUTDATED}


@pytest.mark.parametrize("field", ["title_en", "lead_en", "cover_alt_en", "cover_caption_en"])
def test_every_source_text_counts(make_article, field):
    article = make_article()
    edit(article, **{field: "Changed"})
    assert statuses(article)["kk"] == OUTDATED


def test_changes_that_are_not_text_keep_translations_up_to_date(make_article, section):
    article = make_article(body_en=BODY_EN)
    edit(article, section=section, key="budget", slug_en="another-slug", status=Article.Status.DRAFT,
         body_en=BODY_EN.replace("\n", "\r\n") + "\n")
    assert statuses(article)["kk"] == UP_TO_DATE


def test_saving_the_translation_brings_it_up_to_date(make_article):
    article = make_article()
    edit(article, title_en="A better headline")
    edit(article, title_kk="Жақсырақ тақырып")
    assert statuses(article) == {"en": ORIGINAL, "ru": OUTDATED, "kk": UP_TO_DATE}


def test_changing_a_translation_does_not_touch_the_others(make_article):
    article = make_article()
    edit(article, body_ru="Исправленный текст.")
    assert statuses(article) == {"en": ORIGINAL, "ru": UP_TO_DATE, "kk": UP_TO_DATE}


def test_editing_the_original_and_a_translation_together_counts_as_translating(make_article):
    article = make_article()
    edit(article, title_en="New headline", title_ru="Новый заголовок")
    assert statuses(article) == {"en": ORIGINAL, "ru": UP_TO_DATE, "kk": OUTDATED}


def test_a_translation_added_later_is_up_to_date(make_article):
    article = make_article(languages=("en",))
    edit(article, title_en="Changed before anyone translated")
    edit(article, title_kk="Тақырып", body_kk="Мәтін.")
    assert statuses(article) == {"en": ORIGINAL, "ru": MISSING, "kk": UP_TO_DATE}


def test_the_original_can_be_another_language(make_article):
    article = make_article(languages=("en", "kk"))
    edit(article, source_language="kk")
    edit(article, body_kk="Өзгертілген мәтін.")
    assert statuses(article) == {"en": OUTDATED, "ru": MISSING, "kk": ORIGINAL}


def test_a_translation_written_without_save_counts_as_outdated(make_article):
    article = make_article(languages=("en",))
    Article.objects.filter(pk=article.pk).update(title_kk="Тақырып", body_kk="Мәтін.")
    assert statuses(article)["kk"] == OUTDATED


def test_the_queryset_agrees_with_the_status_of_each_article(make_article):
    articles = [make_article() for _ in range(4)] + [make_article(languages=("en", "ru"))]
    edit(articles[0], body_en="Changed.")
    edit(articles[1], body_en="Changed.", body_kk="Өзгертілді.")
    edit(articles[2], source_language="kk")
    Article.objects.filter(pk=articles[3].pk).update(translated_from={})
    for code in ("en", "ru", "kk"):
        expected = {article.pk for article in articles if statuses(article)[code] == OUTDATED}
        found = set(translation_outdated_in(Article.objects.all(), code).values_list("pk", flat=True))
        assert found == expected, code


def test_the_article_list_shows_each_language_status(admin_client, make_article):
    article = make_article(languages=("en", "ru"))
    edit(article, title_en="Changed")
    html = admin_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert 'data-status="original"' in html and 'data-status="outdated"' in html and "KK&nbsp;—" in html


def test_the_outdated_in_filter_lists_articles_with_an_outdated_translation(admin_client, make_article):
    fresh, stale = make_article(), make_article()
    edit(stale, body_en="Changed.")
    response = admin_client.get(reverse("admin:articles_article_changelist"), {"outdated": "kk"})
    assert list(response.context["cl"].queryset) == [stale]
    assert fresh not in response.context["cl"].queryset


def test_the_change_form_shows_the_status_read_only(admin_client, make_article):
    article = make_article()
    edit(article, lead_en="A new lead.")
    html = admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert '<span data-status="outdated">Kazakh: outdated</span>' in html
    assert 'name="translation_status"' not in html


def test_translation_status_command_prints_a_table(make_article):
    make_article(key="current")
    changed = make_article(key="changed", languages=("en", "ru"))
    edit(changed, title_en="Changed")
    out = StringIO()
    call_command("translation_status", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["article", "en", "ru", "kk"]
    assert lines[1].split() == ["current", "original", "up-to-date", "up-to-date"]
    assert lines[2].split() == ["changed", "original", "outdated", "missing"]
    out = StringIO()
    call_command("translation_status", language=["ru"], status="outdated", stdout=out)
    assert [line.split() for line in out.getvalue().splitlines()] == [["article", "ru"], ["changed", "outdated"]]


def test_translation_status_names_an_article_without_a_key_by_its_title(make_article):
    article = make_article(languages=("ru", "kk"))
    out = StringIO()
    call_command("translation_status", stdout=out)
    assert out.getvalue().splitlines()[1].startswith(f"“{article.title_ru}”  ")
    assert str(article.pk) not in out.getvalue().split()


def test_the_statuses_follow_a_language_emptied_or_filled_before_a_save(make_article):
    article = make_article(languages=("en", "ru"))
    assert translation_statuses(article)["kk"] == TranslationStatus.MISSING
    article.title_kk, article.body_kk = "Тақырып", "Мәтін."
    assert translation_statuses(article)["kk"] == TranslationStatus.OUTDATED
    article.body_ru = ""
    assert translation_statuses(article) == {
        "en": TranslationStatus.ORIGINAL, "ru": TranslationStatus.MISSING, "kk": TranslationStatus.OUTDATED,
    }
