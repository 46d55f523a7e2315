"""Former slugs of articles and sections, so that their old addresses redirect to the current ones."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0006_scale_indexes'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='SlugHistory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_id', models.PositiveBigIntegerField()),
                ('language', models.CharField(max_length=10, verbose_name='language')),
                ('slug', models.SlugField(db_index=False, max_length=200, verbose_name='former slug')),
                ('replaced_at', models.DateTimeField(auto_now=True, verbose_name='replaced')),
                ('content_type', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
            ],
            options={
                'verbose_name': 'former slug',
                'verbose_name_plural': 'former slugs',
                'constraints': [models.UniqueConstraint(fields=('content_type', 'slug', 'language'), name='articles_slug_history_unique')],
            },
        ),
    ]
