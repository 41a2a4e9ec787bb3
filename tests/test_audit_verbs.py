"""Every service verb records its audit event: who, what, to what, in the verb's transaction.

The sample April 2020 month is taken through the whole cycle with the real verbs; after each, the
events it wrote are compared with the expected ones. (Uploads record ``upload.*`` in
``indicators.uploads``, tested with the uploads.)
"""

from __future__ import annotations

import datetime

import pytest

from accounts.actors import SYSTEM
from audit.models import Event
from indicators.services import default_timetable, open_month
from narratives import services as narratives
from narratives.models import Narrative, Status
from reports import assembly
from reports import services as reports
from reports.models import BuildStatus, Edition
from tests.editions import approve_all

MAY = datetime.date(2020, 5, 1)


class Log:
    """The events written since the last look, as (actor, verb, target type, target id)."""

    def __init__(self) -> None:
        self.seen = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def new(self) -> list[tuple[str, str, str, str]]:
        rows = Event.objects.filter(id__gt=self.seen).order_by("id")
        events = [(e.actor_name, e.verb, e.target_type, e.target_id) for e in rows]
        self.seen = max([self.seen, *(e.id for e in rows)])
        return events


def about(obj) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


@pytest.fixture
def log(sample_month) -> Log:
    return Log()


def test_the_narrative_verbs(sample_month, log, approver, head_of_service, officer):
    hos, approver, officer = head_of_service("LAC"), approver, officer
    lac = Narrative.objects.get(reporting_month=sample_month, section__code="LAC")
    target = about(lac)

    narratives.save_text(lac, hos, "Rewritten.", "", lac.version)
    assert log.new() == [("hos.lac", "narrative.saved", *target)]
    assert Event.objects.latest("id").details == {"version": 2}
    narratives.submit(lac, hos)
    assert log.new() == [("hos.lac", "narrative.submitted", *target)]
    narratives.request_changes(lac, approver, "Say why.")
    assert log.new() == [("approver", "narrative.returned", *target)]
    assert Event.objects.latest("id").details["comment"] == "Say why."
    narratives.submit(lac, hos)
    narratives.approve(lac, approver)
    assert log.new() == [
        ("hos.lac", "narrative.submitted", *target),
        ("approver", "narrative.approved", *target),
    ]
    narratives.reopen(lac, officer, "A late figure.")
    assert log.new() == [("officer", "narrative.reopened", *target)]
    assert Event.objects.latest("id").details == {
        "from_status": "approved",
        "to_status": "draft",
        "version": 2,
        "comment": "A late figure.",
    }


def test_opening_a_month_and_its_narratives(sample_month, log, approver, head_of_service, officer):
    april_lac = Narrative.objects.get(reporting_month=sample_month, section__code="LAC")
    narratives.submit(april_lac, head_of_service("LAC"))
    narratives.approve(april_lac, approver)
    log.new()
    may = open_month(sample_month.framework, MAY, default_timetable(MAY), officer)
    events = log.new()
    assert events[0] == ("officer", "month.opened", *about(may))
    created = {e[3] for e in events if e[1] == "narrative.created"}
    may_narratives = Narrative.objects.filter(reporting_month=may)
    assert created == {str(n.pk) for n in may_narratives}
    may_lac = may_narratives.get(section__code="LAC")
    assert ("officer", "narrative.carried_forward", *about(may_lac)) in events
    fostering = may_narratives.get(section__code="FOSTERING")
    narratives.save_text(fostering, head_of_service("FOSTERING"), "May's text.", "", 0)
    assert log.new() == [
        ("hos.fostering", "narrative.started", *about(fostering)),
        ("hos.fostering", "narrative.saved", *about(fostering)),
    ]


def test_a_month_opened_by_the_system(sample_month, log):
    june = datetime.date(2020, 6, 1)
    month = open_month(sample_month.framework, june, default_timetable(june), SYSTEM)
    events = log.new()
    assert events[0] == ("system", "month.opened", *about(month))
    assert {e[0] for e in events} == {"system"}


def test_the_edition_verbs(sample_month, log, approver, officer):
    approve_all(sample_month)
    paper = {**assembly.paper_of(sample_month), "title": "Corporate Parenting, April 2020"}
    reports.save_paper(sample_month, officer, paper)
    log.new()
    assert Event.objects.latest("id").verb == "paper.saved"

    draft = reports.generate_draft(sample_month, officer)
    assert log.new() == [("officer", "edition.drafted", *about(draft))]
    assert reports.build_edition(draft.pk) == BuildStatus.READY
    assert log.new() == [("system", "edition.built", *about(draft))]
    reports.sign_off(Edition.objects.get(pk=draft.pk), approver)
    assert log.new() == [("approver", "edition.signed_off", *about(draft))]
    issued = reports.issue_report(sample_month, officer)
    events = log.new()
    assert events[-1] == ("officer", "edition.issued", *about(issued))
    locked = [e for e in events if e[1] == "narrative.issued"]
    assert len(locked) == Narrative.objects.filter(reporting_month=sample_month).count()
    assert {e[0] for e in locked} == {"officer"}


def test_a_failed_build_and_building_again(sample_month, log, officer):
    draft = reports.generate_draft(sample_month, SYSTEM)
    assert log.new() == [("system", "edition.drafted", *about(draft))]
    Edition.objects.filter(pk=draft.pk).update(snapshot={"schema": 0})
    assert reports.build_edition(draft.pk) == BuildStatus.FAILED
    assert log.new() == [("system", "edition.build_failed", *about(draft))]
    assert "schema" in Event.objects.latest("id").details["error"]
    reports.rebuild(Edition.objects.get(pk=draft.pk), officer)
    assert log.new() == [("officer", "edition.rebuild_queued", *about(draft))]


def test_a_refused_verb_records_nothing(sample_month, log, approver, officer, panel):
    lac = Narrative.objects.get(reporting_month=sample_month, section__code="LAC")
    with pytest.raises(narratives.WorkflowError):
        narratives.approve(lac, approver)  # a draft, not submitted
    with pytest.raises(reports.EditionError):
        reports.issue_report(sample_month, officer)
    with pytest.raises(reports.EditionError):
        reports.generate_draft(sample_month, panel)
    assert log.new() == []
    assert lac.status == Status.DRAFT
