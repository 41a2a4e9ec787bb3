"""Breakdown tables in: the `breakdowns` kind keeps the figures' rules, history and revert, and
the indicator page prints a table per dimension (formats.md, seed 004)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from indicators.exports import export_dataset, render
from indicators.importing.uploads import confirm_upload, receive_upload, revert_upload
from indicators.models import Breakdown, BreakdownRevision, Framework, Upload
from indicators.samples import BOARD
from tests.helpers import csv_bytes, database_state, imported
from tests.test_imports import errors_of
from tests.xlsx import workbook

HEADER = ["indicator", "month", "dimension", "category", "value", "numerator", "denominator"]


def breakdowns_file(*rows: list[object]) -> bytes:
    return csv_bytes([HEADER, *rows])


def cell(reference: str, month: str, dimension: str, category: str) -> Breakdown:
    return Breakdown.objects.get(
        indicator__reference=reference,
        month=f"{month}-01",
        dimension=dimension,
        category=category,
    )


@pytest.fixture
def officer(samples):
    return get_user_model().objects.get(username="officer")


def test_a_breakdowns_file_keeps_each_cell_as_written_in_its_order(samples):
    plan = imported(
        "breakdowns",
        "july.csv",
        breakdowns_file(
            ["4.01.02", "2017-07", "Gender", "Female", "37.5%", "6", "16"],
            ["4.01.02", "2017-07", "Gender", "Male", "", "10", "16"],
            ["4.01.02", "2017-07", "Disability", "Yes", "12.50%", "", ""],
            ["4.01.02", "2017-07", "Disability", "No", "TBC", "", ""],
            ["4.05.03", "Jul-17", "Reason", "Carer Approval Changed", "2", "", ""],
        ),
    )
    assert plan.ok, plan.errors
    assert plan.counts == {"new": 5, "changed": 0, "unchanged": 0}
    female = cell("4.01.02", "2017-07", "Gender", "Female")
    assert (female.value, female.places, female.numerator, female.denominator) == (
        Decimal("37.5"),
        1,
        6,
        16,
    )
    assert female.display_with_count == "37.5% (6)"
    male = cell("4.01.02", "2017-07", "Gender", "Male")
    assert (male.value, male.places) == (Decimal("62.5"), 1)  # worked out, to its decimals
    yes = cell("4.01.02", "2017-07", "Disability", "Yes")
    assert (yes.value, yes.places, yes.display) == (Decimal("12.5"), 2, "12.50%")
    assert cell("4.01.02", "2017-07", "Disability", "No").marker == "TBC"
    # A category already printed keeps its place; a new one goes after the indicator's rows.
    june_female = cell("4.01.02", "2017-06", "Gender", "Female")
    assert female.order == june_female.order
    last = max(
        Breakdown.objects.filter(indicator=female.indicator, month__lt="2017-07-01").values_list(
            "order", flat=True
        )
    )
    assert (yes.order, cell("4.01.02", "2017-07", "Disability", "No").order) == (
        last + 1,
        last + 2,
    )
    assert BreakdownRevision.objects.filter(source="july.csv", is_new=True).count() == 5


BAD_ROWS = [
    (["9.99", "2017-07", "Gender", "Female", "5", "", ""], "indicator", "unknown indicator"),
    (["4.01.02", "2017-13", "Gender", "Female", "5%", "", ""], "month", "is not a month"),
    (["4.01.02", "2017-07", "Gender", "Female", "105%", "", ""], "value", "above 100%"),
    (["4.01.02", "2017-07", "Gender", "Female", "", "18", "17"], "numerator", "above the"),
    (["4.01.02", "2017-07", "Gender", "Female", "90.0%", "7", "17"], "value", "disagrees"),
    (["4.01.02", "2017-07", "", "Female", "41.2%", "", ""], "dimension", "is required"),
    (["4.01.02", "2017-07", "Gender", "", "41.2%", "", ""], "category", "is required"),
    (["4.01.02", "2017-07", "Gen\nder", "Female", "41.2%", "", ""], "dimension", "line break"),
    (["4.05.03", "2017-07", "Reason", "Other", "-1", "", ""], "value", "negative"),
    (["4.05.03", "2017-07", "Reason", "Other", "1.5", "", ""], "value", "not a whole number"),
    (["4.01.02", "2017-07", "Gender", "Female", "", "", ""], "value", "no figure"),
    (["4.01.02", "2017-07", "Gender", "Female", "abc", "", ""], "value", "is not a number"),
]


@pytest.mark.parametrize(("row", "column", "message"), BAD_ROWS)
def test_a_bad_breakdown_row_names_row_column_and_reason_and_writes_nothing(
    samples, row, column, message
):
    good = ["4.01.02", "2017-07", "Gender", "Male", "58.8%", "10", "17"]
    errors = errors_of("breakdowns", "bad.csv", breakdowns_file(good, row))
    assert [(e.row, e.column) for e in errors] == [(3, column)]
    assert message in errors[0].message


def test_the_same_cell_twice_in_one_file_is_refused(samples):
    row = ["4.01.02", "2017-07", "Gender", "Male", "58.8%", "10", "17"]
    errors = errors_of("breakdowns", "twice.csv", breakdowns_file(row, row))
    assert [(e.row, e.column) for e in errors] == [(3, "category")]
    assert "duplicate indicator + month + dimension + category" in errors[0].message


def test_missing_columns_name_the_expected_ones(samples):
    content = csv_bytes([["indicator", "month", "value"], ["4.01.02", "2017-07", "5%"]])
    errors = errors_of("breakdowns", "short.csv", content)
    assert {e.column for e in errors} == {"dimension", "category"}
    assert "expected columns for breakdowns: indicator, month, dimension, category" in (
        errors[0].message
    )


def test_a_rerun_changes_only_what_differs_and_keeps_each_change(samples, officer):
    before = cell("4.01.02", "2017-06", "Gender", "Female")
    content = breakdowns_file(
        ["4.01.02", "2017-06", "Gender", "Female", "47.1%", "8", "17"],
        ["4.01.02", "2017-06", "Gender", "Male", "58.8%", "10", "17"],
    )
    plan = imported("breakdowns", "rerun-june.csv", content, officer)
    assert plan.counts == {"new": 0, "changed": 1, "unchanged": 1}
    after = cell("4.01.02", "2017-06", "Gender", "Female")
    assert (after.pk, after.value, after.numerator) == (before.pk, Decimal("47.1"), 8)
    revision = after.revisions.get(source="rerun-june.csv")
    assert (revision.old_value, revision.old_numerator, revision.new_value) == (
        Decimal("41.2"),
        7,
        Decimal("47.1"),
    )
    assert revision.changed_by == officer and not revision.is_new
    assert (revision.old_display, revision.new_display) == ("41.2%", "47.1%")
    male = cell("4.01.02", "2017-06", "Gender", "Male")
    assert not male.revisions.filter(source="rerun-june.csv").exists()


def test_reverting_an_upload_restores_every_cell_and_keeps_the_history(samples, officer):
    content = breakdowns_file(
        ["4.01.02", "2017-06", "Gender", "Female", "47.1%", "8", "17"],
        ["4.01.02", "2017-07", "Gender", "Female", "37.5%", "6", "16"],
    )
    upload = receive_upload("breakdowns", "fix.csv", content, officer)
    assert confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer).done
    assert upload.breakdown_revisions.count() == 2
    outcome = revert_upload(upload.pk, officer)
    assert outcome.done, outcome.message
    june = cell("4.01.02", "2017-06", "Gender", "Female")
    assert (june.value, june.numerator, june.denominator, june.places) == (
        Decimal("41.2"),
        7,
        17,
        1,
    )
    july = cell("4.01.02", "2017-07", "Gender", "Female")
    assert (july.value, july.marker, july.numerator) == (None, "-", None)
    assert BreakdownRevision.objects.filter(source=f"revert of upload #{upload.pk}").count() == 2
    upload.refresh_from_db()
    assert upload.status == Upload.Status.REVERTED


def test_a_revert_is_refused_when_a_cell_changed_again_since(samples, officer):
    first = breakdowns_file(["4.01.02", "2017-06", "Gender", "Female", "47.1%", "8", "17"])
    upload = receive_upload("breakdowns", "first.csv", first, officer)
    assert confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer).done
    imported(
        "breakdowns",
        "second.csv",
        breakdowns_file(["4.01.02", "2017-06", "Gender", "Female", "52.9%", "9", "17"]),
    )
    before = database_state()
    outcome = revert_upload(upload.pk, officer)
    assert not outcome.done and "4.01.02 Jun-17 Gender: Female" in outcome.message
    assert database_state() == before


def test_an_xlsx_as_excel_saves_it_is_read_as_excel_shows_it(samples):
    content = workbook(
        [
            HEADER,
            ["4.01.02", datetime.datetime(2017, 7, 1), "Gender", "Female", 0.375, 6, 16],
            ["4.01.02", "2017-07", "Gender", "Male", 0.625, 10, 16],
            ["4.05.03", datetime.datetime(2017, 7, 1), "Reason", "Carer Approval Changed", 2],
        ],
        {"B2": "mmm-yy", "E2": "0.0%", "E3": "0.00%", "B4": "mmm-yy", "E4": "0"},
    )
    plan = imported("breakdowns", "july.xlsx", content)
    assert plan.ok, plan.errors
    female = cell("4.01.02", "2017-07", "Gender", "Female")
    assert (female.value, female.places) == (Decimal("37.5"), 1)
    male = cell("4.01.02", "2017-07", "Gender", "Male")
    assert (male.value, male.places, male.display) == (Decimal("62.5"), 2, "62.50%")
    assert cell("4.05.03", "2017-07", "Reason", "Carer Approval Changed").value == 2


def test_the_board_export_holds_the_sample_file_and_imports_back_unchanged(samples, tmp_path):
    board = Framework.objects.get(name=BOARD.framework)
    exported = export_dataset("breakdowns", board)
    sample_rows = (BOARD.folder / "breakdowns.csv").read_text(encoding="utf-8").splitlines()[1:]
    # The file writes percentages with their sign; the export writes the number as written.
    expected = {line.replace("%", "") for line in sample_rows}
    assert {",".join(str(c) for c in row) for row in exported} == expected
    output = tmp_path / "breakdowns.csv"
    call_command(
        "export_data", "breakdowns", "--framework", BOARD.framework, "--output", str(output)
    )
    before = database_state()
    out = io.StringIO()
    call_command("import_data", "breakdowns", str(output), stdout=out)
    assert "0 new, 0 changed, 570 unchanged" in out.getvalue()
    assert database_state() == before
    xlsx = render(exported, "breakdowns.xlsx")
    assert imported("breakdowns", "breakdowns.xlsx", xlsx).counts["unchanged"] == 570


def test_an_export_in_a_new_database_prints_its_tables_in_the_same_order(samples):
    """The export is in print order: imported afresh, each category keeps its place."""
    board = Framework.objects.get(name=BOARD.framework)
    content = render(export_dataset("breakdowns", board), "b.csv")
    orders = dict(
        ((r, d, c), o)
        for r, d, c, o in Breakdown.objects.values_list(
            "indicator__reference", "dimension", "category", "order"
        )
    )
    Breakdown.objects.all().delete()
    imported("breakdowns", "b.csv", content)
    again = dict(
        ((r, d, c), o)
        for r, d, c, o in Breakdown.objects.values_list(
            "indicator__reference", "dimension", "category", "order"
        )
    )
    assert again == orders


def test_the_upload_page_offers_breakdowns_and_previews_them(client, officer):
    client.force_login(officer)
    page = client.get(reverse("indicators:uploads")).content.decode()
    assert 'value="breakdowns"' in page
    content = breakdowns_file(["4.01.02", "2017-06", "Gender", "Female", "47.1%", "8", "17"])
    response = client.post(
        reverse("indicators:uploads"),
        {"kind": "breakdowns", "file": SimpleUploadedFile("fix.csv", content)},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "4.01.02 Jun-17 Gender: Female" in html and "47.1%" in html
    upload = Upload.objects.get(kind="breakdowns")
    confirm_upload(upload.pk, upload.checksum, upload.fingerprint, officer)
    page = client.get(reverse("indicators:upload", args=[upload.pk])).content.decode()
    assert "Revert this upload" in page and "Gender: Female" in page


def test_the_indicator_page_prints_a_table_per_dimension(client, officer):
    client.force_login(officer)
    html = client.get(reverse("indicators:indicator", args=["4.01.02"])).content.decode()
    tables = html.split("<caption>")[1:]
    captions = [table.split("</caption>")[0] for table in tables]
    assert captions[:3] == ["Gender", "Ethnicity", "Age Range"]
    assert '<th scope="row">Female</th>' in tables[0]
    assert "41.2% (7)" in tables[0] and "Jun-17" in tables[0]


def test_changing_a_cell_in_the_admin_keeps_a_revision_and_keeps_the_rules(client, officer):
    client.force_login(officer)
    female = cell("4.01.02", "2017-06", "Gender", "Female")
    url = reverse("admin:indicators_breakdown_change", args=[female.pk])
    form = {
        "indicator": female.indicator_id,
        "month": female.month.isoformat(),
        "dimension": "Gender",
        "category": "Female",
        "order": female.order,
        "value": "47.10",
        "marker": "",
        "numerator": "8",
        "denominator": "17",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
    }
    assert client.get(reverse("admin:indicators_breakdown_changelist")).status_code == 200
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    revision = female.revisions.get(source="admin")
    assert (revision.old_value, revision.new_value, revision.new_places) == (
        Decimal("41.2"),
        Decimal("47.1"),
        2,
    )
    assert revision.changed_by == officer
    refused = client.post(url, {**form, "value": "105", "numerator": "", "denominator": ""})
    assert refused.status_code == 200 and "above 100%" in refused.content.decode()
    assert cell("4.01.02", "2017-06", "Gender", "Female").value == Decimal("47.1")


@pytest.mark.parametrize("model", ["breakdown", "breakdownrevision", "framework"])
def test_the_admin_lists_searches_and_shows_breakdowns_and_frameworks(client, officer, model):
    client.force_login(officer)
    url = reverse(f"admin:indicators_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "Female"}).status_code == 200
    obj = apps.get_model("indicators", model).objects.order_by("-pk").first()
    assert client.get(reverse(f"admin:indicators_{model}_change", args=[obj.pk])).status_code == 200
    # The history is the product's: an officer reads it and never edits it.
    if model == "breakdownrevision":
        assert not officer.has_perm("indicators.change_breakdownrevision")
