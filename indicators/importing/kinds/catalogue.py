"""The catalogue kinds: sections, indicators, targets and benchmarks.

Catalogue files are small (a few hundred rows at most), so a plan is applied row by row through
the models, which keep their own rules (a target's notation is parsed when it is saved).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.db import models

from ... import performance as perf
from ...models import (
    Benchmark,
    DotConvention,
    Framework,
    FrameworkSection,
    Indicator,
    Layout,
    MonthsShown,
    Section,
    Target,
    ValueStyle,
)
from ...models.catalogue import name_key
from ..cells import Sheet
from ..plan import Key, Plan, State
from ..rows import RowError, RowReader
from .base import KEEP, Context, FileKind, Proposed, Stored
from .measured import load_references, text_of

_CODE = re.compile(r"[A-Za-z0-9_-]+")


def _framework_default(column: str) -> str:
    """What a new framework holds in ``column`` when a file does not say: the model's default."""
    field = Framework._meta.get_field(column)
    assert isinstance(field, models.Field)
    return str(field.get_default())


class Frameworks(FileKind):
    """One row per report framework: how its report is laid out and what its cover prints."""

    name = "frameworks"
    required = ("name",)
    optional = (
        "layout",
        "dot_convention",
        "months_shown",
        "value_style",
        "board",
        "council",
        "cover_wording",
        "department",
    )
    key_columns = ("name",)
    state_columns = ("name", *optional)
    defaults = ("", *(_framework_default(column) for column in optional))
    choices: ClassVar[dict[str, type[models.TextChoices]]] = {
        "layout": Layout,
        "dot_convention": DotConvention,
        "months_shown": MonthsShown,
        "value_style": ValueStyle,
    }

    def read_row(self, reader: RowReader) -> Proposed | None:
        name = reader.text("name", required=True, max_length=120)
        cells: list[Any] = []
        for column in self.optional:
            if not reader.has(column):
                cells.append(KEEP)
            elif column in self.choices:
                cells.append(self.read_choice(reader, column))
            else:
                text = reader.text(
                    column,
                    max_length=20_000 if column == "cover_wording" else 200,
                    paragraphs=column == "cover_wording",
                )
                cells.append(KEEP if text is None else text)
        if reader.failed or not name:
            return None
        return Proposed(reader.row, (name_key(name),), name, (name, *cells))

    def read_choice(self, reader: RowReader, column: str) -> Any:
        """A choice by its value or name, ignoring case and spacing; blank: the default."""
        enum = self.choices[column]
        text = str(reader.raw(column)).strip()
        if not text:
            return _framework_default(column)
        try:
            return perf.parse_choice(enum, text).value
        except ValueError as error:
            reader.fail(column, str(error))
            return KEEP

    def current(self, keys: Sequence[Key], lock: bool = False) -> Stored:
        queryset = Framework.objects.filter(key__in=[key[0] for key in keys])
        if lock:
            queryset = queryset.select_for_update()
        return {
            (key,): (pk, tuple(state))
            for pk, key, *state in queryset.values_list("pk", "key", *self.state_columns)
        }

    def apply(self, plan: Plan, stored: Stored, context: Context) -> None:
        for row in plan.writes():
            fields = dict(zip(self.state_columns, row.after, strict=True))
            if row.key in stored:
                framework = Framework.objects.get(pk=stored[row.key][0])
                for column, value in fields.items():
                    setattr(framework, column, value)
            else:
                framework = Framework(**fields)
            framework.save()


