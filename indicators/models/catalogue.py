"""The catalogue: frameworks, sections, indicators, targets and benchmarks."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .. import performance as perf
from ..measurements import Rules


def choices_of(enum: type[perf.StrEnum]) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]


class DotConvention(models.TextChoices):
    PERFORMANCE = (
        perf.Convention.PERFORMANCE.value,
        "Performance direction (↑ improvement, ↓ decline)",
    )
    NUMERIC = perf.Convention.NUMERIC.value, "Numeric direction, coloured good or bad"


class Layout(models.TextChoices):
    MONTHLY = "monthly", "Monthly report (a summary, then a table and charts per section)"
    BOARD = "board", "Board report (themes, a quarter with trends, commentary per indicator)"


class MonthsShown(models.TextChoices):
    THREE_MONTHS = "three_months", "The three months up to the report month"
    QUARTER_WITH_LAST_YEAR = (
        "quarter_with_last_year",
        "The same month last year, then each month of the quarter with its own trend",
    )


class ValueStyle(models.TextChoices):
    VALUE = "value", "The value alone: 82.4%"
    VALUE_WITH_COUNT = "value_with_count", "The value with its count: 82.4% (14)"


def single_line(text: str) -> None:
    """Refuse line breaks and other control characters: a title is printed in e-mail subjects,
    where a line break would end the header, and in one line of the report."""
    bad = sorted({ch for ch in text if unicodedata.category(ch) in ("Cc", "Zl", "Zp")})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad)
        raise ValidationError(
            f"must be one line, without line breaks or control characters ({shown})"
        )


def one_line_in_database(field: str, name: str) -> models.CheckConstraint:
    # The database's own guard for what breaks an e-mail header, however a row is written.
    return models.CheckConstraint(
        condition=~Q(**{f"{field}__contains": "\n"}) & ~Q(**{f"{field}__contains": "\r"}),
        name=name,
    )


def name_key(name: str) -> str:
    """A framework's name as it identifies the framework: case and spacing ignored."""
    return " ".join(name.split()).casefold()


class FrameworkQuerySet(models.QuerySet["Framework"]):
    def named(self, name: str) -> FrameworkQuerySet:
        """The framework called ``name``, ignoring case and spacing."""
        return self.filter(key=name_key(name))

    # The django-stubs plugin copies this method onto the manager ``as_manager()`` makes, whose
    # supertype keeps an unbound ``_Model``: a false override error.
    def get_or_create(  # type: ignore[override]
        self, defaults: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> tuple[Framework, bool]:
        # Asking for "CORPORATE  parenting" finds "Corporate Parenting" rather than failing to
        # create a second framework of the same name (the sections import creates frameworks).
        if set(kwargs) == {"name"}:
            found = self.named(kwargs["name"]).first()
            if found is not None:
                return found, False
        return super().get_or_create(defaults=defaults, **kwargs)


class Framework(models.Model):
    """A report, e.g. *Corporate Parenting*: an ordered list of sections.

    Its name is unique ignoring case and spacing (``key``): the pages, the commands and the
    report downloads name a framework by it, and two frameworks that read the same would be
    confused.
    """

    name = models.CharField(max_length=120, unique=True, validators=[single_line])
    key = models.CharField(max_length=120, unique=True, editable=False)
    department = models.CharField(max_length=200, default="Children & Young People Services")
    dot_convention = models.CharField(
        "direction of travel convention",
        max_length=20,
        choices=DotConvention.choices,
        default=DotConvention.PERFORMANCE,
    )
    layout = models.CharField(max_length=20, choices=Layout.choices, default=Layout.MONTHLY)
    months_shown = models.CharField(
        max_length=30, choices=MonthsShown.choices, default=MonthsShown.THREE_MONTHS
    )
    value_style = models.CharField(
        max_length=20, choices=ValueStyle.choices, default=ValueStyle.VALUE
    )
    board = models.CharField(
        "board or panel",
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text="the board or panel the report goes to, printed on its cover and in its "
        "covering paper: Corporate Parenting Panel",
    )
    council = models.CharField(
        "council name",
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text="printed on the cover; blank: the council settings' name",
    )
    cover_wording = models.TextField(
        blank=True,
        help_text="the words printed on the report's cover or as its introduction (a re-run "
        "note, what the report covers); **bold** marks bold",
    )
    sections: models.ManyToManyField[Section, FrameworkSection] = models.ManyToManyField(
        "Section", through="FrameworkSection", related_name="frameworks"
    )

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [one_line_in_database("name", "framework_name_one_line")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.key = name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "key"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        other = Framework.objects.named(self.name or "").exclude(pk=self.pk).first()
        if other is not None:
            raise ValidationError(
                {
                    "name": f"A framework named '{other.name}' exists already: names must differ "
                    "by more than case and spacing."
                }
            )

    def ordered_sections(self) -> models.QuerySet[Section]:
        return self.sections.order_by("frameworksection__order", "code")

    def indicators(self) -> models.QuerySet[Indicator]:
        return Indicator.objects.filter(section__frameworks=self)


class Section(models.Model):
    """A part of a report with its definition and responsible managers (heads of service).

    One section may be printed in several frameworks; its code and title are the same in each.
    """

    code = models.SlugField(max_length=40, unique=True, allow_unicode=False)
    title = models.CharField(max_length=200, validators=[single_line])
    definition = models.TextField(blank=True)
    theme = models.CharField(
        max_length=120,
        blank=True,
        validators=[single_line],
        help_text="the heading that groups sections in a board report",
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_sections"
    )

    class Meta:
        ordering = ["code"]
        constraints = [one_line_in_database("title", "section_title_one_line")]

    def __str__(self) -> str:
        return self.title


class FrameworkSection(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE)
    section = models.ForeignKey(Section, on_delete=models.CASCADE)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "section"], name="one_place_per_framework"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework} #{self.order}: {self.section.code}"


