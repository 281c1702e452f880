"""Cross-cutting models: the compartmented-record base, grants and the audit trail."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase


class CompartmentedModel(models.Model):
    """Base of every record that belongs to one compartment and one owner agency.

    Subclasses set ``compartment`` and declare a grant table (a ``GrantBase`` subclass with a
    ``content_object`` foreign key to them). Reads go through ``taskforce.access`` only.
    """

    compartment: str = ""

    owner_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        # Backs the API's cursor ordering (newest first). Subclasses that declare their own Meta
        # inherit from this one to keep it.
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="%(class)s_recent")]


class GrantBase(GroupObjectPermissionBase):
    """A guardian group object permission on a direct foreign-key table, with its reason.

    Grants are made and removed only by ``taskforce.access.grant`` / ``revoke``.
    """

    reason = models.CharField(max_length=200)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = True


class AuditAction(models.TextChoices):
    LOGIN = "login", "Login"
    LOGIN_FAILED = "login_failed", "Login failed"
    LOGOUT = "logout", "Logout"
    VIEW = "view", "View"
    CREATE = "create", "Create"
    CHANGE = "change", "Change"
    GRANT = "grant", "Grant"
    REVOKE = "revoke", "Revoke"
    EXPORT = "export", "Export"
    LOCK = "lock", "Account locked"
    UNLOCK = "unlock", "Account unlocked"
    MFA_ENROL = "mfa_enrol", "Second factor enrolled"
    MFA_RESET = "mfa_reset", "Second factor reset"
    REAUTHENTICATE = "reauthenticate", "Re-authenticated"
    DISABLE = "disable", "Account disabled"
    END_SESSIONS = "end_sessions", "Sessions ended"
    PURGE = "purge", "Purge"


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", "Success"
    DENIED = "denied", "Denied"
    FAILURE = "failure", "Failure"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One append-only line of the audit trail. Ids only: never names or birth dates."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    acting_agency_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    outcome = models.CharField(
        max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS
    )
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class IdempotencyRecord(models.Model):
    """The first response to a write that carried an ``Idempotency-Key``, replayed on repeats."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


# --- Deadlines, reminders and notifications ---------------------------------------------------


class DeadlineKind(models.TextChoices):
    """The clocks of the field (see ``taskforce.deadlines`` for each one's default policy)."""

    REFERRAL_RESPONSE = "referral_response", "Referral response"
    HHS_NOTIFICATION = "hhs_notification", "HHS notification for a foreign national minor"
    HHS_INTERIM_LETTER = "hhs_interim_letter", "HHS interim assistance letter expiry"
    CONTINUED_PRESENCE = "continued_presence", "Continued Presence expiry"
    T_VISA_DECLARATION = "t_visa_declaration", "T visa declaration response"
    U_VISA_FILING = "u_visa_filing", "U visa petition filing (certification valid 6 months)"
    CONSENT_EXPIRY = "consent_expiry", "Release of information expiry"
    COURT_EVENT = "court_event", "Court event"
    MOU_END = "mou_end", "MOU end date"
    PROTOCOL_REVIEW = "protocol_review", "Protocol review"
    OBJECTIVE_TARGET = "objective_target", "Objective target date"
    CASE_INACTIVITY = "case_inactivity", "Case inactivity"
    MEMBERSHIP_OPEN_WORK = "membership_open_work", "Ended membership with open work"


class DeadlineStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    # Past due and not met: still outstanding (an unanswered referral still needs its answer),
    # so it stays on the overdue lists until its source meets or cancels it.
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


# Deadlines whose work is still to be done.
OUTSTANDING = (DeadlineStatus.OPEN, DeadlineStatus.MISSED)


