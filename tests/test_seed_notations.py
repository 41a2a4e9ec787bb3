"""Every unit, data note and tolerance the published reports print imports through the product's
own importers (seeds 000 and 001; seed 004's are in the board sample), read from the reports
themselves rather than typed here."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from indicators import performance as perf
from indicators.models import Indicator, Target
from tests.helpers import csv_bytes, imported

SEEDS = Path(__file__).parent / "seeds"
POLARITY = r"(High|Low|Info|Within [Ll]imits)"


def summary_rows(seed: str, with_data_note: bool) -> list[dict[str, str]]:
    """The summary rows of a seed: polarity, unit, data note and the three tolerance cells."""
    rows = []
    for line in (SEEDS / seed).read_text(encoding="utf-8").splitlines():
        match = re.search(rf"\t{POLARITY}\t([^\t]+)\t(.*)$", line)
        if not match:
            continue
        polarity, unit, rest = match.groups()
        cells = rest.split("\t")
        # months x3, YTD, [data note], DOT, (a blank), red, amber, green
        data_note = cells[4] if with_data_note else "As at month end"
        after = 6 if with_data_note else 5
        red, amber, green = (cells + [""] * 10)[after + 1 : after + 4]
        rows.append(
            {
                "polarity": polarity,
                "unit": unit,
                "aggregation": data_note,
                **repaired(red, amber, green),
            }
        )
    return rows


def debris(cell: str) -> bool:
    """Stray characters the extraction put into empty cells ('ē', 'Ä', 'THRESHUL'): no digit
    and no word of the notation."""
    return not re.search(r"\d|range|set|n/a|tbc|to be", cell.strip().lower())


def repaired(red: str, amber: str, green: str) -> dict[str, str]:
    """Undo the extraction's damage: debris in empty cells, and 'range to be set' split over
    the three cells at random places ('ra', 'nge to be', 'e set') where the council wrote it in
    the green cell."""
    joined = "".join("".join((red, amber, green)).split()).lower()
    if joined.startswith("ra") and joined.endswith("set") and "to" in joined:
        return {"red": "", "amber": "", "green": "range to be set"}
    cells = ["" if debris(cell) else cell.strip() for cell in (red, amber, green)]
    return dict(zip(("red", "amber", "green"), cells, strict=True))


@pytest.mark.parametrize(
    ("seed", "with_data_note", "count"),
    [("000_4b694c92a7f93313.txt", False, 43), ("001_d7c57538f69693f5.txt", True, 38)],
)
def test_every_printed_unit_data_note_and_tolerance_imports(db, seed, with_data_note, count):
    rows = summary_rows(seed, with_data_note)
    assert len(rows) == count
    sections = csv_bytes(
        [["framework", "code", "title", "order"], ["Seed", "SEED", "Seed indicators", "1"]]
    )
    assert imported("sections", "sections.csv", sections).ok
    indicators = [["reference", "title", "section", "polarity", "unit", "aggregation"]]
    targets = [["indicator", "year", "red", "amber", "green"]]
    for number, row in enumerate(rows, 1):
        reference = f"S.{number}"
        indicators.append(
            [
                reference,
                f"Indicator {number}",
                "SEED",
                row["polarity"],
                row["unit"],
                row["aggregation"],
            ]
        )
        targets.append([reference, "2020/21", row["red"], row["amber"], row["green"]])
    plan = imported("indicators", "indicators.csv", csv_bytes(indicators))
    assert plan.ok, plan.errors
    plan = imported("targets", "targets.csv", csv_bytes(targets))
    assert plan.ok, plan.errors
    # Units are printed as written; the kind of number follows from the common ones.
    units = dict(Indicator.objects.values_list("unit", "kind"))
    assert units.get("Rolling year - aver count", "other") == "other"
    assert units["Percentage"] == "percentage" and units["Count"] == "count"
    # Every tolerance with a green target rates a figure; "range to be set" rates nothing.
    for target in Target.objects.select_related("indicator"):
        kind = target.thresholds.kind
        if target.green in ("", "n/a", "range to be set"):
            assert kind == perf.ThresholdKind.NONE, target.green
        else:
            assert kind != perf.ThresholdKind.NONE, target.green


def test_the_kirklees_notations_and_units_import(db):
    """Seed 004's units and targets, as the board sample holds them."""
    board = (
        Path(__file__).parent.parent / "indicators" / "sample_data" / "corporate_parenting_board"
    )
    sections = (board / "sections.csv").read_bytes()
    rows = sections.decode().splitlines()
    header = rows[0].split(",")
    managers = header.index("managers")

    table = list(csv.reader(io.StringIO(sections.decode())))
    without = [row[:managers] + row[managers + 1 :] for row in table]
    assert imported("sections", "sections.csv", csv_bytes(without)).ok
    for kind in ("indicators", "targets"):
        plan = imported(kind, f"{kind}.csv", (board / f"{kind}.csv").read_bytes())
        assert plan.ok, plan.errors
    assert Indicator.objects.filter(parent__isnull=False).exists()
    assert set(Indicator.objects.values_list("unit", flat=True)) >= {"Count", "Percentage"}
