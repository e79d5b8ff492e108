"""A new password revokes the user's API tokens; administrators can look at and revoke tokens but never
revive or re-assign them; creating and revoking are in the audit trail, also from the command line."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from supplyesg.core.models import ApiToken, AuditEvent
from supplyesg.core.services import create_api_token

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "N3w-Passw0rd!x"


def _api_status(raw):
    return Client().get("/api/suppliers", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_changing_the_password_revokes_every_token_of_the_user(compliance, viewer, client_for):
    _erp, erp_raw = create_api_token(user=compliance, name="ERP", actor=compliance)
    _bi, bi_raw = create_api_token(user=compliance, name="BI", actor=compliance)
    _other, other_raw = create_api_token(user=viewer, name="Viewer's ERP", actor=viewer)
    client = client_for(compliance)
    page = client.get(reverse("core:password_change"))
    assert "revokes all your API tokens" in page.content.decode()

    response = client.post(
        reverse("core:password_change"),
        {"old_password": "pw-Secret-123", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _api_status(erp_raw) == 401 and _api_status(bi_raw) == 401
    assert _api_status(other_raw) == 200
    revoked = AuditEvent.objects.filter(action="api_token.revoked", actor=compliance)
    assert sorted(e.target_label for e in revoked) == ["BI", "ERP"]
    assert {e.reason for e in revoked} == {"Password changed"}


def test_a_password_reset_revokes_the_tokens_too(compliance):
    _token, raw = create_api_token(user=compliance, name="ERP", actor=compliance)
    client = Client()
    client.post(reverse("core:password_reset"), {"email": compliance.email})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "revokes all your API tokens" in form_page.content.decode()
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert _api_status(raw) == 401
    assert AuditEvent.objects.filter(action="api_token.revoked", reason="Password reset").count() == 1


def test_a_failed_password_change_keeps_the_tokens(compliance, client_for):
    _token, raw = create_api_token(user=compliance, name="ERP", actor=compliance)
    client_for(compliance).post(
        reverse("core:password_change"), {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert _api_status(raw) == 200


def test_an_administrator_can_read_a_token_but_not_revive_or_reassign_it(admin_user, compliance, viewer, client_for):
    token, raw = create_api_token(user=compliance, name="ERP", actor=compliance)
    client = client_for(admin_user)
    client.post(
        reverse("admin:core_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoked", actor=admin_user, target_id=str(token.pk)).exists()

    change_url = reverse("admin:core_apitoken_change", args=[token.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="user"' not in page.content.decode() and 'name="revoked_at' not in page.content.decode()
    attempt = client.post(change_url, {"user": viewer.pk, "revoked_at_0": "", "revoked_at_1": "", "name": "mine now"})
    assert attempt.status_code == 403
    token.refresh_from_db()
    assert (token.user, token.name, token.revoked_at is not None) == (compliance, "ERP", True)
    assert _api_status(raw) == 401
    assert client.get(reverse("admin:core_apitoken_add")).status_code == 403
    assert client.post(reverse("admin:core_apitoken_delete", args=[token.pk]), {"post": "yes"}).status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_create_token_prints_a_working_token_and_records_it(compliance):
    out, err = StringIO(), StringIO()
    call_command("create_token", compliance.username, "ERP purchase orders", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("sesg_") and "\n" not in raw
    assert "shown once" in err.getvalue()
    assert _api_status(raw) == 200
    event = AuditEvent.objects.get(action="api_token.created")
    assert (event.actor_label, event.target_label) == ("system", "ERP purchase orders")
    assert event.changes["user"] == [None, compliance.username]


def test_create_token_refuses_an_unknown_or_deactivated_user_by_name(viewer):
    with pytest.raises(CommandError, match="USERNAME: there is no user 'ghost'"):
        call_command("create_token", "ghost", "ERP")
    viewer.is_active = False
    viewer.save()
    with pytest.raises(CommandError, match="deactivated"):
        call_command("create_token", viewer.username, "ERP")
    with pytest.raises(CommandError, match="NAME"):
        call_command("create_token", viewer.username, "   ")
    assert not ApiToken.objects.exists()
