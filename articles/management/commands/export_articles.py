from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.conf import conf
from articles.markdown_files import articles_export


class Command(BaseCommand):
    help = (
        "Export every article, author and section as Markdown files with YAML front matter, "
        "in the format import_articles reads."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="The folder to write to.")
        parser.add_argument(
            "--language", action="append", metavar="L",
            help="Export only this language (may be given more than once). Default: every language.",
        )

    def handle(self, *args, out: Path, language: list[str] | None, **options) -> None:
        unknown = sorted(set(language or []) - set(conf.ARTICLES_LANGUAGES))
        if unknown:
            raise CommandError(
                f"Unknown language {', '.join(unknown)}; expected one of {', '.join(conf.ARTICLES_LANGUAGES)}."
            )
        report = articles_export(directory=Path(out), languages=language)
        for line in report.summary_lines():
            self.stdout.write(line)
        for warning in report.warnings:
            self.stderr.write(warning)
