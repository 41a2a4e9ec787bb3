"""Faults on the production stack: a Celery worker killed mid-build, and Redis down for a while.

Run by hand, never by the tests (loopback only):

    .venv/bin/python bench/faults.py [--copies 8] [--visibility-timeout 20] [--only kill|redis]
        [--down 15] [--beat] [--port 8766] [--redis-port 6390]

It starts everything it uses and stops all of it at the end, whatever happened: its own
``redis-server`` on port 6390 (``--save "" --appendonly no``: the Redis on 6379 is never
touched), the PostgreSQL database ``cpp_faults`` (dropped and created, migrated, the April 2020
sample with its demo accounts), the Procfile's ``worker`` line (``celery -A cpp worker``, prefork
pool, concurrency 2) and, for (b), its ``web`` line (gunicorn, ``DEBUG=false``) and with
``--beat`` its ``beat`` line (schedule file in the run's folder). Every process gets
``CELERY_VISIBILITY_TIMEOUT=--visibility-timeout``. This process runs Django too, on the same
``DATABASE_URL`` and ``CELERY_BROKER_URL``, to make drafts (``generate_draft``, which queues the
build when its transaction commits), to run the sweeps and to read editions.

To make a build last a few seconds, the sample framework is grown ``--copies`` times through the
ORM: every section copied (code ``LAC-2``, …, same head of service) with its indicators
(reference ``X2.6.1``, …) and their figures, targets, outturns and benchmarks, and the month's
narratives created for the new sections.

The sweeps (beat: ``reports.tasks.requeue_waiting_builds`` every minute, re-queueing editions
queued over ``STALE_QUEUE`` or claimed over ``STALE_BUILD`` ago) are run here, when asked, as
``reports.services.requeue_waiting_builds(now=…)`` with the clock moved just past those limits, so
that the run shows the recovery without waiting ten minutes; ``--beat`` waits for beat instead.

(a) Worker killed mid-build. A first draft is built to time a normal build. Then, twice: a draft
    is generated, and ``--kill-after`` seconds after its edition is ``building`` the worker's
    main process gets SIGKILL (its pool processes die with it: Celery sets PDEATHSIG); the
    worker is started again, and
    1. the first time nothing else is done: the task, never acknowledged (``acks_late``), comes
       back once the broker's visibility timeout has passed;
    2. the second time the build sweep is run at once; then the run waits past the visibility
       timeout to see what the redelivered original task does (it must find the edition built).
    For each: whether the build completed, ``Edition.attempts``, that exactly one edition has
    that number, and how long recovery took.

(b) Redis down. With gunicorn and the worker running (and a draft made and built with Redis up,
    for comparison), Redis is stopped for ``--down`` seconds; meanwhile the pages (summary,
    section, narrative, reports list, the month's editions) are fetched through gunicorn, a draft
    is generated (the month page's form, as the officer) and a narrative submitted (its page's
    form, as hos.fostering); the database then says what was kept. Redis is started again
    (empty, as after a crash); the run shows that nothing happens by itself for
    ``--wait-after-up`` seconds, then runs the build sweep and the e-mail sweep
    (``narratives.tasks.send_pending_emails(0)``, through Redis) and reports when the draft is
    built and the submission's e-mail sent. A 500 gets its traceback from gunicorn's log or, if
    the log has none, from the same call made in this process.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import inspect
import os
import re
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stack  # bench/ is not a package: its folder is on the path
from django.db import models
from stack import Browser, table

DATABASE = "cpp_faults"
# A model with an ``indicator`` foreign key (its classes are imported once Django is set up).
Row = TypeVar("Row", bound=models.Model)


# -- the database -------------------------------------------------------------------------------


def grow_framework(copies: int) -> tuple[int, int]:
    """Copy every section of the sample ``copies - 1`` more times; (sections, indicators)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from indicators.models import (
        Benchmark,
        Figure,
        Framework,
        FrameworkSection,
        Indicator,
        Outturn,
        ReportingMonth,
        Section,
        Target,
    )
    from narratives.services import create_month_narratives

    framework = Framework.objects.get(name="Corporate Parenting")
    with transaction.atomic():
        originals = list(FrameworkSection.objects.filter(framework=framework).order_by("order"))
        for copy_number in range(2, copies + 1):
            for place in originals:
                section = place.section
                twin = Section.objects.create(
                    code=f"{section.code}-{copy_number}",
                    title=f"{section.title} ({copy_number})",
                    definition=section.definition,
                )
                twin.managers.set(section.managers.all())
                FrameworkSection.objects.create(
                    framework=framework, section=twin, order=copy_number * 100 + place.order
                )
                for indicator in Indicator.objects.filter(section=section):
                    old = indicator.pk
                    indicator.pk = None
                    indicator.reference = f"X{copy_number}.{indicator.reference}"
                    indicator.section = twin
                    indicator.save()
                    for model in (Figure, Target, Outturn, Benchmark):
                        copy_rows(model, old, indicator.pk)
        officer = get_user_model().objects.get(username="officer")
        for month in ReportingMonth.objects.filter(framework=framework):
            create_month_narratives(month, officer)
    return framework.sections.count(), framework.indicators().count()


