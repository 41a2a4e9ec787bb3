"""django-import-export resources for the six importable kinds of formats.md.

Widgets turn a cell into a value (or raise ValueError with a message naming the bad text); models
hold the rules across cells (``Measurement.clean``, ``Target.clean``). Each resource says which
columns a row compares on, so an import can tell new, changed and unchanged rows apart, and the
figures resource records a ``FigureRevision`` for every figure it creates or changes.
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import DatabaseDefault
from django.db.models.fields import NOT_PROVIDED
from django.utils.encoding import force_str
from import_export import fields, resources, widgets
from import_export.instance_loaders import ModelInstanceLoader
from import_export.results import RowResult

from . import performance as perf
from .changes import RowChange, as_text, status_of
from .measurements import check_storable, plain_number
from .models import (
    Benchmark,
    Figure,
    FigureRevision,
    Framework,
    FrameworkSection,
    Indicator,
    Outturn,
    Section,
    Target,
)

# -- widgets ------------------------------------------------------------------------------------


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


class ChoiceWidget(widgets.Widget):
    """A value from one of the engine's vocabularies, matched without regard to case."""

    def __init__(self, choices: type[perf.StrEnum], blank: str | None = None) -> None:
        super().__init__()
        self.choices = choices
        self.blank = blank

    def clean(self, value: object, row: object = None, **kwargs: Any) -> str:
        text = _text(value)
        if not text and self.blank is not None:
            return self.blank
        return perf.parse_choice(self.choices, text).value

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return _text(value)


class MeasureWidget(widgets.Widget):
    """Benchmark measures: the report's headings (`SN AVE`) or the export's names (`sn_average`)."""

    HEADINGS = {
        "sn ave": perf.Measure.SN_AVERAGE,
        "stat neigh ave": perf.Measure.SN_AVERAGE,
        "best sn": perf.Measure.BEST_SN,
        "best stat neigh": perf.Measure.BEST_SN,
        "nat ave": perf.Measure.NATIONAL_AVERAGE,
        "nat top qtile": perf.Measure.NATIONAL_TOP_QUARTILE,
    }

    def clean(self, value: object, row: object = None, **kwargs: Any) -> str:
        text = _text(value)
        measure = self.HEADINGS.get(" ".join(text.lower().split()))
        if measure is None:
            measure = perf.parse_choice(perf.Measure, text)
        return measure.value

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return _text(value)


class MonthWidget(widgets.Widget):
    def clean(self, value: object, row: object = None, **kwargs: Any) -> datetime.date:
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        return _parse_month(_text(value))

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return perf.month_key(value) if isinstance(value, datetime.date) else ""


@functools.lru_cache(maxsize=1024)
def _parse_month(text: str) -> datetime.date:
    # A figures file repeats a few month spellings on every row; an error is not cached.
    return perf.parse_month(text)


class YearWidget(widgets.Widget):
    def clean(self, value: object, row: object = None, **kwargs: Any) -> int:
        return perf.parse_year(_text(value))

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return perf.year_label(value) if isinstance(value, int) else ""


class NumberWidget(widgets.Widget):
    """A plain number (percent signs and thousands separators allowed); blank is None."""

    def __init__(self, required: bool = False) -> None:
        super().__init__()
        self.required = required

    def clean(self, value: object, row: object = None, **kwargs: Any) -> Decimal | None:
        number, marker = perf.parse_number(_text(value))
        if marker:
            raise ValueError(f"'{marker}' is not allowed here: give a number")
        if number is None and self.required:
            raise ValueError("a number is required")
        return None if number is None else check_storable(number)

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return plain_number(value) if isinstance(value, Decimal) else _text(value)


class EntryWidget(widgets.Widget):
    """The `value` column of figures and outturns: a number or a marker (`-`, `n/a`, `TBC`)."""

    def clean(self, value: object, row: object = None, **kwargs: Any) -> tuple[Decimal | None, str]:
        number, marker = perf.parse_number(_text(value))
        return (None if number is None else check_storable(number)), marker

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        if not isinstance(value, tuple):
            return ""
        number, marker = value
        return marker if number is None else plain_number(number)


