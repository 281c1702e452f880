"""Query budgets: a list costs the same number of SQL queries whatever its page size, and a
detail the same whatever the record holds; both stay within a stated budget (DESIGN §9, §10).

Counted are data queries only: ``ATOMIC_REQUESTS`` wraps every request in a savepoint inside
the test's transaction, and those SAVEPOINT/RELEASE statements are not reads.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.routers import DefaultRouter
from rest_framework.test import APIClient

from agencies import services
from agencies.models import Language, Membership, Population, ServiceType
from agencies.roles import Discipline, Role
from cases import api as cases_api
from cases import services as case_services
from cases.models import Statute
from taskforce import access
from tests.conftest import build_world
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


# --- Investigations and prosecutions ----------------------------------------------------------

# Lists, for every case endpoint and every way of reaching its records (owner agency, a share,
# a referral, a pre-operation notice): the permission's membership check, the page (the access
# rule is subqueries of it), and one query per prefetched relation.
CASE_LIST_BUDGETS = {
    "case-list": 4,  # + assigned investigators, participating agencies
    "subject-list": 2,
    "identifier-list": 2,
    "case-note-list": 2,
    "operation-list": 2,
    "pre-operation-notice-list": 3,  # + languages
    "deconfliction-hit-list": 2,
    "prosecution-referral-list": 2,
    "prosecution-list": 2,
    "charge-list": 2,
    "court-event-list": 2,
    "prosecutor-note-list": 2,
}
# Details: the list's queries, plus the acting agency and the audit event of the read.
CASE_DETAIL_BUDGETS = {
    route.replace("-list", "-detail"): budget + 2 for route, budget in CASE_LIST_BUDGETS.items()
}
# Who reaches fifty records of each list, and how (see ``case_world``).
CASE_READERS = {
    "case-list": ["investigator_a", "investigator_b", "prosecutor"],
    "subject-list": ["investigator_a", "investigator_b", "prosecutor"],
    "identifier-list": ["investigator_a", "investigator_b", "prosecutor"],
    "case-note-list": ["investigator_a", "investigator_b", "prosecutor"],
    "operation-list": ["investigator_a", "investigator_b"],
    "pre-operation-notice-list": ["investigator_a", "advocate_a"],
    "deconfliction-hit-list": ["investigator_a", "le_supervisor_a", "investigator_b"],
    "prosecution-referral-list": ["investigator_a", "prosecutor"],
    "prosecution-list": ["prosecutor", "investigator_a", "investigator_b"],
    "charge-list": ["prosecutor", "investigator_a", "investigator_b"],
    "court-event-list": ["prosecutor", "investigator_a", "investigator_b"],
    "prosecutor-note-list": ["prosecutor", "vw_coordinator"],
}


def case_list_routes() -> set[str]:
    """The list route of every resource the cases app registers."""
    router = DefaultRouter()
    cases_api.register(router)
    return {f"{basename}-list" for _, _, basename in router.registry}


def test_every_case_list_has_a_budget_within_the_design_ceiling():
    assert set(CASE_LIST_BUDGETS) == case_list_routes() == set(CASE_READERS)
    assert max(CASE_LIST_BUDGETS.values()) <= DESIGN_LIST_CEILING


@pytest.fixture(scope="class")
def case_world(django_db_setup, django_db_blocker):
    """Fifty-five cases of le_a, each shared with le_b for view, referred to the prosecution
    office and accepted; the first one holds fifty-five of every kind of record (subjects,
    identifiers, notes marked for prosecution, operations, pre-operation notices to vsp_a,
    charges, court events, prosecutor notes) and its phones match fifty-five of le_b's, so both
    sides have fifty-five deconfliction hits. Built once, rolled back after the class."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            inv, pros = world.investigator_a, world.prosecutor
            statute = Statute.objects.get(citation="18 U.S.C. 1591")
            prosecutions, cases = [], []
            for n in range(MANY):
                case = case_services.open_case(
                    by=inv, agency=world.le_a, title=f"Case {n:03d}", origin="reactive",
                    trafficking_type="sex", jurisdiction_level="local",
                )  # fmt: skip
                case_services.share_case(case=case, agency=world.le_b, access_level="view", by=inv)
                referral = case_services.refer_for_prosecution(
                    case=case, office=world.prosecution, by=inv
                )
                prosecutions.append(
                    case_services.accept_prosecution_referral(referral=referral, by=pros)
                )
                cases.append(case)
            big, prosecution = cases[0], prosecutions[0]
            theirs = case_services.open_case(
                by=world.investigator_b, agency=world.le_b, title="Sheriff case",
                origin="reactive", trafficking_type="labor", jurisdiction_level="local",
            )  # fmt: skip
            starts = timezone.now() + dt.timedelta(days=3)
            for n in range(MANY):
                subject = case_services.add_subject(
                    case=big, by=inv, role="trafficker", last_name=f"Subject {n:03d}"
                )
                case_services.add_identifier(case=big, by=inv, kind="phone", value=f"555{n:07d}")
                case_services.add_identifier(
                    case=theirs, by=world.investigator_b, kind="phone", value=f"555{n:07d}"
                )
                case_services.add_note(
                    case=big, by=inv, note_type="tip", body=f"Note {n}", for_prosecution=True
                )
                operation = case_services.plan_operation(
                    case=big, by=inv, operation_type="surveillance", starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=2), location=f"{n} Canal Street",
                )  # fmt: skip
                case_services.send_pre_operation_notice(
                    operation=operation, provider=world.vsp_a, by=inv,
                    window_starts=starts, window_ends=starts + dt.timedelta(hours=2),
                    expected_victims=2, languages=Language.objects.all()[:3],
                )  # fmt: skip
                case_services.add_charge(
                    prosecution=prosecution, by=pros, subject=subject, statute=statute
                )
                case_services.schedule_court_event(
                    prosecution=prosecution, by=pros, event_type="trial",
                    scheduled_at=starts + dt.timedelta(days=n), court=f"Room {n}",
                )  # fmt: skip
                case_services.add_prosecutor_note(
                    prosecution=prosecution, by=pros, body=f"Work product {n}"
                )
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


