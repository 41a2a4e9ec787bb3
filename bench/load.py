"""Many people reading the performance pages while others upload figures and save narratives.

Run by hand, never by the tests (loopback only):

    .venv/bin/python bench/load.py [--seconds 60] [--users 50] [--uploaders 2] [--savers 3]
        [--think 5] [--workers 3] [--threads 1] [--conn-max-age 0] [--port 8765] [--profile]
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000      # a stack already running

Without ``--url`` it starts the production stack itself (``bench/stack.py``): the PostgreSQL
database ``cpp_load`` dropped and created, migrated, ``load_sample_data`` (the April 2020 sample,
the demo accounts, the month opened with its narratives) and ``collectstatic`` into a temporary
``STATIC_ROOT``; Redis database 4 of the Redis on 6379 as the broker (no worker: nothing these
people do queues a task, and whatever the setup queued is purged); then the Procfile's ``web``
line, gunicorn with ``DEBUG=false`` (``WEB_CONCURRENCY=--workers``, and
``GUNICORN_CMD_ARGS=--threads N`` when ``--threads`` > 1). Everything it starts is stopped at
the end, whatever happened.

Everything goes through gunicorn over HTTP, each simulated person with their own session
(signed in through the sign-in form, as the demo accounts, before the clock starts):

- ``--users`` readers: the staff accounts (officer, approver, the heads of service) read the
  performance summary and then two section pages, over and over; the panel account, which may
  not see those, reads the reports list (its own page);
- ``--uploaders`` performance officers (writers): the upload page (GET the form, POST a figures
  CSV, GET the preview, POST confirm, GET the result). Each changes its own share of the sample's
  figures (by indicator), so the summary the readers see keeps changing;
- ``--savers`` heads of service (writers): GET the narrative page, POST its save form with new
  text, follow the redirect. The savers are hos.lac, hos.fostering, then hos.lac again (a second
  session of the same person on the same narrative), hos.adoptions, …: the two hos.lac sessions
  overwrite each other's base version, so 409 conflicts happen; on a 409 the saver reloads the
  page and saves again (the retry is counted), as the conflict page asks.

Each person starts at a random moment within the first 1.5 x ``--think`` seconds and then waits a
random ``--think`` x (0.5 to 1.5) seconds between pages (``--think 0``: no wait at all, everyone
at once and as fast as the server answers). The run lasts ``--seconds``; requests started before
the end are counted. It prints p50/p95/p99 latency per kind of request, requests per second, and
errors (any answer other than 2xx/3xx, except a narrative save's expected 409, and any
exception), gunicorn's CPU time per request (from /proc), and the machine's load average (the
machine may be shared: other work skews the figures). Goal: reads p95 under 300 ms, no errors.

``--profile`` then renders the pages in this process (Django's test client on the same database,
``DEBUG=false``) and counts their queries and time, to show where the time of a slow page goes.
"""

from __future__ import annotations

import argparse
import csv
import functools
import html
import io
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stack  # bench/ is not a package: its folder is on the path
from stack import Browser, Response, percentile, table

BROKER = "redis://127.0.0.1:6379/4"
DATABASE = "cpp_load"
READ_GOAL_MS = 300
READERS = (
    "officer",
    "approver",
    "panel",
    "hos.lac",
    "hos.lac-rpv",
    "hos.lac-health",
    "hos.lac-education",
    "hos.lac-placements",
    "hos.fostering",
    "hos.adoptions",
    "hos.care-leavers",
    "hos.caseloads",
)
SAVERS = ("hos.lac", "hos.fostering", "hos.lac", "hos.adoptions", "hos.care-leavers")
FIGURES_CSV = (
    stack.ROOT / "indicators" / "sample_data" / "corporate_parenting" / "figures.csv"
).read_text(encoding="utf-8-sig")

# What each kind of request is counted as, in the order of the table.
KINDS = {
    "read: summary": "reads",
    "read: section": "reads",
    "read: reports list (panel)": "reads",
    "upload: form GET": "uploads",
    "upload: file POST": "uploads",
    "upload: preview GET": "uploads",
    "upload: confirm POST": "uploads",
    "upload: result GET": "uploads",
    "narrative: page GET": "narratives",
    "narrative: save POST": "narratives",
}
GROUPS = {
    "reads": "reads (all)",
    "uploads": "uploads (every step)",
    "narratives": "narrative page + save",
}


