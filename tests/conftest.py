"""The shared fixture world: two law-enforcement agencies, a prosecutor office, two service
providers, a community organization and a coordination office, with one user per role.

Personas (usernames): investigator_a, le_supervisor_a, le_victim_specialist_a (agency le_a);
investigator_b (le_b); prosecutor, vw_coordinator (prosecution); advocate_a, vsp_supervisor_a
(vsp_a); advocate_b (vsp_b); community_member (community); coordinator (coordination office);
ended_member (membership at le_a that has ended); outsider (no membership); admin (superuser,
no membership).
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from agencies import services
from agencies.models import Agency
from agencies.roles import Discipline, JurisdictionLevel, Role
from tests.factories import PASSWORD, UserFactory, make_agency, make_member
from tests.signin import SignedInClient

PERSONAS = (
    "investigator_a",
    "le_supervisor_a",
    "le_victim_specialist_a",
    "investigator_b",
    "prosecutor",
    "vw_coordinator",
    "advocate_a",
    "vsp_supervisor_a",
    "advocate_b",
    "community_member",
    "coordinator",
    "ended_member",
    "outsider",
    "admin",
)


@dataclass
class World:
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict = field(default_factory=dict)

    def __getattr__(self, name):
        for bucket in ("agencies", "users"):
            values = self.__dict__.get(bucket, {})
            if name in values:
                return values[name]
        raise AttributeError(name)


def build_world() -> World:
    w = World()
    w.agencies["le_a"] = make_agency("Alpha City Police Department", acronym="ACPD")
    w.agencies["le_b"] = make_agency("Beta County Sheriff", acronym="BCSO")
    w.agencies["prosecution"] = make_agency(
        "Gamma County District Attorney", Discipline.PROSECUTION, acronym="GCDA"
    )
    w.agencies["vsp_a"] = make_agency(
        "Delta Survivor Services", Discipline.VICTIM_SERVICES, acronym="DSS"
    )
    w.agencies["vsp_b"] = make_agency(
        "Epsilon Legal Aid",
        Discipline.VICTIM_SERVICES,
        acronym="ELA",
        jurisdiction_level=JurisdictionLevel.STATE,
    )
    w.agencies["community"] = make_agency(
        "Zeta Community Coalition", Discipline.COMMUNITY, acronym="ZCC"
    )
    w.agencies["office"] = make_agency(
        "Task Force Office",
        Discipline.GOVERNMENT_OTHER,
        acronym="TFO",
        jurisdiction_level=JurisdictionLevel.STATE,
    )
    a = w.agencies
    w.users["investigator_a"] = make_member("investigator_a", a["le_a"], Role.INVESTIGATOR)
    w.users["le_supervisor_a"] = make_member("le_supervisor_a", a["le_a"], Role.LE_SUPERVISOR)
    w.users["le_victim_specialist_a"] = make_member(
        "le_victim_specialist_a", a["le_a"], Role.LE_VICTIM_SPECIALIST
    )
    w.users["investigator_b"] = make_member("investigator_b", a["le_b"], Role.INVESTIGATOR)
    w.users["prosecutor"] = make_member("prosecutor", a["prosecution"], Role.PROSECUTOR)
    w.users["vw_coordinator"] = make_member(
        "vw_coordinator", a["prosecution"], Role.VICTIM_WITNESS_COORDINATOR
    )
    w.users["advocate_a"] = make_member("advocate_a", a["vsp_a"], Role.ADVOCATE)
    w.users["vsp_supervisor_a"] = make_member("vsp_supervisor_a", a["vsp_a"], Role.VSP_SUPERVISOR)
    w.users["advocate_b"] = make_member("advocate_b", a["vsp_b"], Role.ADVOCATE)
    w.users["community_member"] = make_member("community_member", a["community"], Role.MEMBER)
    w.users["coordinator"] = make_member(
        "coordinator", a["office"], Role.MEMBER, is_coordinator=True
    )
    today = timezone.localdate()
    ended = make_member(
        "ended_member",
        a["le_a"],
        Role.INVESTIGATOR,
        starts=today - dt.timedelta(days=400),
    )
    membership = ended.memberships.get()
    services.end_membership(membership=membership, by=None, ends=today - dt.timedelta(days=1))
    w.users["ended_member"] = ended
    w.users["outsider"] = UserFactory(username="outsider")
    admin = UserFactory(username="admin")
    admin.is_superuser = True
    admin.is_staff = True
    admin.save()
    w.users["admin"] = admin
    return w


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client():
    """Django's test client, whose ``login``/``force_login`` pass both sign-in steps (password
    and second factor). Tests of the steps themselves use the sign-in pages."""
    return SignedInClient()


@pytest.fixture
def api():
    """An API client factory: ``api(user)`` is logged in as ``user`` (session auth)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            # A fresh copy, as each real request loads its user: nothing memoised carries over.
            client.force_authenticate(user=type(user).objects.get(pk=user.pk))
        return client

    return make


@pytest.fixture
def browser_client():
    """A Django test client logged in through the real login form: ``browser_client(user)``."""

    def make(user):
        c = SignedInClient()
        assert c.login(username=user.username, password=PASSWORD)
        return c

    return make


AUDIT_TRUNCATE_GUARD = "taskforce_auditevent_no_truncate"


def _ends_with_flush(item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        names & {"transactional_db", "live_server"}
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with Django's flush, a TRUNCATE of every table, which the
    audit trail refuses on PostgreSQL (taskforce migration 0006). The test database lifts that
    one guard for the flush and restores it right after."""
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    lifted, database = False, connection.settings_dict["NAME"]
    if _ends_with_flush(item):
        with item.config.stash[blocking_manager_key].unblock():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"ALTER TABLE taskforce_auditevent DISABLE TRIGGER {AUDIT_TRUNCATE_GUARD}"
                    )
                lifted = True
    try:
        return (yield)
    finally:
        # After the last test the test database is gone (the name is the real one's again).
        if lifted and connection.settings_dict["NAME"] == database:
            with item.config.stash[blocking_manager_key].unblock(), connection.cursor() as cursor:
                cursor.execute(
                    f"ALTER TABLE taskforce_auditevent ENABLE TRIGGER {AUDIT_TRUNCATE_GUARD}"
                )
