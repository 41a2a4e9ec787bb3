"""Test data for the narrative workflow, built in code (used by tests/test_narratives_*.py).

A small world: one framework with two sections (LAC and FOSTERING), one user per role (the head
of service of each section), and April 2020 opened through ``open_month`` like an officer does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from accounts.roles import Role, ensure_roles
from indicators.models import Framework, FrameworkSection, ReportingMonth, Section
from indicators.services import open_month
from narratives import services
from narratives.models import Narrative, Status
from narratives.samples import sample_narratives  # noqa: F401

APRIL = datetime.date(2020, 4, 1)


def timetable(month: datetime.date) -> dict[str, datetime.date]:
    """Figures due on the 8th of the next month, narratives the 15th, sign-off the 22nd, panel
    the 1st of the month after."""
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    after = (following.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return {
        "figures_due": following.replace(day=8),
        "narratives_due": following.replace(day=15),
        "signoff_due": following.replace(day=22),
        "panel_date": after,
    }


def make_user(username: str, role: Role | None, email: str | None = None) -> Any:
    groups = ensure_roles()
    first, _, last = username.replace(".", " ").title().partition(" ")
    user = get_user_model().objects.create_user(
        username=username,
        password="x",
        first_name=first,
        last_name=last,
        email=f"{username}@example.gov.uk" if email is None else email,
    )
    if role is not None:
        user.groups.set([groups[role]])
    return user


@dataclass
class World:
    framework: Framework
    lac: Section
    fostering: Section
    users: dict[str, Any]

    def open(self, month: datetime.date = APRIL, **changes: datetime.date) -> ReportingMonth:
        return open_month(
            self.framework, month, {**timetable(month), **changes}, self.users["officer"]
        )

    def narrative(self, month: ReportingMonth, section: Section | None = None) -> Narrative:
        return Narrative.objects.get(reporting_month=month, section=section or self.lac)


def make_world() -> World:
    framework = Framework.objects.create(name="Corporate Parenting")
    lac = Section.objects.create(
        code="LAC", title="LOOKED AFTER CHILDREN", definition="Children in care."
    )
    fostering = Section.objects.create(code="FOSTERING", title="FOSTERING", definition="Carers.")
    FrameworkSection.objects.create(framework=framework, section=lac, order=1)
    FrameworkSection.objects.create(framework=framework, section=fostering, order=2)
    users = {
        "officer": make_user("officer", Role.PERFORMANCE_OFFICER),
        "hos": make_user("hos.lac", Role.HEAD_OF_SERVICE),
        "other_hos": make_user("hos.fostering", Role.HEAD_OF_SERVICE),
        "approver": make_user("approver", Role.APPROVER),
        "panel": make_user("panel", Role.PANEL_MEMBER),
    }
    lac.managers.set([users["hos"]])
    fostering.managers.set([users["other_hos"]])
    return World(framework, lac, fostering, users)


def bring_to(narrative: Narrative, status: Status, world: World, text: str = "") -> Narrative:
    """Take a narrative from not started to ``status`` through the real verbs."""
    author, approver = world.users["hos"], world.users["approver"]
    if narrative.section_id == world.fostering.pk:
        author = world.users["other_hos"]
    if status == Status.NOT_STARTED:
        return narrative
    services.save_text(
        narrative, author, text or f"{narrative.section.title} text.", "", narrative.version
    )
    if status == Status.DRAFT:
        return narrative
    services.submit(narrative, author)
    if status == Status.SUBMITTED:
        return narrative
    if status == Status.CHANGES_REQUESTED:
        services.request_changes(narrative, approver, "Say more about placements.")
    else:
        services.approve(narrative, approver)
    return narrative
