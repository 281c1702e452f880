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

from agencies.models import Agency
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
}


def make(model: type[models.Model], owner_agency: Agency, **fields) -> models.Model:
    """One new record of ``model`` owned by ``owner_agency`` (``fields`` override defaults)."""
    return REGISTRY[model](owner_agency, **fields)
