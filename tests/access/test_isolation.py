"""Isolation of every compartmented model, proven generically through the access layer.

Each test runs once per model registered in ``isolation_registry``. Who should see what is not
written out by hand: it is derived from ``agencies.roles.COMPARTMENT_ROLES`` and the memberships
of the fixture world, so the suite follows the rule table rather than restating it.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q
from django.forms.models import model_to_dict
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from agencies import services
from agencies.models import Membership
from agencies.roles import COMPARTMENT_ROLES, SUPERVISOR_ROLES, roles_that_may
from taskforce import access
from taskforce.models import AuditEvent
from tests.access.isolation_registry import REGISTRY, make
from tests.conftest import PERSONAS
from tests.factories import make_member

MODELS = sorted(REGISTRY, key=lambda m: m._meta.label)
NO_MEMBERSHIP = ("ended_member", "outsider", "admin")

# Every test taking ``model`` runs once per registered compartmented model.
per_model = pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)


# --- Deriving the expectations from the rule table ------------------------------------------


def roles_for(model):
    view, change = COMPARTMENT_ROLES[model.compartment]
    return view, change


def memberships_in_force(world) -> dict[str, list[tuple[str, str]]]:
    """persona -> [(agency key, role)] for every membership in force today."""
    key_of = {agency.pk: key for key, agency in world.agencies.items()}
    found = {}
    for persona in PERSONAS:
        rows = Membership.objects.active().filter(user=world.users[persona])
        found[persona] = [(key_of[m.agency_id], m.role) for m in rows]
    return found


def personas_of(world, agency_key: str) -> list[tuple[str, str]]:
    """(persona, role) of everyone acting for one agency of the world."""
    return [
        (persona, role)
        for persona, rows in memberships_in_force(world).items()
        for key, role in rows
        if key == agency_key
    ]


def owner_key(world, model) -> str:
    """The agency with the most members whose role may hold the model's compartment."""
    view, _ = roles_for(model)
    return max(
        world.agencies,
        key=lambda key: sum(role in view for _, role in personas_of(world, key)),
    )


def grantee_key(world, model, owner: str) -> str:
    """Another agency whose members may hold the compartment, preferring ones who may change."""
    view, change = roles_for(model)

    def score(key):
        roles = [role for _, role in personas_of(world, key)]
        return (sum(r in change for r in roles), sum(r in view for r in roles))

    candidates = [key for key in world.agencies if key != owner]
    best = max(candidates, key=score)
    assert score(best)[1], f"no agency of the world may hold {model.compartment} besides {owner}"
    return best


def ineligible_agency_keys(world, model) -> list[str]:
    """Agencies of the world none of whose members may ever hold the compartment."""
    view, _ = roles_for(model)
    return [
        key
        for key in world.agencies
        if personas_of(world, key) and not any(role in view for _, role in personas_of(world, key))
    ]


def parent_field(model) -> str | None:
    """The foreign key to a compartmented record whose grants also open this one, if any."""
    return getattr(model, "access_parent", None)


def parent_model(model):
    return model._meta.get_field(parent_field(model)).related_model


def condition_fields(condition: Q) -> dict:
    """The field values a record needs to meet a declared parent-grant condition.

    Conditions are plain ANDed equalities on the record's own fields; anything richer would need
    its own expectation here, so it fails loudly instead of being guessed.
    """
    assert condition.connector == Q.AND and not condition.negated, condition
    fields = {}
    for child in condition.children:
        assert isinstance(child, tuple) and "__" not in child[0], condition
        fields[child[0]] = child[1]
    return fields


def meets(record, condition: Q) -> bool:
    fields = condition_fields(condition)
    return all(getattr(record, name) == value for name, value in fields.items())


def opened_through_parent(model, record, codenames: set[str], action) -> bool:
    """Does a grant on the record's parent carrying ``codenames`` open the record?

    View: some declared ``(codename, condition)`` pair matches. Change: a change grant on the
    parent, and the record is one that grant lets its holders see at all (change never reaches
    further than view).
    """
    if not parent_field(model):
        return False
    viewed = any(code in codenames and meets(record, cond) for code, cond in model.parent_grants)
    if action == "view":
        return viewed
    return viewed and f"change_{parent_model(model)._meta.model_name}" in codenames


