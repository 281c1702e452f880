"""The authorization matrix harness: every row of ``api_matrix`` (and ``pages_matrix``) is run
against the fixture world, and every URL pattern of the project must appear in some row."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from agencies.models import Agency, Membership
from taskforce import access
from tests.access import api_matrix
from tests.access.api_matrix import (
    AGENCY_OF,
    ANONYMOUS,
    DOSSIER_A,
    DOSSIER_B,
    DOSSIER_SHARED,
    INACTIVE_AGENCY_NAME,
    NON_COORDINATORS,
    PLAIN_ROLE,
)
from tests.access.matrix_types import Row
from tests.conftest import build_world
from tests.factories import UserFactory, make_agency, make_member
from tests.isolation.models import Dossier

if importlib.util.find_spec("tests.access.pages_matrix") is not None:
    from tests.access.pages_matrix import PAGE_ROWS
else:
    PAGE_ROWS: list[Row] = []


def _unique(rows: list[Row]) -> list[Row]:
    seen, kept = set(), []
    for row in rows:
        if repr(row) not in seen:
            seen.add(repr(row))
            kept.append(row)
    return kept


API_ROWS = _unique(api_matrix.API_ROWS)
# Page rows live in pages_matrix.py; api_matrix's PAGE section holds those written before it.
ALL_PAGE_ROWS = _unique([*PAGE_ROWS, *api_matrix.PAGE_SECTION_ROWS])

# Routes with no access semantics of their own, left out of the coverage check:
EXEMPT_PREFIXES = (
    # The Django admin's internal routes (login, jsi18n, autocomplete, the model admins of
    # auth and oauth2_provider, the catch-all). Access to the admin is covered by the
    # "admin:index" rows; compartmented models in the admin by test_isolation.
    "admin:",
    "admin/",
)
MISSING_PK = 987654321
User = get_user_model()


# --- The world the rows run in --------------------------------------------------------------


@dataclass
class Targets:
    """Named objects of the matrix world; some are relative to the persona asking."""

    world: object
    memberships: dict[str, Membership]
    fixed: dict[str, int]

    def agency_key(self, persona: str) -> str:
        # People with no membership in force are pointed at le_a (ended_member's former one).
        return AGENCY_OF.get(persona, "le_a")

    def other_agency_key(self, persona: str) -> str:
        return "le_b" if self.agency_key(persona) != "le_b" else "le_a"

    def pk(self, name: str, persona: str) -> int:
        if name in self.fixed:
            return self.fixed[name]
        if name in self.world.agencies:
            return self.world.agencies[name].pk
        own, other = self.agency_key(persona), self.other_agency_key(persona)
        relative = {
            "own_agency": lambda: self.world.agencies[own].pk,
            "other_agency": lambda: self.world.agencies[other].pk,
            "own_membership": lambda: self.memberships.get(persona, self.memberships["le_a"]).pk,
            "colleague_membership": lambda: self.memberships[f"colleague_{own}"].pk,
            "other_agency_membership": lambda: self.memberships[f"colleague_{other}"].pk,
        }
        if name not in relative:
            raise KeyError(f"unknown matrix target {name!r}")
        return relative[name]()

    def data(self, row: Row) -> dict | None:
        if row.data is None:
            return None
        return {
            key: self.pk(value[1:], row.persona)
            if isinstance(value, str) and value.startswith("@")
            else value
            for key, value in row.data.items()
        }

    def user(self, persona: str):
        # Fresh from the database: per-request memos on a shared instance must not leak.
        return None if persona == ANONYMOUS else User.objects.get(username=persona)


def build_targets(world) -> Targets:
    for key, agency in world.agencies.items():
        make_member(f"colleague_{key}", agency, PLAIN_ROLE[key], title="Analyst")
    UserFactory(username="recruit")
    inactive = make_agency(INACTIVE_AGENCY_NAME, active=False)
    dossier_a = Dossier.objects.create(owner_agency=world.le_a, title=DOSSIER_A)
    dossier_b = Dossier.objects.create(owner_agency=world.le_b, title=DOSSIER_B)
    shared = Dossier.objects.create(owner_agency=world.le_a, title=DOSSIER_SHARED)
    access.grant(obj=shared, agency=world.prosecution, action="view", reason="referral")
    memberships = {}
    for membership in Membership.objects.select_related("user").order_by("id"):
        memberships.setdefault(membership.user.username, membership)
    memberships["le_a"] = memberships["investigator_a"]
    fixed = {
        "inactive_agency": inactive.pk,
        "ended_membership": memberships["ended_member"].pk,
        "dossier_a": dossier_a.pk,
        "dossier_b": dossier_b.pk,
        "dossier_shared": shared.pk,
        "missing": MISSING_PK,
    }
    return Targets(world=world, memberships=memberships, fixed=fixed)


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """The world, built once for the module inside a transaction that is rolled back at the end.

    Each test runs in its own savepoint within it (the ``db`` fixture), so a row that writes
    leaves nothing behind for the next row.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_targets(build_world())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def targets(matrix_world, db) -> Targets:
    return matrix_world


# --- Running one row ------------------------------------------------------------------------


