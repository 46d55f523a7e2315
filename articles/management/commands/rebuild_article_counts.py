from django.core.management.base import BaseCommand
from django.db import transaction

from articles.archive_months import archive_months_rebuild
from articles.tag_counts import tag_counts_rebuild


class Command(BaseCommand):
    help = (
        "Count the articles again for the sitemap index's months (ArchiveMonth) and the tag pages (TagCount). "
        "Saves, deletes, tag changes and the admin's actions keep both exact; run it after writing articles or "
        "their tags around them (bulk_create, SQL, a data migration, restoring a table from a dump)."
    )

    def handle(self, *args, verbosity: int, **options) -> None:
        with transaction.atomic():
            months = archive_months_rebuild()
            tags = tag_counts_rebuild()
        if verbosity > 0:
            self.stdout.write(f"Counted {months} months and {tags} tag counts with articles.")
