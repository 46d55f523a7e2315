"""gunicorn settings for Newsroom: ``gunicorn -c newsroom/gunicorn.conf.py``.

Both logs go to stderr, and so does whatever a worker writes (Django's own logging, tracebacks included): run
gunicorn in the foreground under systemd, docker or supervisord, which keep stderr, rather than with ``--daemon``,
whose stderr goes nowhere. Values come from the environment; ``GUNICORN_CMD_ARGS`` overrides any of them.
"""

import os

wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# A worker that answers nothing for this long is replaced; the database timeouts in settings.py are well under it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
accesslog = "-"
errorlog = "-"
capture_output = True
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
