"""Schemathesis against our own live schema, as the coordinator with an OAuth2 Bearer token.

Every operation of the generated schema is called with generated input, in process through the
WSGI application, and every response is checked: never a server error, a documented status code
and content type, a body that matches the documented schema, authentication really enforced.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from oauth2_provider.models import get_access_token_model
from pytest import fixture
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

# Left out of the default checks, because the schema cannot say what they assume it says:
# * positive_data_acceptance expects every schema-valid body to be accepted, but domain rules
#   refuse some with a 400 naming the field (a role outside the agency's discipline, a user or
#   agency that does not exist, an overlapping membership);
# * negative_data_rejection expects every schema-invalid input to be refused, but DRF coerces
#   numbers into text fields and falls back to the default page size for a bad ``page_size``.
EXCLUDED_CHECKS = [positive_data_acceptance, negative_data_rejection]


def generated_schema() -> dict:
    """The schema /api/schema/ serves, generated without a request or a database."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))


schema = schemathesis.openapi.from_dict(generated_schema())
schema.app = get_wsgi_application()


@fixture
def keep_test_connection():
    """Called straight through WSGI, Django would close the database connection after each
    request, and with it the test's transaction (PostgreSQL). Django's own test client keeps it
    open the same way: by not closing old connections around the request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@fixture
def coordinator_token(world) -> str:
    raw = secrets.token_urlsafe(32)
    get_access_token_model().objects.create(
        user=world.coordinator,
        token=raw,
        scope="read write",
        expires=timezone.now() + dt.timedelta(hours=1),
    )
    return raw


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_api_conforms_to_its_schema(case, coordinator_token, keep_test_connection):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {coordinator_token}"},
        excluded_checks=EXCLUDED_CHECKS,
    )
