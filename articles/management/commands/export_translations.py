from collections.abc import Iterable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.conf import conf
from articles.models import Article
from articles.translating.po import articles_export_po


def language_argument(value: str) -> str:
    if value not in conf.ARTICLES_LANGUAGES:
        raise CommandError(_("Unknown language %(language)s; expected one of %(languages)s.") % {
            "language": value, "languages": ", ".join(conf.ARTICLES_LANGUAGES),
        })
    return value


class Command(BaseCommand):
    help = (
        "Write one PO file per article (<key or slug>.<target>.po) for translators: a segment for the title, the lead, "
        "the cover texts and each block of the body, prefilled with the translations that exist. "
        "import_translations reads them back."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--target", required=True, metavar="L", help="The language to translate into.")
        parser.add_argument(
            "--source", metavar="L", help="The language to translate from. Default: each article's own original.",
        )
        parser.add_argument(
            "--article", action="append", metavar="KEY",
            help="Export only this article, by key or id (may be given more than once). Default: every article.",
        )
        parser.add_argument(
            "--pending", action="store_true", help="Only articles whose translation is missing or outdated.",
        )
        parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="The folder to write to.")

    def handle(self, *args, target: str, source: str | None, article: list[str] | None, pending: bool, out: Path,
               **options) -> None:
        target = language_argument(target)
        source = language_argument(source) if source else None
        if source == target:
            raise CommandError(_("The source and the target language are the same."))
        articles: Iterable[Article] = Article.objects.order_by("pk")
        if article:
            articles = [self.find(name) for name in article]
        written = articles_export_po(
            articles=articles, source=source, target=target, directory=out, pending_only=pending,
        )
        for path in written:
            self.stdout.write(str(path))
        if options["verbosity"]:
            self.stderr.write(ngettext(
                "%(count)d file written to %(folder)s.", "%(count)d files written to %(folder)s.", len(written),
            ) % {"count": len(written), "folder": out})

    def find(self, name: str) -> Article:
        found = Article.objects.filter(key=name).first()
        if found is None and name.isdigit():
            found = Article.objects.filter(pk=int(name)).first()
        if found is None:
            raise CommandError(_("No article has the key or id “%(name)s”.") % {"name": name})
        return found
