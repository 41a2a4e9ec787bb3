"""RAG tolerances in the seeds' notation: parsing into ``Thresholds`` and rating a value."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .vocabulary import Polarity, Rag, ThresholdKind, _squash

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
_SIDE = (
    r"(?:above|below|outside|from|above or below|above ?/ ?below|below ?/ ?above|either side of)"
    r"(?: the)? range(?: limits?)?"
)

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
    "90%> (90 or above), 13%< (13 or below) or 90-94.9, lying between red and green, or blank"
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


# The words of the notation; anything else in a cell is the part that could not be read.
_KNOWN_WORDS = set(
    "above below outside from or either side of the range limit limits more than over beyond "
    "under less fewer within up to between and around n/a to be set confirmed tbc".split()
)
_WORD = re.compile(r"[a-z][a-z/]*")


def _unread(text: str) -> list[str]:
    """The words of a cell that are not part of the notation (``'1+ above rnge'`` -> rnge)."""
    return [word for word in _WORD.findall(_normalise(text)) if word not in _KNOWN_WORDS]


def _fail(column: str, text: str, problem: str, forms: str) -> ThresholdError:
    """Build the error for ``column``: the problem with the quoted text, the part that could not
    be read (words outside the notation), then what is accepted."""
    unread = _unread(text)
    part = f" ('{' '.join(unread)}' is not part of the notation)" if unread else ""
    return ThresholdError(
        column, f"{column.capitalize()} '{text.strip()}' {problem}{part}: use {forms}."
    )


def _threshold_direction(polarity: Polarity) -> bool | None:
    """True when higher is better for RAG, False when lower is, None when neither.

    "Within limits (low)" is a range whose good side is low: it takes a range like "Within
    limits" and the Low bands (``12+``, ``12<``, ``9.6<``) too (domain.md).
    """
    if polarity == Polarity.HIGH:
        return True
    if polarity in (Polarity.LOW, Polarity.WITHIN_LIMITS_LOW):
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
    agreed = _agreed_margin(margins, original, _RED_TOL_FORMS)
    return Thresholds(ThresholdKind.TOLERANCE, centre=centre, tolerance=tolerance, margin=agreed)


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
    if "amber" in given and _RANGE.fullmatch(given["amber"]):
        # Amber written as the band itself ("90-94.9", "10.8-13%"): it must lie between red
        # and green, touching either.
        span = _RANGE.fullmatch(given["amber"])
        assert span is not None
        low, high = _dec(span.group(1)), _dec(span.group(2))
        if low > high or low < min(red, green) or high > max(red, green):
            raise _fail(
                "amber",
                original["amber"],
                f"lies outside red '{original['red'].strip()}' .. "
                f"green '{original['green'].strip()}'",
                _AMBER_BAND_FORMS,
            )
    elif "amber" in given:
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
