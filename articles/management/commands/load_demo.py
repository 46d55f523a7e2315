from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles.archive_months import archive_months_rebuild
from articles.conf import conf
from articles.markdown_files import articles_import
from articles.models import Article, ArticleDailyViews, language_field
from articles.search import search_index_update

DEMO_DIRECTORY = Path(__file__).resolve().parents[2] / "demo"
# Front matter cannot say "a week from now", so these demo articles leave published_at out and get it here, on
# every run: they always show what a scheduled article looks like.
SCHEDULED_DEMO_ARTICLES = ("almaty-photo-exhibition",)
SCHEDULED_DELAY = timedelta(days=7)


IMPORTED_WITHIN = timedelta(minutes=1)


def add_todays_views() -> None:
    """Give the demo's published articles some views today in each of their languages (once a day, whatever the
    number of runs), so that the "most read" block has something to show."""
    today = timezone.localdate()
    published = Article.objects.published().order_by("key")
    for rank, article in enumerate(published):
        for language in article.available_languages():
            ArticleDailyViews.objects.get_or_create(
                article=article, language=language, day=today, defaults={"views": 120 - 13 * rank}
            )


class Command(BaseCommand):
    help = (
        "Load the demo articles, authors and sections from articles/demo/ through the importer. "
        "Running it again changes nothing, except that the scheduled article stays a week ahead."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            report = articles_import(paths=[DEMO_DIRECTORY])
            if report.problems:
                raise CommandError(report.failure_message())
            publish_at = (timezone.now() + SCHEDULED_DELAY).replace(second=0, microsecond=0)
            # A plain UPDATE: moving the date is not an edit, so updated_at keeps its value.
            scheduled = Article.objects.filter(key__in=SCHEDULED_DEMO_ARTICLES)
            scheduled.update(published_at=publish_at)
            for code in conf.ARTICLES_LANGUAGES:  # and every language of them with it
                scheduled.exclude(**{language_field("status", code): None}).update(
                    **{language_field("published_at", code): publish_at}
                )
            search_index_update(article_ids=list(scheduled.values_list("pk", flat=True)))  # it keeps the time
            # An import is not an edit: a demo article that nobody has saved since it was imported does not say
            # "updated" with the time of the import.
            Article.objects.filter(
                published_at__isnull=False, updated_at__gt=F("published_at"),
                updated_at__lt=F("created_at") + IMPORTED_WITHIN,
            ).update(updated_at=F("published_at"))
            archive_months_rebuild()  # the sitemap index's months, after these plain UPDATEs
            add_todays_views()
        for line in report.summary_lines():
            self.stdout.write(line)
