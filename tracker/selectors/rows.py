"""Reading rows cheaply: by key on the hot paths, unconverted for the nightly batch.

The hot paths' small reads by key (``rows_where``, ``one_where``) have their SQL and their
converters worked out once per process: the ORM took several times longer to build each
of those queries than the database took to answer it.

The evaluation reads tens of thousands of small rows per batch of patients. Building a
date object for every row (parsed from text on SQLite, in Python) and passing every value
through Django's converters were about a third of its time. So the batch reads run the
ORM's own SQL unconverted (``batch_rows``, built once per process for each window), ask
the database for each row's day as a number of days from the start of the window
(``DayNumber``), which is a list position as it stands, and take the most numerous rows
packed, a patient's check-ins as one short text (``Characters``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Concatenate

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
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
from django.db.models.expressions import Col, CombinedExpression
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError


class Ids(list[int]):
    """A batch's integer ids, sent to the database as one parameter (see ``AmongIds``).

    Not to be changed once made: SQLite is sent the JSON of the ids as first asked for.
    """

    @functools.cached_property
    def as_json(self) -> str:
        """The ids as SQLite reads them: the same text object however often it is asked."""
        return json.dumps(self)

    @classmethod
    def of(cls, ids: Iterable[int]) -> Ids:
        return ids if isinstance(ids, Ids) else cls(int(i) for i in ids)


class AmongIds(Lookup):
    """``column IN (ids)`` for a batch of integer ids: ``.filter(AmongIds("patient_id", ids))``.

    Django's ``__in`` prepares each id through the field and its relation, one at a time:
    that was 0.8 ms of the 1.2 ms it took to build each of a nightly batch's queries. The ids
    go as one parameter (an array on PostgreSQL, JSON on SQLite), so the SQL is the same for
    every batch and ``batch_rows`` can build it once.
    """

    lookup_name = "among_ids"

    def __init__(self, column: str, ids: Iterable[int]) -> None:
        super().__init__(F(column), Ids.of(ids))

    def get_prep_lookup(self) -> Any:
        return self.rhs

    def _column(self, compiler: SQLCompiler) -> tuple[str, tuple[Any, ...]]:
        if not self.rhs:
            raise EmptyResultSet
        column, params = compiler.compile(self.lhs)
        return column, tuple(params)

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: Any
    ) -> tuple[str, tuple[Any, ...]]:
        column, params = self._column(compiler)
        return f"{column} = ANY(%s)", (*params, self.rhs)

    def as_sqlite(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: Any
    ) -> tuple[str, tuple[Any, ...]]:
        column, params = self._column(compiler)
        return f"{column} IN (SELECT value FROM json_each(%s))", (*params, self.rhs.as_json)


@dataclass(frozen=True, slots=True)
class _ModelColumns:
    """One model's concrete columns in a SELECT, and how each stored value becomes the
    field's value (Django's converters for the field and the database)."""

    model: type[Model]
    start: int  # the position of its first column in the row
    attnames: tuple[str, ...]
    pk_position: int
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Col], ...]

    @classmethod
    def of(cls, model: type[Model], alias: str, start: int, connection: Any) -> _ModelColumns:
        fields = model._meta.concrete_fields
        converters = []
        for position, field in enumerate(fields):
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                converters.append((position, tuple(found), column))
        attnames = tuple(f.attname for f in fields)
        pk_position = attnames.index(model._meta.pk.attname)
        return cls(model, start, attnames, pk_position, tuple(converters))

    def sql(self, alias: str, quote: Callable[[str], str]) -> str:
        return ", ".join(f"{alias}.{quote(f.column)}" for f in self.model._meta.concrete_fields)

    def build(self, db: str, connection: Any, row: tuple[Any, ...]) -> Model | None:
        """The instance in ``row``, or None for a related row the outer join did not find."""
        values = list(row[self.start : self.start + len(self.attnames)])
        if values[self.pk_position] is None:
            return None
        for position, converters, column in self.converters:
            value = values[position]
            for convert in converters:
                value = convert(value, column, connection)
            values[position] = value
        return self.model.from_db(db, self.attnames, values)


@dataclass(frozen=True, slots=True)
class _Read:
    """A read ``rows_where`` has made before: its SQL, and the related objects it joins."""

    sql: str
    own: _ModelColumns
    compared: tuple[Any, ...]  # the field of each condition, to prepare its value
    # Per condition, the range of an integer column compared for equality (None otherwise):
    # a number outside it matches no row, and SQLite would refuse it rather than say so.
    ranges: tuple[tuple[int, int] | None, ...]
    # Per related object: its columns, the cache that holds it on the row's instance, and
    # the cache that holds that instance on it (None where Django keeps none).
    related: tuple[tuple[_ModelColumns, Any, Any], ...]


# Per (database, model, related, locking, conditions). The converters depend only on the
# database's settings, so a read built on one thread's connection serves every thread's.
_READS: dict[tuple[str, type[Model], tuple[str, ...], bool, tuple[str, ...]], _Read] = {}


def _read_for(
    db: str,
    model: type[Model],
    related: tuple[str, ...],
    for_update: bool,
    conditions: tuple[str, ...],
) -> _Read:
    connection = connections[db]
    quote = connection.ops.quote_name
    meta = model._meta
    # What the ORM would do differently, refused rather than read wrongly: a parent model's
    # columns live in another table, and PostgreSQL cannot lock the outer joins' rows.
    if meta.parents:
        raise ValueError(f"{model.__name__} inherits its table's columns: use the ORM")
    if for_update and related:
        raise ValueError("for_update locks the model's own rows only: no with_related")
    own = _ModelColumns.of(model, "t0", 0, connection)
    columns = [own.sql("t0", quote)]
    joins = []
    attached = []
    start = len(own.attnames)
    for number, name in enumerate(related, start=1):
        alias = f"t{number}"
        relation = meta.get_field(name)
        if relation.concrete and (relation.many_to_one or relation.one_to_one):
            # A foreign key or one-to-one field of this model.
            there, here = relation.target_field.column, relation.column
            holder, back = relation, relation.remote_field if relation.one_to_one else None
        elif relation.one_to_one:
            # The other side of another model's one-to-one field (e.g. a user's profile).
            there, here = relation.field.column, relation.field.target_field.column
            holder, back = relation, relation.field
        else:
            raise ValueError(f"{model.__name__}.{name} is not a single related object")
        part = _ModelColumns.of(relation.related_model, alias, start, connection)
        start += len(part.attnames)
        columns.append(part.sql(alias, quote))
        joins.append(
            f" LEFT OUTER JOIN {quote(relation.related_model._meta.db_table)} {alias}"
            f" ON {alias}.{quote(there)} = t0.{quote(here)}"
        )
        attached.append((part, holder, back))
    where = []
    compared = []
    ranges: list[tuple[int, int] | None] = []
    for name in conditions:
        field_name, greater = name.removesuffix("__gt"), name.endswith("__gt")
        field = meta.pk if field_name == "pk" else meta.get_field(field_name)
        where.append(f"t0.{quote(field.column)} {'>' if greater else '='} %s")
        compared.append(field)
        stored = field.target_field if field.is_relation else field
        kind = stored.get_internal_type()
        integer = kind in connection.ops.integer_field_ranges and not greater
        ranges.append(connection.ops.integer_field_range(kind) if integer else None)
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(meta.db_table)} t0{''.join(joins)}"
        f" WHERE {' AND '.join(where)}"
    )
    if for_update and connection.features.has_select_for_update:
        sql += " FOR UPDATE"  # SQLite has none: its writers take the whole database in turn
    return _Read(sql, own, tuple(compared), tuple(ranges), tuple(attached))


def rows_where[M: Model](
    model: type[M],
    *,
    with_related: tuple[str, ...] = (),
    for_update: bool = False,
    **conditions: Any,
) -> list[M]:
    """``model.objects.select_related(*with_related).filter(**conditions)`` for columns
    compared for equality (or, with a ``__gt`` suffix, for "greater than"), with its SQL and
    its converters worked out once per process.

    For the hot paths: building a small query cost the ORM several times what running it
    cost the database. Every value is converted as the ORM would convert it, a related
    object among the conditions stands for its key, and ``with_related`` names foreign keys
    or one-to-one relations (either side) to load in the same query, as select_related does.
    ``for_update`` locks the rows until the transaction ends, as select_for_update does.
    """
    db = router.db_for_write(model) if for_update else model._default_manager.db
    key = (db, model, with_related, for_update, tuple(conditions))
    read = _READS.get(key)
    if read is None:
        read = _READS[key] = _read_for(db, model, with_related, for_update, tuple(conditions))
    connection = connections[db]
    if for_update and connection.features.has_select_for_update and connection.get_autocommit():
        raise TransactionManagementError("for_update cannot be used outside of a transaction.")
    # Each value as the ORM would send it (a UUID as SQLite stores it, a time in UTC, …).
    params = []
    for field, limits, value in zip(read.compared, read.ranges, conditions.values(), strict=True):
        if isinstance(value, Model):
            related = field.related_model or type(None)
            if not isinstance(value, related) or value.pk is None:
                raise ValueError(f"{field.name}: not a saved {related.__name__}")
            value = value.pk
        elif value is None:
            # "= NULL" matches nothing, where the ORM would ask IS NULL.
            raise ValueError(f"{field.name} compared with None: use the ORM")
        value = field.get_db_prep_value(value, connection)
        if limits is not None and isinstance(value, int) and not limits[0] <= value <= limits[1]:
            return []
        params.append(value)
    with connection.cursor() as cursor:
        cursor.execute(read.sql, params)
        rows = cursor.fetchall()
    found = []
    for row in rows:
        instance = read.own.build(db, connection, row)
        for part, holder, back in read.related:
            other = part.build(db, connection, row)
            holder.set_cached_value(instance, other)
            if back is not None and other is not None:
                back.set_cached_value(other, instance)
        found.append(instance)
    return found  # type: ignore[return-value]


def one_where[M: Model](
    model: type[M],
    *,
    with_related: tuple[str, ...] = (),
    for_update: bool = False,
    **conditions: Any,
) -> M | None:
    """The row a unique key names (``rows_where``), or None."""
    rows = rows_where(model, with_related=with_related, for_update=for_update, **conditions)
    return next(iter(rows), None)


def raw_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The query's rows without Django's converters: only plain values should be selected."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. among no ids at all
        return []
    return _fetch(queryset.db, sql, params)


def _fetch(alias: str, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# (read, its arguments) -> (database, SQL, parameters, where the ids go in them)
_BATCH_READS: dict[tuple[Any, ...], tuple[str, str, tuple[Any, ...], tuple[int, ...]]] = {}
_BATCH_READS_KEPT = 256  # a few reads a night for each distinct window: plenty


def batch_rows[**P](
    read: Callable[Concatenate[Ids, P], QuerySet[Any]],
    ids: Iterable[int],
    *args: P.args,
    **kwargs: P.kwargs,
) -> list[tuple[Any, ...]]:
    """``raw_rows(read(ids, *args))``, with the query built once per process for each set
    of arguments: from one batch to the next only the ids change.

    Building the nightly batch's queries took the ORM as long as the database took to
    answer several of them. ``read`` builds its query from its arguments alone (the ids
    through ``AmongIds``), so the arguments say which SQL it builds.
    """
    ids = Ids.of(ids)
    if not ids:
        return []
    key = (read, args, tuple(sorted(kwargs.items())))
    known = _BATCH_READS.get(key)
    if known is None:
        queryset = read(ids, *args, **kwargs)
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:
            return []
        slots = tuple(i for i, p in enumerate(params) if p is ids or p is ids.as_json)
        if not slots:
            # Built without them, the SQL would answer every later batch for the first one's ids.
            raise ValueError(f"{read.__name__} must filter with AmongIds on the ids it is given")
        if len(_BATCH_READS) >= _BATCH_READS_KEPT:
            _BATCH_READS.clear()
        known = _BATCH_READS[key] = (queryset.db, sql, tuple(params), slots)
    alias, sql, template, slots = known
    params = list(template)
    for slot in slots:
        params[slot] = ids if isinstance(template[slot], list) else ids.as_json
    return _fetch(alias, sql, params)


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
        # An expression, not the bare column: selected on its own, a date column's text
        # would come back parsed into a date by Python's sqlite3 module.
        return f"CAST({column} AS TEXT)", tuple(params)


# --- packed records ----------------------------------------------------------------------
#
# A batch read of many rows of small whole numbers (ratings, day numbers) costs far more in
# Python than in the database: each value of each row becomes an object, one call at a
# time. Packed, the database writes each row as a few characters, one per value, and joins
# a group's rows into one text; Python then cuts the text into columns with slices of its
# bytes, and turns each column into numbers with one lookup per value, in C.

PACKED_BASE = 254  # values 0-253 per character: code points 2-255 (1 is NULL; 0 never)
# Code point -> value for packed whole numbers (see ``Characters``).
PACKED_NUMBERS: list[int | None] = [None, None, *range(PACKED_BASE)]


class Characters(Func):
    """Small whole numbers (0 to 253, or NULL) as the characters of one text, in order.

    Each value is stored as the code point ``value + 2`` (NULL as 1), so the text encodes
    to Latin-1 bytes one per value; ``packed_columns`` reads it back. Only for values the
    database keeps in that range (ratings, half hours of sleep, ``day_characters``).
    """

    output_field = TextField()

    def _codes(self, compiler: SQLCompiler) -> tuple[list[str], list[Any]]:
        codes, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            codes.append(f"COALESCE(({sql}) + 2, 1)")
            params.extend(expression_params)
        return codes, params

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: Any, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        codes, params = self._codes(compiler)
        return "(" + " || ".join(f"chr({code})" for code in codes) + ")", tuple(params)

    def as_sqlite(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: Any, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        codes, params = self._codes(compiler)
        return f"char({', '.join(codes)})", tuple(params)


def day_characters(day_number: Func) -> tuple[Func, Func]:
    """A day number (0 to about 64,000) as two values for ``Characters``: how many whole
    ``PACKED_BASE`` days, and the rest."""
    whole = CombinedExpression(day_number, "/", Value(PACKED_BASE), output_field=IntegerField())
    rest = CombinedExpression(day_number, "%%", Value(PACKED_BASE), output_field=IntegerField())
    return whole, rest


def packed_columns(text: str, width: int) -> list[bytes]:
    """A group's packed records (``width`` values each) as one byte string per value."""
    data = text.encode("latin-1")
    return [data[field::width] for field in range(width)]


def unpacked(column: bytes, lookup: list[Any] = PACKED_NUMBERS) -> list[Any]:
    """A packed column's values: numbers, and None for NULL (or ``lookup[code]``)."""
    return list(map(lookup.__getitem__, column))


def day_lookup(days: list[date]) -> list[date | None]:
    """For ``unpacked_days``: the first ``PACKED_BASE`` of ``days`` by their code point."""
    return [None, None, *days[:PACKED_BASE]]


def unpacked_days(
    whole: bytes, rest: bytes, days: list[date], lookup: list[date | None]
) -> list[date]:
    """Packed day numbers (see ``day_characters``) as the dates they number in ``days``;
    ``lookup`` is ``day_lookup(days)``."""
    if whole.count(2) == len(whole):  # every day within the first PACKED_BASE
        return list(map(lookup.__getitem__, rest))  # type: ignore[arg-type]
    return [days[(w - 2) * PACKED_BASE + r - 2] for w, r in zip(whole, rest, strict=True)]
