"""Re-encrypt every encrypted field value under the current key (the first of
``FIELD_ENCRYPTION_KEYS``).

A rotation: put the new key first, keep the old one after it, run this command, then remove the
old key. Idempotent and resumable: a value already under the current key is left alone, so a run
cut short is finished by running it again. Each batch is its own transaction, so the tables are
never locked for the whole run. The name search index does not depend on these keys and is left
as it is.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from taskforce import crypto


def encrypted_tables() -> list[tuple[str, str, list[str]]]:
    """(table, primary key column, encrypted columns) of every model with encrypted fields."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = crypto.encrypted_fields(model)
        if fields:
            found.append((model._meta.db_table, model._meta.pk.column, [f.column for f in fields]))
    return sorted(found)


def rotate_table(table: str, pk: str, columns: list[str], batch_size: int) -> tuple[int, int]:
    """Rotate one table in batches of rows, in primary-key order. Returns (rows, values)."""
    quote = connection.ops.quote_name
    # Names from the models, quoted; values always go as parameters.
    read = f"SELECT {quote(pk)}, {', '.join(quote(c) for c in columns)} FROM {quote(table)}"  # noqa: S608
    # The batch's rows stay locked until it commits, so a save made meanwhile is never
    # overwritten by the value read before it (SQLite writes one transaction at a time anyway).
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    first = f"{read} ORDER BY {quote(pk)} LIMIT %s{lock}"
    after = f"{read} WHERE {quote(pk)} > %s ORDER BY {quote(pk)} LIMIT %s{lock}"
    rows_changed = values_changed = 0
    last = None
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            if last is None:
                cursor.execute(first, [batch_size])
            else:
                cursor.execute(after, [last, batch_size])
            rows = cursor.fetchall()
            if not rows:
                return rows_changed, values_changed
            for key, *values in rows:
                rotated = {
                    column: new
                    for column, value in zip(columns, values, strict=True)
                    if value and (new := crypto.rotate(value)) is not None
                }
                if rotated:
                    assignments = ", ".join(f"{quote(c)} = %s" for c in rotated)
                    cursor.execute(
                        f"UPDATE {quote(table)} SET {assignments} WHERE {quote(pk)} = %s",  # noqa: S608
                        [*rotated.values(), key],
                    )
                    rows_changed += 1
                    values_changed += len(rotated)
            last = rows[-1][0]


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field value with the current (first) key of "
        "FIELD_ENCRYPTION_KEYS. Run after putting a new key first; then remove the old key."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="Rows per transaction (default 1000)."
        )

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        keys = crypto.encryption_keys()
        for table, pk, columns in encrypted_tables():
            try:
                rows, values = rotate_table(table, pk, columns, batch_size)
            except crypto.DecryptionError as error:
                raise CommandError(f"{table}: {error}") from None
            self.stdout.write(f"{table}: {values} values in {rows} rows re-encrypted")
        self.stdout.write(
            self.style.SUCCESS(
                f"Every encrypted value is under the current key ({len(keys)} key(s) configured)."
            )
        )
