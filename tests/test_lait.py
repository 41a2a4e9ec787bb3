"""The LAIT benchmark engine against DfE's published files and the April 2020 report.

Rotherham (LA 372), April 2021 neighbour list: what the engine computes from the shared DfE
files is compared with the benchmarks the council printed in its April 2020 report
(``tests/seeds/000_…``). Where a figure differs, the explanation is asserted, not just
written down. The other tests build small LAIT files in memory.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final, Literal

import pytest

from indicators.lait import (
    LaitError,
    LaitTable,
    MappedIndicator,
    MeasureInfo,
    Missing,
    compute_benchmarks,
    compute_indicator,
    polarity_disagreement,
    quantile_type7,
    read_data_dictionary,
    read_la_codes,
    read_long_table,
    read_neighbour_list,
    read_value,
    suggest_measures,
)
from indicators.performance import Measure
from tests.helpers import csv_bytes, xlsx_bytes
from tests.test_sample_report import clean, published_rows

DATA = Path(__file__).parent.parent / "indicators" / "sample_data" / "dfe-lait"
CATALOGUE = Path(__file__).parent.parent / "indicators" / "sample_data" / "corporate_parenting"
ROTHERHAM = 372
D = Decimal
SN, BEST, NAT, TOP = (
    Measure.SN_AVERAGE,
    Measure.BEST_SN,
    Measure.NATIONAL_AVERAGE,
    Measure.NATIONAL_TOP_QUARTILE,
)
HEADER = ["Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region"]


# --------------------------------------------------------------------------------------------
# The shared DfE files, read once
# --------------------------------------------------------------------------------------------


def sample_mapping() -> dict[str, str]:
    """The sample catalogue's LAIT mapping (the ``lait`` column of its indicators file)."""
    with (CATALOGUE / "indicators.csv").open(encoding="utf-8", newline="") as stream:
        return {row["reference"]: row["lait"] for row in csv.DictReader(stream) if row["lait"]}


def sample_indicators() -> list[MappedIndicator]:
    """The sample catalogue's indicators, with the LAIT measure the mapping gives them."""
    mapping = sample_mapping()
    with (CATALOGUE / "indicators.csv").open(encoding="utf-8", newline="") as stream:
        return [
            MappedIndicator(row["reference"], mapping.get(row["reference"], ""), row["polarity"])
            for row in csv.DictReader(stream)
        ]


@pytest.fixture(scope="module")
def dictionary():
    return read_data_dictionary(DATA / "lait_data_dictionary.csv")


@pytest.fixture(scope="module")
def april_2021():
    return read_neighbour_list(DATA / "sn_april_2021.xlsx")


@pytest.fixture(scope="module")
def may_2025():
    return read_neighbour_list(DATA / "sn_may_2025.xlsx")


@pytest.fixture(scope="module")
def table() -> LaitTable:
    return read_long_table(DATA / "lait_long.csv.gz", set(sample_mapping().values()))


def polarity_of(reference: str) -> str:
    return next(i.polarity for i in sample_indicators() if i.reference == reference)


def computed(table, dictionary, neighbours, reference: str, year: str | None):
    return compute_indicator(
        table,
        dictionary[sample_mapping()[reference]],
        neighbours,
        ROTHERHAM,
        reference=reference,
        polarity=polarity_of(reference),
        year=year,
    )


def printed(reference: str) -> dict[Measure, Decimal | None]:
    """The four benchmarks the April 2020 report prints for ``reference`` (None for ``-``)."""
    # Cells after the unit: three months, YTD, DOT, RAG, three thresholds, five years, then
    # the four benchmarks (as test_sample_report reads them).
    cells = [clean(cell) for cell in published_rows()[reference]][14:]
    return {
        measure: D(cell.split(" ")[0].rstrip("%")) if cell not in ("", "-") else None
        for measure, cell in zip(Measure, cells, strict=True)
    }


# --------------------------------------------------------------------------------------------
# The report's benchmarks, to the decimal
# --------------------------------------------------------------------------------------------


def test_the_file_is_read_whole(table):
    assert table.rows == 641_070
    assert table.place(ROTHERHAM) == "Rotherham (372)"


