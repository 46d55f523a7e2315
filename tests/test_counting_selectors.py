"""What the counts are read as (``articles.counting.selectors``): "most read" lists and an article's daily views."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.counting.selectors import CANDIDATES_PER_PLACE, daily_views, most_read, most_read_block
from articles.models import Article

from .support import KEPT_BACK, keep_back, record

pytestmark = pytest.mark.usefixtures("fresh_most_read_cache")


def test_most_read_ranks_views_in_the_language_today_and_this_week(make_article):
    today, week, ever = make_article(), make_article(), make_article()
    record(today, "ru", 3)
    record(week, "ru", 2)
    record(week, "ru", 5, days_ago=6)
    record(week, "ru", 50, days_ago=7)  # outside the week
    record(today, "en", 100)  # another language
    Article.objects.filter(pk=ever.pk).update(view_count=1000)  # read long ago: in neither window
    assert most_read(language="ru", days=1) == [today, week]
    assert most_read(language="ru", days=7) == [week, today]
    assert [a.views_in_window for a in most_read(language="ru", days=7)] == [7, 3]


def test_most_read_lists_only_published_articles_available_in_the_language(make_article):
    published, english_only = make_article(), make_article(languages=("en",))
    draft = make_article(status=Article.Status.DRAFT)
    for article in (published, english_only, draft):
        record(article, "kk", 2)
    assert most_read(language="kk", days=7) == [published]
    assert most_read(language="kk", days=1) == [published]


def test_the_block_shows_today_when_three_articles_were_read_today(make_article):
    stories = [make_article() for _ in range(4)]
    for position, story in enumerate(stories):
        record(story, "en", position + 1)
    record(stories[0], "en", 50, days_ago=3)
    assert most_read_block(language="en") == (1, [stories[3], stories[2], stories[1], stories[0]])


def test_the_block_falls_back_to_the_week_early_in_the_day(make_article):
    stories = [make_article() for _ in range(4)]
    record(stories[0], "ru", 1)
    record(stories[1], "ru", 1)
    record(stories[2], "ru", 9, days_ago=2)
    record(stories[3], "ru", 5, days_ago=6)
    assert most_read_block(language="ru") == (7, [stories[2], stories[3], stories[1], stories[0]])  # ties: newest first


def test_the_block_never_lists_the_pages_own_article_and_still_fills_up(make_article):
    stories = [make_article() for _ in range(7)]
    for position, story in enumerate(stories):
        record(story, "kk", 10 - position)
    days, listed = most_read_block(language="kk", exclude=stories[0].pk)
    assert days == 1 and listed == stories[1:6]
    # Leaving the own article out must not drop today below three and turn the block into the week's.
    days, listed = most_read_block(language="kk", exclude=stories[6].pk)
    assert days == 1 and listed == stories[:5]


def test_the_block_costs_four_queries_on_a_cold_cache_then_none(make_article, django_assert_num_queries):
    story = make_article()
    record(story, "en", 2)
    # Today (one article: too few), then the week; each the window's totals, then the public candidates.
    with django_assert_num_queries(4):
        assert most_read_block(language="en") == (7, [story])
    with django_assert_num_queries(0):
        assert most_read_block(language="en", exclude=story.pk) == (7, [])


@pytest.mark.parametrize("how", KEPT_BACK)
def test_most_read_leaves_out_a_language_version_kept_back(make_article, how):
    kept, other = keep_back(make_article(), "kk", how), make_article()
    for article in (kept, other):
        record(article, "kk", 2)
        record(article, "en", 2)
    assert most_read(language="kk", days=1) == [other] and most_read(language="kk", days=7) == [other]
    assert set(most_read(language="en", days=7)) == {kept, other}


def test_most_read_costs_two_queries_then_none_while_cached(make_article, django_assert_num_queries):
    stories = [make_article() for _ in range(6)]
    for position, story in enumerate(stories):
        record(story, "en", position + 1)
    with django_assert_num_queries(2):  # the window's top candidates, then which of them are public
        top = most_read(language="en", days=7)
        assert [story.section for story in top] and [story.get_absolute_url("en") for story in top]
        assert [story.title for story in top]
    with django_assert_num_queries(0):
        assert most_read(language="en", days=7) == list(reversed(stories))[:5]


def test_most_read_looks_further_down_the_window_when_its_top_articles_are_not_public(
    make_article, django_assert_num_queries,
):
    withdrawn = [make_article(status=Article.Status.DRAFT) for _ in range(CANDIDATES_PER_PLACE + 1)]
    for article in withdrawn:
        record(article, "en", 50)
    quiet = make_article()
    record(quiet, "en", 1)

    with django_assert_num_queries(4):  # the first candidates are all drafts: the next ones are fetched
        top = most_read(language="en", days=1, limit=1)

    assert top == [quiet] and top[0].views_in_window == 1


def test_most_read_in_an_empty_window_is_empty_after_one_query(make_article, django_assert_num_queries):
    record(make_article(), "en", 3, days_ago=8)
    with django_assert_num_queries(1):
        assert most_read(language="en", days=7) == []


def test_the_daily_breakdown_is_one_query_newest_day_first(make_article, django_assert_num_queries):
    article = make_article()
    record(article, "en", 2)
    record(article, "kk", 1)
    record(article, "ru", 4, days_ago=3)
    record(article, "ru", 9, days_ago=30)  # outside the 30 days
    with django_assert_num_queries(1):
        breakdown = daily_views(article_id=article.pk)
    today = timezone.localdate()
    assert breakdown == [(today, {"en": 2, "kk": 1}), (today - timedelta(days=3), {"ru": 4})]
