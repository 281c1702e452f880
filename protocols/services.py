"""Every write to the task force's governance records.

One function per step, keyword-only, one transaction each. Coordinators run governance; the
owner a protocol or objective names may keep it current; a supervisor (or coordinator) of a
signatory agency signs an MOU for it. Workflow steps follow explicit state machines: a step
that is not possible from the current state raises ``InvalidTransition`` (409) and changes
nothing. A protocol version is adopted only by recording a decision; a recorded decision is
never edited, only superseded by a new one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from agencies.models import Agency, Membership
from agencies.roles import Discipline
from agencies.selectors import active_memberships
from protocols import deadlines, documents, selectors
from protocols.models import (
    TYPOLOGY_ROLES,
    Charter,
    Committee,
    CommitteeMember,
    Decision,
    DecisionMethod,
    DecisionVote,
    Goal,
    LeadershipRole,
    LeadershipTerm,
    Meeting,
    MeetingAttendance,
    Mou,
    MouSignatory,
    MouSignature,
    MouStatus,
    MouVersion,
    Objective,
    ObjectiveStatus,
    ProgressEntry,
    Protocol,
    ProtocolStatus,
    ProtocolTopic,
    ProtocolVersion,
    Vote,
)
from taskforce import audit
from taskforce.errors import InvalidTransition
from taskforce.models import AuditAction

# The MOU state machine: status -> statuses a step may move it to. Executing is not a step of
# its own: the last signature executes the MOU.
MOU_TRANSITIONS: dict[str, frozenset[str]] = {
    MouStatus.DRAFT: frozenset({MouStatus.CIRCULATING, MouStatus.TERMINATED}),
    MouStatus.CIRCULATING: frozenset({MouStatus.EXECUTED, MouStatus.TERMINATED}),
    MouStatus.EXECUTED: frozenset({MouStatus.EXPIRED, MouStatus.TERMINATED, MouStatus.DRAFT}),
    MouStatus.EXPIRED: frozenset({MouStatus.DRAFT}),  # renewal starts a new version
    MouStatus.TERMINATED: frozenset(),
}
MOU_FIELDS = ("title", "purpose", "approving_body", "effective_date", "end_date")
COMMITMENT_FIELDS = ("roles", "responsibilities", "resources", "fiscal")
# People holding these roles one at a time (typology leads: one per typology; committee chairs:
# one per committee; executive board members: several at once).
SINGLE_HOLDER_ROLES = frozenset(
    {LeadershipRole.CHAIR, LeadershipRole.COORDINATOR, LeadershipRole.MEDIA_CONTACT}
)
# Meetings are dated from this year to this many years ahead (anything else is a typo).
MEETING_YEARS = (1990, 10)
LEAD_DISCIPLINE = {
    LeadershipRole.LEAD_LAW_ENFORCEMENT: Discipline.LAW_ENFORCEMENT,
    LeadershipRole.LEAD_SERVICE_PROVIDER: Discipline.VICTIM_SERVICES,
}


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _coordinator(by, what: str) -> None:
    _require(by is None or selectors.may_coordinate(by), f"Only coordinators {what}.")


def _today() -> dt.date:
    return timezone.localdate()


def _dates_in_order(starts, ends, *, field: str = "end_date", what: str = "It") -> None:
    if starts and ends and ends < starts:
        raise ValidationError({field: f"{what} cannot end before it starts."})


# --- Charter, goals and objectives -----------------------------------------------------------


@transaction.atomic
def set_charter(*, by, mission: str, purpose: str, adopted_on: dt.date | None = None) -> Charter:
    """Write the task force's mission and purpose (there is one charter)."""
    _coordinator(by, "write the charter")
    charter = Charter.objects.select_for_update().first() or Charter()
    charter.mission, charter.purpose = mission.strip(), purpose.strip()
    if adopted_on is not None:
        charter.adopted_on = adopted_on
    charter.full_clean()
    charter.save()
    audit.record(AuditAction.CHANGE, user=by, obj=charter)
    return charter


def _the_charter() -> Charter:
    charter = Charter.objects.first()
    if charter is None:
        raise ValidationError({"charter": "Write the mission and purpose before adding goals."})
    return charter