def test_adoption_equals_the_report_to_the_decimal(table, dictionary, april_2021):
    result = computed(table, dictionary, april_2021, "6.9", "2019")
    assert result.lait == "%_of LAC Adopted"
    assert (result[SN].value, result[BEST].value, result[NAT].value) == (
        D("17.3"),
        D("42.0"),
        D("12.0"),
    )
    assert printed("6.9")[SN] == D("17.3") and printed("6.9")[BEST] == D("42.0")
    assert printed("6.9")[NAT] == D("12.0")
    assert result[SN].detail == "average of 10 of 10 neighbours"
    assert result[BEST].detail == "highest of 10: Barnsley (370)"
    assert {b.year for b in result.benchmarks} == {"2019"}
    assert result[SN].source == (
        "DfE LAIT %_of LAC Adopted: Percentage of CLA adopted in year; "
        "neighbours: sn_april_2021.xlsx"
    )
    assert result.skipped == () and result.warnings == ()


def test_care_leavers_accommodation_equals_the_report_to_the_decimal(table, dictionary, april_2021):
    result = computed(table, dictionary, april_2021, "7.4", "2019")
    assert result.lait == "CareLeaverAcc"
    assert (result[SN].value, result[NAT].value) == (D("86.6"), D("85.0"))
    assert (printed("7.4")[SN], printed("7.4")[NAT]) == (D("86.6"), D("85.0"))
    # One neighbour has no figure: the average is over the nine that do, and says so.
    assert result[SN].detail == "average of 9 of 10 neighbours"
    assert result.skipped == ("Barnsley (370): '-' no figure",)


# What each difference between our figure and the printed one is due to, each checked.
@dataclass(frozen=True)
class Explained:
    why: str
    check: Callable[..., None]


def _england_never(value: str) -> Callable[..., None]:
    """The printed national figure is England's in no year of the file: the report took it
    from an earlier DfE release, since revised."""

    def check(table, dictionary, code, **_):
        england = {
            label: read_value(values.get(970, ""), dictionary[code].dps)
            for label, values in table.values[code].items()
        }
        assert D(value) not in england.values(), england

    return check


def _older_quartile(table, dictionary, reference, april_2021, ours, theirs, **_):
    """Top quartiles from the older Excel LAIT (unrounded values) differ by a little."""
    assert abs(ours - theirs) <= 2, (ours, theirs)


def _unrounded_quartile(table, dictionary, code, year, theirs, **_):
    """A type-7 quartile of whole numbers is a multiple of 0.25: the printed one was taken
    over unrounded values (the older Excel LAIT), which this file does not hold."""
    values = [read_value(v, dictionary[code].dps) for v in table.values[code][year].values()]
    numbers = [v for v in values if isinstance(v, Decimal)]
    assert numbers and all(v % 1 == 0 for v in numbers)
    assert (theirs * 4) % 1 != 0


def _own_value(table, dictionary, code, year, ours, theirs, **_):
    """The printed best neighbour is Rotherham's own figure; no neighbour reaches it."""
    own = read_value(table.values[code][year][ROTHERHAM], dictionary[code].dps)
    assert own == theirs > ours


def _other_neighbours(table, dictionary, reference, april_2021, year, **_):
    """The data year is right (England's figure is the printed one), so the difference lies in
    the neighbours: the report used the list in force in April 2020, not in the shared files."""
    result = computed(table, dictionary, april_2021, reference, year)
    assert result[NAT].value == printed(reference)[NAT]


EQUAL: Final = "equal"
OLDER_QUARTILE = Explained("top quartile from the older Excel LAIT", _older_quartile)
UNROUNDED_QUARTILE = Explained("top quartile over unrounded values", _unrounded_quartile)
OTHER_LIST = Explained("another neighbour list (in force in April 2020)", _other_neighbours)

# reference -> (data year computed, {benchmark: EQUAL or the explanation})
REPORT: dict[str, tuple[str, dict[Measure, Literal["equal"] | Explained]]] = {
    "6.2": (
        "2019",
        {
            SN: Explained("rates revised since", _england_never("65")),
            BEST: Explained("rates revised since", _england_never("65")),
            NAT: Explained("England's 2019 rate revised from 65 to 66", _england_never("65")),
            TOP: EQUAL,  # both none: DfE gives LAC rates no polarity, LAIT no quartiles
        },
    ),
    "6.9": ("2019", {SN: EQUAL, BEST: EQUAL, NAT: EQUAL, TOP: UNROUNDED_QUARTILE}),
    "6.15": (
        "2019",
        {
            SN: Explained("earlier release", _england_never("4.5")),
            BEST: Explained("earlier release", _england_never("4.5")),
            NAT: Explained("England's 4.5 is in no year of the file", _england_never("4.5")),
            TOP: Explained("earlier release", _england_never("4.5")),
        },
    ),
    "6.16": (
        "2019",
        {
            SN: Explained("earlier release", _england_never("10.6")),
            BEST: Explained("earlier release", _england_never("10.6")),
            NAT: Explained("England's 10.6 is in no year of the file", _england_never("10.6")),
            TOP: Explained("earlier release", _england_never("10.6")),
        },
    ),
    "6.17": (
        "2019",
        {
            SN: Explained("earlier release", _england_never("11.8")),
            BEST: Explained("earlier release", _england_never("11.8")),
            NAT: Explained("England's 11.8 is in no year of the file", _england_never("11.8")),
            TOP: Explained("earlier release", _england_never("11.8")),
        },
    ),
    "7.4": (
        "2019",
        {
            SN: EQUAL,
            BEST: Explained("Rotherham's own 94", _own_value),
            NAT: EQUAL,
            TOP: OLDER_QUARTILE,
        },
    ),
    "7.5": ("2018", {SN: EQUAL, BEST: EQUAL, NAT: EQUAL, TOP: OLDER_QUARTILE}),
    "8.1": ("2018", {SN: OTHER_LIST, BEST: OTHER_LIST, NAT: EQUAL, TOP: OLDER_QUARTILE}),
    "8.2": ("2017", {SN: OTHER_LIST, BEST: OTHER_LIST, NAT: EQUAL, TOP: EQUAL}),
}


