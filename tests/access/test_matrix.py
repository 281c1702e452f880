"""The authorization matrix harness: every row of ``api_matrix`` and ``pages_matrix`` is run
against the fixture world, and every URL pattern of the project must appear in some row.

A row that writes and is refused (any 4xx) must also change nothing: every compartmented table,
its grants, the agencies and the memberships are compared before and after (``snapshot``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import CharField, Count, Max, Value
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Agency, Language, Membership
from cases import services as case_services
from cases.models import (
    Case,
    CaseNote,
    Charge,
    CourtEvent,
    DeconflictionHit,
    Identifier,
    Operation,
    Origin,
    PreOperationNotice,
    Prosecution,
    ProsecutionReferral,
    ProsecutorNote,
    Statute,
    Subject,
    TraffickingType,
)
from taskforce import access
from tests.access import (
    api_matrix,
    community_matrix,
    deadlines_matrix,
    governance_matrix,
    reports_matrix,
    signin_matrix,
    victims_matrix,
    victims_pages_matrix,
)
from tests.access.api_matrix import (
    AGENCY_OF,
    ANONYMOUS,
    CASE_A,
    CASE_B,
    CASE_CLOSED,
    CASE_JOINT,
    CASE_PENDING,
    CASE_REFERRED,
    CASE_SHARED,
    COURT,
    DOSSIER_A,
    DOSSIER_B,
    DOSSIER_SHARED,
    INACTIVE_AGENCY_NAME,
    NON_COORDINATORS,
    NOTE_A_MARKED,
    NOTE_A_UNMARKED,
    NOTE_JOINT,
    NOTE_REFERRED_MARKED,
    NOTE_REFERRED_UNMARKED,
    NOTE_SHARED,
    PHONE_A,
    PHONE_B,
    PHONE_REFERRED,
    PLAIN_ROLE,
    PROSECUTOR_NOTE,
    SEES,
    SITE_A,
    SITE_REFERRED,
    SITE_SHARED,
    SUBJECT_A,
    SUBJECT_B,
    SUBJECT_JOINT,
    SUBJECT_REFERRED,
    SUBJECT_SHARED,
)
from tests.access.matrix_types import Row
from tests.access.pages_matrix import PAGE_ROWS
from tests.access.signin_matrix import (
    PASSWORD_ONLY,
    PASSWORD_ONLY_ACCOUNT,
    SIGN_IN_ROUTES,
    password_only_rows,
)
from tests.conftest import build_world
from tests.factories import UserFactory, make_agency, make_member
from tests.isolation.models import Dossier
from tests.signin import SignedInClient as Client
from tests.signin import mark_signed_in


def _unique(rows: list[Row]) -> list[Row]:
    seen, kept = set(), []
    for row in rows:
        if repr(row) not in seen:
            seen.add(repr(row))
            kept.append(row)
    return kept


SECTIONS = (
    victims_matrix,
    victims_pages_matrix,
    governance_matrix,
    community_matrix,
    deadlines_matrix,
    reports_matrix,
    signin_matrix,
)
API_ROWS = _unique([*api_matrix.API_ROWS, *(row for s in SECTIONS for row in s.API_ROWS)])
ALL_PAGE_ROWS = _unique([*PAGE_ROWS, *(row for s in SECTIONS for row in s.PAGE_ROWS)])
_password_only_api, _password_only_pages = password_only_rows(API_ROWS, ALL_PAGE_ROWS)
API_ROWS = _unique([*API_ROWS, *_password_only_api])
ALL_PAGE_ROWS = _unique([*ALL_PAGE_ROWS, *_password_only_pages])

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
        if persona == ANONYMOUS:
            return None
        username = PASSWORD_ONLY_ACCOUNT if persona == PASSWORD_ONLY else persona
        return User.objects.get(username=username)


def _open(world, title: str, by: str, agency: str, **extra):
    return case_services.open_case(
        by=world.users[by],
        agency=world.agencies[agency],
        title=title,
        origin=extra.pop("origin", Origin.PROACTIVE),
        trafficking_type=extra.pop("trafficking_type", TraffickingType.SEX),
        jurisdiction_level="local",
        **extra,
    )


def _file(world, case, by: str, *, subject: str, notes=(), site: str | None = None):
    """A subject, notes ((body, marked) pairs) and an operation on ``case``, written by ``by``."""
    user = world.users[by]
    made = {
        "subject": case_services.add_subject(
            case=case, by=user, role="trafficker", last_name=subject
        )
    }
    made["notes"] = [
        case_services.add_note(
            case=case, by=user, note_type="tip", body=body, for_prosecution=marked
        )
        for body, marked in notes
    ]
    if site:
        starts = timezone.now() + dt.timedelta(days=3)
        made["operation"] = case_services.plan_operation(
            case=case,
            by=user,
            operation_type="search_warrant",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            location=site,
        )
    return made


def build_case_targets(world) -> dict[str, int]:
    """The case world of the matrix, made through ``cases.services`` as in life (see the
    constants in ``api_matrix``)."""
    inv_a, inv_b = world.investigator_a, world.investigator_b
    case_a = _open(world, CASE_A, "investigator_a", "le_a")
    a = _file(
        world,
        case_a,
        "investigator_a",
        subject=SUBJECT_A,
        site=SITE_A,
        notes=[(NOTE_A_MARKED, True), (NOTE_A_UNMARKED, False)],
    )
    phone_a = case_services.add_identifier(case=case_a, by=inv_a, kind="phone", value=PHONE_A)
    notice = case_services.send_pre_operation_notice(
        operation=a["operation"],
        provider=world.vsp_a,
        by=inv_a,
        window_starts=a["operation"].starts_at,
        window_ends=a["operation"].ends_at,
        expected_victims=3,
        genders=["female"],
        languages=Language.objects.filter(code="es"),
    )

    case_b = _open(world, CASE_B, "investigator_b", "le_b", trafficking_type=TraffickingType.LABOR)
    b = _file(world, case_b, "investigator_b", subject=SUBJECT_B)
    phone_b = case_services.add_identifier(case=case_b, by=inv_b, kind="phone", value=PHONE_B)

    shared = _open(world, CASE_SHARED, "investigator_a", "le_a")
    s = _file(
        world,
        shared,
        "investigator_a",
        subject=SUBJECT_SHARED,
        site=SITE_SHARED,
        notes=[(NOTE_SHARED, False)],
    )
    case_services.activate_case(case=shared, by=inv_a)
    case_services.share_case(case=shared, agency=world.le_b, access_level="view", by=inv_a)

    joint = _open(world, CASE_JOINT, "investigator_a", "le_a")
    j = _file(world, joint, "investigator_a", subject=SUBJECT_JOINT, notes=[(NOTE_JOINT, False)])
    case_services.share_case(case=joint, agency=world.le_b, access_level="change", by=inv_a)

    referred = _open(world, CASE_REFERRED, "investigator_a", "le_a")
    r = _file(
        world,
        referred,
        "investigator_a",
        subject=SUBJECT_REFERRED,
        site=SITE_REFERRED,
        notes=[(NOTE_REFERRED_MARKED, True), (NOTE_REFERRED_UNMARKED, False)],
    )
    phone_r = case_services.add_identifier(
        case=referred, by=inv_a, kind="phone", value=PHONE_REFERRED
    )
    referral = case_services.refer_for_prosecution(
        case=referred, office=world.prosecution, by=inv_a, message="Ready for charging review."
    )
    prosecution = case_services.accept_prosecution_referral(referral=referral, by=world.prosecutor)
    charge = case_services.add_charge(
        prosecution=prosecution,
        by=world.prosecutor,
        subject=r["subject"],
        statute=Statute.objects.get(citation="18 U.S.C. 1591"),
    )
    court_event = case_services.schedule_court_event(
        prosecution=prosecution,
        by=world.prosecutor,
        event_type="arraignment",
        # Noon today: always within this week's court calendar.
        scheduled_at=timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0),
        court=COURT,
    )
    prosecutor_note = case_services.add_prosecutor_note(
        prosecution=prosecution, by=world.prosecutor, body=PROSECUTOR_NOTE
    )

    pending_case = _open(world, CASE_PENDING, "investigator_a", "le_a")
    pending = case_services.refer_for_prosecution(
        case=pending_case, office=world.prosecution, by=inv_a
    )
    closed = _open(world, CASE_CLOSED, "investigator_a", "le_a")
    case_services.close_case(case=closed, by=inv_a, reason="Unfounded")

    # The author's edit window stays open for the whole module; the marked note's has closed.
    CaseNote.objects.filter(pk=a["notes"][1].pk).update(
        editable_until=timezone.now() + dt.timedelta(days=1)
    )
    CaseNote.objects.filter(pk=a["notes"][0].pk).update(
        editable_until=timezone.now() - dt.timedelta(minutes=1)
    )
    hits = {hit.owner_agency_id: hit for hit in DeconflictionHit.objects.all()}
    assert set(hits) == {world.le_a.pk, world.le_b.pk}, "the phones must match once each way"
    return {
        "case_a": case_a.pk,
        "case_b": case_b.pk,
        "case_shared": shared.pk,
        "case_joint": joint.pk,
        "case_referred": referred.pk,
        "case_pending": pending_case.pk,
        "case_closed": closed.pk,
        "subject_a": a["subject"].pk,
        "subject_b": b["subject"].pk,
        "subject_shared": s["subject"].pk,
        "subject_joint": j["subject"].pk,
        "subject_referred": r["subject"].pk,
        "identifier_a": phone_a.pk,
        "identifier_b": phone_b.pk,
        "identifier_referred": phone_r.pk,
        "note_a_marked": a["notes"][0].pk,
        "note_a_unmarked": a["notes"][1].pk,
        "note_shared": s["notes"][0].pk,
        "note_joint": j["notes"][0].pk,
        "note_referred_marked": r["notes"][0].pk,
        "note_referred_unmarked": r["notes"][1].pk,
        "operation_a": a["operation"].pk,
        "operation_shared": s["operation"].pk,
        "operation_referred": r["operation"].pk,
        "notice_a": notice.pk,
        "hit_a": hits[world.le_a.pk].pk,
        "hit_b": hits[world.le_b.pk].pk,
        "referral_accepted": referral.pk,
        "referral_pending": pending.pk,
        "prosecution_referred": prosecution.pk,
        "charge": charge.pk,
        "court_event": court_event.pk,
        "prosecutor_note": prosecutor_note.pk,
        # Choices of the browser forms.
        "statute_1589": Statute.objects.get(citation="18 U.S.C. 1589").pk,
        "language_es": Language.objects.get(code="es").pk,
        **{f"user_{name}": user.pk for name, user in world.users.items()},
    }


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
        **build_case_targets(world),
    }
    for section in SECTIONS:
        section_targets = section.build_targets(world)
        assert not set(section_targets) & set(fixed), f"{section.__name__} reuses a target name"
        fixed.update(section_targets)
    clash = set(fixed) & set(world.agencies)
    assert not clash, f"target names that hide an agency of the world: {clash}"
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
    """The row's URL; a target may carry a query string (``"case_a?tab=notes"``)."""
    if row.target is None:
        return reverse(row.route)
    name, _, query = row.target.partition("?")
    url = reverse(row.route, kwargs={"pk": targets.pk(name, row.persona)})
    return f"{url}?{query}" if query else url


