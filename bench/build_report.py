"""How long the report PDF takes to render, and whether the time follows the content.

Run by hand, never by the tests:

    .venv/bin/python bench/build_report.py [--runs 5]

It loads the April 2020 sample into a throwaway SQLite database (``/tmp/cpp-bench-report.sqlite3``,
deleted and migrated again each time), assembles the sample's snapshot (Issue 1, Draft 2) and
makes a synthetic one four times its size: the same sections and summary groups four times over.
Each is rendered once to warm up (fonts, imports), then ``--runs`` times in turn, and the table
shows, for ``render_report``: the median wall and CPU seconds, the peak of memory allocated while
rendering (tracemalloc, in a run of its own: tracing slows the rendering) and the pages.
A last column gives the CPU milliseconds per page (the report grows pages as it grows content:
fifteen-month tables, charts in rows of two), and the covering paper is timed too.
Goals: the sample under 2 s; the 4x report under four times the sample's time.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATABASE = Path("/tmp/cpp-bench-report.sqlite3")


def setup_django() -> None:
    """A fresh SQLite database of the benchmark's own, migrated."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "cpp.settings"
    # Uploaded sample files are stored; keep them out of the project's media folder.
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="cpp-bench-media-"))
    # Opening the sample month emails the heads of service: keep that off the results.
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def sample_report() -> Any:
    from django.core.management import call_command

    from indicators.models import ReportingMonth
    from reports import assembly

    call_command("load_sample_data", stdout=io.StringIO())
    edition = assembly.edition_details(
        issue=1, draft=2, created_on=datetime.date(2020, 5, 26), created_by=None
    )
    return assembly.assemble(
        ReportingMonth.objects.get(framework__name="Corporate Parenting"), edition
    )


def scaled(report: Any, times: int) -> Any:
    """The report with its sections and summary groups repeated ``times`` times."""
    bigger = copy.deepcopy(report)
    bigger["summary"], bigger["sections"] = [], []
    for copy_number in range(1, times + 1):
        for key in ("summary", "sections"):
            for item in copy.deepcopy(report[key]):
                item["code"] = f"{item['code']}-{copy_number}"
                item["title"] = f"{item['title']} ({copy_number})"
                bigger[key].append(item)
    return bigger


@dataclass
class Result:
    label: str
    wall: list[float]
    cpu: list[float]
    peak: int = 0
    pages: int = 0


def render_once(report: Any, result: Result, paper: bool = False) -> None:
    from reports.pdf import render_paper, render_report

    wall, cpu = time.perf_counter(), time.process_time()
    rendered = (render_paper if paper else render_report)(report)
    result.wall.append(time.perf_counter() - wall)
    result.cpu.append(time.process_time() - cpu)
    result.pages = rendered.pages


def peak_memory(report: Any) -> int:
    from reports.pdf import render_report

    tracemalloc.start()
    try:
        render_report(report)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each report")
    options = parser.parse_args()
    setup_django()
    from reports.pdf import render_report

    sample = sample_report()
    reports = {"sample (1x)": sample, "synthetic 4x": scaled(sample, 4)}
    results = {label: Result(label, [], []) for label in reports}
    paper = Result("paper (1x)", [], [])
    for report in reports.values():
        render_report(report)  # warm up: fonts parsed, modules imported
    # In turn rather than one after the other, so that a busy spell hits both alike.
    for _ in range(options.runs):
        for label, report in reports.items():
            render_once(report, results[label])
        render_once(sample, paper, paper=True)
    for label, report in reports.items():
        results[label].peak = peak_memory(report)

    print(f"render_report, {options.runs} runs each (medians)")
    header = f"{'report':<14} {'wall s':>7} {'cpu s':>7} {'peak MiB':>9} {'pages':>6}"
    print(f"{header} {'cpu ms/page':>12}")
    for result in [*results.values(), paper]:
        cpu = statistics.median(result.cpu)
        print(
            f"{result.label:<14} {statistics.median(result.wall):>7.3f} "
            f"{cpu:>7.3f} {f'{result.peak / 2**20:.1f}' if result.peak else '-':>9} "
            f"{result.pages:>6} "
            f"{1000 * cpu / result.pages:>12.1f}"
        )
    one, four = results.values()
    wall = statistics.median(four.wall) / statistics.median(one.wall)
    cpu = statistics.median(four.cpu) / statistics.median(one.cpu)
    print(f"4x / 1x: wall {wall:.2f}, cpu {cpu:.2f} (goal < 4); sample goal < 2 s")


if __name__ == "__main__":
    main()
