"""The database triggers that make the event table append-only, below the ORM: any UPDATE or
DELETE of a row is refused, whoever sends it, as an integrity error. Created by migration 0001.

PostgreSQL's TRUNCATE (a table-level operation needing the table's owner, as Django's test flush
uses) is not refused; SQLite has no TRUNCATE.
"""

from __future__ import annotations

from typing import Any

CREATE: dict[str, tuple[str, ...]] = {
    "postgresql": (
        """
        CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
                USING ERRCODE = 'integrity_constraint_violation';
        END;
        $$
        """,
        """
        CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
        """,
    ),
    "sqlite": (
        """
        CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END
        """,
    ),
}
DROP: dict[str, tuple[str, ...]] = {
    "postgresql": (
        "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
        "DROP FUNCTION IF EXISTS audit_event_append_only()",
    ),
    "sqlite": (
        "DROP TRIGGER IF EXISTS audit_event_no_update",
        "DROP TRIGGER IF EXISTS audit_event_no_delete",
    ),
}


def _run(connection: Any, statements: dict[str, tuple[str, ...]]) -> None:
    if connection.vendor not in statements:
        raise RuntimeError(f"no append-only triggers for {connection.vendor}: add them here")
    with connection.cursor() as cursor:
        for statement in statements[connection.vendor]:
            cursor.execute(statement)


def create(connection: Any) -> None:
    _run(connection, CREATE)


def drop(connection: Any) -> None:
    _run(connection, DROP)
