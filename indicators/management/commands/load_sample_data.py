import csv
import datetime
import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.roles import Role, ensure_roles
from indicators.imports import import_file
from indicators.models import Framework, ReportingMonth
from indicators.resources import LOAD_ORDER
from indicators.services import open_month

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data" / "corporate_parenting"
NARRATIVES_CSV = (
    Path(__file__).resolve().parents[3]
    / "narratives"
    / "sample_data"
    / "corporate_parenting_2020-04.csv"
)
SAMPLE_MONTH = datetime.date(2020, 4, 1)
# The report is dated 26/05/20 (Issue 1, Draft 2); the panel met in June.
SAMPLE_TIMETABLE = {
    "figures_due": datetime.date(2020, 5, 8),
    "narratives_due": datetime.date(2020, 5, 15),
    "signoff_due": datetime.date(2020, 5, 22),
    "panel_date": datetime.date(2020, 6, 1),
}
DEMO_PASSWORD = "cpp-demo-2020"

# username, full name, role, section codes they are responsible for
DEMO_ACCOUNTS: tuple[tuple[str, str, Role, tuple[str, ...]], ...] = (
    ("officer", "Pat Okafor", Role.PERFORMANCE_OFFICER, ()),
    ("approver", "Alex Morgan", Role.APPROVER, ()),
    ("panel", "Sam Hughes", Role.PANEL_MEMBER, ()),
    ("hos.lac", "Head of Looked After Children", Role.HEAD_OF_SERVICE, ("LAC",)),
    ("hos.lac-rpv", "Head of Reviews, Plans & Visits", Role.HEAD_OF_SERVICE, ("LAC-RPV",)),
    ("hos.lac-health", "Head of LAC Health", Role.HEAD_OF_SERVICE, ("LAC-HEALTH",)),
    ("hos.lac-education", "Head of the Virtual School", Role.HEAD_OF_SERVICE, ("LAC-EDUCATION",)),
    ("hos.lac-placements", "Head of Placements", Role.HEAD_OF_SERVICE, ("LAC-PLACEMENTS",)),
    ("hos.fostering", "Head of Fostering", Role.HEAD_OF_SERVICE, ("FOSTERING",)),
    ("hos.adoptions", "Head of Adoptions", Role.HEAD_OF_SERVICE, ("ADOPTIONS",)),
    ("hos.care-leavers", "Head of Leaving Care", Role.HEAD_OF_SERVICE, ("CARE-LEAVERS",)),
    ("hos.caseloads", "Head of Service, LAC teams", Role.HEAD_OF_SERVICE, ("CASELOADS",)),
)


def without_column(content: bytes, column: str) -> bytes:
    """The CSV without one column: the managers are demo accounts that --no-accounts omits."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    index = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out).writerows([row[:index] + row[index + 1 :] for row in rows])
    return out.getvalue().encode("utf-8")


def sample_narratives() -> dict[str, tuple[str, str]]:
    """The April 2020 narratives: section code -> (changes, data notes)."""
    with NARRATIVES_CSV.open(encoding="utf-8-sig", newline="") as handle:
        return {
            row["section"]: (row["changes"], row["data_notes"]) for row in csv.DictReader(handle)
        }


class Command(BaseCommand):
    help = (
        "Load the April 2020 Corporate Parenting sample (through the importers) and one demo "
        "account per role. Safe to run again: unchanged rows are left alone."
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
        if not no_accounts and not settings.DEMO_ACCOUNTS_ALLOWED:
            raise CommandError(
                "demo accounts are for local use only (DEBUG is off); use --no-accounts, or set "
                "DEMO_ACCOUNTS_ALLOWED=true on a machine nobody else can reach"
            )
        with transaction.atomic():
            ensure_roles()
            officer = None if no_accounts else self.create_accounts()
            for kind in LOAD_ORDER:
                path = SAMPLE_DIR / f"{kind}.csv"
                content = path.read_bytes()
                if no_accounts and kind == "sections":
                    content = without_column(content, "managers")
                report = import_file(kind, path.name, content, user=officer)
                if not report.ok:
                    for error in report.errors:
                        self.stderr.write(f"{path.name}: {error}")
                    raise CommandError(report.summary())
                self.stdout.write(report.summary())
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
        from narratives import services as narratives
        from narratives.models import Narrative

        framework = Framework.objects.get(name="Corporate Parenting")
        month = ReportingMonth.objects.filter(framework=framework, month=SAMPLE_MONTH).first()
        if month is None:
            month = open_month(framework, SAMPLE_MONTH, SAMPLE_TIMETABLE, officer)
            self.stdout.write("April 2020 opened, with its timetable.")
        texts = sample_narratives()
        for narrative in Narrative.objects.filter(reporting_month=month, version=0):
            changes, data_notes = texts.get(narrative.section.code, ("", ""))
            author = narrative.section.managers.first()
            if changes and author is not None:
                narratives.save_text(narrative, author, changes, data_notes, narrative.version)
        self.stdout.write("Sample narratives saved as drafts by their heads of service.")

    def create_accounts(self):  # type: ignore[no-untyped-def]
        groups = ensure_roles()
        users = {}
        for username, name, role, _ in DEMO_ACCOUNTS:
            first, _, last = name.partition(" ")
            user, _ = get_user_model().objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.gov.uk",
                    # Panel members never use the back office.
                    "is_staff": role != Role.PANEL_MEMBER,
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([groups[role]])
            users[username] = user
        return users["officer"]
