"""Test settings: the real settings plus a test-only compartmented model.

The ``tests.isolation`` app holds a compartmented model that exercises the access layer on its
own, independent of any feature app.
"""

import os
from pathlib import Path

os.environ.setdefault("DEBUG", "1")
# Tests get their own var/ (SQLite, broker folders), apart from a running `make run`.
os.environ.setdefault(
    "TASKFORCE_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var" / "test")
)

from taskforce.settings import *  # noqa: F403
from taskforce.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.isolation"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {**REST_FRAMEWORK}  # noqa: F405
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": "100000/minute", "user": "100000/minute"}
ROOT_URLCONF = "tests.urls"
if CELERY_BROKER_URL == "filesystem://":  # noqa: F405
    # The embedded broker's folders, which the Celery app can only make once settings exist.
    for _key in ("data_folder_in", "processed_folder", "control_folder"):
        Path(CELERY_BROKER_TRANSPORT_OPTIONS[_key]).mkdir(parents=True, exist_ok=True)  # noqa: F405
# The worker tests start a worker process with a mail backend of theirs
# (tests/deadlines/mail_backends.py); nothing else sets this.
if os.environ.get("TASKFORCE_TEST_EMAIL_BACKEND"):
    EMAIL_BACKEND = os.environ["TASKFORCE_TEST_EMAIL_BACKEND"]