@pytest.mark.parametrize("reference", sorted(REPORT))
def test_mapped_indicator_against_the_april_2020_report(
    reference, table, dictionary, april_2021, may_2025
):
    year, expected = REPORT[reference]
    result = computed(table, dictionary, april_2021, reference, year)
    theirs = printed(reference)
    for measure, expectation in expected.items():
        ours = result[measure].value
        if expectation == EQUAL:
            assert ours == theirs[measure], (measure, ours, theirs[measure])
            continue
        assert ours != theirs[measure], f"{reference} {measure} now equal: drop '{expectation}'"
        expectation.check(
            table=table,
            dictionary=dictionary,
            code=result.lait,
            reference=reference,
            april_2021=april_2021,
            may_2025=may_2025,
            year=year,
            ours=ours,
            theirs=theirs[measure],
        )


@pytest.mark.parametrize(("reference", "year"), [("7.5", "2018"), ("8.1", "2018"), ("8.2", "2017")])
def test_the_report_printed_an_older_year_than_2019_for(
    reference, year, table, dictionary, april_2021
):
    """England's printed figure is this file's for that year, not for 2019."""
    latest = computed(table, dictionary, april_2021, reference, "2019")
    assert latest[NAT].value != printed(reference)[NAT]
    assert (
        computed(table, dictionary, april_2021, reference, year)[NAT].value
        == printed(reference)[NAT]
    )


def test_sgo_2017_benchmarks_are_older_than_the_file(table, dictionary, april_2021):
    """6.7 prints 2017 figures; LAIT's SGO percentage starts in 2020."""
    assert clean(published_rows()["6.7"][-4]) == "12.3% (2017)"
    with pytest.raises(LaitError, match=r"LAC_ceased_SGO% has no data year '2017'; it has 2020"):
        computed(table, dictionary, april_2021, "6.7", "2017")
    latest = computed(table, dictionary, april_2021, "6.7", None)
    assert latest.year == "2025" and latest[BEST].value is not None


def test_every_mapped_indicator_is_compared_or_prints_no_benchmark(table, dictionary):
    mapped = set(sample_mapping())
    no_benchmarks = {r for r in mapped if set(printed(r).values()) == {None}}
    assert mapped == set(REPORT) | {"6.7"} | no_benchmarks
    assert no_benchmarks == {"6.1", "6.3", "6.4", "8.4", "10.1"}
    for reference in mapped:
        assert sample_mapping()[reference] in dictionary


def test_the_sample_import_gives_rows_and_says_why_others_have_none(table, dictionary, april_2021):
    result = compute_benchmarks(
        table, dictionary, april_2021, ROTHERHAM, sample_indicators(), year="2019"
    )
    assert result.place == "Rotherham (372)"
    rows = result.rows()
    adoption = [row for row in rows if row["indicator"] == "6.9"]
    assert adoption == [
        {
            "indicator": "6.9",
            "measure": "sn_average",
            "value": "17.3",
            "year": "2019",
            "source": "DfE LAIT %_of LAC Adopted: Percentage of CLA adopted in year; "
            "neighbours: sn_april_2021.xlsx",
        },
        {
            "indicator": "6.9",
            "measure": "best_sn",
            "value": "42.0",
            "year": "2019",
            "source": "DfE LAIT %_of LAC Adopted: Percentage of CLA adopted in year",
        },
        {
            "indicator": "6.9",
            "measure": "national_average",
            "value": "12.0",
            "year": "2019",
            "source": "DfE LAIT %_of LAC Adopted: Percentage of CLA adopted in year",
        },
        {
            "indicator": "6.9",
            "measure": "national_top_quartile",
            "value": "16.0",
            "year": "2019",
            "source": "DfE LAIT %_of LAC Adopted: Percentage of CLA adopted in year",
        },
    ]
    # 6.1 is Info and LACnum has no DfE polarity: no best neighbour, no quartile, no row.
    lac = [row["measure"] for row in rows if row["indicator"] == "6.1"]
    assert lac == ["sn_average", "national_average"]
    assert all(len(row["source"]) <= 200 for row in rows)
    assert "6.5: no LAIT measure mapped." in result.problems
    assert (
        "6.7: LAC_ceased_SGO% has no data year '2019'; it has 2020, 2021, 2022, 2023, 2024, "
        "2025." in result.problems
    )
    assert len(result.results) + len(result.problems) == 43