def restricted(model) -> bool:
    """Within the owner agency, only supervisors and people assigned to the record's case."""
    return getattr(model, "supervisors_and_assigned_only", False)


def grantable(model) -> bool:
    return getattr(model, "grantable", True)


def reaches(
    model, record, user, rows, owner: str, granted: dict[str, str], action, parent_granted=None
) -> bool:
    """What the rule table says: does ``user``, acting through ``rows`` ([(agency key, role)]),
    reach ``record`` (owned by ``owner``, granted to ``granted``: agency key -> view/change;
    its parent granted to ``parent_granted``: agency key -> set of permission codenames)?"""
    allowed = roles_that_may(model.compartment, action)
    parent_granted = parent_granted or {}
    through = [
        key
        for key, role in rows
        if role in allowed
        and (
            key == owner
            or granted.get(key) in (("view", "change") if action == "view" else ("change",))
            or opened_through_parent(model, record, parent_granted.get(key, set()), action)
        )
    ]
    if not through:
        return False
    if restricted(model):
        supervises_owner = any(
            key == owner and role in allowed and role in SUPERVISOR_ROLES for key, role in rows
        )
        return supervises_owner or record.case.assigned_investigators.filter(pk=user.pk).exists()
    return True


def share(model, *, obj, agency, action, reason, by=None) -> bool:
    """Grant through the access layer; a model that is never shared must refuse, opening nothing."""
    if grantable(model):
        access.grant(obj=obj, agency=agency, action=action, reason=reason, by=by)
        return True
    with pytest.raises(PermissionDenied):
        access.grant(obj=obj, agency=agency, action=action, reason=reason, by=by)
    assert not access.grants_on(obj).exists()
    return False


def assert_rule_holds(
    world, model, records: dict, granted: dict, personas=None, parent_granted=None
) -> int:
    """Every persona sees exactly what the rule table says, through every entry point.

    ``records``: record -> owner agency key; ``granted``: record -> {agency key: view/change};
    ``parent_granted``: record -> {agency key: permission codenames held on its parent}.
    Returns how many (persona, record) pairs were visible, so callers can refuse a vacuous run.
    """
    positives = 0
    parent_granted = parent_granted or {}
    for persona, rows in memberships_in_force(world).items():
        if personas is not None and persona not in personas:
            continue
        user = world.users[persona]
        expected = {
            action: {
                record.pk
                for record, owner in records.items()
                if reaches(
                    model,
                    record,
                    user,
                    rows,
                    owner,
                    granted.get(record, {}),
                    action,
                    parent_granted.get(record),
                )
            }
            for action in ("view", "change")
        }
        positives += len(expected["view"])
        assert_sees_exactly(user, model, expected["view"], expected["change"], records)
    return positives


def assert_sees_exactly(user, model, expected_view: set, expected_change: set, records) -> None:
    """The selector, the object check and the single-record getter agree, record by record."""
    assert set(access.visible(user, model).values_list("pk", flat=True)) == expected_view
    assert set(access.visible(user, model, "change").values_list("pk", flat=True)) == (
        expected_change
    )
    for record in records:
        may_view = record.pk in expected_view
        may_change = record.pk in expected_change
        assert access.can(user, record, "view") is may_view, (user, record.pk)
        assert access.can(user, record, "change") is may_change, (user, record.pk)
        if may_view:
            assert access.get_visible(user, model, pk=record.pk) == record
        else:
            with pytest.raises(Http404):
                access.get_visible(user, model, pk=record.pk)
        if may_change:
            assert access.get_visible(user, model, pk=record.pk, action="change") == record
        elif may_view:
            with pytest.raises(PermissionDenied):
                access.get_visible(user, model, pk=record.pk, action="change")
        else:
            with pytest.raises(Http404):
                access.get_visible(user, model, pk=record.pk, action="change")


# --- The registry itself --------------------------------------------------------------------


def test_every_compartmented_model_is_registered():
    missing = [m._meta.label for m in access.compartmented_models() if m not in REGISTRY]
    assert not missing, f"register these in tests/access/isolation_registry.py: {missing}"
    stale = [m._meta.label for m in REGISTRY if m not in access.compartmented_models()]
    assert not stale, f"not compartmented models: {stale}"