class Sections(FileKind):
    name = "sections"
    required = ("framework", "code", "title", "order")
    optional = ("definition", "managers", "theme")
    key_columns = ("framework", "code")
    state_columns = ("framework", "title", "order", "definition", "managers", "theme")
    defaults: State = ("", "", 0, "", "", "")

    def prepare(self, sheet: Sheet) -> None:
        self.frameworks = {name_key(f.name): f for f in Framework.objects.all()}
        names: set[str] = set()
        if "managers" in sheet.headers:
            column = sheet.headers.index("managers")
            for _, cells in sheet.rows:
                names.update(_usernames(str(cells[column])))
        self.users = set(
            get_user_model().objects.filter(username__in=names).values_list("username", flat=True)
        )

    def read_row(self, reader: RowReader) -> Proposed | None:
        framework = reader.text("framework", required=True, max_length=120)
        code = reader.text("code", required=True, max_length=40)
        title = reader.text("title", required=True, max_length=200)
        order = reader.whole("order", low=1, high=100_000)
        if reader.has("order") and not str(reader.raw("order")).strip():
            reader.fail("order", "an order is required")
        definition = reader.text("definition", max_length=20_000, paragraphs=True)
        managers = reader.text("managers", max_length=2_000)
        theme = reader.text("theme", max_length=120)
        if code and not _CODE.fullmatch(code):
            reader.fail("code", f"'{code}' is not a section code: use letters, digits, '-', '_'")
        if managers:
            unknown = [name for name in _usernames(managers) if name not in self.users]
            if unknown:
                reader.fail("managers", "unknown user " + ", ".join(f"'{n}'" for n in unknown))
        if reader.failed or framework is None or code is None or order is None:
            return None
        known = self.frameworks.get(name_key(framework))
        return Proposed(
            reader.row,
            (name_key(framework), code),
            f"{known.name if known else framework} / {code}",
            (
                known.name if known else framework,
                title,
                order,
                KEEP if definition is None else definition,
                KEEP if managers is None else ";".join(sorted(set(_usernames(managers)))),
                KEEP if theme is None else theme,
            ),
        )

    def check_rows(self, rows: list[Proposed]) -> list[RowError]:
        """A section code printed by two frameworks has one title (formats.md)."""
        errors = []
        titles: dict[str, tuple[str, int]] = {}
        for row in rows:
            code, title = row.key[1], row.after[1]
            if code in titles and titles[code][0] != title:
                errors.append(
                    RowError(
                        row.row,
                        "title",
                        f"section '{code}' is titled '{titles[code][0]}' in row "
                        f"{titles[code][1]}; a section code used by two frameworks must have "
                        "one title",
                    )
                )
            titles.setdefault(code, (title, row.row))
        elsewhere = (
            FrameworkSection.objects.filter(section__code__in=list(titles))
            .select_related("framework", "section")
            .order_by("framework__name")
        )
        file_frameworks = defaultdict(set)
        for row in rows:
            file_frameworks[row.key[1]].add(row.key[0])
        for placement in elsewhere:
            code = placement.section.code
            if name_key(placement.framework.name) in file_frameworks[code]:
                continue
            title, number = titles[code]
            if placement.section.title != title:
                errors.append(
                    RowError(
                        number,
                        "title",
                        f"section '{code}' is titled '{placement.section.title}' in "
                        f"{placement.framework.name}; a section code used by two frameworks "
                        "must have one title",
                    )
                )
        return errors

    def current(self, keys: Sequence[Key], lock: bool = False) -> Stored:
        queryset = (
            FrameworkSection.objects.filter(section__code__in={key[1] for key in keys})
            .select_related("framework", "section")
            .prefetch_related("section__managers")
        )
        if lock:
            queryset = queryset.select_for_update(of=("self",))
        wanted = set(keys)
        stored: Stored = {}
        for placement in queryset:
            section = placement.section
            key = (name_key(placement.framework.name), section.code)
            if key in wanted:
                managers = ";".join(sorted(user.username for user in section.managers.all()))
                state = (
                    placement.framework.name,
                    section.title,
                    placement.order,
                    section.definition,
                    managers,
                    section.theme,
                )
                stored[key] = (placement.pk, state)
        return stored

    def apply(self, plan: Plan, stored: Stored, context: Context) -> None:
        users = {u.username: u for u in get_user_model().objects.all()}
        frameworks = {name_key(f.name): f for f in Framework.objects.all()}
        for row in plan.writes():
            name, title, order, definition, managers, theme = row.after
            framework = frameworks.get(row.key[0])
            if framework is None:
                framework = frameworks[row.key[0]] = Framework.objects.create(name=name)
            section, _ = Section.objects.update_or_create(
                code=row.key[1],
                defaults={"title": title, "definition": definition, "theme": theme},
            )
            section.managers.set([users[username] for username in _usernames(managers)])
            FrameworkSection.objects.update_or_create(
                framework=framework, section=section, defaults={"order": order}
            )


