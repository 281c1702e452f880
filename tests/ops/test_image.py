"""The Dockerfile, checked without a Docker engine: its build step (collectstatic with DEBUG off)
and its default command and healthcheck are run here, as they run in the image.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from taskforce.settings import ENVIRONMENT_VARIABLES
from tests.keys import PRODUCTION_KEYS

BASE_DIR = Path(__file__).resolve().parents[2]
DOCKERFILE = (BASE_DIR / "Dockerfile").read_text()


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined, comments dropped."""
    lines = [line for line in DOCKERFILE.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    result = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def only(keyword: str) -> str:
    found = [rest for kw, rest in instructions() if kw == keyword]
    assert len(found) == 1, f"expected one {keyword}, found {found}"
    return found[0]


def production_env(tmp_path: Path, **values) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ENVIRONMENT_VARIABLES and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="taskforce.settings",
        TASKFORCE_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        **PRODUCTION_KEYS,
    )
    env.update(values)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_base_image_and_unprivileged_user():
    assert only("FROM") == "python:3.11-slim"
    user = only("USER")
    assert user not in ("root", "0")
    # Everything after USER runs unprivileged, including the default command.
    keywords = [kw for kw, _ in instructions()]
    assert keywords.index("USER") < keywords.index("CMD")
    assert only("EXPOSE") == "8000"


def test_build_secret_exists_only_for_collectstatic():
    runs = [rest for kw, rest in instructions() if kw == "RUN" and "SECRET_KEY" in rest]
    assert len(runs) == 1
    assert "DEBUG=0" in runs[0]
    assert "manage.py collectstatic --noinput" in runs[0]
    # Never baked into the image's environment.
    assert not [rest for kw, rest in instructions() if kw in ("ENV", "ARG") and "SECRET" in rest]


def test_default_command_is_gunicorn_on_all_interfaces():
    argv = json.loads(only("CMD"))
    assert argv[:2] == ["gunicorn", "taskforce.wsgi"]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8000"


def test_dependencies_come_from_requirements_txt():
    runs = " ".join(rest for kw, rest in instructions() if kw == "RUN")
    assert "pip install --requirement requirements.txt" in runs
    dockerignore = (BASE_DIR / ".dockerignore").read_text().split()
    for local_state in (".git", ".venv", "var", ".env", "tests"):
        assert local_state in dockerignore


def test_build_step_collectstatic_with_debug_off(tmp_path):
    """The exact RUN line of the image, with its own DEBUG and SECRET_KEY and nothing else."""
    run = next(rest for kw, rest in instructions() if kw == "RUN" and "collectstatic" in rest)
    env = production_env(tmp_path)
    del env["DATABASE_URL"]  # the image has none at build time
    result = subprocess.run(
        ["sh", "-c", run.replace("python ", f"{sys.executable} ", 1)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles" / "staticfiles.json").read_text())
    assert "css/taskforce.css" in manifest["paths"]
    assert "vendor/htmx/htmx.min.js" in manifest["paths"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The image's CMD (gunicorn) with production settings, on a free local port."""
    tmp_path = tmp_path_factory.mktemp("image")
    port = free_port()
    env = production_env(
        tmp_path,
        DEBUG="0",
        SECRET_KEY="a-production-secret-for-the-image-test",
        # The first allowed host is not localhost: the healthcheck must name it itself.
        ALLOWED_HOSTS="taskforce.example.org,.example.net",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=300,
    )
    argv = json.loads(only("CMD"))
    argv[argv.index("--bind") + 1] = f"127.0.0.1:{port}"
    argv[0] = str(Path(sys.executable).parent / "gunicorn")
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        argv, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not listen within 30 s"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port, env
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def healthcheck_script(port: int) -> str:
    healthcheck = only("HEALTHCHECK")
    argv = json.loads(healthcheck[healthcheck.index("CMD") + 3 :])
    assert argv[:2] == ["python", "-c"]
    assert "http://127.0.0.1:8000/healthz" in argv[2]
    return argv[2].replace("127.0.0.1:8000", f"127.0.0.1:{port}")


def test_healthcheck_passes_against_the_default_command(served):
    port, env = served
    result = subprocess.run(
        [sys.executable, "-c", healthcheck_script(port)],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


def test_healthcheck_fails_when_nothing_answers(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", healthcheck_script(free_port())],
        env=production_env(tmp_path, ALLOWED_HOSTS="localhost"),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0


def test_production_serves_hashed_static_files_and_redirects_to_https(served):
    import http.client

    port, _ = served
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/accounts/login/", headers={"Host": "taskforce.example.org"})
    response = conn.getresponse()
    response.read()
    # Plain HTTP is redirected (SECURE_SSL_REDIRECT defaults on with DEBUG off)...
    assert response.status == 301
    assert response.getheader("Location") == "https://taskforce.example.org/accounts/login/"
    # ...and behind the TLS proxy the page renders with whitenoise-served, hashed assets.
    conn.request(
        "GET",
        "/accounts/login/",
        headers={"Host": "taskforce.example.org", "X-Forwarded-Proto": "https"},
    )
    response = conn.getresponse()
    page = response.read().decode()
    assert response.status == 200, page[:500]
    css = re.search(r'href="(/static/css/taskforce\.[0-9a-f]{12}\.css)"', page)
    assert css, "stylesheet is not the hashed name from the manifest"
    conn.request(
        "GET", css.group(1), headers={"Host": "taskforce.example.org", "X-Forwarded-Proto": "https"}
    )
    response = conn.getresponse()
    response.read()
    assert response.status == 200
    conn.close()