class Indicator(models.Model):
    reference = models.CharField(max_length=40, unique=True, help_text="e.g. 6.1, 10.4, 4.01.01")
    title = models.CharField(max_length=500)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="indicators")
    polarity = models.CharField(
        "good performance is", max_length=30, choices=choices_of(perf.Polarity)
    )
    unit = models.CharField(
        max_length=60, help_text="as the report prints it: Count, Percentage, YTD Average, …"
    )
    kind = models.CharField(
        "kind of number",
        max_length=20,
        blank=True,
        choices=choices_of(perf.Kind),
        help_text="the rules a figure obeys: a percentage is at most 100, a count is whole "
        "(blank: from the unit)",
    )
    aggregation = models.CharField("data note", max_length=30, choices=choices_of(perf.Aggregation))
    frequency = models.CharField(
        max_length=20, choices=choices_of(perf.Frequency), default=perf.Frequency.MONTHLY.value
    )
    decimals = models.PositiveSmallIntegerField(
        default=1, help_text="places of the figures the product computes (YTD, ratios)"
    )
    tags = models.CharField(
        max_length=300, blank=True, help_text="';'-separated, e.g. Council Plan Indicator"
    )
    order = models.PositiveIntegerField(default=0, help_text="position in its section")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_rows",
        help_text="the indicator this one is a sub-row of",
    )
    lait = models.CharField(
        "LAIT measure",
        max_length=80,
        blank=True,
        help_text="the DfE LAIT measure code (Short Desc)",
    )
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["section", "order", "id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.kind:
            self.kind = perf.kind_of_unit(self.unit).value
        super().save(*args, **kwargs)

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(";") if tag.strip()]

    @property
    def display_title(self) -> str:
        """The title as the report prints it, tags in brackets."""
        return " ".join([self.title, *(f"({tag})" for tag in self.tag_list)])

    @property
    def polarity_enum(self) -> perf.Polarity:
        return perf.Polarity(self.polarity)

    @property
    def kind_enum(self) -> perf.Kind:
        return perf.Kind(self.kind)

    @property
    def aggregation_enum(self) -> perf.Aggregation:
        return perf.Aggregation(self.aggregation)

    @property
    def factor(self) -> int | None:
        """What numerator / denominator is multiplied by (100 for a percentage)."""
        return perf.ratio_factor(self.kind_enum, self.unit)

    @property
    def rules(self) -> Rules:
        """The indicator's fields as the vocabulary's values, for code that prints many cells.
        Read afresh each time: a kept copy would go stale when the indicator is edited."""
        return Rules.read(*(getattr(self, field) for field in Rules.FIELDS))

    def format(self, value: Decimal | None, marker: str = "", places: int | None = None) -> str:
        """A figure as printed: with the places it was written with, else the indicator's."""
        return self.rules.text(value, marker, places)

    def catalogue_key(self) -> tuple[object, ...]:
        """Where this indicator sits in its section: after its parent, by order, then reference.

        Callers that sort many indicators load ``parent`` with them (select_related).
        """
        root = self.parent if self.parent_id else self
        assert root is not None
        own = (self.order, reference_key(self.reference))
        return (root.order, reference_key(root.reference), self.parent_id is not None, *own)


