"""Property-based requests generated from the OpenAPI document (Schemathesis) against every operation, sent with
an administrator's token at supplier A's objects: no answer is a server error, and every answer (status code,
content type, body) is one the document declares. Few examples per operation, derandomized: the run is the
same every time and stays short."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from supplyesg.api import api
from supplyesg.core.models import Role
from supplyesg.core.services import create_api_token
from tests.world import build_world

EXAMPLES_PER_OPERATION = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema(), default=str)))
schema.app = get_wsgi_application()


@pytest.fixture(scope="module")
def api_world(django_db_setup, django_db_blocker):
    """One world for every operation, in a transaction rolled back at the end; the WSGI handler keeps the test's
    database connection open across requests, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            admin = world["users"][Role.ADMIN]
            world["token"] = create_api_token(user=admin, name="fuzz", actor=admin)[1]
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_every_generated_request_gets_a_declared_answer_and_never_a_server_error(case, api_world):
    values = api_world["values"]
    for name in list(case.path_parameters or {}):
        if name in values:
            case.path_parameters[name] = values[name]
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {api_world['token']}"}
    with transaction.atomic():  # each example starts from the same world
        response = case.call()
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS)
