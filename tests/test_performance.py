"""Table-driven tests for indicators.performance.

The tables follow docs/domain.md (RAG tolerances, DOT, aggregation, YTD) and the figures
published in the reference reports seeds/000 (April 2020) and seeds/001 (October 2017).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from indicators.performance import (
    AGGREGATION_ALIASES,
    Aggregation,
    Band,
    Dot,
    Frequency,
    Kind,
    Marker,
    Measure,
    MonthFigure,
    Polarity,
    Rag,
    ThresholdError,
    ThresholdKind,
    Thresholds,
    Ytd,
    direction_of_travel,
    financial_year,
    format_value,
    kind_of_unit,
    month_key,
    month_label,
    months_of_year,
    numeric_direction,
    parse_choice,
    parse_month,
    parse_thresholds,
    parse_year,
    previous_months,
    quartile_band,
    rag,
    rate_base,
    ratio_value,
    read_figure,
    round_to,
    year_label,
    year_to_date,
)

D = Decimal
HIGH, LOW, INFO = Polarity.HIGH, Polarity.LOW, Polarity.INFO
WL, WLL = Polarity.WITHIN_LIMITS, Polarity.WITHIN_LIMITS_LOW
R, A, G = Rag.RED, Rag.AMBER, Rag.GREEN


# --------------------------------------------------------------------------------------------
# parse_choice
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("enum_cls", "text", "expected"),
    [
        (Polarity, "High", HIGH),
        (Polarity, "high", HIGH),
        (Polarity, "  LOW  ", LOW),
        (Polarity, "Within Limits", WL),
        (Polarity, "within  limits (low)", WLL),
        (Polarity, "WITHIN_LIMITS_LOW", WLL),
        (Polarity, "within limits low", WLL),
        (Aggregation, "As at month end", Aggregation.SNAPSHOT),
        (Aggregation, "snapshot", Aggregation.SNAPSHOT),
        (Aggregation, "financial year", Aggregation.FINANCIAL_YEAR),
        (Aggregation, "rolling year", Aggregation.ROLLING_YEAR),
        (Aggregation, "YTD average", Aggregation.YTD_AVERAGE),
        (Kind, "Percentage", Kind.PERCENTAGE),
        (Kind, "rate", Kind.RATE),
        (Aggregation, "As at mth end", Aggregation.SNAPSHOT),
        (Frequency, "Termly", Frequency.TERMLY),
        (Marker, "tbc", Marker.AWAITED),
        (Marker, "N/A", Marker.NOT_APPLICABLE),
        (Rag, "g", Rag.GREEN),
        (Rag, "amber", Rag.AMBER),
        (Measure, "NAT_AVE".replace("NAT_AVE", "national_average"), Measure.NATIONAL_AVERAGE),
        (Band, "top quartile", Band.TOP_QUARTILE),
    ],
)
def test_parse_choice_matches_value_or_name(enum_cls: type, text: str, expected: object) -> None:
    aliases = AGGREGATION_ALIASES if enum_cls is Aggregation else None
    assert parse_choice(enum_cls, text, aliases) is expected


def test_parse_choice_error_lists_the_values() -> None:
    with pytest.raises(ValueError) as caught:
        parse_choice(Polarity, "xyz")
    assert (
        str(caught.value)
        == "'xyz' is not one of: High, Low, Info, Within limits, Within limits (low)"
    )


@pytest.mark.parametrize("text", ["", "Hi", "Within", "Count"])
def test_parse_choice_rejects_near_misses(text: str) -> None:
    with pytest.raises(ValueError, match="is not one of"):
        parse_choice(Polarity, text)


def test_enum_values_are_the_report_spellings() -> None:
    assert [p.value for p in Polarity] == [
        "High",
        "Low",
        "Info",
        "Within limits",
        "Within limits (low)",
    ]
    assert [d.value for d in Dot] == ["↑", "→", "↓"]
    assert [r.value for r in Rag] == ["R", "A", "G"]
    assert [m.value for m in Marker] == ["-", "n/a", "TBC"]
    assert [k.value for k in Kind] == [
        "count",
        "percentage",
        "rate",
        "average",
        "days",
        "money",
        "other",
    ]
    assert Aggregation.SNAPSHOT == "As at month end"


# --------------------------------------------------------------------------------------------
# Thresholds: every notation row of domain.md, both sides of each boundary and at equality
# --------------------------------------------------------------------------------------------

DOMAIN_ROWS = {
    "high": (HIGH, "<90%", "90%>", "95%+"),
    "low": (LOW, "13%+", "13%<", "10.8%<"),
    "low_days": (LOW, "511+", "511<", "487<"),
    "within_limits": (WL, "1+ above range", "1 above range", "14-20"),
    "info_tolerance": (INFO, "more than +/-15", "+/-15", "+/-5 of 158.8"),
    "target_high_arrow": (HIGH, "", "", "85%>"),
    "target_low_bare": (LOW, "", "", "99.1"),
    "target_high_bare": (HIGH, "", "", "99.1"),
    "target_low_arrow": (LOW, "", "", "10%<"),
}

RAG_CASES = [
    # High: green >= 95; amber 90 <= v < 95; red < 90
    ("high", "0", R),
    ("high", "89.9", R),
    ("high", "90", A),
    ("high", "90.0", A),
    ("high", "90.1", A),
    ("high", "94.9", A),
    ("high", "95", G),
    ("high", "95.0", G),
    ("high", "95.1", G),
    ("high", "100", G),
    # Low: green <= 10.8; amber 10.8 < v < 13; red >= 13
    ("low", "0", G),
    ("low", "10.7", G),
    ("low", "10.8", G),
    ("low", "10.9", A),
    ("low", "12.9", A),
    ("low", "13", R),
    ("low", "13.1", R),
    # Low (days): green <= 487; amber 487 < v < 511; red >= 511
    ("low_days", "486", G),
    ("low_days", "487", G),
    ("low_days", "487.1", A),
    ("low_days", "510.9", A),
    ("low_days", "511", R),
    ("low_days", "512", R),
    # Within limits: green 14..20; amber within 1 outside; red further out
    ("within_limits", "12.9", R),
    ("within_limits", "13", A),
    ("within_limits", "13.9", A),
    ("within_limits", "14", G),
    ("within_limits", "17", G),
    ("within_limits", "20", G),
    ("within_limits", "20.1", A),
    ("within_limits", "21", A),
    ("within_limits", "21.1", R),
    # Info with tolerance: green within 5 of 158.8; amber within 15; red beyond
    ("info_tolerance", "158.8", G),
    ("info_tolerance", "153.8", G),
    ("info_tolerance", "163.8", G),
    ("info_tolerance", "153.7", A),
    ("info_tolerance", "163.9", A),
    ("info_tolerance", "143.8", A),
    ("info_tolerance", "173.8", A),
    ("info_tolerance", "143.7", R),
    ("info_tolerance", "173.9", R),
    # Target only: green when met (at equality too), red when not
    ("target_high_arrow", "84.9", R),
    ("target_high_arrow", "85", G),
    ("target_high_arrow", "85.1", G),
    ("target_low_bare", "99.0", G),
    ("target_low_bare", "99.1", G),
    ("target_low_bare", "99.2", R),
    ("target_high_bare", "99.0", R),
    ("target_high_bare", "99.1", G),
    ("target_high_bare", "99.2", G),
    ("target_low_arrow", "9.9", G),
    ("target_low_arrow", "10", G),
    ("target_low_arrow", "10.1", R),
]


@pytest.mark.parametrize(("row", "value", "expected"), RAG_CASES)
def test_domain_notation_rag(row: str, value: str, expected: Rag) -> None:
    thresholds = parse_thresholds(*DOMAIN_ROWS[row])
    assert thresholds.rag(D(value)) is expected
    assert rag(thresholds, D(value)) is expected


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "high",
            Thresholds(
                ThresholdKind.BANDS,
                higher_is_better=True,
                green=D(95),
                red=D(90),
                red_inclusive=False,
            ),
        ),
        (
            "low",
            Thresholds(
                ThresholdKind.BANDS,
                higher_is_better=False,
                green=D("10.8"),
                red=D(13),
                red_inclusive=True,
            ),
        ),
        (
            "low_days",
            Thresholds(
                ThresholdKind.BANDS,
                higher_is_better=False,
                green=D(487),
                red=D(511),
                red_inclusive=True,
            ),
        ),
        ("within_limits", Thresholds(ThresholdKind.RANGE, low=D(14), high=D(20), margin=D(1))),
        (
            "info_tolerance",
            Thresholds(ThresholdKind.TOLERANCE, centre=D("158.8"), tolerance=D(5), margin=D(15)),
        ),
        (
            "target_high_arrow",
            Thresholds(ThresholdKind.TARGET_ONLY, higher_is_better=True, green=D(85)),
        ),
        (
            "target_low_bare",
            Thresholds(ThresholdKind.TARGET_ONLY, higher_is_better=False, green=D("99.1")),
        ),
        (
            "target_low_arrow",
            Thresholds(ThresholdKind.TARGET_ONLY, higher_is_better=False, green=D(10)),
        ),
    ],
)
def test_domain_notation_fields(row: str, expected: Thresholds) -> None:
    assert parse_thresholds(*DOMAIN_ROWS[row]) == expected


@pytest.mark.parametrize(
    ("polarity", "red", "amber", "green"),
    [
        (INFO, "", "", "n/a"),
        (INFO, "", "", "N/A"),
        (HIGH, "", "", ""),
        (HIGH, "   ", " ", "  "),
        (HIGH, "", "", "range to be set"),
        (HIGH, "range to be set", "range to be set", ""),
        (HIGH, "Range To Be Set", "", "n/a"),
        (LOW, "to be set", "", ""),
        (LOW, "", "tbc", ""),
        (HIGH, "", "", "TBC"),
        (HIGH, "range", "to be set", ""),
        (HIGH, "-", "-", "-"),
        (WL, "", "", "n/a"),
        # domain.md: green n/a means no RAG whatever the other cells say
        (HIGH, "<90%", "90%>", "n/a"),
    ],
)
def test_no_rag(polarity: Polarity, red: str, amber: str, green: str) -> None:
    thresholds = parse_thresholds(polarity, red, amber, green)
    assert thresholds.kind is ThresholdKind.NONE
    assert thresholds.rag(D(50)) is None
    assert rag(thresholds, D(50)) is None


def test_rag_of_no_value_is_none() -> None:
    assert rag(parse_thresholds(*DOMAIN_ROWS["high"]), None) is None


# Notations from the seeds (000 April 2020, 001 October 2017), with the published figures.
SEED_CASES = [
    # 000 6.8 LAC cases reviewed within timescales
    (HIGH, "<90%", "90%>", "95%+", "95.2", G),
    # 000 6.9 % of children adopted
    (HIGH, "<20%", "20%>", "22.7%+", "8.3", R),
    (HIGH, "<20%", "20%>", "22.7%+", "22.7", G),
    (HIGH, "<20%", "20%>", "22.7%+", "22.6", A),
    # 000 6.10 health assessments
    (HIGH, "<90%", "90%>", "95%+", "84.4", R),
    # 000 6.19 plans
    (HIGH, "<93%", "93%>", "95%+", "94.7", A),
    # 000 7.4 suitable accommodation
    (HIGH, "<95%", "95%>", "98%+", "95.1", A),
    # 000 7.5 EET
    (HIGH, "<70%", "70%>", "72%+", "60.3", R),
    # 000 8.2 3+ placements (Low)
    (LOW, "13%+", "13%<", "10.8%<", "9.6", G),
    # 000 8.3 family based setting: target only
    (HIGH, "", "", "85%>", "81.6", R),
    # 000 10.3 adoptions within 12 months
    (HIGH, "<83%", "83%>", "85%+", "100.0", G),
    (HIGH, "<83%", "83%>", "85%+", "83", A),
    (HIGH, "<83%", "83%>", "85%+", "82.9", R),
    # 000 10.4 / 001 10.4 days to adoption placement (Low)
    (LOW, "511+", "511<", "487<", "0.0", G),
    (LOW, "511+", "511<", "487<", "307.6", G),
    # 001 10.5 placement order to match
    (LOW, "127+", "127<", "121<", "138.5", R),
    (LOW, "127+", "127<", "121<", "121", G),
    (LOW, "127+", "127<", "121<", "126.9", A),
    # 000 11.4 maximum caseload: red and green decide, amber only lies between
    (LOW, "21+", "20<", "18<", "29", R),
    (LOW, "21+", "20<", "18<", "21", R),
    (LOW, "21+", "20<", "18<", "20.9", A),
    (LOW, "21+", "20<", "18<", "20", A),
    (LOW, "21+", "20<", "18<", "18.1", A),
    (LOW, "21+", "20<", "18<", "18", G),
    (LOW, "21+", "20<", "18<", "17", G),
    # 001 8.2 (Low, rolling year)
    (LOW, "12%+", "12%<", "9.6%<", "13.4", R),
    # 000 11.5 / 11.6 (Within Limits, 1+ above range)
    (WL, "1+ above range", "1 above range", "14-20", "17.4", G),
    (WL, "1+ above range", "1 above range", "14-20", "15.4", G),
    # 001 11.4 / 11.5 (Within Limits, over 1% above range)
    (WL, "over 1% above range", "1% above range", "14-20", "13.2", A),
    (WL, "over 1% above range", "1% above range", "14-20", "11.4", R),
    (WL, "over 1% above range", "1% above range", "14-20", "21", A),
    (WL, "over 1% above range", "1% above range", "14-20", "21.1", R),
    (WL, "more than 1 above range", "1 above range", "14-20", "12.9", R),
    # Within limits (low) is read as Within limits for RAG
    (WLL, "1+ above range", "1 above range", "14-20", "13", A),
    # 001 8.3: green-only 87.5%> with red/amber "range to be set" (split across cells there)
    (HIGH, "range", "to be set", "87.5%>", "81.7", R),
    (HIGH, "range to be set", "range to be set", "87.5%>", "87.5", G),
    (HIGH, "range to be set", "", "87.5%>", "87.4", R),
    # Percent signs, case and spaces are decoration
    (HIGH, " < 90 % ", "90 >", " 95 + ", "95", G),
    (HIGH, "<90", "90>", "95+", "89.9", R),
    (WL, "OVER 1% ABOVE RANGE", "1% Above Range", " 14 - 20 ", "20.5", A),
    (INFO, "More Than +/-15", "±15", "± 5 of 158.8", "170", A),
    # Tolerance suits any polarity
    (HIGH, "more than +/-15", "+/-15", "+/-5 of 158.8", "140", R),
    # Only the range given: target only, green inside and red outside
    (WL, "", "", "14-20", "13.9", R),
    (WL, "", "", "14-20", "14", G),
    (WL, "", "", "14-20", "20.1", R),
    # Range margin from red when amber is blank
    (WL, "1+ above range", "", "14-20", "21", A),
    (WL, "1+ above range", "", "14-20", "21.1", R),
    # Tolerance with green only; with red only
    (INFO, "", "", "+/-5 of 158.8", "163.9", R),
    (INFO, "more than +/-15", "", "+/-5 of 158.8", "173.8", A),
    # Red touching green with an exclusive bound: no amber band at all
    (HIGH, "<90", "", "90+", "89.9", R),
    (HIGH, "<90", "", "90+", "90", G),
    # High with an inclusive red ("90 or below")
    (HIGH, "90<", "", "95+", "90", R),
    (HIGH, "90<", "", "95+", "90.1", A),
]


@pytest.mark.parametrize(("polarity", "red", "amber", "green", "value", "expected"), SEED_CASES)
def test_seed_notations(
    polarity: Polarity, red: str, amber: str, green: str, value: str, expected: Rag
) -> None:
    assert rag(parse_thresholds(polarity, red, amber, green), D(value)) is expected


def test_range_only_green_has_no_margin() -> None:
    assert parse_thresholds(WL, "", "", "14-20") == Thresholds(
        ThresholdKind.RANGE, low=D(14), high=D(20)
    )


def test_split_placeholder_gives_target_only() -> None:
    assert parse_thresholds(HIGH, "range", "to be set", "87.5%>") == Thresholds(
        ThresholdKind.TARGET_ONLY, higher_is_better=True, green=D("87.5")
    )


ERROR_CASES = [
    # red and green on the wrong side of each other for the polarity
    (HIGH, "<95%", "", "90%+", "red", "<95%"),
    (HIGH, "<95%", "93%>", "90%+", "red", "<95%"),
    (LOW, "10%+", "", "13%<", "red", "10%+"),
    # an inclusive red bound may not touch green
    (LOW, "13+", "", "13<", "red", "13+"),
    # a red band pointing the wrong way for the polarity
    (HIGH, "13%+", "", "95%+", "red", "13%+"),
    (LOW, "<90%", "", "10.8%<", "red", "<90%"),
    # red must say which side is red
    (HIGH, "90", "", "95+", "red", "90"),
    (HIGH, "lots", "", "95+", "red", "lots"),
    # amber outside red..green, pointing the wrong way, or unreadable
    (HIGH, "<90%", "96%>", "95%+", "amber", "96%>"),
    (HIGH, "<90%", "85%>", "95%+", "amber", "85%>"),
    (LOW, "13%+", "14%<", "10.8%<", "amber", "14%<"),
    (HIGH, "<90%", "90%<", "95%+", "amber", "90%<"),
    (HIGH, "<90%", "soon", "95%+", "amber", "soon"),
    # amber without red
    (HIGH, "", "90%>", "95%+", "red", ""),
    # a suffix contradicting the polarity
    (HIGH, "", "", "10%<", "green", "10%<"),
    (LOW, "", "", "95%+", "green", "95%+"),
    (LOW, "", "", "85%>", "green", "85%>"),
    # Info / Within limits have no good direction for a one-sided target
    (INFO, "", "", "99.1", "green", "99.1"),
    (INFO, "<90%", "90%>", "95%+", "green", "95%+"),
    (WL, "", "", "18", "green", "18"),
    (WLL, "", "", "18+", "green", "18+"),  # Within limits (low) takes the Low bands only
    # a target excluding its own bound (a target is met at equality)
    (LOW, "", "", "<10", "green", "<10"),
    # unreadable green
    (HIGH, "", "", "abc", "green", "abc"),
    (HIGH, "", "", "95%++", "green", "95%++"),
    (HIGH, "", "", "+/-5", "green", "+/-5"),
    (HIGH, "", "", "12.3.4", "green", "12.3.4"),
    # red / amber given with no green
    (HIGH, "<90%", "90%>", "", "green", ""),
    (HIGH, "<90%", "", "range to be set", "green", "range to be set"),
    (HIGH, "", "90%>", "tbc", "green", "tbc"),
    # range forms
    (WL, "1+ above range", "1 above range", "20-14", "green", "20-14"),
    (WL, "<90%", "", "14-20", "red", "<90%"),
    (WL, "", "+/-1", "14-20", "amber", "+/-1"),
    (WL, "", "1+ above range", "14-20", "amber", "1+ above range"),
    (WL, "2+ above range", "1 above range", "14-20", "red", "2+ above range"),
    # tolerance forms
    (INFO, "", "+/-3", "+/-5 of 158.8", "amber", "+/-3"),
    (INFO, "", "+/-15 of 100", "+/-5 of 158.8", "amber", "+/-15 of 100"),
    (INFO, "<5", "+/-15", "+/-5 of 158.8", "red", "<5"),
    (INFO, "more than +/-20", "+/-15", "+/-5 of 158.8", "red", "more than +/-20"),
    (INFO, "more than +/-2", "", "+/-5 of 158.8", "red", "more than +/-2"),
    (INFO, "", "1 above range", "+/-5 of 158.8", "amber", "1 above range"),
]


@pytest.mark.parametrize(("polarity", "red", "amber", "green", "column", "quoted"), ERROR_CASES)
def test_threshold_errors(
    polarity: Polarity, red: str, amber: str, green: str, column: str, quoted: str
) -> None:
    with pytest.raises(ThresholdError) as caught:
        parse_thresholds(polarity, red, amber, green)
    error = caught.value
    message = str(error)
    assert error.column == column
    assert isinstance(error, ValueError)
    # The message names the column, quotes the offending text and says what to write instead.
    assert message.lower().startswith(column)
    if quoted:
        assert f"'{quoted}'" in message
    else:
        assert "blank" in message
    assert "use " in message or "give " in message


def test_error_message_reads_as_a_sentence() -> None:
    with pytest.raises(ThresholdError) as caught:
        parse_thresholds(HIGH, "", "", "10%<")
    assert str(caught.value) == (
        "Green '10%<' means 10 or below, but good performance is High: use 10+ (10 or above)."
    )


def test_thresholds_refuse_missing_fields() -> None:
    with pytest.raises(ValueError, match="green"):
        Thresholds(ThresholdKind.BANDS, higher_is_better=True, red=D(90))
    with pytest.raises(ValueError, match="centre"):
        Thresholds(ThresholdKind.TOLERANCE, tolerance=D(5))


# --------------------------------------------------------------------------------------------
# Direction of travel
# --------------------------------------------------------------------------------------------

UP, SAME, DOWN = Dot.UP, Dot.SAME, Dot.DOWN

DOT_SEED_CASES = [
    ("6.1", INFO, "595", "604", UP),
    ("6.2", LOW, "104.5", "106.1", DOWN),
    ("6.3", INFO, "18", "19", UP),
    ("6.4", HIGH, "27", "12", DOWN),
    ("6.5", HIGH, "22.2", "25.0", UP),
    ("6.6", HIGH, "5", "2", DOWN),
    ("6.7", HIGH, "3.7", "16.7", UP),
    ("6.8", HIGH, "93.8", "95.2", UP),
    ("6.9", HIGH, "0.0", "8.3", UP),
    ("6.10", HIGH, "85.5", "84.4", DOWN),
    ("6.11", HIGH, "69.3", "62.4", DOWN),
    ("6.12", HIGH, "100.0", "100.0", SAME),
    ("6.19", HIGH, "92.6", "94.7", UP),
    ("6.20", HIGH, "94.5", "81.2", DOWN),
    ("7.1", INFO, "313", "325", UP),
    ("7.2", HIGH, "95.2", "92.6", DOWN),
    ("7.3", HIGH, "93.9", "91.4", DOWN),
    ("7.4", HIGH, "94.2", "95.1", UP),
    ("7.5", HIGH, "61.7", "60.3", DOWN),
    ("8.1", HIGH, "62.1", "62.6", UP),
    ("8.2", LOW, "10.8", "9.6", UP),
    ("8.3", HIGH, "81.2", "81.6", UP),
    ("8.4", LOW, "5.0", "5.1", DOWN),
    ("8.5", LOW, "51.9", "51.3", UP),
    ("9.1", HIGH, "405", "410", UP),
    ("9.2", HIGH, "68.1", "67.9", DOWN),
    ("9.3", HIGH, "148", "149", UP),
    ("9.4", HIGH, "2", "3", UP),
    ("9.5", INFO, "1", "0", DOWN),
    ("10.1", HIGH, "3", "1", DOWN),
    ("10.2", HIGH, "0", "1", UP),
    ("10.3", HIGH, None, "100.0", None),
    ("10.4", LOW, "391.5", "0.0", UP),
    ("10.5", LOW, "146.0", None, None),
    ("11.4", LOW, "29", "29", SAME),
    ("11.5", WL, "17.9", "17.4", DOWN),
    ("11.6", WL, "18.8", "15.4", DOWN),
]


def _d(text: str | None) -> Decimal | None:
    return None if text is None else D(text)


@pytest.mark.parametrize(("ref", "polarity", "previous", "latest", "expected"), DOT_SEED_CASES)
def test_direction_of_travel_matches_april_2020_report(
    ref: str, polarity: Polarity, previous: str | None, latest: str | None, expected: Dot | None
) -> None:
    assert direction_of_travel(polarity, _d(previous), _d(latest)) is expected


@pytest.mark.parametrize(
    ("polarity", "previous", "latest", "expected"),
    [
        (WLL, "10", "9", UP),
        (WLL, "9", "10", DOWN),
        (WL, "9", "10", UP),
        (INFO, "5", "5.00", SAME),
        (LOW, None, None, None),
    ],
)
def test_direction_of_travel_other_polarities(
    polarity: Polarity, previous: str | None, latest: str | None, expected: Dot | None
) -> None:
    assert direction_of_travel(polarity, _d(previous), _d(latest)) is expected


@pytest.mark.parametrize(
    ("polarity", "previous", "latest", "expected"),
    [
        (HIGH, "1", "2", ("↑", True)),
        (HIGH, "2", "1", ("↓", False)),
        (LOW, "1", "2", ("↑", False)),
        (LOW, "2", "1", ("↓", True)),
        (WLL, "2", "1", ("↓", True)),
        (WLL, "1", "2", ("↑", False)),
        (INFO, "1", "2", ("↑", None)),
        (INFO, "2", "1", ("↓", None)),
        (WL, "1", "2", ("↑", None)),
        (WL, "2", "1", ("↓", None)),
        (HIGH, "2", "2.0", ("↔", None)),
        (LOW, "2", "2", ("↔", None)),
        (HIGH, None, "2", None),
        (HIGH, "2", None, None),
    ],
)
def test_numeric_direction(
    polarity: Polarity,
    previous: str | None,
    latest: str | None,
    expected: tuple[str, bool | None] | None,
) -> None:
    assert numeric_direction(polarity, _d(previous), _d(latest)) == expected


# --------------------------------------------------------------------------------------------
# Year to date
# --------------------------------------------------------------------------------------------

FY = Aggregation.FINANCIAL_YEAR


def _months(*values: str | None) -> list[MonthFigure]:
    return [MonthFigure(_d(value)) for value in values]


def _parts(*parts: tuple[str, str] | None) -> list[MonthFigure]:
    figures = []
    for part in parts:
        if part is None:
            figures.append(MonthFigure(None))
        else:
            numerator, denominator = D(part[0]), D(part[1])
            figures.append(
                MonthFigure(ratio_value(100, numerator, denominator, 1), numerator, denominator)
            )
    return figures


@pytest.mark.parametrize(
    ("aggregation", "kind", "factor", "figures", "decimals", "expected"),
    [
        # counts: the sum
        (FY, Kind.COUNT, 1, _months("19"), 0, Ytd(D(19))),
        (FY, Kind.COUNT, 1, _months("19", "12", "7"), 0, Ytd(D(38))),
        (FY, Kind.COUNT, 1, _months("5", None, "7", None), 0, Ytd(D(12))),
        (FY, Kind.COUNT, 1, _months("0", "0"), 0, Ytd(D(0))),
        (FY, Kind.DAYS, 1, _months("10.5", "2.5"), 1, Ytd(D(13))),
        (FY, Kind.AVERAGE, 1, _months("3", "4"), 0, Ytd(D(7))),
        # percentages: sum of numerators over sum of denominators
        (
            FY,
            Kind.PERCENTAGE,
            100,
            _parts(("17", "17"), ("5", "8"), ("13", "13"), ("7", "7")),
            1,
            Ytd(D("93.3"), D(42), D(45)),
        ),
        (
            FY,
            Kind.PERCENTAGE,
            100,
            _parts(("17", "17"), None, ("5", "8")),
            1,
            Ytd(D("88.0"), D(22), D(25)),
        ),
        (FY, Kind.PERCENTAGE, 100, _parts(("1", "8")), 1, Ytd(D("12.5"), D(1), D(8))),
        (
            FY,
            Kind.RATE,
            10000,
            [MonthFigure(D("1.5"), D(3), D(20000)), MonthFigure(D("0.5"), D(1), D(20000))],
            1,
            Ytd(D("1.0"), D(4), D(40000)),
        ),
        # percentages without parts: a single month is its own YTD, several are not
        (FY, Kind.PERCENTAGE, 100, _months("25.0"), 1, Ytd(D("25.0"))),
        (FY, Kind.PERCENTAGE, 100, _months(None, "25.0", None), 1, Ytd(D("25.0"))),
        (FY, Kind.PERCENTAGE, 100, _months("25.0", "30.0"), 1, None),
        (FY, Kind.PERCENTAGE, 100, [MonthFigure(D(100), D(1), D(1)), MonthFigure(D(50))], 1, None),
        (FY, Kind.PERCENTAGE, 100, [MonthFigure(D(50), D(1))], 1, Ytd(D(50))),
        # a zero total denominator has no YTD
        (FY, Kind.PERCENTAGE, 100, [MonthFigure(D(0), D(0), D(0))], 1, None),
        # nothing to add up
        (FY, Kind.COUNT, 1, [], 0, None),
        (FY, Kind.COUNT, 1, _months(None, None), 0, None),
        (FY, Kind.PERCENTAGE, 100, _months(None), 1, None),
        # other aggregations have no separate YTD
        (Aggregation.SNAPSHOT, Kind.COUNT, 1, _months("604"), 0, None),
        (Aggregation.ROLLING_YEAR, Kind.PERCENTAGE, 100, _parts(("1", "8")), 1, None),
        (Aggregation.YTD_AVERAGE, Kind.DAYS, 1, _months("391.5"), 1, None),
    ],
)
def test_year_to_date(
    aggregation: Aggregation,
    kind: Kind,
    factor: int,
    figures: list[MonthFigure],
    decimals: int,
    expected: Ytd | None,
) -> None:
    ytd = year_to_date(aggregation, kind, factor, figures, decimals)
    if expected is None:
        assert ytd is None
    else:
        assert ytd is not None
        assert (ytd.value, ytd.numerator, ytd.denominator) == (
            expected.value,
            expected.numerator,
            expected.denominator,
        )


def test_year_to_date_percentage_is_rounded_to_the_indicator_decimals() -> None:
    ytd = year_to_date(
        FY, Kind.PERCENTAGE, 100, _parts(("17", "17"), ("5", "8"), ("13", "13"), ("7", "7")), 1
    )
    assert ytd is not None
    assert str(ytd.value) == "93.3"
    assert not ytd.partial


def test_year_to_date_from_fewer_months_than_the_year_so_far_is_partial() -> None:
    ytd = year_to_date(FY, Kind.COUNT, 1, _months("5", None, "7"), 0)
    assert ytd is not None
    assert (ytd.value, ytd.months, ytd.expected, ytd.partial) == (D(12), 2, 3, True)


# --------------------------------------------------------------------------------------------
# Ratios, rounding, formatting
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factor", "numerator", "denominator", "decimals", "expected"),
    [
        (100, "1", "8", 1, "12.5"),
        (100, "1", "8", 0, "13"),
        (100, "1", "16", 1, "6.3"),
        (100, "2", "3", 1, "66.7"),
        (100, "1", "3", 1, "33.3"),
        (100, "42", "45", 1, "93.3"),
        (100, "313", "346", 1, "90.5"),
        (100, "7", "7", 1, "100.0"),
        (100, "0", "7", 1, "0.0"),
        (10000, "1", "3", 1, "3333.3"),
        (10000, "604", "56925", 1, "106.1"),
        (1, "7", "2", 1, "3.5"),
        (1, "10", "4", 0, "3"),
        (1, "1000", "3", 1, "333.3"),
    ],
)
def test_ratio_value(
    factor: int, numerator: str, denominator: str, decimals: int, expected: str
) -> None:
    assert str(ratio_value(factor, D(numerator), D(denominator), decimals)) == expected


def test_ratio_value_refuses_zero_denominator() -> None:
    with pytest.raises(ValueError, match="zero denominator"):
        ratio_value(100, D(1), D(0), 1)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        ("12.45", 1, "12.5"),
        ("12.44", 1, "12.4"),
        ("2.5", 0, "3"),
        ("3.5", 0, "4"),
        ("0.125", 2, "0.13"),
        ("-2.5", 0, "-3"),
        ("-0.04", 1, "0.0"),
        ("5", 1, "5.0"),
        ("5", 0, "5"),
        ("1E+3", 0, "1000"),
        ("99.95", 1, "100.0"),
    ],
)
def test_round_to(value: str, decimals: int, expected: str) -> None:
    assert str(round_to(D(value), decimals)) == expected


@pytest.mark.parametrize("value", [D("NaN"), D("Infinity")])
def test_round_to_refuses_non_finite(value: Decimal) -> None:
    with pytest.raises(ValueError):
        round_to(value, 1)


def test_round_to_refuses_negative_places() -> None:
    with pytest.raises(ValueError):
        round_to(D(5), -1)


@pytest.mark.parametrize(
    ("value", "kind", "places", "marker", "expected"),
    [
        (D("95.2"), Kind.PERCENTAGE, 1, "", "95.2%"),
        (D("95.25"), Kind.PERCENTAGE, 1, "", "95.3%"),
        (D(100), Kind.PERCENTAGE, 1, "", "100.0%"),
        (D(604), Kind.COUNT, 0, "", "604"),
        (D("106.1"), Kind.RATE, 1, "", "106.1"),
        (D("391.5"), Kind.DAYS, 1, "", "391.5"),
        (D("1E+3"), Kind.COUNT, 0, "", "1000"),
        (D("-0.01"), Kind.PERCENTAGE, 1, "", "0.0%"),
        (D(5), Kind.COUNT, 0, "TBC", "5"),
        (None, Kind.COUNT, 0, "n/a", "n/a"),
        (None, Kind.PERCENTAGE, 1, "TBC", "TBC"),
        (None, Kind.PERCENTAGE, 1, Marker.NO_FIGURE, "-"),
        (None, Kind.COUNT, 0, "", "-"),
    ],
)
def test_format_value(
    value: Decimal | None, kind: Kind, places: int, marker: str, expected: str
) -> None:
    assert format_value(value, kind, places, marker) == expected


def test_format_value_marker_defaults_to_dash() -> None:
    assert format_value(None, Kind.COUNT, 0) == "-"


def test_format_value_prints_the_places_it_is_given() -> None:
    assert format_value(D(29), Kind.OTHER, 0) == "29"
    assert format_value(D("0.22"), Kind.PERCENTAGE, 2) == "0.22%"


# --------------------------------------------------------------------------------------------
# read_figure
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("95.2%", (D("95.2"), "")),
        ("95.2 %", (D("95.2"), "")),
        ("604", (D(604), "")),
        (" 106.1 ", (D("106.1"), "")),
        ("1,234", (D(1234), "")),
        ("1,234,567.5", (D("1234567.5"), "")),
        ("0.0", (D("0.0"), "")),
        ("-3", (D(-3), "")),
        (".5", (D("0.5"), "")),
        ("-", (None, "-")),
        ("\u2013", (None, "-")),
        ("n/a", (None, "n/a")),
        ("N/A", (None, "n/a")),
        ("TBC", (None, "TBC")),
        ("tbc", (None, "TBC")),
        ("", (None, "")),
        ("   ", (None, "")),
    ],
)
def test_read_figure(text: str, expected: tuple[Decimal | None, str]) -> None:
    written = read_figure(text)
    assert (written.value, written.marker) == expected


@pytest.mark.parametrize(
    ("text", "places"),
    [("29", 0), ("29.0", 1), ("0.22%", 2), ("19.2", 1), ("1,234.50", 2), (".5", 1), ("-", None)],
)
def test_read_figure_keeps_the_places_it_was_written_with(text: str, places: int | None) -> None:
    assert read_figure(text).places == places


def test_read_figure_markers_are_marker_values() -> None:
    assert read_figure("-").marker == Marker.NO_FIGURE
    assert read_figure("n/a").marker == Marker.NOT_APPLICABLE
    assert read_figure("TBC").marker == Marker.AWAITED


@pytest.mark.parametrize(
    ("unit", "kind", "base"),
    [
        ("Count", Kind.COUNT, None),
        ("Percentage", Kind.PERCENTAGE, None),
        ("Rate per 10,000", Kind.RATE, 10000),
        ("Rate per 1000", Kind.RATE, 1000),
        ("rate per 10k", Kind.RATE, 10000),
        ("YTD Average", Kind.OTHER, None),
        ("Rolling year - aver count", Kind.OTHER, None),
        ("Days", Kind.OTHER, None),
    ],
)
def test_a_unit_names_its_kind_where_it_says_it(unit: str, kind: Kind, base: int | None) -> None:
    assert kind_of_unit(unit) == kind
    assert rate_base(unit) == base


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "1,23",
        "12.3.4",
        "NaN",
        "Infinity",
        "1e5",
        "1_000",
        "%",
        "12.3% (2017)",
        "313 of 346",
        "--",
    ],
)
def test_read_figure_rejects_junk(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        read_figure(text)
    assert str(caught.value) == f"'{text}' is not a number"


# --------------------------------------------------------------------------------------------
# Benchmarks
# --------------------------------------------------------------------------------------------

NAT_AVE, TOP_Q = Measure.NATIONAL_AVERAGE, Measure.NATIONAL_TOP_QUARTILE
# 000 6.9 % of children adopted: NAT AVE 12.0%, NAT TOP QTILE 16.6% (High)
ADOPTED = {NAT_AVE: D("12.0"), TOP_Q: D("16.6"), Measure.SN_AVERAGE: D("17.3")}
# 000 8.2 % of LAC with 3+ placements: NAT AVE 10.0%, NAT TOP QTILE 8.0% (Low)
PLACEMENTS = {NAT_AVE: D("10.0"), TOP_Q: D("8.0")}


@pytest.mark.parametrize(
    ("polarity", "value", "benchmarks", "expected"),
    [
        (HIGH, "17", ADOPTED, Band.TOP_QUARTILE),
        (HIGH, "16.6", ADOPTED, Band.TOP_QUARTILE),
        (HIGH, "16.5", ADOPTED, Band.ABOVE_AVERAGE),
        (HIGH, "12.0", ADOPTED, Band.ABOVE_AVERAGE),
        (HIGH, "11.9", ADOPTED, Band.BELOW_AVERAGE),
        (HIGH, "8.3", ADOPTED, Band.BELOW_AVERAGE),
        (LOW, "7.9", PLACEMENTS, Band.TOP_QUARTILE),
        (LOW, "8.0", PLACEMENTS, Band.TOP_QUARTILE),
        (LOW, "9.6", PLACEMENTS, Band.ABOVE_AVERAGE),
        (LOW, "10.0", PLACEMENTS, Band.ABOVE_AVERAGE),
        (LOW, "10.1", PLACEMENTS, Band.BELOW_AVERAGE),
        (WLL, "9.6", PLACEMENTS, Band.ABOVE_AVERAGE),
        # only the average known
        (HIGH, "13", {NAT_AVE: D(12)}, Band.ABOVE_AVERAGE),
        (HIGH, "11", {NAT_AVE: D(12)}, Band.BELOW_AVERAGE),
        (LOW, "11", {NAT_AVE: D(12)}, Band.ABOVE_AVERAGE),
        # only the quartile known
        (HIGH, "17", {TOP_Q: D("16.6")}, Band.TOP_QUARTILE),
        (HIGH, "15", {TOP_Q: D("16.6")}, None),
        (LOW, "9", {TOP_Q: D("8.0")}, None),
        # nothing usable
        (HIGH, "15", {}, None),
        (HIGH, "15", {Measure.BEST_SN: D(20)}, None),
        (HIGH, None, ADOPTED, None),
        (INFO, "15", ADOPTED, None),
        (WL, "15", ADOPTED, None),
    ],
)
def test_quartile_band(
    polarity: Polarity, value: str | None, benchmarks: dict[Measure, Decimal], expected: Band | None
) -> None:
    assert quartile_band(polarity, _d(value), benchmarks) is expected


# --------------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-04", date(2020, 4, 1)),
        ("2020-4", date(2020, 4, 1)),
        ("Apr-20", date(2020, 4, 1)),
        ("apr-20", date(2020, 4, 1)),
        ("April 2020", date(2020, 4, 1)),
        ("Apr 2020", date(2020, 4, 1)),
        ("apr-2020", date(2020, 4, 1)),
        ("  APRIL   2020 ", date(2020, 4, 1)),
        ("Mar-21", date(2021, 3, 1)),
        ("2021-03", date(2021, 3, 1)),
        ("Sep-20", date(2020, 9, 1)),
        ("Sept 2020", date(2020, 9, 1)),
        ("September 2020", date(2020, 9, 1)),
        ("Dec-17", date(2017, 12, 1)),
        ("Jan 2017", date(2017, 1, 1)),
    ],
)
def test_parse_month(text: str, expected: date) -> None:
    assert parse_month(text) == expected


@pytest.mark.parametrize(
    "text", ["13-2020", "2020-13", "2020-00", "Foo-20", "April", "", "2020", "Apr-2", "0000-01"]
)
def test_parse_month_rejects(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_month(text)
    assert str(caught.value) == f"'{text}' is not a month (use 2020-04, Apr-20 or April 2020)"


def test_parse_month_error_message_exactly() -> None:
    with pytest.raises(ValueError) as caught:
        parse_month("13-2020")
    assert str(caught.value) == "'13-2020' is not a month (use 2020-04, Apr-20 or April 2020)"


@pytest.mark.parametrize(
    ("month", "label", "key"),
    [
        (date(2020, 4, 1), "Apr-20", "2020-04"),
        (date(2021, 3, 1), "Mar-21", "2021-03"),
        (date(2009, 12, 1), "Dec-09", "2009-12"),
    ],
)
def test_month_label_and_key(month: date, label: str, key: str) -> None:
    assert month_label(month) == label
    assert month_key(month) == key
    assert parse_month(label) == month
    assert parse_month(key) == month


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (date(2020, 4, 1), 2020),
        (date(2020, 12, 1), 2020),
        (date(2021, 1, 1), 2020),
        (date(2021, 3, 1), 2020),
        (date(2020, 3, 1), 2019),
        (date(2021, 4, 1), 2021),
    ],
)
def test_financial_year(month: date, expected: int) -> None:
    assert financial_year(month) == expected


@pytest.mark.parametrize(
    ("start", "label"), [(2020, "2020/21"), (2019, "2019/20"), (2009, "2009/10"), (1999, "1999/00")]
)
def test_year_label(start: int, label: str) -> None:
    assert year_label(start) == label
    assert parse_year(label) == start


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020/21", 2020),
        ("2020/2021", 2020),
        ("2020-21", 2020),
        ("2020-2021", 2020),
        (" 2020 / 21 ", 2020),
        ("1999/00", 1999),
        ("1999/2000", 1999),
    ],
)
def test_parse_year(text: str, expected: int) -> None:
    assert parse_year(text) == expected


@pytest.mark.parametrize(
    "text", ["2020/22", "2020/20", "2020/2022", "2020", "20/21", "abc", "", "2020/2"]
)
def test_parse_year_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="is not a financial year"):
        parse_year(text)


def test_months_of_year_runs_april_to_march() -> None:
    months = months_of_year(2020)
    assert len(months) == 12
    assert months[0] == date(2020, 4, 1)
    assert months[8] == date(2020, 12, 1)
    assert months[9] == date(2021, 1, 1)
    assert months[-1] == date(2021, 3, 1)
    assert [month_label(m) for m in months[:3]] == ["Apr-20", "May-20", "Jun-20"]
    assert all(financial_year(m) == 2020 for m in months)


@pytest.mark.parametrize(
    ("month", "count", "expected"),
    [
        (date(2020, 4, 1), 3, [date(2020, 2, 1), date(2020, 3, 1), date(2020, 4, 1)]),
        (date(2021, 1, 1), 2, [date(2020, 12, 1), date(2021, 1, 1)]),
        (date(2017, 10, 1), 1, [date(2017, 10, 1)]),
        (date(2017, 10, 1), 0, []),
        (date(2020, 4, 15), 2, [date(2020, 3, 1), date(2020, 4, 1)]),
    ],
)
def test_previous_months(month: date, count: int, expected: list[date]) -> None:
    assert previous_months(month, count) == expected


def test_previous_months_straddling_a_year_gives_the_summary_columns() -> None:
    assert [month_label(m) for m in previous_months(date(2020, 4, 1), 3)] == [
        "Feb-20",
        "Mar-20",
        "Apr-20",
    ]


def test_previous_months_refuses_negative_count() -> None:
    with pytest.raises(ValueError):
        previous_months(date(2020, 4, 1), -1)


# --------------------------------------------------------------------------------------------
# The notation family (domain.md): the variants councils write, and errors naming the part
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("polarity", "red", "amber", "green", "value", "expected"),
    [
        (WL, "1+ above range limit", "1 above range", "14-20", "20.5", A),
        (WL, "1+ above range", "1 above / below range", "14-20", "13.5", A),
        (WL, "more than 1 above/below range", "1 above/below range", "14 - 20", "22", R),
        (WL, "over 1% above range", "1% above range", "14-20", "17", G),
        (HIGH, "", "", "87.5%>", "87.5", G),
        (WLL, "12+", "12<", "9.6<", "9.6", G),
        (WLL, "12+", "12<", "9.6<", "11", A),
        (WLL, "12+", "12<", "9.6<", "12", R),
        (WLL, "1+ above range", "1 above range", "14-20", "21", A),
        (HIGH, "<90%", "90% - 95%", "95%+", "92", A),
        (HIGH, "<90", "90-94.9", "95+", "89.9", R),
        (LOW, ">13%", "10.8-13%", "<=10.8%", "10.8", G),
    ],
)
def test_notation_variants(polarity, red, amber, green, value, expected) -> None:
    assert rag(parse_thresholds(polarity, red, amber, green), D(value)) == expected


@pytest.mark.parametrize(
    ("polarity", "red", "amber", "green", "column", "part"),
    [
        (WL, "1+ above rnge", "1 above range", "14-20", "red", "'rnge' is not part"),
        (HIGH, "<90%", "90%>", "95%+ target", "green", "'target' is not part"),
        (HIGH, "<90%", "80-85", "95%+", "amber", "lies outside red"),
    ],
)
def test_a_notation_that_cannot_be_read_names_the_part(polarity, red, amber, green, column, part):
    with pytest.raises(ThresholdError) as caught:
        parse_thresholds(polarity, red, amber, green)
    assert caught.value.column == column and part in str(caught.value)
