"""Signals of report editions.

``build_wanted`` is sent by ``services`` when an edition needs building (a new draft or issue, a
failed build asked for again, a build the sweep finds waiting), with ``edition_id`` and ``now``
(the sweep: queue at once). Its receiver queues the Celery task, otherwise after commit; the
services never import the task module. ``edition_ready`` is sent when a build has made an
edition ready (``edition_id``); its receiver queues the edition's e-mail after commit.
"""

from __future__ import annotations

from django.dispatch import Signal

build_wanted = Signal()
edition_ready = Signal()