def snapshot() -> tuple:
    """A fingerprint of every compartmented table, its grants and the agencies (row count,
    highest id, latest ``updated_at``: any insert, delete or save moves one of them), and every
    membership in full (they have no ``updated_at``). Two queries, whatever the row count."""
    models = [Agency]
    for model in access.compartmented_models():
        models += [model, access.grant_model_for(model)]
    per_table = []
    for model in models:
        marker = "updated_at" if hasattr(model, "updated_at") else "granted_at"
        per_table.append(
            model._default_manager.order_by()
            .annotate(table=Value(model._meta.label, output_field=CharField()))
            .values("table")
            .annotate(rows=Count("pk"), top=Max("pk"), last=Max(marker))
            .values_list("table", "rows", "top", "last")
        )
    tables = sorted(per_table[0].union(*per_table[1:], all=True))
    return tables, list(Membership.objects.order_by("pk").values_list())


def refused_write(row: Row) -> bool:
    if row.method in ("GET", "HEAD", "OPTIONS"):
        return False
    return row.expected >= 400 or (row.persona == PASSWORD_ONLY and row.route != "logout")


def run_checked(row: Row, targets: Targets, run) -> None:
    """Run the row; a write that is refused must leave every record and grant as it was."""
    before = snapshot() if refused_write(row) else None
    response = run(row, targets)
    check(row, response)
    if before is not None:
        after = snapshot()
        changed = [b for b, a in zip(before[0], after[0], strict=True) if a != b]
        if before[1] != after[1]:
            changed.append("memberships")
        assert not changed, f"{row}\n-> refused ({response.status_code}) but changed {changed}"


