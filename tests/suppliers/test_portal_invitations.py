"""Staff invite a supplier's people to the portal; the invitee chooses a password through a single-use,
expiring link and lands on the portal home."""

import re

import pytest
import time_machine
from django.core import mail

from supplyesg.core.models import AuditEvent, PolicySettings, Role, User
from supplyesg.suppliers.services import portal_users
from tests.factories import make_user

PASSWORD = "Lantern-Orchid-42"


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://esg.example.test"


def _invite(client, staff, supplier, capture, **data):
    client.force_login(staff)
    fields = {"invite-email": "wang.fang@alpha.example", "invite-first_name": "Fang", "invite-last_name": "Wang",
              "invite-language": ""}
    fields.update({f"invite-{k}": v for k, v in data.items()})
    with capture(execute=True):
        response = client.post(f"/suppliers/{supplier.pk}/portal-users/invite/", fields)
    client.logout()
    return response


def _link(message) -> str:
    return re.search(r"https://esg\.example\.test(/accounts/invitation/\S+/)", message.body).group(1)


def test_staff_invite_a_portal_user_who_gets_a_link_in_the_suppliers_language(
    site, client, procurement, supplier_a, django_capture_on_commit_callbacks
):
    response = _invite(client, procurement, supplier_a, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    invited = User.objects.get(email="wang.fang@alpha.example")
    assert invited.role == Role.SUPPLIER and invited.supplier == supplier_a and not invited.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["wang.fang@alpha.example"]
    assert "供应商门户" in message.subject  # a supplier in China: Chinese, while procurement works in English
    assert _link(message)
    assert AuditEvent.objects.filter(action="portal_user.invited", supplier=supplier_a).exists()
    client.force_login(procurement)
    page = client.get(f"/suppliers/{supplier_a.pk}/?tab=portal_users").content.decode()
    assert "wang.fang@alpha.example" in page and "Invited" in page


def test_the_link_sets_a_password_once_and_logs_the_invitee_into_the_portal(
    site, client, compliance, supplier_a, django_capture_on_commit_callbacks
):
    _invite(client, compliance, supplier_a, django_capture_on_commit_callbacks, language="en")
    link = _link(mail.outbox[0])
    assert "Choose your password" in client.get(link).content.decode()
    response = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response.url == "/portal/"
    assert client.get("/portal/").status_code == 200
    invited = User.objects.get(email="wang.fang@alpha.example")
    assert invited.check_password(PASSWORD)
    assert portal_users.portal_user_status(invited) == portal_users.PortalUserStatus.ACTIVE
    client.logout()
    again = client.post(link, {"new_password1": "Another-Secret-77", "new_password2": "Another-Secret-77"})
    assert "invalid, expired or already used" in again.content.decode()
    invited.refresh_from_db()
    assert invited.check_password(PASSWORD)


def test_a_weak_password_is_refused_by_djangos_validators_and_the_link_still_works(
    site, client, compliance, supplier_a, django_capture_on_commit_callbacks
):
    _invite(client, compliance, supplier_a, django_capture_on_commit_callbacks, language="en")
    link = _link(mail.outbox[0])
    response = client.post(link, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    assert not User.objects.get(email="wang.fang@alpha.example").has_usable_password()
    assert client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD}).status_code == 302


def test_the_link_expires_after_the_policys_hours(site, client, compliance, supplier_a, django_capture_on_commit_callbacks):
    policy = PolicySettings.current()
    policy.portal_invitation_hours = 72
    policy.save()
    with time_machine.travel("2026-12-01 09:00Z", tick=False):
        _invite(client, compliance, supplier_a, django_capture_on_commit_callbacks, language="en")
    link = _link(mail.outbox[0])
    with time_machine.travel("2026-12-04 08:59Z", tick=False):
        assert "Choose your password" in client.get(link).content.decode()
    with time_machine.travel("2026-12-04 09:01Z", tick=False):
        response = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
        assert "invalid, expired or already used" in response.content.decode()
    assert not User.objects.get(email="wang.fang@alpha.example").has_usable_password()


