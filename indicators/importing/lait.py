"""Benchmarks from the DfE's LAIT files, through the one import pipeline.

``plan_lait`` computes every mapped indicator's four benchmarks for one council (the engine in
``indicators.lait``) and turns them into a plan of the ``benchmarks`` kind: rows new, changed
or unchanged against what is stored, plus the neighbour comparisons the indicator page charts
(``Plan.extra``). The ``import_benchmarks`` command applies it at once (``apply_plan``); the
upload page stores it with an ``Upload`` for ``confirm_upload`` to apply, as any other file.
What the engine found (how many neighbours, what was skipped and why, polarity warnings,
indicators without benchmarks) goes into the preview.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO, cast

from django.conf import settings
from django.core.files import File
from django.db import transaction

import audit
from accounts.actors import Actor

from .. import performance as perf
from ..benchmarking import data_dictionary, printed_places
from ..lait import (
    BenchmarkImport,
    LaitError,
    MappedIndicator,
    NeighbourList,
    compute_benchmarks,
    read_long_table,
    read_neighbour_list,
)
from ..models import Framework, Indicator, Upload
from ..models.catalogue import reference_key
from .kinds import kind_named
from .kinds.base import Context, Proposed
from .kinds.measured import text_of
from .pipeline import Applied, apply_plan, preview_of
from .plan import Plan
from .rows import RowError
from .uploads import checksum_of_stream, clean_name, expire_unapplied, store_upload

KIND = "benchmarks"
LAIT_SUFFIXES = (".csv", ".csv.gz")


@dataclass(frozen=True)
class LaitRequest:
    """What to compute: the council's LA number, the framework whose indicators (blank: all
    indicators not retired) and the data year as DfE prints it (blank: the latest with a
    value, per indicator)."""

    la: int
    framework: str = ""
    year: str = ""


def mapped_indicators(framework: str = "") -> list[Indicator]:
    """The indicators to benchmark, in catalogue order: a framework's, or all not retired.
    Raises ``LaitError`` for a framework that does not exist."""
    indicators = Indicator.objects.filter(retired=False).select_related("section")
    if framework.strip():
        found = Framework.objects.filter(name__iexact=framework.strip()).first()
        if found is None:
            names = ", ".join(Framework.objects.values_list("name", flat=True))
            raise LaitError(f"No framework is called '{framework.strip()}' (there are: {names}).")
        indicators = indicators.filter(section__frameworks=found)
    return sorted(indicators.distinct(), key=lambda i: reference_key(i.reference))


def plan_lait(
    lait_file: BinaryIO,
    lait_name: str,
    neighbours_file: BinaryIO,
    neighbours_name: str,
    request: LaitRequest,
) -> Plan:
    """The plan of importing the council's benchmarks from these files; nothing is written.

    A refusal (a file that is not LAIT's, an LA not in the file or the neighbour list, no
    indicator mapped, ...) is a plan with one error saying what and where.
    """
    name = clean_name(lait_name)
    try:
        indicators = mapped_indicators(request.framework)
        if not any(indicator.lait.strip() for indicator in indicators):
            raise LaitError(
                "No indicator has a LAIT measure: map indicators first (the indicators "
                "file's lait column, or the admin)."
            )
        dictionary = data_dictionary()
        neighbours = _neighbours(neighbours_file, clean_name(neighbours_name))
        codes = {i.lait.strip() for i in indicators if i.lait.strip()}
        table = read_long_table(lait_file, codes)
        computed = compute_benchmarks(
            table,
            dictionary,
            neighbours,
            request.la,
            [MappedIndicator(i.reference, i.lait, i.polarity) for i in indicators],
            year=request.year.strip() or None,
        )
    except LaitError as error:
        plan = Plan(kind=KIND, file_name=name, errors=[RowError(0, "", str(error))])
        plan.preview = preview_of(kind_named(KIND), plan)
        return plan
    return plan_of(name, computed, indicators)


def _neighbours(source: BinaryIO, name: str) -> NeighbourList:
    """The neighbour list; a refusal names the file whatever the engine's message says."""
    try:
        return read_neighbour_list(source, name)
    except LaitError as error:
        if name in str(error):
            raise
        raise LaitError(f"{name}: {error}") from error


