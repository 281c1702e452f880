"""Password rules: 12 to 128 characters, none known from a breach, none like the user's own
details or the task force's name; Argon2 hashes in production."""

from __future__ import annotations

import gzip

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.test import override_settings

from taskforce import passwords
from taskforce.settings import AUTH_PASSWORD_VALIDATORS, PASSWORD_HASHERS
from tests.factories import PASSWORD
from tests.signin import SignedInClient

# Long, random-looking, on no list.
GOOD = "plover-quartz-ember-tundra"
# On the shipped breached list, long enough and not on Django's common list.
BREACHED_NOT_COMMON = "iseedeadpeople"


def errors(password, user=None) -> list[str]:
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


def test_production_validators_are_the_ones_in_force():
    # tests.settings keeps the production validators (it changes only the hasher).
    assert settings.AUTH_PASSWORD_VALIDATORS == AUTH_PASSWORD_VALIDATORS


def test_production_hashes_with_argon2_first_and_still_reads_pbkdf2():
    assert PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in PASSWORD_HASHERS[1:]


@override_settings(PASSWORD_HASHERS=PASSWORD_HASHERS)
def test_argon2_hash_and_pbkdf2_upgrade(world):
    from django.contrib.auth.hashers import make_password

    user = world.investigator_a
    user.set_password(GOOD)
    assert user.password.startswith("argon2$argon2id$")

    user.password = make_password(GOOD, hasher="pbkdf2_sha256")
    user.save()
    assert user.check_password(GOOD)  # an old hash still signs in ...
    user.refresh_from_db()
    assert user.password.startswith("argon2$")  # ... and is re-hashed with Argon2


def test_length_bounds():
    assert errors("k7#vq-pl0ve") == ["password_too_short"]  # 11
    assert errors("k7#vq-pl0ver") == []  # 12
    long_ok = ("quartz-ember-" * 10)[:128]
    assert len(long_ok) == 128
    assert errors(long_ok) == []
    assert errors(long_ok + "x") == ["password_too_long"]


def test_breached_passwords_are_refused_whatever_the_case():
    assert "password_breached" in errors("password1234")
    assert "password_breached" in errors("PassWord1234")
    # Django's own list lacks this one; the shipped list has it.
    assert BREACHED_NOT_COMMON not in CommonPasswordValidator().passwords
    assert errors(BREACHED_NOT_COMMON) == ["password_breached"]
    assert errors(BREACHED_NOT_COMMON.upper()) == ["password_breached"]


def test_the_shipped_list_is_large_lower_case_and_read_once():
    with gzip.open(passwords.DEFAULT_BREACHED_LIST, "rt", encoding="utf-8") as lines:
        entries = [line.rstrip("\n") for line in lines]
    assert len(entries) >= 30000
    assert len(set(entries)) == len(entries)
    assert all(entry == entry.lower() for entry in entries)

    passwords.breached_passwords.cache_clear()
    errors(GOOD)
    errors("another-fine-passphrase")
    info = passwords.breached_passwords.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_a_replacement_list_from_the_setting(tmp_path):
    replacement = tmp_path / "breached.txt"
    replacement.write_text("Plover-Quartz-Ember-Tundra\n", encoding="utf-8")
    with override_settings(PASSWORD_BREACHED_LIST=str(replacement)):
        assert errors(GOOD) == ["password_breached"]
        assert errors(BREACHED_NOT_COMMON) == []


def test_the_task_force_name_and_trafficking_are_refused():
    assert errors("stop-Trafficking-now") == ["password_task_force_word"]
    assert errors("my task force 2026!") == ["password_task_force_word"]


@pytest.mark.django_db
def test_a_password_like_the_user_name_is_refused(world):
    user = world.le_victim_specialist_a
    assert "password_too_similar" in errors("le_victim_specialist_a1", user=user)
    assert errors(GOOD, user=user) == []


# --- Through the real password-change page --------------------------------------------------


def staff(user):
    # The password-change page is the administration site's; a long user name lets the
    # similarity rule show at the minimum length.
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def change_password(user, new: str):
    client = SignedInClient()
    client.force_login(user)
    return client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("k7#vq-pl0ve", "This password is too short"),
        (("quartz-ember-" * 10)[:129], "This password is too long"),
        ("password1234", "This password is too common"),
        (BREACHED_NOT_COMMON, "has appeared in a data breach"),
        ("le_victim_specialist_a1", "too similar to the username"),
    ],
)
def test_password_change_page_shows_the_refusal_and_changes_nothing(world, new, message):
    user = staff(world.le_victim_specialist_a)
    before = user.password
    response = change_password(user, new)
    assert response.status_code == 200, response.status_code
    assert message in response.text
    user.refresh_from_db()
    assert user.password == before
    assert user.check_password(PASSWORD)


def test_password_change_page_takes_a_good_password(world):
    user = staff(world.le_victim_specialist_a)
    response = change_password(user, GOOD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/password_change/done/"
    user.refresh_from_db()
    assert user.check_password(GOOD)
