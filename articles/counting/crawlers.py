"""crawlerdetect's list of crawlers, matched in time linear in the User-Agent's length.

crawlerdetect joins its ~1,500 patterns into one Python regular expression, which backtracks: a made-up
User-Agent of a few hundred letters costs milliseconds, and its time grows with the square of the length, which
makes unique long User-Agents a cheap way to load the site. RE2 (``google-re2``) matches the same patterns without
backtracking. The few patterns RE2 cannot compile (lookarounds such as ``Yandex(?!Search)``) stay with Python's
``re``, one at a time; they are literals with a short lookaround, so they are linear too.
"""

import functools
import re

import re2
from crawlerdetect.providers.crawlers import data as CRAWLER_PATTERNS
from crawlerdetect.providers.exclusions import data as EXCLUSION_PATTERNS


class CrawlerPatterns:
    """crawlerdetect's rules: strip the exclusions (browser tokens that look like bots), then look for a crawler."""

    def __init__(self, crawlers: list[str], exclusions: list[str]) -> None:
        options = re2.Options()
        options.case_sensitive = False
        options.log_errors = False  # a pattern RE2 refuses goes to ``re``; no need to say so on stderr
        # The joined crawler list needs more than RE2's default 8 MiB for its automaton; short of memory, RE2 falls
        # back to a slower (still linear) matcher.
        options.max_mem = 64 << 20
        linear: list[str] = []
        backtracking: list[str] = []
        for pattern in crawlers:
            (linear if compiles_with_re2(pattern, options) else backtracking).append(pattern)
        self.exclusions = re2.compile("|".join(exclusions), options=options)
        self.crawlers = re2.compile("|".join(linear), options=options)
        self.lookarounds = [re.compile(pattern, re.IGNORECASE) for pattern in backtracking]

    def is_crawler(self, user_agent: str) -> bool:
        agent = self.exclusions.sub("", user_agent)
        return bool(agent) and (
            self.crawlers.search(agent) is not None or any(pattern.search(agent) for pattern in self.lookarounds)
        )


def compiles_with_re2(pattern: str, options) -> bool:
    try:
        re2.compile(pattern, options=options)
    except re2.error:
        return False
    return True


@functools.cache
def crawler_patterns() -> CrawlerPatterns:
    """The compiled list, built once per process on first use."""
    return CrawlerPatterns(CRAWLER_PATTERNS, EXCLUSION_PATTERNS)
