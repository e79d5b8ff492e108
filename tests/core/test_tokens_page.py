import pytest
from django.urls import reverse

from supplyesg.core.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db


def test_a_created_token_is_shown_once_and_stored_only_as_a_hash(compliance, client_for):
    client = client_for(compliance)
    page = client.post(reverse("core:create_token"), {"name": "ERP"})
    raw = page.context["new_token"]
    token = ApiToken.objects.get(user=compliance)
    assert raw.startswith("sesg_") and raw not in (token.key_hash, token.key_prefix)
    assert token.key_hash == ApiToken.hash_key(raw)
    assert raw not in client.get(reverse("core:account")).content.decode()
    assert AuditEvent.objects.filter(action="api_token.created").exists()


def test_a_user_can_revoke_only_their_own_tokens(compliance, viewer, client_for):
    client_for(compliance).post(reverse("core:create_token"), {"name": "ERP"})
    token = ApiToken.objects.get(user=compliance)
    assert client_for(viewer).post(reverse("core:revoke_token", args=[token.pk])).status_code == 404
    client_for(compliance).post(reverse("core:revoke_token", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_supplier_users_cannot_create_api_tokens(supplier_a_user, client_for):
    assert client_for(supplier_a_user).post(reverse("core:create_token"), {"name": "x"}).status_code == 404
