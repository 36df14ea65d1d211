"""A patient's own settings: the next reminder follows them; a chosen zone is never overridden."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.conftest import make_patient
from tracker.services.preferences import patient_preferences_update, patient_timezone_detected

pytestmark = pytest.mark.django_db


def test_the_next_reminder_follows_a_new_time_and_zone(pat):
    patient_preferences_update(
        patient=pat, reminder_time=time(20, 15), remind_by_email=False, timezone="Asia/Tokyo"
    )
    pat.refresh_from_db()
    local = timezone.localtime(pat.next_reminder_at, pat.user.tzinfo)
    assert (pat.user.timezone, local.hour, local.minute) == ("Asia/Tokyo", 20, 15)
    assert not pat.remind_by_email


def test_an_unknown_zone_is_refused(pat):
    with pytest.raises(ValidationError):
        patient_preferences_update(
            patient=pat, reminder_time=time(8), remind_by_email=True, timezone="Moon/Base"
        )


def test_a_detected_zone_replaces_only_the_default(clinic, alice, pat):
    newcomer = make_patient("new@patient.test", clinic, alice, tz="UTC")
    assert patient_timezone_detected(patient=newcomer, timezone="Europe/Paris")
    newcomer.user.refresh_from_db()
    assert newcomer.user.timezone == "Europe/Paris"
    assert not patient_timezone_detected(patient=newcomer, timezone="Asia/Tokyo")
    assert not patient_timezone_detected(patient=pat, timezone="Asia/Tokyo")
    pat.user.refresh_from_db()
    assert pat.user.timezone == "Europe/London"


def test_a_browser_reporting_utc_changes_nothing(clinic, alice):
    newcomer = make_patient("new@patient.test", clinic, alice, tz="UTC")
    assert not patient_timezone_detected(patient=newcomer, timezone="Etc/UTC")