@per_model
def test_factory_makes_a_record_of_the_owner(world, model):
    record = make(model, world.le_b)
    assert isinstance(record, model)
    assert record.pk is not None
    assert record.owner_agency_id == world.le_b.pk
    assert model.compartment in COMPARTMENT_ROLES


# --- Owner agency ---------------------------------------------------------------------------


@per_model
def test_owner_members_see_by_role_and_nobody_else_does(world, model):
    """A record of every agency; each member sees exactly their own agency's, if their role may."""
    records = {make(model, agency): key for key, agency in world.agencies.items()}
    positives = assert_rule_holds(world, model, records, granted={})
    assert positives, "no persona of the world may hold this compartment: the test proves nothing"


@per_model
def test_members_of_other_agencies_get_404(world, model):
    owner = owner_key(world, model)
    record = make(model, world.agencies[owner])
    others = [
        persona
        for persona, rows in memberships_in_force(world).items()
        if rows and all(key != owner for key, _ in rows)
    ]
    assert others
    for persona in others:
        user = world.users[persona]
        assert not access.visible(user, model).filter(pk=record.pk).exists()
        with pytest.raises(Http404):
            access.get_visible(user, model, pk=record.pk)
        with pytest.raises(Http404):
            access.get_visible(user, model, pk=record.pk, action="change")


@per_model
def test_owner_members_whose_role_may_not_hold_it_see_nothing(world, model):
    """Owned by an agency whose roles may not hold the compartment: even its own members are out."""
    view, _ = roles_for(model)
    for key in ineligible_agency_keys(world, model):
        record = make(model, world.agencies[key])
        for persona, role in personas_of(world, key):
            assert role not in view
            assert not access.can(world.users[persona], record)
            with pytest.raises(Http404):
                access.get_visible(world.users[persona], model, pk=record.pk)


# --- Grants ---------------------------------------------------------------------------------


@per_model
def test_view_grant_opens_exactly_that_record_for_view_only(world, model):
    owner = owner_key(world, model)
    grantee = grantee_key(world, model, owner)
    record = make(model, world.agencies[owner])
    sibling = make(model, world.agencies[owner])
    shared = share(
        model, obj=record, agency=world.agencies[grantee], action="view", reason="co-investigation"
    )
    granted = {record: {grantee: "view"}} if shared else {}
    assert_rule_holds(world, model, {record: owner, sibling: owner}, granted)
    if shared and not restricted(model):
        readers = [p for p, role in personas_of(world, grantee) if role in roles_for(model)[0]]
        assert readers, "the grant opened the record to nobody: the test proves nothing"
        for persona in readers:
            assert not access.can(world.users[persona], record, "change")


@per_model
def test_change_grant_allows_change_by_role(world, model):
    owner = owner_key(world, model)
    record = make(model, world.agencies[owner])
    granted = {}
    for key, agency in world.agencies.items():
        if key != owner and share(
            model, obj=record, agency=agency, action="change", reason="joint operation"
        ):
            granted[key] = "change"
    assert_rule_holds(world, model, {record: owner}, {record: granted})
    if granted and not restricted(model):
        changers = [
            p
            for p, rows in memberships_in_force(world).items()
            if any(key != owner and role in roles_for(model)[1] for key, role in rows)
        ]
        assert changers, "no persona outside the owner may change this compartment even by grant"
        assert all(access.can(world.users[p], record, "change") for p in changers)


@per_model
def test_grant_to_an_agency_whose_roles_may_not_hold_it_opens_nothing(world, model):
    record = make(model, world.agencies[owner_key(world, model)])
    for key in ineligible_agency_keys(world, model):
        share(model, obj=record, agency=world.agencies[key], action="change", reason="mistake")
        for persona, _ in personas_of(world, key):
            assert_sees_exactly(world.users[persona], model, set(), set(), [record])


