from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.imports import import_file
from indicators.resources import KINDS


class Command(BaseCommand):
    help = "Import one CSV/XLSX file of a kind in formats.md; all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count; write nothing"
        )

    def handle(self, *args: object, kind: str, file: str, dry_run: bool, **options: object) -> None:
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from error
        report = import_file(kind, path.name, content, dry_run=dry_run)
        for error in report.errors:
            self.stderr.write(f"{path.name}: {error}")
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