def test_placed_with_parents_polarity_disagrees_with_dfe(table, dictionary, april_2021):
    """8.4: Rotherham wants fewer children placed with parents; DfE's polarity is High."""
    result = computed(table, dictionary, april_2021, "8.4", "2020")
    assert result.warnings == (
        "Polarity disagrees: the indicator's good performance is Low, DfE's for "
        "LAC_Parents_OR_Others (% of CLA placed with parents or other person with parental "
        "responsibility) is High.",
    )
    # The best neighbour follows the indicator (lowest); the quartile follows LAIT (75th).
    assert result[BEST].detail.startswith("lowest of 10")
    assert result[TOP].detail.startswith("75th percentile")


def test_the_default_year_is_the_latest_with_a_value_for_the_council(table, dictionary, april_2021):
    result = computed(table, dictionary, april_2021, "6.15", None)
    assert result.year == "2025"
    # LAC_Over_Abs has no figures for anyone in 2020 (COVID).
    with pytest.raises(LaitError, match="LAC_Over_Abs has no value for anyone in 2020"):
        computed(table, dictionary, april_2021, "6.15", "2020")


# --------------------------------------------------------------------------------------------
# Small LAIT files built in memory
# --------------------------------------------------------------------------------------------

PLACES = {
    370: "Barnsley",
    371: "Doncaster",
    372: "Rotherham",
    373: "Sheffield",
    380: "Bradford",
    381: "Calderdale",
    382: "Kirklees",
    383: "Leeds",
    384: "Wakefield",
    390: "Gateshead",
    391: "Newcastle",
    970: "England",
    982: "Yorkshire and the Humber",
}
NEIGHBOURS = [370, 371, 373, 380, 381, 382, 383, 384, 390, 391]
TEST_MEASURE = MeasureInfo(code="TEST", name="A test measure", polarity="High", dps=1)


def lait_rows(values: dict[int, str], measure: str = "TEST", year: str = "2019") -> list[list]:
    return [
        [measure, "", year, PLACES[la], value, f"{la}.0", "Yorkshire and The Humber"]
        for la, value in values.items()
    ]


def lait_file(*row_sets: list[list], gz: bool = True) -> io.BytesIO:
    data = csv_bytes([HEADER, *(row for rows in row_sets for row in rows)])
    return io.BytesIO(gzip.compress(data) if gz else data)


def neighbour_list(groups: Mapping[int, Sequence[object]]) -> io.BytesIO:
    header = ["LA num", "LA Name", "LA number", "GOInd", "GOReg"]
    for n in range(1, 11):
        header += [f"SN{n}", "SNP"]
    rows: list[Sequence[object]] = [list("ABCDE"), list(range(1, 26)), header]
    for la, neighbours in groups.items():
        row: list[object] = [la, PLACES.get(la, "?"), la, 9, "Yorkshire and the Humber"]
        for neighbour in neighbours:
            row += [neighbour, "Very Close"]
        rows.append(row)
    return io.BytesIO(xlsx_bytes(rows))


def small(values: dict[int, str], **kwargs):
    table = read_long_table(lait_file(lait_rows(values)), {"TEST"})
    neighbours = read_neighbour_list(neighbour_list({372: NEIGHBOURS}), name="test list")
    return compute_indicator(table, TEST_MEASURE, neighbours, 372, **kwargs)


ALL = {la: "50" for la in PLACES}


