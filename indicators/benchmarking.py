"""What the indicator page and the report show of a LAIT import: the council against each of
its statistical neighbours and England for the data year, as stored at import (no page reads
the LAIT file), and the earlier values of each benchmark."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from . import performance as perf
from .lait import ENGLAND, DataDictionary, read_data_dictionary, read_la_codes
from .models import BenchmarkComparison, BenchmarkRevision, Indicator


@functools.cache
def _dictionary(path: str) -> DataDictionary:
    return read_data_dictionary(path)


def data_dictionary() -> DataDictionary:
    """DfE's data dictionary (``settings.LAIT_DATA_DICTIONARY``), read once per process."""
    return _dictionary(str(settings.LAIT_DATA_DICTIONARY))


@functools.cache
def _la_codes() -> dict[int, str]:
    return dict(read_la_codes(settings.LAIT_LA_CODES).names)


def councils() -> list[tuple[int, str]]:
    """(LA number, "Name (number)") of every local authority of DfE's code list, by name, to
    choose the council by its name."""
    return sorted(
        ((la, f"{name} ({la})") for la, name in _la_codes().items() if la < ENGLAND),
        key=lambda choice: choice[1],
    )


# The council stands out from its neighbours, England is grey; the table beside says which is
# which, so colour is never the only signal.
ROLE_COLOURS = {"council": "#c55a11", "neighbour": "#1d70b8", "national": "#505a5f"}
ROLE_LABELS = {"council": "Council", "neighbour": "Statistical neighbour", "national": "England"}


@dataclass(frozen=True)
class ComparedPlace:
    name: str
    role: str
    value: Decimal | None
    shown: str  # the value as printed, or why there is none ("'c' suppressed")

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


@dataclass(frozen=True)
class Comparison:
    """The latest comparison stored for an indicator, ready for a table and a bar chart."""

    measure: str
    year: str
    la: int
    neighbour_list: str
    source: str
    places: tuple[ComparedPlace, ...]

    @property
    def council(self) -> str:
        return next((p.name for p in self.places if p.role == "council"), f"LA {self.la}")

    @property
    def with_value(self) -> int:
        return sum(p.value is not None for p in self.places if p.role == "neighbour")

    @property
    def neighbours(self) -> int:
        return sum(p.role == "neighbour" for p in self.places)

    @property
    def alt(self) -> str:
        """The chart's text alternative: what it shows and every figure."""
        figures = "; ".join(f"{p.name} {p.shown}" for p in self.places)
        return (
            f"Bar chart of {self.council}, its {self.neighbours} statistical neighbours and "
            f"England in {self.year} (DfE LAIT {self.measure}): {figures}."
        )

    def chart(self, chart_id: str, indicator: Indicator) -> dict[str, Any]:
        """What static/cpp/charts.js draws: one bar per place (a gap where none)."""
        return {
            "id": chart_id,
            "kind": "bar",
            "xTitle": f"{self.council}, its statistical neighbours and England ({self.year})",
            "labels": [p.name for p in self.places],
            "values": [float(p.value) if p.value is not None else None for p in self.places],
            "barColours": [ROLE_COLOURS[p.role] for p in self.places],
            "target": None,
            "percent": indicator.kind_enum == perf.Kind.PERCENTAGE,
        }


def latest_comparison(indicator: Indicator) -> Comparison | None:
    """The comparison the latest LAIT import stored for the indicator, if any."""
    return latest_comparisons([indicator]).get(indicator.pk)


def latest_comparisons(indicators: Iterable[Indicator]) -> dict[int, Comparison]:
    """The latest stored comparison of each of these indicators that has one (one query)."""
    by_id = {indicator.pk: indicator for indicator in indicators}
    found: dict[int, Comparison] = {}
    for stored in BenchmarkComparison.objects.filter(indicator_id__in=by_id).order_by(
        "indicator_id", "-imported_at", "-id"
    ):
        if stored.indicator_id not in found:
            found[stored.indicator_id] = comparison_of(stored, by_id[stored.indicator_id])
    return found


def comparison_of(stored: BenchmarkComparison, indicator: Indicator) -> Comparison:
    places = []
    for place in stored.places:
        value = None if place.get("value") is None else Decimal(place["value"])
        shown = (
            indicator.format(value, places=printed_places(value, indicator.decimals))
            if value is not None
            else place.get("reason") or "no figure"
        )
        places.append(ComparedPlace(place["name"], place["role"], value, shown))
    return Comparison(
        measure=stored.measure,
        year=stored.year,
        la=stored.la,
        neighbour_list=stored.neighbour_list,
        source=stored.source,
        places=tuple(places),
    )


def printed_places(value: Decimal, decimals: int) -> int:
    """As the import stores a benchmark: the published places, at least the indicator's."""
    exponent = value.as_tuple().exponent
    published = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return max(published, decimals)


def benchmark_history(indicator: Indicator) -> list[BenchmarkRevision]:
    """Every change to the indicator's benchmarks, newest first: earlier values and who, when
    and from which file replaced them."""
    return list(
        BenchmarkRevision.objects.filter(benchmark__indicator=indicator)
        .select_related("benchmark__indicator", "changed_by")
        .order_by("-changed_at", "-id")
    )