class LookupWidget(widgets.Widget):
    """A foreign key by its natural key, resolved from one query per import, not one per row."""

    def __init__(self, model: type[models.Model], field: str, noun: str) -> None:
        super().__init__()
        self.model = model
        self.field = field
        self.noun = noun
        self._cache: dict[str, models.Model] | None = None

    def reset(self) -> None:
        self._cache = None

    def clean(self, value: object, row: object = None, **kwargs: Any) -> models.Model:
        key = _text(value)
        if not key:
            raise ValueError(f"a {self.noun} is required")
        if self._cache is None:
            self._cache = {str(getattr(obj, self.field)): obj for obj in self.model.objects.all()}
        try:
            return self._cache[key]
        except KeyError:
            raise ValueError(f"unknown {self.noun} '{key}'") from None

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return "" if value is None else str(getattr(value, self.field))


class UsernamesWidget(widgets.Widget):
    """`;`-separated usernames of existing accounts."""

    def clean(self, value: object, row: object = None, **kwargs: Any) -> list[Any]:
        names = [name.strip() for name in _text(value).split(";") if name.strip()]
        users = {
            user.username: user for user in get_user_model().objects.filter(username__in=names)
        }
        unknown = [name for name in names if name not in users]
        if unknown:
            raise ValueError("unknown user " + ", ".join(f"'{name}'" for name in unknown))
        return [users[name] for name in names]

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return ";".join(sorted(user.username for user in value.all()))


# -- the resources ------------------------------------------------------------------------------

_MISSING = object()


class NaturalKeyLoader(ModelInstanceLoader):
    """Finds existing rows by the resource's natural key, all in one query per import.

    A row whose key cells do not parse is treated as new; the field errors then report it.
    """

    def __init__(self, resource: CatalogueResource, dataset: Any = None) -> None:
        super().__init__(resource, dataset)
        self.existing: dict[tuple[Any, ...], models.Model] = {}
        keys = resource.dataset_keys(dataset) if dataset is not None else []
        wanted = {key for key in keys if key is not None}
        if wanted:
            queryset = resource.existing_for(wanted)
            self.existing = {resource.instance_key(obj): obj for obj in queryset}

    def get_instance(self, row: dict[str, Any]) -> models.Model | None:
        key = self.resource.row_key(row)
        return None if key is None else self.existing.get(key)


class NamedLaterRowResult(RowResult):
    """A row's result that names its object (``str(instance)``) only when someone asks.

    import-export names every row's object up front for the admin's log entries; an import of
    12,000 figures would format 12,000 values that nothing reads.
    """

    def add_instance_info(self, instance: models.Model | None) -> None:
        if instance is not None:
            self.object_id = getattr(instance, "pk", None)
            self._named = instance

    @property
    def object_repr(self) -> str | None:
        named = self.__dict__.pop("_named", None)
        if named is not None:
            try:
                self._object_repr = force_str(named)
            except Exception:  # as import-export does: a row is not refused for its name
                self._object_repr = None
        return self.__dict__.get("_object_repr")

    @object_repr.setter
    def object_repr(self, value: str | None) -> None:
        self._object_repr = value