def plan_of(file_name: str, computed: BenchmarkImport, indicators: Iterable[Indicator]) -> Plan:
    """The benchmarks plan of computed benchmarks: one row per benchmark with a value, the
    comparisons to store with it, and what the engine found in the preview."""
    by_reference = {indicator.reference: indicator for indicator in indicators}
    kind = kind_named(KIND)
    kind.prepare(None)  # type: ignore[arg-type]  # the lookups only; no sheet is read
    proposed, comparisons, found = [], [], []
    for result in computed.results:
        indicator = by_reference[result.reference]
        for benchmark in result.benchmarks:
            if benchmark.value is None:
                continue
            label = f"{indicator.reference} {MEASURE_LABELS[benchmark.measure]}"
            proposed.append(
                Proposed(
                    0,
                    (indicator.pk, benchmark.measure.value),
                    label,
                    (
                        text_of(benchmark.value),
                        printed_places(benchmark.value, indicator.decimals),
                        benchmark.year,
                        benchmark.source,
                    ),
                )
            )
        comparisons.append(
            {
                "indicator": indicator.pk,
                "la": computed.la,
                "year": result.year,
                "measure": result.lait,
                "neighbour_list": computed.neighbour_list,
                "source": f"DfE LAIT {result.lait}, {file_name}",
                "places": [
                    {
                        "la": place.la,
                        "name": place.name,
                        "role": place.role,
                        "value": None if place.value is None else text_of(place.value),
                        "reason": place.reason,
                    }
                    for place in result.compared
                ],
            }
        )
        found.append(
            {
                "reference": indicator.reference,
                "lait": result.lait,
                "year": result.year,
                "benchmarks": [
                    [
                        MEASURE_LABELS[b.measure],
                        ""
                        if b.value is None
                        else indicator.format(
                            b.value, places=printed_places(b.value, indicator.decimals)
                        ),
                        b.detail,
                    ]
                    for b in result.benchmarks
                ],
                "skipped": list(result.skipped),
                "warnings": list(result.warnings),
            }
        )
    plan = kind.plan(file_name, proposed, [])
    plan.extra = {"comparisons": comparisons}
    plan.preview = preview_of(kind, plan)
    plan.preview["lait"] = {
        "la": computed.la,
        "place": computed.place,
        "neighbour_list": computed.neighbour_list,
        "indicators": found,
        "problems": list(computed.problems),
        "warnings": [w for item in found for w in item["warnings"]],
    }
    return plan


MEASURE_LABELS = {
    perf.Measure.SN_AVERAGE: "SN AVE",
    perf.Measure.BEST_SN: "BEST SN",
    perf.Measure.NATIONAL_AVERAGE: "NAT AVE",
    perf.Measure.NATIONAL_TOP_QUARTILE: "NAT TOP QTILE",
}


def import_lait(
    lait_file: BinaryIO,
    lait_name: str,
    neighbours_file: BinaryIO,
    neighbours_name: str,
    request: LaitRequest,
    actor: Actor,
    *,
    dry_run: bool = False,
) -> tuple[Plan, Applied | None]:
    """Plan and (unless a dry run or refused) apply at once, as the command line does."""
    plan = plan_lait(lait_file, lait_name, neighbours_file, neighbours_name, request)
    if dry_run or not plan.ok:
        return plan, None
    with transaction.atomic():
        applied = apply_plan(plan, Context(actor=actor, source=plan.file_name))
        if applied.applied:
            audit.record(
                actor,
                "upload.imported",
                None,
                kind=KIND,
                file_name=plan.file_name,
                lait_la=request.la,
                **plan.counts,
            )
    return plan, applied


class LaitRefused(ValueError):
    """The LAIT upload cannot even be planned (wrong suffix, too large); nothing is kept."""


def receive_lait_upload(
    lait_file: File, neighbours_file: File, request: LaitRequest, actor: Actor
) -> Upload:
    """Store the LAIT file with the plan of its benchmarks, to preview and confirm like any
    upload (``confirm_upload`` applies it). A refused plan is kept as a refused upload, so the
    page shows its errors; nothing else is written."""
    name = clean_name(lait_file.name or "lait.csv")
    if not name.lower().endswith(LAIT_SUFFIXES):
        raise LaitRefused(f"{name} is not LAIT's long table: the name must end in .csv or .csv.gz.")
    if lait_file.size is not None and lait_file.size > settings.LAIT_UPLOAD_MAX_BYTES:
        raise LaitRefused(
            f"{name} is {lait_file.size / 1024 / 1024:.1f} MB; the limit is "
            f"{settings.LAIT_UPLOAD_MAX_BYTES / 1024 / 1024:.0f} MB."
        )
    expire_unapplied()
    checksum = checksum_of_stream(lait_file)
    lait_file.seek(0)
    # Django's uploaded files are binary streams (read, seek), whatever their declared type.
    plan = plan_lait(
        cast(BinaryIO, lait_file),
        name,
        cast(BinaryIO, neighbours_file),
        neighbours_file.name or "neighbours.xlsx",
        request,
    )
    plan.preview["neighbours_file"] = clean_name(neighbours_file.name or "")
    plan.preview["data_year"] = request.year or "latest with a value"
    suffix = ".csv.gz" if name.lower().endswith(".gz") else ".csv"
    return store_upload(plan, name, checksum, lait_file, suffix, actor, lait_la=request.la)