class TestCaseBudgets:
    """Every list and detail endpoint of the cases app, for each way its records are reached."""

    @pytest.mark.parametrize("route", sorted(CASE_LIST_BUDGETS))
    def test_list_budget(self, case_world, db, route):
        for persona in CASE_READERS[route]:
            assert_flat(case_world.users[persona], reverse(route), CASE_LIST_BUDGETS[route])

    @pytest.mark.parametrize("route", sorted(CASE_DETAIL_BUDGETS))
    def test_detail_budget(self, case_world, db, route):
        """The first and the last record each reader lists cost the same (the first case holds
        every record of the file; the last holds none), within the budget."""
        listing = route.replace("-detail", "-list")
        for persona in CASE_READERS[listing]:
            user = case_world.users[persona]
            ids = [r["id"] for r in fresh(user).get(reverse(listing), {"page_size": 100})
                   .json()["results"]]  # fmt: skip
            assert len(ids) >= 50, (persona, len(ids))
            counts = []
            for pk in (ids[0], ids[-1]):
                n, _, queries = count(user, reverse(route, kwargs={"pk": pk}))
                assert n <= CASE_DETAIL_BUDGETS[route], (persona, queries)
                counts.append(n)
            assert counts[0] == counts[1], (persona, counts)


# --- Victims and services -----------------------------------------------------------------------