def test_suppressed_and_missing_values_are_skipped_with_the_reason():
    values = ALL | {370: "c", 371: "x", 373: "..", 380: "-", 381: "", 382: "n/a", 383: "60"}
    result = small(values)
    assert result[SN].value == D("52.5")  # (60 + 50 + 50 + 50) / 4
    assert result[SN].detail == "average of 4 of 10 neighbours"
    assert result.skipped == (
        "Barnsley (370): 'c' suppressed",
        "Doncaster (371): 'x' not available",
        "Sheffield (373): '..' not available",
        "Bradford (380): '-' no figure",
        "Calderdale (381): blank",
        "Kirklees (382): 'n/a' not a number",
    )
    assert result[BEST].value == D("60.0")
    assert result[BEST].detail == "highest of 4: Leeds (383)"


def test_a_neighbour_missing_from_the_file_is_skipped_and_named():
    values = {la: v for la, v in ALL.items() if la != 391}
    assert small(values).skipped == ("LA 391: no figure in the file",)


def test_float_noise_is_read_as_the_published_figure_and_rounding_is_half_up():
    assert read_value("74.599999999999994", 1) == D("74.6")
    assert read_value("7.0000000000000007E-2", 2) == D("0.07")
    assert read_value(" 42 ", 1) == D("42.0")
    assert read_value("1E+999999999", 1) == Missing("1E+999999999", "too large")
    assert read_value("NaN", 1) == Missing("NaN", "not a number")
    # 78.4 and 78.5 average 78.45, published as 78.5 (DfE rounds half up).
    values = ALL | dict.fromkeys(NEIGHBOURS[:5], "78.4") | dict.fromkeys(NEIGHBOURS[5:], "78.5")
    assert small(values)[SN].value == D("78.5")


def test_best_neighbour_follows_the_indicator_polarity():
    values = ALL | {370: "10", 371: "90"}
    assert small(values, polarity="High")[BEST].value == D("90.0")
    assert small(values, polarity="Low")[BEST].value == D("10.0")
    assert small(values, polarity="Within limits (low)")[BEST].value == D("10.0")
    for polarity in ("Info", "Within limits"):
        best = small(values, polarity=polarity)[BEST]
        assert best.value is None
        assert best.detail == f"none: good performance '{polarity}' has no best direction"


def test_national_is_england_and_the_top_quartile_excludes_england_and_regions():
    values = {la: str(la - 360) for la in [*NEIGHBOURS, 372]} | {970: "200", 982: "300"}
    result = small(values)
    assert result[NAT].value == D("200.0") and result[NAT].detail == "England"
    # The eleven councils' R quantile(type 7, 0.75), England and the region left out.
    councils = [D(la - 360) for la in [*NEIGHBOURS, 372]]
    assert result[TOP].value == quantile_type7(councils, D("0.75")) == D("23.5")
    assert (
        result[TOP].detail
        == "75th percentile of 11 local authorities (R type 7; DfE polarity High)"
    )


def test_no_national_figure_is_said():
    result = small(ALL | {970: "c"})
    assert result[NAT].value is None
    assert result[NAT].detail == "none: England (970) 'c' suppressed"


@pytest.mark.parametrize(
    ("values", "probability", "expected"),
    [
        # R: quantile(c(...), p, type = 7)
        ([1, 2, 3, 4], "0.25", "1.75"),
        ([1, 2, 3, 4], "0.75", "3.25"),
        (list(range(1, 11)), "0.25", "3.25"),
        (list(range(1, 11)), "0.75", "7.75"),
        ([7], "0.75", "7"),
        ([1, 3], "0.25", "1.5"),
        ([10, 20, 30, 40, 50], "0.75", "40"),
        ([10, 20, 30, 40, 50], "0.25", "20"),
        ([D("2.5"), 1, 4], "0.75", "3.25"),
        ([6, 47, 49, 15, 42, 41, 7, 39, 43, 40, 36], "0.25", "25.5"),
        ([6, 47, 49, 15, 42, 41, 7, 39, 43, 40, 36], "0.75", "42.5"),
        ([5, 5, 5, 9], "0.75", "6"),
    ],
)
def test_quartile_is_r_type_7(values, probability, expected):
    assert quantile_type7([D(v) for v in values], D(probability)) == D(expected)


def test_no_quartile_where_lait_shows_none():
    no_direction = MeasureInfo(code="TEST", name="t", polarity="-", dps=1)
    marked = MeasureInfo(code="TEST", name="t", polarity="High", dps=1, no_quartile=True)
    table = read_long_table(lait_file(lait_rows(ALL)), {"TEST"})
    neighbours = read_neighbour_list(neighbour_list({372: NEIGHBOURS}))
    for measure, why in ((no_direction, "DfE polarity '-'"), (marked, "marked No_Quartile")):
        top = compute_indicator(table, measure, neighbours, 372, polarity="High")[TOP]
        assert top.value is None
        assert top.detail == f"none: LAIT shows no quartiles for TEST ({why})"