def run_api_row(row: Row, targets: Targets):
    client = APIClient()
    user = targets.user(row.persona)
    if row.persona == PASSWORD_ONLY:
        # A real session cookie, past the password only: what a browser would send.
        client.force_login(user)
        mark_signed_in(client, user, second_factor=False)
    elif user is not None:
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
    if row.persona == PASSWORD_ONLY:
        mark_signed_in(client, user, second_factor=False)
    url, data, method = url_for(row, targets), targets.data(row), row.method.lower()
    return getattr(client, method)(url) if data is None else getattr(client, method)(url, data)


def check(row: Row, response) -> None:
    body = response.content.decode(errors="replace")
    assert response.status_code == row.expected, f"{row}\n-> {response.status_code}: {body[:400]}"
    for text in row.absent:
        assert text not in body, f"{row}\n-> body shows {text!r}"
    if row.persona == ANONYMOUS and row.expected == 302 and row.route not in ("logout",):
        assert "login" in response["Location"], response["Location"]
    if row.persona == PASSWORD_ONLY and row.expected == 302 and row.route not in SIGN_IN_ROUTES:
        assert response["Location"].startswith("/accounts/two-factor/"), response["Location"]


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
    run_checked(row, targets, run_api_row)


@pytest.mark.parametrize("row", ALL_PAGE_ROWS, ids=_ids(ALL_PAGE_ROWS))
def test_page_row(row, targets):
    run_checked(row, targets, run_page_row)


