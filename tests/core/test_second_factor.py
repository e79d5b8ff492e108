"""Second-factor log-in: an authenticator app (TOTP) or a passkey after the password, recovery codes,
and a policy that makes internal users enrol before anything else."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from supplyesg.core.models import AuditEvent, PolicySettings
from supplyesg.core.services import create_api_token
from tests.core.soft_authenticator import SoftPasskey

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Secret-123"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ORIGIN = "http://localhost:8000"


def code_for(device: TOTPDevice) -> str:
    """What the phone app shows right now (time is frozen by time-machine)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def login(username, **extra):
    client = Client()
    response = client.post(reverse("core:login"), {"username": username, "password": PASSWORD, **extra})
    return client, response


def enrol_app(client, user) -> list[str]:
    """Open the second-factor page, scan (read the pending device), type the code; returns the recovery codes."""
    page = client.get(reverse("core:two_factor"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert re.sub(r"\s", "", page.content.decode()).count("otpauth") == 0  # the secret travels only as the QR and key
    response = client.post(reverse("core:confirm_totp"), {"code": code_for(device)})
    assert response.status_code == 200
    return re.findall(r"<li><code>([^<]+)</code></li>", response.content.decode())


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def enrolled_compliance(compliance, client_for, frozen):
    codes = enrol_app(client_for(compliance), compliance)
    frozen.shift(timedelta(seconds=60))  # the next log-in uses a fresh code
    return compliance, codes


def test_a_compliance_manager_adds_an_authenticator_app_and_gets_ten_recovery_codes(compliance, client_for, frozen):
    codes = enrol_app(client_for(compliance), compliance)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=compliance, confirmed=True).confirmed
    actions = list(AuditEvent.objects.filter(target_id=str(compliance.pk)).values_list("action", flat=True))
    assert "second_factor.added" in actions and "second_factor.recovery_codes" in actions


def test_a_wrong_code_does_not_add_the_app(compliance, client_for, frozen):
    client = client_for(compliance)
    client.get(reverse("core:two_factor"))
    response = client.post(reverse("core:confirm_totp"), {"code": "000000"})
    assert response.status_code == 400
    assert "does not match the app" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=compliance, confirmed=True).exists()


def test_after_the_password_the_app_code_is_asked_before_any_page(enrolled_compliance):
    compliance, _codes = enrolled_compliance
    client, response = login(compliance.username, next="/suppliers/")
    assert response["Location"].startswith(reverse("core:verify_second_factor"))
    blocked = client.get("/suppliers/")
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("core:verify_second_factor"))
    assert client.get("/api/suppliers").status_code == 401  # a half-finished log-in is no API session

    device = TOTPDevice.objects.get(user=compliance, confirmed=True)
    verified = client.post(reverse("core:verify_second_factor"), {"code": code_for(device), "next": "/suppliers/"})
    assert verified["Location"] == "/suppliers/"
    assert client.get("/suppliers/").status_code == 200


def test_a_wrong_code_keeps_the_door_shut_and_a_used_code_cannot_be_replayed(enrolled_compliance, frozen):
    compliance, _codes = enrolled_compliance
    client, _response = login(compliance.username)
    refused = client.post(reverse("core:verify_second_factor"), {"code": "123456"})
    assert "This code is not valid" in refused.content.decode()
    assert client.get("/suppliers/").status_code == 302
    frozen.shift(timedelta(seconds=2))  # django-otp makes the next try wait after a wrong code

    code = code_for(TOTPDevice.objects.get(user=compliance, confirmed=True))
    first, _r = login(compliance.username)
    first.post(reverse("core:verify_second_factor"), {"code": code})
    assert first.get("/suppliers/").status_code == 200
    second, _r = login(compliance.username)
    second.post(reverse("core:verify_second_factor"), {"code": code})
    assert second.get("/suppliers/").status_code == 302


