"""The admin's filters at scale (docs/performance.md, "Admin"): a partial index per language over the articles whose
translation there is outdated ("outdated in"), and one over the drafts ("Draft"), so that their counts, pages and
date drill-down read those few articles instead of the table. The conditions are the ones the filters ask
(``articles.translating.status.outdated_condition``, ``articles.models.draft_condition``), as they are today, for
the languages in settings. On PostgreSQL 14 and later, statistics on whether each language's translation is current
(with the original language, which it depends on), so that the planner knows how few are outdated and reads them
from their index.

And, for an author's page and the authors' sitemap, which start from the author's bylines: a partial index per
language over the articles listed there, by id (whether each of the author's articles is public, from the index
alone), and the bylines by author and article (replacing the author's foreign-key index)."""

from functools import reduce
from operator import or_

from django.conf import settings
import django.db.models.deletion
from django.db import migrations, models
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact


def available(language: str) -> models.Q:
    return (
        models.Q(**{f"title_{language}__isnull": False}) & ~models.Q(**{f"title_{language}": ""})
        & models.Q(**{f"body_{language}__isnull": False}) & ~models.Q(**{f"body_{language}": ""})
    )


def outdated(language: str) -> models.Q:
    current = Coalesce(Exact(KT(f"translated_from__{language}__source"), models.F("source_fingerprint")),
                       models.Value(False))
    return available(language) & ~models.Q(source_language=language) & ~models.Q(current)


def current_statistics(language: str) -> tuple[str, str]:
    # The expression Django writes for ``articles.translating.status.translation_is_current`` on PostgreSQL.
    return (
        f"articles_article_translation_current_{language}",
        f"COALESCE((translated_from #>> '{{{language},source}}') = source_fingerprint, false)",
    )


def add_current_statistics(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql" and connection.pg_version >= 140000:
        for language in settings.MODELTRANSLATION_LANGUAGES:
            name, expression = current_statistics(language)
            schema_editor.execute(
                f"CREATE STATISTICS IF NOT EXISTS {name} (mcv) ON source_language, ({expression}) FROM articles_article"
            )
        # Gathering them reads a sample of the table: longer than a request may take on a large, busy one.
        schema_editor.execute("SET LOCAL statement_timeout = 0")
        schema_editor.execute("ANALYZE articles_article")


def drop_current_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for language in settings.MODELTRANSLATION_LANGUAGES:
            schema_editor.execute(f"DROP STATISTICS IF EXISTS {current_statistics(language)[0]}")


def listed(language: str) -> models.Q:
    return models.Q(status="published") & models.Q(**{f"status_{language}": "published"}) & available(language)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0013_archive'),
    ]

    operations = [
        *(
            migrations.AddIndex(
                model_name='article',
                index=models.Index(
                    fields=['published_at', 'id'], condition=outdated(code), name=f'articles_outdated_{code}_idx',
                ),
            )
            for code in settings.MODELTRANSLATION_LANGUAGES
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(
                fields=['published_at', 'id'],
                condition=~reduce(or_, (listed(code) for code in settings.MODELTRANSLATION_LANGUAGES)),
                name='articles_draft_idx',
            ),
        ),
        migrations.RunPython(add_current_statistics, drop_current_statistics, elidable=False),
        *(
            migrations.AddIndex(
                model_name='article',
                index=models.Index(
                    fields=['id', f'published_at_{code}'], condition=listed(code), name=f'articles_listed_{code}_by_id',
                ),
            )
            for code in settings.MODELTRANSLATION_LANGUAGES
        ),
        migrations.AlterField(
            model_name='byline',
            name='author',
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='bylines',
                to='articles.author', verbose_name='author',
            ),
        ),
        migrations.AddIndex(
            model_name='byline',
            index=models.Index(fields=['author', 'article'], name='articles_byline_by_author'),
        ),
    ]
