"""How long daily view rows are kept (``articles.counting.retention``, ``prune_daily_views``)."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.counting import retention
from articles.counting.retention import daily_views_prune
from articles.counting.selectors import daily_views, most_read
from articles.models import Article, ArticleDailyViews

from .support import record

pytestmark = pytest.mark.usefixtures("fresh_most_read_cache")


def days_kept() -> list[int]:
    today = timezone.localdate()
    return sorted((today - day).days for day in ArticleDailyViews.objects.values_list("day", flat=True))


def test_rows_older_than_the_days_kept_are_deleted_and_totals_stay(make_article, settings):
    settings.ARTICLES_DAILY_VIEWS_KEEP_DAYS = 30
    article = make_article()
    for days_ago in (0, 6, 29, 30, 200):
        record(article, "ru", 2, days_ago=days_ago)
    record(article, "kk", 1, days_ago=31)

    assert daily_views_prune() == 3

    assert days_kept() == [0, 6, 29]
    assert Article.objects.get(pk=article.pk).view_count == 11
    assert [views for _day, views in daily_views(article_id=article.pk)][-1] == {"ru": 2}
    assert most_read(language="ru", days=7)[0].views_in_window == 4


def test_without_the_setting_every_row_is_kept(make_article):
    record(make_article(), "en", 1, days_ago=3000)
    assert daily_views_prune() == 0
    assert days_kept() == [3000]


def test_old_rows_are_deleted_a_batch_at_a_time(make_article, monkeypatch):
    monkeypatch.setattr(retention, "PRUNE_BATCH", 2)
    article = make_article()
    for days_ago in range(40, 45):
        record(article, "en", 1, days_ago=days_ago)
    record(article, "en", 1)

    assert daily_views_prune(keep_days=30) == 5
    assert days_kept() == [0]


def test_the_command_prunes_with_the_days_given_and_refuses_fewer_than_thirty(make_article, capsys):
    article = make_article()
    record(article, "en", 1, days_ago=100)
    record(article, "en", 1, days_ago=50)

    call_command("prune_daily_views", keep_days=60)

    assert "Deleted 1 daily view rows." in capsys.readouterr().out
    assert days_kept() == [50]
    with pytest.raises(CommandError, match="at least 30"):
        call_command("prune_daily_views", keep_days=7)


def test_the_command_without_a_setting_says_it_keeps_everything(make_article, capsys):
    record(make_article(), "en", 1, days_ago=100)
    call_command("prune_daily_views")
    assert "every daily row is kept" in capsys.readouterr().out
    assert ArticleDailyViews.objects.filter(day__lt=timezone.localdate() - timedelta(days=99)).exists()
