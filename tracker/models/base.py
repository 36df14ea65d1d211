"""Shared pieces of the data model: rating ranges and their database constraints."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

RATING_MIN = 0
RATING_MAX = 10
RATING_VALIDATORS = [MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]

SLEEP_HOURS_MAX = 16
# Sleep is recorded in half hours: 0, 0.5, … 16. Listing the values keeps the rule portable
# across SQLite and PostgreSQL, where a modulo on decimals behaves differently.
SLEEP_HOURS_CHOICES = [Decimal(half) / 2 for half in range(0, SLEEP_HOURS_MAX * 2 + 1)]


def rating_constraint(
    model_name: str, field: str, *, nullable: bool = False
) -> models.CheckConstraint:
    """A 0–10 whole-number rating, enforced by the database."""
    in_range = models.Q(**{f"{field}__gte": RATING_MIN, f"{field}__lte": RATING_MAX})
    if nullable:
        in_range |= models.Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=in_range, name=f"{model_name}_{field}_0_10")


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
