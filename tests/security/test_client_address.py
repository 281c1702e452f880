"""Whose address a request is: the connection's, or behind our own reverse proxies the client's
from X-Forwarded-For, never a header anyone else sends. The sign-in limits per address and the
audit trail both count it."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from taskforce.audit import client_ip
from taskforce.models import AuditEvent
from tests.factories import PASSWORD
from tests.taskforce.test_settings import run_probe

PROXY = "10.0.0.5"


@pytest.fixture
def behind_proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "192.0.2.10"]


def address(remote: str, forwarded: str | None = None) -> str | None:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # From our proxy: the address that connected to it.
        (PROXY, "203.0.113.9", "203.0.113.9"),
        # Through two of ours: the first address outside them, read from the right.
        (PROXY, "203.0.113.9, 192.0.2.10", "203.0.113.9"),
        # A client claiming to be someone else in front of our proxy: what the proxy saw wins.
        (PROXY, "198.51.100.77, 203.0.113.9", "203.0.113.9"),
        # Not from our proxy: the header is the caller's claim and is ignored.
        ("198.51.100.1", "203.0.113.9", "198.51.100.1"),
        # From our proxy without a header, or with garbage: the proxy's own.
        (PROXY, None, PROXY),
        (PROXY, "not-an-address", PROXY),
    ],
)
def test_the_client_address(behind_proxies, remote, forwarded, expected):
    assert address(remote, forwarded) == expected


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address(PROXY, "203.0.113.9") == PROXY


def test_behind_the_proxy_one_guesser_does_not_refuse_everyone(world, behind_proxies):
    """Twenty failures from one client through the proxy refuse that client, not the next."""

    def attempt(client_address: str, password: str):
        return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address).post(
            "/accounts/login/",
            {"username": "nobody-in-particular", "password": password, "acknowledge": "on"},
        )

    for _ in range(20):
        attempt("203.0.113.9", "wrong-guess")
    assert attempt("203.0.113.9", "wrong-guess").status_code == 429
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.50").post(
        "/accounts/login/",
        {"username": "investigator_a", "password": PASSWORD, "acknowledge": "on"},
    )
    assert colleague.status_code == 302
    assert AuditEvent.objects.filter(action="login", source_ip="203.0.113.50").exists()


def test_a_malformed_proxy_setting_stops_the_start():
    result = run_probe(DEBUG="1", TRUSTED_PROXIES="10.0.0.0/8,proxy.internal")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'proxy.internal' is not an IP address or network." in result.stderr
