"""Settings of the Newsroom host project.

Everything that differs between a laptop and production comes from the environment:

- ``DATABASE_URL``: any URL dj-database-url understands; default is ``db.sqlite3`` in the repository root.
- ``REDIS_URL``: optional; when set, Redis backs the cache (and may back the view counter).
- ``DJANGO_SECRET_KEY``: required unless ``DJANGO_DEBUG`` is on.
- ``DJANGO_DEBUG``: ``1``/``true``/``yes`` turns debugging on. Off by default.
- ``DJANGO_ALLOWED_HOSTS``: comma-separated host names.

The rest (timeouts, logging, CSP, login throttling) are listed in docs/operations.md.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG")

# Development only: with DEBUG off there is no default, and newsroom/wsgi.py and asgi.py refuse to serve without a
# key. Commands that never sign anything (makemigrations, compilemessages, …) still run without one.
DEVELOPMENT_SECRET_KEY = "django-insecure-newsroom-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so its admin integration patches in first.
    "modeltranslation",
    "newsroom.apps.NewsroomAdminConfig",  # django.contrib.admin, branded (newsroom/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "newsroom.apps.LoginAttemptsConfig",  # django-axes, under a translated name
    "csp",
    "newsroom.apps.RevisionsConfig",  # django-reversion (the articles' revisions), under a translated name
    "articles",
    "newsroom",  # the host project's own commands (ensure_admin)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware, so that their answers are in the page's language. Before any view reads the
    # request's parameters: a NUL character is answered 400 here, once for every view.
    "newsroom.middleware.RejectNulCharactersMiddleware",
    "newsroom.middleware.DatabaseOutageMiddleware",
    # Whole pages for anonymous readers (ARTICLES_FULL_PAGE_CACHE; nothing when off): after the nonce, the session
    # cookie and the language it needs, before the CSRF, authentication and messages a cached page skips.
    "articles.page_cache.FullPageCacheMiddleware",
    # Public pages read from the replica (DATABASE_REPLICA_URL; nothing without one): newsroom/routers.py.
    "newsroom.routers.ReplicaReadsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "newsroom" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------------


def database_from_url(url: str) -> dj_database_url.DBConfig:
    """The ``DATABASES`` entry for ``url``, with the timeouts that keep a hung server from holding workers.

    PostgreSQL gives up connecting after ``DJANGO_DB_CONNECT_TIMEOUT`` seconds (libpq's minimum is 2) and cancels
    a statement after ``DJANGO_DB_STATEMENT_TIMEOUT`` milliseconds, both well under gunicorn's 30-second worker
    timeout: a database that accepts and never answers costs a request a few seconds, then a 503, not a worker.
    """
    database = dj_database_url.parse(
        url,
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        # A reused connection is tested (one round trip, SELECT 1) before each request's first query: a restarted
        # server costs no request. Off, that round trip is saved and the first request per worker after a restart
        # fails (a 503, or the page's last good copy).
        conn_health_checks=env_flag("DJANGO_DB_HEALTH_CHECKS", default=True),
    )
    if database["ENGINE"] == "django.db.backends.postgresql":
        database["OPTIONS"] = {
            **database.get("OPTIONS", {}),
            "connect_timeout": int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "5")),
            "options": f"-c statement_timeout={int(os.environ.get('DJANGO_DB_STATEMENT_TIMEOUT', '10000'))}",
        }
    return database


DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write view counts: WAL lets readers run beside the writer, IMMEDIATE takes the
    # write lock at BEGIN (so a transaction never fails half-way with "database is locked"), and the timeout
    # makes a writer wait its turn instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DATABASE_ROUTERS = []
# Counted views written without waiting for PostgreSQL's WAL flush (synchronous_commit off, on a connection of their
# own, to the primary): no fsync per view, which under load was most of a counted article page. A crash of the
# database server (not of the app) may lose the views of its last moment (well under a second); content and
# everything else stay durable (newsroom/routers.py). DJANGO_DB_COUNTS_ASYNC_COMMIT=0 makes every view durable.
_on_postgresql = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if env_flag("DJANGO_DB_COUNTS_ASYNC_COMMIT", default=True) and _on_postgresql:
    DATABASES["counting"] = {
        **DATABASES["default"],
        "OPTIONS": {
            **DATABASES["default"]["OPTIONS"],
            "options": DATABASES["default"]["OPTIONS"]["options"] + " -c synchronous_commit=off",
        },
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS.append("newsroom.routers.ViewCountRouter")
# A read-only replica of the primary (streaming replication): public pages of anonymous readers read from it;
# writes, counting, the admin, staff and transactions stay on the primary (newsroom/routers.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_from_url(os.environ["DATABASE_REPLICA_URL"])
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["replica"]["OPTIONS"] = DATABASES["default"].get("OPTIONS", {})
    DATABASE_ROUTERS.append("newsroom.routers.ReplicaRouter")
# How long after a content change public pages still read from the primary: a replica that lags behind by less
# never shows, nor leaves in the cache, a page from before the change.
NEWSROOM_REPLICA_LAG_SECONDS = float(os.environ.get("DJANGO_REPLICA_LAG_SECONDS", "5"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis that is down makes pages slower, not broken (newsroom/cache.py).
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "newsroom"),
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
else:
    # Per process: article pages keep a few parts per article and language here (articles/caching.py).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# --- Authentication ---------------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin logins: after AXES_FAILURE_LIMIT failures for one user name from one address, that pair is locked out for
# DJANGO_LOGIN_COOLOFF_MINUTES; a successful login resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Lockouts are lifted with `manage.py axes_reset_username`; axes' own admin pages are English-only, and editors
# work wholly in their language (tests/test_admin_language.py).
AXES_ENABLE_ADMIN = False
AXES_LOCKOUT_CALLABLE = "newsroom.lockout.login_locked_out"
# The reader's address: REMOTE_ADDR, or behind DJANGO_BEHIND_PROXY's one proxy the address it forwards. A
# forwarded-for header is trusted only then: otherwise anyone could send a new one with every guess.
if env_flag("DJANGO_BEHIND_PROXY"):
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages --------------------------------------------------------------------------------------------

LANGUAGE_CODE = os.environ.get("DJANGO_LANGUAGE_CODE", "en")
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("kk", _("Kazakh")),
]
# The languages that have translation columns in the database. Fixed here, not derived from LANGUAGES, so the
# migrations are the same on every machine; the system check articles.E001 reports a mismatch.
MODELTRANSLATION_LANGUAGES = ("en", "ru", "kk")
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
# Public pages decide about fallbacks themselves (with a notice); a field silently showing another language
# would put Russian text on a Kazakh page unannounced.
MODELTRANSLATION_ENABLE_FALLBACKS = False
# The tabbed admin needs jQuery UI; it is served from our static files, never from a CDN.
JQUERY_UI_URL = "articles/vendor/jquery-ui/jquery-ui.min.js"

LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["newsroom.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Almaty")

# --- Static and media files -------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "newsroom.storage.StaticFilesStorage"},
}

# --- Security ---------------------------------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_flag("DJANGO_BEHIND_PROXY") else None
# TLS usually ends at the proxy in front of gunicorn; the redirect is the proxy's job unless this says otherwise.
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
# Joining the browsers' preload list is hard to undo and binds every subdomain: the operator's explicit choice.
SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD")
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style runs unless it carries the response's nonce ({{ CSP_NONCE }} in templates,
# request.csp_nonce in code). django-csp rather than Django 6's own SECURE_CSP: one set-up for 5.2 LTS and 6.x.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        # Article images may be hotlinked from other hosts (Markdown image syntax); nothing else may be.
        "img-src": ["'self'", "data:", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"report-uri": [os.environ["DJANGO_CSP_REPORT_URI"]]} if os.environ.get("DJANGO_CSP_REPORT_URI") else {}),
    },
}

# Everything to stderr, one line per record with time and level, tracebacks included: gunicorn passes a worker's
# stderr on (newsroom/gunicorn.conf.py) and journald or docker keeps it. Errors of requests (the 500s) are logged
# by django.request, with their traceback, whatever DJANGO_LOG_LEVEL says.
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(name)s] %(process)d %(message)s"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "plain"},
    },
    "loggers": {
        "django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
}

# Served again while the database is unreachable (newsroom/middleware.py): the last good copy of each public
# page, kept this long after it was last refreshed.
NEWSROOM_OUTAGE_COPY_SECONDS = int(os.environ.get("DJANGO_OUTAGE_COPY_SECONDS", str(24 * 60 * 60)))

# --- Newsroom ---------------------------------------------------------------------------------------------

ARTICLES_SITE_NAME = os.environ.get("ARTICLES_SITE_NAME", "Newsroom")
# The scheme and host absolute URLs (canonical, og:url, feeds, sitemaps) start with, e.g. https://news.example.kz.
# Unset, they use the request's scheme and host name without a port.
ARTICLES_SITE_URL = os.environ.get("ARTICLES_SITE_URL", "")
# The Telegram channel article pages invite readers to: ARTICLES_TELEGRAM_RU=https://t.me/… per language, or
# ARTICLES_TELEGRAM for one channel in every language. The invitation's text is translated in locale/.
# The demo (NEWSROOM_DEMO, on with DJANGO_DEBUG: `make run`, bench/lighthouse.py) shows it with a channel per
# language of its own; it is an example address, not a channel of this project.
NEWSROOM_DEMO = env_flag("NEWSROOM_DEMO", default=DEBUG)
DEMO_TELEGRAM = {"en": "https://t.me/newsroom_demo_en", "ru": "https://t.me/newsroom_demo_ru",
                 "kk": "https://t.me/newsroom_demo_kk"}
ARTICLES_TELEGRAM = {
    code: {"url": url}
    for code, _name in LANGUAGES
    if (url := os.environ.get(f"ARTICLES_TELEGRAM_{code.upper()}") or os.environ.get("ARTICLES_TELEGRAM")
        or (DEMO_TELEGRAM.get(code) if NEWSROOM_DEMO else None))
}
# View counting (docs/counting.md): "db" writes each view at once; "redis" needs `manage.py flush_view_counts`
# every minute or so. "beacon" counts through a request the page sends, for pages served from a cache.
ARTICLES_VIEW_COUNTER = os.environ.get("ARTICLES_VIEW_COUNTER", "db")
ARTICLES_VIEW_COUNTING = os.environ.get("ARTICLES_VIEW_COUNTING", "request")
# Whole public pages for anonymous readers, from the cache (docs/operations.md); needs beacon counting and, with
# more than one process, Redis.
ARTICLES_FULL_PAGE_CACHE = env_flag("ARTICLES_FULL_PAGE_CACHE")
ARTICLES_FULL_PAGE_CACHE_SECONDS = int(os.environ.get("ARTICLES_FULL_PAGE_CACHE_SECONDS", "60"))
# Best a Redis of its own (or its own database number) with `maxmemory-policy noeviction` and AOF on.
ARTICLES_VIEW_REDIS_URL = os.environ.get("ARTICLES_VIEW_REDIS_URL", REDIS_URL)
# Days of per-day view rows to keep (at least 30): `manage.py prune_daily_views`, daily, deletes older ones (and
# every flush_view_counts does). Unset keeps them all; view totals are never touched.
ARTICLES_DAILY_VIEWS_KEEP_DAYS = (
    int(os.environ["ARTICLES_DAILY_VIEWS_KEEP_DAYS"]) if os.environ.get("ARTICLES_DAILY_VIEWS_KEEP_DAYS") else None
)
