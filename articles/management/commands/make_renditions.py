from django.core.management.base import BaseCommand, CommandError

from articles.services import image_renditions_make


class Command(BaseCommand):
    help = (
        "Make the renditions (several widths, WebP and the image's own format) of covers and author photos that "
        "lack them: images stored before renditions existed, or whose making failed. With --all, of every image "
        "(after ARTICLES_IMAGE_WIDTHS changed). Saving an image makes its renditions by itself."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", dest="everything", help="Make every image's again.")

    def handle(self, *args, everything: bool, **options) -> None:
        report = image_renditions_make(everything=everything)
        self.stdout.write(f"Made the renditions of {report.made} image(s).")
        if report.failed:
            raise CommandError(f"{report.failed} image(s) could not be read or written; the log names them.")