@transaction.atomic
def add_goal(*, by, title: str, description: str = "", position: int = 0) -> Goal:
    _coordinator(by, "set goals")
    goal = Goal(charter=_the_charter(), title=title, description=description, position=position)
    goal.full_clean()
    goal.save()
    audit.record(AuditAction.CREATE, user=by, obj=goal)
    return goal


@transaction.atomic
def update_goal(*, goal: Goal, by, **data) -> Goal:
    _coordinator(by, "change goals")
    for field in ("title", "description", "position"):
        if field in data:
            setattr(goal, field, data[field])
    goal.full_clean()
    goal.save()
    audit.record(AuditAction.CHANGE, user=by, obj=goal, detail={"fields": sorted(data)})
    return goal


def _validate_owner(owner, field: str = "owner") -> None:
    if owner is None or not active_memberships(owner).exists():
        raise ValidationError({field: "The owner must be a member of the task force in force."})


@transaction.atomic
def add_objective(
    *,
    by,
    goal: Goal,
    title: str,
    owner,
    measure: str,
    target_value: Decimal,
    target_date: dt.date,
    baseline_value: Decimal = Decimal(0),
    status: str = ObjectiveStatus.NOT_STARTED,
) -> Objective:
    _coordinator(by, "set objectives")
    _validate_owner(owner)
    objective = Objective(
        goal=goal,
        title=title,
        owner=owner,
        measure=measure,
        target_value=target_value,
        target_date=target_date,
        baseline_value=baseline_value,
        current_value=baseline_value,
        status=status,
    )
    objective.full_clean()
    objective.save()
    deadlines.sync_objective(objective)
    audit.record(AuditAction.CREATE, user=by, obj=objective, detail={"owner_id": owner.pk})
    return objective


@transaction.atomic
def update_objective(*, objective: Objective, by, **data) -> Objective:
    """Coordinators change anything; the objective's owner keeps its status current."""
    _require(by is None or selectors.may_report_on(by, objective), "You may not change this.")
    coordinator = by is None or selectors.may_coordinate(by)
    owner_fields = {"status"}
    if not coordinator:
        _require(set(data) <= owner_fields, "Only coordinators change an objective's terms.")
    if "owner" in data:
        _validate_owner(data["owner"])
    for field in ("goal", "title", "owner", "measure", "target_value", "target_date", "status"):
        if field in data:
            setattr(objective, field, data[field])
    if "baseline_value" in data:
        objective.baseline_value = data["baseline_value"]
    objective.full_clean()
    objective.save()
    deadlines.sync_objective(objective)
    audit.record(AuditAction.CHANGE, user=by, obj=objective, detail={"fields": sorted(data)})
    return objective


@transaction.atomic
def record_progress(
    *,
    objective: Objective,
    by,
    value: Decimal,
    recorded_on: dt.date | None = None,
    note: str = "",
) -> ProgressEntry:
    """A measurement of an objective on a date; the latest one is its current value."""
    _require(selectors.may_report_on(by, objective), "Only the owner or a coordinator reports.")
    recorded_on = recorded_on or _today()
    if recorded_on > _today():
        raise ValidationError({"recorded_on": "Progress cannot be recorded for a future date."})
    if objective.status == ObjectiveStatus.DROPPED:
        raise InvalidTransition("This objective was dropped; progress is no longer recorded.")
    entry = ProgressEntry(
        objective=objective, value=value, recorded_on=recorded_on, note=note, recorded_by=by
    )
    entry.full_clean()
    entry.save()
    latest = objective.progress.order_by("-recorded_on", "-id").first()
    objective.current_value = latest.value
    if objective.status == ObjectiveStatus.NOT_STARTED:
        objective.status = ObjectiveStatus.ON_TRACK
    objective.save(update_fields=["current_value", "status", "updated_at"])
    audit.record(AuditAction.CREATE, user=by, obj=entry, detail={"objective_id": objective.pk})
    return entry


# --- MOUs ------------------------------------------------------------------------------------


def _lock_mou(mou: Mou) -> Mou:
    """The MOU re-read under a row lock: two signatures at once must not both miss the last."""
    fresh = Mou.objects.select_for_update().get(pk=mou.pk)
    for field in ("status", "version", "executed_on", "terminated_on", "termination_reason"):
        setattr(mou, field, getattr(fresh, field))
    return mou


