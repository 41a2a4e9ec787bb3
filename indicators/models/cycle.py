"""The monthly cycle: a reporting month opened for a framework, with its timetable."""

from __future__ import annotations

import itertools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .. import performance as perf
from .catalogue import Framework


class ReportingMonth(models.Model):
    """One month of one framework's report, opened by a performance officer.

    The timetable drives reminders: figures, then narratives, then sign-off, then the panel.
    """

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="months")
    month = models.DateField(help_text="the report is as at the end of this month")
    figures_due = models.DateField()
    narratives_due = models.DateField()
    signoff_due = models.DateField("sign-off due")
    panel_date = models.DateField()
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Set while the authors' "month opened" e-mail is unsent: a broker down at the time leaves
    # it to the periodic sweep (narratives.tasks.send_pending_emails) rather than losing it.
    email_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["framework", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "month"], name="one_open_month"),
            models.CheckConstraint(
                condition=Q(month__gte=perf.FIRST_MONTH, month__lte=perf.LAST_MONTH),
                name="reporting_month_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework} — {self.label}"

    @property
    def label(self) -> str:
        return self.month.strftime("%B %Y")

    @property
    def key(self) -> str:
        return perf.month_key(self.month)

    def clean(self) -> None:
        if self.month:
            self.month = self.month.replace(day=1)
        steps = [
            ("figures_due", self.figures_due),
            ("narratives_due", self.narratives_due),
            ("signoff_due", self.signoff_due),
            ("panel_date", self.panel_date),
        ]
        errors: dict[str, str] = {}
        if self.month:
            try:
                perf.check_month(self.month)
            except ValueError as error:
                errors["month"] = str(error)
        if self.month and self.figures_due and self.figures_due <= self.month:
            errors["figures_due"] = "figures are due after the month has begun"
        for (before_name, before), (name, date) in itertools.pairwise(steps):
            if before and date and date < before:
                field = self._meta.get_field(before_name)
                label = field.verbose_name if isinstance(field, models.Field) else before_name
                errors[name] = f"must not be before {label} ({before:%d/%m/%Y})"
        if errors:
            raise ValidationError(errors)