class CatalogueResource(resources.ModelResource):
    """The shared import behaviour: natural keys, whole-file validation, change classification."""

    #: the model attributes an import compares to classify a row as changed or unchanged
    compared: tuple[str, ...] = ()
    #: the resource fields that make the natural key, in order
    key_fields: tuple[str, ...] = ()
    #: model fields the resource sets itself when saving, so not checked with the row
    set_on_save: tuple[str, ...] = ()
    #: model fields whose widget only ever sets a valid value (or reports the cell), so that
    #: ``full_clean`` need not check them again on every row
    checked_by_widgets: tuple[str, ...] = ()

    class Meta:
        abstract = True
        instance_loader_class = NaturalKeyLoader
        skip_unchanged = True
        report_skipped = True
        # Rows are validated in import_instance (below) so that every error of a row is reported
        # together and before the unchanged check.
        clean_model_instances = False
        skip_diff = True
        # One bulk write per kind at the end of the file rather than one per 1,000 rows.
        batch_size = None
        # The row's instance stays on its result so that the preview can show what it becomes.
        store_instance = True
        use_transactions = True

    def __init__(
        self, user: Any = None, source: str = "", upload: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.user = user
        self.source = source
        self.upload = upload
        self.row_changes: list[RowChange] = []
        #: the file's row number of each dataset row, if import_file gives them
        self.file_rows: list[int] | None = None
        self._keys: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._key_parts: dict[tuple[str, type, Any], Any] = {}
        self._import_fields: list[fields.Field] | None = None

    # natural keys

    @functools.cached_property
    def key_columns(self) -> tuple[str, ...]:
        """The file columns of the natural key, in order."""
        return tuple(self.fields[name].column_name for name in self.key_fields)

    def row_key(self, row: dict[str, Any]) -> tuple[Any, ...] | None:
        """The natural key of a row, or None when its key cells do not parse.

        Asked three times a row (duplicates, the loader's one query, the row's instance), so each
        row's key cells are parsed once; a key that does not parse is worked out again.
        """
        return self.cells_key(tuple(map(row.get, self.key_columns)), row)

    def cells_key(
        self, cells: tuple[Any, ...], row: dict[str, Any] | None = None
    ) -> tuple[Any, ...] | None:
        """The natural key of a row's key cells (``key_columns``); ``row``, all its cells."""
        try:
            key = self._keys.get(cells)
        except TypeError:  # a cell that cannot be a dict key: no memo
            return self.parse_key(row if row is not None else self._key_row(cells))
        if key is None:
            key = self.parse_key(row if row is not None else self._key_row(cells))
            if key is not None:
                self._keys[cells] = key
        return key

    def _key_row(self, cells: tuple[Any, ...]) -> dict[str, Any]:
        return dict(zip(self.key_columns, cells, strict=True))

    def key_cells(self, headers: list[str]) -> Callable[[Any], tuple[Any, ...]] | None:
        """A function from a row's cells, in the order of ``headers``, to its key cells.

        None when a key column is missing (the file is refused for it anyway).
        """
        if not all(column in headers for column in self.key_columns):
            return None
        positions = [headers.index(column) for column in self.key_columns]
        if len(positions) == 1:
            position = positions[0]
            return lambda cells: (cells[position],)
        return operator.itemgetter(*positions)

    def dataset_keys(self, dataset: Any) -> list[tuple[Any, ...] | None]:
        """The natural key of every row of a dataset (None where it does not parse).

        From each row's key cells (memoised by find_duplicates) rather than from a dict of every
        row (``dataset.dict``): 8 rather than 27 ms for 12,000 rows.
        """
        headers = list(dataset.headers or [])
        key_cells = self.key_cells(headers)
        if key_cells is None:
            return [self.row_key(row) for row in dataset.dict]
        cells_key = self.cells_key
        return [cells_key(key_cells(cells)) for cells in dataset]

    def get_instance(self, instance_loader: Any, row: dict[str, Any]) -> models.Model | None:
        # import-export first checks that the row has every key column; a row without one has no
        # natural key, so the loader finds nothing for it anyway.
        return instance_loader.get_instance(row)

    def parse_key(self, row: dict[str, Any]) -> tuple[Any, ...] | None:
        try:
            return tuple(self._parsed_key_part(name, row) for name in self.key_fields)
        except (ValueError, KeyError):
            return None

    def _parsed_key_part(self, name: str, row: dict[str, Any]) -> Any:
        """One part of a row's key, parsed once per distinct cell of the file.

        Every row of a file has a key of its own, but the cells of each key column repeat (a few
        months, a few dozen indicators): 12,000 figures parse 220 cells rather than 24,000, and
        finding the duplicates takes 32 rather than 51 ms. The key widgets read only their cell; a
        cell that does not parse is not remembered (its error is raised each time).
        """
        field = self.fields[name]
        cell = row[field.column_name] if field.column_name in row else _MISSING
        memo = (name, type(cell), cell)  # the type too: 1, 1.0 and True are equal keys
        try:
            part = self._key_parts.get(memo, _MISSING)
        except TypeError:  # a cell that cannot be a dict key
            return self._key_part(field.clean(row))
        if part is _MISSING:
            part = self._key_part(field.clean(row))  # KeyError for a missing column, as before
            self._key_parts[memo] = part
        return part

    @staticmethod
    def _key_part(value: Any) -> Any:
        return value.pk if isinstance(value, models.Model) else value

    def instance_key(self, obj: models.Model) -> tuple[Any, ...]:
        parts = []
        for name in self.key_fields:
            attribute = self.fields[name].attribute
            field = obj._meta.get_field(attribute)
            parts.append(getattr(obj, field.attname))
        return tuple(parts)

    def existing_for(self, keys: Iterable[tuple[Any, ...]]) -> models.QuerySet:
        attributes = [obj_field.attname for obj_field in self._key_model_fields()]
        values = list(zip(*keys, strict=True))
        lookup = {
            f"{attname}__in": set(column)
            for attname, column in zip(attributes, values, strict=True)
        }
        return self._meta.model.objects.filter(**lookup)

    def _key_model_fields(self) -> list[models.Field]:
        model = self._meta.model
        return [model._meta.get_field(self.fields[name].attribute) for name in self.key_fields]

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        for field in self.fields.values():
            if isinstance(field.widget, LookupWidget):
                field.widget.reset()

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        super().after_import(dataset, result, **kwargs)
        # another import with this resource works out its own keys
        self._keys.clear()
        self._key_parts.clear()

    # validation and classification

    def state(self, instance: models.Model) -> tuple[Any, ...]:
        return self._compared_values(instance)

    @functools.cached_property
    def _compared_values(self) -> Callable[[Any], tuple[Any, ...]]:
        # one attrgetter rather than a generator of getattr calls: asked once or twice a row
        if len(self.compared) < 2:
            getters = [operator.attrgetter(name) for name in self.compared]
            return lambda instance: tuple(getter(instance) for getter in getters)
        return operator.attrgetter(*self.compared)

    def columns(self, instance: Any, state: tuple[Any, ...]) -> dict[str, str]:
        """A compared state as the file's columns would show it, for the preview."""
        return {
            self.column_for(name): as_text(value)
            for name, value in zip(self.compared, state, strict=True)
        }

    def after_import_row(self, row: Any, row_result: RowResult, **kwargs: Any) -> None:
        super().after_import_row(row, row_result, **kwargs)
        instance = row_result.instance
        if instance is None or row_result.import_type not in (
            RowResult.IMPORT_TYPE_NEW,
            RowResult.IMPORT_TYPE_UPDATE,
            RowResult.IMPORT_TYPE_SKIP,
        ):
            return
        before, after = instance._before, self.state(instance)
        key = " ".join([as_text(row.get(column)) for column in self.key_columns])
        number = kwargs["row_number"]
        self.row_changes.append(
            RowChange(
                # the row as the file numbers it, when import_file gave the numbers: no second
                # RowChange per row to renumber it (dataclasses.replace, 3 microseconds each)
                self.file_rows[number - 1] if self.file_rows is not None else number,
                key,
                status_of(before, after),
                before,
                after,
                functools.partial(self.columns, instance),
            )
        )

    def init_instance(self, row: Any = None) -> models.Model:
        # The model's defaults given by position, worked out once per import: Django then sets
        # each attribute without asking each field for its default (2.8-4 rather than 4.4-6
        # microseconds a figure). The same values, and pre_init/post_init are still sent.
        if self.blank_values is None:
            return super().init_instance(row)
        return self._meta.model(*self.blank_values)

    @functools.cached_property
    def blank_values(self) -> tuple[Any, ...] | None:
        """Each concrete field's default, or None if one must be made afresh for every object."""
        concrete = self._meta.model._meta.concrete_fields
        if any(
            field.generated or (field.has_default() and callable(field.default))
            for field in concrete
        ):
            return None
        return tuple(field.get_default() for field in concrete)

    def after_init_instance(self, instance: Any, new: bool, row: Any, **kwargs: Any) -> None:
        instance._before = None if new else self.state(instance)

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        # import-export's import_instance, with plain fields set straight from their widgets
        cell_errors: dict[str, ValidationError] = {}
        for field, plain in self.import_plan:
            column = field.column_name
            if column not in row:
                continue
            try:
                if plain:
                    value = field.widget.clean(row[column], row=row, **kwargs)
                    setattr(instance, field.attribute, value)
                else:
                    self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                cell_errors[field.attribute] = ValidationError(force_str(error), code="invalid")
        errors: dict[str, Any] = (
            ValidationError(cell_errors).update_error_dict({}) if cell_errors else {}
        )
        errors = self.clean_instance(instance, errors)
        if errors:
            raise ValidationError(errors)

    def clean_instance(self, instance: Any, errors: dict[str, Any]) -> dict[str, Any]:
        """``errors`` and those of ``instance.full_clean(exclude=...)`` without unique checks.

        What ``full_clean`` does, with the fields it would check worked out once per import
        rather than on every row (a figure row has one left, its note, after the widgets' and
        the lookups' fields), then the model's ``clean`` (the measurement rules) as full_clean
        calls it. A figure: 5.6 rather than 6.2 microseconds, of which ``clean`` is 4.9.
        """
        field_errors = {}
        for field in self.fields_to_clean:
            if field.name in errors:
                continue
            raw_value = getattr(instance, field.attname)
            if field.blank and raw_value in field.empty_values:
                continue
            if isinstance(raw_value, DatabaseDefault):
                continue
            try:
                setattr(instance, field.attname, field.clean(raw_value, instance))
            except ValidationError as error:
                field_errors[field.name] = error.error_list
        if field_errors:
            errors = ValidationError(field_errors).update_error_dict(errors)
        try:
            instance.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        return errors

    @functools.cached_property
    def fields_to_clean(self) -> tuple[models.Field, ...]:
        """The model fields full_clean checks: not set on save, looked up or widget-checked."""
        skip = {*self.set_on_save, *self.looked_up, *self.checked_by_widgets}
        return tuple(
            field
            for field in self._meta.model._meta.fields
            if field.name not in skip and not field.generated
        )

    @functools.cached_property
    def import_plan(self) -> tuple[tuple[fields.Field, bool], ...]:
        """The fields a row sets, each with whether it is plain (``plain_fields``)."""
        return tuple(
            (field, field in self.plain_fields)
            for field in self.get_import_fields()
            if not isinstance(field.widget, widgets.ManyToManyWidget)
        )

    @functools.cached_property
    def plain_fields(self) -> frozenset[fields.Field]:
        """Fields whose cell goes straight from the widget to the attribute.

        import-export passes each cell through import_field, Field.save and Field.clean, which
        for a field like these (one attribute, no default, nulls kept) only add calls and a
        comparison of every value with the empty values (slow for a Decimal): 8 of a figure
        row's 13 microseconds of cell work. Other fields still take that way.
        """
        return frozenset(
            field
            for field in self.get_import_fields()
            if field.attribute
            and "__" not in field.attribute
            and not field.readonly
            and field.saves_null_values
            and field.default is NOT_PROVIDED
        )

    def skip_row(
        self, instance: Any, original: Any, row: Any, import_validation_errors: Any = None
    ) -> bool:
        if import_validation_errors:
            return False
        return instance._before is not None and instance._before == self.state(instance)

    def get_bulk_update_fields(self) -> list[str]:
        return [name for name in self.compared if not name.startswith("_")]

    def get_row_result_class(self) -> type[RowResult]:
        return NamedLaterRowResult

    def get_import_fields(self) -> list[fields.Field]:
        # import-export works this list out twice a row; it cannot change during an import.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    @functools.cached_property
    def looked_up(self) -> tuple[str, ...]:
        """Foreign keys resolved by a LookupWidget from this import's own query of the table.

        ``full_clean`` would check each again with one query per row (ForeignKey.validate).
        """
        return tuple(
            field.attribute
            for field in self.fields.values()
            if isinstance(field.widget, LookupWidget) and field.attribute
        )

    def bulk_create(
        self,
        using_transactions: bool,
        dry_run: bool,
        raise_errors: bool,
        batch_size: int | None = None,
        result: Any = None,
    ) -> None:
        # A dry run has already classified and validated every row; inserting rows only to roll
        # them back would prove nothing more (keys were resolved before, duplicates refused).
        if dry_run:
            self.create_instances.clear()
            return
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size, result)

    def bulk_update(
        self,
        using_transactions: bool,
        dry_run: bool,
        raise_errors: bool,
        batch_size: int | None = None,
        result: Any = None,
    ) -> None:
        """Changed rows written as one upsert on the natural key.

        Django's ``bulk_update`` builds a CASE WHEN per row and field: quadratic in a batch, and
        most of the time of a re-run. ``INSERT ... ON CONFLICT DO UPDATE`` of rows that exist
        updates them in one linear statement (on SQLite, in Django's 999-variable batches).
        """
        if not self.update_instances or dry_run:
            self.update_instances.clear()
            return
        try:
            self._meta.model.objects.bulk_create(
                self.update_instances,
                batch_size=batch_size,
                update_conflicts=True,
                unique_fields=[field.name for field in self._key_model_fields()],
                update_fields=self.get_bulk_update_fields(),
            )
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.update_instances.clear()

    def column_for(self, attribute: str) -> str:
        """The file column an error on a model attribute belongs to."""
        for field in self.fields.values():
            if field.attribute == attribute:
                return field.column_name
        return attribute if attribute != "__all__" else ""


