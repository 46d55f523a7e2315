"""System checks for the app's configuration (ids ``articles.E…`` / ``articles.W…``)."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning
from modeltranslation.utils import build_localized_fieldname


@register(Tags.compatibility)
def check_languages(app_configs=None, **kwargs) -> list[Error]:
    """Every language the site offers must have translation columns in the database, and vice versa."""
    from .models import Article

    errors = []
    site_languages = [code for code, _name in settings.LANGUAGES]
    column_languages = [
        code for code in settings.MODELTRANSLATION_LANGUAGES
        if any(field.name == build_localized_fieldname("title", code) for field in Article._meta.get_fields())
    ]
    missing_columns = [code for code in site_languages if code not in column_languages]
    if missing_columns:
        errors.append(Error(
            f"LANGUAGES offers {', '.join(missing_columns)}, but articles have no columns for "
            f"{'it' if len(missing_columns) == 1 else 'them'}.",
            hint="Add the language to MODELTRANSLATION_LANGUAGES, then run makemigrations and migrate.",
            id="articles.E001",
        ))
    unoffered = [code for code in column_languages if code not in site_languages]
    if unoffered:
        errors.append(Error(
            f"Articles have columns for {', '.join(unoffered)}, which LANGUAGES does not offer.",
            hint="Add the language to LANGUAGES, or remove it from MODELTRANSLATION_LANGUAGES and migrate.",
            id="articles.E002",
        ))
    return errors


@register(Tags.compatibility)
def check_language_names(app_configs=None, **kwargs) -> list[Error]:
    """``ARTICLES_LANGUAGE_NAMES`` maps language codes to non-empty names."""
    from .conf import conf

    names = conf.ARTICLES_LANGUAGE_NAMES
    if isinstance(names, dict) and all(
        isinstance(code, str) and isinstance(name, str) and name.strip() for code, name in names.items()
    ):
        return []
    return [Error(
        f"ARTICLES_LANGUAGE_NAMES is {names!r}.",
        hint='Map each language code to its name in that language, e.g. {"kk": "Қазақша"}.',
        id="articles.E003",
    )]


@register(Tags.compatibility)
def check_view_counting(app_configs=None, **kwargs) -> list[Error]:
    """The view counter's settings: known choices, a Redis URL for the Redis counter, a database it can upsert in."""
    from django.db import connections, router

    from .conf import conf
    from .counting.retention import LONGEST_WINDOW_DAYS
    from .models import ArticleDailyViews

    errors = []
    if conf.ARTICLES_VIEW_COUNTER not in ("db", "redis"):
        errors.append(Error(
            f"ARTICLES_VIEW_COUNTER is {conf.ARTICLES_VIEW_COUNTER!r}.",
            hint='Use "db" (the default) or "redis".',
            id="articles.E101",
        ))
    if conf.ARTICLES_VIEW_COUNTING not in ("request", "beacon"):
        errors.append(Error(
            f"ARTICLES_VIEW_COUNTING is {conf.ARTICLES_VIEW_COUNTING!r}.",
            hint='Use "request" (the default) or "beacon".',
            id="articles.E102",
        ))
    if conf.ARTICLES_VIEW_COUNTER == "redis":
        if not conf.ARTICLES_VIEW_REDIS_URL:
            errors.append(Error(
                'ARTICLES_VIEW_COUNTER is "redis", but ARTICLES_VIEW_REDIS_URL is empty.',
                hint="Set it to the Redis that keeps the counts, e.g. redis://127.0.0.1:6379/1.",
                id="articles.E103",
            ))
        try:
            import redis
        except ImportError:
            version: tuple[int, ...] = ()
        else:
            version = tuple(int(part) for part in redis.__version__.split(".")[:2] if part.isdigit())
        if version < (5, 3):
            errors.append(Error(
                'ARTICLES_VIEW_COUNTER is "redis", which needs the redis package, version 5.3 or later.',
                hint='pip install "redis>=5.3"',
                id="articles.E104",
            ))
    dedup = conf.ARTICLES_VIEW_DEDUP_SECONDS
    if not isinstance(dedup, int) or isinstance(dedup, bool) or dedup < 0:
        errors.append(Error(
            f"ARTICLES_VIEW_DEDUP_SECONDS is {dedup!r}.",
            hint="Use a whole number of seconds, 0 to count every reload.",
            id="articles.E105",
        ))
    keep = conf.ARTICLES_DAILY_VIEWS_KEEP_DAYS
    if keep is not None and (not isinstance(keep, int) or isinstance(keep, bool) or keep < LONGEST_WINDOW_DAYS):
        errors.append(Error(
            f"ARTICLES_DAILY_VIEWS_KEEP_DAYS is {keep!r}.",
            hint=f"Use a whole number of days, at least {LONGEST_WINDOW_DAYS} (the admin shows the last 30), "
                 "or None to keep every day.",
            id="articles.E108",
        ))
    vendor = connections[router.db_for_write(ArticleDailyViews)].vendor
    if vendor not in ("postgresql", "sqlite"):
        errors.append(Error(
            f"View counting writes with INSERT … ON CONFLICT, which this app runs on PostgreSQL and SQLite, "
            f"not on {vendor}.",
            id="articles.E106",
        ))
    return errors


