"""Reads of the task force's governance records.

Governance is not row-level compartmented: every member in force reads every record here, and
nobody else reads any of it. Writers are coordinators and the people a record names as owner.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from agencies.models import Agency, Membership
from agencies.roles import SUPERVISOR_ROLES
from agencies.selectors import active_memberships, is_member, may_administer
from protocols.models import (
    Charter,
    Committee,
    CommitteeMember,
    Decision,
    Goal,
    LeadershipRole,
    LeadershipTerm,
    Meeting,
    Mou,
    MouSignatory,
    MouSignature,
    MouVersion,
    Objective,
    Protocol,
    ProtocolStatus,
    ProtocolVersion,
)

# A protocol whose review date falls within this many days is due for review.
REVIEW_SOON = dt.timedelta(days=30)


def may_read(user) -> bool:
    return is_member(user)


def may_coordinate(user) -> bool:
    """Coordinators run the task force's governance (administrators configure it)."""
    return may_administer(user)


def may_change_protocol(user, protocol: Protocol) -> bool:
    return may_coordinate(user) or protocol.owner_id == getattr(user, "pk", None)


def may_report_on(user, objective: Objective) -> bool:
    return may_coordinate(user) or objective.owner_id == getattr(user, "pk", None)


def signing_memberships(user, agency: Agency) -> QuerySet[Membership]:
    """The user's memberships in force through which they may sign for ``agency``."""
    return active_memberships(user).filter(
        Q(role__in=SUPERVISOR_ROLES) | Q(is_coordinator=True), agency=agency
    )


def _none_unless_member(user, qs: QuerySet) -> QuerySet:
    return qs if may_read(user) else qs.none()


def charter() -> Charter | None:
    return Charter.objects.first()


def goals(user) -> QuerySet[Goal]:
    return _none_unless_member(user, Goal.objects.all())


def charter_goals(user) -> QuerySet[Goal]:
    """Goals with their objectives (owners included) for the charter page: three queries."""
    return goals(user).prefetch_related(
        Prefetch(
            "objectives",
            queryset=Objective.objects.select_related("owner").order_by("target_date", "id"),
        )
    )


def objectives(user, *, goal: int | None = None, status: str = "", owner=None) -> QuerySet:
    qs = Objective.objects.select_related("goal", "owner")
    if goal:
        qs = qs.filter(goal_id=goal)
    if status:
        qs = qs.filter(status=status)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return _none_unless_member(user, qs)


def mous(user, *, search: str = "", status: str = "", agency: int | None = None) -> QuerySet:
    qs = Mou.objects.annotate(signatory_count=Count("signatories", distinct=True))
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(purpose__icontains=search))
    if status:
        qs = qs.filter(status=status)
    if agency:
        qs = qs.filter(signatories__agency_id=agency)
    return _none_unless_member(user, qs)


def mou_with_parts(qs: QuerySet[Mou]) -> QuerySet[Mou]:
    """An MOU with its signatories, versions and signatures loaded in a fixed number of reads."""
    return qs.prefetch_related(
        Prefetch("signatories", queryset=MouSignatory.objects.select_related("agency")),
        Prefetch(
            "versions",
            queryset=MouVersion.objects.prefetch_related(
                Prefetch(
                    "signatures",
                    queryset=MouSignature.objects.select_related("signer", "signatory"),
                )
            ).order_by("-number"),
        ),
    )


def current_version(mou: Mou) -> MouVersion | None:
    for version in mou.versions.all():
        if version.number == mou.version:
            return version
    return None


def signature_table(mou: Mou) -> list[tuple[MouSignatory, object]]:
    """Each signatory with its signature on the current version (or None)."""
    version = current_version(mou)
    signed = {s.signatory_id: s for s in version.signatures.all()} if version else {}
    return [(signatory, signed.get(signatory.pk)) for signatory in mou.signatories.all()]