def test_a_plain_csv_is_read_like_a_gzipped_one():
    plain = read_long_table(lait_file(lait_rows(ALL), gz=False), {"TEST"})
    zipped = read_long_table(lait_file(lait_rows(ALL)), {"TEST"})
    assert plain == zipped and plain.values["TEST"]["2019"][372] == "50"


def test_only_the_measures_asked_for_are_kept():
    table = read_long_table(
        lait_file(lait_rows(ALL), lait_rows(ALL, measure="OTHER")), {"TEST", "ABSENT"}
    )
    assert set(table.values) == {"TEST"}
    assert table.rows == 2 * len(ALL)


# --------------------------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------------------------


def test_an_unknown_la_number_is_refused(dictionary):
    table = read_long_table(lait_file(lait_rows(ALL)), {"TEST"})
    neighbours = read_neighbour_list(neighbour_list({372: NEIGHBOURS}))
    with pytest.raises(LaitError, match="LA number 999 is not a local authority of the LAIT"):
        compute_indicator(table, TEST_MEASURE, neighbours, 999)
    # England is in the file, but is no council.
    with pytest.raises(LaitError, match="LA number 970 is not a local authority"):
        compute_benchmarks(table, dictionary, neighbours, 970, [])


def test_a_neighbour_list_without_the_council_is_refused(april_2021, table, dictionary):
    neighbours = read_neighbour_list(neighbour_list({370: [*NEIGHBOURS[1:], 372]}), name="x")
    small_table = read_long_table(lait_file(lait_rows(ALL)), {"TEST"})
    with pytest.raises(LaitError, match=r"LA 372 is not in the statistical-neighbour list x\."):
        compute_indicator(small_table, TEST_MEASURE, neighbours, 372)
    # Cumberland (942) is newer than the April 2021 list, which gives it "-" neighbours.
    with pytest.raises(LaitError, match=r"sn_april_2021\.xlsx gives LA 942 no statistical"):
        compute_benchmarks(table, dictionary, april_2021, 942, sample_indicators())


def test_a_file_that_is_not_laits_is_refused_naming_the_columns():
    other = io.BytesIO(csv_bytes([["indicator", "month", "value"], ["6.1", "2020-04", "5"]]))
    with pytest.raises(LaitError) as error:
        read_long_table(other, {"TEST"})
    assert str(error.value) == (
        "This is not LAIT's long table: its header must have the columns Short Desc, Years, "
        "LA and Regions, Values, LA Number; missing: Short Desc, Years, LA and Regions, "
        "Values, LA Number."
    )
    with pytest.raises(LaitError, match="not LAIT's long table"):
        read_long_table(io.BytesIO(b""), {"TEST"})
    workbook = io.BytesIO(xlsx_bytes([HEADER]))
    with pytest.raises(LaitError, match=r"not UTF-8 text|not LAIT's long table"):
        read_long_table(workbook, {"TEST"})


