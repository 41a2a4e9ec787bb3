"""How fast a figures upload is planned, confirmed and reverted, against a plain ``bulk_create``.

Run by hand, never by the tests:

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/upload_figures.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpp_bench \
        .venv/bin/python bench/upload_figures.py

It starts from an empty database of its own (SQLite: the file is deleted and migrated again;
PostgreSQL: the database ``cpp_bench`` is dropped and created, whatever name the URL gives),
creates the indicators (half Count, half Percentage) through the real importers and then, for
12,000 rows (100 indicators x 120 months) and 120,000 rows (1,000 x 120), times with the queries
of the default connection counted, through the upload page's own services:

  a. receive: ``receive_upload`` of the new rows (read the file once, plan, store file and plan);
  b. confirm: ``confirm_upload`` of it (figures and a revision each, in batches);
  c. re-run: receive and confirm a file changing every figure;
  d. revert the re-run; e. revert the first upload (every figure becomes "-");
  f. baseline: ``Figure.objects.bulk_create`` of the same figures into an emptied table
     (objects built beforehand, so only the insert is timed).

It checks what each step wrote, and that each upload's file was read exactly once.
Options: ``--sizes 100,1000`` (indicators; x ``--months``, default 120), ``--repeat N``.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "cpp_bench"
FORBIDDEN_DATABASES = {"test", "test_test", "postgres", "template0", "template1"}


# -- a fresh database ---------------------------------------------------------------------------


def fresh_database(url: str, name: str = BENCH_DATABASE) -> str:
    """Empty the benchmark's own database ``name`` and return the URL Django should use."""
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

    assert name.startswith("cpp_bench") and name not in FORBIDDEN_DATABASES
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


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