class Deadline(models.Model):
    """One clock on one source record, kept current by the services that change the source.

    Visible only to those who may see the source (``taskforce.deadlines.deadlines_for``). The
    title is a label with record numbers only: it reaches screens, emails and digests.
    """

    kind = models.CharField(max_length=30, choices=DeadlineKind.choices)
    status = models.CharField(
        max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN
    )
    due_at = models.DateTimeField()
    source_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.BigIntegerField()
    owner_agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agency responsible for meeting the deadline.",
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    # When the scan should next look at this deadline (a reminder offset or the due time).
    next_reminder_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was met or cancelled."
    )
    missed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the due time passed with the work not done."
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_type", "source_id"], name="one_deadline_per_kind_and_source"
            ),
        ]
        indexes = [
            models.Index(fields=["source_type", "source_id"], name="deadline_source"),
            models.Index(fields=["due_at", "id"], name="deadline_due"),
            models.Index(fields=["owner_agency", "status", "due_at"], name="deadline_agency_due"),
            models.Index(
                fields=["next_reminder_at"],
                name="deadline_scan",
                condition=models.Q(status="open", next_reminder_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} due {self.due_at:%Y-%m-%d %H:%M}"


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", "Reminder"
    ESCALATION = "escalation", "Escalation"
    OUTCOME = "outcome", "Outcome"
    DECONFLICTION = "deconfliction", "Deconfliction hit"
    ASSIGNMENT = "assignment", "Open work to reassign"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not sent (no address)"


class Notification(models.Model):
    """One in-app message to one person, mirrored by email. Labels and links only: the record
    itself stays behind the access layer."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    deadline = models.ForeignKey(
        Deadline, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for user #{self.recipient_id}: {self.title}"


# The offset recorded for an escalation (sent once a deadline is missed).
ESCALATION_OFFSET = -1


class Reminder(models.Model):
    """The record that one reminder was sent: at most one per (deadline, due time, offset,
    recipient). The due time is part of the key so that a moved deadline is reminded again."""

    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="reminders")
    due_at = models.DateTimeField(help_text="The due time this reminder was about.")
    offset_minutes = models.IntegerField(
        help_text="Minutes before the due time; -1 for the escalation of a missed deadline."
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notification = models.OneToOneField(
        Notification, on_delete=models.PROTECT, related_name="reminder"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "due_at", "offset_minutes", "recipient"],
                name="one_reminder_per_deadline_offset_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.offset_minutes} min for deadline #{self.deadline_id}"


class ReminderPolicy(models.Model):
    """The task force's own clock for one deadline kind; without a row the defaults apply."""

    kind = models.CharField(max_length=30, choices=DeadlineKind.choices, unique=True)
    offsets_minutes = models.JSONField(
        help_text="Minutes before the due time at which to remind, e.g. [10080, 1440]."
    )
    window_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text="The response window, where the kind has one."
    )
    urgent_window_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text="The window when urgent or for a minor (referrals)."
    )
    escalate = models.BooleanField(default=True, help_text="Tell supervisors when missed.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reminder policies"
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    daily_digest = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Notification preferences of user #{self.user_id}"


class DigestSent(models.Model):
    """One daily digest per person per day, whatever retries or beats happen."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_per_day")
        ]

    def __str__(self) -> str:
        return f"Digest for user #{self.user_id} on {self.day}"


class SignInStep(models.TextChoices):
    PASSWORD = "password", "Password"
    OTP = "otp", "One-time code"
    TOKEN = "token", "OAuth2 client secret"


class SignInFailure(models.Model):
    """One failed sign-in attempt, kept to count failures per account and per address.

    ``username`` is what was typed (an account that does not exist is still counted for the
    address); ``user`` is set when it named a real account.
    """

    at = models.DateTimeField(default=timezone.now)
    step = models.CharField(max_length=10, choices=SignInStep.choices)
    username = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    source_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "at"], name="signin_failure_user"),
            models.Index(fields=["source_ip", "at"], name="signin_failure_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.step} {self.username}"


class AccountLock(models.Model):
    """An account locked after repeated failures, until a supervisor or an administrator
    unlocks it. The rows stay as the account's lock history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_locks"
    )
    step = models.CharField(max_length=10, choices=SignInStep.choices)
    locked_at = models.DateTimeField(default=timezone.now)
    unlocked_at = models.DateTimeField(null=True, blank=True)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(unlocked_at__isnull=True),
                name="one_open_lock_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"lock of user {self.user_id} at {self.locked_at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """Which browser sessions belong to which account, so that a disable, a role change or a
    second-factor reset can end all of them at once."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"session of user {self.user_id}"