# -- what happened ------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    started: float
    seconds: float
    status: int  # 0: an exception


@dataclass
class Record:
    """Everything the simulated people did, shared by their threads (appends are atomic)."""

    start: float = 0.0
    end: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    errors: list[tuple[float, str]] = field(default_factory=list)  # (when, what)
    events: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    cpu_used: float | None = None  # CPU seconds gunicorn used during the run, when known
    machine_busy: float = 0.0  # CPU seconds the whole machine was busy during the run
    machine_total: float = 0.0  # CPU seconds available (cores x seconds)
    client_cpu: float = 0.0  # CPU seconds this process (the simulated people) used

    def running(self) -> bool:
        return time.perf_counter() < self.end

    def count(self, event: str, n: int = 1) -> None:
        with self.lock:
            self.events[event] += n

    def error(self, message: str, when: float | None = None) -> None:
        with self.lock:
            self.errors.append((time.perf_counter() if when is None else when, message))

    def counted_errors(self) -> list[str]:
        """The errors of what started within the run."""
        return [message for when, message in self.errors if when < self.end]

    def call(
        self,
        kind: str,
        action: Callable[..., Response],
        *args: Any,
        expect: tuple[int, ...] = (200,),
        allowed: tuple[int, ...] = (),
    ) -> Response | None:
        """One request, ``action(*args)``: timed, recorded, checked. None after an exception."""
        started = time.perf_counter()
        try:
            response = action(*args)
        except Exception as error:  # counted, and the person starts their loop again
            self.samples.append(Sample(kind, started, time.perf_counter() - started, 0))
            self.error(f"{kind}: {type(error).__name__}: {error}", started)
            return None
        self.samples.append(Sample(kind, started, response.seconds, response.status))
        if response.status not in expect and response.status not in allowed:
            self.error(f"{kind}: HTTP {response.status} (expected {expect})", started)
        return response


def think(options: argparse.Namespace) -> None:
    if options.think > 0:
        time.sleep(options.think * random.uniform(0.5, 1.5))


def arrive(options: argparse.Namespace) -> None:
    """People do not all click at the same instant: each starts within the first think time."""
    if options.think > 0:
        time.sleep(random.uniform(0, options.think * 1.5))


# -- the people ---------------------------------------------------------------------------------


@dataclass
class Site:
    """What the pages are: found through the site itself, as a person would."""

    summary: str
    sections: list[str]


def discover(base: str) -> Site:
    officer = Browser(base)
    officer.sign_in("officer")
    latest = officer.get("/performance/")
    if latest.status != 302:
        raise SystemExit(f"/performance/ answered {latest.status}: is the sample loaded?")
    summary = officer.get(latest.location)
    codes = sorted(set(re.findall(r"/sections/([\w-]+)/", summary.text)))
    if summary.status != 200 or not codes:
        raise SystemExit(f"the summary {latest.location} answered {summary.status}")
    sections = [latest.location.replace("summary/", f"sections/{c}/") for c in codes]
    return Site(latest.location, sections)


def reader(browser: Browser, username: str, site: Site, record: Record, options: Any) -> None:
    arrive(options)
    while record.running():
        if username == "panel":
            record.call("read: reports list (panel)", browser.get, "/reports/")
            think(options)
            continue
        record.call("read: summary", browser.get, site.summary)
        for path in random.sample(site.sections, 2):
            think(options)
            if not record.running():
                return
            record.call("read: section", browser.get, path)
        think(options)


def figures_file(share: int, shares: int, iteration: int) -> bytes:
    """The sample's figures of every ``shares``-th indicator, changed on odd iterations:
    numerators by one (the value left to be computed), plain counts and rates by one unit of
    their last decimal. Percentages without a numerator and markers are left as they are."""
    rows = list(csv.DictReader(io.StringIO(FIGURES_CSV)))
    indicators = sorted({row["indicator"] for row in rows})
    mine = {ref for index, ref in enumerate(indicators) if index % shares == share}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    change = iteration % 2 == 1
    for row in rows:
        if row["indicator"] not in mine:
            continue
        if change and row["numerator"] and row["denominator"]:
            top, bottom = int(row["numerator"]), int(row["denominator"])
            row["numerator"] = str(top - 1 if top > 0 else min(top + 1, bottom))
            row["value"] = ""
        elif change and re.fullmatch(r"\d+(\.\d+)?", row["value"]):
            value = Decimal(row["value"])
            step = Decimal(1).scaleb(value.as_tuple().exponent)  # type: ignore[arg-type]
            row["value"] = str(value + step)
        writer.writerow(row)
    return out.getvalue().encode()


