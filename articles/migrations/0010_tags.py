"""Tags: a translated name and slug per language, and the articles that carry them (see README, "Tags")."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0009_language_publication'),
    ]

    operations = [
        migrations.CreateModel(
            name='Tag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(blank=True, help_text='A stable identifier that imports use to find this tag again.', max_length=100, null=True, unique=True, verbose_name='key')),
                ('name', models.CharField(blank=True, max_length=100, verbose_name='name')),
                ('name_en', models.CharField(blank=True, max_length=100, null=True, verbose_name='name')),
                ('name_ru', models.CharField(blank=True, max_length=100, null=True, verbose_name='name')),
                ('name_kk', models.CharField(blank=True, max_length=100, null=True, verbose_name='name')),
                ('slug', models.SlugField(blank=True, max_length=100, null=True, verbose_name='slug')),
                ('slug_en', models.SlugField(blank=True, max_length=100, null=True, verbose_name='slug')),
                ('slug_ru', models.SlugField(blank=True, max_length=100, null=True, verbose_name='slug')),
                ('slug_kk', models.SlugField(blank=True, max_length=100, null=True, verbose_name='slug')),
            ],
            options={
                'verbose_name': 'tag',
                'verbose_name_plural': 'tags',
                'ordering': ['pk'],
                'constraints': [models.UniqueConstraint(fields=('slug_en',), name='articles_tag_unique_slug_en'), models.UniqueConstraint(fields=('slug_ru',), name='articles_tag_unique_slug_ru'), models.UniqueConstraint(fields=('slug_kk',), name='articles_tag_unique_slug_kk')],
            },
        ),
        migrations.AddField(
            model_name='article',
            name='tags',
            field=models.ManyToManyField(blank=True, related_name='articles', to='articles.tag', verbose_name='tags'),
        ),
        # "The articles given this tag last": an index-only scan backwards, however many articles carry the tag
        # (selectors.related_articles). Written in SQL because the through table of an automatic many-to-many
        # relation cannot declare indexes; the same statement serves SQLite and PostgreSQL.
        migrations.RunSQL(
            sql="CREATE INDEX articles_article_tags_by_tag ON articles_article_tags (tag_id, article_id)",
            reverse_sql="DROP INDEX articles_article_tags_by_tag",
        ),
    ]
