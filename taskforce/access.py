"""The access layer: the only way to read compartmented records.

A user sees a record when

* one of their memberships in force is in the record's owner agency and its role may hold the
  record's compartment, or
* a grant (a guardian group object permission on the model's direct foreign-key table) exists to
  the group of an agency in which they hold such a membership.

Everything else is denied. ``is_superuser`` widens nothing here. The rule is one queryset filter
(``visible``) built from two indexed subqueries; object checks, API viewsets, browser views,
exports and reminders all reuse it, so there is exactly one rule to get right.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Literal, TypeVar

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404

from agencies.roles import PROTECTED_FROM_SERVICE_ACCOUNTS, Compartment, roles_that_may
from taskforce import audit
from taskforce.models import AuditAction, AuditOutcome, CompartmentedModel, GrantBase

if TYPE_CHECKING:
    from agencies.models import Agency

Action = Literal["view", "change"]
M = TypeVar("M", bound=models.Model)


# --- Registry ---------------------------------------------------------------------------------


def compartmented_models() -> list[type[CompartmentedModel]]:
    """Every concrete compartmented model, each checked for a compartment and a grant table."""
    found = [
        m
        for m in apps.get_models()
        if issubclass(m, CompartmentedModel) and not m._meta.abstract and not m._meta.proxy
    ]
    for model in found:
        grant_model_for(model)
    return found


@cache
def grant_model_for(model: type[models.Model]) -> type[GrantBase]:
    """The direct foreign-key grant table of a compartmented model."""
    if model.compartment not in Compartment.values or model.compartment in (
        Compartment.GOVERNANCE,
        Compartment.AGGREGATE,
    ):
        raise ImproperlyConfigured(f"{model.__name__} must declare a row-level compartment.")
    for rel in model._meta.related_objects:
        if issubclass(rel.related_model, GrantBase) and rel.field.name == "content_object":
            return rel.related_model
    raise ImproperlyConfigured(
        f"{model.__name__} has no grant table: declare a GrantBase subclass with a "
        f"content_object foreign key to it."
    )


def _codenames(model: type[models.Model], action: Action) -> list[str]:
    name = model._meta.model_name
    # A change grant includes view.
    return [f"change_{name}"] if action == "change" else [f"view_{name}", f"change_{name}"]


# --- Reads ------------------------------------------------------------------------------------


def _memberships_for(user, compartment: str, action: Action):
    """Memberships in force through which ``user`` may view/change records of ``compartment``."""
    from agencies.models import Membership

    memberships = Membership.objects.active().filter(
        user_id=user.pk, role__in=roles_that_may(compartment, action)
    )
    if compartment in PROTECTED_FROM_SERVICE_ACCOUNTS:
        memberships = memberships.filter(is_service_account=False)
    return memberships


def compartments_held(user, memberships=None) -> frozenset[str]:
    """The row-level compartments ``user`` may view at all: those that some membership in force
    holds by its role (every path of ``visible`` starts from such a membership, grants
    included). A model outside them is invisible to the user whatever grants exist, so a reader
    of many models may skip it. ``memberships``: the user's memberships in force, when the caller
    already has them (no query then); otherwise one query."""
    from agencies.models import Membership
    from agencies.roles import COMPARTMENT_ROLES

    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if memberships is None:
        held = set(
            Membership.objects.active()
            .filter(user_id=user.pk)
            .values_list("role", "is_service_account")
        )
    else:
        held = {(m.role, m.is_service_account) for m in memberships}
    return frozenset(
        compartment
        for compartment in COMPARTMENT_ROLES
        if any(
            role in roles_that_may(compartment, "view")
            and not (service and compartment in PROTECTED_FROM_SERVICE_ACCOUNTS)
            for role, service in held
        )
    )


def _granted(model, agency_groups, codenames: list[str]):
    """Subquery: ids of ``model`` records granted to those agency groups with those permissions."""
    return (
        grant_model_for(model)
        .objects.filter(
            group_id__in=agency_groups,
            permission__codename__in=codenames,
            permission__content_type__app_label=model._meta.app_label,
        )
        .values("content_object_id")
    )


def visible(
    user, queryset: models.QuerySet[M] | type[M], action: Action = "view"
) -> models.QuerySet[M]:
    """The records of ``queryset`` that ``user`` may view (or change). Deny by default.

    Besides the owner rule and the record's own grants, a model may declare

    * ``access_parent`` (a foreign key to a compartmented record) with ``parent_grants``:
      ``(codename, condition)`` pairs; a grant on the parent with that permission opens the
      children matching the condition (a prosecutor office referred a case sees its subjects
      and the notes marked for prosecution, not the rest of the file);
    * ``supervisors_and_assigned_only``: within the agency, only supervisors and the people
      assigned to the record's case see it;
    * ``grant_condition``: a callable returning a condition the record must meet for its grants
      to count (a release of information opens its recipient's view only while it is live, so
      revocation and expiry close access at once, before any job removes the grant row).
    """
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    model = qs.model
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    memberships = _memberships_for(user, model.compartment, action)
    agency_groups = memberships.values("agency__group_id")
    through_grant = Q(pk__in=_granted(model, agency_groups, _codenames(model, action)))
    grant_condition = getattr(model, "grant_condition", None)
    if grant_condition is not None:
        through_grant &= grant_condition()
    condition = Q(owner_agency__in=memberships.values("agency_id")) | through_grant
    parent = getattr(model, "access_parent", None)
    if parent:
        parent_model = model._meta.get_field(parent).related_model
        through_parent = Q(pk__in=[])
        for codename, extra in model.parent_grants:
            through_parent |= (
                Q(**{f"{parent}__in": _granted(parent_model, agency_groups, [codename])}) & extra
            )
        if action == "change":
            # Changing through the parent also needs the parent's change grant, and never
            # reaches a child the same grants would not let the user see.
            change_codename = f"change_{parent_model._meta.model_name}"
            through_parent &= Q(
                **{f"{parent}__in": _granted(parent_model, agency_groups, [change_codename])}
            )
        condition |= through_parent
    qs = qs.filter(condition)
    if getattr(model, "supervisors_and_assigned_only", False):
        from agencies.roles import SUPERVISOR_ROLES

        supervised = memberships.filter(role__in=SUPERVISOR_ROLES).values("agency_id")
        assigned = model._meta.get_field("case").related_model.assigned_investigators.through
        qs = qs.filter(
            Q(owner_agency__in=supervised)
            | Q(case__in=assigned.objects.filter(user_id=user.pk).values("case_id"))
        )
    return qs


def countable(user, queryset: models.QuerySet[M] | type[M]) -> models.QuerySet[M]:
    """Every record of ``queryset``, to be counted and never read: the aggregate compartment.

    Task-force-wide figures count every agency's records, and every member in force may read
    them once small cells are suppressed (DOMAIN §7: aggregate, non-identifying information may
    be shared in task force reports). The only caller is ``taskforce.reports``, which aggregates
    in the database and publishes through ``taskforce.suppression``; no row of this queryset
    reaches a page, a file or an API response. Anyone without a membership in force counts
    nothing.
    """
    from agencies.selectors import is_member

    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    if user is None or not user.is_authenticated or not user.is_active or not is_member(user):
        return qs.none()
    return qs


def can(user, obj: CompartmentedModel, action: Action = "view") -> bool:
    """Whether ``user`` may view/change this one record (the same rule as ``visible``)."""
    return visible(user, type(obj)._default_manager.filter(pk=obj.pk), action).exists()


def get_visible(
    user,
    queryset: models.QuerySet[M] | type[M],
    *,
    pk,
    action: Action = "view",
    audit_read: bool = True,
) -> M:
    """One record for ``user``: 404 if out of reach, 403 if visible but not changeable.

    Every call is audited (outcome ``denied`` for a 404 or 403), so attempts show in the trail.
    """
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    try:
        obj = visible(user, qs, "view").get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        audit.record(
            AuditAction.VIEW if action == "view" else AuditAction.CHANGE,
            user=user,
            object_type=qs.model._meta.label_lower,
            object_id=str(pk)[:64],
            outcome=AuditOutcome.DENIED,
            survive_rollback=True,
        )
        raise Http404(f"No {qs.model._meta.verbose_name} matches the given query.") from None
    if action == "change" and not can(user, obj, "change"):
        audit.record(
            AuditAction.CHANGE,
            user=user,
            obj=obj,
            outcome=AuditOutcome.DENIED,
            survive_rollback=True,
        )
        raise PermissionDenied(f"You may not change this {qs.model._meta.verbose_name}.")
    if audit_read and action == "view":
        audit.record(AuditAction.VIEW, user=user, obj=obj)
    return obj


def require(by, obj: CompartmentedModel, action: Action = "change") -> None:
    """For services: the acting person must be able to ``action`` ``obj`` (404 if they cannot
    see it, 403 if they see it but may not change it). ``by=None`` is the system itself
    (seeding, scheduled jobs), never a request."""
    if by is None:
        return
    get_visible(by, type(obj)._default_manager.all(), pk=obj.pk, action=action, audit_read=False)


# --- Grants -----------------------------------------------------------------------------------


def _permissions(
    model: type[models.Model], action: Action, extra: tuple[str, ...]
) -> list[Permission]:
    ct = ContentType.objects.get_for_model(model)
    codenames = [f"view_{model._meta.model_name}", *extra]
    if action == "change":
        codenames.append(f"change_{model._meta.model_name}")
    permissions = list(Permission.objects.filter(content_type=ct, codename__in=codenames))
    if len(permissions) != len(set(codenames)):
        raise ImproperlyConfigured(f"Unknown permission among {codenames} for {model.__name__}.")
    return permissions


@transaction.atomic
def grant(
    *,
    obj: CompartmentedModel,
    agency: Agency,
    action: Action,
    reason: str,
    by=None,
    extra_permissions: tuple[str, ...] = (),
) -> None:
    """Open ``obj`` to ``agency`` (view, or view and change) for a stated domain reason.

    ``extra_permissions`` names model permissions beyond view/change (e.g. ``view_case_file``).
    """
    if not reason:
        raise ValueError("A grant needs a reason.")
    if not getattr(type(obj), "grantable", True):
        raise PermissionDenied(f"A {type(obj)._meta.verbose_name} is never shared.")
    if agency.pk == obj.owner_agency_id:
        return  # the owner already holds its own records
    grant_model = grant_model_for(type(obj))
    for permission in _permissions(type(obj), action, extra_permissions):
        grant_model.objects.get_or_create(
            group_id=agency.group_id,
            permission=permission,
            content_object=obj,
            defaults={"reason": reason[:200], "granted_by": by},
        )
    audit.record(
        AuditAction.GRANT,
        user=by,
        obj=obj,
        detail={
            "agency_id": agency.pk,
            "permission": action,
            "extra": list(extra_permissions),
            "reason": reason[:200],
        },
    )


@transaction.atomic
def revoke(
    *, obj: CompartmentedModel, agency: Agency, reason: str, by=None, action: Action = "view"
) -> int:
    """Close ``obj`` to ``agency``: revoking ``view`` removes every grant, ``change`` only that."""
    if not reason:
        raise ValueError("A revocation needs a reason.")
    grant_model = grant_model_for(type(obj))
    rows = grant_model.objects.filter(group_id=agency.group_id, content_object=obj)
    if action == "change":
        rows = rows.filter(permission__codename=f"change_{type(obj)._meta.model_name}")
    removed, _ = rows.delete()
    audit.record(
        AuditAction.REVOKE,
        user=by,
        obj=obj,
        detail={"agency_id": agency.pk, "permission": action, "reason": reason[:200]},
    )
    return removed


def grants_on(obj: CompartmentedModel) -> models.QuerySet[GrantBase]:
    """The grants that open ``obj`` to other agencies (for the owner to review)."""
    return (
        grant_model_for(type(obj))
        .objects.filter(content_object=obj)
        .select_related("group__agency", "permission")
        .order_by("granted_at", "id")
    )
