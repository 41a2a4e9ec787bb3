"""``field__any_of``: ``__in`` for long lists of values (ids of a thousand indicators)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler


class AsArray:
    """As ``__in``; on PostgreSQL the values go as one array (``= ANY(%s)``), not a placeholder
    each. psycopg parses a statement's placeholders on every call and Django prepares every
    value: with a thousand ids that was a fifth of the summary's restatements (bench/pages.py).
    Other databases get ``IN (...)``.

    For lookups by primary key: PostgreSQL's planner estimates an array differently from a list,
    and for figures filtered by indicator and month it chose a scan of every figure of the
    indicators over the month index (36 ms against 13 ms), so those filters keep ``__in``."""

    lookup_name: str | None = "any_of"

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lookup: In = self  # type: ignore[assignment]  # mixed into In below
        if not lookup.rhs_is_direct_value():
            sql, params = lookup.as_sql(compiler, connection)
            return sql, tuple(params)
        lhs, lhs_params = lookup.process_lhs(compiler, connection)
        # Prepared already (get_prep_lookup); NULL is never equal to anything.
        values = [value for value in dict.fromkeys(lookup.rhs) if value is not None]
        if not values:
            raise EmptyResultSet
        return f"{lhs} = ANY(%s)", (*lhs_params, values)


@Field.register_lookup
class AnyOf(AsArray, In):
    pass


@ForeignObject.register_lookup
class RelatedAnyOf(AsArray, RelatedIn):
    """``indicator_id__any_of``: a foreign key's own lookups are only those registered on it."""
