"""The four benchmarks of an indicator, computed as LAIT computes them.

For one council (LA number), one measure and one data year: the statistical-neighbour
average over the neighbours with a value, the best neighbour by the indicator's polarity,
England's value, and the national top-quartile threshold (R's ``quantile`` type 7 over local
authorities, England and regions excluded; 75th percentile for DfE polarity High, 25th for
Low; none where LAIT shows no quartiles). Values are read to the measure's published decimals
and every result is rounded half up to them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from indicators.performance import Measure, Polarity, round_to

from .dictionary import DataDictionary, MeasureInfo, direction, polarity_disagreement
from .errors import LaitError
from .longtable import ENGLAND, LaitTable
from .neighbours import NeighbourList
from .values import Missing, read_value, year_order

#: LA numbers from England (970) up are England and the regions (980-990), not councils
FIRST_NON_LA = ENGLAND
#: the length of the benchmarks' ``source`` column
SOURCE_LENGTH = 200
_PERCENTILE = {Polarity.HIGH: Decimal("0.75"), Polarity.LOW: Decimal("0.25")}


@dataclass(frozen=True)
class Benchmark:
    """One benchmark: its value (None when there is none, ``detail`` says why), data year as
    DfE prints it, source, and how it was computed ("average of 9 of 10 neighbours")."""

    measure: Measure
    value: Decimal | None
    year: str
    source: str
    detail: str


@dataclass(frozen=True)
class Compared:
    """One place's published value in the comparison an indicator page charts: the council
    (``role`` "council"), a neighbour ("neighbour") or England ("national"); ``value`` None
    with the ``reason`` (``'c' suppressed``)."""

    la: int
    name: str
    role: str
    value: Decimal | None
    reason: str = ""


@dataclass(frozen=True)
class IndicatorBenchmarks:
    """An indicator's four benchmarks from one LAIT measure, with what was skipped and why."""

    reference: str
    lait: str
    year: str
    benchmarks: tuple[Benchmark, ...]
    skipped: tuple[str, ...]
    warnings: tuple[str, ...]
    #: the council, its neighbours nearest first, then England, for ``year``
    compared: tuple[Compared, ...] = ()

    def __getitem__(self, measure: Measure) -> Benchmark:
        return next(b for b in self.benchmarks if b.measure == measure)


@dataclass(frozen=True)
class MappedIndicator:
    """An indicator of the catalogue as the engine needs it: ``lait`` is blank when unmapped."""

    reference: str
    lait: str
    polarity: str


@dataclass(frozen=True)
class BenchmarkImport:
    """Every mapped indicator's benchmarks for one council, and why others have none."""

    la: int
    place: str
    neighbour_list: str
    results: tuple[IndicatorBenchmarks, ...]
    problems: tuple[str, ...]

    def rows(self) -> list[dict[str, str]]:
        """Rows of the ``benchmarks`` kind (formats.md): indicator, measure, value, year,
        source; a benchmark without a value gives no row."""
        return [
            {
                "indicator": result.reference,
                "measure": benchmark.measure.value,
                "value": format(benchmark.value, "f"),
                "year": benchmark.year,
                "source": benchmark.source,
            }
            for result in self.results
            for benchmark in result.benchmarks
            if benchmark.value is not None
        ]


def compute_benchmarks(
    table: LaitTable,
    dictionary: DataDictionary,
    neighbours: NeighbourList,
    la: int,
    indicators: Sequence[MappedIndicator],
    *,
    year: str | None = None,
) -> BenchmarkImport:
    """Benchmarks of every mapped indicator for LA ``la`` (see ``compute_indicator``).

    Raises ``LaitError`` when the LA is not in the file or not in the neighbour list (no
    indicator could have benchmarks). An indicator that cannot have them (unmapped, measure
    not in the dictionary or the file, no value in the year) is listed in ``problems``.
    """
    _check_la(table, neighbours, la)
    results, problems = [], []
    for indicator in indicators:
        if not indicator.lait.strip():
            problems.append(f"{indicator.reference}: no LAIT measure mapped.")
            continue
        try:
            measure = dictionary[indicator.lait.strip()]
            results.append(
                compute_indicator(
                    table,
                    measure,
                    neighbours,
                    la,
                    reference=indicator.reference,
                    polarity=indicator.polarity,
                    year=year,
                )
            )
        except LaitError as error:
            problems.append(f"{indicator.reference}: {error}")
    return BenchmarkImport(
        la=la,
        place=table.place(la),
        neighbour_list=neighbours.name,
        results=tuple(results),
        problems=tuple(problems),
    )


