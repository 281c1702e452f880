"""Field-level encryption at rest for what identifies a victim: names, dates of birth, contact
details and immigration numbers.

A value is encrypted in Python before it reaches the database (Fernet: AES-128-CBC and
HMAC-SHA256, one random IV per value) and decrypted when a row is read, so a copy of the
database, a backup or a log of SQL shows ciphertext only. The keys come from the environment:

* ``FIELD_ENCRYPTION_KEYS``: comma-separated Fernet keys. The first encrypts; every one of them
  decrypts (``MultiFernet``), so a key is rotated by putting the new one first, running
  ``manage.py rotate_field_keys`` and then removing the old one.
* ``FIELD_INDEX_KEY``: the key of the *blind index*, a keyed hash (HMAC-SHA256) of each word of a
  name, stored beside the ciphertext so that a name can still be found by an exact whole word.
  It is separate because it must never change with a rotation: every stored hash depends on it.

With ``DEBUG`` on (the embedded demo and the tests) the settings put fixed development keys in
place of an unset variable; with ``DEBUG`` off a missing key stops the start, never a silent
default.

The database cannot compare, sort or search ciphertext: an encrypted field accepts no lookup but
``isnull``. Search goes through the blind index (``name_index_q``); ordering and counting use
non-identifying columns (identification date, derived age at identification, ``is_minor``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models import Q

# Each word's hash is cut to 64 bits: a collision among the words of one task force is
# negligible, and a shorter hash tells an attacker less.
TOKEN_HEX_DIGITS = 16


class DecryptionError(Exception):
    """A stored value that none of the configured keys opens. The message never holds the value."""


# --- keys -------------------------------------------------------------------------------------


def encryption_keys() -> tuple[str, ...]:
    raw = settings.FIELD_ENCRYPTION_KEYS
    return _parsed_keys(raw if isinstance(raw, str) else tuple(raw))


@functools.lru_cache(maxsize=8)
def _parsed_keys(raw: str | tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = tuple(raw.split(","))
    keys = tuple(k.strip() for k in raw if k and k.strip())
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set. With DEBUG off the system refuses to start "
            "without the keys that encrypt victims' identifying fields: set it to one or more "
            "Fernet keys, comma-separated, the current one first (generate one with `python -c "
            '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).'
        )
    return keys


def index_key() -> bytes:
    key = str(settings.FIELD_INDEX_KEY or "").strip()
    if not key:
        raise ImproperlyConfigured(
            "FIELD_INDEX_KEY is not set. With DEBUG off the system refuses to start without the "
            "key of the name search index: set it to a long random secret (for example from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`) and never change it."
        )
    return key.encode()


def check_configuration() -> None:
    """Raise ``ImproperlyConfigured`` unless both keys are set and the encryption keys are Fernet
    keys (the settings refuse to start without them; this names a malformed one)."""
    _fernet(encryption_keys())
    index_key()


@functools.lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key number {position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from None
    return MultiFernet(fernets)


def _current() -> MultiFernet:
    # Read on every call (the cache is by key list), so a changed setting takes effect at once.
    return _fernet(encryption_keys())


# --- values -----------------------------------------------------------------------------------


def encrypt(text: str) -> str:
    return _current().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise DecryptionError(
            "A stored value cannot be decrypted with the keys in FIELD_ENCRYPTION_KEYS: a key "
            "was removed before `manage.py rotate_field_keys` re-encrypted the values under the "
            "current key, or the key is wrong."
        ) from None


def rotate(token: str) -> str | None:
    """The token re-encrypted under the current key, or None when it already is."""
    fernet = _current()
    current = fernet._fernets[0]
    try:
        current.decrypt(token.encode("ascii"))
        return None
    except InvalidToken:
        pass
    try:
        return fernet.rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise DecryptionError(
            "A stored value cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS; keep the "
            "old key in the list (after the new one) until the rotation has finished."
        ) from None


# --- blind index ------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """The words of ``text``, folded: any case, accents dropped (``Tomás`` = ``tomas``)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return [w for w in re.split(r"[\W_]+", plain.casefold()) if w]


@functools.lru_cache(maxsize=8)
def _keyed(key: bytes):
    return hmac.new(key, digestmod=hashlib.sha256)


def token(word: str, *, purpose: str = "name", key: bytes | None = None) -> str:
    digest = _keyed(key or index_key()).copy()
    digest.update(f"{purpose}:{word}".encode())
    return digest.hexdigest()[:TOKEN_HEX_DIGITS]


def name_index(*values: str) -> str:
    """Space-separated hashes of the distinct words of ``values``, with a space at each end so
    that a word is matched whole (``" <hash> "``); empty when there is no word."""
    key = index_key()
    found = {w for value in values if value for w in words(value)}
    tokens = sorted(token(w, key=key) for w in found)
    return f" {' '.join(tokens)} " if tokens else ""


def name_index_q(search: str, field: str = "name_index") -> Q | None:
    """Records whose indexed names hold every word of ``search`` (exact whole words, any case and
    accent). None when ``search`` has no word."""
    found = words(search)
    if not found:
        return None
    condition = Q()
    for word in found:
        condition &= Q(**{f"{field}__contains": f" {token(word)} "})
    return condition


# --- model fields -----------------------------------------------------------------------------


class EncryptedMixin:
    """Keeps the Python side of the plain field (forms, serializers, validation of the plaintext,
    including ``max_length``) and stores ciphertext in a text column.

    Only non-empty values are encrypted: an empty string stays empty and a missing date stays
    NULL, so a blank field costs nothing; what that shows (whether a field is filled) is not the
    value.
    """

    def get_internal_type(self) -> str:
        return "TextField"

    def plain_text(self, value) -> str:
        return str(value)

    def from_text(self, text: str):
        return text

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(self.plain_text(value))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self.from_text(decrypt(value))

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: the database cannot compare it "
            f"('{lookup_name}'). Search names through the blind index."
        )

    def get_transform(self, lookup_name):
        raise FieldError(f"{self.model.__name__}.{self.name} is encrypted: no '{lookup_name}'.")


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    pass


class EncryptedDateField(EncryptedMixin, models.DateField):
    def plain_text(self, value) -> str:
        return value.isoformat()

    def from_text(self, text: str) -> dt.date:
        return dt.date.fromisoformat(text)


class NameIndexField(models.TextField):
    """The blind index of some encrypted name fields of the same row, recomputed on every save
    (``pre_save`` also runs for ``bulk_create``, so bulk loads fill it too)."""

    def __init__(self, *args, sources: Iterable[str] = (), **kwargs):
        self.sources = tuple(sources)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = list(self.sources)
        for key, value in (("editable", False), ("blank", True), ("default", "")):
            if kwargs.get(key, value) == value:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = name_index(*(getattr(model_instance, s) for s in self.sources))
        setattr(model_instance, self.attname, value)
        return value


def encrypted_fields(model) -> list[models.Field]:
    """The concrete encrypted fields of ``model``."""
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
