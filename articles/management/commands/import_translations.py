from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.translating.po_import import TranslationFileError, translation_file_import
from articles.translating.status import article_label


class Command(BaseCommand):
    help = (
        "Apply PO files written by export_translations to their articles. Each file is checked as a whole: a file "
        "with an error changes nothing; untranslated and fuzzy entries are skipped and listed. A file made from an "
        "older source text is refused unless --force."
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
                result = translation_file_import(path=path, force=force)
            except TranslationFileError as error:
                failed += 1
                for problem in error.problems:
                    self.stderr.write(f"{path}: {problem}")
                continue
            if options["verbosity"]:
                for where, why in result.skipped:
                    # Translators: an entry of a PO file that an import left out, e.g. "line 12, entry “lead”:
                    # not translated".
                    self.stdout.write(_("%(path)s: skipped %(where)s: %(why)s.") % {
                        "path": path, "where": where, "why": why,
                    })
                if result.applied:
                    self.stdout.write(ngettext(
                        "%(path)s: %(count)d entry applied to %(article)s.",
                        "%(path)s: %(count)d entries applied to %(article)s.",
                        result.applied,
                    ) % {"path": path, "count": result.applied, "article": article_label(result.article)})
                else:
                    self.stdout.write(_("%(path)s: no entry is translated; nothing was applied.") % {"path": path})
        if failed:
            raise CommandError(ngettext(
                "%(failed)d of %(count)d file not imported; the others were applied.",
                "%(failed)d of %(count)d files not imported; the others were applied.",
                len(files),
            ) % {"failed": failed, "count": len(files)})
