"""Password rules beyond Django's own validators (ASVS 2.1, NIST SP 800-63B 5.1.1.2).

Passwords may be long (up to 128 characters, spaces and any character allowed), must be at least
12 long (``MinimumLengthValidator`` in settings), and must not be a password known from breaches.

The breached list shipped in ``taskforce/data/breached-passwords.txt.gz`` holds the 30,000 most
frequent passwords of public breach corpora, lower-cased and without duplicates, as published in
the password frequency list of the ``zxcvbn`` package (4.5.0, MIT). Django's own
``CommonPasswordValidator`` checks its 20,000-entry list besides. To use a larger or newer list,
point the ``PASSWORD_BREACHED_LIST`` setting at a file (gzip or plain text) with one password a
line; it is read once per process.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DEFAULT_BREACHED_LIST = Path(__file__).resolve().parent / "data" / "breached-passwords.txt.gz"

# Words anyone who knows of the task force would try first.
TASK_FORCE_WORDS = ("trafficking", "taskforce")


class MaximumLengthValidator:
    """Refuse passwords over ``max_length`` characters: hashing stays cheap and bounded."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most %(max_length)d character.",
                    "This password is too long. It must contain at most %(max_length)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self):
        return ngettext(
            "Your password must contain at most %(max_length)d character.",
            "Your password must contain at most %(max_length)d characters.",
            self.max_length,
        ) % {"max_length": self.max_length}


@lru_cache(maxsize=4)
def breached_passwords(path: str) -> frozenset[str]:
    """The lower-cased passwords of the list at ``path``, read once per process."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def breached_list_path() -> str:
    return str(getattr(settings, "PASSWORD_BREACHED_LIST", None) or DEFAULT_BREACHED_LIST)


class BreachedPasswordValidator:
    """Refuse a password found in the breached list, whatever its letter case."""

    def validate(self, password, user=None):
        if password.strip().lower() in breached_passwords(breached_list_path()):
            raise ValidationError(
                _("This password has appeared in a data breach and cannot be used."),
                code="password_breached",
            )

    def get_help_text(self):
        return _("Your password cannot be one known from a data breach.")


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


class TaskForceWordValidator:
    """Refuse a password built on the task force's own name or on "trafficking"."""

    def validate(self, password, user=None):
        squashed = _squash(password)
        name = _squash(getattr(settings, "TASKFORCE_NAME", ""))
        words = [*TASK_FORCE_WORDS, name] if len(name) >= 6 else list(TASK_FORCE_WORDS)
        if any(word in squashed for word in words):
            raise ValidationError(
                _("This password is built on the task force's name; choose another."),
                code="password_task_force_word",
            )

    def get_help_text(self):
        return _("Your password cannot contain the task force's name or the word trafficking.")
