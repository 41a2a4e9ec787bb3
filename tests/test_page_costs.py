"""Costs that follow what a page shows, not the history behind it (bench/pages.py measures them).

The pages read a fixed number of queries however long the figures' history and revisions are;
restatements read and show one revision per figure; the summary and the quality checks read
only the months each indicator needs and still give what reading every month gives.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators import performance as perf
from indicators import quality, summary
from indicators.models import (
    Figure,
    FigureRevision,
    Framework,
    FrameworkSection,
    Indicator,
    ReportingMonth,
)
from indicators.months import months_with_figures
from indicators.quality import check_month
from indicators.restatements import restatements
from indicators.summary import build_summary

APRIL = datetime.date(2020, 4, 1)
TODAY = datetime.date(2020, 5, 26)
HISTORY_MONTHS = 40  # before the sample's first month, January 2020


@pytest.fixture
def officer_client(client, sample):
    client.force_login(get_user_model().objects.get(username="officer"))
    return client


def open_april(framework) -> ReportingMonth:
    month = ReportingMonth.objects.create(
        framework=framework,
        month=APRIL,
        figures_due="2020-05-08",
        narratives_due="2020-05-15",
        signoff_due="2020-05-22",
        panel_date="2020-06-01",
    )
    # Opened at the start of May, so that the re-runs below come after it.
    ReportingMonth.objects.filter(pk=month.pk).update(
        opened_at=datetime.datetime(2020, 5, 1, tzinfo=datetime.UTC)
    )
    return month


def add_history(months: int = HISTORY_MONTHS) -> None:
    """Figures for the ``months`` before each indicator's first, in the months it is due,
    drifting from its first value (now and then a jump), so that years to date, previous
    figures and usual moves have a past."""
    first: dict[int, Figure] = {}
    valued: dict[int, Decimal] = {}
    for figure in Figure.objects.select_related("indicator").order_by("month"):
        first.setdefault(figure.indicator_id, figure)
        if figure.value is not None:
            valued.setdefault(figure.indicator_id, figure.value)
    rows = []
    for indicator_id, figure in first.items():
        indicator = figure.indicator
        if indicator_id not in valued:
            continue
        due = quality.DUE_MONTHS[perf.Frequency(indicator.frequency)]
        earlier = reversed(perf.previous_months(figure.month, months + 1)[:-1])
        for back, month in enumerate(earlier):
            if month.month not in due:
                continue
            step = Decimal(back % 5) + (Decimal(12) if back % 11 == 7 else Decimal(0))
            value = max(Decimal(0), valued[indicator_id] - step)
            if indicator.kind_enum == perf.Kind.PERCENTAGE:
                value = min(value, Decimal(100))
            rows.append(
                Figure(
                    indicator=indicator,
                    month=month,
                    value=perf.round_to(value, indicator.decimals),
                    places=indicator.decimals,
                )
            )
    Figure.objects.bulk_create(rows)


def add_revisions(per_figure: int) -> None:
    """``per_figure`` re-runs of every figure, each after April was opened."""
    after = datetime.datetime(2020, 5, 2, tzinfo=datetime.UTC)
    FigureRevision.objects.bulk_create(
        FigureRevision(
            figure=figure,
            changed_at=after + datetime.timedelta(days=n),
            source=f"rerun-{n}.csv",
            old_value=figure.value,
            old_places=figure.places,
            new_value=figure.value,
            new_places=figure.places,
        )
        for figure in Figure.objects.all()
        for n in range(per_figure)
    )


def without_restatements(html: str) -> str:
    html = re.sub(r'<span class="visually-hidden"> \(Restated: [^)]*\)</span>', "", html)
    html = re.sub(r'<span class="restated" title="Restated: [^"]*">([^<]*)</span>', r"\1", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def queries_and_page(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_pages_read_as_many_queries_whatever_the_history_and_revisions(officer_client, sample):
    open_april(sample)
    urls = [
        reverse("indicators:summary", args=[sample.pk, "2020-04"]),
        reverse("indicators:quality", args=[sample.pk, "2020-04"]),
        reverse("indicators:section", args=[sample.pk, "2020-04", "LAC"]),
        reverse("indicators:indicator", args=["6.1"]),
    ]
    add_revisions(1)
    counts = [queries_and_page(officer_client, url)[0] for url in urls]
    add_history()
    before = [queries_and_page(officer_client, url) for url in urls]
    add_revisions(4)
    after = [queries_and_page(officer_client, url) for url in urls]
    assert [count for count, _ in before] == counts
    assert [count for count, _ in after] == counts
    # The same summary, every figure of its three months marked with its latest restatement.
    (_, summary_before), (_, summary_after) = before[0], after[0]
    shown = Figure.objects.filter(
        month__in=perf.previous_months(APRIL, 3),
        indicator__section__frameworks=sample,
        indicator__retired=False,
    ).count()
    assert summary_after.count('class="restated" title=') == shown
    assert summary_after.count("from rerun-3.csv") == 2 * shown  # title and hidden text
    assert without_restatements(summary_after) == without_restatements(summary_before)


def test_a_figure_restated_twice_shows_only_its_latest_restatement(officer_client, sample):
    open_april(sample)
    figure = Figure.objects.get(indicator__reference="6.1", month=APRIL)
    for n, (old, new) in enumerate([(figure.value, 610), (610, 612)], start=1):
        FigureRevision.objects.create(
            figure=figure,
            changed_at=timezone.make_aware(datetime.datetime(2020, 5, 1 + n)),
            source=f"rerun-{n}.csv",
            old_value=old,
            new_value=new,
            old_places=0,
            new_places=0,
        )
    found = restatements([figure.indicator_id], [APRIL])
    assert list(found) == [(figure.indicator_id, APRIL)]
    note = found[(figure.indicator_id, APRIL)]
    assert (note.old, note.new, note.source) == ("610", "612", "rerun-2.csv")
    page = officer_client.get(reverse("indicators:summary", args=[sample.pk, "2020-04"]))
    html = page.content.decode()
    assert "Restated: was 610, now 612" in html and "now 610" not in html
    # A revision changed before the month was opened restates nothing.
    FigureRevision.objects.filter(figure=figure).update(
        changed_at=datetime.datetime(2020, 4, 20, tzinfo=datetime.UTC)
    )
    assert restatements([figure.indicator_id], [APRIL]) == {}


def everything_before(*args: object) -> datetime.date:
    return datetime.date(1900, 1, 1)


MONTHS = perf.previous_months(APRIL, 13)


def test_the_summary_reads_only_the_months_it_needs_and_shows_what_every_month_gives(
    sample, monkeypatch
):
    add_history()
    narrowed = [build_summary(sample, month) for month in MONTHS]
    monkeypatch.setattr(summary, "first_month_needed", everything_before)
    assert narrowed == [build_summary(sample, month) for month in MONTHS]
    # Years to date, termly previous figures and DOTs are among what it compared.
    rows = [row for one in narrowed for row in one.rows]
    assert any(row.ytd.value is not None for row in rows)
    assert any(row.dot is not None and row.frequency != perf.Frequency.MONTHLY for row in rows)


def test_the_quality_checks_read_only_the_months_they_need_and_find_what_every_month_gives(
    sample, monkeypatch
):
    add_history()
    narrowed = [check_month(sample, month, TODAY) for month in MONTHS]
    monkeypatch.setattr(quality, "first_month_checked", everything_before)
    assert narrowed == [check_month(sample, month, TODAY) for month in MONTHS]
    checks = {issue.check for issues in narrowed for issue in issues}
    assert quality.Check.UNUSUAL_MOVE in checks


@pytest.mark.parametrize(
    ("frequency", "months_back"),
    [
        (perf.Frequency.MONTHLY, quality.HISTORY_MONTHS + 1),
        (perf.Frequency.TERMLY, quality.SPARSE_HISTORY_MONTHS),
        (perf.Frequency.QUARTERLY, quality.SPARSE_HISTORY_MONTHS),
    ],
)
def test_the_quality_checks_read_a_window_by_frequency(sample, frequency, months_back):
    indicator = Indicator(frequency=frequency.value)
    first = quality.first_month_checked(indicator, APRIL)
    assert first == perf.previous_months(APRIL, months_back + 1)[0]


def figure_months_read_plainly(framework: Framework) -> set[datetime.date]:
    """Every figure of the framework read, as the skip scan must not need to."""
    return set(
        Figure.objects.filter(indicator__section__frameworks=framework).values_list(
            "month", flat=True
        )
    )


def test_the_month_links_are_each_frameworks_months_with_figures_or_opened(samples):
    """``months_with_figures`` (the summary's month links) finds a framework's months by a skip
    scan of the month index: the same months as reading every figure, newest first, the two
    samples' months kept apart, a section shared by both counted for both."""
    board = samples
    corporate = Framework.objects.get(name="Corporate Parenting")
    assert months_with_figures(corporate) == [
        datetime.date(2020, month, 1) for month in (4, 3, 2, 1)
    ]
    for framework in (corporate, board):
        assert months_with_figures(framework) == sorted(
            figure_months_read_plainly(framework), reverse=True
        )
    assert not set(months_with_figures(corporate)) & set(months_with_figures(board))

    # A month opened without figures is listed too.
    open_april(board)
    assert months_with_figures(board)[0] == APRIL

    # A corporate section printed by the board as well: its figures' months are the board's.
    shared = corporate.ordered_sections().first()
    assert shared is not None
    FrameworkSection.objects.create(framework=board, section=shared, order=99)
    assert set(months_with_figures(board)) == figure_months_read_plainly(board) | {APRIL}
    assert set(months_with_figures(corporate)) <= set(months_with_figures(board))

    # A framework without indicators has only its opened months.
    empty = Framework.objects.create(name="Nothing yet")
    assert months_with_figures(empty) == []
