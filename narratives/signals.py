"""Signals of the narrative workflow.

``transitioned`` is sent by every verb of ``services`` inside its transaction, after the
Transition row is written, with ``transition``. Receivers must not send anything themselves:
they queue work with ``transaction.on_commit`` so nothing leaves when the transaction rolls back.
"""

from __future__ import annotations

from django.dispatch import Signal

transitioned = Signal()