HIDDEN = r'name="{}" value="([^"]*)"'


def uploader(browser: Browser, share: int, shares: int, record: Record, options: Any) -> None:
    arrive(options)
    iteration = 0
    while record.running():
        iteration += 1
        form = record.call("upload: form GET", browser.get, "/uploads/")
        if form is None or form.status != 200:
            think(options)
            continue
        content = figures_file(share, shares, iteration)
        fields = {"csrfmiddlewaretoken": form.csrf(), "kind": "figures"}
        name = f"bench-{share}-{iteration}.csv"
        posted = record.call(
            "upload: file POST",
            browser.post_file,
            "/uploads/",
            fields,
            "file",
            name,
            content,
            expect=(302,),
        )
        if posted is None or posted.status != 302:
            think(options)
            continue
        preview = record.call("upload: preview GET", browser.get, posted.location)
        if preview is None or preview.status != 200:
            think(options)
            continue
        checksum = re.search(HIDDEN.format("checksum"), preview.text)
        fingerprint = re.search(HIDDEN.format("fingerprint"), preview.text)
        if not checksum or not fingerprint:
            record.error(f"upload preview of {name} offers no confirm (refused file?)")
            think(options)
            continue
        think(options)
        confirm_path = posted.location.rstrip("/") + "/confirm/"
        confirmed = record.call(
            "upload: confirm POST",
            browser.post,
            confirm_path,
            {
                "csrfmiddlewaretoken": preview.csrf(),
                "checksum": checksum.group(1),
                "fingerprint": fingerprint.group(1),
            },
            expect=(302,),
        )
        if confirmed is None or confirmed.status != 302:
            think(options)
            continue
        result = record.call("upload: result GET", browser.get, confirmed.location)
        if result is not None and result.status == 200:
            if "alert-success" in result.text:
                record.count("uploads applied")
            elif "changed since you previewed" in result.text:
                record.count("uploads refused: figures changed since the preview (expected)")
            else:
                record.error(f"upload {name}: confirm neither applied nor refused as expected")
        think(options)


TEXTAREA = r'<textarea name="{}"[^>]*>(.*?)</textarea>'


def saver(browser: Browser, username: str, narrative: str, record: Record, options: Any) -> None:
    arrive(options)
    page = record.call("narrative: page GET", browser.get, narrative)
    found = re.search(TEXTAREA.format("changes"), page.text, re.S) if page else None
    base_text = html.unescape(found.group(1)).strip() if found else ""
    edits = 0
    while record.running():
        if page is None or page.status != 200:
            think(options)
            page = record.call("narrative: page GET", browser.get, narrative)
            continue
        version = re.search(HIDDEN.format("base_version"), page.text)
        if version is None:
            record.error(f"{username}: the narrative page offers no save form")
            return
        think(options)
        edits += 1
        text = f"{base_text}\n\n(bench edit {edits} by {username}, {time.time():.3f})"
        fields = {
            "csrfmiddlewaretoken": page.csrf(),
            "changes": text,
            "data_notes": "",
            "base_version": version.group(1),
        }
        saved = record.call(
            "narrative: save POST",
            browser.post,
            f"{narrative}save/",
            fields,
            expect=(302,),
            allowed=(409,),
        )
        if saved is not None and saved.status == 409:
            record.count("narrative saves refused with 409 (then reloaded and retried)")
            page = record.call("narrative: page GET", browser.get, narrative)
            continue  # retried at once from the reloaded version, as the conflict page asks
        if saved is not None and saved.status == 302:
            record.count("narrative saves applied")
            page = record.call("narrative: page GET", browser.get, saved.location)
        else:
            page = None


def narrative_of(browser: Browser) -> str:
    """The narrative this head of service may edit: the first whose page has a save form."""
    dashboard = browser.get("/narratives/")
    dashboard = browser.get(dashboard.location) if dashboard.status == 302 else dashboard
    for pk in sorted(set(re.findall(r'href="/narratives/(\d+)/"', dashboard.text)), key=int):
        page = browser.get(f"/narratives/{pk}/")
        if f'action="/narratives/{pk}/save/"' in page.text:
            return f"/narratives/{pk}/"
    raise SystemExit("no narrative this head of service may edit")


