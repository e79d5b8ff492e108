"""Password-reset e-mails are limited per address and per client, with one answer for known and unknown addresses."""

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

LIMITED = "Too many password-reset requests"


def _ask(client, email, ip="198.51.100.7"):
    return client.post(reverse("core:password_reset"), {"email": email}, REMOTE_ADDR=ip)


@override_settings(PASSWORD_RESET_LIMIT=3)
def test_a_fourth_reset_for_one_address_sends_no_mail_and_says_why(compliance):
    client = Client()
    for _n in range(3):
        assert _ask(client, compliance.email).status_code == 302
    response = _ask(client, compliance.email.upper(), ip="203.0.113.5")
    assert response.status_code == 200
    assert LIMITED in response.content.decode()
    assert len(mail.outbox) == 3


@override_settings(PASSWORD_RESET_LIMIT=2)
def test_an_unknown_address_gets_the_same_answers_as_a_known_one(compliance):
    client = Client()
    known = [_ask(client, compliance.email).status_code for _n in range(3)]
    unknown = [_ask(client, "nobody@example.com", ip="203.0.113.5").status_code for _n in range(3)]
    assert known == unknown == [302, 302, 200]
    assert LIMITED in _ask(client, "nobody@example.com", ip="203.0.113.5").content.decode()
    assert len(mail.outbox) == 2


@override_settings(PASSWORD_RESET_LIMIT=5, PASSWORD_RESET_CLIENT_LIMIT=2)
def test_one_client_cannot_spray_resets_over_many_addresses(compliance, viewer, auditor):
    client = Client()
    assert _ask(client, compliance.email).status_code == 302
    assert _ask(client, viewer.email).status_code == 302
    response = _ask(client, auditor.email)
    assert LIMITED in response.content.decode()
    assert len(mail.outbox) == 2
    # Another client may still ask for the auditor's reset.
    assert _ask(Client(), auditor.email, ip="203.0.113.5").status_code == 302
    assert len(mail.outbox) == 3
