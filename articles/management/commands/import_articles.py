from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.markdown_files import articles_import


class Command(BaseCommand):
    help = (
        "Import articles from Markdown files with YAML front matter, one language version per file. "
        "Folders are searched for *.md. Nothing is written unless every file is valid."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="A file or a folder.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report what would change, without writing."
        )
        parser.add_argument(
            "--continue-on-error", action="store_true",
            help="Import the valid files and list the others (the command still fails).",
        )
        parser.add_argument(
            "--processes", type=int, metavar="N",
            help="Read, check and render the files in a pool of N processes while this one writes (default: one "
                 "per core from 300 files on; 1: all in this process).",
        )

    def handle(
        self, *args, paths: list[Path], dry_run: bool, continue_on_error: bool, processes: int | None, **options
    ) -> None:
        report = articles_import(
            paths=paths, dry_run=dry_run, continue_on_error=continue_on_error, processes=processes
        )
        for line in report.summary_lines():
            self.stdout.write(line)
        if report.problems:
            raise CommandError(report.failure_message())