def test_sending_again_makes_a_new_link_and_the_first_stays_valid_until_one_is_used(
    site, client, compliance, supplier_a, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-12-01 09:00Z", tick=False):
        _invite(client, compliance, supplier_a, django_capture_on_commit_callbacks, language="en")
    invited = User.objects.get(email="wang.fang@alpha.example")
    client.force_login(compliance)
    with time_machine.travel("2026-12-02 09:00Z", tick=False), django_capture_on_commit_callbacks(execute=True):
        client.post(f"/suppliers/{supplier_a.pk}/portal-users/{invited.pk}/reinvite/")
    client.logout()
    first, second = _link(mail.outbox[0]), _link(mail.outbox[1])
    assert first != second
    with time_machine.travel("2026-12-02 10:00Z", tick=False):
        assert "Choose your password" in client.get(first).content.decode()
        assert client.post(second, {"new_password1": PASSWORD, "new_password2": PASSWORD}).status_code == 302
        client.logout()
        assert "already used" in client.get(first).content.decode()
    assert AuditEvent.objects.filter(action="portal_user.reinvited").count() == 1


def test_a_disabled_user_cannot_log_in_nor_use_a_pending_link_until_re_invited(
    site, client, compliance, supplier_a, django_capture_on_commit_callbacks
):
    _invite(client, compliance, supplier_a, django_capture_on_commit_callbacks, language="en")
    invited = User.objects.get(email="wang.fang@alpha.example")
    link = _link(mail.outbox[0])
    client.force_login(compliance)
    client.post(f"/suppliers/{supplier_a.pk}/portal-users/{invited.pk}/disable/", {"reason": "Left the company"})
    client.logout()
    invited.refresh_from_db()
    assert not invited.is_active
    assert "invalid, expired or already used" in client.get(link).content.decode()
    client.force_login(compliance)
    page = client.get(f"/suppliers/{supplier_a.pk}/?tab=portal_users").content.decode()
    assert "Disabled" in page and "Re-invite" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/suppliers/{supplier_a.pk}/portal-users/{invited.pk}/reinvite/")
    client.logout()
    assert client.post(_link(mail.outbox[-1]), {"new_password1": PASSWORD, "new_password2": PASSWORD}).status_code == 302


def test_an_address_already_in_use_is_refused_at_the_email_field(client, compliance, supplier_a, supplier_b_user,
                                                                 django_capture_on_commit_callbacks):
    response = _invite(client, compliance, supplier_a, django_capture_on_commit_callbacks, email=supplier_b_user.email)
    assert response.status_code == 400
    assert "already has a SupplyESG account" in response.content.decode()
    assert mail.outbox == [] and User.objects.filter(email=supplier_b_user.email).count() == 1


def test_read_only_staff_and_supplier_users_cannot_invite(client, viewer, supplier_a, supplier_a_user):
    client.force_login(viewer)
    assert client.post(f"/suppliers/{supplier_a.pk}/portal-users/invite/", {"invite-email": "x@y.example"}).status_code == 403
    client.force_login(supplier_a_user)
    assert client.post(f"/suppliers/{supplier_a.pk}/portal-users/invite/", {"invite-email": "x@y.example"}).status_code == 404
    assert not User.objects.filter(email="x@y.example").exists()


def test_another_suppliers_user_cannot_be_disabled_through_this_supplier(client, compliance, supplier_a, supplier_b_user):
    client.force_login(compliance)
    response = client.post(f"/suppliers/{supplier_a.pk}/portal-users/{supplier_b_user.pk}/disable/")
    assert response.status_code == 404
    supplier_b_user.refresh_from_db()
    assert supplier_b_user.is_active


def test_an_active_user_is_told_to_reset_rather_than_re_invited(compliance, supplier_a):
    active = make_user(Role.SUPPLIER, supplier=supplier_a)
    with pytest.raises(Exception, match="already set a password"):
        portal_users.reinvite_portal_user(active, actor=compliance)
