"""Article view counts: exact, cheap at traffic peaks, and proof against bots and reloads.

- ``readers``: which requests count (navigations only; no bots, prefetches, staff or reloads) and the cookie that
  remembers reloads;
- ``crawlers``: crawlerdetect's list of bots, matched in linear time;
- ``recording``: ``article_record_view``, the service that records one view (and logs one the database refused);
- ``backends``: where counted views go (the database at once, or Redis first and the database in batches);
- ``selectors``: "most read" lists and the per-day breakdown, for templates and the admin;
- ``retention``: how long per-day rows are kept (``ARTICLES_DAILY_VIEWS_KEEP_DAYS``, ``prune_daily_views``);
- ``views``: the beacon a cached page sends to be counted.

``docs/counting.md`` explains the design and its settings.
"""
