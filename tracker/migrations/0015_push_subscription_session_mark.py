from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0014_import_staging_and_held_accounts"),
    ]

    operations = [
        migrations.AddField(
            model_name="pushsubscription",
            name="session_mark",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
    ]
