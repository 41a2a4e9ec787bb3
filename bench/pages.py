"""What the summary, quality and indicator pages cost at 1,000 indicators x 10 years, with one
revision per figure and with five.

Run by hand, never by the tests (PostgreSQL only: the database ``cpp_bench_pages`` is dropped and
created again, whatever name the URL gives):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpp_bench_pages \
        .venv/bin/python bench/pages.py [--runs 7] [--indicators 1000]

It makes one framework of ten sections and ``--indicators`` indicators (half counts, half
percentages with numerator and denominator; one in ten termly, one in ten quarterly, the rest
monthly; one in four with a financial-year YTD, the rest as at month end), 120 months of figures
(April 2011 to March 2021; termly and quarterly indicators only in the months they are due),
a target, five outturns and four benchmarks each, and a reporting month
opened 40 days after each month's end. The figures go in through ``COPY``, the revisions through
one ``INSERT ... SELECT``: first one revision per figure (its import), then five (the import and
four re-runs before the month's report was opened: the same pages), then five again with the
last re-run after the report (every figure of the summary's three months marked restated).

At each size it requests, as a signed-in performance officer through Django's test client (the
whole request: middleware, view, template), the March 2021 summary and quality pages and one
monthly indicator's page, once to warm up and then ``--runs`` times, and prints the median server
time and the number of queries of one request. It also times the parts of the summary page
alone. It imports ``cpp.wsgi`` first, as a server process does (the WSGI module freezes what
start-up loaded out of the garbage collector's way).
The summary page is compared between the sizes: only the restatement marks may differ.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from upload_figures import fresh_database, setup_django  # bench/ is not a package

BENCH_DATABASE = "cpp_bench_pages"
MONTH = datetime.date(2021, 3, 1)
FIRST_MONTH = datetime.date(2011, 4, 1)
MONTHS = 120
SECTIONS = 10
OPENED_AFTER_DAYS = 40


def frequency_of(number: int) -> str:
    return {3: "termly", 7: "quarterly"}.get(number % 10, "monthly")


def is_percentage(number: int) -> bool:
    return number % 2 == 1


def all_months() -> list[datetime.date]:
    months, year, month = [], FIRST_MONTH.year, FIRST_MONTH.month
    for _ in range(MONTHS):
        months.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def make_catalogue(indicators: int) -> Any:
    """The framework, its sections and indicators, targets, outturns, benchmarks and months."""
    from django.db import connection

    from indicators import performance as perf
    from indicators.models import (
        Benchmark,
        Framework,
        FrameworkSection,
        Indicator,
        Outturn,
        ReportingMonth,
        Section,
        Target,
    )

    framework = Framework.objects.create(name="Bench", key="bench")
    sections = Section.objects.bulk_create(
        Section(code=f"bench-{n}", title=f"Bench section {n}") for n in range(1, SECTIONS + 1)
    )
    FrameworkSection.objects.bulk_create(
        FrameworkSection(framework=framework, section=section, order=n)
        for n, section in enumerate(sections, start=1)
    )
    rows = Indicator.objects.bulk_create(
        Indicator(
            reference=f"B.{n:04d}",
            title=f"Bench indicator {n}",
            section=sections[n % SECTIONS],
            polarity="High" if is_percentage(n) else "Low",
            unit="Percentage" if is_percentage(n) else "Count",
            kind=perf.Kind.PERCENTAGE if is_percentage(n) else perf.Kind.COUNT,
            aggregation=perf.Aggregation.FINANCIAL_YEAR
            if n % 4 == 0
            else perf.Aggregation.SNAPSHOT,
            frequency=frequency_of(n),
            decimals=1 if is_percentage(n) else 0,
            order=n,
        )
        for n in range(1, indicators + 1)
    )
    targets = []
    for n, indicator in enumerate(rows, start=1):
        target = Target(indicator=indicator, year=2020, red="<50" if n % 2 else ">80")
        target.green = ">=70" if n % 2 else "<=60"
        target.apply_thresholds(target.parse())
        targets.append(target)
    Target.objects.bulk_create(targets)
    Outturn.objects.bulk_create(
        Outturn(indicator=indicator, year=year, value=Decimal(40 + year % 7), places=0)
        for indicator in rows
        for year in range(2015, 2020)
    )
    Benchmark.objects.bulk_create(
        Benchmark(indicator=indicator, measure=measure.value, value=Decimal(50 + i), year="2019")
        for indicator in rows
        for i, measure in enumerate(perf.Measure)
    )
    ReportingMonth.objects.bulk_create(
        ReportingMonth(
            framework=framework,
            month=month,
            figures_due=month,
            narratives_due=month,
            signoff_due=month,
            panel_date=month,
        )
        for month in all_months()
    )
    with connection.cursor() as cursor:
        # auto_now_add stamped them all now: open each month 40 days after its end instead.
        cursor.execute(
            "UPDATE indicators_reportingmonth SET opened_at = "
            "(month + interval '1 month' + %s * interval '1 day')",
            [OPENED_AFTER_DAYS],
        )
    return framework, rows


def copy_figures(indicators: list[Any]) -> int:
    """Every due month of every indicator, through COPY."""
    from django.db import connection

    from indicators.quality import is_due

    now = datetime.datetime.now(datetime.UTC)
    written = 0
    columns = "indicator_id, month, value, places, marker, numerator, denominator, note, updated_at"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY indicators_figure ({columns}) FROM STDIN") as copy:
            for number, indicator in enumerate(indicators, start=1):
                for index, month in enumerate(all_months()):
                    if not is_due(indicator.frequency, month):
                        continue
                    row: tuple[Decimal, int, str, int | None, int | None]
                    if is_percentage(number):
                        denominator = 40 + (number + index) % 20
                        numerator = (number * 7 + index * 3) % denominator
                        value = (Decimal(100 * numerator) / denominator).quantize(Decimal("0.1"))
                        row = (value, 1, "", numerator, denominator)
                    else:
                        row = (Decimal(20 + (number * 7 + index * 3) % 60), 0, "", None, None)
                    copy.write_row((indicator.id, month, *row, "", now))
                    written += 1
    return written


def write_revisions(per_figure: int, restated: bool) -> int:
    """``per_figure`` revisions of every figure, each changing its value by one: its import 10
    days after the month's end, then re-runs 5 days apart, all before the month's report was
    opened (so none restates a figure); when ``restated``, the last re-run 60 days after the
    month's end instead, after the report (so every figure shown is marked restated)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM indicators_figurerevision")
        cursor.execute(
            """
            INSERT INTO indicators_figurerevision (
                figure_id, changed_at, source, is_new,
                old_value, old_marker, old_numerator, old_denominator, old_note, old_places,
                new_value, new_marker, new_numerator, new_denominator, new_note, new_places)
            SELECT f.id,
                   f.month + interval '1 month' + CASE
                       WHEN %(restated)s AND n = %(last)s AND n > 1 THEN 60
                       ELSE 10 + (n - 1) * 5 END * interval '1 day',
                   'bench-' || n || '.csv', n = 1,
                   CASE WHEN n > 1 THEN f.value - (%(last)s - n + 1) END, '',
                   CASE WHEN n > 1 THEN f.numerator END, CASE WHEN n > 1 THEN f.denominator END,
                   '', CASE WHEN n > 1 THEN f.places END,
                   f.value - (%(last)s - n), '', f.numerator, f.denominator, '', f.places
            FROM indicators_figure f, generate_series(1, %(last)s) n
            """,
            {"last": per_figure, "restated": restated},
        )
        written = cursor.rowcount
        cursor.execute("ANALYZE")
    return written