@register(Tags.urls)
def check_view_beacon_route(app_configs=None, **kwargs) -> list[Error]:
    """In beacon mode, pages link to the beacon, so its URL must exist."""
    from django.urls import NoReverseMatch, reverse

    from .conf import conf

    if conf.ARTICLES_VIEW_COUNTING != "beacon":
        return []
    try:
        reverse("articles:article_seen", kwargs={"pk": 1})
    except NoReverseMatch:
        return [Error(
            'ARTICLES_VIEW_COUNTING is "beacon", but no URL is named "articles:article_seen".',
            hint='Route articles.counting.views.article_seen in the app\'s URLconf (see docs/counting.md).',
            id="articles.E107",
        )]
    return []


@register(Tags.compatibility)
def check_site_url(app_configs=None, **kwargs) -> list[Error]:
    """``ARTICLES_SITE_URL``, when set, is a scheme and host only: ``https://news.example.kz``."""
    from urllib.parse import urlsplit

    from .conf import conf

    site_url = conf.ARTICLES_SITE_URL
    if not site_url:
        return []
    hint = 'Give the scheme and host only, e.g. "https://news.example.kz" (a port may follow the host).'
    if not isinstance(site_url, str):
        return [Error(f"ARTICLES_SITE_URL is {site_url!r}, not a string.", hint=hint, id="articles.E201")]
    try:
        parts = urlsplit(site_url)
        valid = (
            (parts.port is None or parts.port > 0) and parts.scheme in ("http", "https") and bool(parts.hostname)
            and parts.username is None and parts.path in ("", "/") and not parts.query and not parts.fragment
        )
    except ValueError:  # from urlsplit, or from .port when it is not a number
        valid = False
    if not valid:
        return [Error(f"ARTICLES_SITE_URL is {site_url!r}.", hint=hint, id="articles.E201")]
    return []


@register(Tags.compatibility)
def check_upload_limits(app_configs=None, **kwargs) -> list[Error]:
    """The upload limits are positive whole numbers; the image widths a list of them."""
    from .conf import conf

    errors = []
    for name in ("ARTICLES_MAX_UPLOAD_BYTES", "ARTICLES_MAX_IMAGE_PIXELS"):
        value = getattr(conf, name)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            errors.append(Error(f"{name} is {value!r}.", hint="Use a whole number above 0.", id="articles.E202"))
    widths = conf.ARTICLES_IMAGE_WIDTHS
    if not (isinstance(widths, list | tuple) and widths and all(
        isinstance(width, int) and not isinstance(width, bool) and 0 < width <= 10_000 for width in widths
    )):
        errors.append(Error(
            f"ARTICLES_IMAGE_WIDTHS is {widths!r}.",
            hint="List one or more widths in pixels, whole numbers from 1 to 10000, e.g. [320, 640, 1280].",
            id="articles.E203",
        ))
    return errors


