import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.actors import SYSTEM
from indicators.exports import ExportError, parse_month_option
from indicators.models import Framework, ReportingMonth
from reports import services
from reports.models import BuildStatus, Edition
from reports.tasks import build_edition


class Command(BaseCommand):
    help = (
        "Build a new draft of the report PDF for FRAMEWORK and MONTH (YYYY-MM) through the same "
        "Celery task the web app uses, and print where the PDF is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("framework", help="e.g. 'Corporate Parenting'")
        parser.add_argument("month", help="YYYY-MM, e.g. 2020-04")
        parser.add_argument("--output", help="also copy the PDF to this file")

    def handle(
        self, *args: object, framework: str, month: str, output: str | None, **options: object
    ) -> None:
        chosen = Framework.objects.named(framework).first()
        if chosen is None:
            names = ", ".join(Framework.objects.values_list("name", flat=True)) or "none yet"
            raise CommandError(f"unknown framework '{framework}' (frameworks: {names})")
        try:
            month_date = parse_month_option(month)
        except ExportError as error:
            raise CommandError(str(error)) from error
        reporting_month = ReportingMonth.objects.filter(framework=chosen, month=month_date).first()
        if reporting_month is None:
            raise CommandError(
                f"{month_date:%B %Y} is not open for {chosen.name}: a performance officer opens "
                "the month (Months page) before its report is built"
            )
        edition = services.generate_draft(reporting_month, SYSTEM, queue=False)
        # The same task the web app queues, run here and now so the command can say where the
        # PDF is (and works whether or not a worker is running).
        build_edition.apply(args=[edition.pk])
        edition = Edition.objects.get(pk=edition.pk)
        if edition.status != BuildStatus.READY:
            raise CommandError(f"{edition.label} failed to build: {edition.error}")
        path = Path(edition.pdf.path)
        if output:
            shutil.copyfile(path, output)
            path = Path(output)
        self.stdout.write(f"{edition.label}: {path} ({edition.pages} pages)")
        self.stdout.write(f"covering paper: {edition.paper.path}")
