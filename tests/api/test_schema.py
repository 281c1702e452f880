"""The OpenAPI schema: generated without a single warning, valid, and only about /api/v1/."""

from __future__ import annotations

import yaml
from django.core.management import call_command

REQUIRED_PATHS = ("/api/v1/me/", "/api/v1/agencies/", "/api/v1/memberships/")


def test_schema_generates_without_warnings_and_validates(tmp_path):
    target = tmp_path / "schema.yaml"
    # --fail-on-warn turns every drf-spectacular warning or error into a failure; --validate
    # checks the result against the OpenAPI 3 meta-schema.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert paths
    assert all(path.startswith("/api/v1/") for path in paths), sorted(paths)
    for required in REQUIRED_PATHS:
        assert required in paths, required


def test_served_schema_is_the_generated_one(db, client, tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    generated = yaml.safe_load(target.read_text())
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(response.content) == generated


def test_every_operation_documents_its_security(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    schemes = schema["components"]["securitySchemes"]
    assert {"oauth2", "cookieAuth"} <= set(schemes)
    assert "clientCredentials" in schemes["oauth2"]["flows"], schemes["oauth2"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = {name for requirement in operation["security"] for name in requirement}
            assert names == {"oauth2", "cookieAuth"}, (method, path, operation["security"])
            assert {} not in operation["security"], f"{method} {path} allows anonymous calls"
