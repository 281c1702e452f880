"""Playwright driving the system Chromium against pytest-django's live server.

The machines run as root without internet: Chromium is the distribution's, launched without a
sandbox and without any background networking; Playwright never downloads a browser. Where
Chromium is missing the browser tests skip, unless TASKFORCE_REQUIRE_BROWSER is set (CI), in
which case they fail.
"""

from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


def _chromium_missing(reason: str):
    if os.environ.get("TASKFORCE_REQUIRE_BROWSER"):
        pytest.fail(f"Browser tests are required (TASKFORCE_REQUIRE_BROWSER) but {reason}.")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_browser():
    if not os.access(CHROMIUM, os.X_OK):
        _chromium_missing(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test's thread; the tests still touch the
    # database directly (building the fixture world), which Django would otherwise refuse.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections

    # Starting Playwright switches the async context, and Django's connection handler would
    # then hand out new connection objects, without the saved copy that serialized_rollback
    # restores the lookup tables from. Keep the ones the test session already has.
    saved = {alias: connections[alias] for alias in connections}
    try:
        with sync_playwright() as playwright:
            for alias, connection in saved.items():
                connections[alias] = connection
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page(chromium_browser, live_server):
    """A fresh browser tab on the live server.

    The test fails on any script error, any console error, and any stylesheet or script that
    does not load (a page answering 404 on purpose is not an error).
    """
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []

    def on_console(message):
        # Chromium logs every non-2xx response, including deliberate 404 pages; assets are
        # checked by status below instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console error: {message.text}")

    def on_response(response):
        if "/static/" in response.url and response.status >= 400:
            problems.append(f"{response.status} for {response.url}")

    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    yield page
    context.close()
    assert not problems, problems
