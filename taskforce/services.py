"""Cross-cutting writes (housekeeping of the API's idempotency keys) and the checks that every
app's services share."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from taskforce.models import IdempotencyRecord

IDEMPOTENCY_KEY_LIFETIME = dt.timedelta(hours=24)


def purge_idempotency_records(*, now: dt.datetime | None = None) -> int:
    """Forget idempotency keys older than a day. Returns how many were removed."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_KEY_LIFETIME
    removed, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return removed


def not_future(value, field: str) -> None:
    """Refuse a date that has not happened yet (a birth, an arrest, a signature)."""
    if value and value > timezone.localdate():
        raise ValidationError({field: "This date cannot be in the future."})
