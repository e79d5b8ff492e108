"""The API's contract for integrators: a valid OpenAPI document they can fetch with their token, vendored docs,
and every error under /api/ in the one JSON shape with the status code a client library expects."""

import json
import re

import pytest
from django.test import Client
from openapi_spec_validator import validate

from supplyesg.api import api
from supplyesg.core.services import create_api_token, revoke_api_token


@pytest.fixture
def viewer_token(viewer):
    return create_api_token(user=viewer, name="ERP", actor=viewer)


def bearer(raw):
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", enforce_csrf_checks=True)


def test_the_served_openapi_document_passes_the_openapi_validator(viewer_token):
    response = bearer(viewer_token[1]).get("/api/openapi.json")

    assert response.status_code == 200
    validate(response.json())


def test_the_openapi_document_is_built_once_per_language_and_served_alike_each_time(viewer_token, monkeypatch):
    """Building it reads every operation's schemas (about half a second, bench/every_page.py): a running process
    builds it once per path prefix and language and serves the same document after that."""
    from ninja import main as ninja_main

    built = []
    real = ninja_main.get_schema
    monkeypatch.setattr(ninja_main, "get_schema", lambda **kwargs: built.append(kwargs["path_prefix"]) or real(**kwargs))
    monkeypatch.setitem(api.__dict__, "_openapi_documents", {})
    client = bearer(viewer_token[1])
    english = [client.get("/api/openapi.json").json() for _ in range(3)]
    chinese = client.get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert english[0] == english[1] == english[2] and chinese["paths"].keys() == english[0]["paths"].keys()
    assert built == ["/api/", "/api/"]  # English once, Chinese once


def test_every_write_operation_declares_its_security(viewer_token):
    spec = bearer(viewer_token[1]).get("/api/openapi.json").json()
    writes = [(m, p) for p, ops in spec["paths"].items() for m, op in ops.items() if m in ("post", "put", "patch", "delete")]
    unsecured = [(m, p) for m, p in writes if not spec["paths"][p][m].get("security")]

    # The grievance intake is public by design (issue 14): anyone may report and follow a report by its receipt.
    public = [("post", "/api/grievances/intake"), ("post", "/api/grievances/follow"), ("post", "/api/grievances/follow/messages")]
    assert len(writes) > 20 and sorted(unsecured) == sorted(public)
    assert set(spec["components"]["securitySchemes"]) == {"BearerToken", "HeaderToken", "SessionCookie"}


def all_routers(mounted):
    """Every router the API serves, nested ones (reporting's parts) included: api._routers lists the top level."""
    for entry in mounted:
        yield entry[1]
        yield from all_routers(entry[1]._routers)


def test_no_two_schemas_share_a_name():
    """Each operation's models are rendered one by one; a name rendered twice must mean the same schema, or the
    second would overwrite the first in the document (supplier statuses typed as corrective-action statuses, a
    questionnaire campaign described as a CMRT campaign)."""
    seen = {}
    for router in all_routers(api._routers):
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                models = [*operation.models, *[m for m in operation.response_models.values() if hasattr(m, "model_json_schema")]]
                for model in models:
                    for name, definition in model.model_json_schema().get("$defs", {}).items():
                        assert seen.setdefault(name, definition) == definition, name
    assert {"SupplierStatus", "CorrectiveActionStatus", "SiteKind", "AuditKind", "BlacklistEntryReason"} <= set(seen)
    assert {"MineralsCampaignOut", "QuestionnaireCampaignOut"} <= set(seen)


def test_the_supplier_status_filter_offers_supplier_statuses(viewer_token):
    from supplyesg.suppliers.models import Supplier

    spec = bearer(viewer_token[1]).get("/api/openapi.json").json()
    assert spec["components"]["schemas"]["SupplierStatus"]["enum"] == list(Supplier.Status.values)
    assert "/api/suppliers/{supplier_id}/sites" in spec["paths"] and "post" in spec["paths"]["/api/suppliers/{supplier_id}/sites"]


def test_a_token_holder_reads_the_docs_page_with_vendored_assets_only(viewer_token):
    response = bearer(viewer_token[1]).get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources


def test_the_spec_asks_anonymous_clients_for_a_token_and_sends_browsers_to_log_in():
    spec = Client().get("/api/openapi.json")
    docs = Client().get("/api/docs")

    assert spec.status_code == 401 and spec["WWW-Authenticate"].startswith("Bearer")
    assert docs.status_code == 302 and "/accounts/login/" in docs["Location"]


def test_a_supplier_users_token_does_not_get_the_spec(supplier_a_user):
    raw = create_api_token(user=supplier_a_user, name="ERP", actor=supplier_a_user)[1]
    assert bearer(raw).get("/api/openapi.json").status_code == 404


@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
@pytest.mark.parametrize("token", ["none", "bad", "revoked"])
def test_a_missing_bad_or_revoked_token_gets_401_with_a_bearer_challenge(method, token, viewer_token, supplier_a):
    raw = {"none": None, "bad": "sesg_not-a-real-token", "revoked": viewer_token[1]}[token]
    if token == "revoked":
        revoke_api_token(viewer_token[0], actor=viewer_token[0].user)
    client = bearer(raw) if raw else Client(enforce_csrf_checks=True)
    url = {"get": "/api/suppliers", "post": "/api/suppliers", "patch": f"/api/suppliers/{supplier_a.pk}"}.get(
        method, f"/api/suppliers/{supplier_a.pk}/sites/1"
    )

    response = client.generic(method.upper(), url, json.dumps({}), content_type="application/json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {"detail": "Authentication required: send a valid API token.", "errors": []}


def test_an_unknown_api_path_is_a_json_404(viewer_token):
    for client in (Client(), bearer(viewer_token[1])):
        for url in ("/api/nothing-here", "/api/suppliers/1/nothing", "/api/"):
            response = client.post(url) if url.endswith("nothing") else client.get(url)
            assert response.status_code == 404, url
            assert response.json() == {"detail": "Not found.", "errors": []}


def test_a_method_the_path_does_not_take_is_a_json_405_with_allow(viewer_token):
    response = bearer(viewer_token[1]).put("/api/suppliers", data="{}", content_type="application/json")

    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert response.json()["detail"].startswith("Method PUT") and response.json()["errors"] == []


def test_a_signed_in_session_still_needs_the_csrf_token_to_write(client_for, compliance):
    client = Client(enforce_csrf_checks=True)
    client.force_login(compliance)
    body = json.dumps({"legal_name": "X", "country": "DE"})
    response = client.post("/api/suppliers", data=body, content_type="application/json")
    assert response.status_code == 403