@register(Tags.compatibility)
def check_search_backend(app_configs=None, **kwargs) -> list[Error]:
    """The search backend can be loaded, implements the interface and runs on the articles' database."""
    from django.utils.module_loading import import_string

    from .search.backends import SearchBackend, articles_connection, backend_path

    path = backend_path()
    vendor = articles_connection().vendor
    if not path:
        return [Error(
            f"No search backend for {vendor}: the app's own run on PostgreSQL and SQLite.",
            hint="Set ARTICLES_SEARCH_BACKEND to the dotted path of a SearchBackend subclass (see docs/search.md).",
            id="articles.E301",
        )]
    try:
        backend_class = import_string(path)
    except ImportError as error:
        return [Error(f"ARTICLES_SEARCH_BACKEND {path!r} cannot be imported: {error}", id="articles.E302")]
    if not (isinstance(backend_class, type) and issubclass(backend_class, SearchBackend)):
        return [Error(
            f"ARTICLES_SEARCH_BACKEND {path!r} is not a subclass of articles.search.backends.SearchBackend.",
            id="articles.E303",
        )]
    if backend_class.vendors and vendor not in backend_class.vendors:
        return [Error(
            f"ARTICLES_SEARCH_BACKEND {path!r} needs {' or '.join(backend_class.vendors)}, but articles are in "
            f"{vendor}.",
            hint="Leave ARTICLES_SEARCH_BACKEND empty to use the database's own search.",
            id="articles.E304",
        )]
    return []


@register(Tags.compatibility)
def check_revisions(app_configs=None, **kwargs) -> list[Error]:
    """Every save of an article keeps a revision in django-reversion's tables, so its app must be installed."""
    from django.apps import apps

    if not apps.is_installed("reversion"):
        return [Error(
            "Articles keep their revisions with django-reversion, which is not in INSTALLED_APPS.",
            hint='Add "reversion" to INSTALLED_APPS and migrate.',
            id="articles.E401",
        )]
    return []


@register(Tags.compatibility, Tags.caches)
def check_full_page_cache(app_configs=None, **kwargs) -> list[CheckMessage]:
    """The full-page cache: a switch and a lifetime, beacon counting, its middleware in place, a shared cache."""
    from .conf import conf

    enabled, seconds = conf.ARTICLES_FULL_PAGE_CACHE, conf.ARTICLES_FULL_PAGE_CACHE_SECONDS
    errors: list[CheckMessage] = []
    if not isinstance(enabled, bool):
        errors.append(Error(
            f"ARTICLES_FULL_PAGE_CACHE is {enabled!r}.", hint="Use True or False.", id="articles.E601"
        ))
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 1:
        errors.append(Error(
            f"ARTICLES_FULL_PAGE_CACHE_SECONDS is {seconds!r}.",
            hint="Use a whole number of seconds, at least 1.",
            id="articles.E602",
        ))
    if enabled is not True:
        return errors
    if conf.ARTICLES_VIEW_COUNTING != "beacon":
        errors.append(Error(
            "ARTICLES_FULL_PAGE_CACHE is on, but ARTICLES_VIEW_COUNTING is not \"beacon\": pages served from the "
            "cache would not be counted.",
            hint='Set ARTICLES_VIEW_COUNTING = "beacon".',
            id="articles.E603",
        ))
    middleware = list(settings.MIDDLEWARE)
    name = "articles.page_cache.FullPageCacheMiddleware"
    needed_before = [
        "csp.middleware.CSPMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.locale.LocaleMiddleware",
    ]
    if name not in middleware:
        errors.append(Error(
            "ARTICLES_FULL_PAGE_CACHE is on, but its middleware is not in MIDDLEWARE.",
            hint=f"Add {name!r} after {', '.join(needed_before)}.",
            id="articles.E604",
        ))
    elif misplaced := [
        before for before in needed_before if before in middleware and middleware.index(before) > middleware.index(name)
    ]:
        errors.append(Error(
            f"{name} comes before {', '.join(misplaced)}, which it needs (the nonce, the session cookie's name "
            "and the language).",
            hint="Move it after them, before CsrfViewMiddleware and AuthenticationMiddleware.",
            id="articles.E605",
        ))
    if settings.CACHES.get("default", {}).get("BACKEND") == "django.core.cache.backends.locmem.LocMemCache":
        errors.append(CheckWarning(
            "ARTICLES_FULL_PAGE_CACHE is on with a per-process memory cache: another process serves its own copy "
            "of a page until it expires, even after an edit.",
            hint="Use a cache every process shares (Redis: REDIS_URL).",
            id="articles.W606",
        ))
    return errors
