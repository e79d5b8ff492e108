"""Campaign services: scope, opening (requests, e-mails), suppliers by hand, progress, reminders, reviews."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.models import Campaign, Smelter, SmelterAlias, SmelterReview, SubmissionRequest
from tests.factories import make_category, make_contact, make_supplier, make_user
from tests.minerals.test_submissions import (
    FUZZY_SMELTER,
    UNKNOWN_SMELTER,
    cmrt_file,
    open_campaign_with,
    submit,
)

pytestmark = pytest.mark.django_db
R = SubmissionRequest.Status
TODAY = dt.date.today()


def new_campaign(actor, **overrides):
    values = {
        "name": "Conflict minerals 2025",
        "reporting_year": 2025,
        "template": "CMRT",
        "minerals": ["Tin", "Gold"],
        "due_date": TODAY + dt.timedelta(days=30),
    }
    values.update(overrides)
    return campaigns.create_campaign(actor=actor, **values)


@pytest.fixture
def solder():
    return make_category(code="solder", name="Tin solder", minerals="TIN, silver")


@pytest.fixture
def plastics():
    return make_category(code="plastics", name="Plastic housings", minerals="")


def test_a_campaign_refuses_minerals_of_the_other_template(compliance):
    with pytest.raises(RuleViolation) as caught:
        new_campaign(compliance, minerals=["Tin", "Cobalt"], tiers=[1])
    assert caught.value.messages == ["minerals: Cobalt are not in this template."]
    assert Campaign.objects.count() == 0


def test_a_campaign_needs_a_scope_and_a_future_due_date(compliance):
    with pytest.raises(RuleViolation) as caught:
        new_campaign(compliance, due_date=TODAY - dt.timedelta(days=1))
    assert any(m.startswith("scope:") for m in caught.value.messages)
    assert any(m.startswith("due_date:") for m in caught.value.messages)


def test_opening_asks_every_approved_supplier_whose_categories_involve_the_minerals(
    compliance, solder, plastics, django_capture_on_commit_callbacks
):
    asked = make_supplier(legal_name="Tin Solder Works Ltd.", status="active", categories=[solder])
    make_contact(asked, email="tin@solder.example.com")
    portal_user = make_user("supplier", supplier=asked, username="solder-portal")
    make_supplier(legal_name="Prospect Solder Ltd.", status="prospect", categories=[solder])
    make_supplier(legal_name="Plastics Ltd.", status="active", categories=[plastics])
    campaign = new_campaign(compliance, scope_by_minerals=True)
    with django_capture_on_commit_callbacks(execute=True):
        count = campaigns.open_campaign(campaign, actor=compliance)
    campaign.refresh_from_db()
    assert count == 1 and campaign.status == Campaign.Status.OPEN
    request_obj = campaign.requests.get()
    assert request_obj.supplier == asked and request_obj.status == R.REQUESTED and request_obj.requested_at
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted(["tin@solder.example.com", portal_user.email])
    assert AuditEvent.objects.filter(action="submission_request.requested", supplier=asked).exists()
    assert AuditEvent.objects.filter(action="campaign.opened").exists()


def test_categories_with_tiers_ask_only_those_tiers(compliance, solder):
    tier1 = make_supplier(status="qualified", tier=1, categories=[solder])
    make_supplier(status="qualified", tier=2, categories=[solder])
    campaign = new_campaign(compliance, categories=[solder], tiers=[1])
    assert list(campaigns.in_scope_suppliers(campaign)) == [tier1]


def test_graphite_matches_a_category_saying_natural_graphite(compliance):
    anodes = make_category(code="anodes", name="Anode material", minerals="Natural Graphite,lithium")
    supplier = make_supplier(status="active", categories=[anodes])
    campaign = new_campaign(compliance, template="EMRT", minerals=["Graphite"], scope_by_minerals=True)
    assert list(campaigns.in_scope_suppliers(campaign)) == [supplier]


def test_a_campaign_opens_only_once(compliance):
    campaign = new_campaign(compliance, tiers=[1])
    campaigns.open_campaign(campaign, actor=compliance)
    with pytest.raises(RuleViolation, match="draft"):
        campaigns.open_campaign(campaign, actor=compliance)


def test_a_supplier_added_to_an_open_campaign_is_asked_at_once(
    compliance, supplier_a, django_capture_on_commit_callbacks
):
    make_contact(supplier_a, email="alpha@example.com")
    campaign = new_campaign(compliance, tiers=[3])
    campaigns.open_campaign(campaign, actor=compliance)
    with django_capture_on_commit_callbacks(execute=True):
        request_obj = campaigns.add_supplier(campaign, supplier_a, actor=compliance)
    assert request_obj.status == R.REQUESTED
    assert mail.outbox[-1].to == ["alpha@example.com"]
    with pytest.raises(RuleViolation, match="already in this campaign"):
        campaigns.add_supplier(campaign, supplier_a, actor=compliance)


def test_a_supplier_added_to_a_draft_waits_until_the_campaign_opens(compliance, supplier_a):
    campaign = new_campaign(compliance, tiers=[3])
    request_obj = campaigns.add_supplier(campaign, supplier_a, actor=compliance)
    assert request_obj.status == R.NOT_REQUESTED
    campaigns.open_campaign(campaign, actor=compliance)
    request_obj.refresh_from_db()
    assert request_obj.status == R.REQUESTED


def test_a_blacklisted_supplier_cannot_be_asked(compliance):
    banned = make_supplier(status="blacklisted")
    with pytest.raises(RuleViolation, match="cannot be asked"):
        campaigns.add_supplier(new_campaign(compliance, tiers=[1]), banned, actor=compliance)


def test_a_supplier_that_sent_a_file_stays_in_the_campaign(compliance, supplier_a, supplier_b, cmrt65):
    campaign = open_campaign_with(compliance, supplier_a, supplier_b)
    submit(campaign.requests.get(supplier=supplier_a), cmrt_file(cmrt65, "valid"), compliance)
    with pytest.raises(RuleViolation, match="already sent"):
        campaigns.remove_supplier(campaign.requests.get(supplier=supplier_a), actor=compliance)
    campaigns.remove_supplier(campaign.requests.get(supplier=supplier_b), actor=compliance)
    assert list(campaign.requests.values_list("supplier", flat=True)) == [supplier_a.pk]
    assert AuditEvent.objects.filter(action="submission_request.removed", supplier=supplier_b).exists()


def test_progress_counts_statuses_the_response_rate_and_the_overdue(
    compliance, supplier_a, supplier_b, cmrt65
):
    campaign = open_campaign_with(compliance, supplier_a, supplier_b)
    submit(campaign.requests.get(supplier=supplier_a), cmrt_file(cmrt65, "valid"), compliance)
    progress = campaigns.campaign_progress(campaign)
    assert progress["asked"] == 2 and progress["responded"] == 1 and progress["response_rate"] == 50
    statuses = {value: n for value, _label, n in progress["statuses"]}
    assert statuses[R.RECEIVED_VALID] == 1 and statuses[R.REQUESTED] == 1
    assert progress["overdue"] == 0
    late = campaign.due_date + dt.timedelta(days=1)
    assert list(SubmissionRequest.objects.overdue(late).values_list("supplier", flat=True)) == [supplier_b.pk]
    assert campaigns.campaign_progress(campaign, on=late)["overdue"] == 1


# ---------------------------------------------------------------- reminders


@pytest.fixture
def reminder_campaign(compliance, supplier_a):
    make_contact(supplier_a, email="alpha@example.com")
    return open_campaign_with(
        compliance,
        supplier_a,
        due_date=TODAY + dt.timedelta(days=20),
        remind_days_before=7,
        remind_every_days_after=5,
    )


def _run(on, capture):
    """Send reminders as the daily job would that day (the clock too: last_reminded_at is stamped now)."""
    with time_machine.travel(dt.datetime.combine(on, dt.time(9, 0), tzinfo=dt.UTC), tick=False):
        with capture(execute=True):
            return campaigns.send_cmrt_reminders()


def test_a_reminder_goes_out_once_when_the_window_before_the_due_date_starts(
    reminder_campaign, django_capture_on_commit_callbacks
):
    due = reminder_campaign.due_date
    mail.outbox.clear()
    assert _run(due - dt.timedelta(days=8), django_capture_on_commit_callbacks) == 0
    assert _run(due - dt.timedelta(days=7), django_capture_on_commit_callbacks) == 1
    assert "提醒" in mail.outbox[-1].subject and mail.outbox[-1].to == ["alpha@example.com"]  # China: Chinese
    assert _run(due - dt.timedelta(days=7), django_capture_on_commit_callbacks) == 0  # same day again
    assert _run(due - dt.timedelta(days=2), django_capture_on_commit_callbacks) == 0  # already reminded
    assert len(mail.outbox) == 1
    request_obj = reminder_campaign.requests.get()
    assert request_obj.last_reminded_at is not None
    assert (
        AuditEvent.objects.filter(action="submission_request.reminded", supplier=request_obj.supplier).count()
        == 1
    )


def test_overdue_requests_are_reminded_every_n_days(reminder_campaign, django_capture_on_commit_callbacks):
    due = reminder_campaign.due_date
    request_obj = reminder_campaign.requests.get()
    assert _run(due + dt.timedelta(days=1), django_capture_on_commit_callbacks) == 1
    assert "已逾期" in mail.outbox[-1].subject
    assert _run(due + dt.timedelta(days=3), django_capture_on_commit_callbacks) == 0
    assert _run(due + dt.timedelta(days=6), django_capture_on_commit_callbacks) == 1
    request_obj.refresh_from_db()
    assert request_obj.last_reminded_at.date() == due + dt.timedelta(days=6)


def test_accepted_and_valid_declarations_are_not_reminded(
    reminder_campaign, compliance, cmrt65, django_capture_on_commit_callbacks
):
    request_obj = reminder_campaign.requests.get()
    submit(request_obj, cmrt_file(cmrt65, "valid"), compliance)
    assert _run(reminder_campaign.due_date + dt.timedelta(days=1), django_capture_on_commit_callbacks) == 0


def test_the_reminder_command_reports_what_it_sent(reminder_campaign, capsys):
    due = reminder_campaign.due_date
    call_command("send_cmrt_reminders", "--date", (due - dt.timedelta(days=7)).isoformat())
    assert "1 reminder(s) sent." in capsys.readouterr().out


def test_the_reminder_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="not a date") as caught:
        call_command("send_cmrt_reminders", "--date", "tomorrow")
    assert caught.value.returncode == 2


# ---------------------------------------------------------------- review queue


@pytest.fixture
def china_tin(db):
    return Smelter.objects.create(
        cid="CID001070", metal="Tin", standard_name="China Tin Group Co., Ltd.", country="CHINA"
    )


@pytest.fixture
def queued(compliance, supplier_a, cmrt65, china_tin):
    campaign = open_campaign_with(compliance, supplier_a)
    submit(campaign.requests.get(supplier=supplier_a), cmrt_file(cmrt65, "valid"), compliance)
    return campaign


def test_confirming_a_name_makes_an_alias_and_identifies_the_stored_rows(
    queued, compliance, china_tin, supplier_b, cmrt65
):
    review = SmelterReview.objects.get(name=UNKNOWN_SMELTER)
    updated = campaigns.confirm_smelter_review(review, cid="cid1070", actor=compliance)
    review.refresh_from_db()
    assert updated == 1
    assert review.status == SmelterReview.Status.CONFIRMED and review.decided_smelter == china_tin
    assert SmelterAlias.objects.filter(smelter=china_tin, name=UNKNOWN_SMELTER, source="confirmed").exists()
    row = queued.requests.get().submissions.get().smelter_rows.get(row=6)
    assert (row.cid, row.matched_by) == ("CID001070", "alias")
    assert AuditEvent.objects.filter(action="smelter_review.confirmed").exists()
    # A later file with the same name is identified by the alias, without the queue.
    campaigns.add_supplier(queued, supplier_b, actor=compliance)
    later = submit(queued.requests.get(supplier=supplier_b), cmrt_file(cmrt65, "valid"), compliance)
    assert later.smelter_rows.get(row=6).cid == "CID001070"
    review.refresh_from_db()
    assert review.occurrences == 1


def test_a_name_cannot_be_confirmed_as_a_smelter_of_another_metal(queued, compliance):
    Smelter.objects.create(
        cid="CID000015", metal="Gold", standard_name="Advanced Chemical Company", country="USA"
    )
    review = SmelterReview.objects.get(name=FUZZY_SMELTER)
    with pytest.raises(RuleViolation, match="not a Tin smelter"):
        campaigns.confirm_smelter_review(review, cid="CID000015", actor=compliance)
    review.refresh_from_db()
    assert review.status == SmelterReview.Status.PENDING


def test_a_rejected_name_stays_decided(queued, compliance):
    review = SmelterReview.objects.get(name=UNKNOWN_SMELTER)
    campaigns.reject_smelter_review(review, actor=compliance)
    review.refresh_from_db()
    assert review.status == SmelterReview.Status.REJECTED and review.decided_by == compliance
    with pytest.raises(RuleViolation, match="already decided"):
        campaigns.confirm_smelter_review(review, cid="CID001070", actor=compliance)
