"""The app's system checks (``articles/checks.py``): settings that cannot work are errors at start-up."""

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.core.checks import run_checks
from django.urls import include, path

from articles.views import ArticleListView

# A host URLconf that routes the article pages but forgot the beacon.
urlpatterns = i18n_patterns(
    path("", include(([path("", ArticleListView.as_view(), name="article_list")], "articles"))),
)


def test_beacon_mode_without_the_beacon_route_is_a_system_check_error(db, settings):
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    assert "articles.E107" not in [error.id for error in run_checks()]
    settings.ROOT_URLCONF = __name__
    assert "articles.E107" in [error.id for error in run_checks()]


@pytest.mark.parametrize(
    ("setting", "value", "error"),
    [("ARTICLES_VIEW_COUNTER", "memcached", "articles.E101"), ("ARTICLES_VIEW_COUNTING", "pixel", "articles.E102"),
     ("ARTICLES_VIEW_DEDUP_SECONDS", -1, "articles.E105"), ("ARTICLES_VIEW_DEDUP_SECONDS", "30", "articles.E105"),
     ("ARTICLES_DAILY_VIEWS_KEEP_DAYS", 7, "articles.E108"), ("ARTICLES_DAILY_VIEWS_KEEP_DAYS", "90", "articles.E108")],
)
def test_wrong_counting_settings_are_system_check_errors(db, settings, setting, value, error):
    setattr(settings, setting, value)
    assert error in [message.id for message in run_checks()]


def test_the_redis_counter_without_a_redis_url_is_a_system_check_error(db, settings):
    settings.ARTICLES_VIEW_COUNTER = "redis"
    settings.ARTICLES_VIEW_REDIS_URL = ""
    assert "articles.E103" in [message.id for message in run_checks()]


def test_the_default_settings_pass_the_counting_checks(db):
    assert not [message for message in run_checks() if message.id.startswith("articles.E10")]
