"""``load_sample_data`` (formats.md): both samples, the demo accounts, and each sample's month
opened (April 2020 of the Corporate Parenting report, June 2017 of the Corporate Parenting
Board).

A command of the top layer because it uses every app: the accounts, the indicator importers,
the month's opening, the narratives' workflow and the report's wording.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_accounts, create_demo_managers
from accounts.roles import Role, ensure_roles
from indicators.models import Framework, ReportingMonth
from indicators.samples import Sample, load_sample_files, samples_named
from indicators.services import open_month
from narratives.samples import save_sample_narratives
from reports.sample import load_report_settings


class Command(BaseCommand):
    help = (
        "Load the samples (the April 2020 Corporate Parenting report and the June 2017 Corporate "
        "Parenting Board, through the importers) and the demo accounts. Safe to run again: "
        "unchanged rows are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-accounts", action="store_true", help="load the data only, no demo accounts"
        )
        parser.add_argument(
            "--no-month",
            action="store_true",
            help="do not open the samples' months with their narratives as drafts",
        )
        parser.add_argument(
            "--only",
            metavar="FRAMEWORK",
            help="load only the sample of this framework ('Corporate Parenting' or "
            "'Corporate Parenting Board')",
        )

    def handle(
        self,
        *args: object,
        no_accounts: bool,
        no_month: bool,
        only: str | None = None,
        **options: object,
    ) -> None:
        if not no_accounts and not settings.DEMO_ACCOUNTS_ALLOWED:
            raise CommandError(
                "demo accounts are for local use only (DEBUG is off); use --no-accounts, or set "
                "DEMO_ACCOUNTS_ALLOWED=true on a machine nobody else can reach"
            )
        try:
            samples = samples_named(only)
        except ValueError as unknown:
            raise CommandError(str(unknown)) from unknown
        managers = [person for sample in samples for person in sample.managers()]
        with transaction.atomic():
            ensure_roles()
            officer = None
            if not no_accounts:
                officer = create_demo_accounts()["officer"]
                create_demo_managers(managers)
            for plan, refusal in load_sample_files(officer, managers=not no_accounts, only=only):
                if refusal:
                    for error in plan.errors:
                        self.stderr.write(f"{plan.file_name}: {error}")
                    raise CommandError(refusal)
                self.stdout.write(plan.summary())
            for line in load_report_settings():
                self.stdout.write(line)
            if officer is not None and not no_month:
                for sample in samples:
                    self.open_sample_month(sample, officer)
        if not no_accounts:
            self.stdout.write(f"\nDemo accounts (local use only), password '{DEMO_PASSWORD}':")
            for username, _, role, sections in DEMO_ACCOUNTS:
                extra = f" - {', '.join(sections)}" if sections else ""
                self.stdout.write(f"  {username:<22} {role.value}{extra}")
            for person in managers:
                codes = person["sections"].replace(";", ", ")
                self.stdout.write(
                    f"  {person['username']:<22} {Role.HEAD_OF_SERVICE.value} - {codes}"
                )

    def open_sample_month(self, sample: Sample, officer: Any) -> None:
        """The sample's month opened as an officer would, with each section's published
        narrative saved as a draft by its author, through the workflow's own verbs."""
        framework = Framework.objects.get(name=sample.framework)
        month = ReportingMonth.objects.filter(framework=framework, month=sample.month).first()
        if month is None:
            month = open_month(framework, sample.month, sample.timetable, officer)
            self.stdout.write(f"{sample.framework}: {month.label} opened, with its timetable.")
        saved = save_sample_narratives(month)
        self.stdout.write(f"{sample.framework}: {saved} sample narratives saved as drafts.")
