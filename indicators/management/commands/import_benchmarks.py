from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.actors import SYSTEM
from indicators.importing.lait import LaitRequest, import_lait


class Command(BaseCommand):
    help = (
        "Compute each mapped indicator's benchmarks for one council from the DfE's LAIT "
        "long-format file and statistical-neighbour list; applied like a benchmarks upload."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="LAIT's long table, .csv or .csv.gz")
        parser.add_argument("--la", type=int, required=True, help="the council's LA number")
        parser.add_argument(
            "--neighbours", required=True, help="DfE statistical-neighbour list (.xlsx)"
        )
        parser.add_argument("--framework", default="", help="only this framework's indicators")
        parser.add_argument(
            "--year", default="", help="data year as DfE prints it (default: the latest)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="compute and count; write nothing"
        )

    def handle(
        self,
        *args: object,
        file: str,
        la: int,
        neighbours: str,
        framework: str,
        year: str,
        dry_run: bool,
        **options: object,
    ) -> None:
        request = LaitRequest(la=la, framework=framework, year=year)
        try:
            with open(file, "rb") as lait, open(neighbours, "rb") as sn:
                plan, applied = import_lait(
                    lait,
                    Path(file).name,
                    sn,
                    Path(neighbours).name,
                    request,
                    SYSTEM,
                    dry_run=dry_run,
                )
        except OSError as error:
            raise CommandError(f"cannot read {error.filename}: {error.strerror}") from error
        for refusal in plan.errors:
            self.stderr.write(f"{plan.file_name}: {refusal.message}")
        if not plan.ok:
            raise CommandError(plan.summary())
        self.report(plan.preview)
        if applied is not None and not applied.applied:
            raise CommandError(applied.message)
        self.stdout.write(plan.summary(dry_run=dry_run))

    def report(self, preview: dict) -> None:
        """What was computed and how: each benchmark with its detail, what was skipped and
        why, polarity warnings, and the indicators without benchmarks."""
        lait = preview["lait"]
        self.stdout.write(f"{lait['place']}, neighbours from {lait['neighbour_list']}")
        for item in lait["indicators"]:
            self.stdout.write(f"{item['reference']} {item['lait']} ({item['year']})")
            for label, value, detail in item["benchmarks"]:
                self.stdout.write(f"  {label}: {value or 'none'} ({detail})")
            for skipped in item["skipped"]:
                self.stdout.write(f"  skipped {skipped}")
            for warning in item["warnings"]:
                self.stdout.write(f"  WARNING: {warning}")
        for problem in lait["problems"]:
            self.stdout.write(f"no benchmarks: {problem}")
        for changed in preview["changed"]:
            shown = "; ".join(f"{c}: {old} → {new}" for c, old, new in changed["changes"])
            self.stdout.write(f"changed {changed['label']}: {shown}")
