"""The archive at scale (docs/performance.md): a partial index per language over the articles missing there, for
the admin's "missing in" filter, whose count and pages read the table without them."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0008_search_speed'),
    ]

    operations = [
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
