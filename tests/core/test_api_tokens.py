"""API tokens: they work as Bearer or X-API-Key, stop working when revoked, and are stored only hashed."""

import hashlib
import json

import pytest
from django.test import Client

from supplyesg.core.models import ApiToken, AuditEvent
from supplyesg.core.services import create_api_token, revoke_api_token
from supplyesg.suppliers.models import Supplier


@pytest.fixture
def compliance_token(compliance):
    _token, raw = create_api_token(user=compliance, name="ERP", actor=compliance)
    return raw


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_token_works_as_a_bearer_token(compliance_token, supplier_a):
    response = Client().get("/api/suppliers", **bearer(compliance_token))
    assert response.status_code == 200
    assert [s["code"] for s in response.json()["items"]] == [supplier_a.code]


def test_a_token_works_in_the_x_api_key_header(compliance_token, supplier_a):
    response = Client().get(f"/api/suppliers/{supplier_a.pk}/can-order", HTTP_X_API_KEY=compliance_token)
    assert response.status_code == 200
    assert response.json()["code"] == supplier_a.code


def test_a_token_can_write_without_a_csrf_token(compliance_token, compliance):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/suppliers",
        data=json.dumps({"legal_name": "Omega Cells GmbH", "country": "DE"}),
        content_type="application/json",
        **bearer(compliance_token),
    )
    assert response.status_code == 201
    assert Supplier.objects.get(legal_name="Omega Cells GmbH").created_by == compliance


def test_a_session_write_without_a_csrf_token_is_refused(compliance):
    client = Client(enforce_csrf_checks=True)
    client.force_login(compliance)
    response = client.post(
        "/api/suppliers",
        data=json.dumps({"legal_name": "Omega Cells GmbH", "country": "DE"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Supplier.objects.exists()


def test_a_revoked_token_gets_401(compliance, compliance_token):
    revoke_api_token(ApiToken.objects.get(user=compliance), actor=compliance)
    for headers in (bearer(compliance_token), {"HTTP_X_API_KEY": compliance_token}):
        response = Client().get("/api/suppliers", **headers)
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication required: send a valid API token.", "errors": []}


@pytest.mark.parametrize("raw", ["sesg_not-a-real-token", "Basic abc", ""])
def test_an_unknown_token_gets_401(db, raw):
    assert Client().get("/api/suppliers", **bearer(raw)).status_code == 401


def test_the_token_of_a_deactivated_user_gets_401(compliance, compliance_token):
    compliance.is_active = False
    compliance.save()
    assert Client().get("/api/suppliers", **bearer(compliance_token)).status_code == 401


def test_the_raw_token_is_never_stored(compliance, compliance_token):
    token = ApiToken.objects.get(user=compliance)
    assert token.key_hash == hashlib.sha256(compliance_token.encode()).hexdigest()
    assert compliance_token.startswith(token.key_prefix)
    stored = [str(v) for v in ApiToken.objects.values().get(pk=token.pk).values()]
    assert not any(compliance_token in value for value in stored)
    trail = json.dumps(list(AuditEvent.objects.values("changes", "target_label", "reason")), default=str)
    assert compliance_token not in trail


def test_a_token_records_when_it_was_last_used(compliance, compliance_token):
    assert ApiToken.objects.get(user=compliance).last_used_at is None
    Client().get("/api/suppliers", **bearer(compliance_token))
    assert ApiToken.objects.get(user=compliance).last_used_at is not None


def test_a_viewer_token_reads_but_cannot_write(viewer, supplier_a):
    _token, raw = create_api_token(user=viewer, name="BI dashboard", actor=viewer)
    client = Client()
    assert client.get(f"/api/suppliers/{supplier_a.pk}", **bearer(raw)).status_code == 200
    response = client.patch(
        f"/api/suppliers/{supplier_a.pk}",
        data=json.dumps({"tier": 2}),
        content_type="application/json",
        **bearer(raw),
    )
    assert response.status_code == 403
    supplier_a.refresh_from_db()
    assert supplier_a.tier == 1


def test_a_supplier_user_token_sees_only_its_own_supplier(supplier_a_user, supplier_a, supplier_b):
    _token, raw = create_api_token(user=supplier_a_user, name="Portal sync", actor=supplier_a_user)
    client = Client()
    listed = client.get("/api/suppliers", **bearer(raw)).json()
    assert [s["id"] for s in listed["items"]] == [supplier_a.pk]
    assert client.get(f"/api/suppliers/{supplier_b.pk}", **bearer(raw)).status_code == 404
