"""Writing many rows: inserts as one prepared INSERT run for every row, updates as one statement
per batch joined to a VALUES list.

``bulk_create`` prepares every value of every row through its field (most of a confirm's time);
the rows of a plan are already checked and in their database types, so ``insert_rows`` hands them
to the driver's ``executemany`` as they are: standard SQL, whatever the database.

Django's ``bulk_update`` writes ``CASE WHEN id = … THEN …`` with a branch per row for every
column, which the database evaluates row by row against every branch: 12,000 figures made one
statement that ran past the request's time limit. ``UPDATE … FROM (VALUES …)`` joins instead; it
is standard SQL that PostgreSQL and SQLite (3.33 and later) both run, and a batch is short enough
for a cancelled request to end promptly.
"""

from __future__ import annotations

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


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> int:
    """Insert rows of ``fields`` (values already of the database's types: decimals, dates,
    ids); date-times are adapted for the database here, once per distinct value."""
    if not rows:
        return 0
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    adapt = adapter(columns)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for batch in batches(rows, BATCH_ROWS * 10):
            cursor.executemany(sql, [adapt(row) for row in batch])
    return len(rows)


def update_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> int:
    """Set ``fields`` of each row (primary key first, then one value per field), in batches."""
    if not rows:
        return 0
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = [meta.get_field(name) for name in fields]
    assignments = ", ".join(
        f"{quote(field.column)} = {_cast(field, f'v.column{index}')}"
        for index, field in enumerate(columns, start=2)
    )
    pk = quote(meta.pk.column)
    adapt = adapter([meta.pk, *columns])
    width = len(fields) + 1
    limit = getattr(connection.features, "max_query_params", None) or 30000
    size = max(1, min(BATCH_ROWS, limit // width))
    one_row = "(" + ", ".join(["%s"] * width) + ")"
    written = 0
    with connection.cursor() as cursor:
        for batch in batches(rows, size):
            values = ", ".join([one_row] * len(batch))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v "
                f"WHERE {table}.{pk} = {_cast(meta.pk, 'v.column1')}",
                [value for row in batch for value in adapt(row)],
            )
            written += cursor.rowcount
    return written


def _cast(field: models.Field, expression: str) -> str:
    """The VALUES column as the field's database type. PostgreSQL gives the parameters of a
    VALUES list no type of their own (a column of NULLs would be text), so it needs the cast;
    SQLite stores by the column's affinity, and its CAST to a date would take the year only."""
    if connection.vendor != "postgresql":
        return expression
    return f"CAST({expression} AS {field.cast_db_type(connection)})"
