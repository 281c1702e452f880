"""How to make one record of every compartmented model, for the generic isolation suite.

Every concrete ``CompartmentedModel`` must have an entry here: ``test_isolation`` fails for a
model that has none, so a new compartmented model is proven isolated the day it is added. A
factory takes the owner agency (and optional field values) and returns a saved record; anything
else the record needs (a parent case, a prosecution, ...) it makes itself, owned by the same
agency, straight through the ORM: the suite proves the access rule, not the workflow, so it may
well ask for a prosecutor note owned by a police department.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from agencies.models import Agency, ServiceType
from cases.models import (
    Case,
    CaseNote,
    Charge,
    CourtEvent,
    CourtEventType,
    DeconflictionHit,
    Identifier,
    IdentifierKind,
    NoteType,
    Operation,
    OperationType,
    Origin,
    PreOperationNotice,
    Prosecution,
    ProsecutionReferral,
    ProsecutionReferralStatus,
    ProsecutorNote,
    Statute,
    Subject,
    SubjectRole,
    TraffickingType,
)
from tests.isolation.models import Dossier
from victims.models import (
    Client,
    ClientNote,
    Consent,
    ConsentItem,
    IdentificationSource,
    ImmigrationRelief,
    NeedsAssessment,
    NotificationKind,
    NotificationMethod,
    Referral,
    ReliefKind,
    ServicePlan,
    ServiceRecord,
    SharingForm,
    SignerRole,
    VictimNotification,
    VictimWitness,
)

_serial = itertools.count(1)


def _clerk():
    """The person who wrote, sent or referred a record (no membership: it grants nothing)."""
    user, _ = get_user_model().objects.get_or_create(username="records_clerk")
    return user


def _dossier(owner_agency: Agency, **fields) -> Dossier:
    return Dossier.objects.create(
        owner_agency=owner_agency, title=f"Operation Lantern {next(_serial)}", **fields
    )


# --- investigative compartment ----------------------------------------------------------------


def _case(owner_agency: Agency, **fields) -> Case:
    n = next(_serial)
    values = {
        "number": f"ISO-{n:06d}",
        "title": f"Harbor Lights {n}",
        "origin": Origin.REACTIVE,
        "trafficking_type": TraffickingType.SEX,
        "jurisdiction_level": "local",
        "opened_on": timezone.localdate(),
        **fields,
    }
    return Case.objects.create(owner_agency=owner_agency, **values)


def _case_of(owner_agency: Agency, fields: dict) -> Case:
    return fields.pop("case", None) or _case(owner_agency)


def _subject(owner_agency: Agency, **fields) -> Subject:
    case = _case_of(owner_agency, fields)
    values = {"role": SubjectRole.TRAFFICKER, "last_name": f"Kessler{next(_serial)}", **fields}
    return Subject.objects.create(owner_agency=owner_agency, case=case, **values)


def _identifier(owner_agency: Agency, **fields) -> Identifier:
    case = _case_of(owner_agency, fields)
    number = f"555{next(_serial):07d}"
    values = {"kind": IdentifierKind.PHONE, "value": number, "normalized": number, **fields}
    return Identifier.objects.create(owner_agency=owner_agency, case=case, **values)


def _case_note(owner_agency: Agency, **fields) -> CaseNote:
    case = _case_of(owner_agency, fields)
    values = {
        "author": _clerk(),
        "note_type": NoteType.GENERAL,
        "body": f"Surveillance log {next(_serial)}",
        "editable_until": timezone.now() + dt.timedelta(minutes=15),
        **fields,
    }
    return CaseNote.objects.create(owner_agency=owner_agency, case=case, **values)


def _operation(owner_agency: Agency, **fields) -> Operation:
    case = _case_of(owner_agency, fields)
    starts = timezone.now() + dt.timedelta(days=3)
    values = {
        "operation_type": OperationType.SURVEILLANCE,
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=4),
        "location": f"{next(_serial)} Industrial Way",
        **fields,
    }
    return Operation.objects.create(owner_agency=owner_agency, case=case, **values)


def _pre_operation_notice(owner_agency: Agency, **fields) -> PreOperationNotice:
    operation = fields.pop("operation", None) or _operation(owner_agency)
    values = {
        # The addressee is a field of the notice, not its owner; access comes from grants only.
        "provider": owner_agency,
        "window_starts": operation.starts_at,
        "window_ends": operation.ends_at,
        "expected_victims": 2,
        "sent_by": _clerk(),
        **fields,
    }
    return PreOperationNotice.objects.create(
        owner_agency=owner_agency, operation=operation, **values
    )


def _deconfliction_hit(owner_agency: Agency, **fields) -> DeconflictionHit:
    case = _case_of(owner_agency, fields)
    mine = _identifier(owner_agency, case=case)
    theirs = _identifier(owner_agency, normalized=mine.normalized)
    values = {
        "identifier": mine,
        "other_identifier": theirs,
        "kind": mine.kind,
        "other_agency": owner_agency,
        **fields,
    }
    return DeconflictionHit.objects.create(owner_agency=owner_agency, case=case, **values)


def _prosecution_referral(owner_agency: Agency, **fields) -> ProsecutionReferral:
    case = _case_of(owner_agency, fields)
    values = {"office": owner_agency, "referred_by": _clerk(), **fields}
    return ProsecutionReferral.objects.create(owner_agency=owner_agency, case=case, **values)


# --- prosecution compartment ------------------------------------------------------------------


def _prosecution(owner_agency: Agency, **fields) -> Prosecution:
    case = _case_of(owner_agency, fields)
    referral = fields.pop("referral", None) or _prosecution_referral(
        owner_agency, case=case, status=ProsecutionReferralStatus.ACCEPTED
    )
    values = {
        "jurisdiction_level": "local",
        "lead_prosecutor": _clerk(),
        "opened_on": timezone.localdate(),
        **fields,
    }
    return Prosecution.objects.create(
        owner_agency=owner_agency, case=case, referral=referral, **values
    )


def _charge(owner_agency: Agency, **fields) -> Charge:
    prosecution = fields.pop("prosecution", None) or _prosecution(owner_agency)
    statute = Statute.objects.select_related("default_nibrs").get(citation="18 U.S.C. 1591")
    values = {
        "subject": _subject(owner_agency, case=prosecution.case),
        "statute": statute,
        "nibrs_offense": statute.default_nibrs,
        "charged_on": timezone.localdate(),
        **fields,
    }
    return Charge.objects.create(owner_agency=owner_agency, prosecution=prosecution, **values)


def _court_event(owner_agency: Agency, **fields) -> CourtEvent:
    prosecution = fields.pop("prosecution", None) or _prosecution(owner_agency)
    values = {
        "event_type": CourtEventType.ARRAIGNMENT,
        "scheduled_at": timezone.now() + dt.timedelta(days=7),
        "court": f"Dunmore County Court, Room {next(_serial)}",
        **fields,
    }
    return CourtEvent.objects.create(owner_agency=owner_agency, prosecution=prosecution, **values)


def _prosecutor_note(owner_agency: Agency, **fields) -> ProsecutorNote:
    prosecution = fields.pop("prosecution", None) or _prosecution(owner_agency)
    values = {"author": _clerk(), "body": f"Plea strategy {next(_serial)}", **fields}
    return ProsecutorNote.objects.create(
        owner_agency=owner_agency, prosecution=prosecution, **values
    )


# --- victims and services ---------------------------------------------------------------------


def _profile(n: int) -> dict:
    return {
        "given_name": f"Ana{n}",
        "family_name": f"Morales{n}",
        "identified_on": timezone.localdate(),
        "identification_source": IdentificationSource.REACTIVE,
    }


def _victim(owner_agency: Agency, **fields) -> VictimWitness:
    values = {**_profile(next(_serial)), **fields}
    return VictimWitness.objects.create(owner_agency=owner_agency, **values)


def _client(owner_agency: Agency, **fields) -> Client:
    values = {**_profile(next(_serial)), "enrolled_on": timezone.localdate(), **fields}
    return Client.objects.create(owner_agency=owner_agency, **values)


def _client_of(owner_agency: Agency, fields: dict) -> Client:
    return fields.pop("client", None) or _client(owner_agency)


def _referral(owner_agency: Agency, **fields) -> Referral:
    values = {
        # The receiving provider is a field of the referral; access comes from grants only.
        "provider": owner_agency,
        "shared_name": f"Rosa{next(_serial)}",
        "sent_by": _clerk(),
        "respond_by": timezone.now() + dt.timedelta(hours=72),
        **fields,
    }
    return Referral.objects.create(owner_agency=owner_agency, **values)


def _consent(owner_agency: Agency, **fields) -> Consent:
    client = _client_of(owner_agency, fields)
    today = timezone.localdate()
    # Live (started, unexpired, unrevoked): its grants count (``Consent.grant_condition``).
    values = {
        "recipient": owner_agency,
        "items": [ConsentItem.ENROLLMENT_STATUS],
        "purpose": "Victim-witness coordination",
        "sharing_form": SharingForm.ELECTRONIC,
        "starts_on": today,
        "expires_on": today + dt.timedelta(days=90),
        "signer_name": client.given_name,
        "signer_role": SignerRole.CLIENT,
        "voluntariness_explained": True,
        "right_to_revoke_explained": True,
        "recorded_by": _clerk(),
        **fields,
    }
    return Consent.objects.create(owner_agency=owner_agency, client=client, **values)


def _service_record(owner_agency: Agency, **fields) -> ServiceRecord:
    client = _client_of(owner_agency, fields)
    values = {
        "service_type": ServiceType.objects.order_by("id").first(),
        "started_on": timezone.localdate(),
        "recorded_by": _clerk(),
        "description": f"Shelter stay {next(_serial)}",
        **fields,
    }
    return ServiceRecord.objects.create(owner_agency=owner_agency, client=client, **values)


def _needs_assessment(owner_agency: Agency, **fields) -> NeedsAssessment:
    client = _client_of(owner_agency, fields)
    values = {
        "assessed_on": timezone.localdate(),
        "summary": f"Needs housing {next(_serial)}",
        "assessed_by": _clerk(),
        **fields,
    }
    return NeedsAssessment.objects.create(owner_agency=owner_agency, client=client, **values)


def _service_plan(owner_agency: Agency, **fields) -> ServicePlan:
    client = _client_of(owner_agency, fields)
    today = timezone.localdate()
    values = {
        "starts_on": today,
        "review_on": today + dt.timedelta(days=30),
        "goals": f"Stable housing {next(_serial)}",
        "written_by": _clerk(),
        **fields,
    }
    return ServicePlan.objects.create(owner_agency=owner_agency, client=client, **values)


def _client_note(owner_agency: Agency, **fields) -> ClientNote:
    client = _client_of(owner_agency, fields)
    values = {"author": _clerk(), "body": f"Check-in call {next(_serial)}", **fields}
    return ClientNote.objects.create(owner_agency=owner_agency, client=client, **values)


def _immigration_relief(owner_agency: Agency, **fields) -> ImmigrationRelief:
    victim = fields.pop("victim", None) or _victim(owner_agency)
    values = {
        "kind": ReliefKind.T_VISA_DECLARATION,
        "requested_on": timezone.localdate(),
        "receipt_number": f"EAC{next(_serial):010d}",
        "recorded_by": _clerk(),
        **fields,
    }
    return ImmigrationRelief.objects.create(owner_agency=owner_agency, victim=victim, **values)


def _victim_notification(owner_agency: Agency, **fields) -> VictimNotification:
    victim = fields.pop("victim", None) or _victim(owner_agency)
    values = {
        "kind": NotificationKind.RIGHTS_ADVISEMENT,
        "event": f"Rights at arraignment {next(_serial)}",
        "given_on": timezone.localdate(),
        "method": NotificationMethod.PHONE,
        "given_by": _clerk(),
        **fields,
    }
    return VictimNotification.objects.create(owner_agency=owner_agency, victim=victim, **values)


REGISTRY: dict[type[models.Model], Callable[..., models.Model]] = {
    Dossier: _dossier,
    Case: _case,
    Subject: _subject,
    Identifier: _identifier,
    CaseNote: _case_note,
    Operation: _operation,
    PreOperationNotice: _pre_operation_notice,
    DeconflictionHit: _deconfliction_hit,
    ProsecutionReferral: _prosecution_referral,
    Prosecution: _prosecution,
    Charge: _charge,
    CourtEvent: _court_event,
    ProsecutorNote: _prosecutor_note,
    VictimWitness: _victim,
    Client: _client,
    Referral: _referral,
    Consent: _consent,
    ServiceRecord: _service_record,
    NeedsAssessment: _needs_assessment,
    ServicePlan: _service_plan,
    ClientNote: _client_note,
    ImmigrationRelief: _immigration_relief,
    VictimNotification: _victim_notification,
}


def make(model: type[models.Model], owner_agency: Agency, **fields) -> models.Model:
    """One new record of ``model`` owned by ``owner_agency`` (``fields`` override defaults)."""
    return REGISTRY[model](owner_agency, **fields)
