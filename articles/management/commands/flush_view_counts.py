import time

from django.core.management.base import BaseCommand, CommandError

from articles.conf import conf
from articles.counting.backends import build_counter, view_counter
from articles.counting.retention import daily_views_prune


class Command(BaseCommand):
    help = (
        "Move view counts that the Redis counter holds to the database, exactly once each (a flush that was "
        "interrupted is finished first). Nothing to do with the database counter. Run it every minute or so."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--redis", action="store_true",
            help="Flush Redis even though ARTICLES_VIEW_COUNTER is db: run it once after switching from redis.",
        )
        parser.add_argument(
            "--every", type=float, metavar="SECONDS",
            help="Keep running, flushing every SECONDS, until stopped.",
        )

    def handle(self, *args, redis: bool, every: float | None, verbosity: int, **options) -> None:
        counter = build_counter("redis") if redis else view_counter()
        if conf.ARTICLES_VIEW_COUNTER == "db" and not redis:
            if verbosity > 1:
                self.stdout.write("The database counter writes every view at once: nothing to flush.")
            return
        while True:
            try:
                moved = counter.flush()
            except Exception as error:
                if every is None:
                    raise CommandError(f"Flushing view counts failed: {error}") from error
                self.stderr.write(f"Flushing view counts failed, trying again in {every}s: {error}")
            else:
                if verbosity > 0:
                    self.stdout.write(f"Moved {moved} views to the database.")
                # ARTICLES_DAILY_VIEWS_KEEP_DAYS: a no-op when unset, an index probe per language when nothing
                # is old enough.
                pruned = daily_views_prune()
                if pruned and verbosity > 0:
                    self.stdout.write(f"Deleted {pruned} daily view rows older than the days kept.")
            if every is None:
                return
            time.sleep(every)
