"""Query budgets: a list costs the same number of SQL queries whatever its page size, and a
detail the same whatever the record holds; both stay within a stated budget (DESIGN §9, §10).

Counted are data queries only: ``ATOMIC_REQUESTS`` wraps every request in a savepoint inside
the test's transaction, and those SAVEPOINT/RELEASE statements are not reads.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from agencies import services
from agencies.models import Language, Membership, Population, ServiceType
from agencies.roles import Discipline, Role
from taskforce import access
from tests.factories import UserFactory, make_agency, make_member
from tests.isolation.models import Dossier

# Budgets per request. Lists: never above DESIGN §10's six queries, whatever the page size.
# Details: as measured; lower a budget when a query goes away, never raise one quietly.
DESIGN_LIST_CEILING = 6
# Agencies: membership check (permission), membership check and coordinator check (directory),
# the page, and one query per prefetched capability (services, populations, languages).
AGENCY_LIST_BUDGET = DESIGN_LIST_CEILING
AGENCY_DETAIL_BUDGET = 7
# Memberships: membership check (permission), membership and coordinator checks (roster), page.
MEMBERSHIP_LIST_BUDGET = 4
MEMBERSHIP_DETAIL_BUDGET = 4
# Me: membership check (permission), memberships with their agencies.
ME_BUDGET = 2
# A compartmented list: membership check, the page (the access rule is subqueries of it). A
# detail adds the acting agency and the audit event of the read.
DOSSIER_LIST_BUDGET = 2
DOSSIER_DETAIL_BUDGET = 4

MANY = 55


def data_queries(ctx: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in ctx.captured_queries
        if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO"))
    ]


def fresh(user) -> APIClient:
    """A client for a freshly loaded user, as every real request has: no memo carried over."""
    client = APIClient()
    client.force_authenticate(user=get_user_model().objects.get(pk=user.pk))
    return client


def count(user, url: str, **params) -> tuple[int, object, list[str]]:
    client = fresh(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    queries = data_queries(ctx)
    return len(queries), response, queries


def assert_flat(user, url, budget, expect_many=True):
    """Same count at page size 1 and 50, within budget, and the big page really is big."""
    small, small_response, small_queries = count(user, url, page_size=1)
    large, large_response, large_queries = count(user, url, page_size=50)
    assert len(small_response.json()["results"]) == 1
    if expect_many:
        assert len(large_response.json()["results"]) == 50
    assert small == large, (small_queries, large_queries)
    assert large <= budget, large_queries


@pytest.fixture
def lookups():
    return (
        list(ServiceType.objects.all()[:4]),
        list(Population.objects.all()[:3]),
        list(Language.objects.all()[:3]),
    )


@pytest.fixture
def many_agencies(world, lookups):
    offered, populations, languages = lookups
    assert offered and populations and languages
    for n in range(MANY):
        make_agency(
            f"Agency {n:03d}",
            Discipline.VICTIM_SERVICES,
            services_offered=offered,
            populations_served=populations,
            languages=languages,
        )


@pytest.fixture
def crowded_le_a(world):
    """le_a with more than fifty members (some of them ended)."""
    for n in range(MANY):
        make_member(f"officer{n:03d}", world.le_a, Role.INVESTIGATOR, title="Officer")


def test_list_budgets_respect_the_design_ceiling():
    budgets = [AGENCY_LIST_BUDGET, MEMBERSHIP_LIST_BUDGET, DOSSIER_LIST_BUDGET]
    assert max(budgets) <= DESIGN_LIST_CEILING


def test_agency_list_budget(world, many_agencies):
    assert_flat(world.investigator_a, reverse("agency-list"), AGENCY_LIST_BUDGET)
    assert_flat(world.coordinator, reverse("agency-list"), AGENCY_LIST_BUDGET)


def test_agency_detail_budget(world, lookups):
    offered = lookups[0]
    plain = make_agency("Plain Agency", Discipline.VICTIM_SERVICES)
    rich = make_agency(
        "Rich Agency",
        Discipline.VICTIM_SERVICES,
        services_offered=list(ServiceType.objects.all()),
        populations_served=list(Population.objects.all()),
        languages=list(Language.objects.all()),
    )
    assert rich.services_offered.count() > len(offered)
    user = world.investigator_a
    n_plain, _, _ = count(user, reverse("agency-detail", kwargs={"pk": plain.pk}))
    n_rich, response, queries = count(user, reverse("agency-detail", kwargs={"pk": rich.pk}))
    assert len(response.json()["services_offered"]) == rich.services_offered.count()
    assert n_plain == n_rich
    assert n_rich <= AGENCY_DETAIL_BUDGET, queries


@pytest.mark.parametrize("persona", ["le_supervisor_a", "investigator_a", "coordinator"])
def test_membership_list_budget(world, crowded_le_a, persona):
    assert_flat(world.users[persona], reverse("membership-list"), MEMBERSHIP_LIST_BUDGET)


def test_membership_detail_budget(world, crowded_le_a):
    membership = Membership.objects.filter(user__username="officer000").get()
    for persona in ("le_supervisor_a", "coordinator"):
        n, _, queries = count(
            world.users[persona], reverse("membership-detail", kwargs={"pk": membership.pk})
        )
        assert n <= MEMBERSHIP_DETAIL_BUDGET, queries


def test_me_budget_does_not_grow_with_memberships(world):
    """One membership or fifty-five: the same queries."""
    one, _, _ = count(world.investigator_a, reverse("api-me"))
    busy = UserFactory(username="busy_member")
    for n in range(MANY):
        agency = make_agency(f"Coalition {n:03d}", Discipline.COMMUNITY)
        services.add_membership(by=None, user=busy, agency=agency, role=Role.MEMBER)
    many, response, queries = count(busy, reverse("api-me"))
    assert len(response.json()["memberships"]) == MANY
    assert one == many, queries
    assert many <= ME_BUDGET, queries


@pytest.fixture
def many_dossiers(world):
    for n in range(MANY):
        Dossier.objects.create(owner_agency=world.le_a, title=f"Dossier {n:03d}")
        shared = Dossier.objects.create(owner_agency=world.le_b, title=f"Shared {n:03d}")
        access.grant(obj=shared, agency=world.le_a, action="view", reason="joint operation")
        Dossier.objects.create(owner_agency=world.le_b, title=f"Not shared {n:03d}")


def test_dossier_list_budget(world, many_dossiers):
    """A restricted user's list of a compartmented model: the access rule costs no query."""
    assert_flat(world.investigator_a, reverse("dossier-list"), DOSSIER_LIST_BUDGET)
    assert_flat(world.investigator_b, reverse("dossier-list"), DOSSIER_LIST_BUDGET)


def test_dossier_detail_budget(world, many_dossiers):
    own = Dossier.objects.filter(owner_agency=world.le_a).first()
    shared = Dossier.objects.filter(title="Shared 000").get()
    user = world.investigator_a
    for dossier in (own, shared):
        n, _, queries = count(user, reverse("dossier-detail", kwargs={"pk": dossier.pk}))
        assert n <= DOSSIER_DETAIL_BUDGET, queries
