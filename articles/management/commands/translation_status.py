from django.core.management.base import BaseCommand, CommandError
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from articles.conf import conf
from articles.models import Article
from articles.translating.status import TranslationStatus, article_label, translation_statuses


class Command(BaseCommand):
    help = (
        "Print each article's translation status per language: original, up-to-date, outdated (the original "
        "changed after the translation was saved) or missing. Articles are named by key, else by title."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--language", action="append", metavar="L", help="Show only this language (may be given more than once).",
        )
        parser.add_argument(
            "--status", choices=TranslationStatus.values,
            help="List only articles with this status in one of the languages shown.",
        )

    def handle(self, *args, language: list[str] | None, status: str | None, **options) -> None:
        languages = language or list(conf.ARTICLES_LANGUAGES)
        unknown = sorted(set(languages) - set(conf.ARTICLES_LANGUAGES))
        if unknown:
            raise CommandError(_("Unknown language %(language)s; expected one of %(languages)s.") % {
                "language": ", ".join(unknown), "languages": ", ".join(conf.ARTICLES_LANGUAGES),
            })
        rows = []
        for article in Article.objects.order_by("pk").iterator():
            statuses = translation_statuses(article)
            if status and status not in [statuses[code] for code in languages]:
                continue
            # By key, else by title: the same name the import reports and the export's file names use.
            rows.append([Truncator(article_label(article)).chars(60), *(statuses[code].value for code in languages)])
        header = [_("article"), *languages]
        widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