# -- the run ------------------------------------------------------------------------------------


def sign_in_everyone(base: str, accounts: list[str], record: Record) -> list[Browser]:
    """Everyone signs in before the clock starts, four at a time (password hashing is slow)."""
    browsers = [Browser(base) for _ in accounts]
    times: list[float] = []
    queue = list(enumerate(accounts))
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not queue:
                    return
                index, username = queue.pop()
            start = time.perf_counter()
            browsers[index].sign_in(username)
            times.append(time.perf_counter() - start)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(times) != len(accounts):
        raise SystemExit("some sign-ins failed")
    record.count("sign-ins", len(times))
    print(
        f"{len(times)} sign-ins (not counted in the run): median {statistics.median(times):.2f} s "
        f"each, four at a time"
    )
    return browsers


def run(base: str, options: argparse.Namespace, cpu: Callable[[], float] | None = None) -> Record:
    site = discover(base)
    record = Record()
    readers = [READERS[i % len(READERS)] for i in range(options.users)]
    savers = [SAVERS[i % len(SAVERS)] for i in range(options.savers)]
    uploaders = ["officer"] * options.uploaders
    browsers = sign_in_everyone(base, readers + uploaders + savers, record)
    narratives: dict[str, str] = {}
    for name, browser in zip(savers, browsers[len(readers) + len(uploaders) :], strict=True):
        if name not in narratives:
            narratives[name] = narrative_of(browser)
    threads: list[threading.Thread] = []

    def person(target: Callable[..., None], *args: Any) -> threading.Thread:
        def life() -> None:
            try:
                target(*args)
            except Exception as error:  # a page not as expected: counted, the person leaves
                record.error(f"{target.__name__} gave up: {type(error).__name__}: {error}")

        return threading.Thread(target=life, daemon=True)

    for name, browser in zip(readers, browsers, strict=False):
        threads.append(person(reader, browser, name, site, record, options))
    for share, browser in enumerate(browsers[len(readers) : len(readers) + len(uploaders)]):
        threads.append(person(uploader, browser, share, len(uploaders), record, options))
    for name, browser in zip(savers, browsers[len(readers) + len(uploaders) :], strict=True):
        threads.append(person(saver, browser, name, narratives[name], record, options))
    print(
        f"{len(readers)} readers, {len(uploaders)} uploaders, {len(savers)} savers "
        f"({', '.join(f'{n} {narratives[n]}' for n in dict.fromkeys(savers))}); "
        f"think {options.think} s x 0.5-1.5; {options.seconds} s"
    )
    cpu_before = cpu() if cpu else 0.0
    busy_before, total_before = stack.machine_cpu()
    client_before = time.process_time()
    record.start = time.perf_counter()
    record.end = record.start + options.seconds
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, record.end - time.perf_counter()))
    # CPU over the run's window exactly (requests in flight at the end are counted, but not the
    # CPU they use after it).
    if cpu:
        record.cpu_used = cpu() - cpu_before
    busy, total = stack.machine_cpu()
    record.machine_busy, record.machine_total = busy - busy_before, total - total_before
    record.client_cpu = time.process_time() - client_before
    for thread in threads:
        thread.join(timeout=max(1.0, record.end - time.perf_counter() + 120))
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        record.error(f"{stuck} people still waiting for an answer 120 s after the end", 0.0)
    return record


