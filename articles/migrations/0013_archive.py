"""The archive at scale (docs/performance.md): a partial index per language over the articles missing there, for
the admin's "missing in" filter, whose count and pages read the table without them; and, on PostgreSQL 14 and
later, statistics on the publication month, so that the sitemap index's grouping by month is planned as the few
dozen groups it is (a hash) instead of a sort of every public article."""

from django.conf import settings
from django.db import migrations, models

# The expression ``articles.sitemaps.article_files`` groups each language by
# (``TruncMonth("published_at_<lang>", tzinfo=UTC)``), as Django writes it for PostgreSQL.


def month_statistics(language: str) -> tuple[str, str]:
    return (
        f"articles_article_publication_month_{language}",
        f"date_trunc('month', published_at_{language} AT TIME ZONE 'UTC')",
    )


def add_month_statistics(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql" and connection.pg_version >= 140000:
        for language in settings.MODELTRANSLATION_LANGUAGES:
            name, expression = month_statistics(language)
            schema_editor.execute(f"CREATE STATISTICS IF NOT EXISTS {name} ON ({expression}) FROM articles_article")
        schema_editor.execute("ANALYZE articles_article")


def drop_month_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for language in settings.MODELTRANSLATION_LANGUAGES:
            schema_editor.execute(f"DROP STATISTICS IF EXISTS {month_statistics(language)[0]}")


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0012_images'),
    ]

    operations = [
        migrations.RunPython(add_month_statistics, drop_month_statistics, elidable=False),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('title_en__isnull', False), models.Q(('title_en', ''), _negated=True), ('body_en__isnull', False), models.Q(('body_en', ''), _negated=True), _negated=True), fields=['published_at', 'id'], name='articles_missing_en_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('title_ru__isnull', False), models.Q(('title_ru', ''), _negated=True), ('body_ru__isnull', False), models.Q(('body_ru', ''), _negated=True), _negated=True), fields=['published_at', 'id'], name='articles_missing_ru_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('title_kk__isnull', False), models.Q(('title_kk', ''), _negated=True), ('body_kk__isnull', False), models.Q(('body_kk', ''), _negated=True), _negated=True), fields=['published_at', 'id'], name='articles_missing_kk_idx'),
        ),
    ]