class SectionResource(CatalogueResource):
    """`sections`: a section and its place in one framework, per row."""

    framework = fields.Field(
        attribute="framework",
        column_name="framework",
        widget=LookupWidget(Framework, "name", "framework"),
    )
    code = fields.Field(attribute="section_code", column_name="code")
    title = fields.Field(attribute="section_title", column_name="title")
    order = fields.Field(attribute="order", column_name="order", widget=widgets.IntegerWidget())
    definition = fields.Field(attribute="section_definition", column_name="definition")
    managers = fields.Field(
        attribute="section_managers", column_name="managers", widget=UsernamesWidget()
    )

    key_fields = ("framework", "code")
    set_on_save = ("section",)
    compared = ("order", "section_title", "section_definition", "manager_names")

    class Meta(CatalogueResource.Meta):
        model = FrameworkSection
        fields = ("framework", "code", "title", "order", "definition", "managers")
        import_id_fields = ("framework", "code")

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        super().before_import(dataset, **kwargs)
        # A framework named in the file is created with it; the sections kind is how one starts.
        names = {str(row.get("framework") or "").strip() for row in dataset.dict}
        for name in sorted(name for name in names if name):
            Framework.objects.get_or_create(name=name)

    def parse_key(self, row: dict[str, Any]) -> tuple[Any, ...] | None:
        try:
            framework = self.fields["framework"].clean(row)
        except ValueError:
            return None
        return (framework.pk, str(row.get("code") or "").strip())

    def instance_key(self, obj: models.Model) -> tuple[Any, ...]:
        return (obj.framework_id, obj.section.code)

    def existing_for(self, keys: Iterable[tuple[Any, ...]]) -> models.QuerySet:
        keys = list(keys)
        return FrameworkSection.objects.select_related("section").filter(
            framework_id__in={key[0] for key in keys}, section__code__in={key[1] for key in keys}
        )

    def after_init_instance(self, instance: Any, new: bool, row: Any, **kwargs: Any) -> None:
        section = instance.section if not new else None
        instance.section_code = section.code if section else ""
        instance.section_title = section.title if section else ""
        instance.section_definition = section.definition if section else ""
        instance.section_managers = list(section.managers.all()) if section else []
        super().after_init_instance(instance, new, row, **kwargs)

    def state(self, instance: Any) -> tuple[Any, ...]:
        instance.manager_names = sorted(user.username for user in instance.section_managers)
        return super().state(instance)

    def columns(self, instance: Any, state: tuple[Any, ...]) -> dict[str, str]:
        order, title, definition, managers = state
        return {
            "order": as_text(order),
            "title": title,
            "definition": definition,
            "managers": as_text(managers),
        }

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        code = instance.section_code
        if "section_code" not in errors:
            if not code:
                errors["section_code"] = ["a section code is required"]
            elif not all(ch.isalnum() or ch in "-_" for ch in code):
                errors["section_code"] = [
                    f"'{code}' is not a section code: use letters, digits, '-' and '_'"
                ]
        if not instance.section_title:
            errors.setdefault("section_title", []).append("a title is required")
        elif code and "section_code" not in errors:
            other = Section.objects.filter(code=code).exclude(title=instance.section_title).first()
            if other is not None:
                errors.setdefault("section_title", []).append(
                    f"section '{code}' is titled '{other.title}' already; a section code used by "
                    "two frameworks must have one title"
                )
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance: Any, is_create: bool, row: Any, **kwargs: Any) -> None:
        section, _ = Section.objects.update_or_create(
            code=instance.section_code,
            defaults={"title": instance.section_title, "definition": instance.section_definition},
        )
        section.managers.set(instance.section_managers)
        instance.section = section
        super().save_instance(instance, is_create, row, **kwargs)

    def dehydrate_code(self, obj: FrameworkSection) -> str:
        return obj.section.code

    def dehydrate_title(self, obj: FrameworkSection) -> str:
        return obj.section.title

    def dehydrate_definition(self, obj: FrameworkSection) -> str:
        return obj.section.definition

    def dehydrate_managers(self, obj: FrameworkSection) -> str:
        return ";".join(sorted(user.username for user in obj.section.managers.all()))

    def get_queryset(self) -> models.QuerySet:
        return FrameworkSection.objects.select_related("framework", "section").prefetch_related(
            "section__managers"
        )


