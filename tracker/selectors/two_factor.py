"""Two-factor sign-in as it stands: a user's devices and recovery codes, and a clinic's
therapists for the clinic admin's security page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker.models import LegacyRecoveryCode, User


@dataclass(frozen=True)
class TherapistTwoFactor:
    therapist: User
    on_since: datetime | None  # None: two-factor sign-in is not on
    has_app_key: bool  # a key was made for an app (confirmed, or the set-up is under way)
    recovery_left: int


def _per_user_count(queryset: QuerySet, user_field: str) -> Coalesce:
    counted = (
        queryset.filter(**{user_field: OuterRef("pk")})
        .order_by()
        .values(user_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def therapists_two_factor(therapists: QuerySet[User]) -> list[TherapistTwoFactor]:
    """One row per therapist, in one query whatever the size of the clinic."""
    apps = TOTPDevice.objects.filter(user=OuterRef("pk"))
    rows = therapists.annotate(
        two_factor_since=Subquery(apps.filter(confirmed=True).values("created_at")[:1]),
        has_app_key=Exists(apps),
        recovery_tokens=_per_user_count(StaticToken.objects.all(), "device__user"),
        legacy_recovery=_per_user_count(LegacyRecoveryCode.objects.all(), "user"),
    )
    return [
        TherapistTwoFactor(
            therapist=row,
            on_since=row.two_factor_since,
            has_app_key=row.has_app_key,
            recovery_left=row.recovery_tokens + row.legacy_recovery,
        )
        for row in rows
    ]


def app_device(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    """The authenticator app: confirmed (in use), or unconfirmed (set-up under way)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=confirmed).first()


def two_factor_since(user: User) -> datetime | None:
    device = app_device(user)
    return device.created_at if device else None


def recovery_codes_left(user: User) -> int:
    counts = User.objects.filter(pk=user.pk).aggregate(
        tokens=Count("staticdevice__token_set", distinct=True),
        legacy=Count("legacy_recovery_codes", distinct=True),
    )
    return counts["tokens"] + counts["legacy"]
