from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.translating.po_import import TranslationFileError, translation_file_import


class Command(BaseCommand):
    help = (
        "Apply PO files written by export_translations to their articles. Each file is checked as a whole and "
        "applied entirely or not at all; a file made from an older source text is refused unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--force", action="store_true",
            help="Apply files made from an older source text too (the translation then shows as outdated).",
        )

    def handle(self, *args, files: list[Path], force: bool, **options) -> None:
        failed = 0
        for path in files:
            try:
                article = translation_file_import(path=path, force=force)
            except TranslationFileError as error:
                failed += 1
                for problem in error.problems:
                    self.stderr.write(f"{path}: {problem}")
                continue
            if options["verbosity"]:
                self.stdout.write(f"{path}: applied to {article.key or article.pk}.")
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) not imported; the others were applied.")
