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

from indicators.models import Framework, Indicator, ReportingMonth, Section
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


class CouncilSettings(models.Model):
    """The council's own words and logo, printed on the cover of the report and the paper.

    One row (the admin edits it); ``current`` gives it, empty until a performance officer fills
    it, so that nothing a council prints comes from the code.
    """

    name = models.CharField("council name", max_length=200, blank=True)
    directorate = models.CharField(
        max_length=200, blank=True, help_text="e.g. Children and Young People's Services"
    )
    department = models.CharField(
        max_length=200, blank=True, help_text="the line above the report title on the cover"
    )
    team = models.CharField(
        "team name", max_length=200, blank=True, help_text="'Created by' on the report's cover"
    )
    contact = models.TextField(
        blank=True, help_text="who to contact about the reports: name, telephone, e-mail"
    )
    logo = models.FileField(
        storage=private_storage,
        upload_to="council/",
        blank=True,
        help_text="PNG or JPEG, printed on both covers (at most 1 MB)",
    )

    class Meta:
        verbose_name = verbose_name_plural = "council settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="one_council_settings_row"),
        ]

    def __str__(self) -> str:
        return self.name or "Council settings"

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> CouncilSettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class ReportSettings(models.Model):
    """One framework's report wording: titles and the covering paper's usual text.

    The paper texts are what a new month's covering paper starts from; ``{month}`` (e.g. "April
    2020"), ``{panel}`` (the framework's board), ``{report}`` (the report's title) and
    ``{council}`` are filled in. The board's name, the cover wording and the council printed are
    the framework's own (``Framework.board``, ``cover_wording``, ``council``).
    """

    framework = models.OneToOneField(
        Framework, on_delete=models.CASCADE, related_name="report_settings"
    )
    report_title = models.CharField(
        max_length=200, help_text="e.g. Corporate Parenting Monthly Performance Report"
    )
    paper_title = models.CharField(
        "covering paper title",
        max_length=200,
        help_text="e.g. Corporate Parenting Performance Report; the month is added",
    )
    key_decision = models.CharField(max_length=200, blank=True)
    director = models.CharField(
        "strategic director approving submission", max_length=300, blank=True
    )
    authors = models.TextField("report author(s)", blank=True)
    contact = models.TextField(blank=True)
    wards = models.CharField("ward(s) affected", max_length=300, blank=True)
    background_papers = models.TextField(blank=True)
    other_committee = models.CharField(
        "consideration by any other council committee", max_length=300, blank=True
    )
    council_approval = models.CharField("council approval required", max_length=200, blank=True)
    exempt = models.CharField("exempt from the press and public", max_length=200, blank=True)
    summary = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    background = models.TextField(blank=True)
    options = models.TextField("options considered and recommended proposal", blank=True)
    consultation = models.TextField(blank=True)
    timetable = models.TextField("timetable and accountability", blank=True)
    financial = models.TextField("financial and procurement implications", blank=True)
    legal = models.TextField("legal implications", blank=True)
    human_resources = models.TextField("human resources implications", blank=True)
    children = models.TextField(
        "implications for children and young people and vulnerable adults", blank=True
    )
    equalities = models.TextField("equalities and human rights implications", blank=True)
    partners = models.TextField("implications for partners and other directorates", blank=True)
    risks = models.TextField("risks and mitigation", blank=True)
    accountable_officers = models.TextField("accountable officer(s)", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "report settings"

    def __str__(self) -> str:
        return f"{self.framework}: report settings"


class CombinedChart(models.Model):
    """Indicators of a section drawn on one chart (e.g. admissions against discharges).

    A section setting, kept in the admin: each indicator named here is drawn on this chart
    instead of its own; the others keep one chart each.
    """

    class Kind(models.TextChoices):
        BAR = "bar", "Bars side by side (counts)"
        LINE = "line", "Lines"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="combined_charts")
    title = models.CharField(max_length=200, help_text="e.g. Admissions and discharges from care")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LINE)
    indicators = models.ManyToManyField(Indicator, related_name="combined_charts")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["section", "order", "id"]

    def __str__(self) -> str:
        return f"{self.section.code}: {self.title}"


class PaperDetails(models.Model):
    """The covering paper's own text for one reporting month, edited by a performance officer.

    Copied into each edition's snapshot when the edition is created, so an issue keeps the text
    it went out with while the officer edits the next one. Starts from the framework's
    ``ReportSettings``; issuing is refused while a required field is empty or a placeholder.
    """

    reporting_month = models.OneToOneField(
        ReportingMonth, on_delete=models.CASCADE, related_name="paper_details"
    )
    title = models.CharField(max_length=200)
    meeting = models.CharField("meeting", max_length=200, blank=True)
    key_decision = models.CharField(
        "key decision (and on the forward plan?)", max_length=200, blank=True
    )
    director = models.CharField(
        "strategic director approving submission", max_length=300, blank=True
    )
    authors = models.TextField("report author(s)", blank=True)
    contact = models.TextField(blank=True)
    wards = models.CharField("ward(s) affected", max_length=300, blank=True)
    background_papers = models.TextField(blank=True)
    other_committee = models.CharField(
        "consideration by any other council committee", max_length=300, blank=True
    )
    council_approval = models.CharField("council approval required", max_length=200, blank=True)
    exempt = models.CharField("exempt from the press and public", max_length=200, blank=True)
    summary = models.TextField()
    recommendations = models.TextField()
    background = models.TextField(blank=True)
    options = models.TextField("options considered and recommended proposal", blank=True)
    consultation = models.TextField(blank=True)
    timetable = models.TextField("timetable and accountability", blank=True)
    financial = models.TextField("financial and procurement implications", blank=True)
    legal = models.TextField("legal implications", blank=True)
    human_resources = models.TextField("human resources implications", blank=True)
    children = models.TextField(
        "implications for children and young people and vulnerable adults", blank=True
    )
    equalities = models.TextField("equalities and human rights implications", blank=True)
    partners = models.TextField("implications for partners and other directorates", blank=True)
    risks = models.TextField("risks and mitigation", blank=True)
    accountable_officers = models.TextField("accountable officer(s)", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.title
