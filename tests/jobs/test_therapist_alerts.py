"""A high flag emails the therapist once; the morning digest lists news, or stays silent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail

from tracker import trends
from tracker.models import Flag, FlagEvent, Notification
from tracker.services.flags import flags_apply
from tracker.services.therapist_alerts import (
    alerts_due,
    digest_send,
    digests_claim_due,
    flag_alert_send,
)

pytestmark = pytest.mark.django_db
T = trends.Thresholds()


def finding(kind="pain_rising", severity="high", summary="Pain averaged 7.1, up from 3.0."):
    return trends.Finding(trends.FlagKind(kind), trends.Severity(severity), summary, {"x": 1})


def test_a_high_flag_that_opens_emails_the_therapist_once(pat, alice):
    changes = flags_apply(patient=pat, as_of=date(2026, 10, 1), findings=[finding()], thresholds=T)
    [event_id] = alerts_due(changes)
    flag_alert_send(event_id=event_id)
    flag_alert_send(event_id=event_id)  # a retried task
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [alice.email]
    assert "Pat" in message.body and "Pain rising" in message.body
    assert message.subject == "Rehabit: a new high flag"
    assert "7.1" not in message.body  # the numbers stay behind the login
    assert Notification.objects.get().kind == "flag_alert"


def test_a_medium_flag_does_not_email_but_its_escalation_to_high_does(pat):
    opened = flags_apply(
        patient=pat, as_of=date(2026, 10, 1), findings=[finding(severity="medium")], thresholds=T
    )
    assert alerts_due(opened) == []
    escalated = flags_apply(
        patient=pat, as_of=date(2026, 10, 2), findings=[finding(severity="high")], thresholds=T
    )
    assert [c.status for c in escalated] == ["escalated"]
    [event_id] = alerts_due(escalated)
    flag_alert_send(event_id=event_id)
    assert "risen to high" in mail.outbox[0].body


def test_an_open_flag_updates_instead_of_piling_up_and_clears_itself(pat):
    flags_apply(patient=pat, as_of=date(2026, 10, 1), findings=[finding()], thresholds=T)
    flags_apply(
        patient=pat,
        as_of=date(2026, 10, 2),
        findings=[finding(summary="Pain averaged 7.4, up from 3.0.")],
        thresholds=T,
    )
    flag = Flag.objects.get()
    assert flag.summary.startswith("Pain averaged 7.4") and flag.status == "open"
    cleared = flags_apply(patient=pat, as_of=date(2026, 10, 3), findings=[], thresholds=T)
    assert [c.status for c in cleared] == ["resolved"]
    flag.refresh_from_db()
    assert flag.status == "resolved" and flag.resolution == "cleared"
    assert list(flag.events.values_list("action", flat=True)) == ["opened", "cleared"]


def test_the_digest_goes_out_at_the_therapist_s_local_seven_once(pat, alice):
    alice.timezone = "America/Denver"
    alice.save()
    now = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)  # 06:00 in Denver
    assert digests_claim_due(now=now) == []  # first call schedules
    alice.refresh_from_db()
    assert alice.next_digest_at == datetime(2026, 10, 5, 13, 0, tzinfo=UTC)

    flags_apply(patient=pat, as_of=date(2026, 10, 4), findings=[finding()], thresholds=T)
    FlagEvent.objects.update(at=datetime(2026, 10, 5, 2, 0, tzinfo=UTC))
    due = digests_claim_due(now=datetime(2026, 10, 5, 13, 1, tzinfo=UTC))
    assert [(d.therapist_id, d.local_date) for d in due] == [(alice.pk, date(2026, 10, 5))]
    assert digests_claim_due(now=datetime(2026, 10, 5, 13, 2, tzinfo=UTC)) == []
    digest_send(therapist_id=alice.pk, local_date=date(2026, 10, 5))
    digest_send(therapist_id=alice.pk, local_date=date(2026, 10, 5))
    assert len(mail.outbox) == 1
    assert "Pat" in mail.outbox[0].body and "Pain rising" in mail.outbox[0].body


def test_there_is_no_digest_when_there_is_nothing_to_say(alice):
    assert digest_send(therapist_id=alice.pk, local_date=date(2026, 10, 5)) is None
    assert mail.outbox == [] and not Notification.objects.exists()


def test_old_news_is_not_repeated_in_the_next_digest(pat, alice):
    flags_apply(patient=pat, as_of=date(2026, 10, 4), findings=[finding()], thresholds=T)
    FlagEvent.objects.update(at=datetime(2026, 10, 5, 2, 0, tzinfo=UTC) - timedelta(days=3))
    assert digest_send(therapist_id=alice.pk, local_date=date(2026, 10, 5)) is None


def test_an_escalation_keeps_a_therapist_s_acknowledgement(pat):
    from tracker.services.flags import _states

    flags_apply(
        patient=pat, as_of=date(2026, 10, 1), findings=[finding(severity="medium")], thresholds=T
    )
    read_by_the_batch = _states({pat.pk: date(2026, 10, 2)})[pat.pk]
    Flag.objects.update(status="acknowledged")  # the therapist acts while the batch runs
    flags_apply(
        patient=pat,
        as_of=date(2026, 10, 2),
        findings=[finding(severity="high")],
        thresholds=T,
        state=read_by_the_batch,
    )
    flag = Flag.objects.get()
    assert flag.severity == "high" and flag.status == "acknowledged"
