"""Test data for the narrative workflow, built in code (used by tests/test_narratives_*.py).

A small world: one framework with two sections (LAC and FOSTERING), whose heads of service are
the cast's (tests/cast.py), and April 2020 opened through ``open_month`` by the cast's officer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User

from indicators.models import Framework, FrameworkSection, ReportingMonth, Section
from indicators.services import default_timetable, open_month
from narratives import services
from narratives.models import Narrative, Status
from narratives.samples import sample_narratives  # noqa: F401
from tests.cast import Cast

APRIL = datetime.date(2020, 4, 1)


@dataclass
class World:
    framework: Framework
    lac: Section
    fostering: Section
    cast: Cast

    @property
    def hos(self) -> User:
        """The head of service of LAC."""
        return self.cast.head_of_service(self.lac.code)

    @property
    def other_hos(self) -> User:
        """The head of service of FOSTERING."""
        return self.cast.head_of_service(self.fostering.code)

    def who(self, name: str) -> User:
        """A person by the name tests go through: officer, hos (of LAC), other_hos (of
        FOSTERING), approver, panel."""
        return {
            "officer": self.cast.officer,
            "hos": self.hos,
            "other_hos": self.other_hos,
            "approver": self.cast.approver,
            "panel": self.cast.panel,
        }[name]

    def open(self, month: datetime.date = APRIL, **changes: datetime.date) -> ReportingMonth:
        return open_month(
            self.framework, month, {**default_timetable(month), **changes}, self.cast.officer
        )

    def narrative(self, month: ReportingMonth, section: Section | None = None) -> Narrative:
        return Narrative.objects.get(reporting_month=month, section=section or self.lac)


def make_world(cast: Cast) -> World:
    framework = Framework.objects.create(name="Corporate Parenting")
    lac = Section.objects.create(
        code="LAC", title="LOOKED AFTER CHILDREN", definition="Children in care."
    )
    fostering = Section.objects.create(code="FOSTERING", title="FOSTERING", definition="Carers.")
    FrameworkSection.objects.create(framework=framework, section=lac, order=1)
    FrameworkSection.objects.create(framework=framework, section=fostering, order=2)
    cast.head_of_service(lac)
    cast.head_of_service(fostering)
    return World(framework, lac, fostering, cast)


def author_of(narrative: Narrative) -> User:
    """Who writes ``narrative``: an author already, else its section's head of service."""
    author = narrative.authors.first() or narrative.section.managers.first()
    assert author is not None, f"{narrative.section} has no head of service"
    return author


def bring_to(narrative: Narrative, status: Status, world: World, text: str = "") -> Narrative:
    """Take a narrative from not started to ``status`` through the real verbs."""
    author, approver = author_of(narrative), world.cast.approver
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
