"""Deadlines, reminders and notifications: the clocks of DOMAIN §6 as rows.

The services that change a source record keep its deadline current with ``track`` (create or
move) and ``close`` (met or cancelled). Each kind is registered once by the app that owns its
source (``register``), saying which records a user may see, who is reminded and who hears of a
miss. A beat task (``send_due_reminders``) claims due deadlines with ``SELECT … FOR UPDATE SKIP
LOCKED`` and records each reminder under a unique key, so crashes, retries and two beats never
send twice. Email leaves after the commit, by a retried task; the in-app notification never
depends on it.

Everything that reaches a screen or a mailbox here is a label with record numbers: names, dates
of birth and case facts stay behind the access layer, one click away.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from taskforce import access
from taskforce.models import (
    ESCALATION_OFFSET,
    OUTSTANDING,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    DigestSent,
    EmailStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
    Reminder,
    ReminderPolicy,
)

DAY = 24 * 60
HOUR = 60

# --- Policies ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Policy:
    offsets_minutes: tuple[int, ...]
    window_hours: int | None = None
    urgent_window_hours: int | None = None
    escalate: bool = True


# DOMAIN §6, the defaults a task force may change (``ReminderPolicy`` rows).
DEFAULT_POLICIES: dict[str, Policy] = {
    DeadlineKind.REFERRAL_RESPONSE: Policy((24 * HOUR, 4 * HOUR), 72, 24, True),
    DeadlineKind.HHS_NOTIFICATION: Policy((12 * HOUR, 2 * HOUR), 24, None, True),
    DeadlineKind.HHS_INTERIM_LETTER: Policy((30 * DAY, 7 * DAY), None, None, False),
    DeadlineKind.CONTINUED_PRESENCE: Policy((90 * DAY, 30 * DAY), None, None, False),
    DeadlineKind.T_VISA_DECLARATION: Policy((14 * DAY, 1 * DAY), 90 * 24, None, True),
    DeadlineKind.U_VISA_FILING: Policy((30 * DAY, 7 * DAY), None, None, True),
    DeadlineKind.CONSENT_EXPIRY: Policy((14 * DAY,), None, None, False),
    DeadlineKind.COURT_EVENT: Policy((7 * DAY, 1 * DAY), None, None, False),
    DeadlineKind.MOU_END: Policy((90 * DAY, 30 * DAY, 7 * DAY), None, None, False),
    DeadlineKind.PROTOCOL_REVIEW: Policy((30 * DAY, 0), None, None, False),
    DeadlineKind.OBJECTIVE_TARGET: Policy((14 * DAY, 0), None, None, False),
    DeadlineKind.CASE_INACTIVITY: Policy((0,), 30 * 24, None, True),
    DeadlineKind.MEMBERSHIP_OPEN_WORK: Policy((0,), None, None, True),
}


def policy_for(kind: str) -> Policy:
    """The task force's policy for a kind: its ``ReminderPolicy`` row, else the default."""
    row = ReminderPolicy.objects.filter(kind=kind).first()
    return _policy_of(row) if row else DEFAULT_POLICIES[kind]


def _policy_of(row: ReminderPolicy) -> Policy:
    default = DEFAULT_POLICIES[row.kind]
    return Policy(
        tuple(sorted({int(m) for m in row.offsets_minutes}, reverse=True)),
        row.window_hours if row.window_hours is not None else default.window_hours,
        row.urgent_window_hours
        if row.urgent_window_hours is not None
        else default.urgent_window_hours,
        row.escalate,
    )


def all_policies() -> dict[str, Policy]:
    found = {row.kind: _policy_of(row) for row in ReminderPolicy.objects.all()}
    return {kind: found.get(kind, policy) for kind, policy in DEFAULT_POLICIES.items()}


def window(kind: str, *, urgent: bool = False) -> dt.timedelta:
    """The response window of a kind (e.g. 72 h for a referral, 24 h when urgent)."""
    policy = policy_for(kind)
    hours = policy.urgent_window_hours if urgent and policy.urgent_window_hours else None
    return dt.timedelta(hours=hours or policy.window_hours)


# --- Kinds ------------------------------------------------------------------------------------


def _nobody(deadline: Deadline) -> list:
    return []


