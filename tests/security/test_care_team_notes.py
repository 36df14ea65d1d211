"""What the record page says about care-team notes is what the patient's download does.

A patient's right of access covers notes their care team writes about them, so every note
reaches the patient, with its author, when they download their data. The record page must
say so, and must not call the notes private or promise the patient never sees them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from tests.conftest import login

pytestmark = pytest.mark.django_db
NOTE = "Worried about the stairs at work; call on Friday"


def record_page_text(client, patient) -> str:
    html = client.get(reverse("therapist-record", args=[patient.pk])).content.decode()
    notes = html[html.index('id="notes"') :]
    notes = notes[: notes.index("</section>")]
    return re.sub(r"\s+", " ", strip_tags(notes))


def test_the_record_page_says_the_patient_can_see_the_notes_their_download_holds(
    client, alice, pat
):
    therapist = login(client, alice)
    added = therapist.post(
        reverse("therapist-note-create", args=[pat.pk]),
        {"text": NOTE, "next": reverse("therapist-record", args=[pat.pk])},
    )
    assert added.status_code == 302

    said = record_page_text(therapist, pat)
    assert NOTE in said
    assert "Visible to the patient if they request their data" in said
    assert "private" not in said.lower()
    assert "never to the patient" not in said and "therapists only" not in said

    phone = login(client.__class__(), pat.user)
    data = json.loads(phone.get(reverse("patient-data-json")).content)
    assert [(n["text"], n["by"]) for n in data["notes_by_your_care_team"]] == [
        (NOTE, {"name": alice.display_name})
    ]
    archive = zipfile.ZipFile(io.BytesIO(phone.get(reverse("patient-data-csv")).content))
    rows = list(
        csv.DictReader(io.StringIO(archive.read("notes_by_your_care_team.csv").decode("utf-8-sig")))
    )
    assert [row["text"] for row in rows] == [NOTE]
    assert alice.display_name in rows[0].values()
