"""Test doubles that are real parts: an SMTP backend that fails like a real server would."""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakySMTPBackend(LocmemBackend):
    """Delivers to the test outbox, after failing the first ``failures`` sends."""

    failures = 0
    error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def send_messages(self, messages: Any) -> int:
        if FlakySMTPBackend.failures > 0:
            FlakySMTPBackend.failures -= 1
            raise FlakySMTPBackend.error
        return super().send_messages(messages)