@dataclasses.dataclass(frozen=True)
class KindSpec:
    """What the owning app tells the core about one kind of deadline.

    * ``model``: the source model.
    * ``visible_ids(user)``: a queryset of the source ids ``user`` may see (one subquery).
    * ``recipients(deadline)``: who is reminded (filtered again through ``visible_ids``).
    * ``escalate_to(deadline)``: who hears of a miss.
    * ``url(deadline)``: the page of the source.
    * ``on_due(deadline, now)``: what passing the due time means: return a status (met or
      missed; the default is missed). A consent's expiry, for one, revokes access here.
    """

    model: type[models.Model]
    visible_ids: Callable[..., models.QuerySet]
    recipients: Callable[[Deadline], Iterable]
    escalate_to: Callable[[Deadline], Iterable] = _nobody
    url: Callable[[Deadline], str] = lambda deadline: ""
    on_due: Callable[[Deadline, dt.datetime], str] | None = None


_KINDS: dict[str, KindSpec] = {}


def register(kind: str, spec: KindSpec) -> None:
    _KINDS[kind] = spec


def spec_for(kind: str) -> KindSpec:
    return _KINDS[kind]


def registered_kinds() -> dict[str, KindSpec]:
    return dict(_KINDS)


# --- Who: helpers for the kinds' recipient functions -----------------------------------------


def members_of(agency_id: int, roles: Iterable[str]) -> list:
    """People (not partner systems) holding one of ``roles`` in the agency today."""
    from agencies.models import Membership

    return list(
        get_user_model()
        .objects.filter(
            pk__in=Membership.objects.active()
            .filter(agency_id=agency_id, role__in=list(roles), is_service_account=False)
            .values("user_id")
        )
        .order_by("pk")
    )


def supervisors_of(agency_id: int, fallback_roles: Iterable[str] = ()) -> list:
    """The agency's supervisors; where it has none (a prosecutor's office), ``fallback_roles``."""
    from agencies.roles import SUPERVISOR_ROLES

    return members_of(agency_id, SUPERVISOR_ROLES) or members_of(agency_id, fallback_roles)


def coordinators() -> list:
    from agencies.models import Membership

    return list(
        get_user_model()
        .objects.filter(
            pk__in=Membership.objects.active()
            .filter(is_coordinator=True, is_service_account=False)
            .values("user_id")
        )
        .order_by("pk")
    )


# --- Writes by the source services ------------------------------------------------------------


def _first_look(due_at: dt.datetime, policy: Policy) -> dt.datetime:
    """When the scan should first look: the earliest reminder offset, or the due time."""
    offsets = [o for o in policy.offsets_minutes if o >= 0]
    return due_at - dt.timedelta(minutes=max(offsets)) if offsets else due_at


def track(
    *,
    kind: str,
    source: models.Model,
    due_at: dt.datetime,
    agency,
    title: str,
    responsible_user=None,
) -> Deadline:
    """Open (or move, or reopen) the deadline of ``kind`` on ``source``. Idempotent."""
    if timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    source_type = ContentType.objects.get_for_model(type(source))
    deadline = (
        Deadline.objects.select_for_update()
        .filter(kind=kind, source_type=source_type, source_id=source.pk)
        .first()
    )
    if deadline is None:
        deadline = Deadline(kind=kind, source_type=source_type, source_id=source.pk)
    elif (
        deadline.status in OUTSTANDING
        and deadline.due_at == due_at
        and deadline.owner_agency_id == agency.pk
        and deadline.responsible_user_id == getattr(responsible_user, "pk", None)
        and deadline.title == title[:200]
    ):
        return deadline  # nothing moved: keep the scan's place (and a miss on record)
    deadline.due_at = due_at
    deadline.status = DeadlineStatus.OPEN
    deadline.owner_agency = agency
    deadline.responsible_user = responsible_user
    deadline.title = title[:200]
    deadline.closed_at = None
    deadline.missed_at = None
    deadline.escalated_at = None
    deadline.next_reminder_at = _first_look(due_at, policy_for(kind))
    deadline.save()
    return deadline


def start_of(day: dt.date) -> dt.datetime:
    """Midnight starting ``day`` in the task force's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def after(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` (a date valid "through" ``day`` lapses then)."""
    return start_of(day + dt.timedelta(days=1))


