"""Settings, read only from the environment.

With no environment at all the system runs in its embedded mode: SQLite in ``var/`` and
Celery's filesystem broker in ``var/``. Production sets ``DATABASE_URL`` (PostgreSQL),
``REDIS_URL`` and ``SECRET_KEY`` and turns ``DEBUG`` off.
"""

import ipaddress
from pathlib import Path

import environ
from celery.schedules import crontab
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("TASKFORCE_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

# Every variable the code reads; the compose file and the README are checked against it.
ENVIRONMENT_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "TIME_ZONE",
    "TASKFORCE_NAME",
    "SITE_URL",
    "REMINDER_SCAN_SECONDS",
    "REPORT_SUPPRESSION_THRESHOLD",
    "TASKFORCE_VAR_DIR",
    "CSRF_TRUSTED_ORIGINS",
    "DEMO_PASSWORD",
    "CONN_MAX_AGE",
    "SECURE_SSL_REDIRECT",
    "API_ANON_RATE",
    "API_USER_RATE",
    "LOG_LEVEL",
    "PORT",
    "WEB_CONCURRENCY",
    "LOAD_PASSWORD",
    "MFA_EXEMPT_DEMO_USERS",
    "SIGNIN_ACCOUNT_FAILURE_LIMIT",
    "SIGNIN_ADDRESS_FAILURE_LIMIT",
    "SIGNIN_FAILURE_WINDOW_SECONDS",
    "AUDIT_RETENTION_DAYS",
    "FIELD_ENCRYPTION_KEYS",
    "FIELD_INDEX_KEY",
    "TRUSTED_PROXIES",
)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the system refuses to start without a secret "
            "key: set SECRET_KEY in the environment (for example from `python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'`), or set DEBUG=1 for the embedded demo."
        )
    SECRET_KEY = "embedded-debug-only-not-a-secret"  # noqa: S105 - only ever used with DEBUG on

# Field-level encryption of victims' identifying values (taskforce/crypto.py). The first key
# encrypts and every key decrypts: rotate by putting a new key first, running
# `manage.py rotate_field_keys`, then removing the old key. The index key hashes the words of
# names so they can still be searched; it must never change (every stored hash depends on it).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_INDEX_KEY = env.str("FIELD_INDEX_KEY", default="")
if not (FIELD_ENCRYPTION_KEYS and FIELD_INDEX_KEY):
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS and FIELD_INDEX_KEY must be set: with DEBUG off the system "
            "refuses to start without the keys that protect victims' identifying fields. Generate "
            'an encryption key with `python -c "from cryptography.fernet import Fernet; '
            "print(Fernet.generate_key().decode())\"` and an index key with `python -c 'import "
            "secrets; print(secrets.token_urlsafe(32))'`, or set DEBUG=1 for the embedded demo."
        )
    # Only ever used with DEBUG on (embedded demo, tests); the same as taskforce.crypto's.
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [
        "5FRdIMTzSM1_VkAeLKbjRIN_dc7imwpjRJCFsSug5Uo="
    ]
    FIELD_INDEX_KEY = FIELD_INDEX_KEY or "embedded-debug-only-field-index-key"
for _position, _key in enumerate(FIELD_ENCRYPTION_KEYS, start=1):
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS: key number {_position} is not a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from None

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Addresses (or networks) of our own reverse proxies: from them, and only from them, the client's
# address is read from X-Forwarded-For (taskforce.audit.client_ip), for the audit trail and the
# sign-in throttling per address. Unset behind a proxy, every person would share its address.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network."
        ) from None

TASKFORCE_NAME = env.str("TASKFORCE_NAME", default="Regional Anti-Human Trafficking Task Force")
# The address people open the system at, for links in emails.
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.str('PORT', default='8000')}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "oauth2_provider",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "taskforce",
    "agencies",
    "cases",
    "victims",
    "protocols",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "taskforce.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "taskforce.signin_middleware.SignInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "taskforce.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "taskforce.urls"