class IndicatorResource(CatalogueResource):
    reference = fields.Field(attribute="reference", column_name="reference")
    title = fields.Field(attribute="title", column_name="title")
    section = fields.Field(
        attribute="section", column_name="section", widget=LookupWidget(Section, "code", "section")
    )
    polarity = fields.Field(
        attribute="polarity", column_name="polarity", widget=ChoiceWidget(perf.Polarity)
    )
    unit = fields.Field(attribute="unit", column_name="unit", widget=ChoiceWidget(perf.Unit))
    aggregation = fields.Field(
        attribute="aggregation", column_name="aggregation", widget=ChoiceWidget(perf.Aggregation)
    )
    frequency = fields.Field(
        attribute="frequency",
        column_name="frequency",
        widget=ChoiceWidget(perf.Frequency, blank=perf.Frequency.MONTHLY.value),
    )
    decimals = fields.Field(
        attribute="decimals", column_name="decimals", widget=widgets.IntegerWidget()
    )
    tags = fields.Field(attribute="tags", column_name="tags")

    key_fields = ("reference",)
    compared = (
        "title",
        "section_id",
        "polarity",
        "unit",
        "aggregation",
        "frequency",
        "decimals",
        "tags",
    )

    def columns(self, instance: Any, state: tuple[Any, ...]) -> dict[str, str]:
        shown = super().columns(instance, state)
        # The preview names a section by its code, as the file does.
        shown["section"] = self.section_codes.get(state[1], "")
        del shown["section_id"]
        return shown

    @functools.cached_property
    def section_codes(self) -> dict[int, str]:
        return dict(Section.objects.values_list("id", "code"))

    class Meta(CatalogueResource.Meta):
        model = Indicator
        fields = (
            "reference",
            "title",
            "section",
            "polarity",
            "unit",
            "aggregation",
            "frequency",
            "decimals",
            "tags",
        )
        import_id_fields = ("reference",)
        use_bulk = True

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        # Blank optional cells take the defaults of formats.md rather than erasing a value.
        if not _text(row.get("decimals")):
            row["decimals"] = "0" if _text(row.get("unit")).lower() == "count" else "1"
        for name in ("frequency", "tags"):
            row.setdefault(name, "")

    def get_bulk_update_fields(self) -> list[str]:
        return [
            "title",
            "section",
            "polarity",
            "unit",
            "aggregation",
            "frequency",
            "decimals",
            "tags",
        ]

    def get_queryset(self) -> models.QuerySet:
        return Indicator.objects.select_related("section")


