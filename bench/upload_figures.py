"""How fast a figures upload validates and writes, against a plain ``bulk_create``.

Run by hand, never by the tests:

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/upload_figures.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpp_bench \
        .venv/bin/python bench/upload_figures.py

It starts from an empty database of its own (SQLite: the file is deleted and migrated again;
PostgreSQL: the database ``cpp_bench`` is dropped and created, whatever name the URL gives),
creates 100 indicators (half Count, half Percentage) through the real importers and then times,
with the queries of the default connection counted:

  a. upload: ``receive_upload`` of 12,000 new rows (validate, store the file, preview);
  b. confirm: ``confirm_upload`` of it (12,000 figures and 12,000 revisions written);
  c. re-run: ``confirm_upload`` of a file changing every value (12,000 figures updated,
     12,000 more revisions);
  d. baseline: ``Figure.objects.bulk_create`` of the same 12,000 figures into an emptied table
     (objects built beforehand, so only the insert is timed);
  e. floor: the same figures and a revision for each, written the way b writes them
     (``Figure.insert_new``: COPY on PostgreSQL, one INSERT from JSON on SQLite; then
     ``FigureRevision.write_many``), with no parsing or validation: the fastest b could be.
     (Before b wrote that way, e was ``bulk_create`` of the figures and of the revisions.)

Each step runs ``--repeat`` times (default 3) and the fastest run is shown; then everything again
at a tenth of the rows (1,200) to show whether the number of queries follows the rows.
Options: ``--indicators N`` (default 100), ``--months N`` (default 120), ``--repeat N``.
``--alternate N`` then runs b and d one after the other N times and prints their medians: on a
noisy machine (±20%) a steadier comparison than the fastest of each.
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import os
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "cpp_bench"
FORBIDDEN_DATABASES = {"test", "test_test", "postgres", "template0", "template1"}


# -- a fresh database ---------------------------------------------------------------------------


def fresh_database(url: str) -> str:
    """Empty the benchmark's own database and return the URL Django should use."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        import dj_database_url

        path = Path(dj_database_url.parse(url)["NAME"])
        if path.resolve() == (ROOT / "cpp.sqlite3").resolve():
            sys.exit(f"refusing to delete the project's own database {path}")
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return url
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit(f"unsupported DATABASE_URL scheme '{parts.scheme}'")
    import psycopg

    assert BENCH_DATABASE not in FORBIDDEN_DATABASES
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')
        connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return urlunsplit((parts.scheme, parts.netloc, f"/{BENCH_DATABASE}", "", ""))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "cpp.settings"
    os.environ.setdefault("CONN_MAX_AGE", "0")
    # Uploaded files are stored; keep the benchmark's out of the project's media folder.
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="cpp-bench-media-"))
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


# -- the files ----------------------------------------------------------------------------------