# Lists: the permission's membership check, the page (the access rule is subqueries of it), one
# query per prefetched relation, and once per request who is asking: whether the caller may see
# immigration-protected fields (victims, clients) or which agencies they act for (which side of
# a referral or release they are on).
VICTIM_LIST_BUDGETS = {
    "victim-list": 4,  # + linked cases the caller may see, + immigration check
    "client-list": 3,  # + immigration check
    "referral-list": 4,  # + services requested, + acting agencies
    "consent-list": 4,  # + acting agencies, + the releases' own access check
    "service-list": 2,
    "needs-assessment-list": 3,  # + needs
    "service-plan-list": 2,
    "client-note-list": 2,
    "immigration-relief-list": 2,
    "victim-notification-list": 2,
}
# Details: the list's queries, plus the acting agency and the audit event of the read.
VICTIM_DETAIL_BUDGETS = {
    route.replace("-list", "-detail"): budget + 2 for route, budget in VICTIM_LIST_BUDGETS.items()
}
# Who reaches fifty records of each list, and how (see ``victims_world``).
VICTIM_READERS = {
    "victim-list": ["investigator_a", "investigator_b"],
    "client-list": ["advocate_a"],
    "referral-list": ["investigator_a", "advocate_a"],
    "consent-list": ["advocate_a", "prosecutor"],
    "service-list": ["advocate_a"],
    "needs-assessment-list": ["advocate_a"],
    "service-plan-list": ["advocate_a"],
    "client-note-list": ["advocate_a"],
    "immigration-relief-list": ["advocate_a", "investigator_a"],
    "victim-notification-list": ["vw_coordinator"],
}
# Suggestions: membership check, the services named, the ranked providers, their services and
# populations (however many providers there are and however many are shown).
SUGGESTIONS_BUDGET = 5


def victim_list_routes() -> set[str]:
    """The list route of every resource the victims app registers."""
    from victims import api as victims_api

    router = DefaultRouter()
    victims_api.register(router)
    return {f"{basename}-list" for _, _, basename in router.registry}


def test_every_victims_list_has_a_budget_within_the_design_ceiling():
    assert set(VICTIM_LIST_BUDGETS) == victim_list_routes() == set(VICTIM_READERS)
    assert max(VICTIM_LIST_BUDGETS.values()) <= DESIGN_LIST_CEILING


@pytest.fixture(scope="class")
def victims_world(django_db_setup, django_db_blocker):
    """Fifty-five victims of le_a, each shared with le_b (the first linked to three cases and
    holding fifty-five relief records); fifty-five referrals from le_a to vsp_a, all accepted,
    each client with a release to the prosecution office; the first client holding fifty-five
    services, assessments, plans, notes and relief records; fifty-five notifications on one of
    the prosecution office's victims. Built once, rolled back after the class."""
    from victims import services as victim_services

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            inv, adv, vwc = world.investigator_a, world.advocate_a, world.vw_coordinator
            today = timezone.localdate()
            intake = {"identified_on": today, "identification_source": "reactive"}
            shelter, medical = ServiceType.objects.filter(
                code__in=["housing-emergency-shelter", "medical"]
            ).order_by("code")
            cases = [
                case_services.open_case(
                    by=inv, agency=world.le_a, title=f"Case {n}", origin="reactive",
                    trafficking_type="sex", jurisdiction_level="local",
                )
                for n in range(3)
            ]  # fmt: skip
            victims, clients = [], []
            for n in range(MANY):
                victim = victim_services.record_victim(
                    agency=world.le_a, by=inv, family_name=f"Victim {n:03d}",
                    cases=cases if n == 0 else (), **intake,
                )  # fmt: skip
                victim_services.share_victim(victim=victim, agency=world.le_b, by=inv)
                referral = victim_services.send_referral(
                    from_agency=world.le_a, provider=world.vsp_a, by=inv,
                    services_requested=[shelter, medical], shared_name=f"Person {n:03d}",
                )  # fmt: skip
                client = victim_services.accept_referral(referral=referral, by=adv).client
                victim_services.record_consent(
                    client=client, by=adv, recipient=world.prosecution,
                    items=["enrollment_status"], purpose="Coordination", sharing_form="written",
                    starts_on=today, expires_on=today + dt.timedelta(days=90),
                    signer_name=f"Person {n:03d}", signer_role="client",
                    voluntariness_explained=True, right_to_revoke_explained=True,
                )  # fmt: skip
                victims.append(victim)
                clients.append(client)
            pros_victim = victim_services.record_victim(
                agency=world.prosecution, by=vwc, family_name="Witness", **intake
            )
            first, client = victims[0], clients[0]
            for n in range(MANY):
                victim_services.record_service(
                    client=client, by=adv, service_type=shelter, started_on=today,
                    description=f"Stay {n}",
                )  # fmt: skip
                victim_services.assess_needs(
                    client=client, by=adv, assessed_on=today, needs=[shelter, medical]
                )
                victim_services.write_service_plan(
                    client=client, by=adv, starts_on=today, review_on=today, goals=f"Goal {n}"
                )
                victim_services.add_client_note(client=client, by=adv, body=f"Note {n}")
                victim_services.record_relief(
                    by=adv, client=client, kind="u_visa_certification", requested_on=today
                )
                victim_services.record_relief(
                    by=inv, victim=first, kind="t_visa_declaration", requested_on=today
                )
                victim_services.log_victim_notification(
                    victim=pros_victim, by=vwc, kind="notification", event=f"Hearing {n}",
                    given_on=today, method="letter",
                )  # fmt: skip
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