def report(record: Record, options: argparse.Namespace, setting: str) -> bool:
    window = options.seconds
    counted = [s for s in record.samples if s.started < record.end]
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in counted:
        by_kind[sample.kind].append(sample)
        by_kind[GROUPS[KINDS[sample.kind]]].append(sample)
    rows = []
    names = [k for k in KINDS if k in by_kind]
    order = [*names, *[g for g in GROUPS.values() if g in by_kind]]
    for kind in order:
        samples = by_kind[kind]
        ms = [s.seconds * 1000 for s in samples]
        bad = sum(
            1
            for s in samples
            if s.status == 0
            or (s.status >= 400 and not (s.kind == "narrative: save POST" and s.status == 409))
        )
        rows.append(
            [
                kind,
                len(samples),
                f"{len(samples) / window:.1f}",
                f"{percentile(ms, 50):.0f}",
                f"{percentile(ms, 95):.0f}",
                f"{percentile(ms, 99):.0f}",
                f"{max(ms):.0f}",
                bad,
            ]
        )
    print()
    print(
        table(
            ["kind", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"],
            rows,
            title=f"{setting}; {window} s",
        )
    )
    statuses = Counter(s.status for s in counted)
    print(
        f"\ntotal {len(counted)} requests, {len(counted) / window:.1f} req/s; statuses "
        + ", ".join(f"{k or 'exception'}: {v}" for k, v in sorted(statuses.items()))
    )
    if record.cpu_used is None:
        print(
            f"CPU in the run ({record.machine_total:.0f} core-seconds on {os.cpu_count()} "
            f"cores): machine busy {record.machine_busy:.0f} s, this client "
            f"{record.client_cpu:.0f} s (gunicorn was not started here: not split)"
        )
    else:
        print(
            f"CPU in the run ({record.machine_total:.0f} core-seconds on {os.cpu_count()} "
            f"cores): machine busy {record.machine_busy:.0f} s = gunicorn {record.cpu_used:.0f} s "
            f"+ this client {record.client_cpu:.0f} s + PostgreSQL and everything else on the "
            f"machine {record.machine_busy - record.cpu_used - record.client_cpu:.0f} s"
        )
    if record.cpu_used is not None and counted:
        per = record.cpu_used / len(counted) * 1000
        print(
            f"gunicorn CPU per request: {per:.0f} ms (PostgreSQL's not included): "
            f"{os.cpu_count()} idle cores would serve at most about "
            f"{(os.cpu_count() or 1) * 1000 / per:.0f} req/s of this mix"
        )
    for event, n in sorted(record.events.items()):
        print(f"  {event}: {n}")
    errors = record.counted_errors()
    print(f"errors: {len(errors)}")
    for message, n in Counter(errors).most_common(10):
        print(f"  {n} x {message}")
    reads = [s.seconds * 1000 for s in by_kind.get("reads (all)", [])]
    p95 = percentile(reads, 95)
    met = p95 < READ_GOAL_MS and not errors
    print(
        f"goal (reads p95 < {READ_GOAL_MS} ms, no errors): {'met' if met else 'MISSED'} "
        f"(reads p95 {p95:.0f} ms, {len(errors)} errors)"
    )
    return met


# -- where the time goes ------------------------------------------------------------------------


def profile(env: dict[str, str], site: Site) -> None:
    """Each page rendered in this process (test client, same database, DEBUG off): queries,
    time in the database and in all, median of 5 after one warm-up."""
    stack.setup_django(env)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from narratives.models import Narrative

    users = get_user_model().objects
    lac = Narrative.objects.filter(section__code="LAC").order_by("-reporting_month__month").first()
    pages = [("officer", "summary", site.summary)]
    pages += [("officer", f"section {p.split('/')[-2]}", p) for p in site.sections[:3]]
    if lac is not None:
        pages.append(("hos.lac", "narrative (LAC)", f"/narratives/{lac.pk}/"))
    pages += [("officer", "uploads list", "/uploads/"), ("panel", "reports list", "/reports/")]
    rows, slow = [], []
    for username, label, path in pages:
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(users.get(username=username))
        client.get(path)
        times: list[float] = []
        in_db: list[float] = []
        shapes: Counter[str] = Counter()
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - start)
            in_db.append(sum(float(q["time"]) for q in queries.captured_queries))
            shapes = Counter(re.sub(r"\d+", "N", q["sql"]) for q in queries.captured_queries)
        repeated, count = shapes.most_common(1)[0]
        table_name = re.search(r'FROM "(\w+)"', repeated)
        rows.append(
            [
                label,
                response.status_code,
                sum(shapes.values()),
                f"{count} x {table_name.group(1) if table_name else '?'}",
                f"{statistics.median(in_db) * 1000:.0f}",
                f"{statistics.median(times) * 1000:.0f}",
            ]
        )
        if statistics.median(times) > 0.05:
            slow.append((label, client, path))
    print()
    print(
        table(
            ["page", "status", "queries", "most repeated query", "db ms", "total ms"],
            rows,
            title="pages rendered in-process (one connection kept: no connect time), medians of 5",
        )
    )
    from indicators.models import FigureRevision
    from indicators.restatements import restatements
    from indicators.summary import build_summary

    month = Narrative.objects.order_by("-reporting_month__month").first()
    if month is not None:
        summary = build_summary(month.reporting_month.framework, month.reporting_month.month)
        ids = [row.indicator_id for row in summary.rows]
        start = time.perf_counter()
        found = restatements(ids, summary.months)
        took = time.perf_counter() - start
        print(
            f"\nfigure revisions: {FigureRevision.objects.count()} "
            f"({FigureRevision.objects.filter(is_new=False).count()} changes); the summary's "
            f"restatements() finds the latest restatement of {len(found)} figures "
            f"in {took * 1000:.0f} ms"
        )
    for label, client, path in slow:
        print(f"\n{label}: where the time goes (cProfile of 3 requests, the project's own code)")
        print(hot_spots(functools.partial(client.get, path), 3))