def _move(mou: Mou, to: str, message: str) -> None:
    if to not in MOU_TRANSITIONS[mou.status]:
        raise InvalidTransition(f"{message} (the MOU is {mou.get_status_display().lower()}).")
    mou.status = to


def _require_draft(mou: Mou, what: str) -> None:
    if mou.status != MouStatus.DRAFT:
        raise InvalidTransition(
            f"Only a draft MOU {what}; this one is {mou.get_status_display().lower()}."
        )


def _signatory_specs(signatories: Iterable[dict]) -> list[dict]:
    specs, seen = [], set()
    for spec in signatories:
        agency = spec.get("agency")
        if not isinstance(agency, Agency) or not agency.active:
            raise ValidationError({"signatories": "Each signatory must be an active agency."})
        if agency.pk in seen:
            raise ValidationError({"signatories": f"{agency} is listed twice."})
        seen.add(agency.pk)
        specs.append(spec)
    return specs


def _write_signatories(mou: Mou, specs: list[dict]) -> None:
    keep = {spec["agency"].pk for spec in specs}
    leaving = mou.signatories.exclude(agency_id__in=keep)
    if leaving.filter(signatures__isnull=False).exists():
        # Their signature on an earlier version stays part of the record.
        raise ValidationError(
            {"signatories": "An agency that signed an earlier version stays a signatory."}
        )
    leaving.delete()
    for spec in specs:
        MouSignatory.objects.update_or_create(
            mou=mou,
            agency=spec["agency"],
            defaults={f: spec.get(f, "") or "" for f in COMMITMENT_FIELDS},
        )


@transaction.atomic
def create_mou(
    *,
    by,
    title: str,
    purpose: str,
    approving_body: str = "",
    effective_date: dt.date | None = None,
    end_date: dt.date | None = None,
    signatories: Iterable[dict] = (),
) -> Mou:
    """Draft an MOU (version 1). ``signatories``: dicts of agency and its commitments."""
    _coordinator(by, "draft MOUs")
    _dates_in_order(effective_date, end_date, what="An MOU")
    specs = _signatory_specs(signatories)
    mou = Mou(
        title=title,
        purpose=purpose,
        approving_body=approving_body,
        effective_date=effective_date,
        end_date=end_date,
        created_by=by,
    )
    mou.full_clean(exclude=["created_by"])
    mou.save()
    MouVersion.objects.create(
        mou=mou, number=1, effective_date=effective_date, end_date=end_date, created_by=by
    )
    _write_signatories(mou, specs)
    audit.record(
        AuditAction.CREATE,
        user=by,
        obj=mou,
        detail={"agency_ids": sorted(s["agency"].pk for s in specs)},
    )
    return mou


@transaction.atomic
def update_mou(*, mou: Mou, by, signatories: Iterable[dict] | None = None, **data) -> Mou:
    """Change a draft MOU's terms (and, with ``signatories``, its signatories and commitments)."""
    _coordinator(by, "change MOUs")
    _lock_mou(mou)
    _require_draft(mou, "can be changed")
    for field in MOU_FIELDS:
        if field in data:
            setattr(mou, field, data[field])
    _dates_in_order(mou.effective_date, mou.end_date, what="An MOU")
    mou.full_clean(exclude=["created_by"])
    mou.save()
    MouVersion.objects.filter(mou=mou, number=mou.version).update(
        effective_date=mou.effective_date, end_date=mou.end_date
    )
    if signatories is not None:
        _write_signatories(mou, _signatory_specs(signatories))
    deadlines.sync_mou(mou)
    audit.record(AuditAction.CHANGE, user=by, obj=mou, detail={"fields": sorted(data)})
    return mou


@transaction.atomic
def add_signatory(*, mou: Mou, by, agency: Agency, **commitments) -> MouSignatory:
    _coordinator(by, "change MOUs")
    _lock_mou(mou)
    _require_draft(mou, "takes new signatories")
    _signatory_specs([{"agency": agency}])
    if mou.signatories.filter(agency=agency).exists():
        raise ValidationError({"agency": f"{agency} is already a signatory."})
    signatory = MouSignatory(
        mou=mou, agency=agency, **{f: commitments.get(f, "") or "" for f in COMMITMENT_FIELDS}
    )
    signatory.full_clean()
    signatory.save()
    audit.record(AuditAction.CHANGE, user=by, obj=mou, detail={"added_agency_id": agency.pk})
    return signatory


