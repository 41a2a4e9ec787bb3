"""Signals other apps listen to; the indicators app never imports its listeners."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by ``services.open_month`` once the month is saved, inside its transaction:
# ``reporting_month`` (the ReportingMonth) and ``actor`` (who opened it: a user or SYSTEM). A
# receiver that raises rolls the opening back, so receivers queue side effects with
# ``transaction.on_commit``.
month_opened = Signal()