def hot_spots(action: Callable[[], Any], times: int, top: int = 6) -> str:
    """The project's functions (not Django's, not the venv's) with the most cumulative time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(times):
        action()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    root = str(stack.ROOT)
    own = [
        (cumulative / times, calls // times, f"{Path(file).relative_to(root)}:{line}({name})")
        for (file, line, name), (_, calls, _, cumulative, _) in stats.items()
        if file.startswith(root)
        and "/.venv/" not in file
        and "/bench/" not in file
        and not file.endswith("cpp/access.py")
    ]
    own.sort(reverse=True)
    lines = [f"  {ms * 1000:7.1f} ms  {calls:5d} calls  {where}" for ms, calls, where in own[:top]]
    return "\n".join(lines)


# -- main ---------------------------------------------------------------------------------------


def purge_broker() -> None:
    """Drop what the setup queued on the benchmark's Redis database (no worker reads it)."""
    import redis

    client = redis.Redis.from_url(BROKER)
    client.delete("celery", "unacked", "unacked_index")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a stack already running: nothing is started")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=50, help="readers")
    parser.add_argument("--uploaders", type=int, default=2, help="writers uploading figures")
    parser.add_argument("--savers", type=int, default=3, help="writers saving narratives")
    parser.add_argument("--think", type=float, default=5.0, help="mean seconds between pages")
    parser.add_argument("--workers", type=int, default=3, help="WEB_CONCURRENCY")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn --threads")
    parser.add_argument("--conn-max-age", type=int, default=0, help="CONN_MAX_AGE")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--profile", action="store_true", help="then time the pages in-process")
    options = parser.parse_args()
    print(
        f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"{os.cpu_count()} cores"
    )

    if options.url:
        record = run(options.url.rstrip("/"), options)
        report(record, options, f"against {options.url}")
        return

    workdir = Path(tempfile.mkdtemp(prefix="cpp-load-"))
    env = stack.stack_env(
        stack.reset_database(DATABASE),
        BROKER,
        workdir,
        WEB_CONCURRENCY=str(options.workers),
        CONN_MAX_AGE=str(options.conn_max_age),
    )
    if options.threads > 1:
        env["GUNICORN_CMD_ARGS"] = f"--threads {options.threads}"
    print(f"database {DATABASE} reset and prepared in {stack.prepare_database(env):.1f} s")
    purge_broker()
    setting = (
        f"gunicorn: WEB_CONCURRENCY={options.workers}"
        + (f" GUNICORN_CMD_ARGS='--threads {options.threads}'" if options.threads > 1 else "")
        + f" CONN_MAX_AGE={options.conn_max_age}"
    )
    with stack.Stack(workdir) as running:
        web = running.start_web(env, options.port)
        base = f"http://127.0.0.1:{options.port}"
        record = run(base, options, web.cpu_seconds)
        report(record, options, setting)
        serious = [
            line
            for line in web.log.read_text(errors="replace").splitlines()
            if re.search(r"\[(ERROR|CRITICAL)\]|Traceback|WORKER TIMEOUT", line)
        ]
        print(f"gunicorn's log: {len(serious)} ERROR/CRITICAL/Traceback line(s)")
        for line in serious[:5]:
            print(f"  {line[:160]}")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        site = discover(base)
    if options.profile:
        profile(env, site)
    purge_broker()
    print(f"logs in {workdir}")


if __name__ == "__main__":
    main()