def _usernames(text: str) -> list[str]:
    return [name.strip() for name in text.split(";") if name.strip()]


_INDICATOR_COLUMNS = {"section": "section__code", "parent": "parent__reference"}


class Indicators(FileKind):
    name = "indicators"
    required = ("reference", "title", "section", "polarity", "unit", "aggregation")
    optional = ("frequency", "decimals", "tags", "order", "parent", "kind", "lait")
    key_columns = ("reference",)
    state_columns = (
        "title",
        "section",
        "polarity",
        "unit",
        "kind",
        "aggregation",
        "frequency",
        "decimals",
        "tags",
        "order",
        "parent",
        "lait",
    )
    defaults: State = ("", "", "", "", "", "", "monthly", 1, "", 0, "", "")

    def prepare(self, sheet: Sheet) -> None:
        self.sections = dict(Section.objects.values_list("code", "id"))
        self.existing = {
            reference: (section_id, parent_id)
            for reference, section_id, parent_id in Indicator.objects.values_list(
                "reference", "section_id", "parent__reference"
            )
        }
        self.last_order: dict[str, int] = defaultdict(int)
        for code, order in Indicator.objects.values_list("section__code", "order"):
            self.last_order[code] = max(self.last_order[code], order)

    def read_row(self, reader: RowReader) -> Proposed | None:
        reference = reader.text("reference", required=True, max_length=40)
        title = reader.text("title", required=True, max_length=500)
        section = reader.text("section", required=True, max_length=40)
        polarity = reader.choice("polarity", perf.Polarity)
        unit = reader.text("unit", required=True, max_length=60)
        kind_text = reader.text("kind", max_length=20)
        aggregation = reader.choice(
            "aggregation", perf.Aggregation, aliases=perf.AGGREGATION_ALIASES
        )
        frequency = (
            reader.choice("frequency", perf.Frequency, blank=perf.Frequency.MONTHLY)
            if reader.has("frequency")
            else KEEP
        )
        decimals = reader.whole("decimals", low=0, high=4)
        tags = reader.text("tags", max_length=300)
        order = reader.whole("order", low=1, high=100_000)
        parent = reader.text("parent", max_length=40)
        lait = reader.text("lait", max_length=80)
        if section and section not in self.sections:
            reader.fail("section", f"unknown section '{section}'")
        kind: Any = KEEP
        if kind_text:
            try:
                kind = perf.parse_choice(perf.Kind, kind_text).value
            except ValueError as error:
                reader.fail("kind", str(error))
        elif kind_text == "" and unit:
            kind = perf.kind_of_unit(unit).value
        if reader.failed or not reference or not section or not unit:
            return None
        assert polarity is not None and aggregation is not None and title is not None
        if order is None and reader.has("order"):
            order = reader.row - 1  # blank: the file's order (its data rows, counted from 1)
        return Proposed(
            reader.row,
            (reference,),
            reference,
            (
                title,
                section,
                polarity.value,
                unit,
                kind,
                aggregation.value,
                frequency if frequency is KEEP else frequency.value,
                KEEP if decimals is None and not str(reader.raw("decimals")).strip() else decimals,
                KEEP if tags is None else tags,
                KEEP if order is None else order,
                KEEP if parent is None else parent,
                KEEP if lait is None else lait,
            ),
        )

    def complete(self, proposed: Proposed, before: State | None) -> State:
        if before is not None:
            return super().complete(proposed, before)
        # A new indicator: its kind from its unit, its decimals from its kind, and without an
        # order column it goes after the indicators its section holds, in the file's order.
        title, section, polarity, unit, kind, aggregation, *rest = proposed.after
        kind = perf.kind_of_unit(unit).value if kind is KEEP else kind
        frequency, decimals, tags, order, parent, lait = rest
        if order is KEEP:
            # No order column: the file's order, after what its section holds already.
            order = self.last_order[section] + proposed.row - 1
        return (
            title,
            section,
            polarity,
            unit,
            kind,
            aggregation,
            "monthly" if frequency is KEEP else frequency,
            (0 if kind == perf.Kind.COUNT else 1) if decimals is KEEP else decimals,
            "" if tags is KEEP else tags,
            order,
            "" if parent is KEEP else parent,
            "" if lait is KEEP else lait,
        )

    def check_rows(self, rows: list[Proposed]) -> list[RowError]:
        """A parent is another indicator of the same section, and not itself a sub-row."""
        errors = []
        section_of = {reference: code for reference, code in self._stored_sections()}
        parent_of = {reference: parent or "" for reference, (_, parent) in self.existing.items()}
        for row in rows:
            section_of[row.key[0]] = row.after[1]
            if row.after[10] is not KEEP:
                parent_of[row.key[0]] = row.after[10]
        for row in rows:
            parent = row.after[10]
            if parent is KEEP or not parent:
                continue
            reference = row.key[0]
            if parent == reference:
                errors.append(RowError(row.row, "parent", "an indicator cannot be its own parent"))
            elif parent not in section_of:
                errors.append(RowError(row.row, "parent", f"unknown indicator '{parent}'"))
            elif section_of[parent] != section_of[reference]:
                errors.append(
                    RowError(
                        row.row,
                        "parent",
                        f"'{parent}' is in section {section_of[parent]}, not "
                        f"{section_of[reference]}: a sub-row stays with its parent",
                    )
                )
            elif parent_of.get(parent):
                errors.append(
                    RowError(
                        row.row,
                        "parent",
                        f"'{parent}' is itself a sub-row of '{parent_of[parent]}'; sub-rows "
                        "are one level deep",
                    )
                )
        return errors

    def _stored_sections(self) -> list[tuple[str, str]]:
        return list(Indicator.objects.values_list("reference", "section__code"))

    def current(self, keys: Sequence[Key], lock: bool = False) -> Stored:
        queryset = Indicator.objects.filter(reference__in=[key[0] for key in keys])
        if lock:
            queryset = queryset.select_for_update(of=("self",))
        stored: Stored = {}
        # The state's columns as the database holds them: the section and parent by reference.
        columns = [_INDICATOR_COLUMNS.get(name, name) for name in self.state_columns]
        for indicator in queryset.values_list("pk", "reference", *columns):
            pk, reference, *state = indicator
            state[10] = state[10] or ""
            stored[(reference,)] = (pk, tuple(state))
        return stored

    def apply(self, plan: Plan, stored: Stored, context: Context) -> None:
        sections = dict(Section.objects.values_list("code", "id"))
        parents: list[tuple[str, str]] = []
        for row in plan.writes():
            (
                title,
                section,
                polarity,
                unit,
                kind,
                aggregation,
                frequency,
                decimals,
                tags,
                order,
                *_,
            ) = row.after
            Indicator.objects.update_or_create(
                reference=row.key[0],
                defaults={
                    "title": title,
                    "section_id": sections[section],
                    "polarity": polarity,
                    "unit": unit,
                    "kind": kind,
                    "aggregation": aggregation,
                    "frequency": frequency,
                    "decimals": decimals,
                    "tags": tags,
                    "order": order,
                    "lait": row.after[11],
                },
            )
            parents.append((row.key[0], row.after[10]))
        ids = dict(
            Indicator.objects.filter(
                reference__in=[p for _, p in parents if p] + [r for r, _ in parents]
            ).values_list("reference", "id")
        )
        for reference, parent in parents:
            Indicator.objects.filter(reference=reference).update(
                parent_id=ids[parent] if parent else None
            )


