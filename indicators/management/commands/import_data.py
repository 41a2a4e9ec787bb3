from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.actors import SYSTEM
from indicators.importing.kinds import KINDS
from indicators.importing.pipeline import import_file


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
        plan, applied = import_file(kind, path.name, content, SYSTEM, dry_run=dry_run)
        for row_error in plan.errors:
            self.stderr.write(f"{path.name}: {row_error}")
        if not plan.ok:
            raise CommandError(plan.summary())
        if applied is not None and not applied.applied:
            raise CommandError(applied.message)
        for warning in plan.preview.get("warnings", []):
            self.stdout.write(f"{path.name}: warning: {warning}")
        self.stdout.write(plan.summary(dry_run=dry_run))
