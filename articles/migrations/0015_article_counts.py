"""The archive at scale, continued (docs/performance.md): the sitemap index's rollup of months (``ArchiveMonth``: per
language and month, how many articles are listed and when the latest of them changed) and each tag's count of
listed articles per language (``TagCount``), both counted here once from the articles."""


from django.conf import settings
from django.db import migrations, models


def listed(language: str) -> models.Q:
    """``articles.models.listed_condition`` as it stands now (a migration keeps its own copy)."""
    condition = models.Q(status="published") & models.Q(**{f"status_{language}": "published"})
    for field_name in ("title", "body"):
        column = f"{field_name}_{language}"
        condition &= models.Q(**{f"{column}__isnull": False}) & ~models.Q(**{column: ""})
    return condition


def count_articles(apps, schema_editor):
    from articles.archive_months import archive_months_rebuild
    from articles.tag_counts import tag_counts_rebuild

    article = apps.get_model("articles", "Article")
    archive_months_rebuild(
        article_model=article, month_model=apps.get_model("articles", "ArchiveMonth"),
        languages=settings.MODELTRANSLATION_LANGUAGES,
    )
    tag_counts_rebuild(
        article_model=article, tag_count_model=apps.get_model("articles", "TagCount"),
        languages=settings.MODELTRANSLATION_LANGUAGES,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0014_admin_and_author_indexes"),
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
        migrations.CreateModel(
            name="TagCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("language", models.CharField(max_length=10, verbose_name="language")),
                ("count", models.IntegerField(default=0, verbose_name="articles")),
                ("tag", models.ForeignKey(
                    db_index=False, on_delete=models.deletion.CASCADE, related_name="counts", to="articles.tag",
                    verbose_name="tag",
                )),
            ],
            options={
                "verbose_name": "articles of a tag",
                "verbose_name_plural": "articles of tags",
                "constraints": [models.UniqueConstraint(fields=("tag", "language"), name="articles_tag_count_unique")],
            },
        ),
        migrations.RunPython(count_articles, migrations.RunPython.noop),
    ]