class TestVictimBudgets:
    """Every list and detail endpoint of the victims app, for each way its records are reached."""

    @pytest.mark.parametrize("route", sorted(VICTIM_LIST_BUDGETS))
    def test_list_budget(self, victims_world, db, route):
        for persona in VICTIM_READERS[route]:
            assert_flat(victims_world.users[persona], reverse(route), VICTIM_LIST_BUDGETS[route])

    @pytest.mark.parametrize("route", sorted(VICTIM_DETAIL_BUDGETS))
    def test_detail_budget(self, victims_world, db, route):
        """The first and the last record each reader lists cost the same (the first victim and
        client hold the file; the last hold nothing), within the budget."""
        listing = route.replace("-detail", "-list")
        for persona in VICTIM_READERS[listing]:
            user = victims_world.users[persona]
            ids = [r["id"] for r in fresh(user).get(reverse(listing), {"page_size": 100})
                   .json()["results"]]  # fmt: skip
            assert len(ids) >= 50, (persona, len(ids))
            counts = []
            for pk in (ids[0], ids[-1]):
                n, _, queries = count(user, reverse(route, kwargs={"pk": pk}))
                assert n <= VICTIM_DETAIL_BUDGETS[route], (persona, queries)
                counts.append(n)
            assert counts[0] == counts[1], (persona, counts)

    def test_suggestions_do_not_grow_with_the_providers_ranked(self, victims_world, db):
        offered = list(ServiceType.objects.all()[:4])
        populations = list(Population.objects.all()[:3])
        for n in range(MANY):
            make_agency(
                f"Provider {n:03d}", Discipline.VICTIM_SERVICES, services_offered=offered,
                populations_served=populations, languages=Language.objects.all()[:2],
            )  # fmt: skip
        user, url = victims_world.investigator_a, reverse("referral-suggestions")
        codes = [s.code for s in offered]
        one, _, _ = count(user, url, services=codes, minor="false", limit=1)
        many, response, queries = count(user, url, services=codes, minor="false", limit=20)
        assert len(response.json()) == 20
        assert one == many, queries
        assert many <= SUGGESTIONS_BUDGET, queries


# --- Training, outreach, trend bulletins, coverage ---------------------------------------------

