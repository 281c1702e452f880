"""Reads of victims, clients, referrals, releases, services and relief, always through the
access layer. ``release_for`` is the only way information leaves a provider: item by item, for
the one recipient of a live release."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from agencies.models import Agency, Language, Membership, ServiceType
from agencies.roles import (
    PROTECTED_FROM_SERVICE_ACCOUNTS,
    Compartment,
    Discipline,
    roles_that_may,
)
from protocols.selectors import typology_leads
from taskforce import access, crypto
from victims.models import (
    Client,
    ClientNote,
    Consent,
    ConsentItem,
    ImmigrationRelief,
    NeedsAssessment,
    Referral,
    ReferralStatus,
    ServicePlan,
    ServiceRecord,
    VictimNotification,
    VictimWitness,
)

# --- victims and clients ----------------------------------------------------------------------


def profile_search(qs, search: str):
    """Records named by every word of ``search`` (given name, family name or alias), or the
    record numbered ``search``.

    Names are encrypted at rest, so the database matches keyed hashes of whole words
    (``taskforce.crypto.name_index_q``): "Rosa" finds "Rosa Delgado" in any case or accent, but
    a part of a word ("Ros") finds nothing."""
    search = (search or "").strip()
    if not search:
        return qs
    condition = crypto.name_index_q(search)
    if condition is None:
        return qs.none()
    if search.isdigit():
        condition |= Q(pk=int(search)) if len(search) < 18 else Q(pk__in=[])
    return qs.filter(condition)


def victims_for(
    user,
    *,
    search: str = "",
    trafficking_type: str = "",
    minor: bool | None = None,
    case: int | None = None,
    agency: int | None = None,
) -> QuerySet[VictimWitness]:
    qs = access.visible(user, VictimWitness.objects.all()).select_related(
        "owner_agency", "primary_language"
    )
    qs = profile_search(qs, search)
    if trafficking_type:
        qs = qs.filter(trafficking_type=trafficking_type)
    if minor is not None:
        qs = qs.filter(is_minor=minor)
    if case:
        qs = qs.filter(cases=case)
    if agency:
        qs = qs.filter(owner_agency_id=agency)
    return qs


def clients_for(
    user, *, search: str = "", status: str = "", minor: bool | None = None, mine: bool = False
) -> QuerySet[Client]:
    qs = access.visible(user, Client.objects.all()).select_related(
        "owner_agency", "primary_language", "case_manager"
    )
    qs = profile_search(qs, search)
    if status:
        qs = qs.filter(status=status)
    if minor is not None:
        qs = qs.filter(is_minor=minor)
    if mine:
        qs = qs.filter(case_manager=user)
    return qs


def may_see_immigration(user) -> bool:
    """Whether ``user`` acts through a membership that may hold immigration status (8 U.S.C.
    1367): a role of the immigration compartment, never a partner system's service account."""
    if user is None or not user.is_authenticated:
        return False
    memberships = Membership.objects.active().filter(
        user_id=user.pk, role__in=roles_that_may(Compartment.IMMIGRATION, "view")
    )
    if Compartment.IMMIGRATION in PROTECTED_FROM_SERVICE_ACCOUNTS:
        memberships = memberships.filter(is_service_account=False)
    return memberships.exists()


# --- referrals --------------------------------------------------------------------------------


def _my_agency_ids(user, roles=None):
    memberships = Membership.objects.active().filter(user_id=user.pk)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return memberships.values("agency_id")


def referrals_for(user, *, status: str = "", direction: str = "") -> QuerySet[Referral]:
    qs = access.visible(user, Referral.objects.all()).select_related(
        "owner_agency", "provider", "shared_language"
    )
    if status:
        qs = qs.filter(status=status)
    if direction == "received":
        qs = qs.filter(provider__in=_my_agency_ids(user))
    elif direction == "sent":
        qs = qs.filter(owner_agency__in=_my_agency_ids(user))
    return qs


