from django.core.management.base import BaseCommand, CommandError

from articles.conf import conf
from articles.counting.retention import LONGEST_WINDOW_DAYS, daily_views_prune


class Command(BaseCommand):
    help = (
        "Delete daily view rows older than ARTICLES_DAILY_VIEWS_KEEP_DAYS days (or --keep-days). View totals are "
        "kept. Run it daily; flush_view_counts runs it too when the setting is set."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--keep-days", type=int, metavar="DAYS",
            help=f"Keep this many days (at least {LONGEST_WINDOW_DAYS}) instead of the setting's.",
        )

    def handle(self, *args, keep_days: int | None, verbosity: int, **options) -> None:
        if keep_days is not None and keep_days < LONGEST_WINDOW_DAYS:
            raise CommandError(f"--keep-days must be at least {LONGEST_WINDOW_DAYS}: the admin shows 30 days.")
        if keep_days is None and conf.ARTICLES_DAILY_VIEWS_KEEP_DAYS is None:
            if verbosity > 0:
                self.stdout.write("ARTICLES_DAILY_VIEWS_KEEP_DAYS is not set: every daily row is kept.")
            return
        deleted = daily_views_prune(keep_days=keep_days)
        if verbosity > 0:
            self.stdout.write(f"Deleted {deleted} daily view rows.")
