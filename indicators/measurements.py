"""The rules a monthly figure or annual outturn must keep (formats.md, "Validation").

Pure: no database. Errors are keyed by the file column they belong to.
"""

from __future__ import annotations

from decimal import Decimal

from . import performance as perf

RATIOS = (perf.Unit.PERCENTAGE, perf.Unit.RATE_PER_10000)
# What the database columns hold: DecimalField(max_digits=14, decimal_places=4).
MAX_PLACES = 4
MAX_WHOLE_DIGITS = 10


def check_storable(number: Decimal) -> Decimal:
    """``number`` if a figure column can hold it exactly; ValueError naming the problem if not."""
    _, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"'{number}' is not a number")
    extra_places = -exponent - MAX_PLACES
    if extra_places > 0 and any(digits[-extra_places:]):
        raise ValueError(f"{plain_number(number)} has more than {MAX_PLACES} decimal places")
    if len(digits) + exponent > MAX_WHOLE_DIGITS:
        raise ValueError(f"{plain_number(number)} is too large")
    return number


def check_measurement(
    *,
    unit: perf.Unit,
    decimals: int,
    value: Decimal | None,
    marker: str,
    numerator: Decimal | None,
    denominator: Decimal | None,
) -> dict[str, list[str]]:
    """Every rule the cells break, by column; empty when the measurement is sound."""
    errors: dict[str, list[str]] = {}

    def fail(column: str, message: str) -> None:
        errors.setdefault(column, []).append(message)

    for column, number in (
        ("value", value),
        ("numerator", numerator),
        ("denominator", denominator),
    ):
        if number is not None and number < 0:
            fail(column, f"{plain_number(number)} is negative; figures cannot be negative")
    if marker and (value is not None or numerator is not None or denominator is not None):
        fail(
            "value", f"'{marker}' means no figure, so leave value, numerator and denominator blank"
        )
    if (numerator is None) != (denominator is None):
        missing = "denominator" if denominator is None else "numerator"
        fail(missing, f"a {missing} is needed when the {_other(missing)} is given")
    if value is not None and unit == perf.Unit.PERCENTAGE and value > 100:
        fail("value", f"{plain_number(value)}% is above 100%")
    if value is not None and unit == perf.Unit.COUNT and value != value.to_integral_value():
        fail("value", f"{plain_number(value)} is not a whole number, and this indicator is a count")
    if errors or numerator is None or denominator is None:
        return errors
    if denominator == 0:
        if numerator != 0:
            fail("denominator", "the denominator is 0 but the numerator is not")
        elif value is None:
            fail("value", "0 of 0 has no value: give the value or the marker '-'")
        return errors
    if unit in RATIOS and numerator > denominator:
        fail(
            "numerator",
            f"the numerator {plain_number(numerator)} is above the denominator "
            f"{plain_number(denominator)}",
        )
        return errors
    if value is not None:
        expected = perf.ratio_value(unit, numerator, denominator, decimals)
        if perf.round_to(value, decimals) != expected:
            fail(
                "value",
                f"{plain_number(value)} disagrees with {plain_number(numerator)} of "
                f"{plain_number(denominator)}, which is {expected} to {decimals} decimal place(s)",
            )
    return errors


def _other(column: str) -> str:
    return "numerator" if column == "denominator" else "denominator"


def plain_number(number: Decimal | None) -> str:
    """A stored decimal as the shortest exact text: 95.2000 -> '95.2', 604.0000 -> '604'."""
    if number is None:
        return ""
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text
