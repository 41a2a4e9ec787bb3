"""``open_month FRAMEWORK MONTH`` (formats.md): open a reporting month with its timetable, through
the same service as the Months page."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.actors import SYSTEM, Actor
from indicators import performance as perf
from indicators.models import Framework
from indicators.services import default_timetable, open_month

# option -> the timetable field it sets
DATES = {
    "figures_due": "figures-due",
    "narratives_due": "narratives-due",
    "signoff_due": "sign-off-due",
    "panel_date": "panel",
}


def parse_date(option: str, text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"--{option} '{text}' is not a date (use YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Open MONTH (e.g. 2020-05) for FRAMEWORK with its timetable, as the Months page does. "
        "Dates not given follow the usual timetable: figures due on the 8th of the next month, "
        "narratives the 15th, sign-off the 22nd, the panel on the 1st of the month after."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("framework", help="e.g. 'Corporate Parenting'")
        parser.add_argument("month", help="2020-05, May-20 or 'May 2020'")
        for option in DATES.values():
            parser.add_argument(f"--{option}", metavar="YYYY-MM-DD")
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="the performance officer opening it (default: the system)",
        )

    def handle(self, *args: object, framework: str, month: str, **options: Any) -> None:
        chosen = Framework.objects.named(framework).first()
        if chosen is None:
            names = ", ".join(Framework.objects.values_list("name", flat=True)) or "none yet"
            raise CommandError(f"unknown framework '{framework}' (frameworks: {names})")
        try:
            month_date = perf.parse_month(month)
        except ValueError as error:
            raise CommandError(str(error)) from error
        timetable = default_timetable(month_date)
        for field, option in DATES.items():
            given = options.get(option.replace("-", "_"))
            if given:
                timetable[field] = parse_date(option, given)
        actor = self.actor(options.get("username"))
        try:
            opened = open_month(chosen, month_date, timetable, actor)
        except ValidationError as refusal:
            raise CommandError(self.describe(refusal)) from refusal
        self.stdout.write(
            f"{opened.label} is open for {chosen.name}: figures due "
            f"{opened.figures_due:%d/%m/%Y}, narratives {opened.narratives_due:%d/%m/%Y}, "
            f"sign-off {opened.signoff_due:%d/%m/%Y}, panel {opened.panel_date:%d/%m/%Y}."
        )

    def actor(self, username: str | None) -> Actor:
        if not username:
            return SYSTEM
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"--as: no active account '{username}'")
        return user

    def describe(self, refusal: ValidationError) -> str:
        """The refusal in the command's words: each message with the option it concerns."""
        if not hasattr(refusal, "error_dict"):
            return "; ".join(refusal.messages)
        names = {"month": "MONTH", "framework": "FRAMEWORK", "__all__": ""}
        names |= {field: f"--{option}" for field, option in DATES.items()}
        parts = []
        for field, errors in refusal.message_dict.items():
            label = names.get(field, field)
            parts += [f"{label}: {message}" if label else message for message in errors]
        return "; ".join(parts)