@transaction.atomic
def upload_mou_document(*, mou: Mou, by, upload) -> MouVersion:
    """Attach the document of the version being drafted (PDF or DOCX, within the size limit)."""
    _coordinator(by, "upload MOU documents")
    _lock_mou(mou)
    _require_draft(mou, "takes a new document")
    kind = documents.validate_document(upload)
    version = MouVersion.objects.select_for_update().get(mou=mou, number=mou.version)
    _store(version, upload, kind)
    audit.record(AuditAction.CHANGE, user=by, obj=version, detail={"mou_id": mou.pk})
    return version


def _store(version, upload, kind: str) -> None:
    old = version.document.name if version.document else ""
    version.document.save(documents.stored_name(kind), upload, save=False)
    version.document_name = documents.display_name(getattr(upload, "name", ""), kind)
    version.document_type = kind
    version.document_size = upload.size
    version.save()
    if old:
        # The replaced file goes once the new one is committed, never before.
        storage, name = version.document.storage, old
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def circulate_mou(*, mou: Mou, by) -> Mou:
    """Send a draft out for signature: its terms are fixed from now on."""
    _coordinator(by, "circulate MOUs")
    _lock_mou(mou)
    _move(mou, MouStatus.CIRCULATING, "Only a draft MOU can be circulated")
    if mou.signatories.count() < 2:
        raise ValidationError({"signatories": "An MOU needs at least two signatory agencies."})
    if not (mou.effective_date and mou.end_date):
        raise ValidationError(
            {"end_date": "Set the effective date and the end date before circulating."}
        )
    mou.save(update_fields=["status", "updated_at"])
    audit.record(AuditAction.CHANGE, user=by, obj=mou, detail={"status": mou.status})
    return mou


@transaction.atomic
def sign_mou(
    *,
    mou: Mou,
    by,
    agency: Agency,
    signer_title: str,
    signed_on: dt.date | None = None,
) -> MouSignature:
    """``by`` signs the circulating version for ``agency``; the last signature executes it."""
    _lock_mou(mou)
    signatory = mou.signatories.filter(agency=agency).first()
    if signatory is None:
        raise ValidationError({"agency": f"{agency} is not a signatory of this MOU."})
    _require(
        selectors.signing_memberships(by, agency).exists(),
        f"Only a supervisor or coordinator of {agency} signs for it.",
    )
    if mou.status != MouStatus.CIRCULATING:
        raise InvalidTransition(
            f"Only an MOU circulating for signature can be signed; this one is "
            f"{mou.get_status_display().lower()}."
        )
    signed_on = signed_on or _today()
    if signed_on > _today():
        raise ValidationError({"signed_on": "A signature cannot be dated in the future."})
    if not signer_title.strip():
        raise ValidationError({"signer_title": "The signer's title is required."})
    version = MouVersion.objects.get(mou=mou, number=mou.version)
    if version.signatures.filter(signatory=signatory).exists():
        raise InvalidTransition(f"{agency} has already signed this version.")
    signature = MouSignature.objects.create(
        version=version,
        signatory=signatory,
        signer=by,
        signer_title=signer_title.strip()[:120],
        signed_on=signed_on,
    )
    audit.record(AuditAction.CHANGE, user=by, obj=mou, detail={"signed_for_agency_id": agency.pk})
    unsigned = mou.signatories.exclude(signatures__version=version)
    if not unsigned.exists():
        _move(mou, MouStatus.EXECUTED, "The MOU cannot be executed")
        mou.executed_on = signed_on
        mou.save(update_fields=["status", "executed_on", "updated_at"])
        MouVersion.objects.filter(pk=version.pk).update(executed_on=signed_on)
        deadlines.sync_mou(mou)
        audit.record(AuditAction.CHANGE, user=by, obj=mou, detail={"status": mou.status})
    return signature


@transaction.atomic
def terminate_mou(*, mou: Mou, by, reason: str, on: dt.date | None = None) -> Mou:
    _coordinator(by, "terminate MOUs")
    _lock_mou(mou)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the MOU is terminated."})
    _move(mou, MouStatus.TERMINATED, "This MOU cannot be terminated")
    mou.terminated_on = on or _today()
    mou.termination_reason = reason.strip()[:500]
    mou.save(update_fields=["status", "terminated_on", "termination_reason", "updated_at"])
    deadlines.sync_mou(mou)
    audit.record(AuditAction.CHANGE, user=by, obj=mou, detail={"status": mou.status})
    return mou


