"""The performance team's month: opening it, the summary's filters, restatements, Appendix A."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import ReportingMonth
from indicators.restatements import restatements
from indicators.summary import build_summary, filter_summary, is_exception
from tests.helpers import csv_bytes, imported

APRIL = datetime.date(2020, 4, 1)
# Every test here works on the sample, as the cast's officer.
pytestmark = pytest.mark.usefixtures("sample")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def open_form(framework_id: int, month: str, **dates: str) -> dict[str, object]:
    form = {
        "framework": framework_id,
        "month": month,
        "figures_due": "2020-05-08",
        "narratives_due": "2020-05-15",
        "signoff_due": "2020-05-22",
        "panel_date": "2020-06-01",
    }
    form.update(dates)
    return form


def test_an_officer_opens_a_month_with_its_timetable(officer_client, sample, officer):
    response = officer_client.post(reverse("indicators:months"), open_form(sample.pk, "April 2020"))
    assert response.status_code == 302
    month = ReportingMonth.objects.get(framework=sample)
    assert month.month == APRIL and month.panel_date == datetime.date(2020, 6, 1)
    assert month.opened_by == officer


@pytest.mark.parametrize(
    ("month", "dates", "message"),
    [
        ("Smarch 2020", {}, "is not a month"),
        ("2020-04", {"panel_date": "2020-05-01"}, "must not be before"),
        ("2020-04", {"figures_due": "2020-03-31"}, "figures are due after the month has begun"),
        ("2020-04", {"signoff_due": "not a date"}, "Enter a valid date"),
    ],
)
def test_a_bad_timetable_is_refused_and_nothing_opens(
    officer_client, sample, month, dates, message
):
    response = officer_client.post(
        reverse("indicators:months"), open_form(sample.pk, month, **dates)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReportingMonth.objects.exists()


def test_a_month_cannot_be_opened_twice(officer_client, sample):
    officer_client.post(reverse("indicators:months"), open_form(sample.pk, "2020-04"))
    response = officer_client.post(reverse("indicators:months"), open_form(sample.pk, "Apr-20"))
    assert "April 2020 is already open for Corporate Parenting" in response.content.decode()
    assert ReportingMonth.objects.count() == 1


def test_filters_and_exceptions(sample):
    summary = build_summary(sample, APRIL)
    reds = filter_summary(summary, rag="R")
    assert {row.reference for row in reds.rows} == {
        row.reference for row in summary.rows if row.rag and row.rag.value == "R"
    }
    assert "6.20" in {row.reference for row in reds.rows}  # 81.2% against a red of <95%
    unrated = filter_summary(summary, rag="none")
    assert all(row.rag is None for row in unrated.rows) and unrated.rows
    fostering = filter_summary(summary, section="FOSTERING")
    assert [row.reference for row in fostering.rows] == ["9.1", "9.2", "9.3", "9.4", "9.5"]
    exceptions = {row.reference for row in filter_summary(summary, exceptions_only=True).rows}
    # 6.10 is red and falling; 8.1 (62.6%) is below its SN average of 68.5%; 9.3 is rising with no
    # target; 6.1 (Info) rises, which is no decline.
    assert {"6.10", "8.1"} <= exceptions
    assert not {"9.3", "6.1"} & exceptions
    assert all(is_exception(row) for row in filter_summary(summary, exceptions_only=True).rows)


def test_a_rerun_of_a_reported_month_is_a_restatement(officer_client, sample, officer):
    ReportingMonth.objects.create(
        framework=sample,
        month=APRIL,
        figures_due="2020-05-08",
        narratives_due="2020-05-15",
        signoff_due="2020-05-22",
        panel_date="2020-06-01",
    )
    report = imported(
        "figures",
        "rerun.csv",
        csv_bytes([["indicator", "month", "value"], ["6.1", "2020-03", "597"]]),
        officer,
    )
    assert report.ok
    found = restatements(
        [row.indicator_id for row in build_summary(sample, APRIL).rows], [datetime.date(2020, 3, 1)]
    )
    (note,) = found.values()
    assert (note.old, note.new, note.source) == ("595", "597", "rerun.csv")
    page = officer_client.get(reverse("indicators:summary", args=[sample.pk, "2020-04"]))
    assert "Restated: was 595, now 597" in page.content.decode()


def test_appendix_a_is_a_workbook_with_escaped_cells(officer_client, sample):
    from indicators.models import Indicator

    Indicator.objects.filter(reference="6.1").update(title="=cmd|' /C calc'!A0")
    response = officer_client.get(reverse("indicators:appendix_a", args=[sample.pk, "2020-04"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    summary, figures = workbook.worksheets
    titles = [row[1] for row in summary.iter_rows(values_only=True)]
    assert "'=cmd|' /C calc'!A0" in titles
    assert figures.max_row == 1 + 43  # April's figures only: the first month of 2020/21
