"""Images: a translated credit beside the cover's caption, and the renditions records of covers and author photos
(articles/images.py). On SQLite, adding these columns rebuilds the articles table, which drops the trigger that
deletes an article's search rows with it (articles/search/sqlite.py): it is made again after the change, either way.
Existing images get their renditions from ``manage.py make_renditions``."""

from django.conf import settings
from django.db import migrations, models


def restore_search_trigger(apps, schema_editor):
    from articles.search import sqlite

    if schema_editor.connection.vendor == "sqlite":
        sqlite.create_storage(schema_editor.connection, settings.MODELTRANSLATION_LANGUAGES)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0011_byline_article_name'),
    ]

    operations = [
        # Unapplying runs the operations backwards: this one then comes last, after the table was rebuilt again.
        migrations.RunPython(migrations.RunPython.noop, restore_search_trigger, elidable=False),
        migrations.AddField(
            model_name='article',
            name='cover_credit',
            field=models.CharField(blank=True, help_text='Who made the image, shown beside the caption, e.g. “Photo: Aigerim Sadykova”.', max_length=200, verbose_name='cover credit'),
        ),
        migrations.AddField(
            model_name='article',
            name='cover_credit_en',
            field=models.CharField(blank=True, help_text='Who made the image, shown beside the caption, e.g. “Photo: Aigerim Sadykova”.', max_length=200, null=True, verbose_name='cover credit'),
        ),
        migrations.AddField(
            model_name='article',
            name='cover_credit_kk',
            field=models.CharField(blank=True, help_text='Who made the image, shown beside the caption, e.g. “Photo: Aigerim Sadykova”.', max_length=200, null=True, verbose_name='cover credit'),
        ),
        migrations.AddField(
            model_name='article',
            name='cover_credit_ru',
            field=models.CharField(blank=True, help_text='Who made the image, shown beside the caption, e.g. “Photo: Aigerim Sadykova”.', max_length=200, null=True, verbose_name='cover credit'),
        ),
        migrations.AddField(
            model_name='article',
            name='cover_renditions',
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name='author',
            name='photo_renditions',
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(restore_search_trigger, migrations.RunPython.noop, elidable=False),
    ]
