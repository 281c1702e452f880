"""A first sign-in in the real browser: the notice, the password, setting up the authenticator
app from the key on the page, the recovery codes; then a later sign-in with a recovery code."""

from __future__ import annotations

import re
from base64 import b32decode
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.conftest import build_world
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"


def code_from_key(text: str) -> str:
    """What an authenticator app shows for the key typed in by hand."""
    key = "".join(text.split())
    key += "=" * (-len(key) % 8)
    totp = TOTP(b32decode(key), step=30, t0=0, digits=6)
    totp.time = timezone.now().timestamp()
    return f"{totp.token():06d}"


def password_step(page, username: str) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # The notice is not acknowledged yet: the form says so and nobody is signed in.
    expect(page.locator("#id_acknowledge_error")).to_contain_text("Acknowledge the system-use")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("I have read the notice above").check()
    page.get_by_role("button", name="Sign in").click()


def test_first_sign_in_sets_up_the_app_then_a_recovery_code_signs_in(browser_page):
    build_world()
    page = browser_page
    password_step(page, "advocate_b")

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your second factor")
    expect(page.locator("#totp-qr svg")).to_be_visible()
    # Before the code, no page is reachable.
    page.goto("/victims/clients/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your second factor")

    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#id_code_error")).to_contain_text("not right")
    page.get_by_label("Code").fill(code_from_key(page.locator("#totp-secret").inner_text()))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "recovery-codes.png"))
    page.get_by_role("link", name="I have kept them: continue").click()
    # Sent on to the page first asked for.
    expect(page).to_have_url(re.compile(r"/victims/clients/$"))

    page.get_by_role("button", name="Log out").click()
    password_step(page, "advocate_b")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # The same recovery code does not work twice.
    page.get_by_role("button", name="Log out").click()
    password_step(page, "advocate_b")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#id_code_error")).to_contain_text("used already")