class Targets(FileKind):
    name = "targets"
    required = ("indicator", "year")
    optional = ("red", "amber", "green")
    key_columns = ("indicator", "year")
    state_columns = ("red", "amber", "green")
    defaults: State = ("", "", "")

    def prepare(self, sheet: Sheet) -> None:
        self.references = load_references()

    def read_row(self, reader: RowReader) -> Proposed | None:
        indicator = reader.indicator("indicator", self.references)
        year = reader.year("year")
        # A target is one rule in three cells: a missing column is a blank cell, not a kept one.
        cells = [reader.text(column, max_length=60) or "" for column in ("red", "amber", "green")]
        if indicator is None or year is None or reader.failed:
            return None
        try:
            perf.parse_thresholds(indicator.polarity, *cells)
        except perf.ThresholdError as error:
            reader.fail(error.column, str(error))
            return None
        return Proposed(
            reader.row,
            (indicator.id, year),
            f"{indicator.reference} {perf.year_label(year)}",
            tuple(cells),
        )

    def current(self, keys: Sequence[Key], lock: bool = False) -> Stored:
        queryset = Target.objects.filter(
            indicator_id__in={key[0] for key in keys}, year__in={key[1] for key in keys}
        )
        if lock:
            queryset = queryset.select_for_update()
        wanted = set(keys)
        return {
            (indicator_id, year): (pk, (red, amber, green))
            for pk, indicator_id, year, red, amber, green in queryset.values_list(
                "pk", "indicator_id", "year", "red", "amber", "green"
            )
            if (indicator_id, year) in wanted
        }

    def apply(self, plan: Plan, stored: Stored, context: Context) -> None:
        for row in plan.writes():
            red, amber, green = row.after
            target = (
                Target.objects.get(pk=stored[row.key][0])
                if row.key in stored
                else Target(indicator_id=row.key[0], year=row.key[1])
            )
            target.red, target.amber, target.green = red, amber, green
            target.save()  # parses the notation into its thresholds