@per_model
def test_revoke_closes_the_record_again(world, model):
    owner = owner_key(world, model)
    grantee = grantee_key(world, model, owner)
    agency = world.agencies[grantee]
    record = make(model, world.agencies[owner])
    everyone = {record: owner}

    if share(model, obj=record, agency=agency, action="view", reason="co-investigation"):
        assert_rule_holds(world, model, everyone, {record: {grantee: "view"}})
    removed = access.revoke(obj=record, agency=agency, reason="investigation closed")
    assert removed == (1 if grantable(model) else 0)  # the one view permission row
    assert not access.grants_on(record).exists()
    assert_rule_holds(world, model, everyone, {})

    # Revoking change keeps view; revoking view then removes everything.
    if share(model, obj=record, agency=agency, action="change", reason="joint operation"):
        assert_rule_holds(world, model, everyone, {record: {grantee: "change"}})
        access.revoke(obj=record, agency=agency, reason="back to read only", action="change")
        assert_rule_holds(world, model, everyone, {record: {grantee: "view"}})
    access.revoke(obj=record, agency=agency, reason="operation over")
    assert not access.grants_on(record).exists()
    assert_rule_holds(world, model, everyone, {})


@per_model
def test_grant_to_the_owner_itself_adds_nothing(world, model):
    owner = world.agencies[owner_key(world, model)]
    record = make(model, owner)
    share(model, obj=record, agency=owner, action="change", reason="redundant")
    assert not access.grants_on(record).exists()


@per_model
def test_grant_and_revoke_need_a_reason(world, model):
    owner = owner_key(world, model)
    record = make(model, world.agencies[owner])
    agency = world.agencies[grantee_key(world, model, owner)]
    with pytest.raises(ValueError, match="reason"):
        access.grant(obj=record, agency=agency, action="view", reason="")
    with pytest.raises(ValueError, match="reason"):
        access.revoke(obj=record, agency=agency, reason="")
    assert not access.grants_on(record).exists()


# --- Grants on a parent record (``access_parent`` / ``parent_grants``) ------------------------

CHILD_MODELS = [m for m in MODELS if parent_field(m)]
per_child_model = pytest.mark.parametrize("model", CHILD_MODELS, ids=lambda m: m._meta.label)


def test_parent_rules_name_real_permissions_of_a_compartmented_parent():
    for model in CHILD_MODELS:
        parent = parent_model(model)
        assert parent in REGISTRY, f"{model.__name__}'s parent must be compartmented"
        name = parent._meta.model_name
        known = {f"{a}_{name}" for a in parent._meta.default_permissions}
        known |= {codename for codename, _ in parent._meta.permissions}
        for codename, condition in model.parent_grants:
            assert codename in known, (model.__name__, codename)
            condition_fields(condition)  # a condition the suite can evaluate


def grant_parent(record, agency, codename: str, action) -> set[str]:
    """Grant the record's parent to ``agency`` so that it carries ``codename``; returns every
    codename the grant then holds (a grant always includes view; change adds change)."""
    parent = getattr(record, parent_field(type(record)))
    name = type(parent)._meta.model_name
    extra = () if codename in (f"view_{name}", f"change_{name}") else (codename,)
    access.grant(
        obj=parent, agency=agency, action=action, reason="co-investigation", extra_permissions=extra
    )
    return {f"view_{name}", *extra, *([f"change_{name}"] if action == "change" else [])}


def records_for_each_condition(world, model, owner: str) -> list:
    """A record made with the defaults, and one meeting each declared condition."""
    agency = world.agencies[owner]
    records = [make(model, agency)]
    for _, condition in model.parent_grants:
        if condition_fields(condition):
            records.append(make(model, agency, **condition_fields(condition)))
    return records


@per_child_model
@pytest.mark.parametrize("action", ["view", "change"])
def test_a_grant_on_the_parent_opens_exactly_the_children_its_rules_name(world, model, action):
    """For each declared parent permission: a grant on the parent carrying it opens the children
    meeting that rule's condition to the grantee, by role, and nothing else; revoking the parent
    grant closes them all again."""
    owner = owner_key(world, model)
    grantee = grantee_key(world, model, owner)
    readers = [p for p, role in personas_of(world, grantee) if role in roles_for(model)[0]]
    records, held = {}, {}
    for codename in sorted({code for code, _ in model.parent_grants}):
        for record in records_for_each_condition(world, model, owner):
            records[record] = owner
            held[record] = {
                grantee: grant_parent(record, world.agencies[grantee], codename, action)
            }
        assert_rule_holds(world, model, records, {}, parent_granted=held)
        opened = [
            r
            for r in records
            if opened_through_parent(model, r, held[r][grantee], "view")
            and codename in held[r][grantee]
        ]
        assert opened, f"no record opened through {codename}: the test proves nothing"
        for record in opened:
            assert all(access.can(world.users[p], record) for p in readers), record
        with CaptureQueriesContext(connection) as ctx:
            list(access.visible(world.users[readers[0]], model, action))
        assert len(ctx.captured_queries) == 1, ctx.captured_queries

    for record in records:
        parent = getattr(record, parent_field(model))
        access.revoke(obj=parent, agency=world.agencies[grantee], reason="share ended")
    assert_rule_holds(world, model, records, {})


