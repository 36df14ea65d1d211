"""Import files checked by a clinic admin and waiting for "Import now"."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from .people import Clinic, User


class ImportStaging(models.Model):
    """One checked set of import files, between the check and the import.

    Its own table rather than the admin's session: a 20 MB file in the session row would be
    read and written on every page the admin opens, and patient data would sit among the
    sessions. The id is random (uuid4), so it cannot be guessed from another one; the row is
    deleted when it is imported, cancelled, replaced by the uploader's next check, or expired
    (the sweeper removes those).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # The therapist the admin chose for new patients.
    therapist = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # The files' texts as zlib-compressed JSON ({"patients": text or null, …}).
    files = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="import_staging_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"import {self.pk} for {self.clinic_id}"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()