def csv_bytes(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def reference(number: int) -> str:
    return f"B.{number:03d}"


def is_percentage(number: int) -> bool:
    return number % 2 == 1


def catalogue_files(indicators: int) -> tuple[bytes, bytes]:
    sections = [["framework", "code", "title", "order"]]
    sections += [["Bench", f"BENCH-{n}", f"Bench section {n}", str(n)] for n in range(1, 6)]
    rows: list[list[object]] = [
        ["reference", "title", "section", "polarity", "unit", "aggregation", "decimals"]
    ]
    for number in range(1, indicators + 1):
        percentage = is_percentage(number)
        rows.append(
            [
                reference(number),
                f"Bench indicator {number}",
                f"BENCH-{number % 5 + 1}",
                "High" if percentage else "Info",
                "Percentage" if percentage else "Count",
                "As at month end",
                "1" if percentage else "0",
            ]
        )
    return csv_bytes(sections), csv_bytes(rows)


def month_keys(months: int) -> list[str]:
    keys = []
    year, month = 2011, 4
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


FIGURE_HEADER = ["indicator", "month", "value", "numerator", "denominator", "note"]


def figure_rows(indicators: int, months: int, rerun: bool) -> list[list[str]]:
    """Count indicators: a whole number; percentages: numerator and denominator, with the
    (agreeing) value given on even months and left to be computed on odd ones. A re-run changes
    every figure: counts by one, numerators by one."""
    rows = []
    for number in range(1, indicators + 1):
        for index, month in enumerate(month_keys(months)):
            if is_percentage(number):
                denominator = 100 + (number * 7 + index * 3) % 50
                numerator = (number * 11 + index * 5) % denominator
                if rerun:
                    numerator = numerator + 1 if numerator < denominator else numerator - 1
                value = ""
                if index % 2 == 0:
                    exact = Decimal(numerator) * 100 / Decimal(denominator)
                    value = str(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
                rows.append([reference(number), month, value, str(numerator), str(denominator), ""])
            else:
                value = 10 + (number * 13 + index * 7) % 900 + (1 if rerun else 0)
                rows.append([reference(number), month, str(value), "", "", ""])
    return rows


# -- measuring ----------------------------------------------------------------------------------


class Measured:
    def __init__(self, label: str, rows: int, seconds: float, queries: int) -> None:
        self.label = label
        self.rows = rows
        self.seconds = seconds
        self.queries = queries

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else float("inf")


def measure(label: str, rows: int, action: Callable[[], Any]) -> tuple[Measured, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # CaptureQueriesContext counts the growth of connection.queries_log, a deque that stops
    # growing at 9,000 entries: give it room for one-query-per-row imports and start it empty.
    connection.queries_limit = 1_000_000
    connection.queries_log = deque(maxlen=connection.queries_limit)
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        outcome = action()
        seconds = time.perf_counter() - start
    return Measured(label, rows, seconds, len(queries.captured_queries)), outcome


def expect(condition: bool, message: str) -> None:
    if not condition:
        sys.exit(f"benchmark check failed: {message}")


def empty_figures() -> None:
    from indicators.models import Figure, FigureRevision

    FigureRevision.objects.all().delete()
    Figure.objects.all().delete()


def figure_objects(indicators: int, months: int, rerun: bool = False) -> list[Any]:
    """The rows of the figures file as unsaved figures, parsed the way the importer does."""
    from indicators import performance as perf
    from indicators.models import Figure, Indicator

    by_reference = {obj.reference: obj for obj in Indicator.objects.all()}
    objects = []
    for ref, month, value, numerator, denominator, note in figure_rows(indicators, months, rerun):
        indicator = by_reference[ref]
        number = Decimal(value) if value else None
        top = Decimal(numerator) if numerator else None
        bottom = Decimal(denominator) if denominator else None
        if number is None and top is not None and bottom is not None:
            number = perf.ratio_value(indicator.unit_enum, top, bottom, indicator.decimals)
        objects.append(
            Figure(
                indicator=indicator,
                month=perf.parse_month(month),
                value=number,
                numerator=top,
                denominator=bottom,
                note=note,
            )
        )
    return objects


def stored_figures() -> set[tuple[Any, ...]]:
    from indicators.models import Figure

    return set(
        Figure.objects.values_list(
            "indicator_id", "month", "value", "marker", "numerator", "denominator", "note"
        )
    )


def expected_figures(objects: list[Any]) -> set[tuple[Any, ...]]:
    return {
        (f.indicator_id, f.month, f.value, f.marker, f.numerator, f.denominator, f.note)
        for f in objects
    }


def steps_once(
    indicators: int, months: int, user: Any, files: tuple[bytes, bytes]
) -> list[Measured]:
    """a, b, c, d and e once, each checked: reports, what was written, what was not.

    a to c go through the upload page's own services: ``receive_upload`` (validate, store the
    file, preview), ``preview_upload`` (what the preview page runs) and ``confirm_upload``.
    """
    from django.db import transaction

    from indicators.models import Figure, FigureRevision
    from indicators.uploads import confirm_upload, preview_upload, receive_upload

    count = indicators * months
    new, changed = files

    def confirm(upload: Any) -> Any:
        report = preview_upload(upload)
        return confirm_upload(upload.pk, upload.checksum, report.fingerprint, user), report

    empty_figures()
    a, (upload, report) = measure(
        "a. upload: validate, store, preview",
        count,
        lambda: receive_upload("figures", "new.csv", new, user),
    )
    expect(report.ok and report.new == count, f"preview: {report.summary()} {report.errors[:3]}")
    expect(not Figure.objects.exists(), "the preview wrote figures")
    fingerprint = preview_upload(upload).fingerprint

    b, result = measure(
        "b. confirm (new figures + revisions)",
        count,
        lambda: confirm_upload(upload.pk, upload.checksum, fingerprint, user),
    )
    expect(result.applied and result.report.new == count, f"confirm: {result.message}")
    revisions = FigureRevision.objects.filter(is_new=True, changed_by=user, upload=upload)
    expect(revisions.count() == count, "a revision per new figure, with user and upload")
    expect(stored_figures() == expected_figures(figure_objects(indicators, months)), "figures")

    rerun, report = receive_upload("figures", "rerun.csv", changed, user)
    fingerprint = preview_upload(rerun).fingerprint
    c, result = measure(
        "c. confirm a re-run (every figure changed)",
        count,
        lambda: confirm_upload(rerun.pk, rerun.checksum, fingerprint, user),
    )
    expect(result.applied and result.report.changed == count, f"re-run: {result.message}")
    revisions = FigureRevision.objects.filter(is_new=False, changed_by=user, upload=rerun)
    expect(revisions.count() == count, "a revision per changed figure, with user and upload")
    expect(stored_figures() == expected_figures(figure_objects(indicators, months, True)), "re-run")

    empty_figures()
    objects = figure_objects(indicators, months)
    d, _ = measure(
        "d. baseline Figure.objects.bulk_create", count, lambda: Figure.objects.bulk_create(objects)
    )
    expect(stored_figures() == expected_figures(objects), "bulk_create wrote every figure")

    empty_figures()
    objects = figure_objects(indicators, months)

    def write_both() -> None:
        with transaction.atomic():  # as b writes: in one transaction
            Figure.insert_new(objects)
            FigureRevision.write_many(((figure, None) for figure in objects), user, "floor.csv")

    e, _ = measure("e. floor: b's writes (figures + revisions)", count, write_both)
    expect(stored_figures() == expected_figures(objects), "the floor wrote every figure")
    expect(FigureRevision.objects.filter(source="floor.csv").count() == count, "and revisions")
    return [a, b, c, d, e]


def best_of(repeat: int, indicators: int, months: int, user: Any) -> list[Measured]:
    """The fastest of ``repeat`` runs of each step (the query counts must not vary)."""
    files = (
        csv_bytes([FIGURE_HEADER, *figure_rows(indicators, months, rerun=False)]),
        csv_bytes([FIGURE_HEADER, *figure_rows(indicators, months, rerun=True)]),
    )
    best: list[Measured] = []
    for _ in range(repeat):
        runs = steps_once(indicators, months, user, files)
        if not best:
            best = runs
            continue
        for index, run in enumerate(runs):
            expect(run.queries == best[index].queries, f"{run.label}: query count varies")
            if run.seconds < best[index].seconds:
                best[index] = run
    return best


def alternate(times: int, indicators: int, months: int, user: Any) -> None:
    """b and d in turn, ``times`` times each, then their medians and the ratio of those."""
    from statistics import median

    from indicators.models import Figure
    from indicators.uploads import confirm_upload, preview_upload, receive_upload

    count = indicators * months
    content = csv_bytes([FIGURE_HEADER, *figure_rows(indicators, months, rerun=False)])
    confirms: list[float] = []
    inserts: list[float] = []
    for _ in range(times):
        empty_figures()
        upload, _report = receive_upload("figures", "new.csv", content, user)
        fingerprint = preview_upload(upload).fingerprint
        confirm = functools.partial(confirm_upload, upload.pk, upload.checksum, fingerprint, user)
        b, result = measure("b", count, confirm)
        expect(result.applied and result.report.new == count, f"confirm: {result.message}")
        confirms.append(b.seconds)
        empty_figures()
        objects = figure_objects(indicators, months)
        d, _ = measure("d", count, functools.partial(Figure.objects.bulk_create, objects))
        inserts.append(d.seconds)
    b_median, d_median = median(confirms), median(inserts)
    print(
        f"\n{count:,} rows, b and d alternately {times} times: medians b {b_median:.2f} s, "
        f"d {d_median:.2f} s; b runs at {d_median / b_median:.0%} of the rate of d"
    )


def print_table(title: str, rows: list[Measured]) -> None:
    print(f"\n{title}")
    print(f"{'step':<42} {'rows':>7} {'seconds':>8} {'rows/s':>9} {'queries':>8}")
    for row in rows:
        print(
            f"{row.label:<42} {row.rows:>7,} {row.seconds:>8.2f} {row.rate:>9,.0f} {row.queries:>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step; the best counts")
    parser.add_argument(
        "--alternate", type=int, default=0, help="then b and d in turn N times: their medians"
    )
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or "sqlite:////tmp/bench.sqlite3"
    setup_django(fresh_database(url))

    import django
    import import_export
    from django.contrib.auth import get_user_model
    from django.db import connection

    from indicators.imports import import_file

    user = get_user_model().objects.create(username="bench.officer")
    sections, indicators = catalogue_files(options.indicators)
    for kind, content in (("sections", sections), ("indicators", indicators)):
        report = import_file(kind, f"{kind}.csv", content, user=user)
        expect(report.ok, f"{kind}: {report.errors[:3]}")

    vendor = connection.vendor
    version = connection.Database.sqlite_version if vendor == "sqlite" else connection.pg_version
    print(
        f"{vendor} {version}; Django {django.get_version()}, "
        f"django-import-export {import_export.__version__}; "
        f"{options.indicators} indicators x {options.months} months"
    )
    total = time.perf_counter()
    full = best_of(options.repeat, options.indicators, options.months, user)
    print_table(f"{options.indicators * options.months:,} rows, best of {options.repeat}", full)
    b, d, e = full[1], full[3], full[4]
    print(f"confirm (b) runs at {b.rate / d.rate:.0%} of the bulk_create rate (d);")
    print(f"writing its figures and revisions alone (e) runs at {e.rate / d.rate:.0%} of it")

    # The same steps on a tenth of the file: the number of queries must not follow the rows.
    small_indicators = max(1, options.indicators // 10)
    small = best_of(options.repeat, small_indicators, options.months, user)
    print_table(f"{small_indicators * options.months:,} rows, best of {options.repeat}", small)
    print("\nqueries by file size")
    print(f"{'step':<42} {small[0].rows:>7,} {full[0].rows:>7,}")
    for little, big in zip(small, full, strict=True):
        print(f"{big.label:<42} {little.queries:>7} {big.queries:>7}")
    if options.alternate:
        for size in (options.indicators, small_indicators):
            alternate(options.alternate, size, options.months, user)
    print(f"\ntotal {time.perf_counter() - total:.1f} s")


if __name__ == "__main__":
    main()