def url_for(row: Row, targets: Targets) -> str:
    if row.target is None:
        return reverse(row.route)
    return reverse(row.route, kwargs={"pk": targets.pk(row.target, row.persona)})


def run_api_row(row: Row, targets: Targets):
    client = APIClient()
    user = targets.user(row.persona)
    if user is not None:
        client.force_authenticate(user=user)
    url, data, method = url_for(row, targets), targets.data(row), row.method.lower()
    if data is None:
        return getattr(client, method)(url)
    if row.route.startswith("oauth-"):
        # The OAuth endpoints speak form encoding, as partner systems send it.
        return getattr(client, method)(
            url, urlencode(data), content_type="application/x-www-form-urlencoded"
        )
    return getattr(client, method)(url, data, format="json")


def run_page_row(row: Row, targets: Targets):
    client = Client()
    user = targets.user(row.persona)
    if user is not None:
        client.force_login(user)
    url, data, method = url_for(row, targets), targets.data(row), row.method.lower()
    return getattr(client, method)(url) if data is None else getattr(client, method)(url, data)


def check(row: Row, response) -> None:
    body = response.content.decode(errors="replace")
    assert response.status_code == row.expected, f"{row}\n-> {response.status_code}: {body[:400]}"
    for text in row.absent:
        assert text not in body, f"{row}\n-> body shows {text!r}"
    if row.persona == ANONYMOUS and row.expected == 302 and row.route not in ("logout",):
        assert "login" in response["Location"], response["Location"]


def row_id(row: Row) -> str:
    return f"{row.method} {row.route} {row.target or '-'} as {row.persona}"


def _ids(rows: list[Row]) -> list[str]:
    counts: dict[str, int] = {}
    ids = []
    for row in rows:
        base = row_id(row)
        counts[base] = counts.get(base, 0) + 1
        ids.append(base if counts[base] == 1 else f"{base} #{counts[base]}")
    return ids


@pytest.mark.parametrize("row", API_ROWS, ids=_ids(API_ROWS))
def test_api_row(row, targets):
    check(row, run_api_row(row, targets))


@pytest.mark.parametrize("row", ALL_PAGE_ROWS, ids=_ids(ALL_PAGE_ROWS))
def test_page_row(row, targets):
    check(row, run_page_row(row, targets))


# --- Every route is in the table ------------------------------------------------------------


def route_names(patterns=None, namespace: str = "", prefix: str = "") -> set[str]:
    """Every URL pattern's name (namespaced), or its pattern string when it has no name."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            names |= route_names(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
            else:
                names.add(prefix + str(pattern.pattern))
    return names


def test_every_route_is_in_the_matrix():
    covered = {row.route for row in [*API_ROWS, *ALL_PAGE_ROWS]}
    missing = sorted(
        name
        for name in route_names()
        if name not in covered and not name.startswith(EXEMPT_PREFIXES)
    )
    assert not missing, f"routes with no row in tests/access/*_matrix.py: {missing}"


def test_every_row_names_a_real_route():
    names = route_names()
    unknown = sorted({row.route for row in [*API_ROWS, *ALL_PAGE_ROWS]} - names)
    assert not unknown, unknown


def test_exemptions_stay_small():
    """Only the admin's internals are exempt; its front door is in the table."""
    assert "admin:index" in {row.route for row in ALL_PAGE_ROWS}
    assert all(p.startswith("admin") for p in EXEMPT_PREFIXES)


# --- Lists never include what the detail would refuse ---------------------------------------


def all_results(client, url: str) -> list[dict]:
    found, page = [], client.get(url, {"page_size": 100})
    while True:
        assert page.status_code == 200, page.content
        found += page.json()["results"]
        if not page.json()["next"]:
            return found
        page = client.get(page.json()["next"])


@pytest.mark.parametrize("persona", NON_COORDINATORS)
def test_membership_list_holds_only_own_agency_memberships(targets, persona):
    user = targets.user(persona)
    client = APIClient()
    client.force_authenticate(user=user)
    own = set(Membership.objects.active().filter(user=user).values_list("agency_id", flat=True))
    listed = all_results(client, reverse("membership-list"))
    assert {m["agency"] for m in listed} == own
    assert len(listed) == Membership.objects.filter(agency__in=own).count()


@pytest.mark.parametrize("persona", NON_COORDINATORS)
def test_agency_list_holds_only_active_agencies(targets, persona):
    client = APIClient()
    client.force_authenticate(user=targets.user(persona))
    listed = {a["id"] for a in all_results(client, reverse("agency-list"))}
    assert listed == set(Agency.objects.filter(active=True).values_list("pk", flat=True))


@pytest.mark.parametrize("persona", list(AGENCY_OF))
def test_dossier_list_holds_exactly_the_visible_dossiers(targets, persona):
    user = targets.user(persona)
    client = APIClient()
    client.force_authenticate(user=user)
    listed = {d["id"] for d in all_results(client, reverse("dossier-list"))}
    assert listed == set(access.visible(user, Dossier).values_list("pk", flat=True))
    for pk in Dossier.objects.exclude(pk__in=listed).values_list("pk", flat=True):
        assert client.get(reverse("dossier-detail", kwargs={"pk": pk})).status_code == 404
