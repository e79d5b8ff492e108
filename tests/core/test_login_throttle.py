"""Failed log-ins are counted on the name log-in actually uses, and on the real client behind trusted proxies."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from supplyesg.core import throttle

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Secret-123"


def _login(client, username, password, **meta):
    return client.post(reverse("core:login"), {"username": username, "password": password}, **meta)


@override_settings(LOGIN_FAILURE_LIMIT=5)
def test_spelling_variants_of_a_user_name_share_one_count_of_failures(auditor):
    client = Client()
    variants = [" aude-auditor", "aude-auditor ", "\taude-auditor", "aude-auditor\u00a0", "ａｕｄｅ－ａｕｄｉｔｏｒ"]
    for name in variants:
        _login(client, name, "wrong")
    response = _login(client, "aude-auditor", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "Too many failed log-ins" in response.content.decode()


@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_a_user_name_in_capitals_counts_for_the_same_user(auditor):
    client = Client()
    _login(client, "AUDE-AUDITOR", "wrong")
    _login(client, "Aude-Auditor", "wrong")
    assert "Too many failed log-ins" in _login(client, "aude-auditor", PASSWORD).content.decode()


def test_a_successful_log_in_with_a_padded_name_clears_the_failures(auditor):
    client = Client()
    _login(client, "aude-auditor", "wrong")
    _login(client, " aude-auditor ", PASSWORD)
    assert client.session["_auth_user_id"] == str(auditor.pk)
    assert not throttle.is_locked_out("aude-auditor", None)


def test_the_names_are_normalised_like_the_log_in_form_does():
    assert throttle.normalise_username("\u3000ＡＵＤＥ－auditor\u00a0") == "aude-auditor"


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_trusted_proxies_a_forwarded_for_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert throttle.client_ip(request) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended():
    # The client wrote "1.2.3.4" itself; the proxy appended the address it really saw.
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert throttle.client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=2, TRUSTED_PROXY_HEADER="X-Real-Chain")
def test_behind_two_proxies_the_client_is_the_second_entry_from_the_right_of_the_configured_header():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.3", HTTP_X_REAL_CHAIN="6.6.6.6, 203.0.113.9, 10.0.0.2")
    assert throttle.client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_request_that_bypassed_the_proxy_or_sent_garbage_is_taken_at_its_socket_address():
    assert throttle.client_ip(RequestFactory().get("/", REMOTE_ADDR="198.51.100.7")) == "198.51.100.7"
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    assert throttle.client_ip(garbage) == "10.0.0.2"


@override_settings(TRUSTED_PROXY_COUNT=1, LOGIN_FAILURE_LIMIT=2)
def test_behind_the_proxy_one_guessing_client_does_not_lock_out_everyone(compliance, viewer):
    via_proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = Client()
    for n in range(8):  # 4 x the limit from one address, spread over many names
        _login(attacker, f"guess-{n}", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.66", **via_proxy)
    refused = _login(attacker, compliance.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.66", **via_proxy)
    assert "Too many failed log-ins" in refused.content.decode()

    colleague = Client()
    _login(colleague, compliance.username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20", **via_proxy)
    assert colleague.session["_auth_user_id"] == str(compliance.pk)


@override_settings(TRUSTED_PROXY_COUNT=1, LOGIN_FAILURE_LIMIT=2)
def test_a_guessing_client_cannot_dodge_its_count_by_forging_the_header(viewer):
    client = Client()
    for n in range(8):
        _login(client, f"guess-{n}", "wrong", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 203.0.113.66")
    response = _login(client, viewer.username, PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert "Too many failed log-ins" in response.content.decode()
