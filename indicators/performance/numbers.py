"""Numbers as the report prints them: rounding, ratios, formatting and reading them as written."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, getcontext, localcontext

from .vocabulary import Kind, Marker

_EXPONENTS = tuple(Decimal(1).scaleb(-places) for places in range(8))


def round_to(value: Decimal, decimals: int) -> Decimal:
    """Return ``value`` rounded half up to exactly ``decimals`` places (``12.45`` -> ``12.5``).

    A rounded zero is never negative.  Raises ``ValueError`` for negative ``decimals`` or a
    value that is not finite.
    """
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, not {decimals}")
    if not value.is_finite():
        raise ValueError(f"cannot round {value}")
    exponent = _EXPONENTS[decimals] if decimals < len(_EXPONENTS) else Decimal(1).scaleb(-decimals)
    needed = value.adjusted() + decimals + 2
    if needed <= getcontext().prec:
        # The usual case (a report's figures): no context of its own needed, and a page rounds
        # thousands of figures.
        rounded = value.quantize(exponent, rounding=ROUND_HALF_UP)
    else:
        with localcontext() as ctx:
            # quantize fails when the result needs more digits than the context allows.
            ctx.prec = needed
            rounded = value.quantize(exponent, rounding=ROUND_HALF_UP)
    # -0.04 rounds to -0.0, which would print as "-0.0".
    return rounded.copy_abs() if rounded.is_zero() else rounded


def ratio_value(factor: int, numerator: Decimal, denominator: Decimal, decimals: int) -> Decimal:
    """Return numerator / denominator * ``factor``, rounded half up to ``decimals``.

    The factor is 100 for a percentage, the population of a rate (10,000 for "Rate per 10,000")
    and 1 otherwise (``vocabulary.ratio_factor``).  Raises ``ValueError`` when the denominator
    is zero.
    """
    if denominator == 0:
        raise ValueError(f"cannot compute a ratio of {numerator} over a zero denominator")
    with localcontext() as ctx:
        # Generous precision so the only rounding that matters is the final half-up one.
        ctx.prec = 60
        raw = numerator * factor / denominator
    return round_to(raw, decimals)


def format_value(value: Decimal | None, kind: Kind, places: int, marker: str = "") -> str:
    """Return the figure as printed: ``95.2%``, ``604``, ``0.22%``, ``106.1``.

    ``places`` is the precision the figure was written with (or, for a figure the product
    computed, the indicator's decimals); the value is rounded half up to it.  Percentages get
    a ``%`` sign.  When there is no value the marker is shown (``n/a``, ``TBC``), or ``-``.
    """
    if value is None:
        return marker or Marker.NO_FIGURE.value
    text = format(round_to(value, places), "f")
    return f"{text}%" if kind == Kind.PERCENTAGE else text


@dataclass(frozen=True)
class Written:
    """A cell read as a figure: a number with the places it was written with, or a marker."""

    value: Decimal | None
    marker: str = ""
    places: int | None = None  # digits after the decimal point as written; None without a number

    @property
    def is_blank(self) -> bool:
        return self.value is None and not self.marker


_NUMBER_RE = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+", re.ASCII)
# Spreadsheets often turn a typed hyphen into an en or em dash.
_NO_FIGURE_TEXTS = {"-", "\u2013", "\u2014"}
_MARKERS = {"n/a": Marker.NOT_APPLICABLE, "tbc": Marker.AWAITED}


def read_figure(text: str) -> Written:
    """Read a figure as typed in a report or upload, keeping the precision it was written with.

    ``95.2%`` -> 95.2 (1 place; a trailing ``%`` is decoration), ``1,234`` -> 1234 (0 places),
    ``29.0`` -> 29.0 (1 place); markers ``-`` (no figure), ``n/a`` and ``TBC`` (any case);
    an empty cell is blank.  Raises ``ValueError`` ("'abc' is not a number") for anything else.
    """
    stripped = (text or "").strip()
    if not stripped:
        return Written(None)
    lowered = stripped.lower()
    if lowered in _NO_FIGURE_TEXTS:
        return Written(None, Marker.NO_FIGURE)
    if lowered in _MARKERS:
        return Written(None, _MARKERS[lowered])
    number = stripped[:-1].rstrip() if stripped.endswith("%") else stripped
    # A regex rather than Decimal(): Decimal() would also accept "NaN", "1e5" and "1_000".
    if not _NUMBER_RE.fullmatch(number):
        raise ValueError(f"'{stripped}' is not a number")
    places = len(number) - number.index(".") - 1 if "." in number else 0
    return Written(Decimal(number.replace(",", "")), "", places)


def places_of(value: Decimal) -> int:
    """The places a stored decimal shows when written plainly: 95.20 -> 2, 604 -> 0."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