@transaction.atomic
def renew_mou(*, mou: Mou, by, effective_date: dt.date, end_date: dt.date) -> MouVersion:
    """Start the next version of an executed or expired MOU, as a draft for new signatures."""
    _coordinator(by, "renew MOUs")
    _lock_mou(mou)
    _dates_in_order(effective_date, end_date, what="An MOU")
    _move(mou, MouStatus.DRAFT, "Only an executed or expired MOU can be renewed")
    mou.version += 1
    mou.effective_date, mou.end_date = effective_date, end_date
    mou.executed_on = None
    mou.save()
    version = MouVersion.objects.create(
        mou=mou,
        number=mou.version,
        effective_date=effective_date,
        end_date=end_date,
        created_by=by,
    )
    deadlines.sync_mou(mou)
    audit.record(AuditAction.CHANGE, user=by, obj=mou, detail={"renewed_to": mou.version})
    return version


@transaction.atomic
def expire_lapsed_mous(*, on: dt.date | None = None) -> int:
    """Executed MOUs whose end date has passed become expired. Returns how many."""
    on = on or _today()
    lapsed = list(
        Mou.objects.select_for_update().filter(status=MouStatus.EXECUTED, end_date__lt=on)
    )
    for mou in lapsed:
        expire_mou(mou, on=on)
    return len(lapsed)


def expire_mou(mou: Mou, *, on: dt.date | None = None) -> Mou:
    """An executed MOU whose end date is before ``on`` becomes expired (the caller holds its
    lock); its end-date clock is met. Anything else is left as it is."""
    if mou.status == MouStatus.EXECUTED and mou.end_date and mou.end_date < (on or _today()):
        _move(mou, MouStatus.EXPIRED, "The MOU cannot expire")
        mou.save(update_fields=["status", "updated_at"])
        audit.record(AuditAction.CHANGE, obj=mou, detail={"status": mou.status})
    deadlines.sync_mou(mou)
    return mou


# --- Protocols -------------------------------------------------------------------------------


def _not_retired(protocol: Protocol) -> None:
    if protocol.status == ProtocolStatus.RETIRED:
        raise InvalidTransition("This protocol is retired; it no longer changes.")


