"""Settings for ``make bench``: the project's own, with the bench-only URLs (a bare page to compare with).

The production URLconf has no bench route; only this settings module adds one.
"""

import os

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT)  # noqa: F405
