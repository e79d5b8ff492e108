"""Internal questionnaire pages and API: campaigns, status per supplier, the review of a response."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from supplyesg.assessments import offline, questionnaires
from supplyesg.assessments.models import QuestionnaireCampaign, Response, RiskAssessment
from supplyesg.core.models import AuditEvent
from tests.assessments.factories_assessments import (
    GOOD_ANSWERS,
    api_url,
    make_campaign,
    make_response,
    make_template,
    urlpatterns_with_assessments,
)
from tests.factories import PDF_BYTES, make_supplier
from tests.paging import assert_deep_pages_are_the_forward_pages

urlpatterns = urlpatterns_with_assessments()
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
S = Response.Status
TODAY = dt.date.today()


@pytest.fixture
def template():
    return make_template()


@pytest.fixture
def campaign(template):
    return make_campaign(template, name="ESG self-assessment 2026")


@pytest.fixture
def response_a(supplier_a, campaign):
    return make_response(supplier_a, campaign)


@pytest.fixture
def submitted(response_a, supplier_a_user):
    questionnaires.save_draft(
        response_a, GOOD_ANSWERS, {"MS-7": SimpleUploadedFile("policy.pdf", PDF_BYTES)}, actor=supplier_a_user
    )
    questionnaires.submit_response(response_a, actor=supplier_a_user)
    response_a.refresh_from_db()
    return response_a


def page_urls(campaign, response):
    return [
        reverse("assessments:campaigns"),
        reverse("assessments:campaign_create"),
        reverse("assessments:campaign_detail", args=[campaign.pk]),
        reverse("assessments:response_detail", args=[response.pk]),
        reverse("assessments:response_workbook", args=[response.pk]),
    ]


def write_urls(campaign, response):
    return [
        reverse("assessments:campaign_create"),
        reverse("assessments:campaign_open", args=[campaign.pk]),
        reverse("assessments:campaign_close", args=[campaign.pk]),
        reverse("assessments:campaign_add_supplier", args=[campaign.pk]),
        reverse("assessments:response_accept", args=[response.pk]),
        reverse("assessments:response_return", args=[response.pk]),
        reverse("assessments:response_recompute", args=[response.pk]),
        reverse("assessments:response_upload", args=[response.pk]),
    ]


# ---------------------------------------------------------------- who may do what


def test_anonymous_visitors_are_sent_to_log_in(client_for, campaign, response_a):
    for url in page_urls(campaign, response_a):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_supplier_users_get_404_on_every_internal_page_and_action(
    client_for, supplier_a_user, campaign, response_a
):
    client = client_for(supplier_a_user)
    for url in page_urls(campaign, response_a):
        assert client.get(url).status_code == 404, url
    for url in write_urls(campaign, response_a):
        assert client.post(url).status_code == 404, url


def test_read_only_roles_see_the_pages_but_get_403_on_every_change(
    client_for, viewer, procurement, campaign, response_a
):
    for user in (viewer, procurement):
        client = client_for(user)
        for url in page_urls(campaign, response_a):
            if url.endswith("/new/"):
                continue
            assert client.get(url).status_code == 200, url
        for url in write_urls(campaign, response_a):
            assert client.post(url).status_code == 403, url
    assert not AuditEvent.objects.exists()


def test_unknown_ids_answer_404(client_for, compliance):
    assert client_for(compliance).get(reverse("assessments:campaign_detail", args=[999])).status_code == 404
    assert client_for(compliance).get(reverse("assessments:response_detail", args=[999])).status_code == 404


# ---------------------------------------------------------------- campaigns


def test_compliance_creates_a_campaign_for_high_risk_tier_2_suppliers(client_for, compliance, template):
    response = client_for(compliance).post(
        reverse("assessments:campaign_create"),
        {
            "template": template.pk,
            "name": "High-risk tier 2",
            "due_date": (TODAY + dt.timedelta(days=20)).isoformat(),
            "remind_days_before": 5,
            "remind_every_days_after": 3,
            "tiers": ["2"],
            "risk_levels": ["high"],
        },
    )
    campaign = QuestionnaireCampaign.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/campaigns/{campaign.pk}/")
    assert campaign.scope["tiers"] == [2] and campaign.scope["risk_levels"] == ["high"]
    assert AuditEvent.objects.filter(action="questionnaire_campaign.created", actor=compliance).exists()


def test_a_campaign_without_scope_shows_the_error_and_creates_nothing(client_for, compliance, template):
    response = client_for(compliance).post(
        reverse("assessments:campaign_create"),
        {
            "template": template.pk,
            "name": "No scope",
            "due_date": (TODAY + dt.timedelta(days=20)).isoformat(),
            "remind_days_before": 5,
            "remind_every_days_after": 3,
        },
    )
    assert response.status_code == 400
    assert "choose tiers, categories, risk levels, or every approved supplier" in response.content.decode()
    assert not QuestionnaireCampaign.objects.exists()


def test_a_past_due_date_is_reported_beside_the_field(client_for, compliance, template):
    response = client_for(compliance).post(
        reverse("assessments:campaign_create"),
        {
            "template": template.pk,
            "name": "Late",
            "due_date": "2001-01-01",
            "remind_days_before": 5,
            "remind_every_days_after": 3,
            "all_suppliers": "on",
        },
    )
    assert response.status_code == 400 and "the due date is in the past" in response.content.decode()


def test_opening_a_draft_campaign_asks_the_suppliers_in_scope(client_for, compliance, template):
    supplier = make_supplier(status="active", tier=1)
    draft = make_campaign(template, status=QuestionnaireCampaign.Status.DRAFT, scope={"tiers": [1]})
    page = (
        client_for(compliance).get(reverse("assessments:campaign_detail", args=[draft.pk])).content.decode()
    )
    assert "1 approved supplier is in scope." in page
    response = client_for(compliance).post(reverse("assessments:campaign_open", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "open" and draft.responses.get().supplier == supplier


def test_opening_an_open_campaign_shows_the_rule_instead_of_failing(client_for, compliance, campaign):
    response = client_for(compliance).post(
        reverse("assessments:campaign_open", args=[campaign.pk]), follow=True
    )
    assert response.status_code == 200 and "Only a draft campaign can be opened." in response.content.decode()


def test_the_campaign_page_shows_status_per_supplier_and_who_is_overdue(
    client_for, auditor, template, supplier_a, supplier_b
):
    campaign = make_campaign(template, due_date=TODAY + dt.timedelta(days=3))
    make_response(supplier_a, campaign, status=S.SUBMITTED)
    make_response(supplier_b, campaign, status=S.DRAFT)
    QuestionnaireCampaign.objects.filter(pk=campaign.pk).update(due_date=TODAY - dt.timedelta(days=2))
    page = (
        client_for(auditor).get(reverse("assessments:campaign_detail", args=[campaign.pk])).content.decode()
    )
    assert "Alpha Cable" in page and "Beta Solder" in page
    overdue = page.split('id="overdue"')[1]
    assert "Beta Solder" in overdue and "Alpha Cable" not in overdue
    listing = client_for(auditor).get(reverse("assessments:campaigns")).content.decode()
    assert campaign.name in listing


def test_the_responses_table_filters_with_htmx(client_for, compliance, campaign, supplier_a, supplier_b):
    make_response(supplier_a, campaign, status=S.SUBMITTED)
    make_response(supplier_b, campaign)
    response = client_for(compliance).get(
        reverse("assessments:campaign_detail", args=[campaign.pk]),
        {"status": "submitted"},
        headers={"HX-Request": "true", "HX-Target": "responses"},
    )
    html = response.content.decode()
    assert html.startswith('<div id="responses">') and "Alpha Cable" in html and "Beta Solder" not in html


def test_a_supplier_is_added_by_its_code(client_for, compliance, campaign, supplier_b):
    client = client_for(compliance)
    client.post(reverse("assessments:campaign_add_supplier", args=[campaign.pk]), {"code": supplier_b.code})
    assert campaign.responses.filter(supplier=supplier_b).exists()
    response = client.post(
        reverse("assessments:campaign_add_supplier", args=[campaign.pk]), {"code": "NOPE"}, follow=True
    )
    assert "No supplier has the code NOPE." in response.content.decode()


# ---------------------------------------------------------------- review


def test_the_review_page_shows_answers_evidence_and_the_score_arithmetic(client_for, auditor, submitted):
    page = (
        client_for(auditor).get(reverse("assessments:response_detail", args=[submitted.pk])).content.decode()
    )
    assert "Do you have a written code of conduct?" in page and "ISO 14001" in page
    assert "policy.pdf" in page
    assert 'id="overall-score"' in page and "How the scores were worked out" in page
    assert "MS-1 Do you have a written code of conduct?: answer Yes → 100 × weight 2 = 200" in page
    assert 'name="comment-MS-4"' in page  # an auditor may return


def test_the_evidence_is_downloaded_by_internal_users(client_for, viewer, submitted):
    answer = submitted.answers.get(question__code="MS-7")
    response = client_for(viewer).get(
        reverse("assessments:response_evidence", args=[submitted.pk, answer.pk])
    )
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert 'filename="policy.pdf"' in response["Content-Disposition"]


def test_a_reviewer_returns_one_answer_with_a_comment(client_for, compliance, submitted):
    response = client_for(compliance).post(
        reverse("assessments:response_return", args=[submitted.pk]),
        {"comment-MS-4": "This is last year's figure.", "comment-MS-1": "", "comment": "Please check."},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED and submitted.review_comment == "Please check."
    flagged = list(
        submitted.answers.filter(needs_work=True).values_list("question__code", "reviewer_comment")
    )
    assert flagged == [("MS-4", "This is last year's figure.")]
    assert AuditEvent.objects.filter(
        action="questionnaire_response.returned", supplier=submitted.supplier
    ).exists()


def test_returning_without_any_comment_is_refused_with_400(client_for, compliance, submitted):
    response = client_for(compliance).post(reverse("assessments:response_return", args=[submitted.pk]), {})
    assert response.status_code == 400
    assert "write a comment on each answer that needs work" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_accepting_updates_the_supplier_risk_level_shown_on_the_review_page(
    client_for, compliance, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(compliance).post(
            reverse("assessments:response_accept", args=[submitted.pk]), {"comment": "Complete."}
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.ACCEPTED
    assessment = RiskAssessment.objects.current().get(supplier=submitted.supplier)
    page = (
        client_for(compliance)
        .get(reverse("assessments:response_detail", args=[submitted.pk]))
        .content.decode()
    )
    assert 'id="risk-level"' in page and assessment.get_kind_display() in page


def test_accepting_a_draft_is_refused_with_400(client_for, compliance, response_a):
    response = client_for(compliance).post(reverse("assessments:response_accept", args=[response_a.pk]))
    assert (
        response.status_code == 400 and "Only submitted answers can be accepted" in response.content.decode()
    )


def test_recomputing_scores_is_recorded(client_for, compliance, submitted):
    Response.objects.filter(pk=submitted.pk).update(scores={})
    client_for(compliance).post(reverse("assessments:response_recompute", args=[submitted.pk]))
    submitted.refresh_from_db()
    assert submitted.scores["overall"] is not None
    assert AuditEvent.objects.filter(action="questionnaire_response.scored").exists()


def test_staff_enter_a_workbook_the_supplier_sent_by_email(client_for, compliance, response_a):
    from tests.assessments.test_offline import workbook_with

    data = workbook_with(response_a, {"MS-1": "yes", "MS-4": "lots"})
    response = client_for(compliance).post(
        reverse("assessments:response_upload", args=[response_a.pk]),
        {"file": SimpleUploadedFile("filled.xlsx", data)},
        follow=True,
    )
    html = response.content.decode()
    assert "1 answer(s) from the workbook were saved as a draft." in html
    assert "Answers!E5: MS-4 Annual electricity use: Enter a number" in html
    assert questionnaires.answer_values(response_a) == {"MS-1": "yes"}


def test_a_workbook_that_is_not_an_xlsx_is_refused_beside_the_field(client_for, compliance, response_a):
    response = client_for(compliance).post(
        reverse("assessments:response_upload", args=[response_a.pk]),
        {"file": SimpleUploadedFile("filled.xlsx", b"plain text")},
    )
    assert response.status_code == 400 and "is not a .xlsx file" in response.content.decode()


def test_the_workbook_download_is_an_xlsx_named_after_the_supplier(client_for, viewer, response_a):
    response = client_for(viewer).get(reverse("assessments:response_workbook", args=[response_a.pk]))
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert offline.file_name(response_a) in response["Content-Disposition"]


# ---------------------------------------------------------------- API (staff)


def test_the_api_lists_campaigns_for_staff_only(client_for, viewer, supplier_a_user, campaign):
    body = client_for(viewer).get(api_url("assessments_campaigns")).json()
    assert body["count"] == 1 and body["items"][0]["name"] == "ESG self-assessment 2026"
    assert client_for(supplier_a_user).get(api_url("assessments_campaigns")).status_code == 404
    assert client_for(None).get(api_url("assessments_campaigns")).status_code == 401


def test_deep_pages_of_campaigns_and_responses_are_the_pages_the_forward_reading_gives(client_for, viewer, template):
    at = timezone.now()
    made = [make_campaign(template, created_at=at - dt.timedelta(days=n % 3)) for n in range(11)]
    client = client_for(viewer)
    assert_deep_pages_are_the_forward_pages(client, api_url("assessments_campaigns"), total=11)
    for n in range(11):  # two campaigns created at the same moment, supplier names tied in fours
        supplier = make_supplier(legal_name=f"Tied Textiles {n % 4}")
        make_response(supplier, made[3 * (n % 2)], status=S.DRAFT if n % 3 == 1 else S.SUBMITTED)
    assert_deep_pages_are_the_forward_pages(client, api_url("assessments_responses"), total=11)
    assert_deep_pages_are_the_forward_pages(client, api_url("assessments_responses") + "?status=submitted", total=7)


def test_the_api_gives_staff_a_response_with_answers_and_scores(client_for, viewer, submitted):
    body = client_for(viewer).get(api_url("assessments_response", submitted.pk)).json()
    answers = {a["question"]: a for a in body["answers"]}
    assert answers["MS-4"]["value"] == 800 and answers["LAB-2"]["shown"] is False
    assert body["scores"]["overall"] == submitted.scores["overall"]


def test_staff_cannot_answer_through_the_api(client_for, compliance, viewer, response_a):
    for user in (compliance, viewer):
        response = client_for(user).post(
            api_url("assessments_answer", response_a.pk),
            {"answers": {"MS-1": "yes"}},
            content_type="application/json",
        )
        assert response.status_code == 403
    assert not response_a.answers.exists()
