"""Thin Celery wrappers around victims services."""

from celery import shared_task

from victims import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def expire_consents() -> int:
    # The access check already refuses an expired release; this removes its grant rows.
    return services.expire_consents()
