"""Checked import files get their own table; a clinic may invite an address that signs in
at another clinic (a *held* account), so an address is unique among the accounts that sign
in and within each clinic, no longer among all accounts. Existing rows already satisfy both.
"""

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('tracker', '0013_audit_trail_append_only_in_the_database'),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportStaging',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('files', models.BinaryField()),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='user',
            name='user_email_unique_ci',
        ),
        migrations.AddField(
            model_name='user',
            name='held',
            field=models.BooleanField(default=False, verbose_name='held'),
        ),
        migrations.AlterField(
            model_name='user',
            name='email',
            field=models.EmailField(max_length=254, verbose_name='email address'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('email'), condition=models.Q(('held', False)), name='user_email_unique_ci'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('email'), models.F('clinic'), name='user_email_unique_ci_per_clinic'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(('held', False), ('role', 'patient'), _connector='OR'), name='user_held_is_patient'),
        ),
        migrations.AddField(
            model_name='importstaging',
            name='clinic',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tracker.clinic'),
        ),
        migrations.AddField(
            model_name='importstaging',
            name='therapist',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='importstaging',
            name='uploaded_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='importstaging',
            constraint=models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('created_at'))), name='import_staging_expires_after_creation'),
        ),
    ]