def officer_client() -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.roles import Role, ensure_roles

    groups = ensure_roles()
    user = get_user_model().objects.create_user("bench-officer", "bench@example.org")
    user.groups.add(groups[Role.PERFORMANCE_OFFICER])
    client = Client()
    client.force_login(user)
    return client


def measure(call: Callable[[], Any], runs: int) -> tuple[float, float, int, Any]:
    """The median wall and CPU seconds of ``runs`` calls after a warm-up, the queries of one,
    its result. CPU is this process's (Python, templates), not the database server's: on a
    shared machine it varies less than the wall time."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    # The log keeps its last 9,000 queries (the migrations filled it): empty it, or a full log
    # would count none.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        result = call()
    count = len(queries)  # now: the log is read when asked, and a request may empty it
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), statistics.median(cpu), count, result


def page(client: Any, url: str) -> Callable[[], bytes]:
    def get() -> bytes:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.content

    return get


Timing = tuple[float, float, int]  # median wall seconds, median CPU seconds, queries


def measure_size(
    framework: Any, reference: str, client: Any, runs: int
) -> tuple[dict[str, Timing], bytes]:
    from django.urls import reverse

    from indicators import performance as perf
    from indicators.months import months_with_figures
    from indicators.quality import check_month
    from indicators.restatements import restatements
    from indicators.summary import build_summary

    key = perf.month_key(MONTH)
    summary = build_summary(framework, MONTH)
    ids = [row.indicator_id for row in summary.rows]
    calls: dict[str, Callable[[], Any]] = {
        "summary page": page(client, reverse("indicators:summary", args=[framework.pk, key])),
        "quality page": page(client, reverse("indicators:quality", args=[framework.pk, key])),
        "indicator page": page(client, reverse("indicators:indicator", args=[reference])),
        "  build_summary": lambda: build_summary(framework, MONTH),
        "  restatements": lambda: restatements(ids, summary.months),
        "  months_with_figures": lambda: months_with_figures(framework),
        "  check_month": lambda: check_month(framework, MONTH, MONTH),
    }
    results: dict[str, Timing] = {}
    summary_html = b""
    for label, call in calls.items():
        seconds, cpu, queries, result = measure(call, runs)
        results[label] = (seconds, cpu, queries)
        if label == "summary page":
            summary_html = result
    return results, summary_html


def without_restatements(html: bytes) -> str:
    """The page with its restatement marks and the CSRF token taken out."""
    text = html.decode()
    text = re.sub(r'<span class="visually-hidden"> \(Restated: [^)]*\)</span>', "", text)
    text = re.sub(r'<span class="restated" title="Restated: [^"]*">([^<]*)</span>', r"\1", text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each page")
    parser.add_argument("--indicators", type=int, default=1000)
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL server (the database is cpp_bench_pages)")
    setup_django(fresh_database(url, BENCH_DATABASE))
    from django.conf import settings
    from django.core.signals import request_started
    from django.db import reset_queries

    import cpp.wsgi  # noqa: F401  as a server process starts: the WSGI module's set-up, gc.freeze

    # As in production, DEBUG off; the test client's host allowed. Not setup_test_environment:
    # its instrumented template rendering copies the context at every include for the client.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    # Each request would otherwise empty the query log that CaptureQueriesContext reads.
    request_started.disconnect(reset_queries)

    start = time.perf_counter()
    framework, indicators = make_catalogue(options.indicators)
    figures = copy_figures(indicators)
    print(f"{len(indicators)} indicators, {figures} figures in {time.perf_counter() - start:.1f} s")
    client = officer_client()
    sizes = {
        "1 revision": (1, False),
        "5, none restated": (5, False),
        "5, last restated": (5, True),
    }
    table: dict[str, dict[str, Timing]] = {}
    pages: dict[str, str] = {}
    for name, (per_figure, restated) in sizes.items():
        start = time.perf_counter()
        revisions = write_revisions(per_figure, restated)
        print(f"{name}: {revisions} revisions in {time.perf_counter() - start:.1f} s")
        table[name], html = measure_size(framework, indicators[0].reference, client, options.runs)
        pages[name] = without_restatements(html)
        marks = html.decode().count('class="restated" title=')
        print(f"  the summary shows {marks} restated figures")
    print(
        f"\nmedian of {options.runs} runs: server time ms (this process's CPU ms), queries of one"
    )
    print(f"{'':<22}" + "".join(f"{name:>24}" for name in sizes) + f"{'5 / 1':>7}")
    for label in table["1 revision"]:
        cells = "".join(
            f"{f'{wall * 1000:.0f} ({cpu * 1000:.0f}) {queries} q':>24}"
            for wall, cpu, queries in (table[name][label] for name in sizes)
        )
        growth = table["5, none restated"][label][0] / table["1 revision"][label][0]
        print(f"{label:<22}{cells}{growth:>7.2f}")
    same = len(set(pages.values())) == 1
    print(f"\nsummary page equal at every size but for restatement marks: {same}")


if __name__ == "__main__":
    main()