class IndicatorKeyed(CatalogueResource):
    """Resources whose rows belong to an indicator, named by its reference."""

    indicator = fields.Field(
        attribute="indicator",
        column_name="indicator",
        widget=LookupWidget(Indicator, "reference", "indicator"),
    )

    class Meta(CatalogueResource.Meta):
        abstract = True

    def get_queryset(self) -> models.QuerySet:
        return self._meta.model.objects.select_related("indicator")


class TargetResource(IndicatorKeyed):
    year = fields.Field(attribute="year", column_name="year", widget=YearWidget())
    red = fields.Field(attribute="red", column_name="red")
    amber = fields.Field(attribute="amber", column_name="amber")
    green = fields.Field(attribute="green", column_name="green")

    key_fields = ("indicator", "year")
    compared = ("red", "amber", "green")

    class Meta(IndicatorKeyed.Meta):
        model = Target
        fields = ("indicator", "year", "red", "amber", "green")
        import_id_fields = ("indicator", "year")

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        for name in ("red", "amber", "green"):
            row[name] = _text(row.get(name))


class MeasurementResource(IndicatorKeyed):
    entry = fields.Field(attribute="entry", column_name="value", widget=EntryWidget())
    numerator = fields.Field(attribute="numerator", column_name="numerator", widget=NumberWidget())
    denominator = fields.Field(
        attribute="denominator", column_name="denominator", widget=NumberWidget()
    )

    compared = ("value", "marker", "numerator", "denominator")

    def columns(self, instance: Any, state: tuple[Any, ...]) -> dict[str, str]:
        value, marker, numerator, denominator, *rest = state
        shown = {
            "value": instance.indicator.format(value, marker)
            if value is not None or marker
            else "",
            "numerator": as_text(numerator),
            "denominator": as_text(denominator),
        }
        if rest:
            shown["note"] = as_text(rest[0])
        return shown

    # EntryWidget sets a marker of the vocabulary or "" and, like NumberWidget, only numbers
    # that the columns can hold (check_storable).
    checked_by_widgets = ("marker", "value", "numerator", "denominator")

    class Meta(IndicatorKeyed.Meta):
        abstract = True
        use_bulk = True

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        for name in ("value", "numerator", "denominator"):
            row.setdefault(name, "")


