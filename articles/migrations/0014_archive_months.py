"""The sitemap index's rollup of months (``ArchiveMonth``, docs/performance.md): per language and month, how many
articles are listed and when the latest of them changed, counted here once from the articles."""

from django.conf import settings
from django.db import migrations, models


def count_months(apps, schema_editor):
    from articles.archive_months import archive_months_rebuild

    archive_months_rebuild(
        article_model=apps.get_model("articles", "Article"), month_model=apps.get_model("articles", "ArchiveMonth"),
        languages=settings.MODELTRANSLATION_LANGUAGES,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0013_archive"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArchiveMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("language", models.CharField(max_length=10, verbose_name="language")),
                ("month", models.DateField(verbose_name="month")),
                ("count", models.PositiveIntegerField(default=0, verbose_name="articles")),
                ("lastmod", models.DateTimeField(blank=True, null=True, verbose_name="last change")),
            ],
            options={
                "verbose_name": "month of the archive",
                "verbose_name_plural": "months of the archive",
                "ordering": ["language", "-month"],
                "constraints": [
                    models.UniqueConstraint(fields=("language", "month"), name="articles_archive_month_unique")
                ],
            },
        ),
        migrations.RunPython(count_months, migrations.RunPython.noop),
    ]
