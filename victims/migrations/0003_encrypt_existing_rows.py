"""Encrypt the identifying values already stored (0002 turned their columns into text) and fill
the name search index. Reversible: going back decrypts them before 0002 restores the columns.

Raw SQL on purpose: the fields of the models decrypt on read, which plaintext rows cannot pass.
"""

import datetime as dt

from django.db import migrations

from taskforce import crypto

BATCH = 1000

# table -> encrypted columns (dates marked), and the name columns indexed for search.
TABLES = {
    "victims_victimwitness": (
        (
            "given_name",
            "family_name",
            "alias",
            "date_of_birth",
            "phone",
            "email",
            "address",
            "safe_contact_notes",
            "a_number",
        ),
        ("given_name", "family_name", "alias"),
    ),
    "victims_client": (
        (
            "given_name",
            "family_name",
            "alias",
            "date_of_birth",
            "phone",
            "email",
            "address",
            "safe_contact_notes",
            "a_number",
        ),
        ("given_name", "family_name", "alias"),
    ),
    "victims_referral": (("shared_name", "contact_instructions"), ()),
    "victims_consent": (("signer_name", "parent_name"), ()),
    "victims_immigrationrelief": (("receipt_number",), ()),
}
DATES = {"date_of_birth"}


def _plain(column: str, value):
    """The stored plaintext (a value already encrypted, by a run cut short, is opened)."""
    if value is None or value == "":
        return value
    try:
        return crypto.decrypt(value)
    except crypto.DecryptionError:
        pass
    if column in DATES:
        # The date column became text; its text must be an ISO date to be read back.
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise RuntimeError(
                f"{column}: a stored date is not in ISO format; set the database's DateStyle "
                "to ISO and migrate again."
            ) from None
    return value


def _encrypted(column: str, value):
    value = _plain(column, value)
    return value if value is None or value == "" else crypto.encrypt(value)


def _decrypted(column: str, value):
    if value is None or value == "":
        return value
    return crypto.decrypt(value)


def _rewrite(schema_editor, convert, with_index: bool) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, (columns, names) in TABLES.items():
            index = with_index and bool(names)
            written = list(columns) + (["name_index"] if index else [])
            select = (
                f"SELECT id, {', '.join(quote(c) for c in columns)} FROM {quote(table)} "
                "WHERE id > %s ORDER BY id"
            )
            update = (
                f"UPDATE {quote(table)} SET {', '.join(f'{quote(c)} = %s' for c in written)} "
                "WHERE id = %s"
            )
            last = 0
            while True:
                cursor.execute(f"{select} LIMIT {BATCH}", [last])
                rows = cursor.fetchall()
                if not rows:
                    break
                params = []
                for pk, *values in rows:
                    new = [convert(c, v) for c, v in zip(columns, values, strict=True)]
                    if index:
                        plain = {c: _plain(c, v) for c, v in zip(columns, values, strict=True)}
                        new.append(crypto.name_index(*(plain[n] or "" for n in names)))
                    params.append([*new, pk])
                cursor.executemany(update, params)
                last = rows[-1][0]


def encrypt_rows(apps, schema_editor):
    _rewrite(schema_editor, _encrypted, with_index=True)


def decrypt_rows(apps, schema_editor):
    _rewrite(schema_editor, _decrypted, with_index=False)


class Migration(migrations.Migration):
    dependencies = [
        ("victims", "0002_encrypt_identity_fields"),
    ]

    operations = [
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
