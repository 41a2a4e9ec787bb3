"""Writing many rows: inserts through the ORM's ``bulk_create`` and updates as one statement per
batch joined to a VALUES list.

Django's ``bulk_update`` writes ``CASE WHEN id = … THEN …`` with a branch per row for every
column, which the database evaluates row by row against every branch: 12,000 figures made one
statement that ran past the request's time limit. ``UPDATE … FROM (VALUES …)`` joins instead; it
is standard SQL that PostgreSQL and SQLite (3.33 and later) both run, and a batch is short enough
for a cancelled request to end promptly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, models

# Rows per statement: within SQLite's limit on parameters whatever the number of columns.
BATCH_ROWS = 1000


def batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
                [
                    _prepared(field, value)
                    for row in batch
                    for field, value in zip([meta.pk, *columns], row, strict=True)
                ],
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


def _prepared(field: models.Field, value: Any) -> Any:
    return field.get_db_prep_save(value, connection)
