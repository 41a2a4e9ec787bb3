"""The audit log: ``record(actor, verb, target, **details)`` in every service verb.

One call, like pretix's ``log_action``: the event is written in the caller's transaction, so it
commits or rolls back with the change it records. Verbs are ``kind.what_happened`` in the past
tense (``upload.applied``, ``narrative.approved``, ``edition.issued``); the page groups them by
kind. The system acting on its own (command line, sweeps, tasks) is ``accounts.actors.SYSTEM``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Model

    from accounts.actors import Actor

    from .models import Event


def record(actor: Actor, verb: str, target: Model | None = None, /, **details: Any) -> Event:
    """Append one event: ``actor`` did ``verb`` to ``target``, with ``details`` (JSON)."""
    # The models load only once Django's app registry is ready; this package is imported first.
    from .recording import write

    return write(actor, verb, target, details)
