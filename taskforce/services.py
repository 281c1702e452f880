"""Cross-cutting writes: housekeeping of the API's idempotency keys."""

import datetime as dt

from django.utils import timezone

from taskforce.models import IdempotencyRecord

IDEMPOTENCY_KEY_LIFETIME = dt.timedelta(hours=24)


def purge_idempotency_records(*, now: dt.datetime | None = None) -> int:
    """Forget idempotency keys older than a day. Returns how many were removed."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_KEY_LIFETIME
    removed, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return removed
