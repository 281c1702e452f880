"""Agency and membership services: who may do what, and the groups kept in step."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from oauth2_provider.models import Application

from agencies import selectors, services
from agencies.models import Agency, Membership, ServiceType
from agencies.roles import Discipline, JurisdictionLevel, Role
from tests.factories import UserFactory

TODAY = timezone.localdate


def test_coordinator_adds_agency_with_capabilities_and_its_group(world):
    shelter = ServiceType.objects.get(code="housing-emergency-shelter")
    agency = services.create_agency(
        by=world.coordinator,
        name="Omega Shelter",
        discipline=Discipline.VICTIM_SERVICES,
        jurisdiction_level=JurisdictionLevel.LOCAL,
        state="il",
        services_offered=[shelter],
    )
    assert agency.group.name.startswith("agency:")
    assert agency.state == "IL"
    assert list(agency.services_offered.all()) == [shelter]


@pytest.mark.parametrize("persona", ["investigator_a", "le_supervisor_a", "advocate_a"])
def test_only_coordinators_add_agencies(world, persona):
    with pytest.raises(PermissionDenied):
        services.create_agency(
            by=world.users[persona],
            name="Nope",
            discipline=Discipline.COMMUNITY,
            jurisdiction_level=JurisdictionLevel.LOCAL,
        )
    assert not Agency.objects.filter(name="Nope").exists()


def test_bad_agency_input_is_refused_with_field_errors(world):
    with pytest.raises(ValidationError) as error:
        services.create_agency(
            by=world.coordinator, name="", discipline="bogus", jurisdiction_level="local"
        )
    assert {"name", "discipline"} <= set(error.value.message_dict)


def test_supervisor_edits_own_agency_but_not_another(world):
    services.update_agency(agency=world.le_a, by=world.le_supervisor_a, phone="555-0100")
    world.le_a.refresh_from_db()
    assert world.le_a.phone == "555-0100"
    with pytest.raises(PermissionDenied):
        services.update_agency(agency=world.le_b, by=world.le_supervisor_a, phone="555-0199")
    with pytest.raises(PermissionDenied):
        services.update_agency(agency=world.le_a, by=world.investigator_a, phone="555-0111")


def test_supervisor_cannot_deactivate_or_change_discipline(world):
    with pytest.raises(PermissionDenied):
        services.update_agency(agency=world.le_a, by=world.le_supervisor_a, active=False)
    with pytest.raises(PermissionDenied):
        services.update_agency(
            agency=world.le_a, by=world.le_supervisor_a, discipline=Discipline.COMMUNITY
        )


def test_role_must_belong_to_the_agency_discipline(world):
    user = UserFactory(username="newcomer")
    with pytest.raises(ValidationError) as error:
        services.add_membership(
            by=world.coordinator, user=user, agency=world.vsp_a, role=Role.INVESTIGATOR
        )
    assert "role" in error.value.message_dict
    assert not Membership.objects.filter(user=user).exists()


def test_membership_cannot_end_before_it_starts_or_overlap(world):
    user = UserFactory(username="newcomer")
    with pytest.raises(ValidationError):
        services.add_membership(
            by=world.coordinator,
            user=user,
            agency=world.le_a,
            role=Role.INVESTIGATOR,
            starts=TODAY(),
            ends=TODAY() - dt.timedelta(days=1),
        )
    with pytest.raises(ValidationError):
        services.add_membership(
            by=world.coordinator,
            user=world.investigator_a,
            agency=world.le_a,
            role=Role.INVESTIGATOR,
        )


def test_supervisor_adds_members_to_own_agency_only_and_never_coordinators(world):
    user = UserFactory(username="newcomer")
    services.add_membership(
        by=world.le_supervisor_a, user=user, agency=world.le_a, role=Role.INVESTIGATOR
    )
    with pytest.raises(PermissionDenied):
        services.add_membership(
            by=world.le_supervisor_a, user=user, agency=world.le_b, role=Role.INVESTIGATOR
        )
    other = UserFactory(username="other")
    with pytest.raises(PermissionDenied):
        services.add_membership(
            by=world.le_supervisor_a,
            user=other,
            agency=world.le_a,
            role=Role.INVESTIGATOR,
            is_coordinator=True,
        )


def test_groups_follow_memberships(world):
    user = UserFactory(username="newcomer")
    membership = services.add_membership(
        by=world.coordinator, user=user, agency=world.le_a, role=Role.INVESTIGATOR
    )
    assert list(user.groups.all()) == [world.le_a.group]
    services.end_membership(membership=membership, by=world.coordinator, ends=TODAY())
    # Ends today: still in force today.
    assert list(user.groups.all()) == [world.le_a.group]
    membership.refresh_from_db()
    services.update_membership(
        membership=membership,
        by=world.coordinator,
        ends=TODAY() - dt.timedelta(days=1),
        starts=TODAY() - dt.timedelta(days=10),
    )
    assert list(user.groups.all()) == []
    assert not selectors.is_member(user)


def test_future_membership_joins_its_group_when_it_starts(world):
    user = UserFactory(username="newcomer")
    services.add_membership(
        by=world.coordinator,
        user=user,
        agency=world.le_b,
        role=Role.INVESTIGATOR,
        starts=TODAY() + dt.timedelta(days=3),
    )
    assert list(user.groups.all()) == []
    Membership.objects.filter(user=user).update(starts=TODAY())
    assert services.sync_all_agency_groups() == 1
    assert list(user.groups.all()) == [world.le_b.group]


def test_partner_application_acts_through_a_service_account(world):
    application, secret = services.register_partner_application(
        agency=world.vsp_a, name="Case management connector", by=world.coordinator
    )
    assert application.authorization_grant_type == Application.GRANT_CLIENT_CREDENTIALS
    membership = application.user.memberships.get()
    assert (membership.agency, membership.role, membership.is_service_account) == (
        world.vsp_a,
        Role.ADVOCATE,
        True,
    )
    assert not application.user.has_usable_password()
    assert secret and application.client_secret != secret  # stored hashed
    with pytest.raises(PermissionDenied):
        services.register_partner_application(agency=world.vsp_a, name="x", by=world.advocate_a)


def test_an_ended_membership_cannot_be_ended_again(world):
    from taskforce.errors import InvalidTransition

    membership = world.ended_member.memberships.get()
    with pytest.raises(InvalidTransition):
        services.end_membership(membership=membership, by=world.coordinator)
    membership.refresh_from_db()
    assert membership.ends < TODAY()
