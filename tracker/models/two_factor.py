"""Recovery codes made before two-factor sign-in moved onto django-otp.

The authenticator apps and new recovery codes live in django-otp's devices (TOTPDevice and
StaticDevice). Codes handed out earlier were stored only as password hashes, so they cannot
become django-otp's tokens; they are kept here, hashed, until each is used, the therapist
makes new codes, or two-factor sign-in is turned off or reset.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LegacyRecoveryCode(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="legacy_recovery_codes"
    )
    # The code's first character: its place on the printed list, so a check costs one slow
    # hash instead of ten.
    slot = models.PositiveSmallIntegerField()
    code_hash = models.CharField(max_length=256)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "slot"], name="legacy_recovery_code_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.slot}"
