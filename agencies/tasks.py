"""Thin Celery wrappers around agency services."""

from celery import shared_task

from agencies import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sync_agency_groups() -> int:
    return services.sync_all_agency_groups()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def check_ended_memberships() -> int:
    # Memberships ended by date leave their open work to the agency's supervisors.
    return services.check_ended_memberships()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def disable_inactive_accounts() -> int:
    # Accounts unused for 90 days are disabled; their sessions and tokens end with them.
    return services.disable_inactive_accounts()