@per_child_model
def test_a_grant_on_the_child_alone_does_not_open_its_parent(world, model):
    owner = owner_key(world, model)
    grantee = grantee_key(world, model, owner)
    record = make(model, world.agencies[owner])
    access.grant(obj=record, agency=world.agencies[grantee], action="change", reason="joint")
    parent = getattr(record, parent_field(model))
    for persona, _ in personas_of(world, grantee):
        assert not access.can(world.users[persona], parent)


# --- People with nothing in force -----------------------------------------------------------


def assert_sees_nothing(user, model, records) -> None:
    assert not access.visible(user, model).exists()
    assert not access.visible(user, model, "change").exists()
    for record in records:
        assert not access.can(user, record, "view")
        assert not access.can(user, record, "change")
        with pytest.raises(Http404):
            access.get_visible(user, model, pk=record.pk)


def _open_everything(world, model):
    """A record owned by every agency, each opened for change to every other agency."""
    records = [make(model, agency) for agency in world.agencies.values()]
    for record in records:
        for agency in world.agencies.values():
            share(model, obj=record, agency=agency, action="change", reason="wide open")
    return records


@per_model
@pytest.mark.parametrize("persona", NO_MEMBERSHIP)
def test_nobody_without_a_membership_in_force_sees_anything(world, model, persona):
    """Ended member of the owner, superuser with no membership, outsider: nothing at all."""
    records = _open_everything(world, model)
    user = world.users[persona]
    assert not Membership.objects.active().filter(user=user).exists()
    assert_sees_nothing(user, model, records)


@per_model
def test_anonymous_sees_nothing(world, model):
    assert_sees_nothing(AnonymousUser(), model, _open_everything(world, model))
    assert_sees_nothing(None, model, [])


@per_model
def test_deactivated_user_sees_nothing(world, model):
    records = _open_everything(world, model)
    user = world.users[next(p for p, r in personas_of(world, owner_key(world, model)))]
    user.is_active = False
    user.save()
    assert_sees_nothing(user, model, records)


@per_model
def test_membership_not_yet_started_grants_nothing(world, model):
    key = owner_key(world, model)
    owner = world.agencies[key]
    role = sorted(roles_for(model)[0] & {r for _, r in personas_of(world, key)})[0]
    records = [make(model, owner)]
    recruit = make_member(
        "recruit", owner, role, starts=timezone.localdate() + dt.timedelta(days=1)
    )
    assert_sees_nothing(recruit, model, records)


@per_model
def test_members_of_a_deactivated_agency_see_nothing(world, model):
    key = owner_key(world, model)
    owner = world.agencies[key]
    records = [make(model, owner)]
    members = [world.users[p] for p, _ in personas_of(world, key)]
    services.update_agency(agency=owner, by=None, active=False)
    for user in members:
        assert_sees_nothing(user, model, records)


# --- How the rule runs ----------------------------------------------------------------------


