from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from articles.conf import conf
from articles.roles import translators_group_name

# codename lists per group; "publish_article" is what separates editors from authors.
ROLES = {
    "Editors": [
        "view_article", "add_article", "change_article", "delete_article", "publish_article",
        "view_byline", "add_byline", "change_byline", "delete_byline",
        "view_author", "add_author", "change_author",
        "view_section", "add_section", "change_section",
        "view_tag", "add_tag", "change_tag", "delete_tag",
    ],
    "Authors": [
        "view_article", "add_article", "change_article",
        "view_byline", "add_byline", "change_byline", "delete_byline",
        "view_author", "view_section", "view_tag",
    ],
}
# One group per language; articles.roles confines its members to that language's translated fields.
TRANSLATOR_PERMISSIONS = [
    "view_article", "change_article", "view_byline",
    "view_author", "change_author", "view_section", "change_section", "view_tag", "change_tag",
]


def all_roles() -> dict[str, list[str]]:
    return {**ROLES, **{translators_group_name(code): TRANSLATOR_PERMISSIONS for code in conf.ARTICLES_LANGUAGES}}


class Command(BaseCommand):
    help = (
        "Create or update the Editors, Authors and Translators (<language>) groups with their permissions. "
        "Safe to run again."
    )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        for name, codenames in all_roles().items():
            group, created = Group.objects.get_or_create(name=name)
            permissions = Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
            missing = set(codenames) - set(permissions.values_list("codename", flat=True))
            if missing:
                raise RuntimeError(f"Unknown permissions {sorted(missing)}: run migrate first.")
            group.permissions.set(permissions)
            if options["verbosity"]:
                verb = "Created" if created else "Updated"
                self.stdout.write(f"{verb} group {name!r} ({len(codenames)} permissions).")
