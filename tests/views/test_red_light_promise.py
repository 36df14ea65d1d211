"""After a red light the phone promises only what the clinic does with it."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from tracker.services.logbook import session_finish, session_start

pytestmark = pytest.mark.django_db
TODAY = reverse("patient-today")
EXPLANATION = reverse("patient-explanation", args=["pain-traffic-light"])


def finish_in_the_red(pat):
    session = session_start(patient=pat, client_id=uuid.uuid4(), pain_before=2)
    session_finish(session=session, pain_after=8)


def test_it_says_the_therapist_will_hear_about_a_red_light(as_pat, pat, pat_program):
    finish_in_the_red(pat)
    assert "Your therapist will hear about it" in as_pat.get(TODAY).content.decode()
    assert "therapist will hear about it" in as_pat.get(EXPLANATION).content.decode()


def test_with_the_red_light_flag_off_it_says_to_tell_the_therapist(as_pat, pat, pat_program):
    pat.clinic.flag_thresholds = {"red_light_flag": False}
    pat.clinic.save()
    finish_in_the_red(pat)

    today = as_pat.get(TODAY).content.decode()
    explanation = as_pat.get(EXPLANATION).content.decode()

    assert "Tell your therapist at your next visit" in today
    assert "will hear about it" not in today
    assert "tell your therapist at your next visit" in " ".join(explanation.split())
    assert "will hear about it" not in explanation