@per_model
@pytest.mark.parametrize("action", ["view", "change"])
def test_visible_is_one_query_with_subqueries(world, model, action):
    owner = owner_key(world, model)
    grantee = grantee_key(world, model, owner)
    others = [make(model, world.agencies[owner]) for _ in range(3)]
    shared = make(model, world.agencies[owner])
    opened = share(
        model, obj=shared, agency=world.agencies[grantee], action="change", reason="joint"
    )
    granted = {shared: {grantee: "change"}} if opened else {}
    persona = personas_of(world, grantee)[0][0]
    user, rows = world.users[persona], memberships_in_force(world)[persona]
    expected = {
        r.pk
        for r in [*others, shared]
        if reaches(model, r, user, rows, owner, granted.get(r, {}), action)
    }
    with CaptureQueriesContext(connection) as ctx:
        found = list(access.visible(user, model, action))
    assert {r.pk for r in found} == expected
    assert len(ctx.captured_queries) == 1, ctx.captured_queries
    sql = ctx.captured_queries[0]["sql"].upper()
    # Memberships in force and the grant table are subqueries of the one statement.
    assert sql.count("IN (SELECT") >= 2, sql


# --- Audit ----------------------------------------------------------------------------------


@per_model
def test_grant_and_revoke_are_audited_with_ids_only(world, model):
    owner = owner_key(world, model)
    grantee = world.agencies[grantee_key(world, model, owner)]
    record = make(model, world.agencies[owner])
    by = world.users[personas_of(world, owner)[0][0]]
    shared = share(
        model, obj=record, agency=grantee, action="view", reason="co-investigation", by=by
    )
    access.revoke(obj=record, agency=grantee, reason="investigation closed", by=by)

    events = list(
        AuditEvent.objects.filter(
            object_type=model._meta.label_lower, object_id=str(record.pk)
        ).order_by("id")
    )
    expected = [("grant", "success")] if shared else []
    assert [(e.action, e.outcome) for e in events] == [*expected, ("revoke", "success")]
    for event in events:
        assert event.detail["agency_id"] == grantee.pk
        assert event.detail["permission"] == "view"
        assert event.user_id == by.pk
        assert event.acting_agency_id == world.agencies[owner].pk
        text = json.dumps(model_to_dict(event), default=str)
        names = [grantee.name, world.agencies[owner].name, by.username, by.first_name, str(record)]
        for name in names:
            assert name not in text, name
    assert events[-1].detail["reason"] == "investigation closed"
    if shared:
        assert events[0].detail["reason"] == "co-investigation"


# --- The admin site -------------------------------------------------------------------------


@per_model
def test_admin_site_does_not_bypass(world, model, client):
    """A compartmented model is either absent from the admin or shown only through the rule."""
    record = make(model, world.agencies[owner_key(world, model)])
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    if not admin.site.is_registered(model):
        with pytest.raises(NoReverseMatch):
            reverse(f"{name}_changelist")
        return
    client.force_login(world.admin)
    listing = client.get(reverse(f"{name}_changelist"))
    assert str(record) not in listing.content.decode()
    change = client.get(reverse(f"{name}_change", args=[record.pk]))
    assert change.status_code in (302, 404)
    assert str(record) not in change.content.decode()


@per_model
def test_superuser_flag_widens_nothing(world, model):
    """Making a member a superuser changes nothing about what they see."""
    records = [make(model, agency) for agency in world.agencies.values()]
    user = world.investigator_b
    before = set(access.visible(user, model).values_list("pk", flat=True))
    user.is_superuser = user.is_staff = True
    user.save()
    assert set(access.visible(user, model).values_list("pk", flat=True)) == before
    assert len(before) < len(records)


@per_model
def test_ended_membership_closes_the_record_at_once(world, model):
    """A membership that ended yesterday grants nothing today, whatever the groups still say."""
    owner = owner_key(world, model)
    record = make(model, world.agencies[owner])
    everyone = memberships_in_force(world)
    persona = next(
        p
        for p, _ in personas_of(world, owner)
        if reaches(model, record, world.users[p], everyone[p], owner, {}, "view")
    )
    user = world.users[persona]
    membership = Membership.objects.active().get(user=user, agency=world.agencies[owner])
    services.end_membership(membership=membership, by=None, ends=timezone.localdate())
    assert access.can(user, record), "a membership is in force through its last day"
    # A day later: move the whole period back rather than the clock forward.
    Membership.objects.filter(pk=membership.pk).update(
        starts=membership.starts - dt.timedelta(days=2),
        ends=timezone.localdate() - dt.timedelta(days=1),
    )
    assert user.groups.filter(pk=world.agencies[owner].group_id).exists()
    assert not access.can(user, record)
    with pytest.raises(Http404):
        access.get_visible(user, model, pk=record.pk)
