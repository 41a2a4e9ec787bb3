"""The audit log: every kind of entry after the real actions, newest first, filters, paging."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessLog
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cpp.audit import PAGE_SIZE, Kind, Timeline, audit_page
from indicators.importing.uploads import confirm_upload, receive_upload, revert_upload
from narratives import services
from narratives.models import Narrative
from reports.models import BuildStatus, Edition
from tests.browser import DEMO_PASSWORD
from tests.helpers import csv_bytes

RERUN = csv_bytes([["indicator", "month", "value"], ["6.1", "2020-04", "607"]])


def user(username: str):
    return get_user_model().objects.get(username=username)


def sign_in(client: Client, username: str, password: str) -> int:
    return client.post(reverse("login"), {"username": username, "password": password}).status_code


@pytest.fixture
def history(sample_month):
    """One of each action: sign-ins, an upload applied and reverted, a narrative submitted and
    approved, a draft edition created, signed off and built, and a build that failed."""
    officer, approver, author = user("officer"), user("approver"), user("hos.lac")
    assert sign_in(Client(), "officer", DEMO_PASSWORD) == 302
    assert sign_in(Client(), "approver", "not-the-password") == 200
    upload = receive_upload("figures", "rerun.csv", RERUN, officer)
    assert confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer).done
    assert revert_upload(upload.pk, officer).done
    lac = Narrative.objects.get(reporting_month=sample_month, section__code="LAC")
    services.submit(lac, author)
    services.approve(lac, approver)
    fields = {
        "reporting_month": sample_month,
        "framework": sample_month.framework,
        "month": sample_month.month,
        "issue": 1,
        "snapshot": {},
        "content_sha256": "0" * 64,
        "created_by": officer,
    }
    Edition.objects.create(
        **fields,
        draft=1,
        status=BuildStatus.READY,
        pages=14,
        built_at=timezone.now(),
        signed_off_by=approver,
        signed_off_at=timezone.now(),
    )
    Edition.objects.create(**fields, draft=2, status=BuildStatus.FAILED, error="font missing")
    return sample_month


def whats(kind: Kind | None = None, user_contains: str = "") -> list[str]:
    return [entry.what for entry in audit_page(kind, user_contains).object_list]


def test_the_officer_sees_every_kind_of_entry(client, history):
    client.force_login(user("officer"))
    response = client.get(reverse("audit"))
    assert response.status_code == 200
    page = response.content.decode()
    for what in (
        "Signed in",
        "Failed sign-in",
        "Uploaded a figures file",
        "Applied an upload",
        "Reverted an upload",
        "Narrative: submitted",
        "Narrative: approved",
        "Report draft created",
        "Report draft signed off",
        "Report built",
        "Report build failed",
    ):
        assert what in page, what
    assert "rerun.csv (figures): 0 new, 1 changed, 0 unchanged, 0 error(s)" in page
    assert "LAC, April 2020" in page
    assert "Corporate Parenting, April 2020, Issue 1, Draft 1: 14 page(s)" in page
    assert "font missing" in page
    assert '<th scope="col">When</th>' in page and "<caption" in page


def test_entries_are_newest_first_with_who_and_when(history):
    assert whats(Kind.UPLOAD) == [
        "Reverted an upload",
        "Applied an upload",
        "Uploaded a figures file",
    ]
    entries = list(audit_page().object_list)
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    approval = next(e for e in entries if e.what == "Narrative: approved")
    assert approval.who == "Alex Morgan (approver)"
    assert approval.kind == Kind.NARRATIVE
    failed = next(e for e in entries if e.what == "Failed sign-in")
    assert (failed.who, failed.detail) == ("approver", "from 127.0.0.1")


def test_filters_by_kind_and_by_username(client, history):
    assert set(whats(Kind.SIGN_IN)) == {"Signed in", "Failed sign-in"}
    assert {e.kind for e in audit_page(Kind.REPORT).object_list} == {Kind.REPORT}
    # The approver's own actions only; the system's builds belong to no one.
    assert sorted(whats(user_contains="APPROV")) == [
        "Failed sign-in",
        "Narrative: approved",
        "Report draft signed off",
    ]
    client.force_login(user("officer"))
    page = client.get(reverse("audit"), {"kind": "upload", "user": "offic"}).content.decode()
    assert "Applied an upload" in page and "Narrative:" not in page and "Signed in" not in page


def test_an_unknown_kind_shows_everything(client, history):
    client.force_login(user("officer"))
    response = client.get(reverse("audit"), {"kind": "nonsense"})
    assert response.status_code == 200
    assert "Signed in" in response.content.decode()


@pytest.mark.parametrize("username", ["approver", "hos.lac", "panel"])
def test_other_roles_are_refused(client, sample_month, username):
    client.force_login(user(username))
    assert client.get(reverse("audit")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("audit"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_only_officers_see_the_audit_link(client, sample_month):
    client.force_login(user("officer"))
    assert reverse("audit") in client.get(reverse("home")).content.decode()
    client.force_login(user("approver"))
    assert reverse("audit") not in client.get(reverse("home")).content.decode()


def test_pages_of_fifty_merge_the_sources_exactly(db, django_assert_max_num_queries):
    start = timezone.now() - datetime.timedelta(days=1)
    for minute in range(PAGE_SIZE + 20):
        log = AccessLog.objects.create(username=f"user{minute:03}", ip_address="10.0.0.1")
        AccessLog.objects.filter(pk=log.pk).update(
            attempt_time=start + datetime.timedelta(minutes=minute)
        )
    timeline = Timeline()
    assert timeline.count() == PAGE_SIZE + 20
    with django_assert_max_num_queries(2 * len(timeline.sources)):
        first = list(audit_page(page=1).object_list)
    second = list(audit_page(page=2).object_list)
    assert len(first) == PAGE_SIZE and len(second) == 20
    assert [e.who for e in first + second] == [f"user{m:03}" for m in reversed(range(70))]
    # Past the end is the last page, not an error.
    assert audit_page(page=99).number == 2
