"""A send whose database connection drops after the message left is recorded, not sent again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import OperationalError

from tracker import tasks
from tracker.models import Notification
from tracker.services.outbox import outbox_sweep


@pytest.mark.django_db(transaction=True)
def test_a_sent_reminder_whose_row_hits_a_dropped_connection_is_recorded_on_a_fresh_one(
    pat, monkeypatch
):
    save = Notification.save
    dropped = []

    def drops_once(self, *args, **kwargs):
        if self.status == "sent" and not dropped:
            dropped.append(self.pk)
            raise OperationalError("terminating connection due to administrator command")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Notification, "save", drops_once)
    tasks.send_reminder.apply(args=(pat.pk, pat.local_today().isoformat()))
    row = Notification.objects.get()
    assert dropped == [row.pk]
    assert (row.status, row.claimed_at, row.attempts) == ("sent", None, 1)
    # Nothing is left for the sweeper to send again once the lease would have run out.
    assert outbox_sweep(now=datetime.now(UTC) + timedelta(minutes=6)) == []
    assert [m.to for m in mail.outbox] == [[pat.user.email]]