def visibility_timeout_of(settings: Any) -> int | None:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
    return options.get("visibility_timeout")


# -- editions -----------------------------------------------------------------------------------


def month_and_officer() -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model

    from indicators.models import ReportingMonth

    month = ReportingMonth.objects.select_related("framework").get()
    return month, get_user_model().objects.get(username="officer")


def new_draft() -> Any:
    """A draft made as the reports page makes one: numbered, the build queued on commit."""
    from reports import services

    month, officer = month_and_officer()
    return services.generate_draft(month, officer)


def edition(pk: int) -> Any:
    from reports.models import Edition

    return Edition.objects.get(pk=pk)


def editions_numbered_like(one: Any) -> int:
    from reports.models import Edition

    return Edition.objects.filter(
        framework_id=one.framework_id, month=one.month, issue=one.issue, draft=one.draft
    ).count()


def wait_status(pk: int, statuses: set[str], timeout: float, poll: float = 0.02) -> float | None:
    """Seconds until the edition is in one of ``statuses``; None after ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if edition(pk).status in statuses:
            return time.monotonic() - start
        time.sleep(poll)
    return None


def sweep_builds(as_if_later: bool = True) -> str:
    """The build sweep (``reports.tasks.requeue_waiting_builds``, beat every minute) run here now.

    It re-queues only editions queued for over ``STALE_QUEUE`` or claimed over ``STALE_BUILD``
    ago; ``as_if_later`` runs it with its clock moved just past the longer of the two, as the
    sweep would run that much later, so that the run need not wait.
    """
    import datetime

    from django.utils import timezone

    from reports import services, tasks

    service = getattr(services, "requeue_waiting_builds", None)
    if service is None or "now" not in inspect.signature(service).parameters:
        task = getattr(tasks, "requeue_waiting_builds", None)
        if task is None:
            return "reports.tasks.requeue_waiting_builds is MISSING: nothing re-queued"
        return f"requeue_waiting_builds() -> {task()!r}"
    if not as_if_later:
        return f"requeue_waiting_builds() re-queued editions {service()}"
    shift = max(services.STALE_BUILD, services.STALE_QUEUE) + datetime.timedelta(seconds=1)
    waiting = service(now=timezone.now() + shift)
    return (
        f"the build sweep, run now with its clock {shift.total_seconds():.0f} s ahead "
        f"(STALE_BUILD {services.STALE_BUILD.total_seconds():.0f} s, STALE_QUEUE "
        f"{services.STALE_QUEUE.total_seconds():.0f} s), re-queued editions {waiting}"
    )


def edition_row(pk: int, how: str, since: dict[str, float]) -> list[Any]:
    done = edition(pk)
    now = time.monotonic()
    return [
        done.label,
        how,
        done.status,
        done.attempts,
        editions_numbered_like(done),
        *(f"{now - t:.1f}" if done.status == "ready" else "-" for t in since.values()),
    ]


# -- (a) the worker killed mid-build -----------------------------------------------------------

RESULT = re.compile(r"build_edition\[[^\]]+\] succeeded in [\d.]+s: '(\w+)'")


def kill_mid_build(
    running: stack.Stack, env: dict[str, str], worker: stack.Service, sweep: bool, options: Any
) -> tuple[stack.Service, list[Any], list[str]]:
    """A draft whose worker gets SIGKILL while building it; the worker is started again and the
    edition watched until it is built. Returns the new worker, a table row and notes."""
    notes: list[str] = []
    draft = new_draft()
    queued_at = time.monotonic()
    if wait_status(draft.pk, {"building", "ready", "failed"}, 60) is None:
        raise SystemExit(f"the worker never started building:\n{worker.tail()}")
    time.sleep(options.kill_after)  # well into the rendering
    before = edition(draft.pk)
    members = worker.members()
    os.kill(worker.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    time.sleep(1.0)
    survivors = sorted(set(members) & set(stack.group_members(worker.pid)))  # not zombies
    with contextlib.suppress(Exception):
        worker.process.wait(timeout=5)
    running.forget(worker)
    if survivors:  # not expected (Celery sets PDEATHSIG): leave nothing behind in any case
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
    after = edition(draft.pk)
    notes.append(
        f"{before.label}: SIGKILL to the worker's main process {killed_at - queued_at:.1f} s after "
        f"queueing (edition {before.status}, attempts {before.attempts}); of its {len(members)} "
        f"processes {len(survivors)} alive 1 s later; edition then {after.status}, attempts "
        f"{after.attempts}"
    )
    if before.status != "building":
        notes.append("  the edition was not building when killed: raise --copies")

    worker = running.start_worker(env)
    restarted_at = time.monotonic()
    since = {"kill": killed_at, "restart": restarted_at}
    if sweep:
        notes.append("  " + sweep_builds())
        how = "the build sweep, run at once"
        limit = 180.0
    else:
        how = "redelivery (visibility timeout)"
        limit = (options.visibility_timeout or 3600) + 200.0
    took = wait_status(draft.pk, {"ready", "failed"}, limit, poll=0.1)
    if took is None:
        how += f": NOT recovered in {limit:.0f} s"
    row = edition_row(draft.pk, how, since)
    if sweep and took is not None and options.visibility_timeout:
        # The killed worker's message is still unacknowledged in Redis and comes back after the
        # visibility timeout (and the transport's next restore sweep): it must do nothing.
        deadline = killed_at + options.visibility_timeout + options.redelivery_wait
        while time.monotonic() < deadline and len(RESULT.findall(worker.tail(50000))) < 2:
            time.sleep(1)
        later = edition(draft.pk)
        notes.append(
            f"  {time.monotonic() - killed_at:.0f} s after the kill: {later.status}, attempts "
            f"{later.attempts}; build_edition results in the restarted worker's log: "
            f"{RESULT.findall(worker.tail(50000))}"
        )
    return worker, row, notes


def part_a(running: stack.Stack, env: dict[str, str], options: Any) -> None:
    print("\n(a) worker killed mid-build")
    worker = running.start_worker(env)
    first = new_draft()
    start = time.monotonic()
    picked = wait_status(first.pk, {"building", "ready"}, 60)
    built = wait_status(first.pk, {"ready", "failed"}, 300, poll=0.05)
    if picked is None or built is None:
        raise SystemExit(f"the first build did not finish:\n{worker.tail()}")
    first = edition(first.pk)
    print(
        f"a normal build: {first.label} {first.status} {time.monotonic() - start:.1f} s after "
        f"queueing ({picked:.2f} s to be picked up), {first.pages} pages, attempts "
        f"{first.attempts}"
    )
    rows, notes = [], []
    for sweep in (False, True):
        worker, row, said = kill_mid_build(running, env, worker, sweep, options)
        rows.append(row)
        notes += said
    print("\n".join(notes))
    print()
    print(
        table(
            [
                "edition",
                "recovered by",
                "status",
                "attempts",
                "same number",
                "kill->ready s",
                "restart->ready s",
            ],
            rows,
            title="SIGKILL of the worker's main process mid-build, then the worker started again",
        )
    )
    running.forget(worker)
    worker.stop()


# -- (b) Redis down -----------------------------------------------------------------------------


def copy_rows(model: type[Row], old: int, new: int) -> None:
    """Copy the rows of indicator ``old`` to indicator ``new``."""
    manager = model._default_manager
    manager.bulk_create(
        model(**{**values, "id": None, "indicator_id": new})
        for values in manager.filter(indicator_id=old).values()
    )


def fetch(
    label: str, action: Callable[[], stack.Response], rows: list[list[Any]]
) -> stack.Response | None:
    try:
        response = action()
    except Exception as error:
        rows.append([label, f"{type(error).__name__}: {error}", "-"])
        return None
    rows.append([label, response.status, f"{response.seconds * 1000:.0f}"])
    return response


def traceback_of(log: str) -> str:
    found = re.findall(r"Traceback \(most recent call last\):.*?(?=\n\S|\Z)", log, re.S)
    return found[-1] if found else ""


def in_process(calls: list[tuple[str, Callable[[], Any]]]) -> str:
    out = []
    for label, call in calls:
        try:
            call()
            out.append(f"{label}: no exception")
        except Exception:
            out.append(f"{label}:\n{traceback.format_exc()}")
    return "\n".join(out)


def part_b(running: stack.Stack, env: dict[str, str], redis: stack.Service, options: Any) -> None:
    from narratives.models import Narrative
    from narratives.tasks import send_pending_emails
    from reports.models import Edition

    print("\n(b) Redis down")
    worker = running.start_worker(env)
    beat = running.start_beat(env) if options.beat else None
    web = running.start_web(env, options.port)
    base = f"http://127.0.0.1:{options.port}"
    month, _ = month_and_officer()
    officer, head, reader = Browser(base), Browser(base), Browser(base)
    officer.sign_in("officer")
    head.sign_in("hos.fostering")
    reader.sign_in("approver")
    summary = officer.get("/performance/").location
    fostering = Narrative.objects.get(reporting_month=month, section__code="FOSTERING")
    narrative = f"/narratives/{fostering.pk}/"
    month_page = f"/reports/months/{month.pk}/"
    reads = [
        ("summary", summary),
        ("section", summary.replace("summary/", "sections/FOSTERING/")),
        ("narrative", narrative),
        ("reports list", "/reports/"),
        ("month's editions", month_page),
    ]
    rows: list[list[Any]] = []
    for label, path in reads:
        fetch(f"up: GET {label}", functools.partial(reader.get, path), rows)
    form = officer.get(month_page)
    baseline = fetch(
        "up: POST generate a draft (officer)",
        lambda: officer.post(f"{month_page}drafts/", {"csrfmiddlewaretoken": form.csrf()}),
        rows,
    )
    first = Edition.objects.order_by("-pk").first()
    if baseline is None or first is None or wait_status(first.pk, {"ready"}, 120) is None:
        raise SystemExit(f"the draft made with Redis up was not built:\n{worker.tail()}")

    web_mark, worker_mark = web.log_size(), worker.log_size()
    redis.stop()
    running.forget(redis)
    down_at = time.monotonic()
    if stack.redis_ping(options.redis_port):
        raise SystemExit("Redis did not stop")
    for label, path in reads:
        fetch(f"down: GET {label}", functools.partial(reader.get, path), rows)
    form = officer.get(month_page)
    before = set(Edition.objects.values_list("pk", flat=True))
    generated = fetch(
        "down: POST generate a draft (officer)",
        lambda: officer.post(f"{month_page}drafts/", {"csrfmiddlewaretoken": form.csrf()}),
        rows,
    )
    page = head.get(narrative)
    submitted = fetch(
        "down: POST submit the narrative (hos.fostering)",
        lambda: head.post(f"{narrative}submit/", {"csrfmiddlewaretoken": page.csrf()}),
        rows,
    )
    if generated is not None and generated.status == 302:
        fetch("down: GET the new edition's page", lambda: officer.get(generated.location), rows)
    new = list(Edition.objects.exclude(pk__in=before).order_by("pk"))
    fostering.refresh_from_db()
    pending = fostering.transitions.filter(email_pending=True).count()
    kept = [
        "in the database while Redis was down: editions "
        + (", ".join(f"{e.label} {e.status}" for e in new) or "none created")
        + f"; the FOSTERING narrative {fostering.status}, {pending} e-mail(s) pending"
    ]
    failed: list[object] = [r for r in (generated, submitted) if r is not None and r.status >= 500]
    failed += [r for r in rows if r[0].startswith("down") and str(r[1]).startswith("5")]
    if failed:
        trace = traceback_of(web.log.read_text(errors="replace")[web_mark:])
        kept.append(
            "traceback in gunicorn's log:\n" + trace
            if trace
            else "gunicorn's log has no traceback for the 500s; the same calls in this process:\n"
            + in_process([("generate_draft", new_draft)])
        )
    warnings = [
        line.strip()
        for line in web.log.read_text(errors="replace")[web_mark:].splitlines()
        if "Could not queue" in line
    ]

    time.sleep(max(0.0, options.down - (time.monotonic() - down_at)))
    redis = running.start_redis(options.redis_port)
    up_at = time.monotonic()
    reconnected = worker.wait_for_log("Connected to redis://", 120, since=worker_mark)
    rows.append(["worker connected again (after Redis started)", "-", f"{reconnected * 1000:.0f}"])
    for label, path in reads:
        fetch(f"up again: GET {label}", functools.partial(reader.get, path), rows)
    print(
        f"Redis down for {up_at - down_at:.1f} s (stopped; started again empty, as after a crash)"
    )
    print()
    print(table(["request", "status", "ms"], rows, title="through gunicorn"))
    print("\n".join(kept))
    print(f"gunicorn's log while Redis was down: {len(warnings)} 'Could not queue' warning(s)")
    for line in warnings[:4]:
        print(f"  {line[:160]}")

    # Nothing reached the broker: does the work complete, and how?
    outcome = []
    if beat is None:
        time.sleep(options.wait_after_up)
        for item in new:
            outcome.append(
                [item.label, f"nothing ({options.wait_after_up:.0f} s, no beat)", *state_of(item)]
            )
        print(sweep_builds())
        how = "the build sweep, run at once"
        limit = 180.0
    else:
        how = "celery beat's own sweep (every 60 s)"
        limit = 600.0
    swept_at = time.monotonic()
    for item in new:
        took = wait_status(item.pk, {"ready", "failed"}, limit, poll=0.2)
        row = [item.label, how, *state_of(item)]
        if took is not None:
            swept = f"{time.monotonic() - swept_at:.1f}" if beat is None else "-"
            row += [f"{time.monotonic() - up_at:.1f}", swept]
        outcome.append(row)
    if beat is None:
        send_pending_emails.delay(0)  # the e-mail sweep, for transitions of any age, via Redis
    deadline = time.monotonic() + (60 if beat is None else 600)
    told: list[Path] = []
    while time.monotonic() < deadline and not told:
        told = [
            p
            for p in Path(env["EMAIL_FILE_PATH"]).glob("*.log")
            if "submitted" in p.read_text(errors="replace").lower()
        ]
        time.sleep(0.5)
    print()
    print(
        table(
            [
                "edition",
                "after Redis came back",
                "status",
                "attempts",
                "same number",
                "up->ready s",
                "sweep->ready s",
            ],
            [row + ["-"] * (7 - len(row)) for row in outcome],
            title="the draft generated while Redis was down",
        )
    )
    fostering.refresh_from_db()
    print(
        "the submission's e-mail: "
        + (f"sent {time.monotonic() - up_at:.1f} s after Redis came back" if told else "NOT sent")
        + f" ({fostering.transitions.filter(email_pending=True).count()} still pending)"
    )


def state_of(item: Any) -> list[Any]:
    now = edition(item.pk)
    return [now.status, now.attempts, editions_numbered_like(now)]


# -- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=8, help="the sample framework, N times")
    parser.add_argument("--visibility-timeout", type=int, default=20, help="seconds")
    parser.add_argument("--kill-after", type=float, default=0.5, help="seconds into the build")
    parser.add_argument(
        "--redelivery-wait", type=float, default=150, help="(a) seconds past the timeout"
    )
    parser.add_argument("--down", type=float, default=15, help="(b) Redis down at least N s")
    parser.add_argument("--wait-after-up", type=float, default=10, help="(b) seconds")
    parser.add_argument("--beat", action="store_true", help="(b) recover by beat, in real time")
    parser.add_argument("--only", choices=["kill", "redis"])
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--redis-port", type=int, default=6390)
    options = parser.parse_args()
    if options.redis_port == 6379:
        raise SystemExit("never the shared Redis on 6379: use a port of its own")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} cores")

    workdir = Path(tempfile.mkdtemp(prefix="cpp-faults-"))
    with stack.Stack(workdir) as running:
        redis = running.start_redis(options.redis_port)
        env = stack.stack_env(
            stack.reset_database(DATABASE),
            f"redis://127.0.0.1:{options.redis_port}/0",
            workdir,
            CELERY_VISIBILITY_TIMEOUT=str(options.visibility_timeout),
        )
        print(f"database {DATABASE} prepared in {stack.prepare_database(env):.1f} s")
        stack.setup_django(env)
        from django.conf import settings

        timeout = visibility_timeout_of(settings)
        print(
            f"CELERY_VISIBILITY_TIMEOUT={options.visibility_timeout} in every process's "
            f"environment; the settings' broker visibility_timeout: {timeout}"
        )
        if timeout != options.visibility_timeout:
            print("  not read by the settings: an unacknowledged task returns only after 3600 s")
            options.visibility_timeout = None
        sections, indicators = grow_framework(options.copies)
        print(f"framework grown {options.copies}x: {sections} sections, {indicators} indicators")
        if options.only in (None, "kill"):
            part_a(running, env, options)
        if options.only in (None, "redis"):
            part_b(running, env, redis, options)
    print(f"logs in {workdir}")


if __name__ == "__main__":
    main()
