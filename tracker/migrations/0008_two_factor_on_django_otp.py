"""Two-factor sign-in moves onto django-otp; every therapist keeps their app and their codes.

- Each key an app was set up with becomes a TOTPDevice (confirmed if it was confirmed, with
  the last accepted time step, so a code used just before the upgrade is not accepted again).
  The old key was base32, as the app shows it; django-otp stores the same bytes as hex.
- Recovery codes were stored only as password hashes, so they cannot become StaticTokens
  (which hold the code's own keyed digest). The unused ones move, still hashed, into
  LegacyRecoveryCode and keep working until used or replaced; each enrolled therapist gets
  the StaticDevice that will hold their next codes and that a session signed in with a
  recovery code is verified with.

Going back restores the keys and the carried-over recovery codes; codes made after the
upgrade cannot be turned back into password hashes and are lost (the therapist makes new
ones).
"""

from base64 import b32decode, b32encode
from binascii import Error as Base32Error
from binascii import hexlify, unhexlify

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def hex_key(base32_secret: str, user_id: int) -> str:
    """The app's key as django-otp stores it: the same bytes, hex instead of base32."""
    secret = base32_secret.strip().replace(" ", "").upper()
    try:
        raw = b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    except (Base32Error, ValueError) as exc:
        raise ValueError(
            f"User {user_id} has a two-factor key that is not base32; it cannot have worked."
        ) from exc
    return hexlify(raw).decode()


def carry_over(apps, schema_editor):
    User = apps.get_model("tracker", "User")
    LegacyRecoveryCode = apps.get_model("tracker", "LegacyRecoveryCode")
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    users = (
        User.objects.exclude(totp_secret="")
        .only("pk", "totp_secret", "totp_confirmed_at", "totp_last_step", "totp_recovery_codes")
        .order_by("pk")
    )
    for user in users.iterator():
        confirmed = user.totp_confirmed_at is not None
        app = TOTPDevice.objects.create(
            user_id=user.pk,
            name=APP_DEVICE_NAME,
            key=hex_key(user.totp_secret, user.pk),
            confirmed=confirmed,
            # The old time step is django-otp's t (step 30 s from the epoch, no drift yet).
            last_t=user.totp_last_step if user.totp_last_step is not None else -1,
        )
        if not confirmed:
            continue  # a set-up under way: the same QR code still finishes it
        # created_at is set on insert; "On since" keeps the day the app was confirmed.
        TOTPDevice.objects.filter(pk=app.pk).update(created_at=user.totp_confirmed_at)
        StaticDevice.objects.create(user_id=user.pk, name=RECOVERY_DEVICE_NAME, confirmed=True)
        LegacyRecoveryCode.objects.bulk_create(
            LegacyRecoveryCode(user_id=user.pk, slot=slot, code_hash=code_hash)
            for slot, code_hash in enumerate(user.totp_recovery_codes or [])
            if code_hash
        )


def carry_back(apps, schema_editor):
    User = apps.get_model("tracker", "User")
    LegacyRecoveryCode = apps.get_model("tracker", "LegacyRecoveryCode")
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    legacy: dict[int, list[str]] = {}
    for code in LegacyRecoveryCode.objects.order_by("user_id", "slot"):
        slots = legacy.setdefault(code.user_id, [])
        slots.extend([""] * (code.slot + 1 - len(slots)))
        slots[code.slot] = code.code_hash
    for app in TOTPDevice.objects.order_by("user_id", "-confirmed", "-pk"):
        User.objects.filter(pk=app.user_id, totp_secret="").update(
            totp_secret=b32encode(unhexlify(app.key)).decode().rstrip("="),
            totp_confirmed_at=(app.created_at or timezone.now()) if app.confirmed else None,
            totp_last_step=app.last_t if app.last_t >= 0 else None,
            totp_recovery_codes=legacy.get(app.user_id, []) if app.confirmed else [],
        )
    TOTPDevice.objects.all().delete()
    StaticDevice.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0007_exercise_log_version_days_index"),
        # The plugins' latest schema, so the devices are made with every column (created_at).
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="LegacyRecoveryCode",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slot", models.PositiveSmallIntegerField()),
                ("code_hash", models.CharField(max_length=256)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="legacy_recovery_codes",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "slot"), name="legacy_recovery_code_slot"
                    )
                ],
            },
        ),
        migrations.RunPython(carry_over, carry_back),
    ]
