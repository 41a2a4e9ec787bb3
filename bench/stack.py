"""The production stack on loopback, for the hand-run benchmarks ``load.py`` and ``faults.py``.

Not a test fixture and not used by the product. It

- empties a benchmark database of its own (only the names in ``BENCH_DATABASES``; never ``test``),
- builds the environment the README's "Production stack" section describes (``DEBUG=false`` with
  the loopback relaxations: no HTTPS redirect, no ``Secure`` cookies), with a fresh random
  ``SECRET_KEY`` and the benchmark's own static, media and mail folders,
- runs ``manage.py`` (migrate, load_sample_data, collectstatic),
- starts the ``Procfile``'s own ``web`` and ``worker`` lines (``sh -c "exec …"``, so the process
  started is gunicorn's or Celery's main process) and a throwaway ``redis-server``, each in a
  process group of its own with its output in a log file, and stops every one of them on the way
  out (SIGTERM to the group, then SIGKILL), whatever happened,
- and speaks HTTP to gunicorn like a browser: cookies, the CSRF token of each form, multipart
  uploads, no redirects followed unless asked (``Browser``; standard library only).
"""

from __future__ import annotations

import contextlib
import http.client
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python"
# The only databases these scripts ever drop and create.
BENCH_DATABASES = {"cpp_load", "cpp_faults"}
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
DEMO_PASSWORD = "cpp-demo-2020"


# -- the database and the environment -----------------------------------------------------------


def database_url(name: str) -> str:
    return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


def reset_database(name: str) -> str:
    """Drop and create one of the benchmark databases; returns its URL."""
    if name not in BENCH_DATABASES:
        raise SystemExit(f"refusing to reset database {name!r}: only {sorted(BENCH_DATABASES)}")
    import psycopg

    admin = f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return database_url(name)


def stack_env(database: str, broker: str, workdir: Path, **extra: str) -> dict[str, str]:
    """The environment of every process of the stack (and of ``manage.py``)."""
    for folder in ("static", "media", "mail"):
        (workdir / folder).mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        {
            "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            "DJANGO_SETTINGS_MODULE": "cpp.settings",
            "PYTHONUNBUFFERED": "1",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "DEMO_ACCOUNTS_ALLOWED": "true",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database,
            "CELERY_BROKER_URL": broker,
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(workdir / "mail"),
        }
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run ``manage.py`` with the stack's environment; its output, or exit with it on failure."""
    done = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare_database(env: dict[str, str]) -> float:
    """Migrate, load the sample with its demo accounts, collect static files; seconds taken."""
    start = time.perf_counter()
    manage(env, "migrate", "--noinput")
    manage(env, "load_sample_data")
    manage(env, "collectstatic", "--noinput")
    return time.perf_counter() - start


