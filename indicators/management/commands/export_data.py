import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.exports import EXPORT_KINDS, ExportError, export_dataset, parse_month_option, render
from indicators.models import Framework


class Command(BaseCommand):
    help = "Write a file of one kind (CSV to standard output or FILE; XLSX when FILE ends .xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(EXPORT_KINDS))
        parser.add_argument("--framework", help="a framework name, e.g. 'Corporate Parenting'")
        parser.add_argument("--month", help="YYYY-MM")
        parser.add_argument("--output", help="a file name; .xlsx for a workbook")

    def handle(
        self,
        *args: object,
        kind: str,
        framework: str | None,
        month: str | None,
        output: str | None,
        **options: object,
    ) -> None:
        chosen = None
        if framework:
            chosen = Framework.objects.filter(name__iexact=framework.strip()).first()
            if chosen is None:
                names = ", ".join(Framework.objects.values_list("name", flat=True)) or "none yet"
                raise CommandError(f"unknown framework '{framework}' (frameworks: {names})")
        try:
            month_date = parse_month_option(month) if month else None
            content = render(export_dataset(kind, chosen, month_date), output)
        except ExportError as error:
            raise CommandError(str(error)) from error
        if output:
            Path(output).write_bytes(content)
            self.stderr.write(f"wrote {output}")
        else:
            sys.stdout.flush()
            self.stdout.write(content.decode("utf-8"), ending="")