def restart(
    *, kind: str, source: models.Model, due_at: dt.datetime, policy: Policy | None = None
) -> int:
    """Move the open (or missed) deadline of ``kind`` on ``source`` to ``due_at``: one UPDATE.

    For clocks that every small step restarts (a case's activity): no read, no lock. A missed
    one opens again, since fresh activity starts a new clock; a cancelled one stays closed.
    Returns rows changed (0 when the source has no such clock). ``policy``: the kind's policy
    when the caller already read it.
    """
    return Deadline.objects.filter(
        kind=kind,
        source_type=ContentType.objects.get_for_model(type(source)),
        source_id=source.pk,
        status__in=[DeadlineStatus.OPEN, DeadlineStatus.MISSED],
    ).update(
        due_at=due_at,
        next_reminder_at=_first_look(due_at, policy or policy_for(kind)),
        status=DeadlineStatus.OPEN,
        closed_at=None,
        missed_at=None,
        escalated_at=None,
        updated_at=timezone.now(),
    )


def close(*, kind: str, source: models.Model, status: str = DeadlineStatus.MET) -> int:
    """Mark the outstanding (open or missed) deadline of ``kind`` on ``source`` met or cancelled:
    a referral answered late meets its deadline, and ``missed_at`` keeps the lateness on record.
    Returns rows changed."""
    if status not in (DeadlineStatus.MET, DeadlineStatus.CANCELLED):
        raise ValueError("A source service closes a deadline as met or cancelled.")
    return Deadline.objects.filter(
        kind=kind,
        source_type=ContentType.objects.get_for_model(type(source)),
        source_id=source.pk,
        status__in=OUTSTANDING,
    ).update(status=status, closed_at=timezone.now(), next_reminder_at=None)


def deadline_of(kind: str, source: models.Model) -> Deadline | None:
    return Deadline.objects.filter(
        kind=kind,
        source_type=ContentType.objects.get_for_model(type(source)),
        source_id=source.pk,
    ).first()


# --- Reads --------------------------------------------------------------------------------------


def visible_condition(user, memberships=None) -> Q:
    """Deadlines whose source ``user`` may see: one subquery per registered source model.

    Source models of compartments that no role of the user's can hold are left out before any
    SQL is written (they would answer nothing, but only after reading their whole table).
    ``memberships``: the user's memberships in force, when the caller has them already.
    """
    from agencies.roles import COMPARTMENT_ROLES

    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    held = access.compartments_held(user, memberships)
    by_model: dict[type, list[str]] = {}
    for kind, spec in _KINDS.items():
        compartment = getattr(spec.model, "compartment", "")
        if compartment in COMPARTMENT_ROLES and compartment not in held:
            continue
        by_model.setdefault(spec.model, []).append(kind)
    condition = Q(pk__in=[])
    for model, kinds in by_model.items():
        spec = _KINDS[kinds[0]]
        condition |= Q(
            kind__in=kinds,
            source_type=ContentType.objects.get_for_model(model),
            source_id__in=spec.visible_ids(user),
        )
    return condition


def deadlines_for(user, queryset=None, memberships=None) -> models.QuerySet[Deadline]:
    qs = Deadline.objects.all() if queryset is None else queryset
    return qs.filter(visible_condition(user, memberships))


def notifications_for(user) -> models.QuerySet[Notification]:
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)


