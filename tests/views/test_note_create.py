import pytest
from django.urls import reverse

from tests.conftest import login
from tracker.models import AuditEvent, TherapistNote

pytestmark = pytest.mark.django_db


def url(patient):
    return reverse("therapist-note-create", args=[patient.pk])


def test_it_adds_a_private_note_and_returns_to_the_record(as_alice, alice, pat):
    response = as_alice.post(url(pat), {"text": "Knee better on stairs."})
    assert response.status_code == 302
    assert response.url == reverse("therapist-record", args=[pat.pk]) + "#notes"
    note = TherapistNote.objects.get()
    assert (note.patient, note.author, note.text) == (pat, alice, "Knee better on stairs.")
    assert AuditEvent.objects.filter(action="note.added", patient=pat).exists()


def test_it_saves_nothing_for_an_empty_note(as_alice, pat):
    response = as_alice.post(url(pat), {"text": "  "}, follow=True)
    assert "nothing was saved" in response.content.decode()
    assert not TherapistNote.objects.exists()


def test_it_is_404_for_another_clinic(client, charlie, pat):
    assert login(client, charlie).post(url(pat), {"text": "x"}).status_code == 404
    assert not TherapistNote.objects.exists()


def test_it_never_shows_notes_to_the_patient(client, alice, pat):
    TherapistNote.objects.create(clinic=pat.clinic, patient=pat, author=alice, text="PRIVATE")
    page = login(client, pat.user).get(reverse("patient-today")).content.decode()
    assert "PRIVATE" not in page
