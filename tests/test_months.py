"""Opening a month: only months reported on, one opening however many officers click at once,
and the ``open_month`` command of formats.md."""

from __future__ import annotations

import datetime
import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.actors import SYSTEM
from audit.models import Event
from indicators.models import ReportingMonth
from indicators.services import default_timetable, open_month
from narratives.models import Narrative
from tests.editions import user

MAY = datetime.date(2020, 5, 1)


def form(month: str, **changes: str) -> dict[str, str]:
    fields = {
        "figures_due": "2020-06-08",
        "narratives_due": "2020-06-15",
        "signoff_due": "2020-06-22",
        "panel_date": "2020-07-01",
    }
    return {"month": month, **fields, **changes}


# -- the months reported on ---------------------------------------------------------------------


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "1999-12", "2100-01"])
def test_a_month_outside_2000_to_2099_is_refused_by_the_form(client, sample, month):
    client.force_login(user("officer"))
    response = client.post(
        reverse("indicators:months"),
        {"framework": sample.pk, **form(month, figures_due="", narratives_due="")},
    )
    assert response.status_code == 200
    assert "outside the months reported on (January 2000 to December 2099)" in (
        response.content.decode()
    )
    assert not ReportingMonth.objects.exists()
    # The staff pages still answer.
    assert client.get(reverse("indicators:summary_latest")).status_code == 302
    assert client.get(reverse("narratives:latest")).status_code in (200, 302)


@pytest.mark.parametrize("month", [datetime.date(1, 1, 1), datetime.date(9999, 12, 1)])
def test_the_service_and_the_database_refuse_them_too(sample, month):
    timetable = {
        "figures_due": month.replace(day=8),
        "narratives_due": month.replace(day=15),
        "signoff_due": month.replace(day=22),
        "panel_date": month.replace(day=28),
    }
    with pytest.raises(ValidationError, match="outside the months reported on"):
        open_month(sample, month, timetable, user("officer"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingMonth.objects.create(framework=sample, month=month, **timetable)
    assert not ReportingMonth.objects.exists()


@pytest.mark.parametrize("month", ["0001-01", "9999-12"])
def test_a_page_asked_for_such_a_month_answers_404_not_500(client, sample, month):
    client.force_login(user("officer"))
    url = reverse("indicators:summary", args=[sample.pk, month])
    assert client.get(url).status_code == 404


def test_the_first_and_last_months_are_fine(sample):
    for month in (datetime.date(2000, 1, 1), datetime.date(2099, 12, 1)):
        opened = open_month(sample, month, default_timetable(month), user("officer"))
        assert opened.month == month


def test_the_usual_timetable():
    assert default_timetable(datetime.date(2020, 12, 1)) == {
        "figures_due": datetime.date(2021, 1, 8),
        "narratives_due": datetime.date(2021, 1, 15),
        "signoff_due": datetime.date(2021, 1, 22),
        "panel_date": datetime.date(2021, 2, 1),
    }


# -- four officers at once ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_four_officers_opening_one_month_at_once_get_one_month_and_three_messages(sample):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite lets one writer in at a time; the race needs PostgreSQL")
    """The page's own check finds nothing open for each of them; the database's unique
    constraint then refuses three, which the page answers with a message, never a 500."""
    officers = [user("officer")]
    for n in range(3):
        extra = user("officer")
        extra.pk, extra.username = None, f"officer{n}"
        extra.save()
        extra.groups.set(user("officer").groups.all())
        officers.append(extra)
    start = threading.Barrier(len(officers))
    results: list[tuple[int, str]] = []

    def open_it(officer) -> None:
        client = Client(raise_request_exception=False)
        client.force_login(officer)
        try:
            start.wait()
            response = client.post(
                reverse("indicators:months"), {"framework": sample.pk, **form("2020-05")}
            )
            results.append((response.status_code, response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=open_it, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(status for status, _ in results) == [200, 200, 200, 302]
    refused = [page for status, page in results if status == 200]
    assert all("May 2020 is already open for Corporate Parenting." in page for page in refused)
    month = ReportingMonth.objects.get(month=MAY)
    assert Narrative.objects.filter(reporting_month=month).count() == 9
    assert Event.objects.filter(verb="month.opened").count() == 1


def test_a_month_already_open_is_refused_by_the_service(sample):
    open_month(sample, MAY, default_timetable(MAY), user("officer"))
    with pytest.raises(ValidationError, match="May 2020 is already open for Corporate Parenting"):
        open_month(sample, MAY, default_timetable(MAY), user("officer"))


def test_only_officers_and_the_system_open_months(sample):
    with pytest.raises(ValidationError, match="Only a performance officer"):
        open_month(sample, MAY, default_timetable(MAY), user("approver"))
    with pytest.raises(ValidationError, match="Only a performance officer"):
        open_month(sample, MAY, default_timetable(MAY), None)  # type: ignore[arg-type]
    assert open_month(sample, MAY, default_timetable(MAY), SYSTEM).opened_by is None


# -- the command --------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("open_month", *args, stdout=out)
    return out.getvalue()


def test_the_command_opens_a_month_with_the_usual_timetable(sample):
    said = run("corporate   PARENTING", "May-20")
    assert said.strip() == (
        "May 2020 is open for Corporate Parenting: figures due 08/06/2020, narratives "
        "15/06/2020, sign-off 22/06/2020, panel 01/07/2020."
    )
    month = ReportingMonth.objects.get(month=MAY)
    assert month.opened_by is None
    assert Narrative.objects.filter(reporting_month=month).count() == 9
    event = Event.objects.get(verb="month.opened")
    assert (event.actor_name, event.details["panel_date"]) == ("system", "2020-07-01")


def test_the_command_takes_each_date_and_who_opens_it(sample):
    run(
        "Corporate Parenting",
        "2020-05",
        "--figures-due=2020-06-05",
        "--narratives-due=2020-06-12",
        "--sign-off-due=2020-06-19",
        "--panel=2020-06-29",
        "--as=officer",
    )
    month = ReportingMonth.objects.get(month=MAY)
    assert (month.figures_due, month.narratives_due, month.signoff_due, month.panel_date) == (
        datetime.date(2020, 6, 5),
        datetime.date(2020, 6, 12),
        datetime.date(2020, 6, 19),
        datetime.date(2020, 6, 29),
    )
    assert month.opened_by == user("officer")
    assert Event.objects.get(verb="month.opened").actor == user("officer")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Nope", "2020-05"], "unknown framework 'Nope' (frameworks: Corporate Parenting)"),
        (["Corporate Parenting", "13-2020"], "'13-2020' is not a month"),
        (["Corporate Parenting", "9999-12"], "December 9999 is outside the months reported on"),
        (["Corporate Parenting", "2020-05", "--panel=01/07/2020"], "--panel '01/07/2020' is not"),
        (
            ["Corporate Parenting", "2020-05", "--narratives-due=2020-06-01"],
            "--narratives-due: must not be before figures due (08/06/2020)",
        ),
        (["Corporate Parenting", "2020-05", "--as=ghost"], "--as: no active account 'ghost'"),
        (["Corporate Parenting", "2020-05", "--as=panel"], "Only a performance officer"),
    ],
)
def test_the_command_refuses_with_a_clear_message(sample, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(*args)
    assert not ReportingMonth.objects.exists()


def test_the_command_refuses_a_month_already_open(sample):
    run("Corporate Parenting", "2020-05")
    with pytest.raises(CommandError, match="MONTH: May 2020 is already open"):
        run("Corporate Parenting", "2020-05")
    assert sample.months.count() == 1
