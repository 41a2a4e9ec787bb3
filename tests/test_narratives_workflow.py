"""The narrative workflow: every verb allowed and refused for every role and every state."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.roles import Role, ensure_roles
from narratives import services
from narratives.models import Action, Narrative, NarrativeVersion, Status, Transition
from narratives.rules import Verb
from tests.cast import Cast, make_cast, person
from tests.narrative_world import APRIL, World, bring_to, make_world

MAY = datetime.date(2020, 5, 1)
ROLES = ("officer", "hos", "other_hos", "approver", "panel")
# The state each verb is normally taken from, and the one role allowed to take it there.
VERBS = {
    Verb.SAVE: (Status.DRAFT, "hos"),
    Verb.SUBMIT: (Status.DRAFT, "hos"),
    Verb.REQUEST_CHANGES: (Status.SUBMITTED, "approver"),
    Verb.APPROVE: (Status.SUBMITTED, "approver"),
    Verb.REOPEN: (Status.APPROVED, "officer"),
}
# Every state each verb may be taken from; every other state refuses it.
FROM = {
    Verb.SAVE: {Status.NOT_STARTED, Status.DRAFT, Status.CHANGES_REQUESTED},
    Verb.SUBMIT: {Status.DRAFT, Status.CHANGES_REQUESTED},
    Verb.REQUEST_CHANGES: {Status.SUBMITTED},
    Verb.APPROVE: {Status.SUBMITTED},
    Verb.REOPEN: {Status.APPROVED},
}
AFTER = {
    Verb.SUBMIT: Status.SUBMITTED,
    Verb.REQUEST_CHANGES: Status.CHANGES_REQUESTED,
    Verb.APPROVE: Status.APPROVED,
    Verb.REOPEN: Status.DRAFT,
}


@pytest.fixture
def world(cast: Cast) -> World:
    return make_world(cast)


@pytest.fixture
def april(world):
    return world.open(APRIL)


def take(verb: Verb, narrative: Narrative, user) -> Narrative:
    """Take ``verb`` with valid arguments, so only the rules can refuse it."""
    if verb == Verb.SAVE:
        return services.save_text(narrative, user, "New text.", "New notes.", narrative.version)
    if verb == Verb.REQUEST_CHANGES:
        return services.request_changes(narrative, user, "More detail, please.")
    if verb == Verb.REOPEN:
        return services.reopen(narrative, user, "Figures were restated.")
    return getattr(services, verb.value)(narrative, user)


def snapshot(narrative: Narrative) -> tuple:
    narrative.refresh_from_db()
    return (
        narrative.status,
        narrative.changes,
        narrative.data_notes,
        narrative.version,
        narrative.locked,
        narrative.reviewed_version_id,
        Transition.objects.filter(narrative=narrative).count(),
        NarrativeVersion.objects.filter(narrative=narrative).count(),
    )


@pytest.mark.parametrize("verb", list(Verb))
@pytest.mark.parametrize("role", ROLES)
def test_role_by_action_matrix(world, april, role, verb):
    status, allowed_role = VERBS[verb]
    narrative = bring_to(world.narrative(april), status, world)
    user = world.who(role)
    before = snapshot(narrative)
    assert (verb.value in services.actions_for(narrative, user)) == (role == allowed_role)
    if role == allowed_role:
        take(verb, narrative, user)
        narrative.refresh_from_db()
        if verb == Verb.SAVE:
            assert (narrative.changes, narrative.version) == ("New text.", before[3] + 1)
        else:
            assert narrative.status == AFTER[verb]
            last = narrative.transitions.last()
            assert last is not None
            assert (last.action, last.by, last.from_status) == (verb.value, user, status)
    else:
        with pytest.raises(services.WorkflowError) as refused:
            take(verb, narrative, user)
        assert str(refused.value)
        assert snapshot(narrative) == before


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("verb", list(Verb))
def test_every_verb_from_every_state(world, april, verb, status):
    narrative = bring_to(world.narrative(april), status, world)
    user = world.who(VERBS[verb][1])
    before = snapshot(narrative)
    allowed = status in FROM[verb]
    assert (verb.value in services.actions_for(narrative, user)) == allowed
    if allowed:
        take(verb, narrative, user)
        narrative.refresh_from_db()
        saved = Status.DRAFT if status == Status.NOT_STARTED else status
        assert narrative.status == AFTER.get(verb, saved)
    else:
        with pytest.raises(services.WorkflowError):
            take(verb, narrative, user)
        assert snapshot(narrative) == before


def test_opening_a_month_creates_one_narrative_per_section_authored_by_its_managers(world):
    month = world.open(APRIL)
    narratives = list(Narrative.objects.filter(reporting_month=month).order_by("section__code"))
    assert [n.section.code for n in narratives] == ["FOSTERING", "LAC"]
    assert all(n.status == Status.NOT_STARTED and n.version == 0 for n in narratives)
    assert list(narratives[1].authors.all()) == [world.hos]
    assert narratives[1].transitions.get().action == Action.CREATE
    # Running it again adds only sections that have none.
    assert services.create_month_narratives(month, world.cast.officer) == []
    with pytest.raises(IntegrityError), transaction.atomic():
        Narrative.objects.create(reporting_month=month, section=world.lac)


def test_only_an_officer_creates_a_months_narratives(world, april):
    with pytest.raises(services.WorkflowError, match="performance officer"):
        services.create_month_narratives(april, world.hos)


def test_first_save_starts_the_draft_and_every_version_is_kept(world, april):
    narrative = world.narrative(april)
    hos = world.hos
    for number, text in enumerate(["One.", "Two.", "Three."], start=1):
        services.save_text(narrative, hos, text, f"notes {number}", narrative.version)
        assert narrative.version == number
    assert narrative.status == Status.DRAFT
    kept = list(narrative.versions.values_list("number", "changes", "data_notes", "saved_by"))
    assert kept == [
        (1, "One.", "notes 1", hos.pk),
        (2, "Two.", "notes 2", hos.pk),
        (3, "Three.", "notes 3", hos.pk),
    ]
    start = narrative.transitions.get(action=Action.START)
    assert (start.from_status, start.to_status, start.version.number) == (
        Status.NOT_STARTED,
        Status.DRAFT,
        1,
    )


def test_saving_the_same_text_again_keeps_no_new_version(world, april):
    narrative = world.narrative(april)
    services.save_text(narrative, world.hos, "Same.\r\n", "", 0)
    services.save_text(narrative, world.hos, "Same.", "", 1)
    assert narrative.version == 1 and narrative.versions.count() == 1


def test_a_save_from_an_old_version_is_refused_with_both_texts(world, april):
    narrative = world.narrative(april)
    hos = world.hos
    services.save_text(narrative, hos, "Theirs.", "Their notes.", 0)
    with pytest.raises(services.StaleVersion) as conflict:
        services.save_text(narrative, hos, "Mine.", "My notes.", 0)
    assert conflict.value.yours == services.Text("Mine.", "My notes.")
    theirs = conflict.value.theirs
    assert theirs is not None
    assert (theirs.changes, theirs.saved_by) == ("Theirs.", hos)
    assert conflict.value.current_version == 1
    narrative.refresh_from_db()
    assert (narrative.changes, narrative.version) == ("Theirs.", 1)


def test_long_unicode_and_html_text_is_stored_exactly(world, april):
    narrative = world.narrative(april)
    text = "<script>alert('x')</script> & < > “Ofsted” — 5 % café 👶\n\n" + "word " * 3000
    services.save_text(narrative, world.hos, text, "A & B < C", 0)
    narrative.refresh_from_db()
    assert narrative.changes == text.strip()
    assert narrative.versions.get().data_notes == "A & B < C"


def test_text_beyond_the_limit_is_refused(world, april):
    narrative = world.narrative(april)
    with pytest.raises(services.WorkflowError, match="at most"):
        services.save_text(narrative, world.hos, "x" * (services.MAX_TEXT + 1), "", 0)
    assert narrative.versions.count() == 0


def test_submit_needs_text(world, april):
    narrative = world.narrative(april)
    services.save_text(narrative, world.hos, "", "Only a data note.", 0)
    assert narrative.status == Status.DRAFT
    assert "submit" not in services.actions_for(narrative, world.hos)
    with pytest.raises(services.WorkflowError, match="before submitting"):
        services.submit(narrative, world.hos)


@pytest.mark.parametrize("blank", ["", "   \n "])
def test_a_return_and_a_reopen_must_say_why(world, april, blank):
    narrative = bring_to(world.narrative(april), Status.SUBMITTED, world)
    with pytest.raises(services.WorkflowError, match="Give the changes"):
        services.request_changes(narrative, world.cast.approver, blank)
    assert snapshot(narrative)[0] == Status.SUBMITTED
    services.approve(narrative, world.cast.approver)
    with pytest.raises(services.WorkflowError, match="Give the reason"):
        services.reopen(narrative, world.cast.officer, blank)
    narrative.refresh_from_db()
    assert narrative.status == Status.APPROVED and narrative.locked


def test_the_database_refuses_a_return_without_a_comment(world, april):
    narrative = world.narrative(april)
    with pytest.raises(IntegrityError), transaction.atomic():
        Transition.objects.create(
            narrative=narrative,
            action=Action.REQUEST_CHANGES,
            from_status=Status.SUBMITTED,
            to_status=Status.CHANGES_REQUESTED,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Narrative.objects.filter(pk=narrative.pk).update(locked=True)


def test_approval_locks_and_records_the_version_approved(world, april):
    narrative = bring_to(world.narrative(april), Status.APPROVED, world)
    assert narrative.locked and not narrative.issued
    assert narrative.reviewed_version is not None
    assert narrative.reviewed_version.number == narrative.version == 1
    approved = narrative.transitions.get(action=Action.APPROVE).version
    assert approved is not None
    assert approved.number == 1


def test_a_return_then_a_resubmission(world, april):
    narrative = bring_to(world.narrative(april), Status.CHANGES_REQUESTED, world)
    assert narrative.reviewed_version is not None
    assert narrative.reviewed_version.number == 1
    returned = narrative.transitions.get(action=Action.REQUEST_CHANGES)
    assert returned.comment == "Say more about placements."
    hos = world.hos
    services.save_text(narrative, hos, "More about placements.", "", narrative.version)
    assert narrative.status == Status.CHANGES_REQUESTED  # still returned until resubmitted
    services.submit(narrative, hos)
    assert narrative.status == Status.SUBMITTED and narrative.version == 2


def test_reopen_unlocks_and_an_edit_needs_a_new_review(world, april):
    narrative = bring_to(world.narrative(april), Status.APPROVED, world)
    services.reopen(narrative, world.cast.officer, "Figures were restated.")
    assert (narrative.status, narrative.locked) == (Status.DRAFT, False)
    assert narrative.transitions.get(action=Action.REOPEN).comment == "Figures were restated."
    services.save_text(narrative, world.hos, "Restated text.", "", narrative.version)
    assert "approve" not in services.actions_for(narrative, world.cast.approver)
    services.submit(narrative, world.hos)
    services.approve(narrative, world.cast.approver)
    assert narrative.reviewed_version is not None
    assert narrative.reviewed_version.number == 2


def test_an_approver_never_reviews_a_narrative_they_wrote(world, april):
    both = world.cast.approver
    both.groups.add(ensure_roles()[Role.HEAD_OF_SERVICE])
    world.lac.managers.add(both)
    narrative = world.narrative(april)
    services.save_text(narrative, both, "Mine.", "", 0)
    services.submit(narrative, both)
    with pytest.raises(services.WorkflowError, match="another approver"):
        services.approve(narrative, both)


@pytest.mark.parametrize("also_unnamed", [False, True])
def test_losing_the_head_of_service_role_does_not_let_an_author_approve_their_text(
    world, april, client, also_unnamed
):
    """Self-approval is refused by authorship, not by role: once the officer removes the head of
    service role (and even the section and the author list), whoever saved the text still may
    not approve or return it."""
    both = world.cast.approver
    both.groups.add(ensure_roles()[Role.HEAD_OF_SERVICE])
    world.lac.managers.add(both)
    narrative = world.narrative(april)
    services.save_text(narrative, both, "Mine.", "", 0)
    services.submit(narrative, both)
    both.groups.remove(ensure_roles()[Role.HEAD_OF_SERVICE])
    if also_unnamed:
        world.lac.managers.remove(both)
        narrative.authors.remove(both)
    both = type(both).objects.get(pk=both.pk)  # roles are cached per user object
    for verb in (Verb.APPROVE, Verb.REQUEST_CHANGES):
        assert services.actions_for(narrative, both) == []
        with pytest.raises(services.WorkflowError, match="You are an author of this narrative"):
            if verb == Verb.APPROVE:
                services.approve(narrative, both)
            else:
                services.request_changes(narrative, both, "Nothing to change.")
    client.force_login(both)
    response = client.post(reverse("narratives:approve", args=[narrative.pk]))
    assert response.status_code == 403
    narrative.refresh_from_db()
    assert narrative.status == Status.SUBMITTED
    services.approve(narrative, person("another.approver", Role.APPROVER))
    assert narrative.status == Status.APPROVED


def test_a_manager_added_after_opening_may_write_and_becomes_an_author(world, april):
    newcomer = world.other_hos
    world.lac.managers.add(newcomer)
    narrative = world.narrative(april)
    services.save_text(narrative, newcomer, "Newcomer's text.", "", 0)
    assert newcomer in narrative.authors.all()


def test_lock_for_issue_refuses_until_all_are_approved_then_nothing_reopens(world, april):
    lac = bring_to(world.narrative(april), Status.APPROVED, world)
    fostering = bring_to(world.narrative(april, world.fostering), Status.SUBMITTED, world)
    with pytest.raises(services.WorkflowError, match="Not yet approved: FOSTERING"):
        services.lock_for_issue(april, world.cast.officer)
    lac.refresh_from_db()
    assert not lac.issued
    services.approve(fostering, world.cast.approver)
    assert services.lock_for_issue(april, world.cast.officer) == 2
    assert services.lock_for_issue(april, world.cast.officer) == 0
    lac.refresh_from_db()
    assert lac.issued and lac.locked
    assert lac.transitions.last().action == Action.ISSUE
    with pytest.raises(services.WorkflowError, match="issued"):
        services.reopen(lac, world.cast.officer, "Too late.")
    with pytest.raises(services.WorkflowError, match="issued"):
        services.save_text(lac, world.hos, "Too late.", "", lac.version)
    assert services.actions_for(lac, world.cast.officer) == []


def test_lock_for_issue_is_for_officers(world, april):
    with pytest.raises(services.WorkflowError, match="performance officer"):
        services.lock_for_issue(april, world.cast.approver)


def test_approved_text_is_carried_forward_to_the_next_month(world, april):
    lac = bring_to(world.narrative(april), Status.APPROVED, world, text="April **text**.")
    services.save_text(world.narrative(april, world.fostering), world.other_hos, "X", "", 0)
    may = world.open(MAY)
    carried = world.narrative(may)
    assert (carried.status, carried.changes, carried.version) == (
        Status.DRAFT,
        lac.changes,
        1,
    )
    version = carried.versions.get()
    assert version.carried_forward and version.changes == "April **text**."
    assert [t.action for t in carried.transitions.all()] == [
        Action.CREATE,
        Action.CARRY_FORWARD,
    ]
    assert "April 2020" in carried.transitions.last().comment
    # A draft last month is not carried: the new month starts empty.
    fostering = world.narrative(may, world.fostering)
    assert (fostering.status, fostering.changes, fostering.version) == (Status.NOT_STARTED, "", 0)
    # April's narrative is untouched.
    lac.refresh_from_db()
    assert lac.status == Status.APPROVED and lac.version == 1


def test_carry_forward_can_be_turned_off(world, april):
    bring_to(world.narrative(april), Status.APPROVED, world)
    may = world.open(MAY)
    Narrative.objects.filter(reporting_month=may).delete()
    services.create_month_narratives(may, world.cast.officer, carry_forward=False)
    assert world.narrative(may).status == Status.NOT_STARTED
    assert world.narrative(may).changes == ""


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_from_the_same_version_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    world = make_world(make_cast())
    narrative = world.narrative(world.open(APRIL))
    barrier = threading.Barrier(2)
    results: list[str] = []

    def save(text: str) -> None:
        try:
            barrier.wait()
            services.save_text(Narrative.objects.get(pk=narrative.pk), world.hos, text, "", 0)
            results.append("saved")
        except services.StaleVersion:
            results.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(text,)) for text in ("One.", "Two.")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["saved", "stale"]
    narrative.refresh_from_db()
    assert narrative.version == 1 and narrative.versions.count() == 1
