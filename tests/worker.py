"""A real Celery worker on the real Redis, for integration tests.

The worker is a separate process: it reads the test database (so tests using it must commit:
``transactional_db``) and writes email to files the test can read. Redis database 15 by default
(``TEST_BROKER_URL``), purged before the worker starts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
BROKER = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


def pytest_configure(config: pytest.Config) -> None:
    # Point the test process's Celery app at the test broker before anything opens a connection
    # pool: tasks still run in-process (eager) except while a worker fixture is active.
    from cpp.celery import app

    app.conf.broker_url = BROKER


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    mail_dir: Path
    log: Path

    def emails(self) -> list[str]:
        return [path.read_text() for path in sorted(self.mail_dir.glob("*.log"))]

    def wait_for_email(self, containing: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for email in self.emails():
                if containing in email:
                    return email
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(
            f"no email containing {containing!r} within {timeout}s; worker log:\n"
            + self.log.read_text()[-4000:]
        )


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.fail("the Celery integration tests need PostgreSQL (DATABASE_URL=postgres://…)")
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    user = settings.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path, settings) -> Iterator[Worker]:
    """A worker process consuming from Redis; the test's own Celery app sends to the same broker."""
    from cpp.celery import app

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "DJANGO_SETTINGS_MODULE": "cpp.settings",
        # Built reports land where the test reads them.
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cpp",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the Celery worker did not start:\n" + log.read_text())
        yield Worker(process, mail_dir, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        app.conf.update(task_always_eager=settings.CELERY_TASK_ALWAYS_EAGER)