def compute_indicator(
    table: LaitTable,
    measure: MeasureInfo,
    neighbours: NeighbourList,
    la: int,
    *,
    reference: str = "",
    polarity: str = "",
    year: str | None = None,
) -> IndicatorBenchmarks:
    """The four benchmarks of ``measure`` for LA ``la`` in ``year``.

    ``polarity`` is the indicator's (our vocabulary or DfE's); the best neighbour follows it,
    or DfE's when it is blank. ``year`` is a data year exactly as DfE prints it; by default
    the latest year in which the LA has a value. Raises ``LaitError`` for an LA not in the
    file or the neighbour list, a measure not in the file, a year the measure does not have or
    in which nobody has a value, and an LA with no value in any year.
    """
    _check_la(table, neighbours, la)
    by_year = table.values.get(measure.code)
    if not by_year:
        raise LaitError(f"Measure '{measure.code}' is not in the LAIT file.")
    chosen = _year(table, measure, la, year)
    values = {place: read_value(text, measure.dps) for place, text in by_year[chosen].items()}
    if not any(isinstance(value, Decimal) for value in values.values()):
        raise LaitError(f"{measure.code} has no value for anyone in {chosen}.")
    source = _source(measure)
    sn_source = _source(measure, f"neighbours: {neighbours.name}")
    group = neighbours.neighbours_of(la)
    skipped = []
    found: dict[int, Decimal] = {}
    for neighbour in group:
        value = values.get(neighbour.la, Missing("", "no figure in the file"))
        if isinstance(value, Missing):
            skipped.append(f"{table.place(neighbour.la)}: {value.describe()}")
        else:
            found[neighbour.la] = value
    good = direction(polarity) if polarity.strip() else measure.direction
    warning = polarity_disagreement(polarity, measure) if polarity.strip() else ""
    benchmarks = (
        _sn_average(found, len(group), measure.dps, chosen, sn_source),
        _best_sn(table, found, good, polarity or measure.polarity, chosen, source),
        _national(table, values, chosen, source),
        _top_quartile(values, measure, chosen, source),
    )
    roles = [(la, "council"), *((n.la, "neighbour") for n in group), (ENGLAND, "national")]
    compared = tuple(_compared(table, values, place, role) for place, role in roles)
    return IndicatorBenchmarks(
        reference=reference,
        lait=measure.code,
        year=chosen,
        benchmarks=benchmarks,
        skipped=tuple(skipped),
        warnings=(warning,) if warning else (),
        compared=compared,
    )


def _compared(
    table: LaitTable, values: Mapping[int, Decimal | Missing], la: int, role: str
) -> Compared:
    value = values.get(la, Missing("", "no figure in the file"))
    name = table.places.get(la) or f"LA {la}"
    if isinstance(value, Missing):
        return Compared(la, name, role, None, value.describe())
    return Compared(la, name, role, value)


def quantile_type7(values: Sequence[Decimal], probability: Decimal) -> Decimal:
    """R's ``quantile(values, probability, type = 7)``: linear interpolation between order
    statistics, h = (n - 1) p. Exact in Decimal. Raises ``LaitError`` for no values."""
    if not values:
        raise LaitError("No values to take a quantile of.")
    ordered = sorted(values)
    position = (len(ordered) - 1) * probability
    low = int(position)
    if low + 1 >= len(ordered):
        return ordered[low]
    return ordered[low] + (position - low) * (ordered[low + 1] - ordered[low])


def _check_la(table: LaitTable, neighbours: NeighbourList, la: int) -> None:
    if la not in table.places or la >= FIRST_NON_LA:
        raise LaitError(f"LA number {la} is not a local authority of the LAIT file.")
    neighbours.neighbours_of(la)