def referral_inbox(user) -> QuerySet[Referral]:
    """Referrals received by the user's providers: unanswered first, the most overdue first."""
    return (
        referrals_for(user, direction="received")
        .annotate(
            answered=SqlCase(
                When(status=ReferralStatus.SENT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("answered", "respond_by", "id")
    )


def open_inbox(user) -> QuerySet[Referral]:
    """Only the unanswered ones, oldest deadline first (the provider's home)."""
    return (
        referrals_for(user, status=ReferralStatus.SENT, direction="received")
        .prefetch_related("services_requested")
        .order_by("respond_by", "id")
    )


def referrals_sent(user) -> QuerySet[Referral]:
    return referrals_for(user, direction="sent")


def is_referral_sender(user, referral: Referral) -> bool:
    return (
        Membership.objects.active()
        .filter(user_id=user.pk, agency_id=referral.owner_agency_id)
        .exists()
    )


def is_referral_provider(user, referral: Referral) -> bool:
    return (
        Membership.objects.active()
        .filter(
            user_id=user.pk,
            agency_id=referral.provider_id,
            role__in=roles_that_may(Compartment.SERVICES, "change"),
        )
        .exists()
    )


# --- provider matching ------------------------------------------------------------------------


@dataclass
class Suggestion:
    agency: Agency
    score: int
    matched_services: list[ServiceType] = field(default_factory=list)
    missing_services: list[ServiceType] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


SERVICE_WEIGHT = 3
POPULATION_WEIGHT = 2
LANGUAGE_WEIGHT = 2
# The task force's designated lead provider for the victim's typology (protocols leadership).
LEAD_WEIGHT = 2
GENDER_POPULATION = {
    "female": "female",
    "male": "male",
    "transgender": "transgender",
    "non_binary": "non-binary",
}


def _population_codes(*, minor, trafficking_type, foreign_national, gender) -> list[str]:
    codes = []
    if minor is not None:
        codes.append("minors" if minor else "adults")
    if trafficking_type in ("sex", "both"):
        codes.append("sex-trafficking")
    if trafficking_type in ("labor", "both"):
        codes.append("labor-trafficking")
    if foreign_national is not None:
        codes.append("foreign-nationals" if foreign_national else "us-citizens")
    if gender in GENDER_POPULATION:
        codes.append(GENDER_POPULATION[gender])
    return codes


def _typology_lead_providers(trafficking_type, minor, foreign_national) -> dict[int, str]:
    """The task force's lead service providers for the victim's typology (sex/labor x
    adult/minor x foreign national/U.S. citizen), when the typology is known: agency id ->
    the typology in words."""
    if minor is None or foreign_national is None:
        return {}
    kinds = {"sex": ["sex"], "labor": ["labor"], "both": ["sex", "labor"]}.get(trafficking_type, [])
    leads = {}
    for kind in kinds:
        lead = typology_leads(kind, minor, foreign_national)["service_provider"]
        if lead is not None:
            words = (
                f"{kind} trafficking of {'minors' if minor else 'adults'}, "
                f"{'foreign nationals' if foreign_national else 'U.S. citizens'}"
            )
            leads.setdefault(lead.pk, words)
    return leads


def suggest_providers(
    *,
    services=(),
    minor: bool | None = None,
    gender: str = "",
    trafficking_type: str = "",
    foreign_national: bool | None = None,
    language: Language | None = None,
    exclude: Agency | None = None,
    limit: int = 5,
) -> list[Suggestion]:
    """Active providers ranked by how well their capabilities fit the victim's needs.

    Capabilities are governance data (every member reads the directory), so no compartment is
    crossed: the ranking reads agencies only, never another provider's clients.
    """
    services = list(services)
    service_ids = [s.pk for s in services]
    codes = _population_codes(
        minor=minor,
        trafficking_type=trafficking_type,
        foreign_national=foreign_national,
        gender=gender,
    )
    providers = Agency.objects.filter(active=True, discipline=Discipline.VICTIM_SERVICES).annotate(
        service_hits=Count(
            "services_offered", filter=Q(services_offered__in=service_ids), distinct=True
        ),
        population_hits=Count(
            "populations_served", filter=Q(populations_served__code__in=codes), distinct=True
        ),
        speaks=Count("languages", filter=Q(languages=language.pk), distinct=True)
        if language
        else Value(0, output_field=IntegerField()),
    )
    if exclude is not None:
        providers = providers.exclude(pk=exclude.pk)
    leads = _typology_lead_providers(trafficking_type, minor, foreign_national)

    def score(agency) -> int:
        return (
            agency.service_hits * SERVICE_WEIGHT
            + agency.population_hits * POPULATION_WEIGHT
            + agency.speaks * LANGUAGE_WEIGHT
            + (LEAD_WEIGHT if agency.pk in leads else 0)
        )

    ranked = sorted(
        providers.prefetch_related("services_offered", "populations_served"),
        key=lambda a: (-score(a), a.name),
    )[:limit]
    suggestions = []
    for agency in ranked:
        offered = {s.pk for s in agency.services_offered.all()}
        served = {p.code: p.name for p in agency.populations_served.all()}
        matched = [s for s in services if s.pk in offered]
        missing = [s for s in services if s.pk not in offered]
        reasons = []
        if services:
            reasons.append(f"Offers {len(matched)} of {len(services)} services requested")
        reasons += [f"Serves {served[c].lower()}" for c in codes if c in served]
        if language and agency.speaks:
            reasons.append(f"Works in {language.name}")
        if agency.pk in leads:
            reasons.append(f"Task force lead provider for {leads[agency.pk]}")
        suggestions.append(
            Suggestion(
                agency=agency,
                score=score(agency),
                matched_services=matched,
                missing_services=missing,
                reasons=reasons,
            )
        )
    return suggestions


# --- releases of information ------------------------------------------------------------------


def consents_for(user, *, state: str = "") -> QuerySet[Consent]:
    qs = access.visible(user, Consent.objects.all()).select_related(
        "owner_agency", "recipient", "client", "language"
    )
    today = timezone.localdate()
    if state == "live":
        qs = qs.filter(Consent.live_q(today))
    elif state == "revoked":
        qs = qs.filter(revoked_at__isnull=False)
    elif state == "expired":
        qs = qs.filter(revoked_at__isnull=True, expires_on__lt=today)
    return qs


def releases_to(user) -> QuerySet[Consent]:
    """Live releases made to the user's agencies (the recipient's view)."""
    return consents_for(user, state="live").filter(recipient__in=_my_agency_ids(user))


def is_release_owner(user, consent: Consent) -> bool:
    return (
        Membership.objects.active()
        .filter(
            user_id=user.pk,
            agency_id=consent.owner_agency_id,
            role__in=roles_that_may(Compartment.SERVICES, "view"),
        )
        .exists()
    )


def release_for(user, consent: Consent) -> dict:
    """The items of the client that this release opens for ``user``, and nothing else."""
    return releases_for(user, [consent]).get(consent.pk, {})


# --- client file ------------------------------------------------------------------------------


def services_for(user, *, client: int | None = None) -> QuerySet[ServiceRecord]:
    qs = access.visible(user, ServiceRecord.objects.all()).select_related(
        "service_type", "partner", "owner_agency", "client"
    )
    return qs.filter(client_id=client) if client else qs


def assessments_for(user, *, client: int | None = None) -> QuerySet[NeedsAssessment]:
    qs = access.visible(user, NeedsAssessment.objects.all()).prefetch_related("needs")
    return qs.filter(client_id=client) if client else qs


def plans_for(user, *, client: int | None = None) -> QuerySet[ServicePlan]:
    qs = access.visible(user, ServicePlan.objects.all())
    return qs.filter(client_id=client) if client else qs


def client_notes_for(user, *, client: int | None = None) -> QuerySet[ClientNote]:
    qs = access.visible(user, ClientNote.objects.all()).select_related("author")
    return qs.filter(client_id=client) if client else qs


def relief_for(
    user, *, victim: int | None = None, client: int | None = None
) -> QuerySet[ImmigrationRelief]:
    qs = access.visible(user, ImmigrationRelief.objects.all()).select_related(
        "owner_agency", "certifying_agency"
    )
    if victim:
        qs = qs.filter(victim_id=victim)
    if client:
        qs = qs.filter(client_id=client)
    return qs


def notifications_for(user, *, victim: int | None = None) -> QuerySet[VictimNotification]:
    qs = access.visible(user, VictimNotification.objects.all()).select_related(
        "given_by", "owner_agency"
    )
    return qs.filter(victim_id=victim) if victim else qs


def releases_for(user, consents) -> dict[int, dict]:
    """The released items of a page of releases, keyed by consent id, in at most three queries
    whatever the page size.

    Each release is checked again through the access layer, so a revoked or expired release, or
    anyone but its owner and its recipient, gets nothing. Keys appear only for covered items.
    """
    consents = list(consents)
    allowed = set(
        access.visible(user, Consent.objects.filter(pk__in=[c.pk for c in consents])).values_list(
            "pk", flat=True
        )
    )
    consents = [c for c in consents if c.pk in allowed]
    services_of = {c.client_id for c in consents if c.covers(ConsentItem.SERVICES_RECEIVED)}
    relief_of = {c.client_id for c in consents if c.covers(ConsentItem.IMMIGRATION_RELIEF_STATUS)}
    services: dict[int, list] = {}
    if services_of:
        for s in (
            ServiceRecord.objects.filter(client_id__in=services_of)
            .select_related("service_type")
            .order_by("started_on", "id")
        ):
            services.setdefault(s.client_id, []).append(s)
    relief: dict[int, list] = {}
    if relief_of:
        for r in ImmigrationRelief.objects.filter(client_id__in=relief_of).order_by(
            "requested_on", "id"
        ):
            relief.setdefault(r.client_id, []).append(r)
    released = {}
    for consent in consents:
        client = consent.client
        items: dict = {}
        if consent.covers(ConsentItem.IDENTITY):
            items[ConsentItem.IDENTITY] = {
                "given_name": client.given_name,
                "family_name": client.family_name,
                "alias": client.alias,
                "date_of_birth": client.date_of_birth,
            }
        if consent.covers(ConsentItem.CONTACT_INFORMATION):
            items[ConsentItem.CONTACT_INFORMATION] = {
                "phone": client.phone,
                "email": client.email,
                "address": client.address,
                "safe_contact_notes": client.safe_contact_notes,
            }
        if consent.covers(ConsentItem.ENROLLMENT_STATUS):
            items[ConsentItem.ENROLLMENT_STATUS] = {
                "status": client.enrollment_status,
                "enrolled_on": client.enrolled_on,
                "exited_on": client.exited_on,
            }
        if consent.covers(ConsentItem.SERVICES_RECEIVED):
            items[ConsentItem.SERVICES_RECEIVED] = [
                {
                    "service_type": s.service_type.name,
                    "voca_category": s.service_type.voca_category,
                    "status": s.status,
                    "started_on": s.started_on,
                    "ended_on": s.ended_on,
                }
                for s in services.get(client.pk, [])
            ]
        if consent.covers(ConsentItem.IMMIGRATION_RELIEF_STATUS):
            items[ConsentItem.IMMIGRATION_RELIEF_STATUS] = [
                {
                    "kind": r.kind,
                    "status": r.status,
                    "requested_on": r.requested_on,
                    "decided_on": r.decided_on,
                    "expires_on": r.expires_on,
                }
                for r in relief.get(client.pk, [])
            ]
        released[consent.pk] = items
    return released
