"""Production settings (DEBUG off) pass Django's deployment checks without a warning, and keep
the cookie, HSTS and password-hashing choices."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse

from tests.signin import SignedInClient

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "session_cookie": s.SESSION_COOKIE_NAME,
    "csrf_cookie": s.CSRF_COOKIE_NAME,
    "session_secure": s.SESSION_COOKIE_SECURE,
    "csrf_secure": s.CSRF_COOKIE_SECURE,
    "session_httponly": s.SESSION_COOKIE_HTTPONLY,
    "session_samesite": s.SESSION_COOKIE_SAMESITE,
    "csrf_samesite": s.CSRF_COOKIE_SAMESITE,
    "session_domain": s.SESSION_COOKIE_DOMAIN,
    "csrf_domain": s.CSRF_COOKIE_DOMAIN,
    "session_path": s.SESSION_COOKIE_PATH,
    "csrf_path": s.CSRF_COOKIE_PATH,
    "expire_at_close": s.SESSION_EXPIRE_AT_BROWSER_CLOSE,
    "hsts": s.SECURE_HSTS_SECONDS,
    "hsts_subdomains": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "hsts_preload": s.SECURE_HSTS_PRELOAD,
    "hashers": s.PASSWORD_HASHERS,
    "middleware": s.MIDDLEWARE,
}))
"""


def production_env(tmp_path, **extra) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "TASKFORCE_TEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="taskforce.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="tf.example.org",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        FIELD_INDEX_KEY=secrets.token_urlsafe(32),
        TASKFORCE_VAR_DIR=str(tmp_path / "var"),
        # The checks read no data; the configured database (PostgreSQL in CI) or a file.
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    )
    return env


def run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_check_deploy_is_clean(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "ERRORS" not in output
    assert "no issues (0 silenced)" in output


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    result = run(["-c", PRINT_SETTINGS], production_env(tmp_path_factory.mktemp("prod")))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies(production):
    # __Host-: Secure, Path=/, no Domain, set only by this host.
    assert production["session_cookie"] == "__Host-sessionid"
    assert production["csrf_cookie"] == "__Host-csrftoken"
    assert production["session_secure"] is True
    assert production["csrf_secure"] is True
    assert production["session_httponly"] is True
    assert production["session_samesite"] in ("Lax", "Strict")
    assert production["csrf_samesite"] in ("Lax", "Strict")
    assert production["session_domain"] is None
    assert production["csrf_domain"] is None
    assert production["session_path"] == "/"
    assert production["csrf_path"] == "/"
    assert production["expire_at_close"] is True


def test_production_hsts(production):
    assert production["hsts"] >= 31536000
    assert production["hsts_subdomains"] is True
    assert production["hsts_preload"] is True


def test_production_hashes_with_argon2_first(production):
    assert production["hashers"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_security_headers_right_after_security_middleware(production):
    middleware = production["middleware"]
    security = middleware.index("django.middleware.security.SecurityMiddleware")
    assert middleware[security + 1] == "taskforce.headers.SecurityHeadersMiddleware"


# --- Headers on every response, and pages that hold under the policy --------------------------

TEMPLATES = ROOT / "templates"
# An inline script (a <script> with no src that is not a JSON data block), an event-handler
# attribute, a style attribute or element, or a javascript: URL: the policy refuses each.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|\son[a-z]+\s*=\s*[\"']"
    r"|\sstyle\s*=\s*[\"']"
    r"|<style\b"
    r"|javascript:",
    re.IGNORECASE,
)


def test_templates_have_no_inline_script_or_style():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, found


def assert_security_headers(response):
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_static_files_and_api_carry_the_headers(world, client):
    assert_security_headers(client.get(reverse("login")))
    assert_security_headers(client.get(reverse("api-me")))
    client.force_login(world.coordinator)
    assert_security_headers(client.get("/static/js/taskforce.js"))


def test_api_docs_page_runs_without_inline_script(world):
    client = SignedInClient()
    client.force_login(world.coordinator)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert_security_headers(response)
    page = response.content.decode()
    assert not INLINE.search(page), INLINE.search(page)
    assert "/static/js/swagger-init.js" in page
    assert 'data-schema-url="/api/schema/"' in page
