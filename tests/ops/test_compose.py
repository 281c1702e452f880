"""docker-compose.yml is the production shape; no Docker engine is needed to check that it agrees
with the code: the variables it sets are the ones the settings read, the three application
containers agree on them, and the real settings load from them as production.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import environ
import pytest
import yaml

from taskforce.settings import ENVIRONMENT_VARIABLES
from tests.keys import PRODUCTION_KEYS

BASE_DIR = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")
REQUIRED_IN_PRODUCTION = (
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "FIELD_INDEX_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "DEBUG",
)
# What an operator exports before `docker compose up`; everything else keeps its default.
OPERATOR_ENV = {"SECRET_KEY": "an-operator-chosen-secret-key-for-this-test", **PRODUCTION_KEYS}

_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


class MissingVariable(Exception):
    pass


def interpolate(value, env: dict[str, str]):
    """Compose's variable substitution: $$, $NAME, ${NAME}, ${NAME:-default}, ${NAME:?error}."""
    if not isinstance(value, str):
        return value

    def substitute(match):
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["plain"]
        op, arg = match["op"], match["arg"]
        present = name in env and (env[name] != "" or not (op or "").startswith(":"))
        if present:
            return env[name]
        if op and op.endswith("?"):
            raise MissingVariable(f"{name}: {arg}")
        if op and op.endswith("-"):
            return arg
        return ""

    return _VARIABLE.sub(substitute, value)


@pytest.fixture(scope="module")
def compose():
    with open(BASE_DIR / "docker-compose.yml") as f:
        return yaml.safe_load(f)


def service_env(compose, service, env=OPERATOR_ENV) -> dict[str, str]:
    raw = compose["services"][service].get("environment", {})
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {name: interpolate(str(value), env) for name, value in raw.items()}


def command_line(compose, service) -> str:
    command = compose["services"][service]["command"]
    if isinstance(command, list):
        command = shlex.join(command) if command[:2] != ["sh", "-c"] else command[2]
    return " ".join(interpolate(command, OPERATOR_ENV).split())