def _year(table: LaitTable, measure: MeasureInfo, la: int, year: str | None) -> str:
    by_year = table.values[measure.code]
    if year is not None:
        if year.strip() not in by_year:
            years = ", ".join(table.years(measure.code))
            raise LaitError(f"{measure.code} has no data year '{year.strip()}'; it has {years}.")
        return year.strip()
    with_value = [
        label
        for label, values in by_year.items()
        if year_order(label) and isinstance(read_value(values.get(la, ""), measure.dps), Decimal)
    ]
    if not with_value:
        raise LaitError(f"{table.place(la)} has no value for {measure.code} in any year.")
    # Every label kept has a year (filtered above); the fallback only satisfies the sort key's type.
    return max(with_value, key=lambda label: year_order(label) or (0, label))


def _sn_average(
    found: Mapping[int, Decimal], total: int, dps: int, year: str, source: str
) -> Benchmark:
    if not found:
        detail = f"none of the {total} neighbours has a value"
        return Benchmark(Measure.SN_AVERAGE, None, year, source, detail)
    average = round_to(sum(found.values(), Decimal(0)) / len(found), dps)
    detail = f"average of {len(found)} of {total} neighbours"
    return Benchmark(Measure.SN_AVERAGE, average, year, source, detail)


def _best_sn(
    table: LaitTable,
    found: Mapping[int, Decimal],
    good: Polarity | None,
    polarity: str,
    year: str,
    source: str,
) -> Benchmark:
    if good is None:
        detail = f"none: good performance '{polarity.strip() or '-'}' has no best direction"
        return Benchmark(Measure.BEST_SN, None, year, source, detail)
    if not found:
        return Benchmark(Measure.BEST_SN, None, year, source, "none: no neighbour has a value")
    best = max(found.values()) if good == Polarity.HIGH else min(found.values())
    who = ", ".join(table.place(la) for la, value in found.items() if value == best)
    word = "highest" if good == Polarity.HIGH else "lowest"
    return Benchmark(Measure.BEST_SN, best, year, source, f"{word} of {len(found)}: {who}")


def _national(
    table: LaitTable, values: Mapping[int, Decimal | Missing], year: str, source: str
) -> Benchmark:
    value = values.get(ENGLAND, Missing("", "no figure in the file"))
    if isinstance(value, Missing):
        detail = f"none: {table.place(ENGLAND)} {value.describe()}"
        return Benchmark(Measure.NATIONAL_AVERAGE, None, year, source, detail)
    return Benchmark(Measure.NATIONAL_AVERAGE, value, year, source, "England")


def _top_quartile(
    values: Mapping[int, Decimal | Missing], measure: MeasureInfo, year: str, source: str
) -> Benchmark:
    good = measure.direction
    if measure.no_quartile or good is None:
        why = "marked No_Quartile" if measure.no_quartile else f"DfE polarity '{measure.polarity}'"
        detail = f"none: LAIT shows no quartiles for {measure.code} ({why})"
        return Benchmark(Measure.NATIONAL_TOP_QUARTILE, None, year, source, detail)
    councils = [v for la, v in values.items() if la < FIRST_NON_LA and isinstance(v, Decimal)]
    if not councils:
        detail = "none: no local authority has a value"
        return Benchmark(Measure.NATIONAL_TOP_QUARTILE, None, year, source, detail)
    probability = _PERCENTILE[good]
    threshold = round_to(quantile_type7(councils, probability), measure.dps)
    detail = (
        f"{int(probability * 100)}th percentile of {len(councils)} local authorities "
        f"(R type 7; DfE polarity {measure.polarity})"
    )
    return Benchmark(Measure.NATIONAL_TOP_QUARTILE, threshold, year, source, detail)


def _source(measure: MeasureInfo, more: str = "") -> str:
    """``DfE LAIT %_of LAC Adopted: Percentage of CLA adopted in year``, shortened to fit the
    benchmarks' source column; ``more`` (the neighbour list) is kept whole at the end."""
    tail = f"; {more}" if more else ""
    text = f"DfE LAIT {measure.code}: {measure.name}"
    room = SOURCE_LENGTH - len(tail)
    return (text if len(text) <= room else text[: room - 1] + "…") + tail
