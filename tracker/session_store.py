"""Sessions kept in the database, as Django's own, read with SQL built once per process."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from tracker.selectors.rows import one_where


class SessionStore(DatabaseSessionStore):
    """Django's database sessions; only the read of a request's own session differs.

    Every signed-in request makes that read, and the ORM spent longer building its one-row
    query than the database spent answering it.
    """

    def _get_session_from_db(self) -> Any:
        try:
            session = one_where(
                self.model, session_key=self.session_key, expire_date__gt=timezone.now()
            )
        except SuspiciousOperation as e:
            logging.getLogger(f"django.security.{e.__class__.__name__}").warning(str(e))
            session = None
        if session is None:
            self._session_key = None
        return session
