"""Checked import files waiting for the clinic admin's "Import now", in their own table.

Between the check and the import the files wait as one compressed row, named by a random
id that the "Import now" and "Cancel" buttons carry in their URL. Importing or cancelling
deletes the row, and so does the uploader's next check; rows left waiting expire after
REHABIT_IMPORT_STAGING_TTL and the sweeper removes them.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tracker.models import ImportStaging, User
from tracker.services.importer import ImportReport, import_caseload

FILES = ("patients", "checkins", "sessions")


def _pack(texts: dict[str, str | None]) -> bytes:
    return zlib.compress(json.dumps({name: texts.get(name) for name in FILES}).encode(), level=6)


def staged_files(staging: ImportStaging) -> dict[str, str | None]:
    texts = json.loads(zlib.decompress(bytes(staging.files)))
    return {name: texts.get(name) for name in FILES}


@transaction.atomic
def import_staging_create(
    *, admin: User, therapist: User, texts: dict[str, str | None]
) -> ImportStaging:
    """Keep checked files for the import step; the uploader's earlier ones are replaced."""
    now = timezone.now()
    ImportStaging.objects.filter(clinic_id=admin.clinic_id, uploaded_by=admin).delete()
    return ImportStaging.objects.create(
        clinic_id=admin.clinic_id,
        uploaded_by=admin,
        therapist=therapist,
        files=_pack(texts),
        created_at=now,
        expires_at=now + settings.REHABIT_IMPORT_STAGING_TTL,
    )


@dataclass(frozen=True)
class StagedImport:
    therapist: User
    report: ImportReport


def import_staging_run(*, staging: ImportStaging) -> StagedImport | None:
    """Import the staged files and delete them, in one transaction.

    None when the files are no longer waiting: imported or cancelled already (a second
    click), or expired. Deleting first is the claim: of two requests with the same id only
    one deletes the row, the other waits for it and then finds nothing.
    """
    with transaction.atomic():
        claimed = ImportStaging.objects.filter(
            pk=staging.pk, expires_at__gt=timezone.now()
        ).delete()[0]
        if not claimed:
            ImportStaging.objects.filter(pk=staging.pk).delete()
            return None
        texts = staged_files(staging)
        report = import_caseload(
            clinic=staging.clinic,
            therapist=staging.therapist,
            patients_csv=texts["patients"],
            checkins_csv=texts["checkins"],
            sessions_csv=texts["sessions"],
            dry_run=False,
        )
    return StagedImport(therapist=staging.therapist, report=report)


def import_staging_cancel(*, staging: ImportStaging) -> None:
    ImportStaging.objects.filter(pk=staging.pk).delete()


def import_stagings_expired_delete(*, now: datetime | None = None) -> int:
    """Remove staged files nobody imported in time; how many."""
    return ImportStaging.objects.filter(expires_at__lte=now or timezone.now()).delete()[0]
