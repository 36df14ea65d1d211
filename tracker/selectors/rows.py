"""Reading rows cheaply: by unique key on the hot paths, unconverted for the nightly batch.

The evaluation reads tens of thousands of small rows per batch of patients. Building a
date object for every row (parsed from text on SQLite, in Python) and passing every value
through Django's converters were about a third of its time. So the batch reads run the
ORM's own SQL unconverted, and ask the database for each row's day as a number of days
from the start of the window (``DayNumber``), which is a list position as it stands.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    DateField,
    F,
    Func,
    IntegerField,
    Lookup,
    Model,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.sql.compiler import SQLCompiler


def by_key[M: Model](queryset: QuerySet[M]) -> M | None:
    """The one row a unique key names, or None: ``.first()`` without the ORDER BY it adds,
    which costs the ORM more to build than the lookup costs the database (hot paths)."""
    return next(iter(queryset.order_by()[:1]), None)


class AmongIds(Lookup):
    """``column IN (ids)`` for a batch of integer ids: ``.filter(AmongIds("patient_id", ids))``.

    Django's ``__in`` prepares each id through the field and its relation, one at a time:
    that was 0.8 ms of the 1.2 ms it took to build each of a nightly batch's queries.
    """

    lookup_name = "among_ids"

    def __init__(self, column: str, ids: Iterable[int]) -> None:
        super().__init__(F(column), [int(i) for i in ids])

    def get_prep_lookup(self) -> Any:
        return self.rhs

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: Any
    ) -> tuple[str, tuple[Any, ...]]:
        if not self.rhs:
            raise EmptyResultSet
        column, params = compiler.compile(self.lhs)
        return f"{column} IN ({', '.join(['%s'] * len(self.rhs))})", (*params, *self.rhs)


# The SQL of each read ``rows_where`` has made, per (database, model, columns).
_WHERE_SQL: dict[tuple[str, type[Model], tuple[str, ...]], str] = {}


def rows_where[M: Model](model: type[M], **conditions: Any) -> list[M]:
    """``model.objects.filter(**conditions)`` for columns compared for equality (or, with a
    ``__gt`` suffix, for "greater than"), with its SQL built once per process.

    For the hot paths: building a small query's SQL cost the ORM twice what running it cost
    the database. ``raw`` still converts every value as the ORM would, and a related object
    among the conditions stands for its key.
    """
    manager = model._default_manager
    db = manager.db
    key = (db, model, tuple(conditions))
    sql = _WHERE_SQL.get(key)
    if sql is None:
        quote = connections[db].ops.quote_name
        meta = model._meta
        where = []
        for name in conditions:
            field, greater = name.removesuffix("__gt"), name.endswith("__gt")
            where.append(f"{quote(meta.get_field(field).column)} {'>' if greater else '='} %s")
        sql = _WHERE_SQL[key] = f"SELECT * FROM {quote(meta.db_table)} WHERE {' AND '.join(where)}"
    params = [value.pk if isinstance(value, Model) else value for value in conditions.values()]
    return list(manager.raw(sql, params))


def raw_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The query's rows without Django's converters: only plain values should be selected."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. among no ids at all
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class DayNumber(Func):
    """Whole days from ``start`` to a date column, counted by the database (an integer).

    ``of_datetime`` takes the date of a date-and-time column first (in UTC, the connection's
    time zone), as ``value.date()`` would in Python.
    """

    output_field = IntegerField()

    def __init__(self, column: str, start: date, *, of_datetime: bool = False) -> None:
        super().__init__(column, Value(start, output_field=DateField()))
        self.of_datetime = of_datetime

    def _operands(
        self, compiler: SQLCompiler
    ) -> tuple[str, str, tuple[Any, ...]]:  # fmt: skip
        (column, column_params), (start, start_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return column, start, (*column_params, *start_params)

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: Any, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        # PostgreSQL: a date minus a date is an integer number of days.
        column, start, params = self._operands(compiler)
        if self.of_datetime:
            column = f"CAST({column} AS date)"
        return f"({column} - CAST({start} AS date))", params

    def as_sqlite(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: Any, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        column, start, params = self._operands(compiler)
        if self.of_datetime:
            column = f"date({column})"
        return f"CAST(julianday({column}) - julianday({start}) AS INTEGER)", params


class IsoDate(Func):
    """A date column as ISO text ("2026-11-22"), whatever the server's date style.

    SQLite keeps dates as that text already, so the nightly batch's hundreds of thousands
    of done logs come as they are stored: computing a day number for each was a fifth of
    reading them.
    """

    output_field = TextField()

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: Any, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        column, params = compiler.compile(self.get_source_expressions()[0])
        return f"to_char({column}, 'YYYY-MM-DD')", tuple(params)

    def as_sqlite(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: Any, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        column, params = compiler.compile(self.get_source_expressions()[0])
        return column, tuple(params)
