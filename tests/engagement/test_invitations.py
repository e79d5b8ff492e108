"""Invitations to a session through the campaign engine, answered in the portal: registering participants,
declining, reminders; supplier B never sees or answers supplier A's invitation."""

import datetime as dt
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied

from supplyesg.core.errors import RuleViolation
from supplyesg.engagement.models import Attendance, Invitation
from supplyesg.engagement.services import invitations
from tests.engagement.factories_engagement import make_course, make_session
from tests.factories import make_contact, make_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def approved(supplier_a, supplier_b):
    for s in (supplier_a, supplier_b):
        s.status = "active"
        s.save(update_fields=["status"])
    make_contact(supplier_a, email="esg@alpha.example")
    make_contact(supplier_b, email="esg@beta.example")
    return supplier_a, supplier_b


@pytest.fixture
def session():
    return make_session(make_course(title="RBA Code of Conduct"), on=date(2026, 3, 20), capacity=3)


def test_staff_invite_by_tier_and_each_supplier_in_scope_is_mailed_once_on_opening(
    approved, session, compliance, django_capture_on_commit_callbacks
):
    tier2 = make_supplier(legal_name="Gamma Copper Ltd.", tier=2, status="active")
    make_contact(tier2, email="esg@gamma.example")
    make_supplier(legal_name="Prospect Ltd.", tier=2)  # not approved: not invited
    campaign = invitations.create_campaign(
        actor=compliance, session=session, name="RBA 101", due_date=date(2026, 3, 18), tiers=[2]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations.open_campaign(campaign, actor=compliance) == 1
    assert list(campaign.invitations.values_list("supplier__legal_name", "status")) == [("Gamma Copper Ltd.", "invited")]
    assert mail.outbox[0].to == ["esg@gamma.example"] and "RBA Code of Conduct" in mail.outbox[0].subject


def test_registration_must_close_by_the_session_and_a_scope_is_required(session, compliance):
    with pytest.raises(RuleViolation) as excinfo:
        invitations.create_campaign(actor=compliance, session=session, name="", due_date=date(2026, 3, 25))
    assert [m.split(":")[0] for m in excinfo.value.messages] == ["name", "due_date", "scope"]


def test_supplier_a_registers_participants_within_capacity_and_b_cannot_answer_a_s_invitation(
    approved, session, compliance, supplier_a_user, supplier_b_user
):
    supplier_a, _b = approved
    campaign = invitations.create_campaign(
        actor=compliance, session=session, name="RBA", due_date=date(2026, 3, 18), suppliers=[supplier_a]
    )
    invitations.open_campaign(campaign, actor=compliance)
    invitation = Invitation.objects.get()
    with pytest.raises(PermissionDenied):
        invitations.register_participants(invitation, actor=supplier_b_user, people=[{"name": "Intruder"}])
    with pytest.raises(RuleViolation) as excinfo:
        invitations.register_participants(invitation, actor=supplier_a_user, people=[{"name": "", "role": "HR", "email": "x"}])
    assert excinfo.value.messages == [
        "participant 1, name: give the person's name (at most 200 characters).",
        "participant 1, email: not an e-mail address.",
    ]
    people = [{"name": "Li Wei", "role": "HR manager", "email": "LI@alpha.example"}, {"name": "Wang Mei", "role": "EHS"}]
    created = invitations.register_participants(invitation, actor=supplier_a_user, people=people)
    assert [(a.person_name, a.email, a.status, a.source, a.held_on) for a in created] == [
        ("Li Wei", "li@alpha.example", "registered", "portal", date(2026, 3, 20)),
        ("Wang Mei", "", "registered", "portal", date(2026, 3, 20)),
    ]
    invitation.refresh_from_db()
    assert invitation.status == "registered"
    with pytest.raises(RuleViolation, match="the session has 1 places left"):
        invitations.register_participants(invitation, actor=supplier_a_user, people=[{"name": "A"}, {"name": "B"}])
    assert Attendance.objects.count() == 2


def test_a_supplier_declines_and_the_progress_counts_it_as_an_answer(approved, session, compliance, supplier_a_user):
    campaign = invitations.create_campaign(
        actor=compliance, session=session, name="RBA", due_date=date(2026, 3, 18), suppliers=list(approved)
    )
    invitations.open_campaign(campaign, actor=compliance)
    invitations.decline_invitation(Invitation.objects.get(supplier=approved[0]), actor=supplier_a_user, reason="Peak season")
    progress = invitations.campaign_progress(campaign)
    assert (progress["sent"], progress["responded"], progress["response_rate"]) == (2, 1, 50)


def test_suppliers_who_have_not_answered_are_reminded_before_the_deadline(
    approved, session, compliance, django_capture_on_commit_callbacks
):
    campaign = invitations.create_campaign(
        actor=compliance, session=session, name="RBA", due_date=date(2026, 3, 18), suppliers=list(approved)
    )
    invitations.open_campaign(campaign, actor=compliance)
    Invitation.objects.filter(supplier=approved[1]).update(status="registered")
    mail.outbox.clear()
    with (
        time_machine.travel(dt.datetime(2026, 3, 12, 9, 0, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert invitations.send_reminders() == 1
    assert [m.to for m in mail.outbox] == [["esg@alpha.example"]]
    assert mail.outbox[0].subject == "提醒：RBA Code of Conduct"  # supplier A is in China: written in Chinese


def test_the_portal_lists_a_s_invitation_only_to_a_and_registers_from_the_form(
    approved, session, compliance, client_for, supplier_a_user, supplier_b_user
):
    campaign = invitations.create_campaign(
        actor=compliance, session=session, name="RBA", due_date=date(2026, 3, 18), suppliers=[approved[0]]
    )
    invitations.open_campaign(campaign, actor=compliance)
    invitation = Invitation.objects.get()
    url = f"/portal/training/invitations/{invitation.pk}/"
    assert client_for(supplier_b_user).get(url).status_code == 404
    assert "RBA Code of Conduct" not in client_for(supplier_b_user).get("/portal/training/").content.decode()
    a = client_for(supplier_a_user)
    assert "RBA Code of Conduct" in a.get("/portal/training/").content.decode()
    assert "please register participants by" in a.get("/portal/").content.decode()
    response = a.post(url, {"name_1": "Li Wei", "role_1": "HR", "email_1": ""}, follow=True)
    assert response.status_code == 200 and "Li Wei" in response.content.decode()
    bad = a.post(url, {"name_1": "", "email_1": "not-mail"})
    assert bad.status_code == 400
