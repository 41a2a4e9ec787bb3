"""``load_sample_data`` (formats.md): the sample, the demo accounts and April 2020 opened.

A command of the top layer because it uses every app: the accounts, the indicator importers,
the month's opening, the narratives' workflow and the report's wording.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_accounts
from accounts.roles import ensure_roles
from indicators.models import Figure, Framework, ReportingMonth, Upload
from indicators.samples import (
    SAMPLE_FRAMEWORK,
    SAMPLE_MONTH,
    SAMPLE_TIMETABLE,
    load_sample_files,
)
from indicators.services import open_month
from narratives.samples import save_sample_narratives
from reports.sample import load_report_settings


class Command(BaseCommand):
    help = (
        "Load the April 2020 Corporate Parenting sample (through the importers) and one demo "
        "account per role, into an empty database only: run again, it loads nothing and says "
        "so, so that figures re-run or narratives written since are never undone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-accounts", action="store_true", help="load the data only, no demo accounts"
        )
        parser.add_argument(
            "--no-month",
            action="store_true",
            help="do not open April 2020 with the sample narratives as drafts",
        )

    def handle(self, *args: object, no_accounts: bool, no_month: bool, **options: object) -> None:
        held = Framework.objects.count(), Figure.objects.count(), Upload.objects.count()
        if any(held):
            self.stdout.write(
                f"The database already holds data ({held[0]} framework(s), {held[1]} figure(s), "
                f"{held[2]} upload(s)): the sample was not loaded again, so nothing done since "
                "is undone. To start again from the sample, stop the server and run `make "
                "reset` (it deletes cpp.sqlite3 and the stored files), then `make run`."
            )
            return
        if not no_accounts and not settings.DEMO_ACCOUNTS_ALLOWED:
            raise CommandError(
                "demo accounts are for local use only (DEBUG is off); use --no-accounts, or set "
                "DEMO_ACCOUNTS_ALLOWED=true on a machine nobody else can reach"
            )
        with transaction.atomic():
            ensure_roles()
            officer = None if no_accounts else create_demo_accounts()["officer"]
            for plan, refusal in load_sample_files(officer, managers=not no_accounts):
                if refusal:
                    for error in plan.errors:
                        self.stderr.write(f"{plan.file_name}: {error}")
                    raise CommandError(refusal)
                self.stdout.write(plan.summary())
            for line in load_report_settings():
                self.stdout.write(line)
            if officer is not None and not no_month:
                self.open_sample_month(officer)
        if not no_accounts:
            self.stdout.write(f"\nDemo accounts (local use only), password '{DEMO_PASSWORD}':")
            for username, _, role, sections in DEMO_ACCOUNTS:
                extra = f" - {', '.join(sections)}" if sections else ""
                self.stdout.write(f"  {username:<20} {role.value}{extra}")

    def open_sample_month(self, officer: Any) -> None:
        """April 2020 opened as an officer would, with each section's published narrative saved
        as a draft by its head of service, through the workflow's own verbs."""
        framework = Framework.objects.get(name=SAMPLE_FRAMEWORK)
        month = ReportingMonth.objects.filter(framework=framework, month=SAMPLE_MONTH).first()
        if month is None:
            month = open_month(framework, SAMPLE_MONTH, SAMPLE_TIMETABLE, officer)
            self.stdout.write("April 2020 opened, with its timetable.")
        save_sample_narratives(month)
        self.stdout.write("Sample narratives saved as drafts by their heads of service.")
