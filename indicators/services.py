"""Business operations of the performance team, called by views, commands and tasks."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Framework, ReportingMonth
from .signals import month_opened


@transaction.atomic
def open_month(
    framework: Framework, month: datetime.date, timetable: dict[str, datetime.date], user: Any
) -> ReportingMonth:
    """Open ``month`` for ``framework`` with its timetable; refuses a month already open.

    Sends ``month_opened`` after saving, in the same transaction.
    """
    reporting_month = ReportingMonth(
        framework=framework, month=month.replace(day=1), opened_by=user, **timetable
    )
    reporting_month.full_clean()
    if ReportingMonth.objects.filter(framework=framework, month=reporting_month.month).exists():
        raise ValidationError({"month": "This month is already open."})
    reporting_month.save()
    month_opened.send(sender=ReportingMonth, reporting_month=reporting_month, user=user)
    return reporting_month