def csv_bytes(rows: Sequence[Sequence[object]]) -> bytes:
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
                count = 10 + (number * 13 + index * 7) % 900 + (1 if rerun else 0)
                rows.append([reference(number), month, str(count), "", "", ""])
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
    from indicators.models import Figure, FigureRevision, Upload

    FigureRevision.objects.all().delete()
    Figure.objects.all().delete()
    Upload.objects.all().delete()


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
            assert indicator.factor is not None, ref
            number = perf.ratio_value(indicator.factor, top, bottom, indicator.decimals)
        objects.append(
            Figure(
                indicator=indicator,
                month=perf.parse_month(month),
                value=number,
                places=indicator.decimals,
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


class Reads:
    """How many times the importer read a file: once per upload is the rule."""

    def __init__(self) -> None:
        from indicators.importing import pipeline

        self.count = 0
        original = pipeline.read_sheet

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(*args, **kwargs)

        pipeline.read_sheet = counted


def steps_once(
    indicators: int, months: int, user: Any, files: tuple[bytes, bytes], reads: Reads
) -> list[Measured]:
    """a to f once, each checked: what was written, what was not, how often a file was read."""
    from indicators.importing.uploads import confirm_upload, receive_upload, revert_upload
    from indicators.models import Figure, FigureRevision

    count = indicators * months
    new, changed = files
    empty_figures()
    reads.count = 0
    a, upload = measure(
        "a. receive: read once, plan, store",
        count,
        lambda: receive_upload("figures", "new.csv", new, user),
    )
    expect(upload.new_rows == count and not upload.error_count, f"plan: {upload.preview}")
    expect(not Figure.objects.exists(), "receiving wrote figures")
    b, outcome = measure(
        "b. confirm (new figures + revisions)",
        count,
        lambda: confirm_upload(upload.pk, upload.checksum, upload.fingerprint, user),
    )
    expect(outcome.done, f"confirm: {outcome.message}")
    expect(FigureRevision.objects.filter(is_new=True, upload=upload).count() == count, "revisions")
    expect(stored_figures() == expected_figures(figure_objects(indicators, months)), "figures")

    rerun = receive_upload("figures", "rerun.csv", changed, user)
    expect(rerun.changed_rows == count, "every figure of the re-run changes")
    c, outcome = measure(
        "c. confirm a re-run (every figure changed)",
        count,
        lambda: confirm_upload(rerun.pk, rerun.checksum, rerun.fingerprint, user),
    )
    expect(outcome.done, f"re-run: {outcome.message}")
    expect(stored_figures() == expected_figures(figure_objects(indicators, months, True)), "re-run")
    expect(reads.count == 2, f"each upload's file is read once, not {reads.count} times")

    d, outcome = measure("d. revert the re-run", count, lambda: revert_upload(rerun.pk, user))
    expect(outcome.done, f"revert: {outcome.message}")
    expect(stored_figures() == expected_figures(figure_objects(indicators, months)), "restored")
    e, outcome = measure(
        "e. revert the first upload", count, lambda: revert_upload(upload.pk, user)
    )
    expect(outcome.done, f"revert: {outcome.message}")
    expect(Figure.objects.filter(marker="-", value=None).count() == count, "all '-' again")

    empty_figures()
    objects = figure_objects(indicators, months)
    f, _ = measure(
        "f. baseline Figure.objects.bulk_create", count, lambda: Figure.objects.bulk_create(objects)
    )
    expect(stored_figures() == expected_figures(objects), "bulk_create wrote every figure")
    return [a, b, c, d, e, f]


def best_of(repeat: int, indicators: int, months: int, user: Any, reads: Reads) -> list[Measured]:
    """The fastest of ``repeat`` runs of each step (the query counts must not vary)."""
    files = (
        csv_bytes([FIGURE_HEADER, *figure_rows(indicators, months, rerun=False)]),
        csv_bytes([FIGURE_HEADER, *figure_rows(indicators, months, rerun=True)]),
    )
    best: list[Measured] = []
    for _ in range(repeat):
        runs = steps_once(indicators, months, user, files, reads)
        if not best:
            best = runs
            continue
        for index, run in enumerate(runs):
            expect(run.queries == best[index].queries, f"{run.label}: query count varies")
            if run.seconds < best[index].seconds:
                best[index] = run
    return best


def print_table(title: str, rows: list[Measured]) -> None:
    print(f"\n{title}")
    print(f"{'step':<42} {'rows':>8} {'seconds':>8} {'rows/s':>9} {'queries':>8}")
    for row in rows:
        print(
            f"{row.label:<42} {row.rows:>8,} {row.seconds:>8.2f} {row.rate:>9,.0f} {row.queries:>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="numbers of indicators")
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each step; the best counts")
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or "sqlite:////tmp/bench.sqlite3"
    setup_django(fresh_database(url))

    import django
    from django.contrib.auth import get_user_model
    from django.db import connection

    from indicators.importing.pipeline import import_file

    user = get_user_model().objects.create(username="bench.officer")
    sizes = [int(size) for size in options.sizes.split(",")]
    sections, indicators = catalogue_files(max(sizes))
    for kind, content in (("sections", sections), ("indicators", indicators)):
        plan, applied = import_file(kind, f"{kind}.csv", content, user)
        expect(plan.ok and applied is not None and applied.applied, f"{kind}: {plan.errors[:3]}")
    reads = Reads()
    vendor = connection.vendor
    # Attributes of the SQLite and PostgreSQL backends that the base class (the stubs') lacks.
    version = (
        connection.Database.sqlite_version  # type: ignore[attr-defined]
        if vendor == "sqlite"
        else connection.pg_version  # type: ignore[attr-defined]
    )
    print(f"{vendor} {version}; Django {django.get_version()}; {options.months} months")
    total = time.perf_counter()
    for size in sizes:
        runs = best_of(options.repeat, size, options.months, user, reads)
        print_table(f"{size * options.months:,} rows, best of {options.repeat}", runs)
        b, f = runs[1], runs[5]
        print(f"confirm (b) runs at {b.rate / f.rate:.0%} of the bulk_create rate (f)")
    print(f"\ntotal {time.perf_counter() - total:.1f} s")


if __name__ == "__main__":
    main()
