"""Safety for the people who run Rehabit: no demo accounts on a production server by
accident, and no patient's name or flag in an alert email's subject."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from tracker import trends
from tracker.models import User
from tracker.services.demo import DEMO_THERAPIST
from tracker.services.flags import flags_apply
from tracker.services.library import library_seed
from tracker.services.therapist_alerts import alerts_due, flag_alert_send

pytestmark = pytest.mark.django_db


def test_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("demo", stdout=io.StringIO())
    assert not User.objects.filter(email=DEMO_THERAPIST).exists()


def test_demo_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False
    library_seed()
    call_command("demo", "--force", stdout=io.StringIO())
    assert User.objects.filter(email=DEMO_THERAPIST).exists()


@pytest.mark.parametrize("escalated", [False, True])
def test_a_flag_alert_s_subject_names_neither_the_patient_nor_the_flag(pat, escalated):
    pat.user.full_name = "Pat Quinlan"
    pat.user.save(update_fields=["full_name"])
    thresholds = trends.Thresholds()

    def finding(severity: str) -> trends.Finding:
        return trends.Finding(
            trends.FlagKind.PAIN_RISING, trends.Severity(severity), "Pain rose.", {"x": 1}
        )

    day = date(2026, 10, 1)
    if escalated:
        flags_apply(patient=pat, as_of=day, findings=[finding("medium")], thresholds=thresholds)
        day = date(2026, 10, 2)
    changes = flags_apply(patient=pat, as_of=day, findings=[finding("high")], thresholds=thresholds)
    [event_id] = alerts_due(changes)
    flag_alert_send(event_id=event_id)
    [message] = mail.outbox
    for revealing in ("Pat", "Quinlan", "pain", "rising"):
        assert revealing.lower() not in message.subject.lower(), message.subject
    # The body, read in the therapist's own mailbox, still says whom and what.
    assert "Pat Quinlan" in message.body and "Pain rising" in message.body