# Lists: the permission's membership check, the page (attendance totals are annotations of it)
# and one query per prefetched relation. Attendance adds the reader's coordinator check and, for
# others, the agencies they supervise. Details: the same, for one record.
COMMUNITY_LIST_BUDGETS = {
    "training-list": 2,
    "training-attendance-list": 4,  # + coordinator check, supervised agencies
    "outreach-event-list": 4,  # + languages, agencies
    "trend-bulletin-list": 2,
}
COMMUNITY_DETAIL_BUDGETS = {
    route.replace("-list", "-detail"): budget for route, budget in COMMUNITY_LIST_BUDGETS.items()
}
# A person's history: membership check, the person, the reader's coordinator and supervisor
# checks, the person's membership there, their totals, their attendance.
TRAINING_HISTORY_BUDGET = 7
# The coverage matrix: membership check (permission and selector), the lookups of the query,
# then agencies, their populations and languages, the populations and languages.
COVERAGE_BUDGET = 8


@pytest.fixture
def community_world(world):
    """Fifty-five trainings, each attended by investigator_a; fifty-five outreach events with
    languages and agencies; fifty-five trend bulletins."""
    from agencies.models import TrainingTopic

    topic = TrainingTopic.objects.first()
    languages = list(Language.objects.all()[:3])
    today = timezone.localdate()
    for n in range(MANY):
        training = services.create_training(
            by=None, title=f"Training {n:03d}", topic=topic, held_on=today - dt.timedelta(days=n),
            hours="3", audience_disciplines=["law_enforcement"],
        )  # fmt: skip
        services.record_attendance(training=training, by=None, attendee=world.investigator_a)
        services.create_outreach_event(
            by=None, title=f"Event {n:03d}", audience="schools", held_on=today, estimated_reach=n,
            lead_agency=world.vsp_a, agencies=[world.le_a, world.community], languages=languages,
        )  # fmt: skip
        services.share_trend_bulletin(
            by=world.advocate_a, kind="indicator", title=f"Trend {n:03d}", body="A new venue."
        )
    return world


def test_community_list_budgets_respect_the_design_ceiling():
    assert max(COMMUNITY_LIST_BUDGETS.values()) <= DESIGN_LIST_CEILING


@pytest.mark.parametrize("route", sorted(COMMUNITY_LIST_BUDGETS))
@pytest.mark.parametrize("persona", ["investigator_a", "le_supervisor_a", "coordinator"])
def test_community_list_budget(community_world, route, persona):
    assert_flat(community_world.users[persona], reverse(route), COMMUNITY_LIST_BUDGETS[route])


@pytest.mark.parametrize("route", sorted(COMMUNITY_DETAIL_BUDGETS))
def test_community_detail_budget(community_world, route):
    user = community_world.investigator_a
    listing = route.replace("-detail", "-list")
    ids = [r["id"] for r in fresh(user).get(reverse(listing), {"page_size": 100}).json()["results"]]
    counts = []
    for pk in (ids[0], ids[-1]):
        n, _, queries = count(user, reverse(route, kwargs={"pk": pk}))
        assert n <= COMMUNITY_DETAIL_BUDGETS[route], queries
        counts.append(n)
    assert counts[0] == counts[1]


def test_training_history_budget_does_not_grow_with_attendance(community_world):
    world = community_world
    none, _, _ = count(world.investigator_b, reverse("training-history-list"))
    many, response, queries = count(
        world.le_supervisor_a,
        reverse("training-history-detail", kwargs={"pk": world.investigator_a.pk}),
    )
    assert len(response.json()["attendance"]) == MANY
    assert many <= TRAINING_HISTORY_BUDGET, queries
    assert none <= TRAINING_HISTORY_BUDGET


def test_coverage_budget_does_not_grow_with_agencies(community_world, many_agencies):
    n, response, queries = count(community_world.advocate_a, reverse("coverage-list"))
    assert len(response.json()["agencies"]) > MANY
    assert n <= COVERAGE_BUDGET, queries


# --- Governance (charter, MOUs, protocols, decisions, leadership) -----------------------------