def reference_key(reference: str) -> tuple[object, ...]:
    """References as people read them (6.2 before 6.10): only a tie-break after ``order``."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"[.\s]", reference)
    )


def in_catalogue_order(indicators: Iterable[Indicator]) -> list[Indicator]:
    """Indicators of one section in the framework's own order, each sub-row after its parent."""
    return sorted(indicators, key=Indicator.catalogue_key)


class Target(models.Model):
    """RAG tolerances for one financial year, kept in the seeds' notation and parsed."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(
        help_text="start of the financial year: 2020 is 2020/21"
    )
    red = models.CharField(max_length=60, blank=True)
    amber = models.CharField(max_length=60, blank=True)
    green = models.CharField("target green", max_length=60, blank=True)
    # The parsed form, so queries and reports need not re-parse; always derived from the notation.
    kind = models.CharField(max_length=20, choices=choices_of(perf.ThresholdKind), editable=False)
    higher_is_better = models.BooleanField(null=True, editable=False)
    green_bound = models.DecimalField(max_digits=14, decimal_places=4, null=True, editable=False)
    red_bound = models.DecimalField(max_digits=14, decimal_places=4, null=True, editable=False)
    red_inclusive = models.BooleanField(default=False, editable=False)
    range_low = models.DecimalField(max_digits=14, decimal_places=4, null=True, editable=False)
    range_high = models.DecimalField(max_digits=14, decimal_places=4, null=True, editable=False)
    margin = models.DecimalField(max_digits=14, decimal_places=4, null=True, editable=False)
    centre = models.DecimalField(max_digits=14, decimal_places=4, null=True, editable=False)
    tolerance = models.DecimalField(max_digits=14, decimal_places=4, null=True, editable=False)

    class Meta:
        ordering = ["indicator", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_target_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.reference} {perf.year_label(self.year)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The parsed columns must never disagree with the notation, however the row was written.
        self.apply_thresholds(self.parse())
        super().save(*args, **kwargs)

    @property
    def year_label(self) -> str:
        return perf.year_label(self.year)

    def parse(self) -> perf.Thresholds:
        """The thresholds the notation describes; raises ValidationError naming the column."""
        try:
            return perf.parse_thresholds(
                self.indicator.polarity_enum, self.red, self.amber, self.green
            )
        except perf.ThresholdError as error:
            raise ValidationError({error.column: str(error)}) from error

    def clean(self) -> None:
        # An inline target of an indicator being created has an unsaved indicator: still check.
        if getattr(self, "indicator", None) is not None:
            self.apply_thresholds(self.parse())

    def apply_thresholds(self, thresholds: perf.Thresholds) -> None:
        self.kind = thresholds.kind.value
        self.higher_is_better = thresholds.higher_is_better
        self.green_bound = thresholds.green
        self.red_bound = thresholds.red
        self.red_inclusive = thresholds.red_inclusive
        self.range_low = thresholds.low
        self.range_high = thresholds.high
        self.margin = thresholds.margin
        self.centre = thresholds.centre
        self.tolerance = thresholds.tolerance

    @property
    def thresholds(self) -> perf.Thresholds:
        return perf.Thresholds(
            kind=perf.ThresholdKind(self.kind),
            higher_is_better=self.higher_is_better,
            green=self.green_bound,
            red=self.red_bound,
            red_inclusive=self.red_inclusive,
            low=self.range_low,
            high=self.range_high,
            margin=self.margin,
            centre=self.centre,
            tolerance=self.tolerance,
        )


class Benchmark(models.Model):
    """A comparator figure (statistical neighbours, national) with the year of its data."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="benchmarks")
    measure = models.CharField(
        max_length=30,
        choices=[
            (perf.Measure.SN_AVERAGE.value, "SN AVE"),
            (perf.Measure.BEST_SN.value, "BEST SN"),
            (perf.Measure.NATIONAL_AVERAGE.value, "NAT AVE"),
            (perf.Measure.NATIONAL_TOP_QUARTILE.value, "NAT TOP QTILE"),
        ],
    )
    value = models.DecimalField(max_digits=14, decimal_places=4)
    places = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    year = models.CharField(
        "data year", max_length=20, blank=True, help_text="as DfE prints it: 2017 or 2018/19"
    )
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["indicator", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measure"], name="one_benchmark_per_measure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.reference} {self.get_measure_display()}"

    @property
    def display(self) -> str:
        return self.indicator.rules.dated(self.value, self.places, self.year)
