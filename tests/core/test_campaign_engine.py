"""The campaign engine (core.campaigns) with both real kinds: CMRT/EMRT requests and questionnaires."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.urls import reverse

from supplyesg.assessments.models import QuestionnaireCampaign, Response
from supplyesg.core.campaigns import progress, services
from supplyesg.core.campaigns.registry import Stage, campaign_kind, campaign_kinds, kind_of
from supplyesg.core.campaigns.scope import Scope, select_suppliers
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent
from supplyesg.minerals.campaigns import services as minerals_campaigns
from supplyesg.minerals.models import Campaign, SubmissionRequest
from supplyesg.suppliers.models import Supplier
from tests.assessments.factories_assessments import make_campaign as make_questionnaire_campaign
from tests.assessments.factories_assessments import make_response
from tests.factories import make_category, make_contact, make_supplier

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
DUE = TODAY + dt.timedelta(days=30)
R = SubmissionRequest.Status
S = Response.Status


@pytest.fixture
def minerals():
    return campaign_kind("minerals")


@pytest.fixture
def questionnaires():
    return campaign_kind("questionnaires")


def cmrt_campaign(actor, **overrides):
    values = {
        "name": "CMRT 2025",
        "reporting_year": 2025,
        "template": "CMRT",
        "minerals": ["Tin"],
        "due_date": DUE,
        "tiers": [1],
    }
    values.update(overrides)
    return minerals_campaigns.create_campaign(actor=actor, **values)


def tier_one(name, **kwargs):
    supplier = make_supplier(legal_name=name, status="active", tier=1, **kwargs)
    make_contact(supplier, email=f"{supplier.code.lower()}@example.com")
    return supplier


def test_both_kinds_are_registered_and_found_from_their_models():
    assert {"minerals", "questionnaires"} <= {k.key for k in campaign_kinds()}
    assert kind_of(SubmissionRequest).key == "minerals"
    assert kind_of(QuestionnaireCampaign).key == "questionnaires"
    with pytest.raises(LookupError):
        campaign_kind("amrt-not-yet")


def test_a_scope_takes_suppliers_matching_every_criterion_plus_those_named_by_hand():
    cables = make_category(code="cables", name="Cables")
    cn_cables = make_supplier(status="active", tier=1, country="CN", categories=[cables])
    make_supplier(status="active", tier=1, country="MY", categories=[cables])  # wrong country
    make_supplier(status="active", tier=2, country="CN", categories=[cables])  # wrong tier
    make_supplier(status="prospect", tier=1, country="CN", categories=[cables])  # not approved
    named = make_supplier(status="active", tier=3, country="DE")
    scope = Scope(tiers=[1], countries=["cn"], category_codes=["cables"], supplier_ids=[named.pk])
    chosen = select_suppliers(Supplier.objects.approved(), scope)
    assert sorted(chosen.values_list("pk", flat=True)) == sorted([cn_cables.pk, named.pk])


def test_an_empty_category_criterion_asks_nobody_rather_than_everybody():
    make_supplier(status="active", tier=1)
    assert not select_suppliers(Supplier.objects.approved(), Scope(category_ids=[])).exists()
    assert not select_suppliers(Supplier.objects.approved(), Scope()).exists()
    assert select_suppliers(Supplier.objects.approved(), Scope(everyone=True)).count() == 1


def test_sending_again_asks_only_the_newcomers_and_e_mails_each_supplier_once(
    compliance, minerals, django_capture_on_commit_callbacks
):
    first = tier_one("First Tin Co.")
    campaign = cmrt_campaign(compliance)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.open_campaign(minerals, campaign, actor=compliance) == 1
    newcomer = tier_one("Newly Approved Tin Co.")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_to_newcomers(minerals, campaign, actor=compliance) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_to_newcomers(minerals, campaign, actor=compliance) == 0
    assert sorted(campaign.requests.values_list("supplier_id", flat=True)) == sorted([first.pk, newcomer.pk])
    assert [m.to for m in mail.outbox] == [[first.contacts.get().email], [newcomer.contacts.get().email]]
    assert campaign.requests.get(supplier=newcomer).status == R.REQUESTED
    assert AuditEvent.objects.filter(action="campaign.sent_to_newcomers").count() == 1


def test_newcomers_are_sent_only_in_an_open_campaign(compliance, minerals):
    with pytest.raises(RuleViolation, match="Only an open campaign"):
        services.send_to_newcomers(minerals, cmrt_campaign(compliance), actor=compliance)


def test_a_questionnaire_campaign_sent_again_never_makes_a_second_response(compliance, questionnaires):
    campaign = make_questionnaire_campaign(status=QuestionnaireCampaign.Status.DRAFT, scope={"all": True})
    asked = tier_one("Asked Co.")
    services.open_campaign(questionnaires, campaign, actor=compliance)
    later = tier_one("Later Co.")
    assert services.send_to_newcomers(questionnaires, campaign, actor=compliance) == 1
    assert services.send_to_newcomers(questionnaires, campaign, actor=compliance) == 0
    assert sorted(campaign.responses.values_list("supplier_id", flat=True)) == sorted([asked.pk, later.pk])
    with pytest.raises(RuleViolation, match="already in this campaign"):
        services.add_supplier(questionnaires, campaign, later, actor=compliance)


def test_reminders_go_out_on_the_configured_days_and_stop_once_the_file_is_in(compliance, minerals):
    supplier = tier_one("Reminded Tin Co.")
    campaign = cmrt_campaign(compliance, remind_days_before=14, remind_every_days_after=7)
    services.open_campaign(minerals, campaign, actor=compliance)
    sent = {}
    for offset in range(-16, 12):  # from 16 days before the due date to 11 days after it, one run a day
        day = DUE + dt.timedelta(days=offset)
        sent[offset] = services.send_reminders(minerals, day)
    assert [offset for offset, n in sent.items() if n] == [-14, 1, 8]
    reasons = list(
        AuditEvent.objects.filter(action="submission_request.reminded").order_by("pk").values_list("changes", flat=True)
    )
    assert [r["reminder"][1] for r in reasons] == ["before", "overdue", "overdue"]
    SubmissionRequest.objects.filter(supplier=supplier).update(status=R.RECEIVED_VALID)
    assert services.send_reminders(minerals, DUE + dt.timedelta(days=30)) == 0


def test_progress_figures_match_a_hand_count_of_cmrt_requests(compliance, minerals):
    statuses = [R.REQUESTED, R.RECEIVED_ERRORS, R.RETURNED, R.RECEIVED_VALID, R.ACCEPTED]
    suppliers = [tier_one(f"Supplier {n}") for n in range(len(statuses))]
    campaign = cmrt_campaign(compliance)
    services.open_campaign(minerals, campaign, actor=compliance)
    for supplier, status in zip(suppliers, statuses, strict=True):
        campaign.requests.filter(supplier=supplier).update(status=status)
    figures = progress.campaign_progress(minerals, campaign)
    # sent 5; opened 4 (all but the one still "requested"); in progress: errors + returned; 4 responded of 5
    assert (figures["sent"], figures["opened"], figures["in_progress"]) == (5, 4, 2)
    assert (figures["submitted"], figures["accepted"], figures["responded"]) == (1, 1, 4)
    assert figures["response_rate"] == 80
    assert figures["overdue"] == 0
    late = progress.campaign_progress(minerals, campaign, on=DUE + dt.timedelta(days=1))
    assert late["overdue"] == 3  # requested, received with errors, returned: still with the supplier


def test_progress_figures_match_a_hand_count_of_questionnaires(compliance, questionnaires):
    campaign = make_questionnaire_campaign()
    for status in (S.NOT_STARTED, S.DRAFT, S.SUBMITTED, S.ACCEPTED):
        make_response(make_supplier(status="active"), campaign, status=status)
    figures = progress.campaign_progress(questionnaires, campaign)
    assert (figures["sent"], figures["opened"], figures["in_progress"]) == (4, 3, 1)
    assert (figures["submitted"], figures["accepted"], figures["responded"]) == (1, 1, 2)
    assert figures["response_rate"] == 50
    assert figures["stages"][Stage.SENT] == 1


def test_a_draft_campaign_has_sent_nothing_and_has_no_response_rate(compliance, minerals):
    supplier = tier_one("Not Yet Asked Co.")
    campaign = cmrt_campaign(compliance)
    services.add_supplier(minerals, campaign, supplier, actor=compliance)
    figures = progress.campaign_progress(minerals, campaign)
    assert (figures["total"], figures["sent"], figures["response_rate"]) == (1, 0, None)
    assert campaign.requests.get().status == R.NOT_REQUESTED


def test_a_request_is_overdue_only_while_it_is_still_with_the_supplier_after_the_due_date(compliance, minerals):
    waiting, done = tier_one("Waiting Co."), tier_one("Done Co.")
    campaign = cmrt_campaign(compliance)
    services.open_campaign(minerals, campaign, actor=compliance)
    campaign.requests.filter(supplier=done).update(status=R.ACCEPTED)
    after = DUE + dt.timedelta(days=3)
    assert list(SubmissionRequest.objects.overdue(after).values_list("supplier", flat=True)) == [waiting.pk]
    assert not SubmissionRequest.objects.overdue(DUE).exists()
    request_obj = SubmissionRequest.objects.get(supplier=waiting)
    assert progress.due(request_obj, after) == progress.Due("overdue", 3)
    assert progress.due(request_obj, DUE - dt.timedelta(days=5)) == progress.Due("due", 5)
    assert progress.due(SubmissionRequest.objects.get(supplier=done), after) == progress.Due("", None)


def test_portal_to_dos_of_supplier_a_never_mention_supplier_b(
    compliance, minerals, questionnaires, supplier_a, supplier_b, supplier_a_user, supplier_b_user
):
    nobody = make_category(code="nobody", name="No supplier here")
    own = cmrt_campaign(compliance, name="Alpha's CMRT", tiers=[], categories=[nobody])
    minerals_campaigns.add_supplier(own, supplier_a, actor=compliance)
    other = cmrt_campaign(compliance, name="Beta only CMRT", tiers=[], categories=[nobody])
    minerals_campaigns.add_supplier(other, supplier_b, actor=compliance)
    for campaign in (own, other):
        services.open_campaign(minerals, campaign, actor=compliance)
    make_response(supplier_a, make_questionnaire_campaign(name="Alpha's questionnaire"))
    make_response(supplier_b, make_questionnaire_campaign(name="Beta only questionnaire"))

    a_todos = progress.portal_todos(minerals, supplier_a_user) + progress.portal_todos(questionnaires, supplier_a_user)
    b_todos = progress.portal_todos(minerals, supplier_b_user) + progress.portal_todos(questionnaires, supplier_b_user)
    assert [t.split(":")[0] for t in a_todos] == ["Alpha's CMRT", "Alpha's questionnaire"]
    assert [t.split(":")[0] for t in b_todos] == ["Beta only CMRT", "Beta only questionnaire"]
    assert progress.portal_todos(minerals, AnonymousUser()) == []


def test_a_closed_campaign_reminds_nobody_and_cannot_be_closed_twice(compliance, minerals):
    tier_one("Closed Co.")
    campaign = cmrt_campaign(compliance)
    services.open_campaign(minerals, campaign, actor=compliance)
    services.close_campaign(minerals, campaign, actor=compliance)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.CLOSED
    assert services.send_reminders(minerals, DUE + dt.timedelta(days=1)) == 0
    with pytest.raises(RuleViolation, match="already closed"):
        services.close_campaign(minerals, campaign, actor=compliance)


def test_the_campaign_page_asks_suppliers_new_in_the_scope_once(compliance, viewer, client_for, minerals):
    tier_one("Asked First Co.")
    campaign = cmrt_campaign(compliance)
    minerals_campaigns.open_campaign(campaign, actor=compliance)
    newcomer = tier_one("Approved Later Co.")
    url = reverse("minerals:campaign_send_newcomers", args=[campaign.pk])
    assert client_for(viewer).post(url).status_code == 403
    page = client_for(compliance).post(url, follow=True).content.decode()
    assert "1 supplier(s) new in the scope were asked." in page
    assert campaign.requests.filter(supplier=newcomer, status=R.REQUESTED).exists()
    again = client_for(compliance).post(url, follow=True).content.decode()
    assert "nobody was asked twice" in again
    assert campaign.requests.count() == 2


def test_a_campaign_with_impossible_reminder_days_is_refused_naming_the_field(compliance):
    with pytest.raises(RuleViolation) as caught:
        cmrt_campaign(compliance, remind_days_before=-1, remind_every_days_after="weekly")
    assert caught.value.messages == [
        "remind_days_before: give a number of days from 0 to 365.",
        "remind_every_days_after: give a number of days from 0 to 365.",
    ]
    assert not Campaign.objects.exists()


def test_the_questionnaire_campaign_page_asks_suppliers_new_in_the_scope_once(compliance, viewer, client_for):
    from supplyesg.assessments import questionnaires

    tier_one("Answered First Co.")
    campaign = make_questionnaire_campaign(status=QuestionnaireCampaign.Status.DRAFT)
    questionnaires.open_campaign(campaign, actor=compliance)
    assert campaign.responses.count() == 1
    newcomer = tier_one("Approved Later Co.")
    url = reverse("assessments:campaign_send_newcomers", args=[campaign.pk])
    detail = client_for(compliance).get(reverse("assessments:campaign_detail", args=[campaign.pk])).content.decode()
    assert url in detail  # the button is on the open campaign's page

    assert client_for(viewer).post(url).status_code == 403
    assert campaign.responses.count() == 1
    page = client_for(compliance).post(url, follow=True).content.decode()
    assert "1 supplier(s) new in the scope were asked." in page
    assert campaign.responses.filter(supplier=newcomer).exists()
    again = client_for(compliance).post(url, follow=True).content.decode()
    assert "nobody was asked twice" in again
    assert campaign.responses.count() == 2
    assert AuditEvent.objects.filter(action="questionnaire_campaign.sent_to_newcomers").count() == 1  # asking nobody is no event
