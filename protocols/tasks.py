"""Thin Celery wrappers around governance services."""

from celery import shared_task

from protocols import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def expire_lapsed_mous() -> int:
    return services.expire_lapsed_mous()
