"""Each language version gets its own publication state and time (issue #14): the article's current status and time
become every available language's; the per-language list indexes follow the new rule."""

import articles.models
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q


def languages_of(Article) -> list[str]:
    """The languages this migration gave columns to (those of ``MODELTRANSLATION_LANGUAGES`` the model has)."""
    names = {field.name for field in Article._meta.get_fields()}
    return [code for code in settings.MODELTRANSLATION_LANGUAGES if f"status_{code}" in names]


def language_states_from_article(apps, schema_editor):
    """A published article is published, at its own time, in every language it is available in; a draft's
    languages stay without a state of their own, so that publishing the article publishes them, as it did."""
    Article = apps.get_model("articles", "Article")
    for code in languages_of(Article):
        available = Q(**{f"title_{code}__isnull": False, f"body_{code}__isnull": False}) & ~Q(
            **{f"title_{code}": ""}) & ~Q(**{f"body_{code}": ""})
        Article.objects.filter(available, status="published").update(
            **{f"status_{code}": "published", f"published_at_{code}": models.F("published_at")}
        )


def search_documents_rebuild(apps, schema_editor):
    """On PostgreSQL, write the search documents again: each keeps whether its language is listed (by the new
    rule) and that language's time. Done here, last, because it runs today's code, which reads these columns."""
    from articles.search import postgres

    if schema_editor.connection.vendor == "postgresql":
        postgres.PostgresSearchBackend().rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0008_search_speed'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='published_at_en',
            field=models.DateTimeField(blank=True, help_text='Published without a time, this language is published now; a future time schedules it.', null=True, validators=[articles.models.validate_publication_time], verbose_name='publication time [en]'),
        ),
        migrations.AddField(
            model_name='article',
            name='published_at_kk',
            field=models.DateTimeField(blank=True, help_text='Published without a time, this language is published now; a future time schedules it.', null=True, validators=[articles.models.validate_publication_time], verbose_name='publication time [kk]'),
        ),
        migrations.AddField(
            model_name='article',
            name='published_at_ru',
            field=models.DateTimeField(blank=True, help_text='Published without a time, this language is published now; a future time schedules it.', null=True, validators=[articles.models.validate_publication_time], verbose_name='publication time [ru]'),
        ),
        migrations.AddField(
            model_name='article',
            name='status_en',
            field=models.CharField(blank=True, choices=[('draft', 'Draft'), ('published', 'Published')], help_text='Empty: as the article, published at its time when the article is.', max_length=20, null=True, verbose_name='status [en]'),
        ),
        migrations.AddField(
            model_name='article',
            name='status_kk',
            field=models.CharField(blank=True, choices=[('draft', 'Draft'), ('published', 'Published')], help_text='Empty: as the article, published at its time when the article is.', max_length=20, null=True, verbose_name='status [kk]'),
        ),
        migrations.AddField(
            model_name='article',
            name='status_ru',
            field=models.CharField(blank=True, choices=[('draft', 'Draft'), ('published', 'Published')], help_text='Empty: as the article, published at its time when the article is.', max_length=20, null=True, verbose_name='status [ru]'),
        ),
        migrations.RunPython(language_states_from_article, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(search_documents_rebuild, migrations.RunPython.noop, elidable=False),
        migrations.RemoveIndex(
            model_name='article',
            name='articles_public_en_idx',
        ),
        migrations.RemoveIndex(
            model_name='article',
            name='articles_public_ru_idx',
        ),
        migrations.RemoveIndex(
            model_name='article',
            name='articles_public_kk_idx',
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published'), ('status_en', 'published'), ('title_en__isnull', False), models.Q(('title_en', ''), _negated=True), ('body_en__isnull', False), models.Q(('body_en', ''), _negated=True)), fields=['published_at_en', 'id', 'section_id', 'updated_at'], name='articles_public_en_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published'), ('status_ru', 'published'), ('title_ru__isnull', False), models.Q(('title_ru', ''), _negated=True), ('body_ru__isnull', False), models.Q(('body_ru', ''), _negated=True)), fields=['published_at_ru', 'id', 'section_id', 'updated_at'], name='articles_public_ru_idx'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published'), ('status_kk', 'published'), ('title_kk__isnull', False), models.Q(('title_kk', ''), _negated=True), ('body_kk__isnull', False), models.Q(('body_kk', ''), _negated=True)), fields=['published_at_kk', 'id', 'section_id', 'updated_at'], name='articles_public_kk_idx'),
        ),
    ]