def unread_count(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


# --- Notifications ------------------------------------------------------------------------------


def _enqueue_email(notification: Notification) -> None:
    from taskforce import tasks

    transaction.on_commit(lambda: tasks.send_notification_email.delay(notification.pk))


def notify(
    *, user, kind: str, title: str, url: str = "", deadline: Deadline | None = None
) -> Notification:
    """One in-app notification (and its email, after the commit)."""
    notification = Notification.objects.create(
        recipient=user,
        kind=kind,
        title=title[:200],
        url=url[:300],
        deadline=deadline,
        email_status=EmailStatus.PENDING if user.email else EmailStatus.SKIPPED,
    )
    if user.email:
        _enqueue_email(notification)
    return notification


@transaction.atomic
def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    qs = notifications_for(user).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


@transaction.atomic
def set_daily_digest(*, user, enabled: bool) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.get_or_create(user=user)
    preference.daily_digest = enabled
    preference.save(update_fields=["daily_digest"])
    return preference


# --- The reminder scan --------------------------------------------------------------------------


def _who_may_see(deadline: Deadline, users: Iterable) -> list:
    """The users among ``users`` who may see the deadline's source, once each, active only."""
    spec = _KINDS[deadline.kind]
    found, seen = [], set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        if spec.visible_ids(user).filter(pk=deadline.source_id).exists():
            found.append(user)
    return found


def _remind(deadline: Deadline, offset: int, users: Iterable, kind: str, title: str) -> int:
    """Send one reminder per user for this (deadline, due time, offset) unless already sent."""
    url = _KINDS[deadline.kind].url(deadline)
    sent = 0
    for user in _who_may_see(deadline, users):
        if Reminder.objects.filter(
            deadline=deadline, due_at=deadline.due_at, offset_minutes=offset, recipient=user
        ).exists():
            continue
        try:
            with transaction.atomic():  # a savepoint: a concurrent duplicate loses cleanly
                notification = notify(user=user, kind=kind, title=title, url=url, deadline=deadline)
                Reminder.objects.create(
                    deadline=deadline,
                    due_at=deadline.due_at,
                    offset_minutes=offset,
                    recipient=user,
                    notification=notification,
                )
        except IntegrityError:
            continue
        sent += 1
    return sent


def _when(minutes: int) -> str:
    if minutes <= 0:
        return "due now"
    if minutes % DAY == 0:
        days = minutes // DAY
        return f"due in {days} day{'s' if days != 1 else ''}"
    hours = max(1, round(minutes / HOUR))
    return f"due in {hours} hour{'s' if hours != 1 else ''}"


def _process(deadline: Deadline, policy: Policy, now: dt.datetime) -> int:
    spec = _KINDS[deadline.kind]
    sent = 0
    offsets = sorted((o for o in policy.offsets_minutes if o >= 0), reverse=True)
    if now < deadline.due_at:
        passed = [o for o in offsets if deadline.due_at - dt.timedelta(minutes=o) <= now]
        if passed:
            # Only the latest passed offset: a deadline created late is not reminded of the
            # stale ones it never had a chance to meet.
            offset = min(passed)
            sent += _remind(
                deadline,
                offset,
                spec.recipients(deadline),
                NotificationKind.REMINDER,
                f"{deadline.title}: {_when(offset)}",
            )
        upcoming = [
            deadline.due_at - dt.timedelta(minutes=o)
            for o in offsets
            if deadline.due_at - dt.timedelta(minutes=o) > now
        ]
        deadline.next_reminder_at = min(upcoming) if upcoming else deadline.due_at
        deadline.save(update_fields=["next_reminder_at", "updated_at"])
        return sent
    # The due time has passed.
    status = spec.on_due(deadline, now) if spec.on_due else DeadlineStatus.MISSED
    if status == DeadlineStatus.MISSED:
        if 0 in offsets:
            sent += _remind(
                deadline,
                0,
                spec.recipients(deadline),
                NotificationKind.REMINDER,
                f"{deadline.title}: due now",
            )
        if policy.escalate:
            sent += _remind(
                deadline,
                ESCALATION_OFFSET,
                spec.escalate_to(deadline),
                NotificationKind.ESCALATION,
                f"Missed: {deadline.title}",
            )
            deadline.escalated_at = now
        deadline.missed_at = now  # still outstanding: not closed
    else:
        deadline.closed_at = now
    deadline.status = status
    deadline.next_reminder_at = None
    deadline.save(
        update_fields=[
            "status",
            "closed_at",
            "missed_at",
            "next_reminder_at",
            "escalated_at",
            "updated_at",
        ]
    )
    return sent


def send_due_reminders(*, now: dt.datetime | None = None, batch: int = 200) -> int:
    """Claim due deadlines (skipping those another scan holds) and send their reminders.

    Each batch is one transaction: the reminders, notifications and the deadlines' next look
    commit together, and the emails are queued only after that commit. Returns reminders sent.
    """
    now = now or timezone.now()
    policies = all_policies()
    sent = 0
    while True:
        with transaction.atomic():
            claimed = list(
                Deadline.objects.select_for_update(skip_locked=True)
                .filter(
                    status=DeadlineStatus.OPEN,
                    next_reminder_at__lte=now,
                    kind__in=list(_KINDS),
                )
                .order_by("next_reminder_at", "id")[:batch]
            )
            for deadline in claimed:
                sent += _process(deadline, policies[deadline.kind], now)
        if len(claimed) < batch:
            return sent


# --- Email ---------------------------------------------------------------------------------------


def _email_body(notification: Notification) -> str:
    link = f"{settings.SITE_URL.rstrip('/')}{notification.url}" if notification.url else ""
    return (
        f"{notification.title}\n\n"
        f"{'Open it in the task force system: ' + link if link else 'Sign in to see it.'}\n\n"
        "This message holds no details on purpose: they stay in the system.\n"
    )


def deliver_email(notification_id: int) -> str:
    """Send one notification's email unless it was sent. Raises the backend's error to retry."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.email_status != EmailStatus.PENDING:
            return notification.email_status if notification else "missing"
        Notification.objects.filter(pk=notification.pk).update(
            email_attempts=models.F("email_attempts") + 1
        )
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        if notification.email_status != EmailStatus.PENDING:
            return notification.email_status
        send_mail(
            subject=f"[{settings.TASKFORCE_NAME}] {notification.title}"[:200],
            message=_email_body(notification),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )
        notification.email_status = EmailStatus.SENT
        notification.email_sent_at = timezone.now()
        notification.save(update_fields=["email_status", "email_sent_at"])
        return EmailStatus.SENT


def record_email_failure(notification_id: int, error: BaseException) -> None:
    """After the last retry: the email failed; the in-app notification stays."""
    Notification.objects.filter(pk=notification_id, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.FAILED,
        email_error=f"{type(error).__name__}: {error}"[:200],
    )


# --- Daily digest --------------------------------------------------------------------------------


def digest_counts(user, *, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        **open_counts(user, now),
        "missed": deadlines_for(user).filter(missed_at__gte=now - dt.timedelta(days=1)).count(),
        "unread": unread_count(user),
    }


def send_daily_digests(*, now: dt.datetime | None = None) -> int:
    """One digest email a day per person who has an address, work in it, and has not opted out.

    Counts only. Recorded under a unique (user, day) in the same transaction as the send, so a
    retry or a second beat never sends a second one.
    """
    from agencies.models import Membership

    now = now or timezone.now()
    day = timezone.localdate(now)
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            pk__in=Membership.objects.active(day)
            .filter(is_service_account=False)
            .values("user_id"),
        )
        .exclude(email="")
        .exclude(notification_preference__daily_digest=False)
        .exclude(pk__in=DigestSent.objects.filter(day=day).values("user_id"))
        .order_by("pk")
    )
    sent = 0
    for user in users:
        counts = digest_counts(user, now=now)
        if not any(counts.values()):
            continue
        with transaction.atomic():
            _, created = DigestSent.objects.get_or_create(user=user, day=day)
            if not created:
                continue
            send_mail(
                subject=f"[{settings.TASKFORCE_NAME}] Your deadlines for {day:%B %-d, %Y}",
                message=(
                    f"Overdue: {counts['overdue']}\n"
                    f"Due today: {counts['today']}\n"
                    f"Due this week: {counts['week']}\n"
                    f"Missed in the last day: {counts['missed']}\n"
                    f"Unread notifications: {counts['unread']}\n\n"
                    f"See them: {settings.SITE_URL.rstrip('/')}/deadlines/\n"
                    "To stop this daily email, turn it off on your notifications page.\n"
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[user.email],
            )
        sent += 1
    return sent


# --- Time windows of the deadline lists ----------------------------------------------------------


def window_bounds(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """(now, the end of today, the end of the seventh day after today), in local time."""
    now = now or timezone.now()
    today_end = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=999999)
    return now, today_end, today_end + dt.timedelta(days=7)


def in_window(queryset, name: str, now: dt.datetime | None = None):
    """Deadlines of ``queryset`` overdue (open or missed: still to be done), or open and due
    today, or due from now to a week after today."""
    now, today_end, week_end = window_bounds(now)
    open_ = queryset.filter(status=DeadlineStatus.OPEN)
    if name == "overdue":
        return queryset.filter(status__in=OUTSTANDING, due_at__lt=now)
    if name == "today":
        return open_.filter(due_at__gte=now, due_at__lte=today_end)
    if name == "week":
        return open_.filter(due_at__gte=now, due_at__lte=week_end)
    raise ValueError(f"Unknown window {name!r}.")


def open_counts(user, now: dt.datetime | None = None, outstanding=None) -> dict[str, int]:
    """How many of the user's outstanding deadlines are overdue, due today, and due later this
    week (after today, within seven days): one query. ``outstanding``: the user's outstanding
    deadlines, when the caller has built that queryset already."""
    now, today_end, week_end = window_bounds(now)
    if outstanding is None:
        outstanding = deadlines_for(user).filter(status__in=OUTSTANDING)
    return outstanding.order_by().aggregate(
        overdue=models.Count("pk", filter=Q(due_at__lt=now)),
        today=models.Count("pk", filter=Q(due_at__gte=now, due_at__lte=today_end)),
        week=models.Count("pk", filter=Q(due_at__gt=today_end, due_at__lte=week_end)),
    )


# --- The task force's policies -------------------------------------------------------------------

# A reminder at most a year (of 366 days) ahead, at most six of them per kind.
MAX_OFFSET_MINUTES = 366 * DAY
MAX_OFFSETS = 6
MAX_WINDOW_HOURS = 366 * 24


def _policy_errors(changes: dict) -> dict[str, str]:
    errors = {}
    if "offsets_minutes" in changes:
        offsets = changes["offsets_minutes"]
        if not isinstance(offsets, list | tuple) or not all(
            isinstance(o, int) and not isinstance(o, bool) for o in offsets
        ):
            errors["offsets_minutes"] = "A list of whole numbers of minutes."
        elif not offsets:
            errors["offsets_minutes"] = "Remind at least once."
        elif len(offsets) > MAX_OFFSETS:
            errors["offsets_minutes"] = f"At most {MAX_OFFSETS} reminders."
        elif any(o < 0 or o > MAX_OFFSET_MINUTES for o in offsets):
            errors["offsets_minutes"] = f"Each between 0 and {MAX_OFFSET_MINUTES} minutes."
        elif len(set(offsets)) != len(offsets):
            errors["offsets_minutes"] = "Each reminder time once."
    for field in ("window_hours", "urgent_window_hours"):
        if field in changes:
            value = changes[field]
            if value is not None and (
                not isinstance(value, int)
                or isinstance(value, bool)
                or not 1 <= value <= MAX_WINDOW_HOURS
            ):
                errors[field] = f"A whole number of hours from 1 to {MAX_WINDOW_HOURS}, or empty."
    if "escalate" in changes and not isinstance(changes["escalate"], bool):
        errors["escalate"] = "True or false."
    return errors


@transaction.atomic
def set_policy(*, by, kind: str, **changes) -> Policy:
    """A coordinator changes the task force's clock for one kind of deadline.

    ``changes`` may name ``offsets_minutes``, ``window_hours``, ``urgent_window_hours`` (None
    returns to the default) and ``escalate``. Bad input changes nothing. Open deadlines of the
    kind are looked at again by the next scan when a new reminder comes earlier than planned.
    """
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db.models.functions import Least

    from agencies.selectors import is_coordinator
    from taskforce import audit
    from taskforce.models import AuditAction

    if not is_coordinator(by):
        raise PermissionDenied("Only coordinators change the reminder policies.")
    if kind not in DEFAULT_POLICIES:
        raise ValidationError({"kind": "Unknown kind of deadline."})
    unknown = set(changes) - {"offsets_minutes", "window_hours", "urgent_window_hours", "escalate"}
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Not a policy setting."))
    errors = _policy_errors(changes)
    if errors:
        raise ValidationError(errors)
    before = policy_for(kind)
    if not changes:
        return before  # nothing to change, nothing to record
    default = DEFAULT_POLICIES[kind]
    row = ReminderPolicy.objects.select_for_update().filter(kind=kind).first()
    if row is None:
        row = ReminderPolicy(
            kind=kind, offsets_minutes=list(default.offsets_minutes), escalate=default.escalate
        )
    if "offsets_minutes" in changes:
        row.offsets_minutes = sorted(changes["offsets_minutes"], reverse=True)
    for field in ("window_hours", "urgent_window_hours", "escalate"):
        if field in changes:
            setattr(row, field, changes[field])
    row.save()
    after = _policy_of(row)
    earliest = max(after.offsets_minutes)
    Deadline.objects.filter(
        kind=kind, status=DeadlineStatus.OPEN, next_reminder_at__gt=timezone.now()
    ).update(
        next_reminder_at=Least(
            "next_reminder_at", models.F("due_at") - dt.timedelta(minutes=earliest)
        )
    )
    audit.record(
        AuditAction.CHANGE,
        user=by,
        obj=row,
        detail={
            "kind": kind,
            "before": dataclasses.asdict(before),
            "after": dataclasses.asdict(after),
        },
    )
    return after
