"""Settings for the test suite: the project's own settings, plus a throwaway secret key and a fast hasher.

The database still comes from ``DATABASE_URL``, so the same suite runs on SQLite and on PostgreSQL.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-production")

from newsroom.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# Serve static files from the apps' folders, as the development server does: no collectstatic before tests.
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's shared in-memory database: the load tests serve the test database to gunicorn workers in
    # other processes, and concurrent writers need WAL's busy timeout (shared memory fails them at once with "table
    # is locked"). One file per test process, so concurrent runs on one machine do not collide.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"newsroom-tests-{os.getpid()}.sqlite3"),
    }

# Uploaded covers and photos (the demo's, the import tests') go to a folder of this test process, not the repo's.
MEDIA_ROOT = Path(tempfile.gettempdir()) / f"newsroom-test-media-{os.getpid()}"

# Counted views on a connection of their own (DJANGO_DB_COUNTS_ASYNC_COMMIT, PostgreSQL) could not see the rows a
# test made inside its transaction: the suite counts on the default connection; tests/test_routers.py tests the other.
DATABASES.pop("counting", None)  # noqa: F405
DATABASE_ROUTERS = [name for name in DATABASE_ROUTERS if name != "newsroom.routers.ViewCountRouter"]  # noqa: F405
