"""Victims services: who may take each step, what each refusal says and that it changes nothing,
the referral state machine and its response clocks, provider matching, the relief clocks, the
rules of a release of information, victim notifications, notes and exits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from agencies import services as agency_services
from agencies.models import Language, Population, ServiceType
from agencies.roles import Discipline, JurisdictionLevel, Role
from cases import services as case_services
from cases.models import Origin, TraffickingType
from taskforce import access
from taskforce.errors import InvalidTransition
from tests.factories import make_agency, make_member
from victims import selectors, services
from victims.models import (
    Citizenship,
    Client,
    ClientNote,
    ClientStatus,
    Consent,
    ConsentGrant,
    ConsentItem,
    DeclineReason,
    ExitReason,
    IdentificationSource,
    ImmigrationRelief,
    NeedsAssessment,
    PlanStatus,
    Referral,
    ReferralGrant,
    ReferralSource,
    ReferralStatus,
    ReliefKind,
    RevocationMethod,
    ServicePlan,
    ServiceRecord,
    ServiceStatus,
    SharingForm,
    SignerRole,
    Urgency,
    VictimNotification,
    VictimWitness,
)

DAY = dt.timedelta(days=1)
ADULT_BIRTH = dt.date(1995, 6, 1)


def today() -> dt.date:
    return timezone.localdate()


def service_type(code: str) -> ServiceType:
    return ServiceType.objects.get(code=code)


def language(code: str) -> Language:
    return Language.objects.get(code=code)


def field_errors(excinfo) -> set[str]:
    return set(getattr(excinfo.value, "error_dict", {}))


def new_victim(world, *, agency=None, by=None, **fields) -> VictimWitness:
    fields.setdefault("given_name", "Marisol")
    fields.setdefault("identified_on", today() - 20 * DAY)
    fields.setdefault("identification_source", IdentificationSource.REACTIVE)
    return services.record_victim(
        agency=agency or world.le_a, by=by or world.investigator_a, **fields
    )


def new_client(world, *, agency=None, by=None, **fields) -> Client:
    fields.setdefault("given_name", "Ana")
    fields.setdefault("identified_on", today() - 20 * DAY)
    fields.setdefault("identification_source", IdentificationSource.PROVIDER)
    fields.setdefault("enrolled_on", today() - 10 * DAY)
    fields.setdefault("date_of_birth", ADULT_BIRTH)
    return services.record_client(agency=agency or world.vsp_a, by=by or world.advocate_a, **fields)


def minor_birth_date() -> dt.date:
    """Fifteen at identification (20 days ago)."""
    return (today() - 20 * DAY).replace(month=1, day=1) - dt.timedelta(days=15 * 365)


def send(world, **over) -> Referral:
    kwargs = {
        "from_agency": world.le_a,
        "provider": world.vsp_a,
        "by": world.investigator_a,
        "services_requested": [service_type("housing-emergency-shelter")],
        "shared_name": "Ana",
        "shared_age": 24,
    }
    kwargs.update(over)
    return services.send_referral(**kwargs)


def consent_kwargs(world, client, **over) -> dict:
    kwargs = {
        "client": client,
        "by": world.advocate_a,
        "recipient": world.prosecution,
        "items": [ConsentItem.ENROLLMENT_STATUS],
        "purpose": "Court accompaniment planning",
        "sharing_form": SharingForm.ELECTRONIC,
        "starts_on": today(),
        "expires_on": today() + 90 * DAY,
        "signer_name": "Ana",
        "signer_role": SignerRole.CLIENT,
        "voluntariness_explained": True,
        "right_to_revoke_explained": True,
    }
    kwargs.update(over)
    return kwargs


@pytest.fixture
def case(world):
    return case_services.open_case(
        by=world.investigator_a,
        agency=world.le_a,
        title="Operation Lantern",
        origin=Origin.PROACTIVE,
        trafficking_type=TraffickingType.SEX,
        jurisdiction_level="local",
    )


@pytest.fixture
def federal(world):
    """A federal law-enforcement agency and its case agent (Continued Presence is theirs)."""
    agency = make_agency(
        "Federal Investigations Field Office",
        acronym="FIFO",
        jurisdiction_level=JurisdictionLevel.FEDERAL,
    )
    agent = make_member("federal_agent", agency, Role.INVESTIGATOR)
    return agency, agent


# --- victim-witness records -------------------------------------------------------------------


def test_record_victim_by_law_enforcement_links_its_visible_cases(world, case):
    victim = new_victim(world, cases=[case], family_name="Reyes", date_of_birth=ADULT_BIRTH)
    victim.refresh_from_db()
    assert victim.owner_agency == world.le_a
    assert list(victim.cases.all()) == [case]
    assert victim.age_at_identification is not None and victim.is_minor is False
    assert access.can(world.le_supervisor_a, victim, "change")
    assert not access.can(world.investigator_b, victim)
    assert not access.can(world.prosecutor, victim)


def test_prosecution_records_its_own_victims(world):
    victim = new_victim(world, agency=world.prosecution, by=world.vw_coordinator)
    assert victim.owner_agency == world.prosecution
    assert access.can(world.prosecutor, victim, "change")


@pytest.mark.parametrize(
    ("persona", "agency"),
    [
        ("advocate_a", "vsp_a"),  # a provider keeps clients, not victim-witness records
        ("community_member", "community"),
        ("coordinator", "office"),
        ("investigator_b", "le_a"),  # not a member of the agency
        ("ended_member", "le_a"),
        ("admin", "le_a"),
    ],
)
def test_record_victim_refused_outside_law_enforcement_and_prosecution_staff(
    world, persona, agency
):
    with pytest.raises(PermissionDenied):
        new_victim(world, agency=world.agencies[agency], by=world.users[persona])
    assert not VictimWitness.objects.exists()


def test_record_victim_refuses_a_case_the_recorder_cannot_see(world):
    other = case_services.open_case(
        by=world.investigator_b,
        agency=world.le_b,
        title="Beta",
        origin=Origin.REACTIVE,
        trafficking_type=TraffickingType.LABOR,
        jurisdiction_level="local",
    )
    with pytest.raises((ValidationError, Http404)) as exc:
        new_victim(world, cases=[other])
    if isinstance(exc.value, ValidationError):
        assert field_errors(exc) == {"cases"}
    assert not VictimWitness.objects.exists()


# (overrides as a function of today, the field named in the refusal)
PROFILE_REFUSALS = [
    (lambda t: {"date_of_birth": t + DAY}, "date_of_birth"),
    (lambda t: {"date_of_birth": dt.date(1899, 12, 31)}, "date_of_birth"),
    (lambda t: {"date_of_birth": None, "estimated_age": 121}, "estimated_age"),
    (lambda t: {"date_of_birth": None, "estimated_age": -1}, "estimated_age"),
    (lambda t: {"date_of_birth": ADULT_BIRTH, "estimated_age": 30}, "estimated_age"),
    (lambda t: {"identified_on": t + DAY}, "identified_on"),
    (
        lambda t: {"date_of_birth": ADULT_BIRTH, "identified_on": ADULT_BIRTH - DAY},
        "identified_on",
    ),
    (
        lambda t: {"enrolled_on": None, "exited_on": t - DAY, "exit_reason": "goals_met"},
        "exited_on",
    ),
    (
        lambda t: {"enrolled_on": t - 10 * DAY, "exited_on": t - 11 * DAY, "exit_reason": "moved"},
        "exited_on",
    ),
    (
        lambda t: {"enrolled_on": t - 10 * DAY, "exited_on": t + DAY, "exit_reason": "moved"},
        "exited_on",
    ),
    (lambda t: {"race_ethnicity": ["martian"]}, "race_ethnicity"),
    (lambda t: {"race_ethnicity": ["asian", "asian"]}, "race_ethnicity"),
    (lambda t: {"race_ethnicity": ["not_reported", "white"]}, "race_ethnicity"),
    (lambda t: {"disabilities": ["telepathy"]}, "disabilities"),
    (lambda t: {"disabilities": ["vision", "vision"]}, "disabilities"),
    (lambda t: {"disabilities": ["vision", "not_reported"]}, "disabilities"),
    (lambda t: {"email": "not-an-address"}, "email"),
]


@pytest.mark.parametrize("holder", ["victim", "client"])
@pytest.mark.parametrize(("overrides", "field"), PROFILE_REFUSALS)
def test_profile_refusals_name_the_field_and_create_nothing(world, holder, overrides, field):
    make = new_victim if holder == "victim" else new_client
    fields = {"date_of_birth": ADULT_BIRTH, "enrolled_on": today() - 10 * DAY}
    fields.update(overrides(today()))
    with pytest.raises(ValidationError) as exc:
        make(world, **fields)
    assert field in field_errors(exc), exc.value
    assert not VictimWitness.objects.exists()
    assert not Client.objects.exists()


@pytest.mark.parametrize("holder", ["victim", "client"])
def test_valid_lists_and_dates_are_accepted(world, holder):
    make = new_victim if holder == "victim" else new_client
    person = make(
        world,
        race_ethnicity=["asian", "hispanic"],
        disabilities=["not_reported"],
        email="ana@example.org",
        enrolled_on=today() - 10 * DAY,
        exited_on=today(),
        exit_reason=ExitReason.GOALS_MET,
    )
    person.refresh_from_db()
    assert person.race_ethnicity == ["asian", "hispanic"]
    assert person.exited_on == today()


def test_a_refused_update_changes_nothing(world):
    victim = new_victim(world, date_of_birth=ADULT_BIRTH)
    with pytest.raises(ValidationError) as exc:
        services.update_victim(victim=victim, by=world.investigator_a, date_of_birth=today() + DAY)
    assert "date_of_birth" in field_errors(exc)
    assert VictimWitness.objects.get(pk=victim.pk).date_of_birth == ADULT_BIRTH

    client = new_client(world)
    with pytest.raises(ValidationError) as exc:
        services.update_client(client=client, by=world.advocate_a, email="nope")
    assert field_errors(exc) == {"email"}
    assert Client.objects.get(pk=client.pk).email == ""


def test_only_the_holder_updates_a_record(world):
    victim = new_victim(world)
    client = new_client(world)
    for user in (world.investigator_b, world.advocate_a, world.prosecutor, world.admin):
        with pytest.raises(Http404):
            services.update_victim(victim=victim, by=user, given_name="X")
    for user in (world.investigator_a, world.advocate_b, world.prosecutor, world.admin):
        with pytest.raises(Http404):
            services.update_client(client=client, by=user, given_name="X")
    assert VictimWitness.objects.get(pk=victim.pk).given_name == "Marisol"
    assert Client.objects.get(pk=client.pk).given_name == "Ana"


def test_share_victim_opens_to_read_and_unshare_closes(world):
    victim = new_victim(world)
    services.share_victim(victim=victim, agency=world.le_b, by=world.investigator_a)
    assert access.can(world.investigator_b, victim)
    assert not access.can(world.investigator_b, victim, "change")
    with pytest.raises(PermissionDenied):
        services.update_victim(victim=victim, by=world.investigator_b, given_name="X")
    with pytest.raises(PermissionDenied):
        services.share_victim(victim=victim, agency=world.prosecution, by=world.investigator_b)
    assert not access.can(world.prosecutor, victim)
    services.unshare_victim(victim=victim, agency=world.le_b, by=world.investigator_a)
    assert not access.can(world.investigator_b, victim)


@pytest.mark.parametrize("agency", ["vsp_a", "community", "office"])
def test_victim_records_are_shared_only_with_law_enforcement_or_prosecution(world, agency):
    victim = new_victim(world)
    with pytest.raises(ValidationError) as exc:
        services.share_victim(victim=victim, agency=world.agencies[agency], by=world.investigator_a)
    assert field_errors(exc) == {"agency"}
    assert not access.grants_on(victim).exists()


# --- client records -----------------------------------------------------------------------------


def test_record_client_by_the_providers_staff(world):
    client = new_client(world, by=world.vsp_supervisor_a)
    assert client.owner_agency == world.vsp_a
    assert client.status == ClientStatus.ACTIVE
    assert access.can(world.advocate_a, client, "change")
    assert not access.can(world.advocate_b, client)


@pytest.mark.parametrize(
    ("persona", "agency"),
    [
        ("investigator_a", "le_a"),
        ("prosecutor", "prosecution"),
        ("advocate_b", "vsp_a"),
        ("community_member", "community"),
        ("admin", "vsp_a"),
    ],
)
def test_record_client_refused_outside_the_providers_staff(world, persona, agency):
    with pytest.raises(PermissionDenied):
        new_client(world, agency=world.agencies[agency], by=world.users[persona])
    assert not Client.objects.exists()


def test_exit_client_then_409_when_already_exited(world):
    client = new_client(world)
    exited = services.exit_client(
        client=client, by=world.advocate_a, exited_on=today(), exit_reason=ExitReason.GOALS_MET
    )
    assert (exited.status, exited.exited_on, exited.exit_reason) == (
        ClientStatus.EXITED,
        today(),
        ExitReason.GOALS_MET,
    )
    with pytest.raises(InvalidTransition):
        services.exit_client(
            client=Client.objects.get(pk=client.pk),
            by=world.advocate_a,
            exited_on=today(),
            exit_reason=ExitReason.MOVED,
        )
    assert Client.objects.get(pk=client.pk).exit_reason == ExitReason.GOALS_MET


def test_exit_refusals_change_nothing(world):
    client = new_client(world)
    with pytest.raises(ValidationError) as exc:
        services.exit_client(
            client=client,
            by=world.advocate_a,
            exited_on=client.enrolled_on - DAY,
            exit_reason=ExitReason.MOVED,
        )
    assert field_errors(exc) == {"exited_on"}
    with pytest.raises(ValidationError) as exc:
        services.exit_client(
            client=Client.objects.get(pk=client.pk),
            by=world.advocate_a,
            exited_on=today(),
            exit_reason="vanished",
        )
    assert field_errors(exc) == {"exit_reason"}
    with pytest.raises(Http404):
        services.exit_client(
            client=client, by=world.advocate_b, exited_on=today(), exit_reason=ExitReason.MOVED
        )
    fresh = Client.objects.get(pk=client.pk)
    assert (fresh.status, fresh.exited_on) == (ClientStatus.ACTIVE, None)


# --- referrals ----------------------------------------------------------------------------------


def test_send_referral_grants_change_to_the_provider_only(world):
    victim = new_victim(world)
    referral = send(world, victim=victim)
    assert referral.status == ReferralStatus.SENT
    assert referral.owner_agency == world.le_a and referral.provider == world.vsp_a
    assert referral.sent_by == world.investigator_a
    assert access.can(world.advocate_a, referral, "change")
    assert access.can(world.vsp_supervisor_a, referral, "change")
    assert not access.can(world.advocate_b, referral)
    assert not access.can(world.investigator_b, referral)
    # The provider never reaches the sender's victim record through the referral.
    assert not access.can(world.advocate_a, victim)


@pytest.mark.parametrize(
    ("urgency", "age", "hours", "minor"),
    [
        (Urgency.ROUTINE, 30, 72, False),
        (Urgency.ROUTINE, None, 72, False),
        (Urgency.URGENT, 30, 24, False),
        (Urgency.ROUTINE, 16, 24, True),
        (Urgency.ROUTINE, 17, 24, True),
        (Urgency.ROUTINE, 18, 72, False),
        (Urgency.URGENT, 12, 24, True),
    ],
)
def test_respond_by_is_72_hours_or_24_when_urgent_or_a_minor(world, urgency, age, hours, minor):
    referral = send(world, urgency=urgency, shared_age=age)
    referral.refresh_from_db()
    assert referral.respond_by - referral.sent_at == dt.timedelta(hours=hours)
    assert referral.is_minor is minor


def test_any_discipline_may_refer(world):
    for user, agency in [
        (world.prosecutor, world.prosecution),
        (world.community_member, world.community),
        (world.advocate_b, world.vsp_b),
    ]:
        referral = send(world, from_agency=agency, by=user)
        assert referral.owner_agency == agency
    assert Referral.objects.count() == 3


@pytest.mark.parametrize(
    ("make_overrides", "field"),
    [
        (lambda w: {"services_requested": []}, "services_requested"),
        (lambda w: {"provider": w.le_b}, "provider"),
        (lambda w: {"provider": w.community}, "provider"),
        (
            lambda w: {"from_agency": w.vsp_a, "by": w.advocate_a, "provider": w.vsp_a},
            "provider",
        ),
        (lambda w: {"urgency": "whenever"}, "urgency"),
        (lambda w: {"shared_age": 130}, "shared_age"),
    ],
)
def test_send_referral_refusals_name_the_field_and_create_nothing(world, make_overrides, field):
    with pytest.raises(ValidationError) as exc:
        send(world, **make_overrides(world))
    assert field in field_errors(exc), exc.value
    assert not Referral.objects.exists()
    assert not ReferralGrant.objects.exists()


def test_send_referral_refuses_an_inactive_provider(world):
    agency_services.update_agency(agency=world.vsp_b, by=None, active=False)
    with pytest.raises(ValidationError) as exc:
        send(world, provider=world.vsp_b)
    assert field_errors(exc) == {"provider"}
    assert not Referral.objects.exists()


@pytest.mark.parametrize("persona", ["investigator_b", "ended_member", "advocate_a", "admin"])
def test_only_members_of_the_sending_agency_refer_for_it(world, persona):
    with pytest.raises(PermissionDenied):
        send(world, by=world.users[persona])
    assert not Referral.objects.exists()


def test_send_referral_refuses_another_agencys_victim(world):
    theirs = new_victim(world, agency=world.le_b, by=world.investigator_b)
    with pytest.raises((ValidationError, Http404)) as exc:
        send(world, victim=theirs)
    if isinstance(exc.value, ValidationError):
        assert field_errors(exc) == {"victim"}
    assert not Referral.objects.exists()


def _step(world, name: str, referral_pk: int):
    referral = Referral.objects.get(pk=referral_pk)
    if name == "accept":
        return services.accept_referral(referral=referral, by=world.advocate_a)
    if name == "decline":
        return services.decline_referral(
            referral=referral, by=world.advocate_a, reason=DeclineReason.NO_CAPACITY
        )
    if name == "withdraw":
        return services.withdraw_referral(
            referral=referral, by=world.investigator_a, reason="Person moved away"
        )
    return services.close_referral(referral=referral, by=world.advocate_a, note="Done")


@pytest.mark.parametrize(
    ("path", "final"),
    [
        (["accept"], ReferralStatus.ACCEPTED),
        (["decline"], ReferralStatus.DECLINED),
        (["withdraw"], ReferralStatus.WITHDRAWN),
        (["accept", "close"], ReferralStatus.CLOSED),
        (["decline", "close"], ReferralStatus.CLOSED),
    ],
)
def test_legal_referral_transitions(world, path, final):
    referral = send(world)
    for step in path:
        _step(world, step, referral.pk)
    assert Referral.objects.get(pk=referral.pk).status == final


@pytest.mark.parametrize(
    "path",
    [
        ["close"],
        ["accept", "accept"],
        ["accept", "decline"],
        ["accept", "withdraw"],
        ["decline", "accept"],
        ["decline", "decline"],
        ["decline", "withdraw"],
        ["withdraw", "withdraw"],
        ["accept", "close", "close"],
        ["accept", "close", "accept"],
        ["accept", "close", "decline"],
        ["accept", "close", "withdraw"],
        ["decline", "close", "close"],
        ["decline", "close", "accept"],
    ],
)
def test_illegal_referral_transitions_are_409_and_change_nothing(world, path):
    referral = send(world)
    *before, last = path
    for step in before:
        _step(world, step, referral.pk)
    snapshot = Referral.objects.filter(pk=referral.pk).values().get()
    clients = Client.objects.count()
    with pytest.raises(InvalidTransition):
        _step(world, last, referral.pk)
    assert Referral.objects.filter(pk=referral.pk).values().get() == snapshot
    assert Client.objects.count() == clients


@pytest.mark.parametrize("last", ["accept", "decline", "close"])
def test_a_withdrawn_referral_cannot_be_answered(world, last):
    referral = send(world)
    _step(world, "withdraw", referral.pk)
    # The provider no longer sees it at all (404); a 409 would do too, never a change.
    with pytest.raises((Http404, InvalidTransition)):
        _step(world, last, referral.pk)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.WITHDRAWN
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    ("before", "step", "persona"),
    [
        ([], "accept", "investigator_a"),
        ([], "accept", "le_supervisor_a"),
        ([], "decline", "investigator_a"),
        ([], "withdraw", "advocate_a"),
        ([], "withdraw", "vsp_supervisor_a"),
        (["accept"], "close", "investigator_a"),
        (["decline"], "close", "investigator_a"),
    ],
)
def test_the_wrong_side_of_a_referral_gets_403(world, before, step, persona):
    referral = send(world)
    for name in before:
        _step(world, name, referral.pk)
    snapshot = Referral.objects.filter(pk=referral.pk).values().get()
    user = world.users[persona]
    fresh = Referral.objects.get(pk=referral.pk)
    call = {
        "accept": lambda: services.accept_referral(referral=fresh, by=user),
        "decline": lambda: services.decline_referral(
            referral=fresh, by=user, reason=DeclineReason.NO_CAPACITY
        ),
        "withdraw": lambda: services.withdraw_referral(referral=fresh, by=user),
        "close": lambda: services.close_referral(referral=fresh, by=user),
    }[step]
    with pytest.raises(PermissionDenied):
        call()
    assert Referral.objects.filter(pk=referral.pk).values().get() == snapshot


@pytest.mark.parametrize("persona", ["advocate_b", "investigator_b", "community_member", "admin"])
def test_strangers_to_a_referral_get_404(world, persona):
    referral = send(world)
    user = world.users[persona]
    with pytest.raises(Http404):
        services.accept_referral(referral=referral, by=user)
    with pytest.raises(Http404):
        services.withdraw_referral(referral=referral, by=user)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT


def test_the_other_members_of_each_side_may_act(world):
    first, second = send(world), send(world)
    services.accept_referral(referral=first, by=world.vsp_supervisor_a)
    services.withdraw_referral(referral=second, by=world.le_supervisor_a)
    assert Referral.objects.get(pk=first.pk).status == ReferralStatus.ACCEPTED
    assert Referral.objects.get(pk=second.pk).status == ReferralStatus.WITHDRAWN


@pytest.mark.parametrize(("reason", "note"), [("", ""), ("busy", ""), (DeclineReason.OTHER, "")])
def test_decline_needs_a_reason(world, reason, note):
    referral = send(world)
    with pytest.raises(ValidationError) as exc:
        services.decline_referral(referral=referral, by=world.advocate_a, reason=reason, note=note)
    assert field_errors(exc) & {"reason", "note"}
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT


def test_decline_records_reason_and_who_answered(world):
    referral = send(world)
    services.decline_referral(
        referral=referral, by=world.advocate_a, reason=DeclineReason.OUTSIDE_AREA, note="County"
    )
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (
        ReferralStatus.DECLINED,
        DeclineReason.OUTSIDE_AREA,
    )
    assert referral.responded_by == world.advocate_a and referral.responded_at is not None
    assert referral.client is None
    assert not Client.objects.exists()


def test_accept_prefills_the_client_from_exactly_the_shared_fields(world):
    victim = new_victim(
        world,
        given_name="Ana",
        family_name="Quintero",
        alias="Flaca",
        date_of_birth=dt.date(2009, 2, 3),
        citizenship=Citizenship.FOREIGN_WITHOUT_STATUS,
        country_of_origin="Guatemala",
        a_number="A123456789",
        phone="555-0101",
        email="ana@example.org",
        address="12 Elm St",
        race_ethnicity=["hispanic"],
    )
    referral = send(
        world,
        victim=victim,
        shared_name="Ana",
        shared_age=16,
        shared_gender="female",
        shared_language=language("es"),
        interpreter_needed=True,
        trafficking_type=TraffickingType.LABOR,
        foreign_national=True,
        situation="Found at a farm labor camp.",
    )
    accepted = services.accept_referral(referral=referral, by=world.advocate_a)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED == accepted.status
    assert referral.responded_by == world.advocate_a and referral.responded_at is not None
    client = referral.client
    assert client is not None and client.owner_agency == world.vsp_a
    assert client.given_name == "Ana"
    assert client.estimated_age == 16
    assert client.gender == "female"
    assert client.primary_language == language("es")
    assert client.interpreter_needed is True
    assert client.trafficking_type == TraffickingType.LABOR
    assert client.citizenship == Citizenship.UNKNOWN  # the provider's own intake records it
    assert client.identified_on == timezone.localdate(referral.sent_at)
    assert client.referral_source == ReferralSource.LOCAL_LE
    assert client.identification_source in IdentificationSource.values
    assert client.enrolled_on == today()
    assert client.is_minor is True and client.age_at_identification == 16
    # Nothing the sender did not choose to share travels from its victim record.
    assert (client.family_name, client.alias, client.date_of_birth) == ("", "", None)
    assert (client.country_of_origin, client.a_number) == ("", "")
    assert (client.phone, client.email, client.address) == ("", "", "")
    assert client.race_ethnicity == []
    # The provider holds its client; the sender does not see it.
    assert access.can(world.advocate_a, client, "change")
    assert not access.can(world.investigator_a, client)


def test_accept_from_a_prosecutor_records_the_prosecutor_as_referral_source(world):
    referral = send(world, from_agency=world.prosecution, by=world.vw_coordinator)
    services.accept_referral(referral=referral, by=world.advocate_a)
    referral.refresh_from_db()
    assert referral.client.referral_source == ReferralSource.PROSECUTOR


# --- provider matching --------------------------------------------------------------------------


@pytest.fixture
def providers(world):
    """Three providers built by hand around one request: housing + immigration law for a
    Spanish-speaking foreign-national girl trafficked for labor."""
    pops = {p.code: p for p in Population.objects.all()}
    housing, legal = service_type("housing-emergency-shelter"), service_type("legal-immigration")
    best = make_agency(
        "Omega Youth Shelter",
        Discipline.VICTIM_SERVICES,
        services_offered=[housing, legal],
        populations_served=[
            pops["minors"],
            pops["labor-trafficking"],
            pops["foreign-nationals"],
            pops["female"],
        ],
        languages=[language("es")],
    )
    housing_only = make_agency(
        "Alpha Adult Housing",
        Discipline.VICTIM_SERVICES,
        services_offered=[housing],
        populations_served=[pops["adults"]],
        languages=[language("en")],
    )
    spanish_only = make_agency(
        "Beta Hotline", Discipline.VICTIM_SERVICES, languages=[language("es")]
    )
    # Never suggested, whatever they offer: an inactive provider and a police department.
    everything = {
        "services_offered": [housing, legal],
        "populations_served": list(pops.values()),
        "languages": [language("es")],
    }
    closed = make_agency("Aardvark Closed Shelter", Discipline.VICTIM_SERVICES, **everything)
    agency_services.update_agency(agency=closed, by=None, active=False)
    police = make_agency("Aaron Police", Discipline.LAW_ENFORCEMENT, **everything)
    return {
        "best": best,
        "housing_only": housing_only,
        "spanish_only": spanish_only,
        "closed": closed,
        "police": police,
        "housing": housing,
        "legal": legal,
    }


def test_the_provider_fitting_services_population_and_language_ranks_first(world, providers):
    p = providers
    ranked = selectors.suggest_providers(
        services=[p["housing"], p["legal"]],
        minor=True,
        gender="female",
        trafficking_type=TraffickingType.LABOR,
        foreign_national=True,
        language=language("es"),
    )
    agencies = [s.agency for s in ranked]
    assert agencies[:3] == [p["best"], p["housing_only"], p["spanish_only"]]
    assert p["closed"] not in agencies and p["police"] not in agencies
    assert all(a.discipline == Discipline.VICTIM_SERVICES and a.active for a in agencies)
    best, housing_only, spanish_only = ranked[:3]
    # +3 per service, +2 per population (age, type, citizenship, gender), +2 for the language.
    assert best.score == 2 * 3 + 4 * 2 + 2
    assert housing_only.score == 3
    assert spanish_only.score == 2
    assert best.matched_services == [p["housing"], p["legal"]]
    assert best.missing_services == []
    assert housing_only.matched_services == [p["housing"]]
    assert housing_only.missing_services == [p["legal"]]
    # The reasons say why, one line per fit.
    assert len(best.reasons) == 6
    assert any("2 of 2" in r for r in best.reasons)
    assert any("Spanish" in r for r in best.reasons)
    assert any("minors" in r.lower() for r in best.reasons)
    assert not any("Spanish" in r for r in housing_only.reasons)
    assert any("Spanish" in r for r in spanish_only.reasons)


def test_suggestion_ties_go_by_name_and_the_limit_holds(world, providers):
    ranked = selectors.suggest_providers(services=[providers["housing"]], limit=2)
    # Omega and Alpha both offer housing (+3): alphabetical among equals.
    assert [s.agency for s in ranked] == [providers["housing_only"], providers["best"]]
    assert [s.score for s in ranked] == [3, 3]
    unranked = selectors.suggest_providers(limit=10)
    names = [s.agency.name for s in unranked]
    assert names == sorted(names)
    assert {s.score for s in unranked} == {0}


def test_an_adult_man_is_not_steered_to_a_girls_shelter(world, providers):
    ranked = selectors.suggest_providers(
        services=[providers["housing"]], minor=False, gender="male", language=language("en")
    )
    assert ranked[0].agency == providers["housing_only"]
    assert ranked[0].score == 3 + 2 + 2


# --- releases of information --------------------------------------------------------------------


def test_record_consent_grants_view_to_the_recipient_for_the_release(world):
    client = new_client(world)
    consent = services.record_consent(**consent_kwargs(world, client))
    assert consent.owner_agency == world.vsp_a and consent.recorded_by == world.advocate_a
    grants = access.grants_on(consent)
    assert [(g.group_id, g.permission.codename) for g in grants] == [
        (world.prosecution.group_id, "view_consent")
    ]
    assert grants.get().reason == "release of information"
    assert access.can(world.prosecutor, consent)
    assert not access.can(world.prosecutor, consent, "change")
    assert not access.can(world.investigator_a, consent)


def test_a_release_may_last_exactly_365_days_and_start_30_days_back(world):
    client = new_client(world)
    start = today() - 30 * DAY
    consent = services.record_consent(
        **consent_kwargs(world, client, starts_on=start, expires_on=start + 365 * DAY)
    )
    assert (consent.expires_on - consent.starts_on).days == services.MAX_CONSENT_DAYS == 365


CONSENT_REFUSALS = [
    (lambda w, t: {"items": []}, "items"),
    (lambda w, t: {"items": ["medical_records"]}, "items"),
    (lambda w, t: {"items": ["identity", "identity"]}, "items"),
    (lambda w, t: {"purpose": "  "}, "purpose"),
    (lambda w, t: {"starts_on": t, "expires_on": t - DAY}, "expires_on"),
    (lambda w, t: {"starts_on": t - 31 * DAY}, "starts_on"),
    (lambda w, t: {"starts_on": t, "expires_on": t + 366 * DAY}, "expires_on"),
    (lambda w, t: {"voluntariness_explained": False}, "voluntariness_explained"),
    (lambda w, t: {"right_to_revoke_explained": False}, "right_to_revoke_explained"),
    (lambda w, t: {"recipient": w.vsp_a}, "recipient"),
    (lambda w, t: {"signer_role": SignerRole.MINOR_ALONE}, "signer_role"),
    (lambda w, t: {"signer_role": SignerRole.MINOR_WITH_PARENT}, "signer_role"),
    (lambda w, t: {"signer_role": SignerRole.LEGAL_GUARDIAN}, "signer_not_suspected_abuser"),
    (lambda w, t: {"signer_role": "cousin"}, "signer_role"),
]


@pytest.mark.parametrize(("overrides", "field"), CONSENT_REFUSALS)
def test_consent_refusals_for_an_adult_name_the_field_and_grant_nothing(world, overrides, field):
    client = new_client(world)
    with pytest.raises(ValidationError) as exc:
        services.record_consent(**consent_kwargs(world, client, **overrides(world, today())))
    assert field in field_errors(exc), exc.value
    assert not Consent.objects.exists()
    assert not ConsentGrant.objects.exists()


def test_an_adults_guardian_who_is_not_a_suspected_abuser_signs(world):
    client = new_client(world)
    consent = services.record_consent(
        **consent_kwargs(
            world,
            client,
            signer_name="Court guardian",
            signer_role=SignerRole.LEGAL_GUARDIAN,
            signer_not_suspected_abuser=True,
        )
    )
    assert consent.signer_role == SignerRole.LEGAL_GUARDIAN


MINOR_SIGNERS = [
    ({"signer_role": SignerRole.CLIENT}, "signer_role"),
    (
        {"signer_role": SignerRole.LEGAL_GUARDIAN, "signer_not_suspected_abuser": True},
        "signer_role",
    ),
    (
        {"signer_role": SignerRole.MINOR_WITH_PARENT, "signer_not_suspected_abuser": True},
        "parent_name",
    ),
    (
        {"signer_role": SignerRole.MINOR_WITH_PARENT, "parent_name": "Rosa"},
        "signer_not_suspected_abuser",
    ),
    (
        {
            "signer_role": SignerRole.MINOR_WITH_PARENT,
            "parent_name": "Rosa",
            "signer_not_suspected_abuser": True,
        },
        None,
    ),
    ({"signer_role": SignerRole.MINOR_ALONE}, None),
]


@pytest.mark.parametrize(("signer", "field"), MINOR_SIGNERS)
def test_minor_signer_rules(world, signer, field):
    client = new_client(world, date_of_birth=minor_birth_date())
    assert client.is_minor
    kwargs = consent_kwargs(world, client, **signer)
    if field is None:
        assert services.record_consent(**kwargs).signer_role == signer["signer_role"]
        return
    with pytest.raises(ValidationError) as exc:
        services.record_consent(**kwargs)
    assert field in field_errors(exc), exc.value
    assert not Consent.objects.exists()


def test_one_live_or_pending_release_per_recipient(world):
    client = new_client(world)
    first = services.record_consent(**consent_kwargs(world, client))
    with pytest.raises(ValidationError) as exc:
        services.record_consent(
            **consent_kwargs(world, client, items=[ConsentItem.SERVICES_RECEIVED])
        )
    assert field_errors(exc) == {"recipient"}
    # Another recipient, or another client, is a separate release.
    services.record_consent(**consent_kwargs(world, client, recipient=world.le_a))
    services.record_consent(**consent_kwargs(world, new_client(world, given_name="Bea")))
    # A pending release (starting later) counts too.
    pending = services.record_consent(
        **consent_kwargs(world, client, recipient=world.vsp_b, starts_on=today() + 10 * DAY)
    )
    with pytest.raises(ValidationError) as exc:
        services.record_consent(**consent_kwargs(world, client, recipient=world.vsp_b))
    assert field_errors(exc) == {"recipient"}
    assert Consent.objects.count() == 4
    # Once revoked, the client may sign a new one for the same agency.
    services.revoke_consent(consent=first, by=world.advocate_a, method=RevocationMethod.ORAL)
    services.revoke_consent(consent=pending, by=world.advocate_a, method=RevocationMethod.WRITTEN)
    services.record_consent(**consent_kwargs(world, client))
    services.record_consent(**consent_kwargs(world, client, recipient=world.vsp_b))
    assert Consent.objects.count() == 6


def test_an_expired_release_does_not_block_a_new_one(world):
    client = new_client(world)
    old = services.record_consent(**consent_kwargs(world, client))
    Consent.objects.filter(pk=old.pk).update(
        starts_on=today() - 100 * DAY, expires_on=today() - DAY
    )
    services.record_consent(**consent_kwargs(world, client))
    assert Consent.objects.filter(client=client, recipient=world.prosecution).count() == 2


def test_an_inactive_recipient_is_refused(world):
    client = new_client(world)
    agency_services.update_agency(agency=world.le_b, by=None, active=False)
    with pytest.raises(ValidationError) as exc:
        services.record_consent(**consent_kwargs(world, client, recipient=world.le_b))
    assert field_errors(exc) == {"recipient"}
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("advocate_b", Http404),
        ("investigator_a", Http404),
        ("prosecutor", Http404),
        ("admin", Http404),
    ],
)
def test_only_the_providers_staff_record_a_release(world, persona, error):
    client = new_client(world)
    with pytest.raises(error):
        services.record_consent(**consent_kwargs(world, client, by=world.users[persona]))
    assert not Consent.objects.exists()
    services.record_consent(**consent_kwargs(world, client, by=world.vsp_supervisor_a))


def test_revoke_consent_records_when_and_how_and_removes_the_grant(world):
    client = new_client(world)
    consent = services.record_consent(**consent_kwargs(world, client))
    said_at = timezone.now() - dt.timedelta(hours=2)
    services.revoke_consent(
        consent=consent,
        by=world.advocate_a,
        method=RevocationMethod.ORAL,
        note="Said so on the phone",
        revoked_at=said_at,
    )
    consent.refresh_from_db()
    assert consent.revoked_at == said_at
    assert consent.revoked_by == world.advocate_a
    assert consent.revocation_method == RevocationMethod.ORAL
    assert consent.revocation_note == "Said so on the phone"
    assert not access.grants_on(consent).exists()
    assert not access.can(world.prosecutor, consent)
    with pytest.raises(InvalidTransition):
        services.revoke_consent(consent=consent, by=world.advocate_a, method="written")
    assert Consent.objects.get(pk=consent.pk).revocation_method == RevocationMethod.ORAL


def test_revoking_an_expired_release_is_409(world):
    client = new_client(world)
    consent = services.record_consent(**consent_kwargs(world, client))
    Consent.objects.filter(pk=consent.pk).update(
        starts_on=today() - 20 * DAY, expires_on=today() - DAY
    )
    with pytest.raises(InvalidTransition):
        services.revoke_consent(consent=consent, by=world.advocate_a, method="oral")
    assert Consent.objects.get(pk=consent.pk).revoked_at is None


def test_revoke_refusals_change_nothing(world):
    client = new_client(world)
    consent = services.record_consent(**consent_kwargs(world, client))
    with pytest.raises(ValidationError) as exc:
        services.revoke_consent(consent=consent, by=world.advocate_a, method="telepathy")
    assert field_errors(exc) == {"method"}
    # The recipient sees the release but cannot revoke it; others do not see it.
    with pytest.raises(PermissionDenied):
        services.revoke_consent(consent=consent, by=world.prosecutor, method="oral")
    with pytest.raises(Http404):
        services.revoke_consent(consent=consent, by=world.advocate_b, method="oral")
    fresh = Consent.objects.get(pk=consent.pk)
    assert fresh.revoked_at is None and fresh.revocation_method == ""
    assert access.can(world.prosecutor, fresh)


# --- services, needs, plans, notes --------------------------------------------------------------


def test_record_and_update_a_service(world):
    client = new_client(world)
    service = services.record_service(
        client=client,
        by=world.advocate_a,
        service_type=service_type("medical"),
        started_on=today() - 5 * DAY,
        partner=world.vsp_b,
    )
    assert service.owner_agency == world.vsp_a and service.status == ServiceStatus.IN_PROGRESS
    assert not access.can(world.advocate_b, service)  # the partner delivering it sees nothing
    services.update_service(
        service=service, by=world.advocate_a, status=ServiceStatus.COMPLETED, ended_on=today()
    )
    assert ServiceRecord.objects.get(pk=service.pk).status == ServiceStatus.COMPLETED


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (lambda t: {"started_on": t, "ended_on": t - DAY, "status": "completed"}, "ended_on"),
        (lambda t: {"started_on": t - DAY, "status": "completed"}, "ended_on"),
        (lambda t: {"started_on": t - DAY, "status": "discontinued"}, "ended_on"),
    ],
)
def test_service_date_refusals(world, fields, field):
    client = new_client(world)
    with pytest.raises(ValidationError) as exc:
        services.record_service(
            client=client,
            by=world.advocate_a,
            service_type=service_type("medical"),
            **fields(today()),
        )
    assert field in field_errors(exc)
    assert not ServiceRecord.objects.exists()


def test_a_refused_service_update_changes_nothing(world):
    client = new_client(world)
    service = services.record_service(
        client=client, by=world.advocate_a, service_type=service_type("medical"), started_on=today()
    )
    with pytest.raises(ValidationError) as exc:
        services.update_service(service=service, by=world.advocate_a, status="completed")
    assert field_errors(exc) == {"ended_on"}
    assert ServiceRecord.objects.get(pk=service.pk).status == ServiceStatus.IN_PROGRESS


@pytest.mark.parametrize("persona", ["advocate_b", "investigator_a", "prosecutor", "admin"])
def test_only_the_provider_writes_the_client_file(world, persona):
    client = new_client(world)
    user = world.users[persona]
    calls = [
        lambda: services.record_service(
            client=client, by=user, service_type=service_type("medical"), started_on=today()
        ),
        lambda: services.assess_needs(
            client=client, by=user, assessed_on=today(), needs=[service_type("medical")]
        ),
        lambda: services.write_service_plan(
            client=client, by=user, starts_on=today(), review_on=today(), goals="Housing"
        ),
        lambda: services.add_client_note(client=client, by=user, body="x"),
    ]
    for call in calls:
        with pytest.raises(Http404):
            call()
    for model in (ServiceRecord, NeedsAssessment, ServicePlan, ClientNote):
        assert not model.objects.exists()


def test_assess_needs(world):
    client = new_client(world)
    needs = [service_type("medical"), service_type("housing-transitional")]
    assessment = services.assess_needs(
        client=client, by=world.advocate_a, assessed_on=today(), needs=needs, summary="Intake"
    )
    assert set(assessment.needs.all()) == set(needs)
    assert assessment.owner_agency == world.vsp_a
    with pytest.raises(ValidationError) as exc:
        services.assess_needs(client=client, by=world.advocate_a, assessed_on=today(), needs=[])
    assert field_errors(exc) == {"needs"}
    assert NeedsAssessment.objects.count() == 1


def test_a_new_service_plan_supersedes_the_active_one(world):
    client = new_client(world)
    first = services.write_service_plan(
        client=client,
        by=world.advocate_a,
        starts_on=today(),
        review_on=today() + 30 * DAY,
        goals="Safe housing",
    )
    second = services.write_service_plan(
        client=client,
        by=world.advocate_a,
        starts_on=today(),
        review_on=today() + 60 * DAY,
        goals="Employment",
    )
    assert ServicePlan.objects.get(pk=first.pk).status == PlanStatus.SUPERSEDED
    assert ServicePlan.objects.get(pk=second.pk).status == PlanStatus.ACTIVE
    with pytest.raises(ValidationError) as exc:
        services.write_service_plan(
            client=client,
            by=world.advocate_a,
            starts_on=today(),
            review_on=today() - DAY,
            goals="x",
        )
    assert field_errors(exc) == {"review_on"}
    assert ServicePlan.objects.get(pk=second.pk).status == PlanStatus.ACTIVE
    services.complete_service_plan(plan=second, by=world.advocate_a)
    assert ServicePlan.objects.get(pk=second.pk).status == PlanStatus.COMPLETED
    assert ServicePlan.objects.count() == 2


def test_note_corrections_keep_the_original(world):
    client = new_client(world)
    note = services.add_client_note(client=client, by=world.advocate_a, body="Met at shelter")
    correction = services.correct_client_note(
        note=note, by=world.advocate_a, body="Met at the clinic"
    )
    assert correction.corrects == note and correction.pk != note.pk
    assert ClientNote.objects.get(pk=note.pk).body == "Met at shelter"
    assert list(note.corrections.all()) == [correction]
    # Only the author corrects; an empty note is refused.
    with pytest.raises(PermissionDenied):
        services.correct_client_note(note=note, by=world.vsp_supervisor_a, body="Other")
    with pytest.raises(ValidationError) as exc:
        services.correct_client_note(note=note, by=world.advocate_a, body=" ")
    assert field_errors(exc) == {"body"}
    with pytest.raises(ValidationError) as exc:
        services.add_client_note(client=client, by=world.advocate_a, body="")
    assert field_errors(exc) == {"body"}
    assert ClientNote.objects.count() == 2


# --- immigration relief -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signed", "file_by"),
    [
        (dt.date(2023, 8, 31), dt.date(2024, 2, 29)),  # leap year: clamp to Feb 29
        (dt.date(2024, 8, 31), dt.date(2025, 2, 28)),
        (dt.date(2024, 3, 31), dt.date(2024, 9, 30)),
        (dt.date(2024, 3, 15), dt.date(2024, 9, 15)),
        (dt.date(2024, 7, 1), dt.date(2025, 1, 1)),  # across the year
    ],
)
def test_u_visa_file_by_is_six_calendar_months_after_signature(world, signed, file_by):
    client = new_client(world)
    relief = services.record_relief(
        by=world.advocate_a,
        client=client,
        kind=ReliefKind.U_VISA_CERTIFICATION,
        requested_on=signed - 10 * DAY,
        signed_on=signed,
        certifying_agency=world.le_a,
    )
    assert relief.file_by == file_by
    assert ImmigrationRelief.objects.get(pk=relief.pk).file_by == file_by


def test_u_visa_file_by_follows_the_signature_date_on_update(world):
    client = new_client(world)
    relief = services.record_relief(
        by=world.advocate_a,
        client=client,
        kind=ReliefKind.U_VISA_CERTIFICATION,
        requested_on=dt.date(2024, 1, 10),
    )
    assert relief.file_by is None
    services.update_relief(relief=relief, by=world.advocate_a, signed_on=dt.date(2024, 8, 31))
    assert ImmigrationRelief.objects.get(pk=relief.pk).file_by == dt.date(2025, 2, 28)


def test_hhs_request_for_assistance_is_due_24_hours_after_discovery(world):
    client = new_client(
        world, date_of_birth=minor_birth_date(), citizenship=Citizenship.FOREIGN_WITHOUT_STATUS
    )
    discovered = timezone.now() - dt.timedelta(hours=3)
    relief = services.record_relief(
        by=world.advocate_a,
        client=client,
        kind=ReliefKind.HHS_REQUEST_FOR_ASSISTANCE,
        requested_on=today(),
        discovered_at=discovered,
    )
    assert relief.due_at == discovered + dt.timedelta(hours=24)
    later = discovered - dt.timedelta(hours=5)
    services.update_relief(relief=relief, by=world.advocate_a, discovered_at=later)
    assert ImmigrationRelief.objects.get(pk=relief.pk).due_at == later + dt.timedelta(hours=24)


@pytest.mark.parametrize(
    ("profile", "extra", "field"),
    [
        # An adult foreign national: not a minor.
        ({"citizenship": Citizenship.FOREIGN_WITH_STATUS}, {}, "kind"),
        # A U.S.-citizen minor: HHS RFA is for foreign nationals.
        ({"citizenship": Citizenship.US_CITIZEN, "minor": True}, {}, "kind"),
        ({"citizenship": Citizenship.UNKNOWN, "minor": True}, {}, "kind"),
        # The clock needs the discovery time.
        (
            {"citizenship": Citizenship.FOREIGN_WITHOUT_STATUS, "minor": True},
            {"discovered_at": None},
            "discovered_at",
        ),
    ],
)
def test_hhs_request_for_assistance_refusals(world, profile, extra, field):
    profile = dict(profile)
    if profile.pop("minor", False):
        profile["date_of_birth"] = minor_birth_date()
    client = new_client(world, **profile)
    fields = {"discovered_at": timezone.now() - dt.timedelta(hours=1), **extra}
    with pytest.raises(ValidationError) as exc:
        services.record_relief(
            by=world.advocate_a,
            client=client,
            kind=ReliefKind.HHS_REQUEST_FOR_ASSISTANCE,
            requested_on=today(),
            **fields,
        )
    assert field in field_errors(exc), exc.value
    assert not ImmigrationRelief.objects.exists()


def test_continued_presence_only_by_federal_law_enforcement(world, federal):
    agency, agent = federal
    theirs = new_victim(world, agency=agency, by=agent)
    relief = services.record_relief(
        by=agent, victim=theirs, kind=ReliefKind.CONTINUED_PRESENCE, requested_on=today()
    )
    assert relief.owner_agency == agency
    local = new_victim(world)
    with pytest.raises(ValidationError) as exc:
        services.record_relief(
            by=world.investigator_a,
            victim=local,
            kind=ReliefKind.CONTINUED_PRESENCE,
            requested_on=today(),
        )
    assert field_errors(exc) == {"kind"}
    prosecution_victim = new_victim(world, agency=world.prosecution, by=world.prosecutor)
    with pytest.raises(ValidationError) as exc:
        services.record_relief(
            by=world.prosecutor,
            victim=prosecution_victim,
            kind=ReliefKind.CONTINUED_PRESENCE,
            requested_on=today(),
        )
    assert field_errors(exc) == {"kind"}
    with pytest.raises(ValidationError) as exc:
        services.record_relief(
            by=world.advocate_a,
            client=new_client(world),
            kind=ReliefKind.CONTINUED_PRESENCE,
            requested_on=today(),
        )
    assert field_errors(exc) == {"kind"}
    assert ImmigrationRelief.objects.count() == 1


def test_relief_is_for_exactly_one_record_the_recorder_may_change(world):
    victim, client = new_victim(world), new_client(world)
    kind = ReliefKind.T_VISA_DECLARATION
    with pytest.raises(ValidationError):
        services.record_relief(
            by=world.investigator_a, victim=victim, client=client, kind=kind, requested_on=today()
        )
    with pytest.raises(ValidationError):
        services.record_relief(by=world.investigator_a, kind=kind, requested_on=today())
    with pytest.raises(Http404):
        services.record_relief(
            by=world.investigator_a, client=client, kind=kind, requested_on=today()
        )
    with pytest.raises(Http404):
        services.record_relief(
            by=world.investigator_b, victim=victim, kind=kind, requested_on=today()
        )
    with pytest.raises(ValidationError) as exc:
        services.record_relief(
            by=world.investigator_a, victim=victim, kind=kind, requested_on=today() + DAY
        )
    assert field_errors(exc) == {"requested_on"}
    with pytest.raises(ValidationError) as exc:
        services.record_relief(
            by=world.investigator_a, victim=victim, kind="green_card", requested_on=today()
        )
    assert "kind" in field_errors(exc)
    assert not ImmigrationRelief.objects.exists()
    relief = services.record_relief(
        by=world.investigator_a, victim=victim, kind=kind, requested_on=today()
    )
    assert relief.owner_agency == world.le_a and relief.victim == victim


def test_share_relief_with_the_provider(world):
    victim = new_victim(world)
    relief = services.record_relief(
        by=world.investigator_a,
        victim=victim,
        kind=ReliefKind.T_VISA_DECLARATION,
        requested_on=today(),
    )
    assert not access.can(world.advocate_a, relief)
    services.share_relief(relief=relief, agency=world.vsp_a, by=world.investigator_a)
    assert access.can(world.advocate_a, relief)
    assert not access.can(world.advocate_a, relief, "change")
    assert not access.can(world.advocate_a, victim)  # the relief, not the victim record
    with pytest.raises(ValidationError) as exc:
        services.share_relief(relief=relief, agency=world.community, by=world.investigator_a)
    assert field_errors(exc) == {"agency"}
    assert not access.can(world.community_member, relief)
    with pytest.raises(PermissionDenied):
        services.share_relief(relief=relief, agency=world.vsp_b, by=world.advocate_a)
    assert not access.can(world.advocate_b, relief)


# --- victim notifications -----------------------------------------------------------------------


def notify(victim, by, **over):
    kwargs = {
        "victim": victim,
        "by": by,
        "kind": "notification",
        "event": "Arraignment set",
        "given_on": today(),
        "method": "phone",
    }
    kwargs.update(over)
    return services.log_victim_notification(**kwargs)


def test_victim_witness_staff_log_notifications(world):
    own = new_victim(world, agency=world.prosecution, by=world.prosecutor)
    logged = notify(own, world.vw_coordinator)
    assert logged.owner_agency == world.prosecution and logged.given_by == world.vw_coordinator
    notify(own, world.prosecutor, kind="rights_advisement", method="in_person")
    # A law-enforcement record shared with the office may be notified too.
    police = new_victim(world)
    with pytest.raises(Http404):
        notify(police, world.vw_coordinator)
    services.share_victim(victim=police, agency=world.prosecution, by=world.investigator_a)
    assert notify(police, world.vw_coordinator).owner_agency == world.prosecution
    assert VictimNotification.objects.count() == 3


@pytest.mark.parametrize("persona", ["investigator_a", "le_supervisor_a", "le_victim_specialist_a"])
def test_law_enforcement_does_not_log_victim_notifications(world, persona):
    victim = new_victim(world)
    with pytest.raises(PermissionDenied):
        notify(victim, world.users[persona])
    assert not VictimNotification.objects.exists()


@pytest.mark.parametrize("persona", ["advocate_a", "community_member", "admin", "outsider"])
def test_others_cannot_log_victim_notifications(world, persona):
    victim = new_victim(world, agency=world.prosecution, by=world.prosecutor)
    with pytest.raises((PermissionDenied, Http404)):
        notify(victim, world.users[persona])
    assert not VictimNotification.objects.exists()


@pytest.mark.parametrize(
    ("over", "field"),
    [
        (lambda t: {"given_on": t + DAY}, "given_on"),
        (lambda t: {"kind": "gossip"}, "kind"),
        (lambda t: {"method": "pigeon"}, "method"),
        (lambda t: {"event": " "}, "event"),
    ],
)
def test_notification_refusals(world, over, field):
    victim = new_victim(world, agency=world.prosecution, by=world.prosecutor)
    with pytest.raises(ValidationError) as exc:
        notify(victim, world.vw_coordinator, **over(today()))
    assert field in field_errors(exc)
    assert not VictimNotification.objects.exists()


def test_a_provider_shares_a_clients_relief_only_through_a_release(world):
    # DOMAIN §7: law enforcement shares with providers without a release; the reverse needs one.
    relief = services.record_relief(
        by=world.advocate_a,
        client=new_client(world),
        kind=ReliefKind.U_VISA_CERTIFICATION,
        requested_on=today(),
    )
    with pytest.raises(ValidationError) as exc:
        services.share_relief(relief=relief, agency=world.le_a, by=world.advocate_a)
    assert field_errors(exc) == {"agency"}
    assert not access.grants_on(relief).exists()
    assert not access.can(world.investigator_a, relief)


def test_a_partner_service_account_cannot_write_immigration_relief(world):
    partner = make_member("partner_app", world.vsp_a, Role.ADVOCATE, is_service_account=True)
    client = new_client(world)
    assert access.can(partner, client, "change")  # it works the client file ...
    with pytest.raises((PermissionDenied, Http404)):  # ... never immigration relief
        services.record_relief(
            by=partner,
            client=client,
            kind=ReliefKind.T_VISA_DECLARATION,
            requested_on=today(),
        )
    assert not ImmigrationRelief.objects.exists()
    relief = services.record_relief(
        by=world.advocate_a, client=client, kind=ReliefKind.T_VISA_DECLARATION, requested_on=today()
    )
    with pytest.raises(Http404):
        services.update_relief(relief=relief, by=partner, notes="x")