def test_a_recovery_code_works_once(enrolled_compliance):
    compliance, codes = enrolled_compliance
    client, _r = login(compliance.username)
    client.post(reverse("core:verify_second_factor"), {"code": codes[0]})
    assert client.get("/suppliers/").status_code == 200
    assert AuditEvent.objects.filter(action="second_factor.recovery_code_used", actor=compliance).count() == 1
    again, _r = login(compliance.username)
    again.post(reverse("core:verify_second_factor"), {"code": codes[0]})
    assert again.get("/suppliers/").status_code == 302
    assert StaticToken.objects.filter(device__user=compliance).count() == 9


def test_an_api_token_still_works_for_a_user_with_a_second_factor(enrolled_compliance, supplier_a):
    compliance, _codes = enrolled_compliance
    _token, raw = create_api_token(user=compliance, name="ERP", actor=compliance)
    assert Client().get("/api/suppliers", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_a_session_that_only_knows_the_password_cannot_add_or_remove_a_factor(enrolled_compliance):
    compliance, _codes = enrolled_compliance
    client, _r = login(compliance.username)
    assert client.get(reverse("core:two_factor"))["Location"].startswith(reverse("core:verify_second_factor"))
    assert client.post(reverse("core:confirm_totp"), {"code": "123456"}).status_code == 404
    device = TOTPDevice.objects.get(user=compliance, confirmed=True)
    assert client.post(reverse("core:remove_factor", args=["totp", device.pk])).status_code == 404
    assert client.post(reverse("otp_webauthn:credential-registration-begin")).status_code == 403
    assert TOTPDevice.objects.filter(user=compliance, confirmed=True).count() == 1


def test_removing_the_last_factor_also_drops_the_recovery_codes(enrolled_compliance):
    compliance, codes = enrolled_compliance
    client, _r = login(compliance.username)
    client.post(reverse("core:verify_second_factor"), {"code": codes[1]})
    device = TOTPDevice.objects.get(user=compliance, confirmed=True)
    client.post(reverse("core:remove_factor", args=["totp", device.pk]))
    assert not TOTPDevice.objects.filter(user=compliance, confirmed=True).exists()
    assert not StaticToken.objects.filter(device__user=compliance).exists()
    assert AuditEvent.objects.filter(action="second_factor.removed", actor=compliance).exists()
    plain, _r = login(compliance.username)
    assert plain.get("/suppliers/").status_code == 200


def test_another_user_cannot_remove_my_factor(enrolled_compliance, viewer, client_for):
    compliance, _codes = enrolled_compliance
    device = TOTPDevice.objects.get(user=compliance, confirmed=True)
    assert client_for(viewer).post(reverse("core:remove_factor", args=["totp", device.pk])).status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_when_the_policy_requires_it_an_internal_user_enrols_before_anything_else(viewer, supplier_a_user, frozen):
    PolicySettings.objects.update_or_create(pk=1, defaults={"second_factor_required_for_internal": True})
    client, _r = login(viewer.username)
    sent = client.get("/suppliers/")
    assert sent["Location"].startswith(reverse("core:two_factor"))
    page = client.get(reverse("core:two_factor"))
    assert "Your role must log in with a second factor" in page.content.decode()
    enrol_app(client, viewer)
    assert client.get("/suppliers/").status_code == 200
    # The last factor cannot be removed while the policy requires one.
    device = TOTPDevice.objects.get(user=viewer, confirmed=True)
    client.post(reverse("core:remove_factor", args=["totp", device.pk]))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    portal, _r = login(supplier_a_user.username)
    assert portal.get(reverse("portal:home")).status_code == 200


def test_by_default_no_second_factor_is_required(viewer):
    assert PolicySettings.current().second_factor_required_for_internal is False
    client, _r = login(viewer.username)
    assert client.get("/suppliers/").status_code == 200


def test_the_admin_log_in_page_is_the_one_throttled_log_in(admin_user):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login")) and "next=/admin/" in response["Location"]


# Passkeys (WebAuthn) through django-otp-webauthn, answered by a software authenticator.


def _post_json(client, name, payload=None):
    return client.post(reverse(f"otp_webauthn:{name}"), json.dumps(payload or {}), content_type="application/json")


@override_settings(OTP_WEBAUTHN_ALLOWED_ORIGINS=[ORIGIN], OTP_WEBAUTHN_RP_ID="localhost")
def test_an_auditor_registers_a_passkey_and_logs_in_with_it(auditor, client_for):
    client = client_for(auditor)
    options = _post_json(client, "credential-registration-begin").json()
    assert options["rp"] == {"id": "localhost", "name": "SupplyESG"}
    assert options["user"]["name"] == auditor.username
    passkey = SoftPasskey(ORIGIN, "localhost")
    registered = _post_json(client, "credential-registration-complete", passkey.register(options))
    assert registered.status_code == 200, registered.content
    assert WebAuthnCredential.objects.filter(user=auditor, confirmed=True).count() == 1
    assert AuditEvent.objects.filter(action="second_factor.added", changes__factor=[None, "passkey"]).exists()
    page = client.get(reverse("core:two_factor")).content.decode()
    assert len(re.findall(r"<li><code>([^<]+)</code></li>", page)) == 10  # first recovery codes, shown once
    assert "Passkey" in page

    fresh, response = login(auditor.username, next="/audits/")
    assert response["Location"].startswith(reverse("core:verify_second_factor"))
    assert "passkey-verification-placeholder" in fresh.get(response["Location"]).content.decode()
    challenge = _post_json(fresh, "credential-authentication-begin").json()
    assert [c["id"] for c in challenge["allowCredentials"]] == [registered_id(passkey)]
    done = fresh.post(
        reverse("otp_webauthn:credential-authentication-complete") + "?next=/audits/",
        json.dumps(passkey.authenticate(challenge)),
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["redirect_url"] == "/audits/"
    assert fresh.get("/suppliers/").status_code == 200


@override_settings(OTP_WEBAUTHN_ALLOWED_ORIGINS=[ORIGIN], OTP_WEBAUTHN_RP_ID="localhost")
def test_a_passkey_answer_from_another_site_is_refused(auditor, client_for):
    client = client_for(auditor)
    options = _post_json(client, "credential-registration-begin").json()
    _post_json(client, "credential-registration-complete", SoftPasskey(ORIGIN, "localhost").register(options))
    fresh, _r = login(auditor.username)
    challenge = _post_json(fresh, "credential-authentication-begin").json()
    phishing = SoftPasskey("https://supplyesg.example.net", "localhost")
    phishing.credential_id = WebAuthnCredential.objects.get(user=auditor).credential_id
    answer = _post_json(fresh, "credential-authentication-complete", phishing.authenticate(challenge))
    assert answer.status_code >= 400
    assert fresh.get("/suppliers/").status_code == 302


def registered_id(passkey: SoftPasskey) -> str:
    from webauthn.helpers import bytes_to_base64url

    return bytes_to_base64url(passkey.credential_id)


def test_an_administrator_resets_a_lost_second_factor_but_never_sees_its_secrets(enrolled_compliance, admin_user, client_for):
    compliance, _codes = enrolled_compliance
    admin_client = client_for(admin_user)
    assert admin_client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert admin_client.get("/admin/otp_static/staticdevice/").status_code == 404
    admin_client.post(
        reverse("admin:core_user_changelist"), {"action": "reset_second_factor", "_selected_action": [compliance.pk]}
    )
    assert not TOTPDevice.objects.filter(user=compliance).exists()
    assert not StaticToken.objects.filter(device__user=compliance).exists()
    event = AuditEvent.objects.get(action="second_factor.reset")
    assert (event.actor, event.target_label, event.changes["factors"]) == (admin_user, compliance.username, [1, 0])
    client, _r = login(compliance.username)
    assert client.get("/suppliers/").status_code == 200
