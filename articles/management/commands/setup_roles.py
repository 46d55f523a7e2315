from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

# codename lists per group; "publish_article" is what separates editors from authors.
ROLES = {
    "Editors": [
        "view_article", "add_article", "change_article", "delete_article", "publish_article",
        "view_byline", "add_byline", "change_byline", "delete_byline",
        "view_author", "add_author", "change_author",
        "view_section", "add_section", "change_section",
    ],
    "Authors": [
        "view_article", "add_article", "change_article",
        "view_byline", "add_byline", "change_byline", "delete_byline",
        "view_author", "view_section",
    ],
}


class Command(BaseCommand):
    help = "Create or update the Editors and Authors groups with their permissions. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        for name, codenames in ROLES.items():
            group, created = Group.objects.get_or_create(name=name)
            permissions = Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
            missing = set(codenames) - set(permissions.values_list("codename", flat=True))
            if missing:
                raise RuntimeError(f"Unknown permissions {sorted(missing)}: run migrate first.")
            group.permissions.set(permissions)
            if options["verbosity"]:
                self.stdout.write(f"{'Created' if created else 'Updated'} group {name!r} ({len(codenames)} permissions).")