def protocols(
    user,
    *,
    search: str = "",
    topic: str = "",
    status: str = "",
    due_for_review: bool = False,
    on: dt.date | None = None,
) -> QuerySet[Protocol]:
    qs = Protocol.objects.select_related("topic", "owner", "adopted_version")
    if search:
        qs = qs.filter(title__icontains=search)
    if topic:
        qs = qs.filter(topic__code=topic)
    if status:
        qs = qs.filter(status=status)
    if due_for_review:
        qs = qs.filter(review_date__lte=(on or timezone.localdate()) + REVIEW_SOON).exclude(
            status=ProtocolStatus.RETIRED
        )
    return _none_unless_member(user, qs)


def protocol_versions(user, *, protocol: int | None = None) -> QuerySet[ProtocolVersion]:
    qs = ProtocolVersion.objects.select_related("protocol", "created_by")
    if protocol:
        qs = qs.filter(protocol_id=protocol)
    return _none_unless_member(user, qs)


def decisions(user, *, search: str = "", method: str = "", current: bool = False) -> QuerySet:
    qs = Decision.objects.select_related(
        "adopted_protocol_version__protocol", "adopted_mou", "superseded_by", "recorded_by"
    ).prefetch_related("votes__agency")
    if search:
        qs = qs.filter(Q(question__icontains=search) | Q(outcome__icontains=search))
    if method:
        qs = qs.filter(method=method)
    if current:
        qs = qs.filter(superseded_by__isnull=True)
    return _none_unless_member(user, qs)


def in_force(qs: QuerySet, on: dt.date) -> QuerySet:
    return qs.filter(Q(ends__isnull=True) | Q(ends__gte=on), starts__lte=on)


def leadership_terms(
    user, *, role: str = "", current: bool = False, on: dt.date | None = None
) -> QuerySet[LeadershipTerm]:
    qs = LeadershipTerm.objects.select_related("user", "agency", "committee")
    if role:
        qs = qs.filter(role=role)
    if current:
        qs = in_force(qs, on or timezone.localdate())
    return _none_unless_member(user, qs)


def typology_leads(
    trafficking_type: str, minor: bool, foreign_national: bool, on: dt.date | None = None
) -> dict[str, Agency | None]:
    """The lead agencies in force on ``on`` (today) for one victim typology.

    Returns ``{"law_enforcement": Agency | None, "service_provider": Agency | None}``; the
    services keep at most one lead per role and typology at any date. Not tied to a user: the
    caller (e.g. referral suggestions) has already decided who may see the answer.
    """
    terms = in_force(
        LeadershipTerm.objects.filter(
            role__in=[LeadershipRole.LEAD_LAW_ENFORCEMENT, LeadershipRole.LEAD_SERVICE_PROVIDER],
            trafficking_type=trafficking_type,
            minor=minor,
            foreign_national=foreign_national,
            agency__active=True,
        ),
        on or timezone.localdate(),
    ).select_related("agency")
    leads: dict[str, Agency | None] = {"law_enforcement": None, "service_provider": None}
    for term in terms.order_by("starts", "id"):
        key = (
            "law_enforcement"
            if term.role == LeadershipRole.LEAD_LAW_ENFORCEMENT
            else "service_provider"
        )
        leads[key] = term.agency
    return leads


def committees(user, *, search: str = "", active: bool | None = None) -> QuerySet[Committee]:
    qs = Committee.objects.annotate(
        member_count=Count("members", filter=Q(members__ends__isnull=True), distinct=True)
    )
    if search:
        qs = qs.filter(name__icontains=search)
    if active is not None:
        qs = qs.filter(active=active)
    return _none_unless_member(user, qs)


def committee_with_members(qs: QuerySet[Committee]) -> QuerySet[Committee]:
    return qs.prefetch_related(
        Prefetch(
            "members",
            queryset=CommitteeMember.objects.select_related("user", "agency").order_by(
                "ends", "user__last_name", "user__username", "id"
            ),
        )
    )


def meetings(user, *, search: str = "", committee: int | None = None) -> QuerySet[Meeting]:
    qs = Meeting.objects.select_related("committee", "minutes_by").annotate(
        attendee_count=Count("attendance", distinct=True)
    )
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(agenda__icontains=search))
    if committee:
        qs = qs.filter(committee_id=committee)
    return _none_unless_member(user, qs)
