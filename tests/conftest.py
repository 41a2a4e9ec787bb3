"""Shared fixtures: the sample dataset loaded through the real importers, and named users."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from audit import triggers
from indicators.models import Framework

MONTHLY = "Corporate Parenting"

# The browser fixture (Playwright driving Debian's Chromium).
pytest_plugins = ["tests.browser", "tests.worker", "tests.oidc"]


@pytest.fixture
def sample(db) -> Framework:
    """The April 2020 Corporate Parenting sample and the demo accounts (only that sample: the
    board's doubles the time each test takes to set up; ``samples`` has both)."""
    call_command("load_sample_data", "--no-month", "--only", MONTHLY, stdout=io.StringIO())
    return Framework.objects.get(name=MONTHLY)


@pytest.fixture
def sample_month(db):
    """The April 2020 sample as ``make run`` loads it: April 2020 open, narratives in draft."""
    call_command("load_sample_data", "--only", MONTHLY, stdout=io.StringIO())
    return Framework.objects.get(name=MONTHLY).months.get()


@pytest.fixture
def samples(db) -> Framework:
    """Both samples in one database, as ``load_sample_data`` loads them, without their months:
    returns the Corporate Parenting Board."""
    call_command("load_sample_data", "--no-month", stdout=io.StringIO())
    return Framework.objects.get(name="Corporate Parenting Board")


@pytest.fixture
def samples_month(db) -> Framework:
    """Both samples as ``make run`` loads them, April 2020 and June 2017 open with their
    narratives in draft: returns the Corporate Parenting Board."""
    call_command("load_sample_data", stdout=io.StringIO())
    return Framework.objects.get(name="Corporate Parenting Board")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploads and built reports go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # The demo accounts are re-created for many tests; real hashing would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def audit_triggers_on_sqlite(request):
    """SQLite only: its flush after a transactional test deletes every row one by one, which the
    audit log's append-only triggers refuse (PostgreSQL's flush truncates, which they allow).
    The triggers are lifted just before that flush and made again for each test using the
    database, so every test still runs with them."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(names & {"transactional_db", "live_server"}) or bool(
        marker and marker.kwargs.get("transaction")
    )
    if not transactional and not (marker or "db" in names):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.db import connection

    sqlite = connection.vendor == "sqlite"
    if sqlite:
        triggers.create(connection)
    yield
    if sqlite and transactional:
        triggers.drop(connection)