def healthcheck_line(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def test_the_five_services(compose):
    assert set(compose["services"]) == {"postgres", "redis", "web", "worker", "beat"}
    assert compose["services"]["postgres"]["image"] == "postgres:16"
    assert compose["services"]["redis"]["image"] == "redis:7"


def test_postgres_and_redis_report_health_and_keep_their_data(compose):
    postgres, redis = compose["services"]["postgres"], compose["services"]["redis"]
    assert "pg_isready" in healthcheck_line(postgres)
    assert "redis-cli ping" in healthcheck_line(redis)
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    assert any(v.endswith(":/data") for v in redis["volumes"])
    for volume in (*postgres["volumes"], *redis["volumes"]):
        assert volume.split(":")[0] in compose["volumes"]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_application_containers_start_after_healthy_state(compose, service):
    depends_on = compose["services"][service]["depends_on"]
    for backing in ("postgres", "redis"):
        assert depends_on[backing]["condition"] == "service_healthy"


@pytest.mark.parametrize("service", ("worker", "beat"))
def test_jobs_wait_for_the_migrations(compose, service):
    # web runs `migrate`; it is healthy only once the schema is current.
    assert compose["services"][service]["depends_on"]["web"]["condition"] == "service_healthy"


def test_web_health_is_the_healthz_endpoint(compose):
    web = compose["services"]["web"]
    assert web["healthcheck"]["test"][0] == "CMD"
    assert "http://127.0.0.1:8000/healthz" in healthcheck_line(web)
    # No curl in the slim image: the probe is Python and must at least compile.
    test = web["healthcheck"]["test"]
    assert test[1:3] == ["python", "-c"]
    compile(test[3], "healthcheck", "exec")


@pytest.mark.parametrize("service", ("worker", "beat"))
def test_worker_and_beat_do_not_inherit_the_http_healthcheck(compose, service):
    # The image's HEALTHCHECK probes gunicorn, which only web runs.
    check = compose["services"][service]["healthcheck"]
    assert check.get("disable") is True or "/healthz" not in healthcheck_line(
        compose["services"][service]
    )


def test_worker_healthcheck_pings_the_worker_itself(compose):
    line = interpolate(healthcheck_line(compose["services"]["worker"]), {})
    assert "celery -A taskforce inspect ping" in line
    assert "--destination celery@$HOSTNAME" in line


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_variable_set_is_one_the_code_reads(compose, service):
    names = set(service_env(compose, service))
    assert names, f"{service} sets no environment"
    assert names <= set(ENVIRONMENT_VARIABLES), names - set(ENVIRONMENT_VARIABLES)


def test_production_variables_are_set_identically_for_web_worker_and_beat(compose):
    envs = {service: service_env(compose, service) for service in APP_SERVICES}
    for name in REQUIRED_IN_PRODUCTION:
        values = {service: env.get(name) for service, env in envs.items()}
        assert all(values.values()), f"{name} missing: {values}"
        assert len(set(values.values())) == 1, f"{name} differs: {values}"
    # Not only the required ones: anything the three read must agree.
    assert envs["web"] == envs["worker"] == envs["beat"]


def test_debug_is_off(compose):
    for service in APP_SERVICES:
        debug = service_env(compose, service)["DEBUG"]
        assert environ.Env().parse_value(debug, bool) is False


def test_secret_key_must_come_from_the_operator(compose):
    for service in APP_SERVICES:
        with pytest.raises(MissingVariable, match="SECRET_KEY"):
            service_env(compose, service, env={})
        with pytest.raises(MissingVariable, match="SECRET_KEY"):
            service_env(compose, service, env={"SECRET_KEY": ""})
        assert service_env(compose, service)["SECRET_KEY"] == OPERATOR_ENV["SECRET_KEY"]


def test_database_url_points_at_the_postgres_service(compose):
    url = urlsplit(service_env(compose, "web")["DATABASE_URL"])
    postgres = {
        name: interpolate(value, OPERATOR_ENV)
        for name, value in compose["services"]["postgres"]["environment"].items()
    }
    assert url.scheme in ("postgres", "postgresql")
    assert url.hostname == "postgres"
    assert url.port == 5432
    assert url.username == postgres["POSTGRES_USER"]
    assert url.password == postgres["POSTGRES_PASSWORD"]
    assert url.path == f"/{postgres['POSTGRES_DB']}"


def test_one_postgres_password_for_server_and_clients(compose):
    env = {**OPERATOR_ENV, "POSTGRES_PASSWORD": "s3cret-from-the-operator"}
    url = urlsplit(service_env(compose, "web", env)["DATABASE_URL"])
    server = interpolate(compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"], env)
    assert url.password == server == "s3cret-from-the-operator"


def test_redis_url_points_at_the_redis_service(compose):
    url = urlsplit(service_env(compose, "web")["REDIS_URL"])
    assert url.scheme == "redis"
    assert url.hostname == "redis"
    assert url.port in (None, 6379)


def test_web_migrates_then_serves_gunicorn(compose):
    line = command_line(compose, "web")
    assert "python manage.py migrate --noinput &&" in line
    assert line.index("migrate") < line.index("gunicorn")
    assert "gunicorn taskforce.wsgi" in line
    assert "--bind 0.0.0.0:8000" in line
    # exec: gunicorn gets the stop signal, not the shell.
    assert "exec gunicorn" in line
    ports = [interpolate(p, OPERATOR_ENV) for p in compose["services"]["web"]["ports"]]
    assert any(p.endswith(":8000") for p in ports)


def test_worker_and_beat_commands(compose):
    assert command_line(compose, "worker").startswith("celery -A taskforce worker")
    assert command_line(compose, "beat").startswith("celery -A taskforce beat")


def test_beat_keeps_its_schedule_on_a_volume(compose):
    beat = compose["services"]["beat"]
    argv = beat["command"]
    schedule = Path(argv[argv.index("--schedule") + 1])
    mounts = {Path(v.split(":")[1]): v.split(":")[0] for v in beat["volumes"]}
    assert schedule.parent in mounts
    assert mounts[schedule.parent] in compose["volumes"]


def test_application_containers_run_one_image(compose):
    services = compose["services"]
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1
    assert all(services[name]["build"] == "." for name in APP_SERVICES)


def test_mounted_folders_exist_in_the_image_writable_by_its_user(compose):
    # A named volume takes the owner of the folder it is mounted on: the image must create
    # every such folder under var/ (which belongs to the unprivileged user).
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    for name in APP_SERVICES:
        for volume in compose["services"][name].get("volumes", []):
            target = Path(volume.split(":")[1])
            relative = target.relative_to("/app")
            assert relative.parts[0] == "var"
            assert str(relative) in dockerfile, f"{relative} is not created in the image"
    assert "chown -R taskforce:taskforce var" in dockerfile


PROBE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "engine": db["ENGINE"],
    "host": db["HOST"],
    "name": db["NAME"],
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "secure_ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "time_zone": settings.TIME_ZONE,
}))
"""


def test_the_real_settings_load_from_the_compose_environment(compose):
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in ENVIRONMENT_VARIABLES and key != "DJANGO_SETTINGS_MODULE"
    }
    env = {**base, **service_env(compose, "web"), "DJANGO_SETTINGS_MODULE": "taskforce.settings"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["DEBUG"] is False
    assert state["engine"] == "django.db.backends.postgresql"
    assert state["host"] == "postgres"
    assert state["name"] == "taskforce"
    assert state["broker"] == "redis://redis:6379/0"
    assert state["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert "localhost" in state["allowed_hosts"]
    assert state["secure_ssl_redirect"] is False


def test_web_healthcheck_is_the_image_healthcheck(compose):
    # tests/ops/test_image.py runs the image's probe against gunicorn; compose must use the same.
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    joined = re.sub(r"\\\n\s*", " ", dockerfile)
    healthcheck = re.search(r"^HEALTHCHECK .*? CMD (\[.*\])$", joined, re.MULTILINE)
    assert healthcheck
    assert compose["services"]["web"]["healthcheck"]["test"][1:] == json.loads(healthcheck[1])
