"""Sessions kept in the database, as Django's own, read with SQL built once per process."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.db import connections
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    """Django's database sessions; only the read of a request's own session differs.

    Every signed-in request makes that read, and the ORM spent longer building its one-row
    query than the database spent answering it.
    """

    _read_sql: dict[str, str] = {}  # per database

    def _get_session_from_db(self) -> Any:
        manager = self.model._default_manager
        sql = self._read_sql.get(manager.db)
        if sql is None:
            quote = connections[manager.db].ops.quote_name
            meta = self.model._meta
            key, expires = (quote(meta.get_field(f).column) for f in ("session_key", "expire_date"))
            sql = self._read_sql[manager.db] = (
                f"SELECT * FROM {quote(meta.db_table)} WHERE {key} = %s AND {expires} > %s"
            )
        try:
            session = next(iter(manager.raw(sql, [self.session_key, timezone.now()])), None)
        except SuspiciousOperation as e:
            logging.getLogger(f"django.security.{e.__class__.__name__}").warning(str(e))
            session = None
        if session is None:
            self._session_key = None
        return session
