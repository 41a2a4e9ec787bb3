"""Reading LAIT's published values and data years."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from indicators.performance import round_to

# DfE's symbols for a figure that is not published, and why (DfE statistical conventions).
_MARKERS = {
    "c": "suppressed",
    "x": "not available",
    "..": "not available",
    "-": "no figure",
    "z": "not applicable",
    "": "blank",
}
# A plain decimal, optionally in the scientific notation some LAIT values carry (7.0E-2).
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_YEAR_START = re.compile(r"\s*(\d{4})")
# Larger than any published figure; refusing it keeps a hostile "1E+999999999" from making
# Decimal build a billion-digit number.
_MAX_EXPONENT = 15


@dataclass(frozen=True)
class Missing:
    """A value LAIT does not publish as a number: the text as printed and why it is skipped."""

    text: str
    reason: str

    def describe(self) -> str:
        """``'c' suppressed``, ``'-' no figure``, ``blank``."""
        return f"'{self.text}' {self.reason}" if self.text else self.reason


def read_value(text: str, dps: int) -> Decimal | Missing:
    """Return the figure ``text`` stands for, rounded half up to ``dps`` places.

    LAIT stores some values with the noise of a float conversion (``74.599999999999994`` is
    the published 74.6): rounding to the measure's published decimals gives back the figure.
    Markers (``c``, ``x``, ``..``, ``-``, ``z``, blank) and any other non-numeric text give a
    ``Missing`` with the reason.
    """
    stripped = text.strip()
    reason = _MARKERS.get(stripped.lower())
    if reason is not None:
        return Missing(stripped, reason)
    if not _NUMBER.fullmatch(stripped):
        return Missing(stripped, "not a number")
    try:
        number = Decimal(stripped)
    except InvalidOperation:
        return Missing(stripped, "not a number")
    if number.adjusted() > _MAX_EXPONENT:
        return Missing(stripped, "too large")
    return round_to(number, dps)


def year_order(label: str) -> tuple[int, str] | None:
    """Sort key of a data year as DfE prints it (``2019``, ``2019/20``, ``2018 (Rev)``).

    Years order by the calendar year they start with, then by label, so ``2018 (Rev)`` comes
    after ``2018``. None for a label that does not start with a year (the file has a ``0``).
    """
    match = _YEAR_START.match(label)
    return (int(match.group(1)), label) if match else None
