"""Performance arithmetic for the Corporate Parenting monthly report.

Pure functions and frozen dataclasses only: no Django, no database.  Everything numeric is
``Decimal`` so that what the report prints is exactly what the council would compute by hand.

The module covers:

* the vocabularies used on indicators (polarity, aggregation, unit, ...) and ``parse_choice``;
* the seeds' RAG tolerance notation (``<90%`` / ``90%>`` / ``95%+``, ``14-20`` with
  ``1+ above range``, ``+/-5 of 158.8`` ...) parsed into ``Thresholds`` and applied by ``rag``;
* direction of travel in both conventions found in the seeds;
* year-to-date figures, ratios, rounding and display formatting;
* benchmark quartile bands;
* the April-March financial-year calendar and parsing of figures as typed in uploads.

``docs/domain.md`` is the authority on the meaning of all of these.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from typing import TypeVar

__all__ = [
    "Aggregation",
    "Band",
    "Dot",
    "Frequency",
    "Marker",
    "Measure",
    "MonthFigure",
    "Polarity",
    "Rag",
    "ThresholdError",
    "ThresholdKind",
    "Thresholds",
    "Unit",
    "Ytd",
    "direction_of_travel",
    "financial_year",
    "format_value",
    "month_key",
    "month_label",
    "months_of_year",
    "numeric_direction",
    "parse_choice",
    "parse_month",
    "parse_number",
    "parse_thresholds",
    "parse_year",
    "previous_months",
    "quartile_band",
    "rag",
    "ratio_value",
    "round_to",
    "year_label",
    "year_to_date",
]


# --------------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------------


class Polarity(StrEnum):
    """What good performance is for an indicator (the seeds' "GOOD PERF IS" column)."""

    HIGH = "High"
    LOW = "Low"
    INFO = "Info"
    WITHIN_LIMITS = "Within limits"
    WITHIN_LIMITS_LOW = "Within limits (low)"


class Aggregation(StrEnum):
    """How monthly figures combine over the year (the seeds' "DATA NOTE")."""

    SNAPSHOT = "As at month end"
    FINANCIAL_YEAR = "Financial Year"
    ROLLING_YEAR = "Rolling Year"
    YTD_AVERAGE = "YTD Average"


class Unit(StrEnum):
    """The unit an indicator's figures are expressed in."""

    COUNT = "Count"
    PERCENTAGE = "Percentage"
    RATE_PER_10000 = "Rate per 10,000"
    AVERAGE_COUNT = "Average count"
    DAYS = "Days"


class Frequency(StrEnum):
    """How often an indicator has a figure."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    TERMLY = "termly"


class Marker(StrEnum):
    """What stands in a cell instead of a figure."""

    NO_FIGURE = "-"
    NOT_APPLICABLE = "n/a"
    AWAITED = "TBC"


class Rag(StrEnum):
    """Red / amber / green rating of a figure against its tolerances."""

    RED = "R"
    AMBER = "A"
    GREEN = "G"


class Dot(StrEnum):
    """Direction of travel in the performance convention (Rotherham seeds)."""

    UP = "↑"
    SAME = "→"
    DOWN = "↓"


class Measure(StrEnum):
    """The benchmark measures shown beside each indicator."""

    SN_AVERAGE = "sn_average"
    BEST_SN = "best_sn"
    NATIONAL_AVERAGE = "national_average"
    NATIONAL_TOP_QUARTILE = "national_top_quartile"


class Band(StrEnum):
    """Where a figure sits against the national benchmarks."""

    TOP_QUARTILE = "Top quartile"
    ABOVE_AVERAGE = "Better than national average"
    BELOW_AVERAGE = "Worse than national average"


class ThresholdKind(StrEnum):
    """The shape of an indicator's RAG tolerances."""

    NONE = "none"
    BANDS = "bands"
    TARGET_ONLY = "target only"
    RANGE = "range"
    TOLERANCE = "tolerance"


E = TypeVar("E", bound=StrEnum)


def _squash(text: str) -> str:
    """Lower-case ``text`` with surrounding space removed and inner runs of space made single."""
    return " ".join(text.split()).lower()


def parse_choice(enum_cls: type[E], text: str) -> E:
    """Return the member of ``enum_cls`` whose value or name matches ``text``.

    Matching ignores case, surrounding spaces and repeated inner spaces; a member name matches
    with underscores or spaces (``within_limits``, ``within limits``).  Raises ``ValueError``
    ("'xyz' is not one of: High, Low, ...") listing the values when nothing matches.
    """
    wanted = _squash(text or "")
    for member in enum_cls:
        if wanted in (
            _squash(member.value),
            member.name.lower(),
            member.name.lower().replace("_", " "),
        ):
            return member
    choices = ", ".join(member.value for member in enum_cls)
    raise ValueError(f"'{(text or '').strip()}' is not one of: {choices}")


# --------------------------------------------------------------------------------------------
# Numbers: rounding, ratios, formatting, parsing
# --------------------------------------------------------------------------------------------

# Ratio units are aggregated from numerators and denominators; every other unit is summed.
_RATIO_FACTORS: dict[Unit, int] = {Unit.PERCENTAGE: 100, Unit.RATE_PER_10000: 10000}


def round_to(value: Decimal, decimals: int) -> Decimal:
    """Return ``value`` rounded half up to exactly ``decimals`` places (``12.45`` -> ``12.5``).

    A rounded zero is never negative.  Raises ``ValueError`` for negative ``decimals`` or a
    value that is not finite.
    """
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, not {decimals}")
    if not value.is_finite():
        raise ValueError(f"cannot round {value}")
    exponent = Decimal(1).scaleb(-decimals)
    with localcontext() as ctx:
        # quantize fails when the result needs more digits than the context allows.
        ctx.prec = max(ctx.prec, value.adjusted() + decimals + 2)
        rounded = value.quantize(exponent, rounding=ROUND_HALF_UP)
    # -0.04 rounds to -0.0, which would print as "-0.0".
    return rounded.copy_abs() if rounded.is_zero() else rounded


def ratio_value(unit: Unit, numerator: Decimal, denominator: Decimal, decimals: int) -> Decimal:
    """Return numerator / denominator scaled for ``unit`` and rounded half up to ``decimals``.

    Percentage: n/d*100; rate per 10,000: n/d*10000; any other unit: n/d.  Raises
    ``ValueError`` when the denominator is zero.
    """
    if denominator == 0:
        raise ValueError(f"cannot compute a ratio of {numerator} over a zero denominator")
    factor = _RATIO_FACTORS.get(unit, 1)
    with localcontext() as ctx:
        # Generous precision so the only rounding that matters is the final half-up one.
        ctx.prec = 60
        raw = numerator * factor / denominator
    return round_to(raw, decimals)


def format_value(value: Decimal | None, unit: Unit, decimals: int, marker: str = "") -> str:
    """Return the figure as printed in the report: ``95.2%``, ``604``, ``106.1``.

    The value is rounded half up to ``decimals``; percentages get a ``%`` sign.  When there is
    no value the marker is shown (``n/a``, ``TBC``), or ``-`` when the marker is empty too.
    """
    if value is None:
        return marker or Marker.NO_FIGURE.value
    text = format(round_to(value, decimals), "f")
    return f"{text}%" if unit == Unit.PERCENTAGE else text


_NUMBER_RE = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+", re.ASCII)
# Spreadsheets often turn a typed hyphen into an en or em dash.
_NO_FIGURE_TEXTS = {"-", "\u2013", "\u2014"}


def parse_number(text: str) -> tuple[Decimal | None, str]:
    """Read a figure as typed in a report or upload.

    Returns ``(value, "")`` for a number (``95.2%`` -> 95.2, ``1,234`` -> 1234; a trailing
    ``%`` is decoration), or ``(None, marker)`` for a marker: ``-`` (no figure), ``n/a``,
    ``TBC`` (any case), and ``(None, "")`` for an empty cell.  Raises ``ValueError``
    ("'abc' is not a number") for anything else.
    """
    stripped = (text or "").strip()
    if not stripped:
        return None, ""
    lowered = stripped.lower()
    if lowered in _NO_FIGURE_TEXTS:
        return None, Marker.NO_FIGURE
    if lowered == "n/a":
        return None, Marker.NOT_APPLICABLE
    if lowered == "tbc":
        return None, Marker.AWAITED
    number = stripped[:-1].rstrip() if stripped.endswith("%") else stripped
    # A regex rather than Decimal(): Decimal() would also accept "NaN", "1e5" and "1_000".
    if not _NUMBER_RE.fullmatch(number):
        raise ValueError(f"'{stripped}' is not a number")
    return Decimal(number.replace(",", "")), ""


# --------------------------------------------------------------------------------------------
# RAG thresholds
# --------------------------------------------------------------------------------------------


class ThresholdError(ValueError):
    """A red, amber or green tolerance cell that cannot be read.

    ``column`` is ``"red"``, ``"amber"`` or ``"green"``; ``str(error)`` is a sentence for the
    user that names the column, quotes the text and says what is accepted.
    """

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Thresholds:
    """An indicator's RAG tolerances for one year, as parsed by ``parse_thresholds``.

    Which fields are used depends on ``kind``:

    * ``BANDS``: ``green`` (inclusive: a target is met at equality), ``red`` and
      ``red_inclusive``, in the direction ``higher_is_better``; amber lies between.
    * ``TARGET_ONLY``: ``green`` and ``higher_is_better``; green when met, otherwise red.
    * ``RANGE``: green when ``low <= v <= high``; amber within ``margin`` outside the range;
      red further out (no amber when ``margin`` is None).
    * ``TOLERANCE``: green when ``|v - centre| <= tolerance``; amber when within ``margin``;
      red further out (no amber when ``margin`` is None).
    * ``NONE``: no RAG.
    """

    kind: ThresholdKind
    higher_is_better: bool | None = None
    green: Decimal | None = None
    red: Decimal | None = None
    red_inclusive: bool = False
    low: Decimal | None = None
    high: Decimal | None = None
    margin: Decimal | None = None
    centre: Decimal | None = None
    tolerance: Decimal | None = None

    def __post_init__(self) -> None:
        # Catch hand-built Thresholds that rag() could not evaluate, at construction time.
        needed: dict[ThresholdKind, tuple[str, ...]] = {
            ThresholdKind.NONE: (),
            ThresholdKind.BANDS: ("higher_is_better", "green", "red"),
            ThresholdKind.TARGET_ONLY: ("higher_is_better", "green"),
            ThresholdKind.RANGE: ("low", "high"),
            ThresholdKind.TOLERANCE: ("centre", "tolerance"),
        }
        missing = [name for name in needed[self.kind] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{self.kind} thresholds need {', '.join(missing)}")

    def rag(self, value: Decimal) -> Rag | None:
        """Return the RAG of ``value`` as given (callers round first); None for kind NONE.

        Every value gets a RAG for every other kind.
        """
        if self.kind == ThresholdKind.NONE:
            return None
        if self.kind in (ThresholdKind.BANDS, ThresholdKind.TARGET_ONLY):
            assert self.green is not None and self.higher_is_better is not None
            # Mirror a "low is good" indicator so that one comparison serves both polarities.
            sign = 1 if self.higher_is_better else -1
            if sign * value >= sign * self.green:
                return Rag.GREEN
            if self.kind == ThresholdKind.TARGET_ONLY:
                return Rag.RED
            assert self.red is not None
            beyond_red = (
                sign * value <= sign * self.red
                if self.red_inclusive
                else sign * value < sign * self.red
            )
            return Rag.RED if beyond_red else Rag.AMBER
        if self.kind == ThresholdKind.RANGE:
            assert self.low is not None and self.high is not None
            distance = max(self.low - value, value - self.high, Decimal(0))
            limit = self.margin
        else:
            assert self.centre is not None and self.tolerance is not None
            distance = abs(value - self.centre) - self.tolerance
            limit = self.margin - self.tolerance if self.margin is not None else None
        if distance <= 0:
            return Rag.GREEN
        if limit is not None and distance <= limit:
            return Rag.AMBER
        return Rag.RED


def rag(thresholds: Thresholds, value: Decimal | None) -> Rag | None:
    """Return the RAG of ``value`` against ``thresholds``; None for no value or no RAG."""
    if value is None:
        return None
    return thresholds.rag(value)


# Threshold notation.  Cells are normalised first (lower case, single spaces, no "%", "±" as
# "+/-"), so the patterns below only have to deal with one spelling of each thing.
_N = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_PM = r"\+ ?/ ?-"
_SIDE = r"(?:above|below|outside|from|above or below|above/below|either side of)(?: the)? range"

# (pattern, direction, inclusive): direction True means "this value or higher", False "or lower".
_DIRECTIONAL: list[tuple[re.Pattern[str], bool, bool]] = [
    (re.compile(rf"(?:<|below|under|less than) ?{_N}", re.ASCII), False, False),
    (re.compile(rf"<= ?{_N}", re.ASCII), False, True),
    (re.compile(rf"{_N} ?(?:<|or below|or less|or fewer)", re.ASCII), False, True),
    (
        re.compile(rf"(?:>|above|over|more than|greater than) ?{_N}", re.ASCII),
        True,
        False,
    ),
    (re.compile(rf">= ?{_N}", re.ASCII), True, True),
    (re.compile(rf"{_N} ?(?:>|\+|or above|or more)", re.ASCII), True, True),
]
_BARE = re.compile(_N, re.ASCII)

_RANGE = re.compile(rf"(?:between )?{_N} ?(?:-|to|and) ?{_N}", re.ASCII)
_RANGE_AMBER = re.compile(rf"(?:within |up to )?{_N} {_SIDE}", re.ASCII)
_RANGE_RED = re.compile(rf"(?:{_N} ?\+|(?:more than|over|beyond|>) ?{_N}) {_SIDE}", re.ASCII)

_TOL_GREEN = re.compile(
    rf"(?:within )?{_PM} ?{_N} (?:of|from|around) {_N}|{_N} ?{_PM} ?{_N}", re.ASCII
)
_TOL_AMBER = re.compile(rf"(?:within )?{_PM} ?{_N}(?: (?:of|from|around) {_N})?", re.ASCII)
_TOL_RED = re.compile(
    rf"(?:more than|over|beyond|outside|>) ?{_PM} ?{_N}(?: (?:of|from|around) {_N})?",
    re.ASCII,
)

_PLACEHOLDER = re.compile(r"(?:(?:range|target) )?to be (?:set|confirmed)|tbc")
_BLANK_TEXTS = {"", "-"}

_GREEN_FORMS = (
    "95%+ or 85%> (that or above), 10.8%< (that or below), a bare number such as 99.1, "
    "a range such as 14-20, a tolerance such as +/-5 of 158.8, or n/a for no RAG"
)
_RED_BAND_FORMS = "<90% (below 90 is red), 13%+ (13 or above is red), or blank for a target only"
_AMBER_BAND_FORMS = (
    "90%> (90 or above) or 13%< (13 or below), lying between red and green, or blank"
)
_RED_RANGE_FORMS = "'1+ above range', 'more than 1 above range' or 'over 1% above range', or blank"
_AMBER_RANGE_FORMS = "'1 above range' or '1% above range', or blank"
_RED_TOL_FORMS = "'more than +/-15', or blank"
_AMBER_TOL_FORMS = "'+/-15', or blank"


def _normalise(text: str) -> str:
    """Return a threshold cell in the one spelling the patterns expect."""
    text = (text or "").replace("%", "").replace("±", "+/-")
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("≥", ">=").replace("≤", "<=")
    return _squash(text)


def _dec(text: str) -> Decimal:
    """Return the Decimal written as ``text`` (which matched ``_N``)."""
    return Decimal(text.replace(",", ""))


def _directional(text: str) -> tuple[Decimal, bool | None, bool] | None:
    """Return (bound, direction, inclusive) for a one-sided token or bare number, else None.

    direction is True for "bound or higher", False for "bound or lower", None for a bare number
    (inclusive is then True, since a bare target is met at equality).
    """
    for pattern, direction, inclusive in _DIRECTIONAL:
        match = pattern.fullmatch(text)
        if match:
            return _dec(match.group(1)), direction, inclusive
    if _BARE.fullmatch(text):
        return _dec(text), None, True
    return None


def _first_number(match: re.Match[str]) -> Decimal:
    """Return the first captured number of a pattern with alternative number groups."""
    return _dec(next(group for group in match.groups() if group is not None))


def _fail(column: str, text: str, problem: str, forms: str) -> ThresholdError:
    """Build the error for ``column``: the problem with the quoted text, then what is accepted."""
    return ThresholdError(column, f"{column.capitalize()} '{text.strip()}' {problem}: use {forms}.")


def _threshold_direction(polarity: Polarity) -> bool | None:
    """True when higher is better for RAG, False when lower is, None when neither.

    "Within limits (low)" is treated as "Within limits" for RAG: its tolerances are a range.
    """
    if polarity == Polarity.HIGH:
        return True
    if polarity == Polarity.LOW:
        return False
    return None


def parse_thresholds(polarity: Polarity, red: str, amber: str, green: str) -> Thresholds:
    """Read an indicator's red, amber and green tolerance cells, in the seeds' notation.

    Percent signs, surrounding spaces and case are ignored.  The result is one of:

    * NONE: all cells blank, green ``n/a``, or a "to be set" placeholder (``range to be set``,
      ``to be set``, ``tbc``) where green is blank and red/amber hold nothing else;
    * TOLERANCE: green ``+/-5 of 158.8``, amber ``+/-15``, red ``more than +/-15`` (any polarity);
    * RANGE: green ``14-20``, amber ``1 above range``, red ``1+ above range`` (any polarity);
    * BANDS: green ``95%+`` / ``10.8%<`` with red ``<90%`` / ``13%+`` (amber optional, between);
    * TARGET_ONLY: green alone (``85%>``, ``99.1``, ``10%<``); a bare number takes its
      direction from the polarity.

    Placeholders in red/amber beside a real green mean "no amber yet" and are ignored.  Raises
    ``ThresholdError`` (with ``.column``) for anything else, including a direction that
    contradicts the polarity, a directional target for Info / Within limits, red and green on
    the wrong side of each other, amber outside red..green, and red/amber margins that disagree.
    """
    norm = {
        "red": _normalise(red),
        "amber": _normalise(amber),
        "green": _normalise(green),
    }
    original = {"red": red or "", "amber": amber or "", "green": green or ""}
    # The 001 seed's extraction split "range to be set" across the red and amber cells.
    split_placeholder = bool(norm["red"] and norm["amber"]) and bool(
        _PLACEHOLDER.fullmatch(f"{norm['red']} {norm['amber']}")
    )
    # Blank, "-", "n/a" and placeholders in red/amber all mean "nothing given".
    given: dict[str, str] = {}
    for column in ("red", "amber"):
        text = norm[column]
        if (
            split_placeholder
            or text in _BLANK_TEXTS
            or text == "n/a"
            or _PLACEHOLDER.fullmatch(text)
        ):
            continue
        given[column] = text

    green_text = norm["green"]
    if green_text == "n/a":
        return Thresholds(ThresholdKind.NONE)
    if green_text in _BLANK_TEXTS or _PLACEHOLDER.fullmatch(green_text):
        if given:
            column = "red" if "red" in given else "amber"
            shown = f"'{original['green'].strip()}'" if green_text else "blank"
            raise ThresholdError(
                "green",
                f"Green is {shown} but {column} is '{original[column].strip()}': give a green "
                f"target ({_GREEN_FORMS}) or clear red and amber.",
            )
        return Thresholds(ThresholdKind.NONE)

    tolerance = _TOL_GREEN.fullmatch(green_text)
    if tolerance:
        return _parse_tolerance(tolerance, given, original)
    span = _RANGE.fullmatch(green_text)
    if span:
        return _parse_range(span, given, original)
    return _parse_bands(polarity, green_text, given, original)


def _parse_tolerance(
    green: re.Match[str], given: dict[str, str], original: dict[str, str]
) -> Thresholds:
    """Finish a TOLERANCE: green ``+/-T of C``; amber ``+/-M``; red ``more than +/-M``."""
    if green.group(1) is not None:
        tolerance, centre = _dec(green.group(1)), _dec(green.group(2))
    else:
        centre, tolerance = _dec(green.group(3)), _dec(green.group(4))
    margins: dict[str, Decimal] = {}
    for column, pattern, forms in (
        ("amber", _TOL_AMBER, _AMBER_TOL_FORMS),
        ("red", _TOL_RED, _RED_TOL_FORMS),
    ):
        if column not in given:
            continue
        match = pattern.fullmatch(given[column])
        if not match:
            raise _fail(column, original[column], "does not fit a tolerance target", forms)
        if match.group(2) is not None and _dec(match.group(2)) != centre:
            raise _fail(
                column,
                original[column],
                f"is measured from a different value than green's {centre}",
                forms,
            )
        margin = _dec(match.group(1))
        if margin < tolerance:
            raise _fail(
                column,
                original[column],
                f"is narrower than green's +/-{tolerance}",
                forms,
            )
        margins[column] = margin
    margin = _agreed_margin(margins, original, _RED_TOL_FORMS)
    return Thresholds(ThresholdKind.TOLERANCE, centre=centre, tolerance=tolerance, margin=margin)


def _parse_range(
    green: re.Match[str], given: dict[str, str], original: dict[str, str]
) -> Thresholds:
    """Finish a RANGE: green ``L-H``; amber ``M above range``; red ``M+ above range``."""
    low, high = _dec(green.group(1)), _dec(green.group(2))
    if low > high:
        raise _fail(
            "green",
            original["green"],
            "has its range the wrong way round",
            "the lower end first, e.g. 14-20",
        )
    margins: dict[str, Decimal] = {}
    for column, pattern, forms in (
        ("amber", _RANGE_AMBER, _AMBER_RANGE_FORMS),
        ("red", _RANGE_RED, _RED_RANGE_FORMS),
    ):
        if column not in given:
            continue
        match = pattern.fullmatch(given[column])
        if not match:
            raise _fail(column, original[column], "does not fit a range target", forms)
        margins[column] = _first_number(match)
    margin = _agreed_margin(margins, original, _RED_RANGE_FORMS)
    return Thresholds(ThresholdKind.RANGE, low=low, high=high, margin=margin)


def _agreed_margin(
    margins: dict[str, Decimal], original: dict[str, str], red_forms: str
) -> Decimal | None:
    """Return the amber margin (or red's when amber is blank); red must agree with amber.

    Red "more than M" and amber "M" describe the same edge, so different numbers would leave a
    gap or an overlap that neither cell explains.
    """
    if "amber" in margins and "red" in margins and margins["amber"] != margins["red"]:
        raise _fail(
            "red",
            original["red"],
            f"does not start where amber '{original['amber'].strip()}' ends",
            f"the same number as amber, e.g. {red_forms}",
        )
    return margins.get("amber", margins.get("red"))


def _parse_bands(
    polarity: Polarity, green_text: str, given: dict[str, str], original: dict[str, str]
) -> Thresholds:
    """Finish BANDS or TARGET_ONLY from a one-sided green target."""
    parsed = _directional(green_text)
    if parsed is None:
        raise _fail("green", original["green"], "is not a target we can read", _GREEN_FORMS)
    green, direction, inclusive = parsed
    good_up = _threshold_direction(polarity)
    if good_up is None:
        raise _fail(
            "green",
            original["green"],
            f"needs a good direction, but good performance '{polarity}' has none",
            "a range such as 14-20, a tolerance such as +/-5 of 158.8, or n/a",
        )
    if direction is not None and direction != good_up:
        side = "or above" if direction else "or below"
        raise _fail(
            "green",
            original["green"],
            f"means {green} {side}, but good performance is {polarity}",
            f"{green}+ ({green} or above)" if good_up else f"{green}< ({green} or below)",
        )
    if not inclusive:
        # The dataclass's green bound is inclusive by definition: a target is met at equality.
        raise _fail(
            "green",
            original["green"],
            f"leaves out {green} itself, but a target is met at equality",
            f"{green}+ (that or above) or {green}< (that or below)",
        )
    if "red" not in given:
        if "amber" in given:
            raise ThresholdError(
                "red",
                f"Red is blank but amber is '{original['amber'].strip()}', so the red band is "
                f"unknown: use {_RED_BAND_FORMS}.",
            )
        return Thresholds(ThresholdKind.TARGET_ONLY, higher_is_better=good_up, green=green)

    parsed_red = _directional(given["red"])
    if parsed_red is None or parsed_red[1] is None:
        raise _fail("red", original["red"], "is not a red band we can read", _RED_BAND_FORMS)
    red, red_direction, red_inclusive = parsed_red
    if red_direction == good_up:
        side = "or above" if red_direction else "or below"
        raise _fail(
            "red",
            original["red"],
            f"makes {red} {side} red, but good performance is {polarity}",
            "<N for High (below N is red) or N+ for Low (N or above is red)",
        )
    sign = 1 if good_up else -1
    # Red must lie on the bad side of green; an inclusive red bound may not touch green.
    if sign * red > sign * green or (red_inclusive and red == green):
        worse = "below" if good_up else "above"
        raise _fail(
            "red",
            original["red"],
            f"overlaps green '{original['green'].strip()}': for a {polarity} indicator "
            f"red must lie {worse} green",
            _RED_BAND_FORMS,
        )
    if "amber" in given:
        parsed_amber = _directional(given["amber"])
        if parsed_amber is None:
            raise _fail(
                "amber",
                original["amber"],
                "is not an amber band we can read",
                _AMBER_BAND_FORMS,
            )
        amber, amber_direction, _ = parsed_amber
        if amber_direction is not None and amber_direction != good_up:
            side = "or above" if amber_direction else "or below"
            raise _fail(
                "amber",
                original["amber"],
                f"means {amber} {side}, but good performance is {polarity}",
                _AMBER_BAND_FORMS,
            )
        if not min(red, green) <= amber <= max(red, green):
            raise _fail(
                "amber",
                original["amber"],
                f"lies outside red '{original['red'].strip()}' .. "
                f"green '{original['green'].strip()}'",
                _AMBER_BAND_FORMS,
            )
    return Thresholds(
        ThresholdKind.BANDS,
        higher_is_better=good_up,
        green=green,
        red=red,
        red_inclusive=red_inclusive,
    )


# --------------------------------------------------------------------------------------------
# Direction of travel
# --------------------------------------------------------------------------------------------


def _better_direction(polarity: Polarity) -> bool | None:
    """True when a rise is good, False when a fall is good, None when neither (DOT, benchmarks).

    Unlike RAG, "Within limits (low)" counts as Low here: domain.md makes a fall an improvement.
    """
    if polarity == Polarity.HIGH:
        return True
    if polarity in (Polarity.LOW, Polarity.WITHIN_LIMITS_LOW):
        return False
    return None


def direction_of_travel(
    polarity: Polarity, previous: Decimal | None, latest: Decimal | None
) -> Dot | None:
    """Return the performance-convention DOT of ``latest`` against ``previous``.

    ``↑`` is an improvement (a rise for High, a fall for Low and Within limits (low)) or, for
    Info and Within limits, simply a rise; ``↓`` the opposite; ``→`` no change.  None when
    either month has no figure.
    """
    if previous is None or latest is None:
        return None
    if latest == previous:
        return Dot.SAME
    rose = latest > previous
    better = _better_direction(polarity)
    improved = rose if better is None or better else not rose
    return Dot.UP if improved else Dot.DOWN


def numeric_direction(
    polarity: Polarity, previous: Decimal | None, latest: Decimal | None
) -> tuple[str, bool | None] | None:
    """Return the Kirklees-convention DOT: (arrow, good).

    The arrow follows the number: ``↑`` up, ``↓`` down, ``↔`` same.  ``good`` is True when the
    move is good for the polarity, False when bad, None for no move or a polarity without a
    good direction (Info, Within limits).  None when either month has no figure.
    """
    if previous is None or latest is None:
        return None
    if latest == previous:
        return "↔", None
    rose = latest > previous
    better = _better_direction(polarity)
    return ("↑" if rose else "↓"), (None if better is None else rose == better)


# --------------------------------------------------------------------------------------------
# Year to date
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigure:
    """One month's figure; numerator and denominator when the figure is a ratio ("313 of 346")."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class Ytd:
    """A year-to-date figure, with the summed numerator and denominator when it is a ratio."""

    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def year_to_date(
    aggregation: Aggregation, unit: Unit, figures: Sequence[MonthFigure], decimals: int
) -> Ytd | None:
    """Return the year-to-date figure of this year's months so far, or None when there is none.

    Only FINANCIAL_YEAR indicators have a YTD (the others' monthly figure already covers the
    period).  Months without a value are skipped.  Counts and other non-ratio units: the sum.
    Percentages and rates: sum of numerators over sum of denominators (via ``ratio_value``),
    provided every month with a value has both; otherwise the single month's value when only
    one month has a value, else None.  None when the summed denominator is zero.
    """
    if aggregation != Aggregation.FINANCIAL_YEAR:
        return None
    valued = [figure for figure in figures if figure.value is not None]
    if not valued:
        return None
    if unit not in _RATIO_FACTORS:
        return Ytd(
            value=sum(
                (figure.value for figure in valued if figure.value is not None),
                Decimal(0),
            )
        )
    numerators = [figure.numerator for figure in valued if figure.numerator is not None]
    denominators = [figure.denominator for figure in valued if figure.denominator is not None]
    if len(numerators) == len(denominators) == len(valued):
        numerator, denominator = (
            sum(numerators, Decimal(0)),
            sum(denominators, Decimal(0)),
        )
        if denominator == 0:
            return None
        return Ytd(ratio_value(unit, numerator, denominator, decimals), numerator, denominator)
    # Without the parts a single month is still its own YTD; several months cannot be averaged
    # honestly (percentages of different bases), so no YTD is better than a wrong one.
    if len(valued) == 1 and valued[0].value is not None:
        return Ytd(value=valued[0].value)
    return None


# --------------------------------------------------------------------------------------------
# Benchmarks
# --------------------------------------------------------------------------------------------


def quartile_band(
    polarity: Polarity, value: Decimal | None, benchmarks: Mapping[Measure, Decimal]
) -> Band | None:
    """Return where ``value`` sits against the national top quartile and national average.

    For High, at or above the top-quartile threshold is TOP_QUARTILE, otherwise at or above the
    average is ABOVE_AVERAGE, else BELOW_AVERAGE; Low is mirrored (at or below).  With only the
    average known the answer is ABOVE/BELOW; with only the quartile known it is TOP_QUARTILE or
    None.  None when the polarity has no good direction, the value is None, or neither
    benchmark is known.
    """
    better = _better_direction(polarity)
    if better is None or value is None:
        return None
    sign = 1 if better else -1
    top = benchmarks.get(Measure.NATIONAL_TOP_QUARTILE)
    if top is not None and sign * value >= sign * top:
        return Band.TOP_QUARTILE
    average = benchmarks.get(Measure.NATIONAL_AVERAGE)
    if average is None:
        return None
    return Band.ABOVE_AVERAGE if sign * value >= sign * average else Band.BELOW_AVERAGE


# --------------------------------------------------------------------------------------------
# Calendar: financial year April-March
# --------------------------------------------------------------------------------------------

_MONTH_ABBREVIATIONS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
_MONTH_FULL_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_NUMBERS: dict[str, int] = {
    **{name: number for number, name in enumerate(_MONTH_ABBREVIATIONS, start=1)},
    **{name: number for number, name in enumerate(_MONTH_FULL_NAMES, start=1)},
    "sept": 9,
}
_MONTH_KEY_RE = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)
_MONTH_NAME_RE = re.compile(r"([a-z]+)\.?[ \-/]?(\d{2}|\d{4})", re.ASCII)
_YEAR_RE = re.compile(r"(\d{4}) ?[/-] ?(\d{2}|\d{4})", re.ASCII)


def parse_month(text: str) -> date:
    """Return the first day of the month written as ``2020-04``, ``Apr-20`` or ``April 2020``.

    Also accepts ``Apr 2020``, ``apr-2020``, any case.  A two-digit year is in the 2000s.
    Raises ``ValueError`` ("'13-2020' is not a month (use 2020-04, Apr-20 or April 2020)").
    """
    squashed = _squash(text or "")
    year = month = 0
    key = _MONTH_KEY_RE.fullmatch(squashed)
    named = _MONTH_NAME_RE.fullmatch(squashed)
    if key:
        year, month = int(key.group(1)), int(key.group(2))
    elif named and named.group(1) in _MONTH_NUMBERS:
        month = _MONTH_NUMBERS[named.group(1)]
        digits = named.group(2)
        year = 2000 + int(digits) if len(digits) == 2 else int(digits)
    try:
        return date(year, month, 1)
    except ValueError:
        raise ValueError(
            f"'{(text or '').strip()}' is not a month (use 2020-04, Apr-20 or April 2020)"
        ) from None


def month_label(month: date) -> str:
    """Return the report's column heading for ``month``: ``Apr-20``."""
    return f"{_MONTH_ABBREVIATIONS[month.month - 1].capitalize()}-{month.year % 100:02d}"


def month_key(month: date) -> str:
    """Return the sortable key of ``month``: ``2020-04``."""
    return f"{month.year:04d}-{month.month:02d}"


def financial_year(month: date) -> int:
    """Return the start year of the April-March financial year holding ``month``."""
    return month.year if month.month >= 4 else month.year - 1


def year_label(start_year: int) -> str:
    """Return the financial year starting in ``start_year`` as written: ``2020/21``."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def parse_year(text: str) -> int:
    """Return the start year of a financial year written ``2020/21``, ``2020/2021`` or ``2020-21``.

    Raises ``ValueError`` when the text has another form or the second year does not follow
    the first.
    """
    squashed = _squash(text or "")
    match = _YEAR_RE.fullmatch(squashed)
    if match:
        first, second = int(match.group(1)), match.group(2)
        follows = int(second) == (first + 1) % 100 if len(second) == 2 else int(second) == first + 1
        if follows:
            return first
    raise ValueError(f"'{(text or '').strip()}' is not a financial year (use 2020/21)")


def months_of_year(start_year: int) -> list[date]:
    """Return the first days of April..March of the financial year starting in ``start_year``."""
    return [date(start_year + (month < 4), month, 1) for month in (*range(4, 13), 1, 2, 3)]


def previous_months(month: date, count: int) -> list[date]:
    """Return the ``count`` months ending with ``month`` (first days), oldest first.

    Raises ``ValueError`` for a negative count.
    """
    if count < 0:
        raise ValueError(f"count must be 0 or more, not {count}")
    last = month.year * 12 + month.month - 1
    return [date(index // 12, index % 12 + 1, 1) for index in range(last - count + 1, last + 1)]
