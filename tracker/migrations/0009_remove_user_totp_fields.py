"""The hand-made two-factor columns go: 0008 carried everything in them over to django-otp's
devices and LegacyRecoveryCode."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0008_two_factor_on_django_otp"),
    ]

    operations = [
        migrations.RemoveField(model_name="user", name="totp_confirmed_at"),
        migrations.RemoveField(model_name="user", name="totp_last_step"),
        migrations.RemoveField(model_name="user", name="totp_recovery_codes"),
        migrations.RemoveField(model_name="user", name="totp_secret"),
    ]
