"""A byline's article gets a translated name: "article" in forms' messages ("Byline with this Article and Author
already exists" named the field in English in every language). No change to the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_tags"),
    ]

    operations = [
        migrations.AlterField(
            model_name="byline",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="bylines", to="articles.article",
                verbose_name="article",
            ),
        ),
    ]