class FigureResource(MeasurementResource):
    month = fields.Field(attribute="month", column_name="month", widget=MonthWidget())
    note = fields.Field(attribute="note", column_name="note")

    key_fields = ("indicator", "month")
    compared = ("value", "marker", "numerator", "denominator", "note")
    # MonthWidget sets a date.
    checked_by_widgets = (*MeasurementResource.checked_by_widgets, "month")

    class Meta(MeasurementResource.Meta):
        model = Figure
        fields = ("indicator", "month", "entry", "numerator", "denominator", "note")
        import_id_fields = ("indicator", "month")

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        super().before_import(dataset, **kwargs)
        self.revisions: list[tuple[Figure, Any]] = []

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        super().before_import_row(row, **kwargs)
        row.setdefault("note", "")

    def after_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        self.revisions.append((instance, instance._before))

    def bulk_create(
        self,
        using_transactions: bool,
        dry_run: bool,
        raise_errors: bool,
        batch_size: int | None = None,
        result: Any = None,
    ) -> None:
        # New figures in one statement (COPY on PostgreSQL) rather than bulk_create's; see
        # Figure.insert_new for the measurements. Errors are reported as import-export would.
        if dry_run or not self.create_instances:
            self.create_instances.clear()
            return
        try:
            Figure.insert_new(self.create_instances)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        FigureRevision.write_many(
            ((figure, before[:4] if before else None) for figure, before in self.revisions),
            self.user,
            self.source,
            self.upload,
        )

    def get_queryset(self) -> models.QuerySet:
        return Figure.objects.select_related("indicator").order_by("indicator__reference", "month")