# Lists: the permission's membership check, the page, and one query per prefetched relation.
GOVERNANCE_LIST_BUDGETS = {
    "goal-list": 3,  # + objectives (with owners)
    "objective-list": 3,  # + progress entries (with who recorded them)
    "mou-list": 5,  # + signatories, versions, signatures (with signers)
    "protocol-list": 2,
    "protocol-version-list": 2,
    "decision-list": 4,  # + votes, their agencies
    "leadership-term-list": 2,
    "committee-list": 3,  # + members
    "meeting-list": 3,  # + attendance
}
# Details: the same queries for one record, whatever it holds.
GOVERNANCE_DETAIL_BUDGETS = {
    route.replace("-list", "-detail"): budget for route, budget in GOVERNANCE_LIST_BUDGETS.items()
}
CHARTER_BUDGET = 4  # membership check, charter, goals, objectives


def governance_list_routes() -> set[str]:
    from protocols import api as protocols_api

    router = DefaultRouter()
    protocols_api.register(router)
    # The charter is one record, not a list (``CHARTER_BUDGET``).
    return {f"{basename}-list" for _, _, basename in router.registry if basename != "charter"}


def test_every_governance_list_has_a_budget_within_the_design_ceiling():
    assert set(GOVERNANCE_LIST_BUDGETS) == governance_list_routes()
    assert max(GOVERNANCE_LIST_BUDGETS.values()) <= DESIGN_LIST_CEILING


@pytest.fixture(scope="class")
def governance_world(django_db_setup, django_db_blocker):
    """Fifty-five of every governance record, each holding several related rows (signatories
    and signatures, objectives and progress, votes, members, attendance). Rolled back after."""
    from decimal import Decimal

    from protocols import services as gov
    from protocols.models import ProtocolTopic

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            coord, today = world.coordinator, timezone.localdate()
            gov.set_charter(by=coord, mission="Mission", purpose="Purpose")
            topic = ProtocolTopic.objects.first()
            committee = None
            for n in range(MANY):
                goal = gov.add_goal(by=coord, title=f"Goal {n:03d}", position=n)
                for k in range(2):
                    objective = gov.add_objective(
                        by=coord, goal=goal, title=f"Objective {n}-{k}", owner=world.advocate_a,
                        measure="People", target_value=Decimal(10), target_date=today,
                    )  # fmt: skip
                    gov.record_progress(objective=objective, by=coord, value=Decimal(k + 1))
                mou = gov.create_mou(
                    by=coord, title=f"MOU {n:03d}", purpose="p", effective_date=today,
                    end_date=today, signatories=[{"agency": world.le_a}, {"agency": world.vsp_a}],
                )  # fmt: skip
                gov.circulate_mou(mou=mou, by=coord)
                gov.sign_mou(mou=mou, by=world.le_supervisor_a, agency=world.le_a, signer_title="C")
                gov.sign_mou(
                    mou=mou, by=world.vsp_supervisor_a, agency=world.vsp_a, signer_title="D"
                )
                protocol = gov.create_protocol(
                    by=coord, title=f"Protocol {n:03d}", topic=topic, owner=world.advocate_a,
                    review_date=today, text="Text",
                )  # fmt: skip
                gov.record_decision(
                    by=coord, question=f"Decision {n}", method="majority_vote", outcome="Yes",
                    decided_on=today, votes=[(world.le_a, "yes"), (world.vsp_a, "no")],
                    adopted_protocol_version=protocol.versions.get(),
                )  # fmt: skip
                gov.start_term(
                    by=coord, role="executive_board", user=world.prosecutor,
                    starts=dt.date(1950 + n, 1, 1), ends=dt.date(1950 + n, 12, 31),
                )  # fmt: skip
                committee = gov.create_committee(by=coord, name=f"Committee {n:03d}")
                for person in (world.advocate_a, world.investigator_a):
                    gov.add_committee_member(committee=committee, by=coord, user=person)
                meeting = gov.schedule_meeting(
                    by=coord, title=f"Meeting {n}", committee=committee,
                    held_at=timezone.now() - dt.timedelta(days=n + 1),
                )  # fmt: skip
                gov.record_minutes(
                    meeting=meeting, by=coord, minutes="m",
                    attendees=[world.advocate_a, world.investigator_a],
                )  # fmt: skip
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


