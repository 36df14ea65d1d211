"""Checked import files wait in their own table, not in the admin's session: named by a random
id, usable only by the uploading clinic's admins, gone after import, cancel or expiry."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session as SessionRow
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.concurrency import at_once
from tests.conftest import login
from tracker.models import DailyCheckin, ImportStaging, PatientProfile, User
from tracker.services.import_staging import (
    import_staging_create,
    import_staging_run,
    staged_files,
)
from tracker.services.library import library_seed
from tracker.tasks import delete_expired_import_stagings

pytestmark = pytest.mark.django_db

URL = reverse("therapist-import")
CHECKINS_HEADER = "patient_email,date,pain,worst_pain,sleep_hours,sleep_quality,stress,note\n"
PATIENTS = (
    "email,timezone,exercises,program_start\nnew@p.test,Europe/London,glute-bridge,2026-08-01\n"
)


@pytest.fixture
def library(db):
    library_seed()


def big_checkins(email: str, megabytes: float) -> str:
    """Check-ins of one patient with long notes that do not compress (as real free text
    compresses poorly too), one a day going back from yesterday."""
    rng = random.Random(18)
    alphabet = "abcdefghijklmnopqrstuvwxyz "
    day = timezone.now().date() - timedelta(days=1)
    rows, size = [CHECKINS_HEADER], 0
    while size < megabytes * 1024 * 1024:
        note = "".join(rng.choices(alphabet, k=100_000))
        row = f"{email},{day.isoformat()},3,5,7.5,6,3,{note}\n"
        rows.append(row)
        size += len(row)
        day -= timedelta(days=1)
    return "".join(rows)


def check(client: Client, therapist: User, **files: str):
    data = {"step": "check", "therapist": therapist.pk}
    for name, text in files.items():
        data[name] = SimpleUploadedFile(f"{name}.csv", text.encode(), content_type="text/csv")
    return client.post(URL, data)


def session_row_bytes(client: Client) -> int:
    return len(SessionRow.objects.get(pk=client.session.session_key).session_data)


def test_a_checked_5_mb_file_is_staged_in_its_own_table_not_in_the_session(
    as_alice: Client, alice: User, pat: PatientProfile, library, settings
):
    settings.REHABIT_IMPORT_MAX_BYTES = 8 * 1024 * 1024
    checkins = big_checkins(pat.user.email, 5.2)
    assert len(checkins.encode()) > 5 * 1024 * 1024
    page = check(as_alice, alice, checkins=checkins).content.decode()
    assert "All rows are valid" in page and "Import now" in page

    assert session_row_bytes(as_alice) < 4 * 1024  # the session holds nothing of the file
    staging = ImportStaging.objects.get()
    assert (staging.clinic_id, staging.uploaded_by_id, staging.therapist_id) == (
        alice.clinic_id,
        alice.pk,
        alice.pk,
    )
    assert staged_files(staging) == {"patients": None, "checkins": checkins, "sessions": None}
    assert staging.expires_at - staging.created_at == settings.REHABIT_IMPORT_STAGING_TTL
    assert reverse("therapist-import-run", args=[staging.pk]) in page
    assert staging.pk.version == 4  # random, not counted up from the last one

    # Every later page reads a small session.
    as_alice.get(reverse("therapist-caseload"))
    assert session_row_bytes(as_alice) < 4 * 1024


def test_importing_deletes_the_staged_files(as_alice: Client, alice: User, library):
    check(as_alice, alice, patients=PATIENTS)
    staging = ImportStaging.objects.get()
    response = as_alice.post(reverse("therapist-import-run", args=[staging.pk]))
    assert response.status_code == 200 and "Imported" in response.content.decode()
    assert PatientProfile.objects.filter(user__email="new@p.test").exists()
    assert not ImportStaging.objects.exists()
    # A second click finds nothing to import.
    again = as_alice.post(reverse("therapist-import-run", args=[staging.pk]))
    assert again.status_code == 404
    assert PatientProfile.objects.filter(user__email="new@p.test").count() == 1


def test_cancelling_deletes_the_staged_files_and_imports_nothing(
    as_alice: Client, alice: User, library
):
    check(as_alice, alice, patients=PATIENTS)
    staging = ImportStaging.objects.get()
    response = as_alice.post(reverse("therapist-import-cancel", args=[staging.pk]), follow=True)
    assert "Nothing was imported; the checked files are deleted." in response.content.decode()
    assert not ImportStaging.objects.exists()
    assert not PatientProfile.objects.filter(user__email="new@p.test").exists()


def test_checking_other_files_replaces_the_uploader_s_staged_ones(
    as_alice: Client, alice: User, library
):
    check(as_alice, alice, patients=PATIENTS)
    first = ImportStaging.objects.get()
    check(as_alice, alice, patients=PATIENTS.replace("new@", "newer@"))
    assert list(ImportStaging.objects.values_list("pk", flat=True)) != [first.pk]
    assert ImportStaging.objects.count() == 1


def expire(staging: ImportStaging, *, ago: timedelta) -> None:
    """As if checked long ago (the admin's session would not have lasted that long)."""
    ImportStaging.objects.filter(pk=staging.pk).update(
        created_at=timezone.now() - settings.REHABIT_IMPORT_STAGING_TTL - ago,
        expires_at=timezone.now() - ago,
    )


def test_expired_files_are_cleaned_up_by_the_periodic_task(as_alice: Client, alice: User, library):
    schedule = settings.CELERY_BEAT_SCHEDULE.values()
    assert "tracker.tasks.delete_expired_import_stagings" in {e["task"] for e in schedule}
    check(as_alice, alice, patients=PATIENTS)
    staging = ImportStaging.objects.get()
    assert delete_expired_import_stagings() == 0
    expire(staging, ago=timedelta(seconds=1))
    # Expired but not yet swept: it cannot be imported any more, and it is gone.
    response = as_alice.post(reverse("therapist-import-run", args=[staging.pk]), follow=True)
    assert "no longer waiting" in response.content.decode()
    assert not PatientProfile.objects.filter(user__email="new@p.test").exists()
    assert not ImportStaging.objects.exists()

    check(as_alice, alice, patients=PATIENTS)
    fresh = ImportStaging.objects.get()
    expire(fresh, ago=timedelta(hours=1))
    assert delete_expired_import_stagings() == 1
    assert not ImportStaging.objects.exists()


@pytest.mark.parametrize("name", ["therapist-import-run", "therapist-import-cancel"])
def test_another_clinic_s_admin_and_a_non_admin_get_404(
    client: Client, as_alice: Client, alice: User, bob: User, charlie: User, pat, library, name
):
    User.objects.filter(pk=charlie.pk).update(is_clinic_admin=True)
    check(as_alice, alice, checkins=CHECKINS_HEADER + f"{pat.user.email},2026-08-01,3,5,7.5,6,3,\n")
    staging = ImportStaging.objects.get()
    url = reverse(name, args=[staging.pk])
    for outsider in (charlie, bob):
        assert login(Client(), outsider).post(url).status_code == 404
    assert ImportStaging.objects.filter(pk=staging.pk).exists()
    assert not DailyCheckin.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_clicks_on_import_now_at_once_import_once(alice: User):
    library_seed()
    staging = import_staging_create(admin=alice, therapist=alice, texts={"patients": PATIENTS})

    def click() -> object:
        return import_staging_run(staging=ImportStaging.objects.get(pk=staging.pk))

    results, errors = at_once(click, click)
    assert errors == []
    done = [r for r in results if r is not None]
    assert len(done) == 1 and done[0].report.counts["patients"] == 1
    assert PatientProfile.objects.filter(user__email="new@p.test").count() == 1
    assert not ImportStaging.objects.exists()