MEASURE_HEADINGS = {
    "sn ave": perf.Measure.SN_AVERAGE,
    "stat neigh ave": perf.Measure.SN_AVERAGE,
    "best sn": perf.Measure.BEST_SN,
    "best stat neigh": perf.Measure.BEST_SN,
    "nat ave": perf.Measure.NATIONAL_AVERAGE,
    "nat top qtile": perf.Measure.NATIONAL_TOP_QUARTILE,
}


class Benchmarks(FileKind):
    name = "benchmarks"
    required = ("indicator", "measure", "value")
    optional = ("year", "source")
    key_columns = ("indicator", "measure")
    state_columns = ("value", "places", "year", "source")
    defaults: State = (None, None, "", "")

    def prepare(self, sheet: Sheet) -> None:
        self.references = load_references()
        self.by_id = {ref.id: ref for ref in self.references.by_reference.values()}

    def read_row(self, reader: RowReader) -> Proposed | None:
        indicator = reader.indicator("indicator", self.references)
        measure = reader.choice("measure", perf.Measure, aliases=MEASURE_HEADINGS)
        value = reader.number("value", required=True)
        year = reader.text("year", max_length=20)
        source = reader.text("source", max_length=200)
        if reader.failed or indicator is None or measure is None or value is None:
            return None
        return Proposed(
            reader.row,
            (indicator.id, measure.value),
            f"{indicator.reference} {_MEASURE_LABELS[measure]}",
            (
                text_of(value.value),
                value.places,
                KEEP if year is None else year,
                KEEP if source is None else source,
            ),
        )

    def current(self, keys: Sequence[Key], lock: bool = False) -> Stored:
        queryset = Benchmark.objects.filter(indicator_id__in={key[0] for key in keys})
        if lock:
            queryset = queryset.select_for_update()
        wanted = set(keys)
        return {
            (indicator_id, measure): (pk, (text_of(value), places, year, source))
            for pk, indicator_id, measure, value, places, year, source in queryset.values_list(
                "pk", "indicator_id", "measure", "value", "places", "year", "source"
            )
            if (indicator_id, measure) in wanted
        }

    def show(self, key: Key, state: State) -> dict[str, str]:
        value, places, year, source = state
        ref = self.by_id.get(key[0])
        shown = value or ""
        if ref is not None and value is not None:
            shown = perf.format_value(
                Decimal(value), ref.kind, places if places is not None else ref.decimals
            )
        return {"value": shown, "year": year, "source": source}

    def apply(self, plan: Plan, stored: Stored, context: Context) -> None:
        for row in plan.writes():
            value, places, year, source = row.after
            Benchmark.objects.update_or_create(
                indicator_id=row.key[0],
                measure=row.key[1],
                defaults={
                    "value": Decimal(value),
                    "places": places,
                    "year": year,
                    "source": source,
                },
            )


_MEASURE_LABELS = {
    perf.Measure.SN_AVERAGE: "SN AVE",
    perf.Measure.BEST_SN: "BEST SN",
    perf.Measure.NATIONAL_AVERAGE: "NAT AVE",
    perf.Measure.NATIONAL_TOP_QUARTILE: "NAT TOP QTILE",
}
