"""Numbers as the report prints them: rounding, ratios, formatting and parsing."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .vocabulary import Marker, Unit

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
