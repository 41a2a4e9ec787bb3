"""The audit log: one append-only table written by every verb, the admin and sign-ins; its page."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import audit
from accounts.actors import SYSTEM
from accounts.people import role_title_of
from accounts.roles import Role, ensure_roles
from audit.models import Event
from audit.views import PAGE_SIZE, audit_page
from indicators.models import Section
from tests.browser import DEMO_PASSWORD


def user(username: str):
    return get_user_model().objects.get(username=username)


def sign_in(client: Client, username: str, password: str) -> int:
    return client.post(reverse("login"), {"username": username, "password": password}).status_code


def latest(verb: str) -> Event:
    return Event.objects.filter(verb=verb).latest("id")


# -- the table ----------------------------------------------------------------------------------


def test_record_names_the_actor_the_verb_and_the_target(sample):
    section = Section.objects.get(code="LAC")
    event = audit.record(user("officer"), "admin.changed", section, change="title")
    event.refresh_from_db()
    assert (event.actor, event.actor_name, event.verb) == (
        user("officer"),
        "officer",
        "admin.changed",
    )
    assert (event.target_type, event.target_id) == ("indicators.section", str(section.pk))
    assert (event.target_repr, event.details) == ("LOOKED AFTER CHILDREN", {"change": "title"})
    system = audit.record(SYSTEM, "edition.built", None, pages=17)
    assert (system.actor, system.actor_name, system.target_type) == (None, "system", "")


@pytest.mark.parametrize("verb", ["upload", "Upload.applied", "upload.applied.twice", ""])
def test_a_verb_is_kind_dot_what_happened(db, verb):
    with pytest.raises(ValueError, match=r"kind\.what_happened"):
        audit.record(SYSTEM, verb)
    assert not Event.objects.exists()


def test_an_event_is_written_in_the_callers_transaction(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(SYSTEM, "month.opened")
        raise RuntimeError("the change failed")
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET verb = 'admin.deleted', actor_name = 'someone else'",
        "DELETE FROM audit_event",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_event(db, sql):
    event = audit.record(SYSTEM, "month.opened", None, note="kept")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)
    event.refresh_from_db()
    assert (event.verb, event.actor_name, event.details) == (
        "month.opened",
        "system",
        {"note": "kept"},
    )


def test_the_orm_cannot_change_or_delete_an_event_either(db):
    event = audit.record(SYSTEM, "month.opened")
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(verb="month.closed")
    with pytest.raises(IntegrityError), transaction.atomic():
        event.delete()
    assert Event.objects.get().verb == "month.opened"


def test_an_account_with_events_is_deactivated_not_deleted(sample):
    audit.record(user("approver"), "edition.signed_off")
    with pytest.raises(ProtectedError):
        user("approver").delete()
    assert Event.objects.get(verb="edition.signed_off").actor == user("approver")


# -- sign-ins, the admin and roles --------------------------------------------------------------


def test_sign_ins_sign_outs_and_failures_are_events(sample):
    client = Client()
    assert sign_in(client, "officer", DEMO_PASSWORD) == 302
    assert client.post(reverse("logout")).status_code == 302
    assert sign_in(Client(), "approver", "not-the-password") == 200
    assert latest("auth.signed_in").actor == user("officer")
    assert latest("auth.signed_in").details == {"address": "127.0.0.1"}
    assert latest("auth.signed_out").actor == user("officer")
    failed = latest("auth.sign_in_failed")
    assert (failed.actor, failed.actor_name) == (None, "approver")
    assert failed.details == {"address": "127.0.0.1", "locked_out": False}


def test_the_failure_that_locks_an_account_says_so(sample):
    results = [sign_in(Client(), "panel", "wrong") for _ in range(5)]
    assert results == [200, 200, 200, 200, 429]
    locks = [e.details["locked_out"] for e in Event.objects.filter(verb="auth.sign_in_failed")]
    assert locks == [False, False, False, False, True][::-1]  # newest first


@pytest.fixture
def admin_client(client, sample):
    client.force_login(user("officer"))
    return client


def test_admin_additions_changes_and_deletions_are_events(admin_client):
    form = {"code": "NEW-SECTION", "title": "New section", "definition": "", "managers": []}
    assert admin_client.post(reverse("admin:indicators_section_add"), form).status_code == 302
    section = Section.objects.get(code="NEW-SECTION")
    added = latest("admin.added")
    assert (added.actor, added.target_type, added.target_id) == (
        user("officer"),
        "indicators.section",
        str(section.pk),
    )
    change = reverse("admin:indicators_section_change", args=[section.pk])
    assert admin_client.post(change, {**form, "title": "Renamed section"}).status_code == 302
    changed = latest("admin.changed")
    assert changed.target_repr == "Renamed section"
    assert "Title" in changed.details["change"]
    delete = reverse("admin:indicators_section_delete", args=[section.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    deleted = latest("admin.deleted")
    assert (deleted.actor, deleted.target_id, deleted.target_repr) == (
        user("officer"),
        str(section.pk),
        "Renamed section",
    )


def test_several_objects_deleted_at_once_are_one_event_each(admin_client):
    spare = [Section.objects.create(code=f"SPARE-{n}", title=f"Spare {n}") for n in range(3)]
    response = admin_client.post(
        reverse("admin:indicators_section_changelist"),
        {"action": "delete_selected", "_selected_action": [s.pk for s in spare], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Section.objects.filter(code__startswith="SPARE-").exists()
    deleted = Event.objects.filter(verb="admin.deleted")
    assert sorted(e.target_repr for e in deleted) == ["Spare 0", "Spare 1", "Spare 2"]
    assert {e.actor for e in deleted} == {user("officer")}


def test_the_delete_confirmation_page_records_nothing(admin_client):
    spare = [Section.objects.create(code=f"SPARE-{n}", title=f"Spare {n}") for n in range(2)]
    response = admin_client.post(
        reverse("admin:indicators_section_changelist"),
        {"action": "delete_selected", "_selected_action": [s.pk for s in spare]},
    )
    assert response.status_code == 200  # "Are you sure?"
    assert not Event.objects.filter(verb="admin.deleted").exists()


def test_roles_granted_and_revoked_in_the_admin_name_who_did_it(client, sample):
    boss = get_user_model().objects.create_superuser("boss", password="x")
    client.force_login(boss)
    panel = user("panel")
    groups = ensure_roles()
    form = {
        "username": "panel",
        "first_name": "Sam",
        "last_name": "Hughes",
        "email": "panel@example.gov.uk",
        "is_active": "on",
        "groups": [groups[Role.APPROVER].pk],
        "date_joined_0": "2020-04-01",
        "date_joined_1": "09:00:00",
        # The person's profile, edited with them: the role title a board report prints.
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "0",
        "profile-0-role_title": "Chair of the Corporate Parenting Panel",
    }
    response = client.post(reverse("admin:auth_user_change", args=[panel.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert role_title_of(user("panel")) == "Chair of the Corporate Parenting Panel"
    granted, revoked = latest("role.granted"), latest("role.revoked")
    assert (granted.actor, granted.target_id, granted.details) == (
        boss,
        str(panel.pk),
        {"role": "Approver"},
    )
    assert (revoked.actor, revoked.details) == (boss, {"role": "Panel member"})


def test_roles_changed_outside_the_admin_are_the_systems(sample):
    approver = user("approver")
    approver.groups.add(Group.objects.get(name=Role.PANEL_MEMBER.value))
    approver.groups.clear()
    assert latest("role.granted").actor_name == "system"
    assert sorted(e.details["role"] for e in Event.objects.filter(verb="role.revoked")) == [
        "Approver",
        "Panel member",
    ]


# -- the page ------------------------------------------------------------------------------------


@pytest.fixture
def history(sample):
    officer, approver = user("officer"), user("approver")
    assert sign_in(Client(), "officer", DEMO_PASSWORD) == 302
    assert sign_in(Client(), "approver", "not-the-password") == 200
    audit.record(officer, "month.opened", None, panel_date="2020-06-01")
    audit.record(approver, "narrative.approved", Section.objects.get(code="LAC"), version=2)
    audit.record(SYSTEM, "edition.build_failed", None, error="font missing")


def whats(kind: str = "", user_contains: str = "") -> list[str]:
    return [event.verb for event in audit_page(kind, user_contains).object_list]


def test_the_officer_reads_the_log_in_words(client, history):
    client.force_login(user("officer"))
    response = client.get(reverse("audit"))
    assert response.status_code == 200
    page = response.content.decode()
    for what in (
        "Signed in",
        "Failed sign-in",
        "Opened a month",
        "Narrative: approved",
        "Report build failed",
    ):
        assert what in page, what
    assert "LOOKED AFTER CHILDREN; version: 2" in page
    assert "error: font missing" in page
    assert '<th scope="col">When</th>' in page and "<caption" in page


def test_the_log_is_newest_first_and_filters_by_kind_and_username(client, history):
    events = list(audit_page().object_list)
    assert [e.id for e in events] == sorted((e.id for e in events), reverse=True)
    assert set(whats("auth")) == {"auth.signed_in", "auth.sign_in_failed"}
    assert whats(user_contains="APPROV") == ["narrative.approved", "auth.sign_in_failed"]
    assert whats("edition", "system") == ["edition.build_failed"]
    client.force_login(user("officer"))
    page = client.get(reverse("audit"), {"kind": "month", "user": "offic"}).content.decode()
    assert "Opened a month" in page and "Narrative:" not in page and "Signed in" not in page


def test_an_unknown_kind_shows_everything(client, history):
    client.force_login(user("officer"))
    response = client.get(reverse("audit"), {"kind": "nonsense"})
    assert response.status_code == 200
    assert "Signed in" in response.content.decode()


@pytest.mark.parametrize("username", ["approver", "hos.lac", "panel"])
def test_other_roles_are_refused(client, sample, username):
    client.force_login(user(username))
    assert client.get(reverse("audit")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("audit"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_only_officers_see_the_audit_link(client, sample):
    client.force_login(user("officer"))
    assert reverse("audit") in client.get(reverse("home")).content.decode()
    client.force_login(user("approver"))
    assert reverse("audit") not in client.get(reverse("home")).content.decode()


def test_pages_of_fifty_newest_first(db, django_assert_max_num_queries):
    start = timezone.now() - datetime.timedelta(days=1)
    for minute in range(PAGE_SIZE + 20):
        Event.objects.create(
            at=start + datetime.timedelta(minutes=minute),
            actor_name=f"user{minute:03}",
            verb="auth.signed_in",
        )
    with django_assert_max_num_queries(2):
        first = list(audit_page(page=1).object_list)
    second = list(audit_page(page=2).object_list)
    assert len(first) == PAGE_SIZE and len(second) == 20
    assert [e.actor_name for e in first + second] == [f"user{m:03}" for m in reversed(range(70))]
    # Past the end is the last page, not an error.
    assert audit_page(page=99).number == 2
