"""Report editions: each draft and each issue of one framework's report for one month.

An edition is numbered when it is asked for (``services``), so a retried or re-delivered build
never numbers twice. Its snapshot is frozen when it is created; the Celery task only renders it.
An issued edition, its PDFs and their checksums never change: the database refuses a second issue
of the same number, and nothing in the product writes to an edition once it is ready.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from indicators.models import Framework, ReportingMonth
from indicators.storage import private_storage


class BuildStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class Edition(models.Model):
    reporting_month = models.ForeignKey(
        ReportingMonth, on_delete=models.PROTECT, related_name="editions"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="editions")
    month = models.DateField()
    issue = models.PositiveIntegerField()
    draft = models.PositiveIntegerField(null=True, blank=True, help_text="empty for an issue")
    snapshot = models.JSONField(help_text="everything the edition prints (reports.snapshot)")
    status = models.CharField(
        max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED
    )
    error = models.TextField(blank=True, help_text="why the last build failed")
    attempts = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="when the last build began")
    pdf = models.FileField(storage=private_storage, blank=True)
    pdf_sha256 = models.CharField("report SHA-256", max_length=64, blank=True)
    paper = models.FileField(storage=private_storage, blank=True)
    paper_sha256 = models.CharField("covering paper SHA-256", max_length=64, blank=True)
    pages = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    built_at = models.DateTimeField(null=True, blank=True)
    # An approver's sign-off of a draft; issuing needs one on content equal to what is issued.
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    content_sha256 = models.CharField(
        max_length=64, help_text="of the figures and narratives printed, without edition details"
    )

    class Meta:
        ordering = ["-month", "-issue", "-draft"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "month", "issue", "draft"], name="one_edition_per_number"
            ),
            models.UniqueConstraint(
                fields=["framework", "month", "issue"],
                condition=Q(draft__isnull=True),
                name="one_issue_per_number",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_at__isnull=True) | Q(draft__isnull=False),
                name="sign_off_on_drafts_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework} {self.month:%B %Y}, {self.label}"

    @property
    def label(self) -> str:
        if self.draft is None:
            return f"Issue {self.issue}"
        return f"Issue {self.issue}, Draft {self.draft}"

    @property
    def is_issued(self) -> bool:
        return self.draft is None

    @property
    def is_ready(self) -> bool:
        return self.status == BuildStatus.READY

    @property
    def in_progress(self) -> bool:
        return self.status in (BuildStatus.QUEUED, BuildStatus.BUILDING)

    def file_stem(self) -> str:
        """The name a download is given: framework, month and number (for people; stored files
        are named by ``storage_name``)."""
        name = "-".join(self.framework.name.lower().split())
        number = f"issue-{self.issue}" + (f"-draft-{self.draft}" if self.draft else "")
        return f"{name}-{self.month:%Y-%m}-{number}"

    def storage_name(self, document: str) -> str:
        """Where a build stores ``document`` (``report`` or ``covering-paper``): named by the
        edition's id and build attempt, never by anything a person types, so two editions, or
        two attempts at one, can never write to the same file."""
        return f"reports/{self.month:%Y-%m}/edition-{self.pk}-build-{self.attempts}-{document}.pdf"


class PaperDetails(models.Model):
    """The covering paper's own text for one reporting month, edited by a performance officer.

    Copied into each edition's snapshot when the edition is created, so an issue keeps the text
    it went out with while the officer edits the next one.
    """

    reporting_month = models.OneToOneField(
        ReportingMonth, on_delete=models.CASCADE, related_name="paper_details"
    )
    title = models.CharField(max_length=200)
    meeting = models.CharField("meeting", max_length=200, blank=True)
    authors = models.TextField("report author(s)", blank=True)
    summary = models.TextField()
    recommendations = models.TextField()
    implications = models.TextField(blank=True)
    risks = models.TextField("risks and mitigation", blank=True)
    accountable_officers = models.TextField("accountable officer(s)", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.title
