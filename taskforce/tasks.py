"""Thin Celery wrappers around cross-cutting services. Ids in, counts out; every task is
idempotent, so a redelivery after a lost worker repeats nothing."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings

from taskforce import audit, deadlines, services

logger = logging.getLogger(__name__)

# What a mail backend raises when the server is down or refuses: worth retrying.
EMAIL_ERRORS = (smtplib.SMTPException, OSError)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def purge_idempotency_records() -> int:
    return services.purge_idempotency_records()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def purge_expired_audit_events() -> int:
    return audit.purge_expired()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_due_reminders() -> int:
    return deadlines.send_due_reminders()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_daily_digests() -> int:
    return deadlines.send_daily_digests()


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def send_notification_email(self, notification_id: int) -> str:
    """Email one notification; retried with backoff, then the failure is recorded. The in-app
    notification was committed before this task was queued and never depends on it."""
    delays = settings.NOTIFICATION_EMAIL_RETRY_DELAYS
    try:
        return deadlines.deliver_email(notification_id)
    except EMAIL_ERRORS as error:
        if self.request.retries >= len(delays):
            deadlines.record_email_failure(notification_id, error)
            logger.warning("email for notification %s failed: %s", notification_id, error)
            return "failed"
        raise self.retry(exc=error, countdown=delays[self.request.retries]) from error


@shared_task(acks_late=True, reject_on_worker_lost=True)
def purge_signin_failures() -> int:
    from taskforce import lockout

    return lockout.purge_failures()
