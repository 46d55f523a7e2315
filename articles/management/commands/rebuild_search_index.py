from django.core.management.base import BaseCommand
from django.db import transaction

from articles.search import search_index_rebuild
from articles.search.backends import backend_path


class Command(BaseCommand):
    help = (
        "Build the search index again from every article's stored text, in one transaction: after restoring a "
        "database, changing ARTICLES_SEARCH_STEMMERS or ARTICLES_SEARCH_BACKEND, or writing articles with "
        "queryset.update()."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            count = search_index_rebuild()
        self.stdout.write(f"Indexed {count} article(s) with {backend_path()}.")