def setup_django(env: dict[str, str]) -> None:
    """Django in this process, on the stack's database and broker (for setup and checks)."""
    os.environ.update(env)  # the same settings as the stack's processes
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# -- processes ----------------------------------------------------------------------------------


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return {
        name.strip(): command.strip()
        for name, _, command in (line.partition(":") for line in lines)
        if command.strip() and not name.startswith("#")
    }


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def group_members(pgid: int) -> list[int]:
    """The live processes of a process group (from /proc)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return sorted(members)


def cpu_seconds(pgid: int) -> float:
    """CPU seconds used so far by a process group's live members (and their reaped children)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in group_members(pgid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / ticks


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = values[3] + values[4]  # idle + iowait
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / ticks, sum(values) / ticks


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def members(self) -> list[int]:
        return group_members(self.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def log_size(self) -> int:
        return len(self.log.read_text(errors="replace"))

    def wait_for_log(self, text: str, timeout: float, since: int = 0) -> float:
        """Seconds until ``text`` appears in the log (after character ``since``); exits with the
        log if it never does."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if text in self.log.read_text(errors="replace")[since:]:
                return time.monotonic() - start
            if not self.alive():
                break
            time.sleep(0.1)
        raise SystemExit(f"{self.name}: no {text!r} in its log after {timeout} s:\n{self.tail()}")

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM to the whole group, then SIGKILL to whatever is left of it."""
        pgid = self.pid  # started with start_new_session: its own group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and (self.alive() or group_members(pgid)):
            time.sleep(0.1)
        if group_members(pgid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


class Stack:
    """Every process a benchmark starts; ``with Stack(workdir) as stack:`` stops them all."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.services: list[Service] = []
        self.started: Counter[str] = Counter()
        self._previous: Any = None

    def __enter__(self) -> Stack:
        # SIGTERM and SIGHUP unwind like Ctrl-C, so that the finally clauses stop the processes.
        def unwind(signum: int, _frame: Any) -> None:
            raise SystemExit(f"stopped by signal {signum}")

        self._previous = {
            sig: signal.signal(sig, unwind) for sig in (signal.SIGTERM, signal.SIGHUP)
        }
        # Ctrl-C too, even when started from a shell that made this process ignore it.
        self._previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
        for sig, handler in (self._previous or {}).items():
            signal.signal(sig, handler)

    def close(self) -> None:
        for service in reversed(self.services):
            service.stop()
        self.services.clear()

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> Service:
        self.started[name] += 1
        count = self.started[name]
        log = self.workdir / (f"{name}.log" if count == 1 else f"{name}-{count}.log")
        with log.open("ab") as out:
            process = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # a process group of its own, stopped as a whole
            )
        service = Service(name, process, log)
        self.services.append(service)
        return service

    def forget(self, service: Service) -> None:
        if service in self.services:
            self.services.remove(service)

    def start_procfile(self, line: str, env: dict[str, str]) -> Service:
        """The Procfile's own command line (``web``, ``worker``), run as ``sh -c "exec …"``."""
        return self.start(line, ["sh", "-c", f"exec {procfile()[line]}"], env)

    def start_web(self, env: dict[str, str], port: int, timeout: float = 60) -> Service:
        if port_in_use(port):
            raise SystemExit(f"port {port} is in use: pick another with --port")
        web = self.start_procfile("web", {**env, "PORT": str(port), "WEB_HOST": "127.0.0.1"})
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not web.alive():
                raise SystemExit(f"gunicorn exited:\n{web.tail()}")
            with contextlib.suppress(OSError):
                if Browser(base, timeout=5).get("/accounts/login/").status == 200:
                    return web
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within {timeout} s:\n{web.tail()}")

    def start_worker(self, env: dict[str, str], timeout: float = 60) -> Service:
        worker = self.start_procfile("worker", env)
        worker.wait_for_log(" ready.", timeout)
        return worker

    def start_beat(self, env: dict[str, str], timeout: float = 60) -> Service:
        """The Procfile's ``beat`` line, with its schedule file in the benchmark's folder rather
        than the project's ``var/``."""
        schedule = self.workdir / "celerybeat-schedule"
        command = procfile()["beat"].replace("mkdir -p var && exec ", "")
        command = command.replace("var/celerybeat-schedule", str(schedule))
        beat = self.start("beat", ["sh", "-c", f"exec {command}"], env)
        beat.wait_for_log("beat: Starting", timeout)
        return beat

    def start_redis(self, port: int, timeout: float = 10) -> Service:
        if port_in_use(port):
            raise SystemExit(f"something already listens on port {port}: not starting Redis there")
        argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        argv += ["--appendonly", "no", "--daemonize", "no", "--dir", str(self.workdir)]
        redis = self.start("redis", argv, dict(os.environ))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if redis_ping(port):
                return redis
            time.sleep(0.05)
        raise SystemExit(f"redis-server on {port} did not start:\n{redis.tail()}")


def redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# -- HTTP like a browser ------------------------------------------------------------------------

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        location = self.headers.get("Location", "")
        return urlsplit(location).path + (
            f"?{urlsplit(location).query}" if urlsplit(location).query else ""
        )

    def csrf(self) -> str:
        found = CSRF_INPUT.search(self.text)
        if not found:
            raise ValueError(f"no CSRF token in the page ({self.status})")
        return found.group(1)


@dataclass
class Browser:
    """One person's browser: its own cookies (session, CSRF) and a connection per request."""

    base: str
    timeout: float = 60
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        parts = urlsplit(self.base)
        assert parts.hostname, self.base
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
        sent = {"Host": f"{parts.hostname}:{parts.port}", "User-Agent": "cpp-bench"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        start = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            content = answer.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - start
        for header in answer.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(answer.status, answer.headers, content, seconds)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str], referer: str = "") -> Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if referer:
            headers["Referer"] = self.base + referer
        return self.request("POST", path, urlencode(fields).encode(), headers)

    def post_file(
        self, path: str, fields: dict[str, str], name: str, file_name: str, content: bytes
    ) -> Response:
        boundary = f"----cppbench{uuid.uuid4().hex}"
        parts: list[bytes] = []
        for key, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{file_name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request("POST", path, b"".join(parts), headers)

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> Response:
        form = self.get("/accounts/login/")
        done = self.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": form.csrf(), "username": username, "password": password},
        )
        if done.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in of {username} failed: {done.status}")
        return done


# -- figures ------------------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (the value below which pct% of the samples fall)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def table(headers: list[str], rows: list[list[Any]], title: str = "") -> str:
    """A plain text table: first column left-aligned, the others right-aligned."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()

    out = [title] if title else []
    out.append(line(cells[0]))
    out.append("  ".join("-" * w for w in widths))
    out.extend(line(row) for row in cells[1:])
    return "\n".join(out)


@contextlib.contextmanager
def timed() -> Iterator[list[float]]:
    """``with timed() as t: …`` then ``t[0]`` is the seconds taken."""
    box: list[float] = []
    start = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - start)
