import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from supplyesg.core.models import LoginFailure

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("core:login"), {"username": username, "password": password})


def test_anonymous_visitor_is_sent_to_the_login_page():
    response = Client().get(reverse("suppliers:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_compliance_manager_logs_in_and_lands_on_the_dashboard(compliance):
    client = Client()
    response = _login(client, compliance.username, "pw-Secret-123")
    assert response.status_code == 302
    home = client.get(reverse("core:home"))
    assert home.status_code == 200 and 'id="panel-suppliers"' in home.content.decode()


def test_supplier_user_lands_in_the_portal(supplier_a_user):
    client = Client()
    _login(client, supplier_a_user.username, "pw-Secret-123")
    assert client.get(reverse("core:home"))["Location"] == reverse("portal:home")


def test_a_wrong_password_is_refused_and_counted(compliance):
    client = Client()
    response = _login(client, compliance.username, "wrong")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.filter(username=compliance.username).count() == 1


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_user_out_even_with_the_right_password(compliance):
    client = Client()
    for _ in range(3):
        _login(client, compliance.username, "wrong")
    response = _login(client, compliance.username, "pw-Secret-123")
    assert "_auth_user_id" not in client.session
    assert "Too many failed log-ins" in response.content.decode()


def test_a_successful_login_clears_earlier_failures(compliance):
    client = Client()
    _login(client, compliance.username, "wrong")
    _login(client, compliance.username, "pw-Secret-123")
    assert not LoginFailure.objects.filter(username=compliance.username).exists()


def test_logout_needs_a_post_and_ends_the_session(compliance):
    client = Client()
    client.force_login(compliance)
    assert client.get(reverse("core:logout")).status_code == 405
    client.post(reverse("core:logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(compliance):
    client = Client()
    response = client.post(reverse("core:password_reset"), {"email": compliance.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": "N3w-Passw0rd!x", "new_password2": "N3w-Passw0rd!x"})
    assert done.status_code == 302
    compliance.refresh_from_db()
    assert compliance.check_password("N3w-Passw0rd!x")


def test_password_change_needs_the_old_password(compliance, client_for):
    client = client_for(compliance)
    response = client.post(
        reverse("core:password_change"),
        {"old_password": "nope", "new_password1": "N3w-Passw0rd!x", "new_password2": "N3w-Passw0rd!x"},
    )
    assert response.status_code == 200
    compliance.refresh_from_db()
    assert compliance.check_password("pw-Secret-123")


def test_posts_without_a_csrf_token_are_refused(compliance):
    client = Client(enforce_csrf_checks=True)
    client.force_login(compliance)
    response = client.post(reverse("core:account"), {"lang-language": "zh-hans"})
    assert response.status_code == 403


def test_the_language_switch_shows_pages_in_chinese(compliance, client_for):
    client = client_for(compliance)
    client.post(reverse("core:set_language"), {"language": "zh-hans", "next": "/"})
    page = client.get(reverse("core:account"))
    assert page.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in page.content.decode()


def test_a_saved_language_preference_applies_at_login(compliance):
    compliance.language = "zh-hans"
    compliance.save()
    client = Client()
    _login(client, compliance.username, "pw-Secret-123")
    assert client.get(reverse("core:account")).headers["Content-Language"] == "zh-hans"


def test_the_browser_language_is_used_when_nothing_is_saved(compliance, client_for):
    client = client_for(compliance)
    page = client.get(reverse("core:account"), headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert page.headers["Content-Language"] == "zh-hans"
