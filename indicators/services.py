"""Business operations of the performance team, called by views, commands and tasks."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

import audit
from accounts.access import has_role
from accounts.actors import SYSTEM, Actor, user_of
from accounts.roles import Role

from .models import Framework, ReportingMonth
from .signals import month_opened

TIMETABLE = ("figures_due", "narratives_due", "signoff_due", "panel_date")


def default_timetable(month: datetime.date) -> dict[str, datetime.date]:
    """The usual timetable of ``month``: figures due on the 8th of the next month, narratives
    the 15th, sign-off the 22nd, and the panel on the 1st of the month after."""
    following = _next_month(month)
    return {
        "figures_due": following.replace(day=8),
        "narratives_due": following.replace(day=15),
        "signoff_due": following.replace(day=22),
        "panel_date": _next_month(following),
    }


def _next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _already_open(framework: Framework, month: datetime.date) -> ValidationError:
    return ValidationError({"month": f"{month:%B %Y} is already open for {framework}."})


@transaction.atomic
def open_month(
    framework: Framework,
    month: datetime.date,
    timetable: dict[str, datetime.date],
    actor: Actor,
) -> ReportingMonth:
    """Open ``month`` for ``framework`` with its timetable, as a performance officer or the
    system (the ``open_month`` command). Refuses, with ``ValidationError`` naming the field, a
    month outside the months reported on, a timetable out of order, and a month already open,
    also when someone else opens it at the same moment.

    Records ``month.opened`` and sends ``month_opened`` after saving, in the same transaction.
    """
    if actor is not SYSTEM and not has_role(actor, Role.PERFORMANCE_OFFICER):
        raise ValidationError("Only a performance officer opens a month.")
    reporting_month = ReportingMonth(
        framework=framework, month=month.replace(day=1), opened_by=user_of(actor), **timetable
    )
    # The model's clean() words the range and order rules; uniqueness is checked below.
    reporting_month.full_clean(validate_unique=False, validate_constraints=False)
    if ReportingMonth.objects.filter(framework=framework, month=reporting_month.month).exists():
        raise _already_open(framework, reporting_month.month)
    try:
        # A savepoint: when another officer's opening of the same month commits first, the
        # unique constraint refuses this one and the caller's transaction stays usable.
        with transaction.atomic():
            reporting_month.save()
    except IntegrityError:
        raise _already_open(framework, reporting_month.month) from None
    audit.record(
        actor,
        "month.opened",
        reporting_month,
        **{name: f"{getattr(reporting_month, name):%Y-%m-%d}" for name in TIMETABLE},
    )
    month_opened.send(sender=ReportingMonth, reporting_month=reporting_month, actor=actor)
    return reporting_month
