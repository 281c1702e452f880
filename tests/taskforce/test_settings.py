"""Settings come only from the environment; production refuses to start without a secret key.

Each case imports the real settings module in a fresh interpreter with an environment built
from scratch, so nothing from the test run (tests.settings sets DEBUG=1) leaks in.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from taskforce.settings import ENVIRONMENT_VARIABLES
from tests.keys import PRODUCTION_KEYS

BASE_DIR = Path(__file__).resolve().parents[2]

# Prints what the cases below look at, after a full Django setup with the real settings.
PROBE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "broker": settings.CELERY_BROKER_URL,
    "broker_options": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "secure_ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", False),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
}))
"""


def clean_env(**values) -> dict[str, str]:
    """The process environment minus every variable the settings read, plus ``values``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ENVIRONMENT_VARIABLES and key != "DJANGO_SETTINGS_MODULE"
    }
    env["DJANGO_SETTINGS_MODULE"] = "taskforce.settings"
    env.update(values)
    return env


def run_probe(**values) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env=clean_env(**values),
        capture_output=True,
        text=True,
        timeout=60,
    )


def loaded(**values) -> dict:
    result = run_probe(**values)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_without_secret_key_refuses_to_start():
    result = run_probe(DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    assert result.stdout == ""


def test_an_empty_secret_key_is_no_secret_key():
    result = run_probe(DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    # No DEBUG at all is production: the secret key is required.
    result = run_probe()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_secret_key_loads_hardened():
    state = loaded(
        DEBUG="0", SECRET_KEY="a-long-random-production-secret-for-this-test", **PRODUCTION_KEYS
    )
    assert state["DEBUG"] is False
    assert state["secure_ssl_redirect"] is True
    assert state["session_cookie_secure"] is True


def test_ssl_redirect_can_be_turned_off_behind_plain_http():
    state = loaded(
        DEBUG="0",
        SECRET_KEY="another-production-secret",
        SECURE_SSL_REDIRECT="0",
        **PRODUCTION_KEYS,
    )
    assert state["secure_ssl_redirect"] is False


def test_production_without_field_keys_refuses_to_start():
    result = run_probe(DEBUG="0", SECRET_KEY="a-long-random-production-secret-for-this-test")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS and FIELD_INDEX_KEY must be set" in result.stderr


def test_a_malformed_encryption_key_is_named():
    result = run_probe(
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-for-this-test",
        FIELD_ENCRYPTION_KEYS=f"{PRODUCTION_KEYS['FIELD_ENCRYPTION_KEYS']},not-a-key",
        FIELD_INDEX_KEY="an-index-key",
    )
    assert result.returncode != 0
    assert "key number 2 is not a Fernet key" in result.stderr
    assert "not-a-key" not in result.stderr


def test_embedded_defaults_are_sqlite_and_filesystem_broker_under_var():
    state = loaded(DEBUG="1")
    var = BASE_DIR / "var"
    assert state["engine"] == "django.db.backends.sqlite3"
    assert Path(state["name"]) == var / "db.sqlite3"
    assert state["broker"] == "filesystem://"
    options = state["broker_options"]
    # Producers (web, beat) and the worker must meet in one folder.
    assert options["data_folder_in"] == options["data_folder_out"]
    assert Path(options["data_folder_in"]).is_relative_to(var / "broker")
    assert Path(options["processed_folder"]).is_relative_to(var / "broker")


def test_var_dir_moves_database_and_broker(tmp_path):
    state = loaded(DEBUG="1", TASKFORCE_VAR_DIR=str(tmp_path))
    assert Path(state["name"]) == tmp_path / "db.sqlite3"
    assert Path(state["broker_options"]["data_folder_in"]).is_relative_to(tmp_path / "broker")
    # The Celery app creates the broker folders on import, before anyone publishes.
    assert Path(state["broker_options"]["data_folder_in"]).is_dir()


def test_database_and_redis_urls_switch_to_postgresql_and_redis():
    state = loaded(
        DEBUG="1",
        DATABASE_URL="postgres://taskforce:pw@db.internal:5432/taskforce",
        REDIS_URL="redis://cache.internal:6379/2",
    )
    assert state["engine"] == "django.db.backends.postgresql"
    assert state["name"] == "taskforce"
    assert state["broker"] == "redis://cache.internal:6379/2"
    assert "data_folder_in" not in state["broker_options"]


def test_celery_broker_url_wins_over_redis_url():
    state = loaded(
        DEBUG="1",
        REDIS_URL="redis://cache.internal:6379/2",
        CELERY_BROKER_URL="redis://queue.internal:6379/5",
    )
    assert state["broker"] == "redis://queue.internal:6379/5"
