"""The view beacon (``articles.counting.views``): in beacon mode it counts and the page does not."""

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article

from .support import BOTS, BROWSER, beacon_url, daily_rows, lost_view_lines, read, read_only_database, views_of

pytestmark = pytest.mark.usefixtures("fresh_most_read_cache")


def test_in_beacon_mode_the_beacon_counts_and_the_page_does_not(client, make_article, settings):
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    article = make_article()
    page = read(client, article, "ru")
    assert views_of(article) == 0 and "private" not in page.get("Cache-Control", "")
    response = client.post(beacon_url(article, "ru"), headers={"user-agent": BROWSER, "sec-fetch-site": "same-origin"})
    assert response.status_code == 204
    assert "no-store" in response["Cache-Control"]
    assert views_of(article) == 1 and daily_rows(article) == {("ru", timezone.localdate()): 1}
    client.post(beacon_url(article, "ru"), headers={"user-agent": BROWSER})  # a reload
    assert views_of(article) == 1


def test_the_beacon_image_counts_too_and_is_a_gif(client, make_article, settings):
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    article = make_article()
    response = client.get(beacon_url(article), headers={"user-agent": BROWSER})
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert response.content.startswith(b"GIF89a") and "no-store" in response["Cache-Control"]
    assert views_of(article) == 1


@pytest.mark.parametrize(
    "headers",
    [{"user-agent": BOTS["Googlebot"]}, {"user-agent": ""}, {"user-agent": BROWSER, "sec-fetch-site": "cross-site"},
     {"user-agent": BROWSER, "origin": "https://elsewhere.example"}],
    ids=["bot", "no user agent", "cross-site", "other origin"],
)
def test_the_beacon_ignores_bots_and_other_sites(client, make_article, settings, headers):
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    article = make_article()
    assert client.post(beacon_url(article), headers=headers).status_code == 204
    assert views_of(article) == 0


def test_the_beacon_ignores_drafts_missing_languages_and_request_mode(client, make_article, settings):
    draft = make_article(status=Article.Status.DRAFT)
    english_only = make_article(languages=("en",))
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    client.post(beacon_url(draft), headers={"user-agent": BROWSER})
    client.post(beacon_url(english_only, "kk"), headers={"user-agent": BROWSER})
    settings.ARTICLES_VIEW_COUNTING = "request"
    client.post(beacon_url(english_only), headers={"user-agent": BROWSER})
    assert views_of(draft) == views_of(english_only) == 0
    assert client.head(beacon_url(english_only)).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_with_the_database_read_only_the_beacon_still_answers(make_article, settings, caplog):
    settings.ARTICLES_VIEW_COUNTING = "beacon"
    article = make_article()
    with read_only_database(whole_session=True):
        response = Client().post(beacon_url(article), headers={"user-agent": BROWSER, "sec-fetch-site": "same-origin"})
    assert response.status_code == 204
    assert len(lost_view_lines(caplog, article, "en")) == 1 and views_of(article) == 0