class TestGovernanceBudgets:
    @pytest.mark.parametrize("route", sorted(GOVERNANCE_LIST_BUDGETS))
    def test_list_budget(self, governance_world, db, route):
        for persona in ("community_member", "coordinator"):
            user = governance_world.users[persona]
            assert_flat(user, reverse(route), GOVERNANCE_LIST_BUDGETS[route])

    @pytest.mark.parametrize("route", sorted(GOVERNANCE_DETAIL_BUDGETS))
    def test_detail_budget(self, governance_world, db, route):
        """The first and the last record cost the same, within the budget."""
        user = governance_world.community_member
        listing = route.replace("-detail", "-list")
        ids = [r["id"] for r in fresh(user).get(reverse(listing), {"page_size": 100})
               .json()["results"]]  # fmt: skip
        counts = []
        for pk in (ids[0], ids[-1]):
            n, _, queries = count(user, reverse(route, kwargs={"pk": pk}))
            assert n <= GOVERNANCE_DETAIL_BUDGETS[route], queries
            counts.append(n)
        assert counts[0] == counts[1], counts

    def test_charter_budget(self, governance_world, db):
        n, response, queries = count(governance_world.community_member, reverse("charter-list"))
        assert len(response.json()["goals"]) == MANY
        assert n <= CHARTER_BUDGET, queries


# --- Deadlines, notifications, reminder policies, and their pages -----------------------------

# Lists: the permission's membership check and the page (visibility is subqueries of it: one per
# source model of the kinds registered). Details: the same, for one record. Notifications are
# the caller's own (no access rule at all). Policies: membership check, the customized kinds,
# the policy rows.
# Deadlines: the compartments the caller's roles hold (which source models to look in at all),
# then the rows.
DEADLINE_LIST_BUDGETS = {"deadline-list": 3, "notification-list": 2}
DEADLINE_DETAIL_BUDGETS = {"deadline-detail": 3, "notification-detail": 2}
DEADLINE_POLICY_BUDGET = 3
# Pages: session and user, memberships in force, the unread badge, then the page's own reads:
# the three sections (one query) and the later page (deadlines); the week's deadlines and court
# dates; the
# notifications and the digest preference. Home: the panel's counts and soonest five, besides
# the five reads of advocate_a's victim-services section.
DEADLINE_PAGE_BUDGETS = {"deadlines": 6, "deadlines-week": 6, "notifications": 6, "home": 10}


@pytest.fixture(scope="class")
def deadline_world(django_db_setup, django_db_blocker):
    """Fifty-five referrals from le_a to vsp_a, each with its open response deadline, the first
    twenty accepted (their senders told: notifications for investigator_a); fifty-five more
    notifications for investigator_a. Built once, rolled back after the class."""
    from taskforce import deadlines
    from taskforce.models import NotificationKind
    from victims import services as victim_services

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            shelter = ServiceType.objects.get(code="housing-emergency-shelter")
            for n in range(MANY):
                referral = victim_services.send_referral(
                    from_agency=world.le_a, provider=world.vsp_a, by=world.investigator_a,
                    services_requested=[shelter], shared_name=f"Person {n:03d}",
                    urgency="urgent" if n % 3 == 0 else "routine",
                )  # fmt: skip
                if n < 20:
                    victim_services.accept_referral(referral=referral, by=world.advocate_a)
                deadlines.notify(
                    user=world.investigator_a, kind=NotificationKind.REMINDER,
                    title=f"Referral #{referral.pk}: due soon",
                )  # fmt: skip
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def warm(user, url: str) -> None:
    """One request first: the content types of the source models are cached per process after
    it, as in any running server (the first request of a process pays once)."""
    fresh(user).get(url)


