from django.core.management.base import BaseCommand

from articles.markdown import RENDERER_VERSION
from articles.services import articles_render


class Command(BaseCommand):
    help = (
        "Render stored article bodies (and author biographies) again after the Markdown renderer changed: "
        "articles rendered by an older renderer version, or all of them with --all."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", dest="everything", help="Render every article again.")

    def handle(self, *args, everything: bool, **options) -> None:
        count = articles_render(everything=everything)
        self.stdout.write(f"Rendered {count} article(s) with renderer version {RENDERER_VERSION}.")
