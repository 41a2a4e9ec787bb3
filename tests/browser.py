"""Playwright driving Debian's Chromium, headless, for the browser tests.

Nothing is downloaded: the tests use /usr/bin/chromium (``apt-get install chromium``), with the
flags that keep it off the network. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from tests.cast import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser_page(live_server) -> Iterator[object]:
    """A fresh headless page; the live server runs the app on the test database."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    # Playwright's sync API runs an event loop; Django's ORM calls from the test are still sync.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            context.close()
            browser.close()


def sign_in(page: object, who: User) -> None:
    """Sign in through the form as ``who``, one of the cast (tests/cast.py)."""
    page.goto(page.base_url + "/accounts/login/")  # type: ignore[attr-defined]
    page.fill("#id_username", who.username)  # type: ignore[attr-defined]
    page.fill("#id_password", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(page.base_url + "/")  # type: ignore[attr-defined]


def screenshot(page: object, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