def test_deadline_list_budgets_respect_the_design_ceiling():
    assert max(DEADLINE_LIST_BUDGETS.values()) <= DESIGN_LIST_CEILING


class TestDeadlineBudgets:
    @pytest.mark.parametrize(
        ("route", "persona"),
        [
            ("deadline-list", "investigator_a"),  # the sender
            ("deadline-list", "advocate_a"),  # the provider
            ("notification-list", "investigator_a"),  # the recipient
        ],
    )
    def test_list_budget(self, deadline_world, db, route, persona):
        user = deadline_world.users[persona]
        warm(user, reverse(route))
        assert_flat(user, reverse(route), DEADLINE_LIST_BUDGETS[route])

    def test_filtered_deadline_list_budget(self, deadline_world, db):
        url = reverse("deadline-list")
        user = deadline_world.advocate_a
        warm(user, url)
        small, _, _ = count(user, url, page_size=1, window="week", agency=deadline_world.vsp_a.pk)
        large, response, queries = count(
            user, url, page_size=50, window="week", agency=deadline_world.vsp_a.pk
        )
        assert len(response.json()["results"]) == MANY - 20  # the unanswered, all due within days
        assert small == large <= DEADLINE_LIST_BUDGETS["deadline-list"], queries

    @pytest.mark.parametrize("route", sorted(DEADLINE_DETAIL_BUDGETS))
    def test_detail_budget(self, deadline_world, db, route):
        user = deadline_world.investigator_a
        listing = route.replace("-detail", "-list")
        ids = [r["id"] for r in fresh(user).get(reverse(listing), {"page_size": 100})
               .json()["results"]]  # fmt: skip
        assert len(ids) >= 50
        warm(user, reverse(route, kwargs={"pk": ids[0]}))
        counts = []
        for pk in (ids[0], ids[-1]):
            n, _, queries = count(user, reverse(route, kwargs={"pk": pk}))
            assert n <= DEADLINE_DETAIL_BUDGETS[route], queries
            counts.append(n)
        assert counts[0] == counts[1], counts

    def test_policy_budget(self, deadline_world, db):
        n, response, queries = count(
            deadline_world.community_member, reverse("deadline-policy-list")
        )
        assert len(response.json()) == 13
        assert n <= DEADLINE_POLICY_BUDGET, queries


def page_queries(user, url: str) -> tuple[int, list[str]]:
    from tests.signin import SignedInClient as Client

    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    queries = data_queries(ctx)
    return len(queries), queries


@pytest.mark.parametrize("route", sorted(DEADLINE_PAGE_BUDGETS))
def test_deadline_page_budgets_do_not_grow_with_the_rows(world, route):
    """One referral, then fifty-five more (and as many notifications): the same count."""
    from taskforce import deadlines
    from taskforce.models import NotificationKind
    from victims import services as victim_services

    shelter = ServiceType.objects.get(code="housing-emergency-shelter")

    def add(n: int) -> None:
        victim_services.send_referral(
            from_agency=world.le_a, provider=world.vsp_a, by=world.investigator_a,
            services_requested=[shelter], urgency="urgent" if n % 2 else "routine",
        )  # fmt: skip
        deadlines.notify(user=world.advocate_a, kind=NotificationKind.REMINDER, title=f"#{n}")

    add(0)
    url = reverse(route)
    page_queries(world.advocate_a, url)  # warm the per-process content-type cache
    few, few_queries = page_queries(world.advocate_a, url)
    for n in range(1, MANY + 1):
        add(n)
    many, many_queries = page_queries(world.advocate_a, url)
    assert few == many, (few_queries, many_queries)
    assert many <= DEADLINE_PAGE_BUDGETS[route], many_queries