class OutturnResource(MeasurementResource):
    year = fields.Field(attribute="year", column_name="year", widget=YearWidget())

    key_fields = ("indicator", "year")

    class Meta(MeasurementResource.Meta):
        model = Outturn
        fields = ("indicator", "year", "entry", "numerator", "denominator")
        import_id_fields = ("indicator", "year")


class BenchmarkResource(IndicatorKeyed):
    measure = fields.Field(attribute="measure", column_name="measure", widget=MeasureWidget())
    value = fields.Field(attribute="value", column_name="value", widget=NumberWidget(required=True))
    year = fields.Field(attribute="year", column_name="year")
    source = fields.Field(attribute="source", column_name="source")

    key_fields = ("indicator", "measure")
    compared = ("value", "year", "source")

    class Meta(IndicatorKeyed.Meta):
        model = Benchmark
        fields = ("indicator", "measure", "value", "year", "source")
        import_id_fields = ("indicator", "measure")
        use_bulk = True

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        for name in ("year", "source"):
            row[name] = _text(row.get(name))


#: kind -> (resource class, required columns, optional columns), as formats.md lists them
KINDS: dict[str, tuple[type[CatalogueResource], tuple[str, ...], tuple[str, ...]]] = {
    "sections": (
        SectionResource,
        ("framework", "code", "title", "order"),
        ("definition", "managers"),
    ),
    "indicators": (
        IndicatorResource,
        ("reference", "title", "section", "polarity", "unit", "aggregation"),
        ("frequency", "decimals", "tags"),
    ),
    "targets": (TargetResource, ("indicator", "year"), ("red", "amber", "green")),
    "figures": (
        FigureResource,
        ("indicator", "month"),
        ("value", "numerator", "denominator", "note"),
    ),
    "outturns": (OutturnResource, ("indicator", "year"), ("value", "numerator", "denominator")),
    "benchmarks": (BenchmarkResource, ("indicator", "measure", "value"), ("year", "source")),
}

#: the order a full dataset is loaded in: each kind refers only to kinds before it
LOAD_ORDER = ("sections", "indicators", "targets", "figures", "outturns", "benchmarks")


def columns_of(kind: str) -> tuple[str, ...]:
    _, required, optional = KINDS[kind]
    return required + optional


def resource_for(kind: str, **kwargs: Any) -> CatalogueResource:
    resource_class, _, _ = KINDS[kind]
    return resource_class(**kwargs)
