"""Browser test: procurement invites a supplier's person from the supplier page; the invitee opens the link
from the e-mail (read from Django's locmem outbox), chooses a password and lands on the portal home, logged in;
the link does not work a second time."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from supplyesg.core.models import Role, User
from tests.e2e.conftest import login
from tests.factories import make_supplier, make_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Lantern-Orchid-42"


def test_staff_invite_a_supplier_user_who_sets_a_password_and_lands_on_the_portal_home(new_page, settings):
    settings.SITE_URL = "https://esg.example.test"
    supplier = make_supplier(legal_name="Alpha Cable Co., Ltd.", country="CN")
    make_user(Role.PROCUREMENT, username="pete-procurement")
    mail.outbox.clear()

    staff = new_page()
    login(staff, "pete-procurement")
    staff.goto(f"/suppliers/{supplier.pk}/?tab=portal_users")
    staff.fill("#id_invite-email", "wang.fang@alpha.example")
    staff.fill("#id_invite-first_name", "Fang")
    staff.fill("#id_invite-last_name", "Wang")
    staff.select_option("#id_invite-language", "en")
    with staff.expect_navigation():
        staff.click("#portal-users button:has-text('Invite')")
    expect(staff.locator("#portal-users")).to_contain_text("wang.fang@alpha.example")
    expect(staff.locator("#portal-users")).to_contain_text("Invited")

    [message] = mail.outbox
    assert message.to == ["wang.fang@alpha.example"]
    path = re.search(r"https://esg\.example\.test(/accounts/invitation/\S+/)", message.body).group(1)

    invitee = new_page()
    invitee.goto(path)
    expect(invitee.locator("h1")).to_have_text("Choose your password")
    invitee.fill("#id_new_password1", PASSWORD)
    invitee.fill("#id_new_password2", PASSWORD)
    with invitee.expect_navigation():
        invitee.click("form button[type=submit]")
    assert invitee.url.endswith("/portal/")
    expect(invitee.locator("body")).to_contain_text("Alpha Cable Co., Ltd.")
    assert User.objects.get(email="wang.fang@alpha.example").last_login is not None

    stranger = new_page()
    stranger.goto(path)
    expect(stranger.locator("#invalid-invitation")).to_be_visible()

    staff.reload()
    expect(staff.locator("#portal-users")).to_contain_text("Active")
