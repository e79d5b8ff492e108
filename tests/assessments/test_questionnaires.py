"""Questionnaire services: campaigns and their scope, drafts, submission, review, scores, reminders."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from supplyesg.assessments import access as assessment_access
from supplyesg.assessments import questionnaires
from supplyesg.assessments.models import Answer, QuestionnaireCampaign, Response, RiskAssessment
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent, PolicySettings
from tests.assessments.factories_assessments import (
    GOOD_ANSWERS,
    make_answer,
    make_campaign,
    make_response,
    make_template,
)
from tests.factories import PDF_BYTES, make_category, make_contact, make_supplier

pytestmark = pytest.mark.django_db
S = Response.Status
TODAY = dt.date.today()


@pytest.fixture
def template():
    return make_template()


@pytest.fixture
def response(supplier_a, template):
    return make_response(supplier_a, make_campaign(template))


def answers_of(response):
    return {a.question.code: a.value for a in response.answers.select_related("question")}


def new_campaign(actor, template, **kwargs):
    kwargs.setdefault("name", "Self-assessment 2026")
    kwargs.setdefault("due_date", TODAY + dt.timedelta(days=30))
    return questionnaires.create_campaign(actor=actor, template=template, **kwargs)


def assess(supplier, level, year=None, **kwargs):
    return RiskAssessment.objects.create(
        supplier=supplier, year=year or TODAY.year, overall_score=50, computed_level=level, **kwargs
    )


# ---------------------------------------------------------------- campaigns


def test_a_campaign_is_created_as_a_draft_with_its_scope_and_an_audit_row(compliance, template):
    pcba = make_category(code="pcba")
    campaign = new_campaign(compliance, template, tiers=[1, 2], categories=[pcba], risk_levels=["high"])
    assert campaign.status == QuestionnaireCampaign.Status.DRAFT
    assert campaign.scope == {"all": False, "tiers": [1, 2], "categories": ["pcba"], "risk_levels": ["high"]}
    assert AuditEvent.objects.for_object(campaign).get().action == "questionnaire_campaign.created"


def test_a_campaign_without_a_scope_or_name_or_future_due_date_is_refused_naming_each_field(
    compliance, template
):
    with pytest.raises(RuleViolation) as caught:
        questionnaires.create_campaign(
            actor=compliance, template=template, name=" ", due_date=TODAY - dt.timedelta(days=1)
        )
    text = " ".join(caught.value.messages)
    assert "name:" in text and "due_date:" in text and "scope:" in text
    assert not QuestionnaireCampaign.objects.exists()


def test_unknown_risk_levels_and_categories_are_refused(compliance, template):
    with pytest.raises(RuleViolation) as caught:
        new_campaign(compliance, template, risk_levels=["extreme"], categories=["nope"])
    assert any("risk_levels:" in m for m in caught.value.messages)
    assert any("categories:" in m and "nope" in m for m in caught.value.messages)


def test_scope_combines_tiers_categories_and_the_latest_current_risk_level(compliance, template):
    pcba = make_category(code="pcba")
    hit = make_supplier(status="active", tier=2, categories=[pcba])
    wrong_tier = make_supplier(status="active", tier=1, categories=[pcba])
    low_now = make_supplier(status="active", tier=2, categories=[pcba])
    never_assessed = make_supplier(status="active", tier=2, categories=[pcba])
    prospect = make_supplier(status="prospect", tier=2, categories=[pcba])
    assess(hit, "high")
    assess(wrong_tier, "high")
    assess(low_now, "high", year=TODAY.year - 1)
    assess(low_now, "low")
    assess(prospect, "high")
    overridden = make_supplier(status="active", tier=2, categories=[pcba])
    assess(overridden, "low", override_level="high", override_reason="Press reports")
    campaign = new_campaign(compliance, template, tiers=[2], categories=["pcba"], risk_levels=["high"])
    in_scope = set(questionnaires.in_scope_suppliers(campaign))
    assert in_scope == {hit, overridden}
    assert never_assessed not in in_scope


def test_all_suppliers_means_every_approved_one(compliance, template):
    active = make_supplier(status="active")
    qualified = make_supplier(status="qualified")
    make_supplier(status="blacklisted")
    campaign = new_campaign(compliance, template, all_suppliers=True)
    assert set(questionnaires.in_scope_suppliers(campaign)) == {active, qualified}


def test_opening_a_campaign_creates_one_response_per_supplier_and_emails_them_on_commit(
    compliance, template, django_capture_on_commit_callbacks
):
    one = make_supplier(status="active", tier=1)
    make_contact(one, email="esg@one.example")
    two = make_supplier(status="active", tier=1)
    campaign = new_campaign(compliance, template, tiers=[1])
    with django_capture_on_commit_callbacks(execute=True):
        count = questionnaires.open_campaign(campaign, actor=compliance)
    assert count == 2
    assert set(campaign.responses.values_list("supplier", flat=True)) == {one.pk, two.pk}
    assert all(r.status == S.NOT_STARTED for r in campaign.responses.all())
    assert [m.to for m in mail.outbox] == [["esg@one.example"]]
    assert AuditEvent.objects.filter(action="questionnaire_response.requested", supplier=one).count() == 1
    with pytest.raises(RuleViolation):
        questionnaires.open_campaign(campaign, actor=compliance)


def test_a_supplier_added_by_hand_to_an_open_campaign_is_asked(compliance, template, supplier_a):
    campaign = make_campaign(template)
    response = questionnaires.add_supplier(campaign, supplier_a, actor=compliance)
    assert response.status == S.NOT_STARTED
    with pytest.raises(RuleViolation, match="already in this campaign"):
        questionnaires.add_supplier(campaign, supplier_a, actor=compliance)


# ---------------------------------------------------------------- drafts


def test_a_draft_stores_valid_answers_normalised_and_audits_them(response, supplier_a_user):
    result = questionnaires.save_draft(
        response,
        {"MS-1": "是", "MS-4": "1,250 MWh", "MS-3": ["hazwaste", "discharge"]},
        actor=supplier_a_user,
    )
    assert result.ok and sorted(result.saved) == ["MS-1", "MS-3", "MS-4"]
    assert answers_of(response) == {"MS-1": "yes", "MS-4": 1250, "MS-3": ["discharge", "hazwaste"]}
    response.refresh_from_db()
    assert response.status == S.DRAFT
    event = AuditEvent.objects.get(action="questionnaire_response.saved")
    assert event.supplier_id == response.supplier_id and event.changes["MS-4"] == [None, 1250]


def test_a_bad_answer_is_reported_naming_the_question_and_the_rest_is_saved(response, supplier_a_user):
    questionnaires.save_draft(response, {"MS-4": "800"}, actor=supplier_a_user)
    result = questionnaires.save_draft(
        response, {"MS-4": "a lot", "MS-5": "140", "MS-1": "no"}, actor=supplier_a_user
    )
    assert result.saved == ["MS-1"]
    assert set(result.errors) == {"MS-4", "MS-5"}
    assert result.errors["MS-4"].startswith("MS-4 Annual electricity use: ")
    assert "percentage between 0 and 100" in result.errors["MS-5"]
    assert answers_of(response) == {"MS-4": 800, "MS-1": "no"}  # the saved 800 is kept


def test_a_blank_answer_clears_the_saved_one(response, supplier_a_user):
    questionnaires.save_draft(response, {"MS-1": "yes"}, actor=supplier_a_user)
    questionnaires.save_draft(response, {"MS-1": None}, actor=supplier_a_user)
    assert answers_of(response) == {"MS-1": None}


def test_an_answer_to_a_question_hidden_by_its_condition_is_ignored(response, supplier_a_user):
    result = questionnaires.save_draft(response, {"LAB-1": "no", "LAB-2": "Sent home"}, actor=supplier_a_user)
    assert result.saved == ["LAB-1"] and answers_of(response) == {"LAB-1": "no"}
    result = questionnaires.save_draft(
        response, {"LAB-1": "yes", "LAB-2": "Sent home"}, actor=supplier_a_user
    )
    assert answers_of(response) == {"LAB-1": "yes", "LAB-2": "Sent home"}


def test_unknown_question_codes_are_reported(response, supplier_a_user):
    result = questionnaires.save_draft(response, {"ZZ-9": "yes", "MS-1": "yes"}, actor=supplier_a_user)
    assert "ZZ-9" in result.errors and result.saved == ["MS-1"]


def test_evidence_is_stored_per_question_and_a_bad_file_is_reported(response, supplier_a_user):
    good = SimpleUploadedFile("policy.pdf", PDF_BYTES)
    bad = SimpleUploadedFile("fake.pdf", b"not a pdf at all")
    result = questionnaires.save_draft(
        response, {"MS-1": "yes"}, {"MS-7": good, "MS-1": bad}, actor=supplier_a_user
    )
    assert "MS-1" in result.errors and "MS-7" not in result.errors
    ms7 = response.answers.get(question__code="MS-7")
    assert (
        ms7.value == "policy.pdf" and ms7.evidence_name == "policy.pdf" and ms7.evidence.read() == PDF_BYTES
    )
    assert response.answers.get(question__code="MS-1").value == "yes"  # the answer is kept, the file not
    assert not response.answers.get(question__code="MS-1").evidence


def test_removing_evidence_clears_a_file_question(response, supplier_a_user):
    questionnaires.save_draft(
        response, {}, {"MS-7": SimpleUploadedFile("p.pdf", PDF_BYTES)}, actor=supplier_a_user
    )
    questionnaires.save_draft(response, {}, clear=["MS-7"], actor=supplier_a_user)
    answer = response.answers.get(question__code="MS-7")
    assert answer.value is None and not answer.evidence


def test_supplier_b_cannot_write_supplier_a_answers_and_viewers_cannot_either(
    response, supplier_b_user, viewer
):
    with pytest.raises(Http404):
        questionnaires.save_draft(response, {"MS-1": "yes"}, actor=supplier_b_user)
    with pytest.raises(PermissionDenied):
        questionnaires.save_draft(response, {"MS-1": "yes"}, actor=viewer)
    assert not Answer.objects.exists()


def test_answers_cannot_change_once_submitted_or_when_the_campaign_is_closed(response, supplier_a_user):
    Response.objects.filter(pk=response.pk).update(status=S.SUBMITTED)
    with pytest.raises(RuleViolation, match="cannot be changed"):
        questionnaires.save_draft(response, {"MS-1": "yes"}, actor=supplier_a_user)
    Response.objects.filter(pk=response.pk).update(status=S.DRAFT)
    QuestionnaireCampaign.objects.filter(pk=response.campaign_id).update(status="closed")
    with pytest.raises(RuleViolation, match="not open"):
        questionnaires.save_draft(response, {"MS-1": "yes"}, actor=supplier_a_user)


# ---------------------------------------------------------------- submit and review


def fill(response, user, **extra):
    result = questionnaires.save_draft(response, {**GOOD_ANSWERS, **extra}, actor=user)
    assert result.ok, result.errors
    return result


def test_submitting_with_required_answers_missing_names_each_question(response, supplier_a_user):
    questionnaires.save_draft(response, {"MS-1": "yes", "LAB-1": "yes"}, actor=supplier_a_user)
    with pytest.raises(RuleViolation) as caught:
        questionnaires.submit_response(response, actor=supplier_a_user)
    messages = caught.value.messages
    assert "MS-2 Which management system is certified?: answer this question." in messages
    assert any(m.startswith("LAB-2 Describe the remediation") for m in messages)  # shown by LAB-1 = yes
    assert not any(m.startswith("MS-3") for m in messages)  # optional
    response.refresh_from_db()
    assert response.status == S.DRAFT


def test_submitting_stores_the_scores_with_their_arithmetic(response, supplier_a_user):
    fill(response, supplier_a_user)
    questionnaires.submit_response(response, actor=supplier_a_user)
    response.refresh_from_db()
    assert response.status == S.SUBMITTED and response.submitted_at
    scores = response.scores
    assert 0 <= scores["overall"] <= 100
    assert set(scores["sections"]) == {"MS", "LAB"}
    assert set(scores["pillars"]) == {"E", "G", "S"}
    assert "labour" in scores["risk_categories"]
    assert scores["knockout"]["level"] == ""
    assert any(line["question"] == "MS-1" for line in scores["lines"])


def test_a_knockout_answer_caps_the_score_at_the_policy_threshold(response, supplier_a_user):
    policy = PolicySettings.current()
    fill(response, supplier_a_user, **{"LAB-1": "yes", "LAB-2": "Sent to school, wages paid."})
    questionnaires.submit_response(response, actor=supplier_a_user)
    response.refresh_from_db()
    assert response.scores["knockout"]["level"] == "high"
    assert response.scores["overall"] <= float(100 - policy.risk_high_from)


def test_a_reviewer_returns_answers_with_a_comment_on_each_and_the_supplier_is_told(
    response, supplier_a_user, compliance, django_capture_on_commit_callbacks
):
    make_contact(response.supplier, email="esg@alpha.example")
    fill(response, supplier_a_user)
    questionnaires.submit_response(response, actor=supplier_a_user)
    with django_capture_on_commit_callbacks(execute=True):
        questionnaires.return_response(
            response, actor=compliance, comments={"MS-4": "Give the figure for 2025, not 2024.", "MS-1": " "}
        )
    response.refresh_from_db()
    assert response.status == S.RETURNED and response.reviewed_by == compliance
    ms4 = response.answers.get(question__code="MS-4")
    assert ms4.needs_work and ms4.reviewer_comment == "Give the figure for 2025, not 2024."
    assert not response.answers.get(question__code="MS-1").needs_work
    assert "问卷已退回修改" in mail.outbox[-1].subject  # a supplier in China reads Chinese
    event = AuditEvent.objects.get(action="questionnaire_response.returned")
    assert event.supplier_id == response.supplier_id


def test_returning_needs_at_least_one_comment_and_a_submitted_response(response, supplier_a_user, compliance):
    with pytest.raises(RuleViolation, match="Only submitted"):
        questionnaires.return_response(response, actor=compliance, comments={"MS-1": "?"})
    fill(response, supplier_a_user)
    questionnaires.submit_response(response, actor=supplier_a_user)
    with pytest.raises(RuleViolation, match="at least one"):
        questionnaires.return_response(response, actor=compliance, comments={"MS-1": "  "})
    with pytest.raises(RuleViolation, match="no such question"):
        questionnaires.return_response(response, actor=compliance, comments={"XX": "what"})


def test_the_supplier_corrects_a_returned_answer_and_resubmits(response, supplier_a_user, compliance):
    fill(response, supplier_a_user)
    questionnaires.submit_response(response, actor=supplier_a_user)
    questionnaires.return_response(response, actor=compliance, comments={"MS-4": "Wrong year."})
    result = questionnaires.save_draft(response, {"MS-4": "950"}, actor=supplier_a_user)
    assert result.ok
    response.refresh_from_db()
    assert response.status == S.RETURNED  # stays returned until resubmitted
    questionnaires.submit_response(response, actor=supplier_a_user)
    response.refresh_from_db()
    assert response.status == S.SUBMITTED and answers_of(response)["MS-4"] == 950


def test_accepting_clears_the_flags_and_reassesses_the_supplier_risk_on_commit(
    response, supplier_a_user, compliance, django_capture_on_commit_callbacks
):
    fill(response, supplier_a_user)
    questionnaires.submit_response(response, actor=supplier_a_user)
    questionnaires.return_response(response, actor=compliance, comments={"MS-4": "Wrong year."})
    questionnaires.submit_response(response, actor=supplier_a_user)
    with django_capture_on_commit_callbacks(execute=True):
        questionnaires.accept_response(response, actor=compliance, comment="Thanks")
    response.refresh_from_db()
    assert response.status == S.ACCEPTED and response.review_comment == "Thanks"
    assert not response.answers.filter(needs_work=True).exists()
    assessment = RiskAssessment.objects.current().get(supplier=response.supplier)
    assert assessment.kind == RiskAssessment.Kind.AD_HOC
    assert any(row.get("factor") == "questionnaire" for row in assessment.explanation)
    assert AuditEvent.objects.filter(
        action="questionnaire_response.accepted", supplier=response.supplier
    ).exists()


def test_only_reviewers_accept_or_return(response, supplier_a_user, viewer, procurement):
    fill(response, supplier_a_user)
    questionnaires.submit_response(response, actor=supplier_a_user)
    for user in (viewer, procurement, supplier_a_user):
        with pytest.raises(PermissionDenied):
            questionnaires.accept_response(response, actor=user)
        with pytest.raises(PermissionDenied):
            questionnaires.return_response(response, actor=user, comments={"MS-1": "no"})


def test_recomputing_scores_after_a_policy_change_is_recorded(response, supplier_a_user, compliance):
    fill(response, supplier_a_user, **{"LAB-1": "yes", "LAB-2": "Remediated."})
    questionnaires.submit_response(response, actor=supplier_a_user)
    response.refresh_from_db()
    before = response.scores["overall"]
    PolicySettings.objects.filter(pk=1).update(risk_high_from=80)
    questionnaires.recompute_scores(response, actor=compliance)
    response.refresh_from_db()
    assert response.scores["overall"] != before
    assert AuditEvent.objects.filter(action="questionnaire_response.scored").count() == 1


# ---------------------------------------------------------------- reminders


def test_reminders_go_once_before_the_due_date_and_then_every_n_days_while_overdue(
    supplier_a, template, django_capture_on_commit_callbacks
):
    make_contact(supplier_a, email="esg@alpha.example")
    due = TODAY + dt.timedelta(days=10)
    campaign = make_campaign(template, due_date=due, remind_days_before=7, remind_every_days_after=3)
    make_response(supplier_a, campaign)
    assert questionnaires.send_questionnaire_reminders(due - dt.timedelta(days=8)) == 0
    assert questionnaires.send_questionnaire_reminders(due - dt.timedelta(days=7)) == 1
    assert questionnaires.send_questionnaire_reminders(due - dt.timedelta(days=6)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert questionnaires.send_questionnaire_reminders(due + dt.timedelta(days=1)) == 1
    assert "问卷已逾期" in mail.outbox[-1].subject and mail.outbox[-1].to == ["esg@alpha.example"]
    assert questionnaires.send_questionnaire_reminders(due + dt.timedelta(days=3)) == 0
    assert questionnaires.send_questionnaire_reminders(due + dt.timedelta(days=4)) == 1
    assert (
        AuditEvent.objects.filter(action="questionnaire_response.reminded", supplier=supplier_a).count() == 3
    )


def test_submitted_responses_get_no_reminder(supplier_a, template):
    campaign = make_campaign(template, due_date=TODAY - dt.timedelta(days=2))
    make_response(supplier_a, campaign, status=S.SUBMITTED)
    assert questionnaires.send_questionnaire_reminders() == 0


# ---------------------------------------------------------------- access


def test_supplier_users_see_only_their_own_responses_of_open_campaigns(
    supplier_a, supplier_b, supplier_a_user, template
):
    own = make_response(supplier_a, make_campaign(template))
    make_response(supplier_b, make_campaign(template))
    make_response(supplier_a, make_campaign(template, status=QuestionnaireCampaign.Status.DRAFT))
    assert list(assessment_access.responses_visible_to(supplier_a_user)) == [own]


def test_the_evidence_helper_gives_404_to_other_suppliers(response, supplier_a_user, supplier_b_user):
    questionnaires.save_draft(
        response, {}, {"MS-7": SimpleUploadedFile("p.pdf", PDF_BYTES)}, actor=supplier_a_user
    )
    answer = response.answers.get(question__code="MS-7")
    assert assessment_access.get_evidence_for_user(supplier_a_user, response.pk, answer.pk) == answer
    with pytest.raises(Http404):
        assessment_access.get_evidence_for_user(supplier_b_user, response.pk, answer.pk)


def test_make_answer_helper_stores_raw_values(response):
    make_answer(response, "MS-1", "yes")
    assert questionnaires.answer_values(response) == {"MS-1": "yes"}


def test_the_reminder_command_refuses_a_bad_date_and_reports_how_many_it_sent(supplier_a, template):
    from io import StringIO

    from django.core.management import CommandError, call_command

    make_response(supplier_a, make_campaign(template, due_date=TODAY + dt.timedelta(days=3)))
    out = StringIO()
    call_command("send_questionnaire_reminders", stdout=out)
    assert out.getvalue().strip() == "1 reminder(s) sent."
    with pytest.raises(CommandError, match="is not a date"):
        call_command("send_questionnaire_reminders", "--date", "tomorrow")