WSGI_APPLICATION = "taskforce.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "taskforce.context_processors.taskforce",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded mode has web, worker and beat writing to one file: wait, don't fail.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
    # Every transaction takes the write lock at its start, so it waits (the timeout above) for
    # a worker's write instead of failing at once when it turns from reading to writing.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "taskforce",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Anonymous users get nothing, so guardian needs no anonymous user row.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "taskforce.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # The shipped breached list (taskforce/passwords.py); PASSWORD_BREACHED_LIST replaces it.
    {"NAME": "taskforce.passwords.BreachedPasswordValidator"},
    {"NAME": "taskforce.passwords.TaskForceWordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id for every new password; PBKDF2 still checks older hashes, which are re-hashed with
# Argon2 at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Second factor (django-otp): the app's codes are checked by our own rules (taskforce.mfa), and
# repeated failures lock the account (taskforce.lockout) rather than slowing the device down.
OTP_TOTP_ISSUER = TASKFORCE_NAME
OTP_TOTP_SYNC = False
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# The embedded demo's own accounts may sign in without a second factor, only with DEBUG on
# (`make run` sets it); a real deployment is refused at start with it set.
MFA_EXEMPT_DEMO_USERS = env.bool("MFA_EXEMPT_DEMO_USERS", default=False)
if MFA_EXEMPT_DEMO_USERS and not DEBUG:
    raise ImproperlyConfigured(
        "MFA_EXEMPT_DEMO_USERS is only allowed with DEBUG on (the embedded demo). Every account "
        "of a real deployment signs in with a second factor."
    )

# Lockout (CJIS 5.5.3): this many failed steps for one account within the window lock it until
# a supervisor, a coordinator or an administrator unlocks it; this many from one address refuse
# the address for the rest of the window, without locking anyone.
SIGNIN_ACCOUNT_FAILURE_LIMIT = env.int("SIGNIN_ACCOUNT_FAILURE_LIMIT", default=5)
SIGNIN_ADDRESS_FAILURE_LIMIT = env.int("SIGNIN_ADDRESS_FAILURE_LIMIT", default=20)
SIGNIN_FAILURE_WINDOW_SECONDS = env.int("SIGNIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
SIGNIN_FAILURE_RETENTION_DAYS = 30

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded documents live outside static/ and are only served through the access layer.
MEDIA_ROOT = VAR_DIR / "media"
# Request limits: form fields and JSON bodies up to 2.5 MB; larger files go to a temporary file
# while they are checked; a handful of files per form. Documents have their own limit below.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 5
# Largest governance document (MOU or protocol, PDF or DOCX) accepted for upload, in bytes.
GOVERNANCE_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024

if env.str("EMAIL_URL", default=""):
    EMAIL_CONFIG = env.email_url("EMAIL_URL")
    vars().update(EMAIL_CONFIG)
else:
    # The embedded mode's outbox: one file per sending process under var/outbox, to read.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "outbox")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="taskforce@localhost")

SESSION_COOKIE_HTTPONLY = True
# Lax, not Strict: the reminder emails link into the system, and under Strict a link followed
# from a webmail page arrives without the session, so every such link would ask for the password
# and second factor again. Lax still keeps the cookie off cross-site posts, frames and fetches;
# the CSRF token guards every change besides.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Scripts take the CSRF token from the page (<meta name="csrf-token">), never from the cookie.
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    # The __Host- prefix makes the browser insist on Secure, Path=/ and no Domain, so no other
    # host (a subdomain included) can set or shadow these cookies. The embedded mode (DEBUG on,
    # plain http on 127.0.0.1) keeps the plain names: browsers drop __Host- cookies that are not
    # Secure, and a Secure cookie is never sent over plain http.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_PATH = "/"
CSRF_COOKIE_PATH = "/"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # /healthz is probed over plain HTTP inside the container network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "taskforce.drf.PartnerOAuth2Authentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "taskforce.drf.IsActiveMember",
        "taskforce.drf.RecentlyAuthenticated",
    ],
    "DEFAULT_PAGINATION_CLASS": "taskforce.drf.StableCursorPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "taskforce.drf.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="60/minute"),
        "user": env.str("API_USER_RATE", default="1200/minute"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Task force case management API",
    "DESCRIPTION": (
        "REST API of the task force case management system. Every record outside the caller's "
        "reach answers 404, exactly as if it did not exist."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status", "role" or gender choice; give each enum its own name.
    "ENUM_NAME_OVERRIDES": {
        "MembershipRoleEnum": "agencies.roles.Role",
        "SubjectRoleEnum": "cases.models.SubjectRole",
        "CaseStatusEnum": "cases.models.CaseStatus",
        "OperationStatusEnum": "cases.models.OperationStatus",
        "ProsecutionReferralStatusEnum": "cases.models.ProsecutionReferralStatus",
        "ProsecutionStatusEnum": "cases.models.ProsecutionStatus",
        "GenderEnum": "cases.models.Gender",
        "ReferralStatusEnum": "victims.models.ReferralStatus",
        "ClientStatusEnum": "victims.models.ClientStatus",
        "ServiceStatusEnum": "victims.models.ServiceStatus",
        "PlanStatusEnum": "victims.models.PlanStatus",
        "ReliefStatusEnum": "victims.models.ReliefStatus",
        "ReliefKindEnum": "victims.models.ReliefKind",
        "NotificationKindEnum": "victims.models.NotificationKind",
        "DeadlineKindEnum": "taskforce.models.DeadlineKind",
        "DeadlineStatusEnum": "taskforce.models.DeadlineStatus",
        "TaskforceNotificationKindEnum": "taskforce.models.NotificationKind",
        "RevocationMethodEnum": "victims.models.RevocationMethod",
        "NotificationMethodEnum": "victims.models.NotificationMethod",
        "DeclineReasonEnum": "victims.models.DeclineReason",
        "DisciplineEnum": "agencies.roles.Discipline",
        "BulletinKindEnum": "agencies.models.BulletinKind",
        "BulletinStatusEnum": "agencies.models.BulletinStatus",
        "MouStatusEnum": "protocols.models.MouStatus",
        "ProtocolStatusEnum": "protocols.models.ProtocolStatus",
        "ObjectiveStatusEnum": "protocols.models.ObjectiveStatus",
        "LeadershipRoleEnum": "protocols.models.LeadershipRole",
        "TypologyTraffickingTypeEnum": "protocols.models.TypologyTraffickingType",
        "TraffickingTypeEnum": "cases.models.TraffickingType",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "taskforce.schema_hooks.document_error_responses",
    ],
    # The schema is generated with --fail-on-warn in tests/api/test_schema.py. The deploy check's
    # own run uses a request from host "testserver", which production ALLOWED_HOSTS refuses.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "OAUTH2_FLOWS": ["clientCredentials"],
    "OAUTH2_TOKEN_URL": "/oauth/token/",
    "OAUTH2_SCOPES": {"read": "Read", "write": "Write"},
}

OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "SCOPES": {"read": "Read", "write": "Write"},
    "DEFAULT_SCOPES": ["read", "write"],
    "PKCE_REQUIRED": True,
    # RFC 9700 (OAuth 2.0 security best current practice); only client credentials are offered.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # tokens stored hashed
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # One folder in and out: producers and consumers meet there.
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
else:
    # Visibility timeout longer than any task's hard time limit, so acks_late never redelivers
    # a task that is still running.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How often beat looks for due reminders (5 minutes by default).
REMINDER_SCAN_SECONDS = env.int("REMINDER_SCAN_SECONDS", default=300)
# Seconds between the attempts to email a notification (then the failure is recorded). Short:
# no long countdowns sit in the broker.
NOTIFICATION_EMAIL_RETRY_DELAYS = (5, 10, 20, 40)
# The daily digest goes out at this hour (UTC), after the night's jobs.
DAILY_DIGEST_HOUR = 11
CELERY_BEAT_SCHEDULE = {
    "purge-idempotency-records": {
        "task": "taskforce.tasks.purge_idempotency_records",
        "schedule": 60 * 60,
        "options": {"expires": 30 * 60},
    },
    "sync-agency-groups": {
        "task": "agencies.tasks.sync_agency_groups",
        "schedule": 15 * 60,
        "options": {"expires": 10 * 60},
    },
    "expire-consents": {
        "task": "victims.tasks.expire_consents",
        "schedule": 60 * 60,
        "options": {"expires": 30 * 60},
    },
    "send-due-reminders": {
        "task": "taskforce.tasks.send_due_reminders",
        "schedule": REMINDER_SCAN_SECONDS,
        "options": {"expires": max(REMINDER_SCAN_SECONDS - 10, 10)},
    },
    "send-daily-digests": {
        "task": "taskforce.tasks.send_daily_digests",
        "schedule": crontab(minute=0, hour=DAILY_DIGEST_HOUR),
        "options": {"expires": 6 * 60 * 60},
    },
    "expire-lapsed-mous": {
        "task": "protocols.tasks.expire_lapsed_mous",
        "schedule": 60 * 60,
        "options": {"expires": 30 * 60},
    },
    "purge-expired-audit-events": {
        "task": "taskforce.tasks.purge_expired_audit_events",
        "schedule": crontab(minute=45, hour=3),
        "options": {"expires": 6 * 60 * 60},
    },
    "purge-signin-failures": {
        "task": "taskforce.tasks.purge_signin_failures",
        "schedule": crontab(minute=15, hour=3),
        "options": {"expires": 6 * 60 * 60},
    },
    "disable-inactive-accounts": {
        "task": "agencies.tasks.disable_inactive_accounts",
        "schedule": crontab(minute=45, hour=DAILY_DIGEST_HOUR - 1),
        "options": {"expires": 6 * 60 * 60},
    },
    "check-ended-memberships": {
        "task": "agencies.tasks.check_ended_memberships",
        "schedule": crontab(minute=30, hour=DAILY_DIGEST_HOUR - 1),
        "options": {"expires": 6 * 60 * 60},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Aggregate reports (DOMAIN §7, §8): a count under this threshold is suppressed in every
# task-force-wide figure, with complementary cells so that no total gives it away.
REPORT_SUPPRESSION_THRESHOLD = env.int("REPORT_SUPPRESSION_THRESHOLD", default=5)
if REPORT_SUPPRESSION_THRESHOLD < 2:
    raise ImproperlyConfigured("REPORT_SUPPRESSION_THRESHOLD must be 2 or more.")

# CJIS 5.4.7: audit records are kept at least a year. The retention job deletes only older rows,
# and on PostgreSQL the database itself refuses any earlier delete and every update.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
if AUDIT_RETENTION_DAYS < 365:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 365.")
