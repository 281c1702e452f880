"""Disciplines, roles and compartments: the one place that says who may hold what.

An agency has a discipline; a person acts through a membership whose role belongs to that
discipline. Every compartmented record lives in one compartment, and a role either may hold a
compartment (view), may also change records in it, or never sees it at all.
"""

from django.db import models


class Discipline(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    PROSECUTION = "prosecution", "Prosecution"
    VICTIM_SERVICES = "victim_services", "Victim services"
    COMMUNITY = "community", "Community organization"
    GOVERNMENT_OTHER = "government_other", "Government (other)"


class JurisdictionLevel(models.TextChoices):
    LOCAL = "local", "Local"
    STATE = "state", "State"
    TRIBAL = "tribal", "Tribal"
    FEDERAL = "federal", "Federal"


class Role(models.TextChoices):
    INVESTIGATOR = "investigator", "Investigator"
    LE_SUPERVISOR = "le_supervisor", "Law-enforcement supervisor"
    LE_VICTIM_SPECIALIST = "le_victim_specialist", "Law-enforcement victim specialist"
    PROSECUTOR = "prosecutor", "Prosecutor"
    VICTIM_WITNESS_COORDINATOR = "victim_witness_coordinator", "Victim-witness coordinator"
    ADVOCATE = "advocate", "Advocate"
    VSP_SUPERVISOR = "vsp_supervisor", "Victim-services supervisor"
    MEMBER = "member", "Member"


class Compartment(models.TextChoices):
    GOVERNANCE = "governance", "Governance"
    INVESTIGATIVE = "investigative", "Investigative"
    PROSECUTION = "prosecution", "Prosecution"
    VICTIM_WITNESS = "victim_witness", "Victim-witness"
    SERVICES = "services", "Services"
    REFERRAL = "referral", "Referral"
    IMMIGRATION = "immigration", "Immigration relief"
    AGGREGATE = "aggregate", "Aggregate"


ROLES_BY_DISCIPLINE: dict[str, frozenset[str]] = {
    Discipline.LAW_ENFORCEMENT: frozenset(
        {Role.INVESTIGATOR, Role.LE_SUPERVISOR, Role.LE_VICTIM_SPECIALIST}
    ),
    Discipline.PROSECUTION: frozenset({Role.PROSECUTOR, Role.VICTIM_WITNESS_COORDINATOR}),
    Discipline.VICTIM_SERVICES: frozenset({Role.ADVOCATE, Role.VSP_SUPERVISOR}),
    Discipline.COMMUNITY: frozenset({Role.MEMBER}),
    Discipline.GOVERNMENT_OTHER: frozenset({Role.MEMBER}),
}

# Supervisors manage their own agency's profile and members.
SUPERVISOR_ROLES = frozenset({Role.LE_SUPERVISOR, Role.VSP_SUPERVISOR})

_LE = {Role.INVESTIGATOR, Role.LE_SUPERVISOR, Role.LE_VICTIM_SPECIALIST}
_PROSECUTION = {Role.PROSECUTOR, Role.VICTIM_WITNESS_COORDINATOR}
_VSP = {Role.ADVOCATE, Role.VSP_SUPERVISOR}
_ALL = set(Role.values)

# compartment -> (roles that may view, roles that may change), whether as members of the owner
# agency or through a grant to their agency. A role missing from the view set never sees the
# compartment, whatever grant its agency holds. Governance and aggregate are not row-level
# compartments: every active member reads governance; aggregates are counts only.
COMPARTMENT_ROLES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    Compartment.INVESTIGATIVE: (
        frozenset(_LE | _PROSECUTION),
        frozenset({Role.INVESTIGATOR, Role.LE_SUPERVISOR}),
    ),
    Compartment.PROSECUTION: (
        frozenset(_PROSECUTION | _LE),
        frozenset(_PROSECUTION),
    ),
    Compartment.VICTIM_WITNESS: (
        frozenset(_LE | _PROSECUTION),
        frozenset(_LE | _PROSECUTION),
    ),
    # Service providers hold their clients; anyone else only through a live consent grant.
    Compartment.SERVICES: (frozenset(_ALL), frozenset(_VSP)),
    Compartment.REFERRAL: (frozenset(_ALL), frozenset(_ALL)),
    # Immigration status and relief (8 U.S.C. 1367): the people who work a relief request on
    # either side, never community members, and never a partner system's service account
    # (``PROTECTED_FROM_SERVICE_ACCOUNTS``); a consent item releases it through the consent.
    Compartment.IMMIGRATION: (
        frozenset(_LE | _PROSECUTION | _VSP),
        frozenset(_LE | _PROSECUTION | _VSP),
    ),
}

# Compartments a partner system's service account never holds, whatever its role.
PROTECTED_FROM_SERVICE_ACCOUNTS = frozenset({Compartment.IMMIGRATION})


def roles_that_may(compartment: str, action: str) -> frozenset[str]:
    """Roles that may ``view`` or ``change`` records of a row-level compartment."""
    view, change = COMPARTMENT_ROLES[compartment]
    return change if action == "change" else view
