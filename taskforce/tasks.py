"""Thin Celery wrappers around cross-cutting services."""

from celery import shared_task

from taskforce import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def purge_idempotency_records() -> int:
    return services.purge_idempotency_records()
