from django.core.management.base import BaseCommand
from django.db import transaction

from articles.archive_months import archive_months_rebuild


class Command(BaseCommand):
    help = (
        "Count every language's articles by month again for the sitemap index (ArchiveMonth). Saves, deletes and "
        "the admin's actions keep it exact; run it after writing articles around them (bulk_create, SQL, a data "
        "migration, restoring a table from a dump)."
    )

    def handle(self, *args, verbosity: int, **options) -> None:
        with transaction.atomic():
            months = archive_months_rebuild()
        if verbosity > 0:
            self.stdout.write(f"Counted {months} months with articles.")
