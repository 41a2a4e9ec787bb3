"""Writing many rows: plain values straight to the database, in batches.

``bulk_create`` prepares every value of every row through its field (most of a confirm's time);
the rows of a plan are already checked and in their database types, so they go to the driver as
they are. Django's ``bulk_update`` writes ``CASE WHEN id = … THEN …`` with a branch per row for
every column, which the database evaluates row by row against every branch: 12,000 figures made
one statement that ran past the request's time limit; updates here join to the new values.

SQLite (and any other database): multi-row ``INSERT … VALUES`` and ``UPDATE … FROM (VALUES …)``,
standard SQL, as many rows to a statement as the database takes parameters. PostgreSQL: ``COPY``
and ``UPDATE … FROM unnest(arrays)``, because Django's psycopg cursor binds parameters on the
client and the portable statements ran at a fifth of ``bulk_create``'s rate (README, measured).
Every batch is a short statement, so a cancelled request ends promptly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connection, models

# Rows per statement: within SQLite's limit on parameters whatever the number of columns.
BATCH_ROWS = 1000


def batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def adapter(columns: Sequence[models.Field]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """What turns a row of Python values into the driver's: both drivers take decimals, dates,
    numbers and text as they are; date-times the database's way (naive UTC on SQLite), adapted
    once per distinct value (a plan's rows share one time of writing)."""
    moments = [i for i, field in enumerate(columns) if isinstance(field, models.DateTimeField)]
    adapted: dict[Any, Any] = {}

    def adapt(row: tuple[Any, ...]) -> tuple[Any, ...]:
        if not moments:
            return row
        values = list(row)
        for index in moments:
            value = values[index]
            if value not in adapted:
                adapted[value] = connection.ops.adapt_datetimefield_value(value)
            values[index] = adapted[value]
        return tuple(values)

    return adapt


def _concrete(model: type[models.Model], names: Sequence[str]) -> list[models.Field]:
    """The model's fields of ``names`` (primary key first when ``names`` starts with "pk"); each
    must have a column of its own (a reverse relation has none to write)."""
    fields = [model._meta.pk if name == "pk" else model._meta.get_field(name) for name in names]
    for name, field in zip(names, fields, strict=True):
        if not isinstance(field, models.Field) or not field.column:
            raise ValueError(f"{model.__name__}.{name} has no column to write")
    return [field for field in fields if isinstance(field, models.Field)]


def _column(field: models.Field) -> str:
    assert field.column, field  # only fields _concrete returned reach here, each with a column
    return field.column


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> int:
    """Insert rows of ``fields`` (values already of the database's types: decimals, dates,
    ids), many rows to a statement."""
    if not rows:
        return 0
    meta = model._meta
    quote = connection.ops.quote_name
    columns = _concrete(model, fields)
    adapt = adapter(columns)
    names = ", ".join(quote(_column(f)) for f in columns)
    if connection.vendor == "postgresql":
        _copy(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN", rows)
        return len(rows)
    head = f"INSERT INTO {quote(meta.db_table)} ({names})"
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for batch in batches(rows, rows_per_statement(len(columns))):
            cursor.execute(
                f"{head} VALUES {', '.join([one_row] * len(batch))}",
                [value for row in batch for value in adapt(row)],
            )
    return len(rows)


def _copy(sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """PostgreSQL's COPY: the one database-specific write, kept because the benchmark shows the
    portable INSERT cannot hold the bar (README): Django's psycopg cursor binds parameters on
    the client, splitting a statement of 16,000 placeholders afresh each time, so a confirm ran
    at a fifth of ``bulk_create``'s rate; COPY streams the rows as they are."""
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def rows_per_statement(width: int) -> int:
    """As many rows (up to BATCH_ROWS) as the database takes parameters for in one statement:
    SQLite says how many it takes (Django assumes 999, the limit before SQLite 3.32);
    PostgreSQL's protocol takes 65,535."""
    limit = 60000
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(BATCH_ROWS, limit // width))


def update_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> int:
    """Set ``fields`` of each row (primary key first, then one value per field), in batches."""
    if not rows:
        return 0
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    key, *columns = _concrete(model, ["pk", *fields])
    assignments = ", ".join(
        f"{quote(_column(field))} = v.column{index}" for index, field in enumerate(columns, start=2)
    )
    pk = quote(_column(key))
    if connection.vendor == "postgresql":
        return _update_from_arrays(table, pk, [key, *columns], rows)
    adapt = adapter([key, *columns])
    width = len(fields) + 1
    size = rows_per_statement(width)
    one_row = "(" + ", ".join(["%s"] * width) + ")"
    written = 0
    with connection.cursor() as cursor:
        for batch in batches(rows, size):
            values = ", ".join([one_row] * len(batch))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v "
                f"WHERE {table}.{pk} = v.column1",
                [value for row in batch for value in adapt(row)],
            )
            written += cursor.rowcount
    return written


def _update_from_arrays(
    table: str, pk: str, columns: Sequence[models.Field], rows: Sequence[tuple[Any, ...]]
) -> int:
    """PostgreSQL: one parameter per column, an array of every row's value, joined by
    ``unnest``: the statement's size no longer grows with the rows (see ``_copy``)."""
    quote = connection.ops.quote_name
    arrays = ", ".join(f"%s::{field.cast_db_type(connection)}[]" for field in columns)
    names = ", ".join(f"c{index}" for index in range(len(columns)))
    assignments = ", ".join(
        f"{quote(_column(field))} = v.c{index}" for index, field in enumerate(columns) if index
    )
    written = 0
    with connection.cursor() as cursor:
        for batch in batches(rows, BATCH_ROWS * 20):
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v({names}) "
                f"WHERE {table}.{pk} = v.c0",
                [list(column) for column in zip(*batch, strict=True)],
            )
            written += cursor.rowcount
    return written