def test_the_snapshot_sees_a_save_a_grant_a_revocation_and_a_membership_change(targets):
    """The "changes nothing" check of refused writes can fail."""
    steps = [
        lambda: Case.objects.get(pk=targets.pk("case_a", "-")).save(),
        lambda: access.grant(
            obj=Case.objects.get(pk=targets.pk("case_a", "-")),
            agency=targets.world.le_b,
            action="view",
            reason="joint operation",
        ),
        lambda: access.revoke(
            obj=Case.objects.get(pk=targets.pk("case_shared", "-")),
            agency=targets.world.le_b,
            reason="share ended",
        ),
        lambda: Membership.objects.filter(
            pk=targets.pk("colleague_membership", "le_supervisor_a")
        ).update(title="Sergeant"),
    ]
    for step in steps:
        before = snapshot()
        step()
        assert snapshot() != before


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


CASE_LIST_MODELS = {
    "case-list": Case,
    "subject-list": Subject,
    "identifier-list": Identifier,
    "case-note-list": CaseNote,
    "operation-list": Operation,
    "pre-operation-notice-list": PreOperationNotice,
    "deconfliction-hit-list": DeconflictionHit,
    "prosecution-referral-list": ProsecutionReferral,
    "prosecution-list": Prosecution,
    "charge-list": Charge,
    "court-event-list": CourtEvent,
    "prosecutor-note-list": ProsecutorNote,
}


def test_every_case_list_is_checked():
    assert {f"{route[: -len('-detail')]}-list" for route in SEES} == set(CASE_LIST_MODELS)


@pytest.mark.parametrize("route", sorted(CASE_LIST_MODELS))
def test_case_lists_hold_exactly_what_the_table_and_the_access_layer_say(targets, route):
    """Each persona's list holds every record ``SEES`` gives them and none it does not, exactly
    the access layer's answer; any record left out answers 404 on its detail."""
    model, detail = CASE_LIST_MODELS[route], route.replace("-list", "-detail")
    table = {targets.pk(target, "-"): seen for target, seen in SEES[detail].items()}
    for persona in AGENCY_OF:
        user = targets.user(persona)
        client = APIClient()
        client.force_authenticate(user=user)
        listed = {r["id"] for r in all_results(client, reverse(route))}
        expected = {pk for pk, seen in table.items() if persona in seen}
        assert expected <= listed, (persona, expected - listed)
        assert not (set(table) - expected) & listed, (persona, (set(table) - expected) & listed)
        reachable = access.visible(user, model)
        if model is Identifier:
            reachable = reachable.filter(retired=False)
        assert listed == set(reachable.values_list("pk", flat=True)), persona
        for pk in model.objects.exclude(pk__in=listed).values_list("pk", flat=True):
            response = client.get(reverse(detail, kwargs={"pk": pk}))
            assert response.status_code == 404, (persona, pk)
