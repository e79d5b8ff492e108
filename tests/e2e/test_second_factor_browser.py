"""Browser tests: passkeys with Chromium's virtual authenticator (driven over CDP) and the vendored
django-otp-webauthn scripts; an authenticator app enrolled by reading the key off the page."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from supplyesg.core.models import AuditEvent, Role
from tests.e2e.conftest import login
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def passkey_site(settings, live_server):
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    settings.OTP_WEBAUTHN_RP_ID = "localhost"


def _virtual_authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp


def test_an_auditor_adds_a_passkey_and_logs_in_with_it(new_page, passkey_site):
    auditor = make_user(Role.AUDITOR, username="aude")
    page = new_page()
    _virtual_authenticator(page)
    login(page, auditor.username)
    page.goto("/accounts/two-factor/")
    page.click("#passkey-register-button")
    page.wait_for_selector("#recovery-codes")  # the page reloads with the first recovery codes
    assert page.locator("#recovery-codes li").count() == 10
    assert WebAuthnCredential.objects.filter(user=auditor, confirmed=True).count() == 1
    assert AuditEvent.objects.filter(action="second_factor.added", actor=auditor).exists()

    page.context.clear_cookies()
    page.goto("/accounts/login/?next=/audits/")
    page.fill("input[name=username]", auditor.username)
    page.fill("input[name=password]", "pw-Secret-123")
    page.click("form button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/verify/**")
    page.click("#passkey-verification-button")
    page.wait_for_url("**/audits/")
    assert "/audits/" in page.url


def test_a_compliance_manager_enrols_an_authenticator_app_and_must_use_it(new_page):
    compliance = make_user(Role.COMPLIANCE, username="carla")
    page = new_page()
    login(page, compliance.username)
    page.goto("/accounts/two-factor/")
    assert page.locator(".qr svg").count() == 1
    device = TOTPDevice.objects.get(user=compliance, confirmed=False)

    def code():
        return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"

    page.fill("input[name=code]", code())
    page.click("form[action$='/two-factor/app/'] button[type=submit]")
    page.wait_for_selector("#recovery-codes")
    recovery = page.locator("#recovery-codes li code").first.inner_text()

    page.context.clear_cookies()
    login(page, compliance.username)
    assert "/accounts/two-factor/verify/" in page.url
    page.fill("input[name=code]", recovery)
    page.click("button:has-text('Verify')")
    page.wait_for_load_state("domcontentloaded")
    page.goto("/suppliers/")
    assert page.url.endswith("/suppliers/")
