"""Thin Celery wrappers around cross-cutting services. Ids in, counts out; every task is
idempotent, so a redelivery after a lost worker repeats nothing."""

import logging
import smtplib

from celery import shared_task

from taskforce import deadlines, services

logger = logging.getLogger(__name__)

# What a mail backend raises when the server is down or refuses: worth retrying.
EMAIL_ERRORS = (smtplib.SMTPException, OSError)
EMAIL_MAX_RETRIES = 4


@shared_task(acks_late=True, reject_on_worker_lost=True)
def purge_idempotency_records() -> int:
    return services.purge_idempotency_records()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_due_reminders() -> int:
    return deadlines.send_due_reminders()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_daily_digests() -> int:
    return deadlines.send_daily_digests()


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=EMAIL_MAX_RETRIES)
def send_notification_email(self, notification_id: int) -> str:
    try:
        return deadlines.deliver_email(notification_id)
    except EMAIL_ERRORS as error:
        if self.request.retries >= self.max_retries:
            deadlines.record_email_failure(notification_id, error)
            logger.warning("email for notification %s failed: %s", notification_id, error)
            return "failed"
        # Exponential backoff kept short (5 s, 10 s, 20 s, 40 s): no long countdowns.
        raise self.retry(exc=error, countdown=5 * 2**self.request.retries) from error
