"""Uploads: what is stored, what a confirm refuses, what a revert restores."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from indicators.importing.kinds.base import Context
from indicators.importing.pipeline import apply_plan
from indicators.importing.plan import NEW, Plan, PlannedRow
from indicators.importing.uploads import (
    UploadRefused,
    confirm_upload,
    receive_upload,
    revert_upload,
)
from indicators.models import Figure, FigureRevision, Indicator, Upload
from tests.helpers import csv_bytes, database_state, imported

RERUN = csv_bytes(
    [
        ["indicator", "month", "value"],
        ["6.1", "2020-04", "607"],
        ["6.1", "2020-03", "595"],
        ["6.1", "2020-05", "611"],
    ]
)


@pytest.fixture
def officer(sample):
    return get_user_model().objects.get(username="officer")


def figure(reference: str, month: str) -> Figure:
    return Figure.objects.get(indicator__reference=reference, month=f"{month}-01")


def test_an_upload_keeps_the_original_file_and_its_checksum(officer):
    before = database_state()
    upload = receive_upload("figures", "rerun.csv", RERUN, officer)
    assert upload.preview["counts"] == {"new": 1, "changed": 1, "unchanged": 1}
    assert upload.status == Upload.Status.PREVIEWED and upload.uploaded_by == officer
    assert (upload.new_rows, upload.changed_rows, upload.unchanged_rows) == (1, 1, 1)
    assert upload.checksum == hashlib.sha256(RERUN).hexdigest()
    with upload.file.open("rb") as stored:
        assert stored.read() == RERUN
    assert database_state() == before


def test_a_confirm_writes_exactly_the_preview_and_links_revisions(officer):
    upload = receive_upload("figures", "rerun.csv", RERUN, officer)
    result = confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer)
    assert result.done, result.message
    upload.refresh_from_db()
    assert upload.status == Upload.Status.APPLIED and upload.applied_at
    assert upload.applied_by == officer
    assert figure("6.1", "2020-04").value == 607
    assert set(upload.revisions.values_list("figure__month", flat=True)) == {
        figure("6.1", "2020-04").month,
        figure("6.1", "2020-05").month,
    }
    # A second confirm of the same upload is refused.
    again = confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer)
    assert not again.done and "only a previewed upload" in again.message


def test_a_confirm_with_another_checksum_writes_nothing(officer):
    upload = receive_upload("figures", "rerun.csv", RERUN, officer)
    before = database_state()
    result = confirm_upload(upload.pk, "0" * 64, upload.fingerprint, officer)
    assert not result.done and "does not match the one previewed" in result.message
    assert database_state() == before


def test_a_confirm_after_the_data_changed_writes_nothing(officer):
    upload = receive_upload("figures", "rerun.csv", RERUN, officer)
    # Someone else re-runs April meanwhile: the preview no longer says what a confirm would do.
    other = csv_bytes([["indicator", "month", "value"], ["6.1", "2020-04", "606"]])
    assert imported("figures", "other.csv", other, officer).ok
    before = database_state()
    result = confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer)
    assert (
        not result.done and "changed since this file was previewed (6.1 Apr-20)" in result.message
    )
    assert database_state() == before
    assert Upload.objects.get(pk=upload.pk).status == Upload.Status.PREVIEWED


def test_a_file_with_errors_is_refused_and_cannot_be_confirmed(officer):
    bad = csv_bytes([["indicator", "month", "value"], ["6.8", "2020-04", "105%"]])
    upload = receive_upload("figures", "bad.csv", bad, officer)
    assert upload.status == Upload.Status.REFUSED and upload.error_count == 1
    result = confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer)
    assert not result.done


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("figures.pdf", b"%PDF-1.4", "not a CSV or XLSX file"),
        ("figures.csv", b"x" * 2048, "the limit is"),
    ],
)
def test_wrong_type_or_size_is_refused_before_anything_is_stored(officer, name, content, message):
    with override_settings(UPLOAD_MAX_BYTES=1024), pytest.raises(UploadRefused, match=message):
        receive_upload("figures", name, content, officer)
    assert not Upload.objects.exists()


def test_the_upload_page_says_why_a_file_is_refused(client, officer):
    client.force_login(officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("indicators:uploads"),
        {"kind": "figures", "file": SimpleUploadedFile("empty.csv", b"indicator,month\n")},
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "has a header row but no rows of data" in text
    assert "Confirm and apply" not in text
    response = client.post(
        reverse("indicators:uploads"),
        {"kind": "figures", "file": SimpleUploadedFile("notes.txt", b"hello")},
    )
    assert "not a CSV or XLSX file" in response.content.decode()


def test_revert_restores_every_figure_the_upload_changed_and_nothing_else(officer):
    upload = receive_upload("figures", "rerun.csv", RERUN, officer)
    assert confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer).done
    untouched = figure("6.8", "2020-04").state()
    result = revert_upload(upload.pk, officer)
    assert result.done, result.message
    assert figure("6.1", "2020-04").value == Decimal("604")
    assert figure("6.1", "2020-03").value == Decimal("595")
    may = figure("6.1", "2020-05")
    assert (may.value, may.marker) == (None, "-")  # the new figure's history is kept
    assert figure("6.8", "2020-04").state() == untouched
    reverts = FigureRevision.objects.filter(source=f"revert of upload #{upload.pk}")
    assert reverts.count() == 2 and all(r.changed_by == officer for r in reverts)
    assert Upload.objects.get(pk=upload.pk).status == Upload.Status.REVERTED


def test_revert_refuses_when_a_figure_changed_again_since(officer):
    upload = receive_upload("figures", "rerun.csv", RERUN, officer)
    assert confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer).done
    later = csv_bytes([["indicator", "month", "value"], ["6.1", "2020-04", "608"]])
    assert imported("figures", "later.csv", later, officer).ok
    before = database_state()
    result = revert_upload(upload.pk, officer)
    assert not result.done and "6.1 Apr-20" in result.message
    assert database_state() == before


def test_only_figures_and_breakdowns_uploads_revert(officer):
    targets = csv_bytes([["indicator", "year", "green"], ["6.1", "2021/22", "n/a"]])
    upload = receive_upload("targets", "targets.csv", targets, officer)
    assert confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer).done
    result = revert_upload(upload.pk, officer)
    assert not result.done and "Only figures and breakdowns uploads" in result.message


def test_an_identical_file_already_applied_is_named_on_upload(officer):
    first = receive_upload("figures", "rerun.csv", RERUN, officer)
    assert confirm_upload(first.pk, first.checksum, first.fingerprint, officer).done
    again = receive_upload("figures", "rerun-again.csv", RERUN, officer)
    assert again.preview["identical"]["id"] == first.pk
    assert again.preview["counts"] == {"new": 0, "changed": 0, "unchanged": 3}


def test_an_upload_not_confirmed_in_time_expires_and_cannot_be_confirmed(officer, settings):
    upload = receive_upload("figures", "rerun.csv", RERUN, officer)
    Upload.objects.filter(pk=upload.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(hours=settings.UPLOAD_PREVIEW_HOURS + 1)
    )
    receive_upload("figures", "other.csv", RERUN, officer)  # any upload sweeps the stale ones
    assert Upload.objects.get(pk=upload.pk).status == Upload.Status.EXPIRED
    before = database_state()
    outcome = confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer)
    assert not outcome.done and "is expired" in outcome.message
    assert database_state() == before


def test_revert_restores_notes_numerators_and_precision(officer):
    first = csv_bytes(
        [
            ["indicator", "month", "value", "numerator", "denominator", "note"],
            ["6.8", "2020-04", "95.20%", "139", "146", "first note"],
        ]
    )
    upload = receive_upload("figures", "first.csv", first, officer)
    assert confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer).done
    before = figure("6.8", "2020-04").state()
    assert before == ("95.2", "", "139", "146", "first note", 2)
    later = csv_bytes(
        [
            ["indicator", "month", "value", "numerator", "denominator", "note"],
            ["6.8", "2020-04", "95.9", "140", "146", "late reviews"],
        ]
    )
    second = receive_upload("figures", "later.csv", later, officer)
    assert confirm_upload(second.pk, second.checksum, second.fingerprint, officer).done
    assert figure("6.8", "2020-04").note == "late reviews"
    assert revert_upload(second.pk, officer).done
    assert figure("6.8", "2020-04").state() == before
    assert figure("6.8", "2020-04").display == "95.20%"


def test_a_database_refusal_on_apply_is_a_message_and_writes_nothing(officer):
    """A plan the database cannot hold, made by hand (the importer refuses a duplicate row):
    the same figure twice breaks the one-figure-a-month constraint."""
    indicator = Indicator.objects.get(reference="6.1")
    may = (indicator.pk, "2020-05-01")
    state = ("611", "", None, None, "", 0)
    plan = Plan(
        kind="figures",
        file_name="hand.csv",
        rows=[
            PlannedRow(2, may, "6.1 May-20", NEW, None, state),
            PlannedRow(3, may, "6.1 May-20", NEW, None, state),
        ],
    )
    before = database_state()
    applied = apply_plan(plan, Context(actor=officer, source="hand.csv"))
    assert not applied.applied
    assert applied.message.startswith("The database refused the change, so nothing was written")
    assert database_state() == before


def test_the_upload_page_shows_a_refused_confirm(client, officer):
    client.force_login(officer)
    upload = receive_upload("figures", "rerun.csv", RERUN, officer)
    imported(
        "figures",
        "other.csv",
        csv_bytes([["indicator", "month", "value"], ["6.1", "2020-04", "606"]]),
        officer,
    )
    response = client.post(
        reverse("indicators:upload_confirm", args=[upload.pk]),
        {"checksum": upload.checksum, "fingerprint": upload.fingerprint},
        follow=True,
    )
    assert response.status_code == 200
    assert "changed since this file was previewed (6.1 Apr-20)" in response.content.decode()
