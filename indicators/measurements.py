"""The rules a monthly figure or annual outturn must keep (formats.md, "Validation").

Pure: no database. Errors are keyed by the file column they belong to. What a figure must obey
follows from its indicator's kind of number (domain.md, "Indicator"): a percentage lies between 0
and 100, a count is whole, only money and "other" figures may be negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple, Protocol

from . import performance as perf

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
    kind: perf.Kind,
    factor: int | None,
    decimals: int,
    value: Decimal | None,
    places: int | None,
    marker: str,
    numerator: Decimal | None,
    denominator: Decimal | None,
) -> dict[str, list[str]]:
    """Every rule the cells break, by column; empty when the measurement is sound.

    A value may carry its count alone (``82.4% (14)``: a numerator without a denominator); a
    denominator needs a numerator. Numerator and denominator must agree with a value given
    beside them at the precision the value was written with (at most the indicator's decimals).
    """
    errors: dict[str, list[str]] = {}

    def fail(column: str, message: str) -> None:
        errors.setdefault(column, []).append(message)

    signed = kind in perf.SIGNED_KINDS
    for column, number in (
        ("value", value),
        ("numerator", numerator),
        ("denominator", denominator),
    ):
        if number is not None and number < 0 and (column != "value" or not signed):
            fail(column, f"{plain_number(number)} is negative; a {kind} figure cannot be")
    if marker and (value is not None or numerator is not None or denominator is not None):
        fail(
            "value", f"'{marker}' means no figure, so leave value, numerator and denominator blank"
        )
    if denominator is not None and numerator is None:
        fail("numerator", "a numerator is needed when the denominator is given")
    if numerator is not None and denominator is None and value is None and not marker:
        fail("denominator", "give the denominator, or the value the numerator is a count of")
    if value is not None and kind == perf.Kind.PERCENTAGE and value > 100:
        fail("value", f"{plain_number(value)}% is above 100%")
    if value is not None and kind == perf.Kind.COUNT and value != value.to_integral_value():
        fail("value", f"{plain_number(value)} is not a whole number, and this indicator is a count")
    if errors or numerator is None or denominator is None:
        return errors
    if denominator == 0:
        if numerator != 0:
            fail("denominator", "the denominator is 0 but the numerator is not")
        elif value is None:
            fail("value", "0 of 0 has no value: give the value or the marker '-'")
        return errors
    if kind in perf.RATIO_KINDS and numerator > denominator:
        fail(
            "numerator",
            f"the numerator {plain_number(numerator)} is above the denominator "
            f"{plain_number(denominator)}",
        )
        return errors
    if factor is None:
        if value is not None:
            return errors  # nothing to check the value against
        fail(
            "denominator",
            "this rate's unit does not say per how many (e.g. 'Rate per 10,000'), so a value "
            "cannot be worked out from numerator and denominator",
        )
        return errors
    if value is not None:
        shown = min(decimals, places if places is not None else decimals)
        expected = perf.ratio_value(factor, numerator, denominator, shown)
        if perf.round_to(value, shown) != expected:
            fail(
                "value",
                f"{plain_number(value)} disagrees with {plain_number(numerator)} of "
                f"{plain_number(denominator)}, which is {expected} to {shown} decimal place(s)",
            )
    return errors


def plain_number(number: Decimal | None) -> str:
    """A stored decimal as the shortest exact text: 95.2000 -> '95.2', 604.0000 -> '604'."""
    if number is None:
        return ""
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


class Measured(Protocol):
    """A figure, an outturn or a ``Reading`` of either: what printing one needs."""

    @property
    def value(self) -> Decimal | None: ...
    @property
    def marker(self) -> str: ...
    @property
    def places(self) -> int | None: ...
    @property
    def numerator(self) -> Decimal | None: ...
    @property
    def denominator(self) -> Decimal | None: ...


class Reading(NamedTuple):
    """A stored figure or outturn read as its columns (``READING_COLUMNS``), not as a model
    instance: the summary prints thousands, and building models was a third of its time."""

    value: Decimal | None
    marker: str
    places: int | None
    numerator: Decimal | None
    denominator: Decimal | None


READING_COLUMNS = ("value", "marker", "places", "numerator", "denominator")


@dataclass(frozen=True, slots=True)
class Rules:
    """What an indicator's figures obey and how they print, its fields read into the
    vocabulary once (``Indicator.rules``) rather than once for every cell a page prints."""

    kind: perf.Kind
    polarity: perf.Polarity
    aggregation: perf.Aggregation
    frequency: perf.Frequency
    decimals: int
    factor: int | None  # what numerator / denominator is multiplied by (100 for a percentage)

    #: the indicator's fields the rules are read from (``read``), in its order
    FIELDS = ("kind", "polarity", "aggregation", "frequency", "decimals", "unit")

    @classmethod
    def read(
        cls, kind: str, polarity: str, aggregation: str, frequency: str, decimals: int, unit: str
    ) -> Rules:
        """The rules of an indicator with these fields (``FIELDS``), as stored."""
        kind_of_number = perf.Kind(kind)
        return cls(
            kind=kind_of_number,
            polarity=perf.Polarity(polarity),
            aggregation=perf.Aggregation(aggregation),
            frequency=perf.Frequency(frequency),
            decimals=decimals,
            factor=perf.ratio_factor(kind_of_number, unit),
        )

    def text(self, value: Decimal | None, marker: str = "", places: int | None = None) -> str:
        """A figure as printed: with the places it was written with, else the indicator's."""
        shown = self.decimals if places is None else places
        return perf.format_value(value, self.kind, shown, marker)

    def dated(self, value: Decimal | None, places: int | None, year: str) -> str:
        """A benchmark as printed, with the year of its data: ``12.5% (2019)``."""
        text = self.text(value, places=places)
        return f"{text} ({year})" if year else text

    def shown(self, measured: Measured | None) -> Decimal | None:
        """The value as printed (rounded to its places), so that RAG and DOT agree with it."""
        if measured is None or measured.value is None:
            return None
        places = self.decimals if measured.places is None else measured.places
        return perf.round_to(measured.value, places)
