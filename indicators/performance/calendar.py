"""The April-March financial year calendar and the month spellings uploads use."""

from __future__ import annotations

import re
from datetime import date

from .vocabulary import _squash

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

# The months the product reports on. Beyond them the calendar arithmetic leaves the dates Python
# can hold (a summary of December 9999 needs January 10000), and no council reports on them.
FIRST_MONTH = date(2000, 1, 1)
LAST_MONTH = date(2099, 12, 1)


def check_month(month: date) -> date:
    """Return ``month`` (its first day) if it lies in FIRST_MONTH..LAST_MONTH; else ValueError
    ("December 9999 is outside the months reported on (January 2000 to December 2099)")."""
    first = month.replace(day=1)
    if not FIRST_MONTH <= first <= LAST_MONTH:
        raise ValueError(
            f"{first:%B} {first.year} is outside the months reported on "
            f"({FIRST_MONTH:%B %Y} to {LAST_MONTH:%B %Y})"
        )
    return first


def parse_month(text: str) -> date:
    """Return the first day of the month written as ``2020-04``, ``Apr-20`` or ``April 2020``.

    Also accepts ``Apr 2020``, ``apr-2020``, any case.  A two-digit year is in the 2000s.
    Raises ``ValueError`` ("'13-2020' is not a month (use 2020-04, Apr-20 or April 2020)"), also
    for a month outside FIRST_MONTH..LAST_MONTH (``check_month``).
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
        parsed = date(year, month, 1)
    except ValueError:
        raise ValueError(
            f"'{(text or '').strip()}' is not a month (use 2020-04, Apr-20 or April 2020)"
        ) from None
    return check_month(parsed)


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