def test_a_truncated_or_corrupt_gzip_is_refused():
    whole = (DATA / "lait_long.csv.gz").read_bytes()
    with pytest.raises(LaitError, match=r"not a readable gzip file \(Compressed file ended"):
        read_long_table(io.BytesIO(whole[: len(whole) // 2]), {"LAC"})
    # A damaged checksum: every row reads, the gzip check at the end refuses the file.
    damaged = bytearray(lait_file(lait_rows(ALL)).getvalue())
    damaged[-8] ^= 0xFF
    with pytest.raises(LaitError, match=r"not a readable gzip file \(CRC check failed"):
        read_long_table(io.BytesIO(bytes(damaged)), {"TEST"})
    # Damage inside the compressed data is refused too, by zlib or by the rows it garbles.
    garbled = bytearray(whole)
    garbled[100_000:100_100] = bytes(100)
    with pytest.raises(LaitError):
        read_long_table(io.BytesIO(bytes(garbled)), {"LAC"})


def test_limits_refuse_a_file_too_large_too_long_or_with_a_huge_line():
    with pytest.raises(LaitError, match="larger than 100 bytes"):
        read_long_table(lait_file(lait_rows(ALL)), {"TEST"}, max_bytes=100)
    with pytest.raises(LaitError, match="more than 5 rows"):
        read_long_table(lait_file(lait_rows(ALL)), {"TEST"}, max_rows=5)
    with pytest.raises(LaitError, match="more than 12 rows of the measures asked for"):
        read_long_table(lait_file(lait_rows(ALL)), {"TEST"}, max_kept=12)
    assert read_long_table(lait_file(lait_rows(ALL)), {"TEST"}, max_kept=13).rows == 13
    many = [["TEST", "", "2019", "x", "1", str(n), ""] for n in range(2_001)]
    with pytest.raises(LaitError, match="more than 2,000 LA numbers"):
        read_long_table(lait_file(many), {"TEST"})
    huge = gzip.compress(b"Short Desc," + b"x" * 200_000 + b"\n")
    with pytest.raises(LaitError, match="longer than 65,536 characters"):
        read_long_table(io.BytesIO(huge), {"TEST"})


def test_bad_rows_are_refused_with_their_line():
    bad_la = lait_rows({372: "5"})
    bad_la[0][5] = "Rotherham"
    with pytest.raises(LaitError, match="Line 2: LA Number 'Rotherham' is not a number"):
        read_long_table(lait_file(bad_la), {"TEST"})
    twice = lait_rows({372: "5"}) + lait_rows({372: "6"})
    with pytest.raises(LaitError, match="Line 3: a second value for TEST, 2019, LA 372"):
        read_long_table(lait_file(twice), {"TEST"})
    short = io.BytesIO(csv_bytes([HEADER, ["TEST", "", "2019"]]))
    with pytest.raises(LaitError, match="Line 2: 3 fields where the header has 6"):
        read_long_table(short, {"TEST"})


def test_measure_not_in_file_year_not_in_file_and_no_value_are_refused():
    table = read_long_table(lait_file(lait_rows(ALL)), {"TEST"})
    neighbours = read_neighbour_list(neighbour_list({372: NEIGHBOURS}))
    absent = MeasureInfo(code="ABSENT", name="", polarity="High", dps=1)
    with pytest.raises(LaitError, match="Measure 'ABSENT' is not in the LAIT file"):
        compute_indicator(table, absent, neighbours, 372)
    with pytest.raises(LaitError, match="TEST has no data year '2019/20'; it has 2019"):
        compute_indicator(table, TEST_MEASURE, neighbours, 372, year="2019/20")
    silent = read_long_table(lait_file(lait_rows(dict.fromkeys(PLACES, "-"))), {"TEST"})
    with pytest.raises(LaitError, match=r"Rotherham \(372\) has no value for TEST in any year"):
        compute_indicator(silent, TEST_MEASURE, neighbours, 372)
    with pytest.raises(LaitError, match="TEST has no value for anyone in 2019"):
        compute_indicator(silent, TEST_MEASURE, neighbours, 372, year="2019")


def test_the_latest_year_is_the_councils_latest_figure():
    rows = lait_rows(ALL, year="2018") + lait_rows(ALL | {372: "c"}, year="2019/20")
    table = read_long_table(lait_file(rows), {"TEST"})
    neighbours = read_neighbour_list(neighbour_list({372: NEIGHBOURS}))
    assert compute_indicator(table, TEST_MEASURE, neighbours, 372).year == "2018"


def test_an_unmapped_indicator_and_an_unknown_measure_are_problems_not_failures(dictionary):
    table = read_long_table(lait_file(lait_rows(ALL)), {"TEST"})
    neighbours = read_neighbour_list(neighbour_list({372: NEIGHBOURS}))
    result = compute_benchmarks(
        table,
        dictionary,
        neighbours,
        372,
        [MappedIndicator("6.5", "", "High"), MappedIndicator("6.9", "NOPE", "High")],
    )
    assert result.results == () and result.rows() == []
    assert result.problems == (
        "6.5: no LAIT measure mapped.",
        "6.9: Measure 'NOPE' is not in LAIT's data dictionary.",
    )


def test_neighbour_lists_that_are_not_dfe_lists_are_refused():
    with pytest.raises(LaitError, match="not an Excel workbook"):
        read_neighbour_list(io.BytesIO(b"LA num,SN1\n372,371\n"))
    with pytest.raises(LaitError, match="not a DfE list: no header row with the columns la num"):
        read_neighbour_list(io.BytesIO(xlsx_bytes([["LA", "Neighbour"], [372, 371]])))
    bad = neighbour_list({372: ["Doncaster", *NEIGHBOURS[1:]]})
    with pytest.raises(LaitError, match="row 4, column 6: 'Doncaster' is not an LA number"):
        read_neighbour_list(bad)
    header = ["LA num", "LA Name"] + [f"SN{n}" for n in range(1, 11)]
    twice: list[Sequence[str | int]] = [
        ["x"],
        ["y"],
        header,
        [372, "R", *NEIGHBOURS],
        [372, "R", *NEIGHBOURS],
    ]
    with pytest.raises(LaitError, match="row 5: LA 372 is listed twice"):
        read_neighbour_list(io.BytesIO(xlsx_bytes(twice)))


def test_the_april_2021_list_gives_rotherham_its_ten_neighbours(april_2021, may_2025):
    assert [n.la for n in april_2021.neighbours_of(ROTHERHAM)] == [
        371,
        359,
        332,
        357,
        370,
        894,
        813,
        807,
        812,
        384,
    ]
    assert april_2021.neighbours_of(ROTHERHAM)[0].closeness == "Extremely Close"
    assert len(may_2025.neighbours_of(ROTHERHAM)) == 10


# --------------------------------------------------------------------------------------------
# Dictionary, LA names, polarity, suggestions
# --------------------------------------------------------------------------------------------


def test_the_data_dictionary_gives_polarity_and_published_decimals(dictionary):
    adopted = dictionary["%_of LAC Adopted"]
    assert (adopted.name, adopted.polarity, adopted.dps) == (
        "Percentage of CLA adopted in year",
        "High",
        1,  # NA: LAIT shows one decimal
    )
    assert adopted.year_type == "Financial Year"
    assert dictionary["LACnum"].dps == 0 and dictionary["LAC"].polarity == "-"
    # Listed under two topics with dps NA and 2: one measure, LAIT's larger dps.
    absence = dictionary["LAC_Over_Abs"]
    assert absence.dps == 2 and len(absence.topics) == 2
    with pytest.raises(LaitError, match="Measure 'NOPE' is not in LAIT's data dictionary"):
        dictionary["NOPE"]


def test_a_file_that_is_not_the_data_dictionary_is_refused():
    with pytest.raises(LaitError, match="columns Measure_short, Measure, Polarity, dps"):
        read_data_dictionary(io.BytesIO(csv_bytes([HEADER])))
    bad = csv_bytes([["Measure_short", "Measure", "Polarity", "dps"], ["X", "x", "High", "two"]])
    with pytest.raises(LaitError, match="line 2: dps 'two' of X is not a number"):
        read_data_dictionary(io.BytesIO(bad))


def test_a_council_is_chosen_by_name():
    codes = read_la_codes(DATA / "la_code_list.xlsx")
    assert codes.number_for("Rotherham") == 372
    assert codes.number_for("  rotherham ") == 372
    with pytest.raises(LaitError, match=r"No LA is called 'Rotherhm'\. Did you mean: Rotherham"):
        codes.number_for("Rotherhm")


@pytest.mark.parametrize(
    ("ours", "dfe", "disagrees"),
    [
        ("High", "High", False),
        ("Low", "Low", False),
        ("High", "Low", True),
        ("Low", "High", True),
        ("Within limits (low)", "High", True),
        ("Within limits (low)", "Low", False),
        ("Info", "High", False),
        ("Within limits", "Low", False),
        ("High", "-", False),
    ],
)
def test_polarity_disagreement(ours, dfe, disagrees):
    measure = MeasureInfo(code="M", name="a measure", polarity=dfe, dps=1)
    warning = polarity_disagreement(ours, measure)
    assert bool(warning) == disagrees
    if disagrees:
        assert warning == (
            f"Polarity disagrees: the indicator's good performance is {ours}, DfE's for M "
            f"(a measure) is {dfe}."
        )


def test_an_unknown_polarity_is_refused():
    with pytest.raises(LaitError, match="Unknown polarity: 'Sideways' is not one of"):
        polarity_disagreement("Sideways", TEST_MEASURE)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("% of children adopted", "%_of LAC Adopted"),
        ("Number of adoptions", "No_of LAC Adopted"),
        ("Number of Looked After Children", "LACnum"),
        ("care leavers accommodation", "CareLeaverAcc"),
        ("care leavers in employment, education or training", "CareLeaverEET"),
        ("LAC overall absence", "LAC_Over_Abs"),
        ("persistent absentees looked after", "LAC_Pers_Abs"),
        ("rate of looked after children per 10,000", "LAC"),
    ],
)
def test_suggestions_rank_the_measure_meant_first(dictionary, query, first):
    assert suggest_measures(dictionary, query)[0].measure.code == first


def test_suggestions_for_one_word_list_every_measure_with_it(dictionary):
    codes = [s.measure.code for s in suggest_measures(dictionary, "adopted", limit=20)]
    assert codes[:2] == ["No_of LAC Adopted", "%_of LAC Adopted"]
    assert {"LACnum_Adopt_AppUnop", "LAC%_Adopt_ConsentDisp"} <= set(codes)


def test_suggestions_for_nothing_are_empty(dictionary):
    assert suggest_measures(dictionary, "zzzz qqqq") == []
    assert suggest_measures(dictionary, "of the") == []
    assert len(suggest_measures(dictionary, "children", limit=3)) == 3
