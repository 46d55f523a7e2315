"""The crawler patterns (``articles.counting.crawlers``): CrawlerDetect's list, matched in linear time."""

import pytest
from crawlerdetect import CrawlerDetect

from articles.counting.crawlers import crawler_patterns

from .support import BOTS, BROWSER, BROWSERS


@pytest.mark.parametrize(
    "user_agent",
    [*BROWSERS.values(), *BOTS.values(), BROWSER + " YandexSearch/24.1", BROWSER + " Yandex/1.0",
     "Mozilla/5.0 (Linux; Android 14) YandexSearch/24 Mobile Safari/537.36"],
)
def test_the_linear_time_detector_agrees_with_crawlerdetect(user_agent):
    assert crawler_patterns().is_crawler(user_agent) is CrawlerDetect().is_crawler(user_agent)
