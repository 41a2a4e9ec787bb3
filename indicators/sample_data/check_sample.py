#!/usr/bin/env python3
"""Consistency checks for the Corporate Parenting sample data (stdlib only).

Run: python3 indicators/sample_data/check_sample.py
Reads the six CSVs in corporate_parenting/ (and the April 2020 narratives file
if present) and fails with an AssertionError on the first problem found.
"""

import csv
import re
import sys
from collections import Counter
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "corporate_parenting"
NARRATIVES = HERE.parent.parent / "narratives" / "sample_data" / "corporate_parenting_2020-04.csv"

HEADERS = {
    "sections": ["framework", "code", "title", "order", "definition", "managers"],
    "indicators": [
        "reference",
        "title",
        "section",
        "polarity",
        "unit",
        "aggregation",
        "frequency",
        "decimals",
        "tags",
    ],
    "targets": ["indicator", "year", "red", "amber", "green"],
    "figures": ["indicator", "month", "value", "numerator", "denominator", "note"],
    "outturns": ["indicator", "year", "value", "numerator", "denominator"],
    "benchmarks": ["indicator", "measure", "value", "year", "source"],
}
POLARITIES = {"High", "Low", "Info", "Within limits", "Within limits (low)"}
AGGREGATIONS = {"As at month end", "Financial Year", "Rolling Year", "YTD Average"}
FREQUENCIES = {"monthly", "quarterly", "termly"}
MEASURES = {"SN AVE", "BEST SN", "NAT AVE", "NAT TOP QTILE"}
MARKERS = {"-", "n/a", "TBC"}
NUMBER = re.compile(r"^-?\d+(\.\d+)?%?$")


def read(name: str, path: Path | None = None) -> list[dict[str, str]]:
    path = path or DATA / f"{name}.csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [dict(zip(header, r, strict=False)) for r in reader if any(c.strip() for c in r)]
    if name in HEADERS:
        assert header == HEADERS[name], f"{path.name}: header {header} != {HEADERS[name]}"
    return rows


def no_duplicates(rows: list[dict[str, str]], keys: Sequence[str], label: str) -> None:
    dupes = [k for k, n in Counter(tuple(r[k] for k in keys) for r in rows).items() if n > 1]
    assert not dupes, f"{label}: duplicate {keys}: {dupes}"


def check_value(value: str, where: str) -> None:
    assert value in MARKERS or NUMBER.match(value), f"{where}: unparseable value {value!r}"
    if value.endswith("%"):
        assert Decimal(value[:-1]) <= 100, f"{where}: percentage above 100: {value}"


def check_fraction(row: dict[str, str], ind: dict[str, str], where: str) -> int:
    num, den = row["numerator"].strip(), row["denominator"].strip()
    if not num and not den:
        return 0
    assert num and den, f"{where}: numerator and denominator must be given together"
    n, d = Decimal(num), Decimal(den)
    assert d > 0 and 0 <= n <= d, f"{where}: bad fraction {num}/{den}"
    value = row["value"].strip()
    assert value not in MARKERS and value, f"{where}: fraction given but value is {value!r}"
    places = int(ind["decimals"])
    q = Decimal(1).scaleb(-places)
    ratio = n / d * (100 if ind["unit"] == "Percentage" else 1)
    computed = ratio.quantize(q, rounding=ROUND_HALF_UP)
    printed = Decimal(value.rstrip("%")).quantize(q, rounding=ROUND_HALF_UP)
    assert computed == printed, f"{where}: {num}/{den} = {computed}, printed {value}"
    return 1


def main() -> int:
    sections = read("sections")
    indicators = read("indicators")
    targets = read("targets")
    figures = read("figures")
    outturns = read("outturns")
    benchmarks = read("benchmarks")

    # sections
    no_duplicates(sections, ["framework", "code"], "sections")
    assert {s["framework"] for s in sections} == {"Corporate Parenting"}
    assert sorted(int(s["order"]) for s in sections) == list(range(1, len(sections) + 1))
    codes = {s["code"] for s in sections}
    for s in sections:
        assert s["title"].strip() and s["definition"].strip(), f"section {s['code']} incomplete"
        assert all(m.strip() for m in s["managers"].split(";")), f"section {s['code']} managers"

    # indicators
    assert len(indicators) == 43, f"expected 43 indicators, found {len(indicators)}"
    no_duplicates(indicators, ["reference"], "indicators")
    by_ref = {i["reference"]: i for i in indicators}
    for i in indicators:
        where = f"indicator {i['reference']}"
        assert i["section"] in codes, f"{where}: unknown section {i['section']}"
        assert i["polarity"] in POLARITIES, f"{where}: polarity {i['polarity']!r}"
        assert i["aggregation"] in AGGREGATIONS, f"{where}: aggregation {i['aggregation']!r}"
        assert i["frequency"] in FREQUENCIES, f"{where}: frequency {i['frequency']!r}"
        assert i["decimals"].isdigit(), f"{where}: decimals {i['decimals']!r}"
        assert "(" not in i["tags"], f"{where}: tags should not keep parentheses"

    # references from the other files
    for label, rows in (
        ("targets", targets),
        ("figures", figures),
        ("outturns", outturns),
        ("benchmarks", benchmarks),
    ):
        unknown = sorted({r["indicator"] for r in rows} - by_ref.keys())
        assert not unknown, f"{label}: unknown indicators {unknown}"

    # targets
    no_duplicates(targets, ["indicator", "year"], "targets")
    for t in targets:
        assert re.fullmatch(r"\d{4}/\d\d", t["year"]), f"targets: year {t['year']!r}"
        assert any(t[k].strip() for k in ("red", "amber", "green")), (
            f"targets {t['indicator']}: empty"
        )

    # figures
    no_duplicates(figures, ["indicator", "month"], "figures")
    fractions = 0
    for n, f in enumerate(figures, start=2):
        where = f"figures row {n} ({f['indicator']} {f['month']})"
        assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", f["month"]), f"{where}: month"
        check_value(f["value"], where)
        fractions += check_fraction(f, by_ref[f["indicator"]], where)

    # outturns
    no_duplicates(outturns, ["indicator", "year"], "outturns")
    for n, o in enumerate(outturns, start=2):
        where = f"outturns row {n} ({o['indicator']} {o['year']})"
        assert re.fullmatch(r"\d{4}/\d\d", o["year"]), f"{where}: year"
        check_value(o["value"], where)
        fractions += check_fraction(o, by_ref[o["indicator"]], where)

    # benchmarks
    no_duplicates(benchmarks, ["indicator", "measure"], "benchmarks")
    for b in benchmarks:
        where = f"benchmarks {b['indicator']} {b['measure']}"
        assert b["measure"] in MEASURES, f"{where}: measure"
        assert NUMBER.match(b["value"]), f"{where}: value {b['value']!r}"

    # narratives (optional companion file)
    narratives = 0
    if NARRATIVES.exists():
        rows = read("narratives", NARRATIVES)
        no_duplicates(rows, ["section", "month"], "narratives")
        for r in rows:
            assert r["section"] in codes, f"narratives: unknown section {r['section']}"
            assert r["changes"].strip(), f"narratives {r['section']}: empty changes"
        narratives = len(rows)

    print(
        f"OK: {len(sections)} sections, {len(indicators)} indicators, {len(targets)} targets, "
        f"{len(figures)} figures, {len(outturns)} outturns, {len(benchmarks)} benchmarks, "
        f"{narratives} narratives; {fractions} numerator/denominator pairs reproduce their values"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