def _new_version(protocol: Protocol, *, by, text: str, changes: str, upload) -> ProtocolVersion:
    if not (text or "").strip():
        raise ValidationError({"text": "A protocol version needs its text."})
    kind = documents.validate_document(upload) if upload is not None else None
    number = (protocol.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ProtocolVersion(
        protocol=protocol, number=number, text=text, changes=changes, created_by=by
    )
    version.full_clean(exclude=["created_by", "document"])
    if kind:
        _store(version, upload, kind)
    else:
        version.save()
    return version


@transaction.atomic
def create_protocol(
    *,
    by,
    title: str,
    topic: ProtocolTopic,
    owner,
    review_date: dt.date,
    text: str,
    changes: str = "",
    upload=None,
) -> Protocol:
    """A new protocol in draft, with its first version (text, and optionally a document)."""
    _coordinator(by, "start protocols")
    _validate_owner(owner)
    protocol = Protocol(title=title, topic=topic, owner=owner, review_date=review_date)
    protocol.full_clean()
    protocol.save()
    _new_version(protocol, by=by, text=text, changes=changes or "First version.", upload=upload)
    deadlines.sync_protocol(protocol)
    audit.record(AuditAction.CREATE, user=by, obj=protocol, detail={"owner_id": owner.pk})
    return protocol


@transaction.atomic
def update_protocol(*, protocol: Protocol, by, **data) -> Protocol:
    """Title, topic and review date (owner or coordinator); a new owner (coordinators)."""
    _require(selectors.may_change_protocol(by, protocol), "Only its owner or a coordinator.")
    protocol = Protocol.objects.select_for_update().get(pk=protocol.pk)
    _not_retired(protocol)
    if "owner" in data and data["owner"] != protocol.owner:
        _coordinator(by, "hand a protocol to a new owner")
        _validate_owner(data["owner"])
    for field in ("title", "topic", "owner", "review_date"):
        if field in data:
            setattr(protocol, field, data[field])
    protocol.full_clean()
    protocol.save()
    deadlines.sync_protocol(protocol)
    audit.record(AuditAction.CHANGE, user=by, obj=protocol, detail={"fields": sorted(data)})
    return protocol


@transaction.atomic
def add_protocol_version(
    *, protocol: Protocol, by, text: str, changes: str = "", upload=None
) -> ProtocolVersion:
    """A new version to propose; it is adopted only when a decision adopts it."""
    _require(selectors.may_change_protocol(by, protocol), "Only its owner or a coordinator.")
    protocol = Protocol.objects.select_for_update().get(pk=protocol.pk)
    _not_retired(protocol)
    version = _new_version(protocol, by=by, text=text, changes=changes, upload=upload)
    audit.record(AuditAction.CREATE, user=by, obj=version, detail={"protocol_id": protocol.pk})
    return version


@transaction.atomic
def retire_protocol(*, protocol: Protocol, by) -> Protocol:
    _require(selectors.may_change_protocol(by, protocol), "Only its owner or a coordinator.")
    protocol = Protocol.objects.select_for_update().get(pk=protocol.pk)
    _not_retired(protocol)
    protocol.status = ProtocolStatus.RETIRED
    protocol.save(update_fields=["status", "updated_at"])
    deadlines.sync_protocol(protocol)
    audit.record(AuditAction.CHANGE, user=by, obj=protocol, detail={"status": protocol.status})
    return protocol


def _adopt(version: ProtocolVersion, *, on: dt.date) -> None:
    """Make ``version`` its protocol's adopted text. Called only by ``record_decision``."""
    protocol = Protocol.objects.select_for_update().get(pk=version.protocol_id)
    _not_retired(protocol)
    if protocol.adopted_version_id == version.pk:
        raise InvalidTransition(f"Version {version.number} is already the adopted version.")
    protocol.status = ProtocolStatus.ADOPTED
    protocol.adopted_version = version
    protocol.save(update_fields=["status", "adopted_version", "updated_at"])
    ProtocolVersion.objects.filter(pk=version.pk).update(adopted_on=on)
    # Adoption leaves the review clock alone: a review counts once its date is moved.


# --- Decisions -------------------------------------------------------------------------------


@transaction.atomic
def record_decision(
    *,
    by,
    question: str,
    method: str,
    outcome: str,
    decided_on: dt.date,
    votes: Iterable[tuple[Agency, str]] = (),
    adopted_protocol_version: ProtocolVersion | None = None,
    adopted_mou: Mou | None = None,
    membership_change: Membership | None = None,
    supersedes: Decision | None = None,
) -> Decision:
    """Record a decision once, with what it adopted; optionally superseding an earlier one."""
    _coordinator(by, "record decisions")
    votes = list(votes)
    if decided_on > _today():
        raise ValidationError({"decided_on": "A decision cannot be dated in the future."})
    if method == DecisionMethod.MAJORITY_VOTE and not votes:
        raise ValidationError({"votes": "A majority vote records each agency's vote."})
    if method == DecisionMethod.CONSENSUS and votes:
        raise ValidationError({"votes": "A decision by consensus has no votes."})
    seen = set()
    for agency, vote in votes:
        if agency.pk in seen:
            raise ValidationError({"votes": f"{agency} voted twice."})
        if vote not in Vote.values:
            raise ValidationError({"votes": f"{vote!r} is not a vote."})
        seen.add(agency.pk)
    if adopted_mou is not None and adopted_mou.status == MouStatus.TERMINATED:
        raise InvalidTransition("A terminated MOU cannot be adopted.")
    decision = Decision(
        question=question,
        method=method,
        outcome=outcome,
        decided_on=decided_on,
        adopted_protocol_version=adopted_protocol_version,
        adopted_mou=adopted_mou,
        membership_change=membership_change,
        recorded_by=by,
    )
    decision.full_clean(exclude=["recorded_by", "superseded_by"])
    if adopted_protocol_version is not None:
        _adopt(adopted_protocol_version, on=decided_on)
    decision.save()
    DecisionVote.objects.bulk_create(
        DecisionVote(decision=decision, agency=agency, vote=vote) for agency, vote in votes
    )
    # The only change a recorded decision ever sees, guarded so it happens once.
    if supersedes is not None and not (
        Decision.objects.filter(pk=supersedes.pk, superseded_by__isnull=True)
        .exclude(pk=decision.pk)
        .update(superseded_by=decision)
    ):
        raise InvalidTransition("That decision has already been superseded.")
    audit.record(
        AuditAction.CREATE,
        user=by,
        obj=decision,
        detail={
            "protocol_version_id": getattr(adopted_protocol_version, "pk", None),
            "mou_id": getattr(adopted_mou, "pk", None),
            "supersedes_id": getattr(supersedes, "pk", None),
        },
    )
    return decision


def change_decision(*, decision: Decision, by, **data) -> Decision:
    """Recorded decisions are never edited: a new decision supersedes them instead."""
    _coordinator(by, "record decisions")
    raise InvalidTransition(
        "A recorded decision cannot be changed; record a new decision that supersedes it."
    )


# --- Leadership, committees and meetings -----------------------------------------------------


def _overlapping(qs, starts: dt.date, ends: dt.date | None):
    return qs.filter(Q(ends__isnull=True) | Q(ends__gte=starts)).filter(
        starts__lte=ends or dt.date.max
    )


@transaction.atomic
def start_term(
    *,
    by,
    role: str,
    starts: dt.date,
    ends: dt.date | None = None,
    user=None,
    agency: Agency | None = None,
    committee: Committee | None = None,
    trafficking_type: str = "",
    minor: bool | None = None,
    foreign_national: bool | None = None,
) -> LeadershipTerm:
    """Someone (or, for a typology lead, an agency) takes a leadership role for a term."""
    _coordinator(by, "appoint leadership")
    _dates_in_order(starts, ends, field="ends", what="A term")
    term = LeadershipTerm(role=role, starts=starts, ends=ends, committee=committee)
    if role in TYPOLOGY_ROLES:
        if agency is None:
            raise ValidationError({"agency": "A lead role is held by an agency."})
        if agency.discipline != LEAD_DISCIPLINE[role] or not agency.active:
            raise ValidationError(
                {"agency": f"The {LeadershipRole(role).label.lower()} must be an active "
                 f"{Discipline(LEAD_DISCIPLINE[role]).label.lower()} agency."}
            )  # fmt: skip
        if not trafficking_type or minor is None or foreign_national is None:
            raise ValidationError(
                {"trafficking_type": "A lead answers for one victim typology: trafficking "
                 "type, adult or minor, foreign national or U.S. citizen."}
            )  # fmt: skip
        term.agency, term.trafficking_type = agency, trafficking_type
        term.minor, term.foreign_national = minor, foreign_national
        clash = LeadershipTerm.objects.filter(
            role=role,
            trafficking_type=trafficking_type,
            minor=minor,
            foreign_national=foreign_national,
        )
    else:
        if user is None or not active_memberships(user).exists():
            raise ValidationError({"user": "Choose a member of the task force in force."})
        term.user, term.agency = user, agency
        if role == LeadershipRole.COMMITTEE_CHAIR:
            if committee is None:
                raise ValidationError({"committee": "Say which committee this person chairs."})
            clash = LeadershipTerm.objects.filter(role=role, committee=committee)
        elif role in SINGLE_HOLDER_ROLES:
            clash = LeadershipTerm.objects.filter(role=role)
        else:
            clash = LeadershipTerm.objects.filter(role=role, user=user)
    if _overlapping(clash, starts, ends).exists():
        raise ValidationError(
            {"starts": "Someone already holds this role for part of that period; end that "
             "term first."}
        )  # fmt: skip
    term.full_clean()
    term.save()
    audit.record(
        AuditAction.CREATE,
        user=by,
        obj=term,
        detail={"role": role, "agency_id": getattr(agency, "pk", None)},
    )
    return term


@transaction.atomic
def end_term(*, term: LeadershipTerm, by, ends: dt.date | None = None) -> LeadershipTerm:
    _coordinator(by, "end leadership terms")
    term = LeadershipTerm.objects.select_for_update().get(pk=term.pk)
    if term.ends is not None and term.ends < _today():
        raise InvalidTransition("This term has already ended.")
    ends = ends or _today()
    _dates_in_order(term.starts, ends, field="ends", what="A term")
    term.ends = ends
    term.save(update_fields=["ends"])
    audit.record(AuditAction.CHANGE, user=by, obj=term, detail={"ends": ends.isoformat()})
    return term


@transaction.atomic
def create_committee(*, by, name: str, purpose: str = "", active: bool = True) -> Committee:
    _coordinator(by, "form committees")
    committee = Committee(name=name.strip(), purpose=purpose, active=active)
    committee.full_clean()
    committee.save()
    audit.record(AuditAction.CREATE, user=by, obj=committee)
    return committee


@transaction.atomic
def update_committee(*, committee: Committee, by, **data) -> Committee:
    _coordinator(by, "change committees")
    for field in ("name", "purpose", "active"):
        if field in data:
            setattr(committee, field, data[field])
    committee.full_clean()
    committee.save()
    audit.record(AuditAction.CHANGE, user=by, obj=committee, detail={"fields": sorted(data)})
    return committee


@transaction.atomic
def add_committee_member(
    *,
    committee: Committee,
    by,
    user,
    agency: Agency | None = None,
    voting: bool = True,
    starts: dt.date | None = None,
) -> CommitteeMember:
    """A member of the task force joins a committee, for the agency they act for there."""
    _coordinator(by, "change committees")
    memberships = active_memberships(user) if user is not None else Membership.objects.none()
    if agency is not None:
        memberships = memberships.filter(agency=agency)
    membership = memberships.select_related("agency").order_by("starts", "id").first()
    if membership is None:
        raise ValidationError(
            {"user": "Choose a person with a membership in force (in that agency)."}
        )
    starts = starts or _today()
    current = committee.members.filter(user=user).filter(Q(ends__isnull=True) | Q(ends__gte=starts))
    if current.exists():
        raise ValidationError({"user": "This person is already on the committee."})
    member = CommitteeMember(
        committee=committee, user=user, agency=membership.agency, voting=voting, starts=starts
    )
    member.full_clean()
    member.save()
    audit.record(AuditAction.CREATE, user=by, obj=member, detail={"committee_id": committee.pk})
    return member


@transaction.atomic
def schedule_meeting(
    *,
    by,
    title: str,
    held_at: dt.datetime,
    committee: Committee | None = None,
    location: str = "",
    agenda: str = "",
) -> Meeting:
    _coordinator(by, "schedule meetings")
    if not MEETING_YEARS[0] <= held_at.year <= _today().year + MEETING_YEARS[1]:
        raise ValidationError({"held_at": "Give the meeting's real date and time."})
    meeting = Meeting(
        title=title, held_at=held_at, committee=committee, location=location, agenda=agenda
    )
    meeting.full_clean(exclude=["minutes_by"])
    meeting.save()
    audit.record(AuditAction.CREATE, user=by, obj=meeting)
    return meeting


@transaction.atomic
def record_minutes(
    *,
    meeting: Meeting,
    by,
    minutes: str,
    attendees: Iterable | None = None,
    agenda: str | None = None,
) -> Meeting:
    """The minutes of a meeting that has taken place, and who attended (for which agency)."""
    _coordinator(by, "keep minutes")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.held_at > timezone.now():
        raise InvalidTransition("Minutes are kept after the meeting has taken place.")
    if agenda is not None:
        meeting.agenda = agenda
    meeting.minutes, meeting.minutes_by = minutes, by
    meeting.full_clean()
    meeting.save()
    if attendees is not None:
        people = list(attendees)
        agency_of = {}
        # A membership that had not ended by the meeting day counts (people are often added to
        # the roster after the first meeting they attend).
        day = timezone.localtime(meeting.held_at).date()
        for membership in (
            Membership.objects.filter(user__in=people, user__is_active=True, agency__active=True)
            .filter(Q(ends__isnull=True) | Q(ends__gte=day))
            .order_by("is_service_account", "starts", "id")
        ):
            agency_of.setdefault(membership.user_id, membership.agency_id)
        strangers = [p for p in people if p.pk not in agency_of]
        if strangers:
            raise ValidationError(
                {"attendees": "Attendees must have been members of the task force that day."}
            )
        meeting.attendance.all().delete()
        MeetingAttendance.objects.bulk_create(
            MeetingAttendance(meeting=meeting, user=p, agency_id=agency_of[p.pk]) for p in people
        )
    audit.record(AuditAction.CHANGE, user=by, obj=meeting, detail={"minutes": True})
    return meeting
