"""How fast and in how much memory the LAIT engine computes one council's benchmarks.

Run by hand, never by the tests (no database is used):

    .venv/bin/python bench/import_benchmarks.py [--repeat 3] [--la 372]

Reads the whole published long table (``indicators/sample_data/dfe-lait/lait_long.csv.gz``,
641,070 rows), keeping the measures the sample catalogue maps (its ``lait`` column), and
computes the four benchmarks of every mapped sample indicator for the council (default
Rotherham, 372) with the April 2021 neighbour list, as an import would: read the data
dictionary and neighbour list, stream the file, compute. Prints, per file:

  wall and CPU time: the fastest of ``--repeat`` runs, without tracing;
  peak traced: the peak of Python allocations during one more run under ``tracemalloc``;
  max RSS: the process's peak resident size (``ru_maxrss``), each file in a process of its own.

With ``--command`` (needs ``DATABASE_URL`` naming a database with the sample loaded), the
same through the product: ``manage.py import_benchmarks`` in a process of its own, Django
start-up included, once as a dry run (read, compute, plan against the database) and once
applied (the first time it writes the benchmarks, revisions and comparisons).

To show that memory does not grow with the file, the same is done on a file twice as long
(written to a temporary folder): the published rows plus a copy of them under other measure
codes, which the import does not ask for. A last line keeps every measure of the file, to show
that memory follows the measures kept.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicators.lait import (  # noqa: E402
    MappedIndicator,
    compute_benchmarks,
    read_data_dictionary,
    read_long_table,
    read_neighbour_list,
)

DATA = ROOT / "indicators" / "sample_data" / "dfe-lait"
CATALOGUE = ROOT / "indicators" / "sample_data" / "corporate_parenting" / "indicators.csv"
MIB = 1024 * 1024


def mapped_indicators() -> list[MappedIndicator]:
    with CATALOGUE.open(encoding="utf-8", newline="") as stream:
        return [
            MappedIndicator(row["reference"], row["lait"], row["polarity"])
            for row in csv.DictReader(stream)
            if row["lait"]
        ]


def import_once(path: Path, la: int, keep_all: bool) -> tuple[int, int, int]:
    """One import: (rows read, benchmarks computed, indicators with a problem)."""
    indicators = mapped_indicators()
    dictionary = read_data_dictionary(DATA / "lait_data_dictionary.csv")
    neighbours = read_neighbour_list(DATA / "sn_april_2021.xlsx")
    kept = set(dictionary.measures) if keep_all else {indicator.lait for indicator in indicators}
    # Every measure keeps every row: above the limit an upload is allowed.
    table = read_long_table(path, kept, max_kept=1_000_000)
    result = compute_benchmarks(table, dictionary, neighbours, la, indicators)
    return table.rows, len(result.rows()), len(result.problems)


def measure(path: Path, la: int, repeat: int, keep_all: bool) -> dict[str, float]:
    """Time ``repeat`` imports, then trace one; run in a process of its own."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        rows, benchmarks, problems = import_once(path, la, keep_all)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    tracemalloc.start()
    import_once(path, la, keep_all)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "rows": rows,
        "benchmarks": benchmarks,
        "problems": problems,
        "wall": min(walls),
        "cpu": min(cpus),
        "peak": peak / MIB,
        "maxrss": maxrss / MIB,
        "size": path.stat().st_size / MIB,
    }


def doubled(source: Path, folder: Path) -> Path:
    """The published rows, then the same rows again under measure codes nobody asks for."""
    target = folder / "lait_long_doubled.csv.gz"
    with gzip.open(target, "wt", encoding="utf-8", newline="", compresslevel=6) as out:
        writer = csv.writer(out)
        for copy in (False, True):
            with gzip.open(source, "rt", encoding="utf-8", newline="") as stream:
                reader = csv.reader(stream)
                header = next(reader)
                if not copy:
                    writer.writerow(header)
                for row in reader:
                    if copy:
                        row[0] = f"copy of {row[0]}"
                    writer.writerow(row)
    return target


def run_child(path: Path, la: int, repeat: int, keep_all: bool) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", str(path), "--la", str(la)]
    command += ["--keep-all"] if keep_all else []
    output = subprocess.run(
        [*command, "--repeat", str(repeat)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output)


def command_runs(la: int, repeat: int) -> None:
    """``manage.py import_benchmarks`` on the published file: wall time (best of ``repeat``)
    and the peak resident size of the command's process."""
    published = DATA / "lait_long.csv.gz"
    base = [sys.executable, str(ROOT / "manage.py"), "import_benchmarks", str(published)]
    base += ["--la", str(la), "--neighbours", str(DATA / "sn_april_2021.xlsx")]
    print(f"{'manage.py import_benchmarks':<34}{'wall s':>8}{'max RSS MiB':>13}  result")
    for label, extra in (("dry run", ["--dry-run"]), ("applied", [])):
        walls, rss, last = [], 0.0, ""
        for _ in range(repeat):
            wall = time.perf_counter()
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            done = subprocess.run([*base, *extra], check=True, capture_output=True, text=True)
            walls.append(time.perf_counter() - wall)
            rss = max(rss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
            last = done.stdout.strip().splitlines()[-1]
        print(f"{label:<34}{min(walls):>8.2f}{rss * 1024 / MIB:>13.1f}  {last}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--la", type=int, default=372)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keep-all", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--command", action="store_true", help="time manage.py import_benchmarks (DATABASE_URL)"
    )
    options = parser.parse_args()
    if options.command:
        command_runs(options.la, options.repeat)
        return
    if options.child:
        result = measure(options.child, options.la, options.repeat, options.keep_all)
        print(json.dumps(result))
        return
    indicators = mapped_indicators()
    print(
        f"LA {options.la}, {len(indicators)} mapped indicators, "
        f"{len({i.lait for i in indicators})} measures kept, best of {options.repeat} runs"
    )
    header = (
        f"{'file':<31}{'MiB':>6}{'rows':>11}{'bench':>7}{'wall s':>8}{'CPU s':>7}"
        f"{'peak traced MiB':>17}{'max RSS MiB':>13}"
    )
    print(header)
    with tempfile.TemporaryDirectory() as folder:
        published = DATA / "lait_long.csv.gz"
        for label, path, keep_all in (
            ("published", published, False),
            ("doubled (other measures)", doubled(published, Path(folder)), False),
            ("published, every measure kept", published, True),
        ):
            r = run_child(path, options.la, options.repeat, keep_all)
            print(
                f"{label:<31}{r['size']:>6.1f}{r['rows']:>11,}{r['benchmarks']:>7}"
                f"{r['wall']:>8.2f}{r['cpu']:>7.2f}{r['peak']:>17.1f}{r['maxrss']:>13.1f}"
            )


if __name__ == "__main__":
    main()
