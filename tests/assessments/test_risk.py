"""Risk services: inputs gathered for many suppliers at once, assessments per year, the worklist, overrides,
levels for other modules, the background job and the command."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

# The project's URL map gains `path("risk/", include("supplyesg.assessments.risk.urls"))`; until it has it,
# these tests (and test_risk_views.py) use the project's map plus that line.
from django.urls import include, path  # noqa: E402
from django.utils import timezone

from supplyesg import urls as project_urls  # noqa: E402
from supplyesg.assessments.models import (
    CategoryRisk,
    CountryRisk,
    QuestionnaireCampaign,
    QuestionnaireTemplate,
    Response,
    RiskAssessment,
    WorklistItem,
)
from supplyesg.assessments.risk import facts, jobs, rules
from supplyesg.assessments.risk import queries as risk_queries
from supplyesg.assessments.risk import services as risk
from supplyesg.assessments.tasks import recompute_risk
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent, Job, PolicySettings
from supplyesg.suppliers.models import Supplier
from supplyesg.suppliers.services import compliance
from tests.factories import make_category, make_document, make_document_rule, make_supplier

urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "risk" for p in urlpatterns):
    urlpatterns.append(path("risk/", include("supplyesg.assessments.risk.urls")))
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]

YEAR = timezone.localdate().year
TODAY = timezone.localdate()


# ---------------------------------------------------------------- helpers


def country_risk(country="CN", score=50):
    return CountryRisk.objects.update_or_create(
        country=country,
        defaults={"score": Decimal(score), "source": "Test index", "as_of": dt.date(2025, 1, 31)},
    )[0]


def risky_category(score=80, **kwargs):
    category = make_category(**kwargs)
    CategoryRisk.objects.create(category=category, score=Decimal(score))
    return category


_campaigns = {}


def campaign(name="SAQ"):
    if name not in _campaigns or not QuestionnaireCampaign.objects.filter(pk=_campaigns[name]).exists():
        template, _created = QuestionnaireTemplate.objects.get_or_create(
            code="risk-test", version="1", defaults={"title": "SAQ", "title_zh": "自评问卷"}
        )
        _campaigns[name] = QuestionnaireCampaign.objects.create(template=template, name=name, due_date=TODAY).pk
    return QuestionnaireCampaign.objects.get(pk=_campaigns[name])


def response(
    supplier,
    *,
    overall=None,
    categories=None,
    knockout=None,
    status=Response.Status.ACCEPTED,
    submitted_at=None,
    name="SAQ",
):
    scores = {
        "overall": overall,
        "risk_categories": categories or {},
        "knockout": knockout or {"level": "", "triggered": []},
    }
    return Response.objects.create(
        campaign=campaign(name),
        supplier=supplier,
        status=status,
        scores=scores,
        submitted_at=submitted_at or timezone.now(),
    )


def minerals_request(supplier, status="requested"):
    from supplyesg.minerals.models import Campaign, SubmissionRequest

    cmrt, _created = Campaign.objects.get_or_create(
        name="CMRT test",
        defaults={
            "reporting_year": YEAR - 1,
            "template": "CMRT",
            "minerals": ["Tin"],
            "due_date": TODAY,
            "status": Campaign.Status.OPEN,
        },
    )
    return SubmissionRequest.objects.create(campaign=cmrt, supplier=supplier, status=status)


def factors(assessment) -> dict:
    return {line["factor"]: line for line in assessment.explanation}


def high_risk_supplier(**kwargs):
    """Country 90, a category at 90, a poor questionnaire: high risk."""
    country_risk("CD", 90)
    supplier = make_supplier(country="CD", categories=[risky_category(90)], **kwargs)
    response(supplier, overall=10)
    return supplier


def low_risk_supplier(**kwargs):
    country_risk("DE", 10)
    supplier = make_supplier(country="DE", **kwargs)
    response(supplier, overall=95)
    return supplier


@pytest.fixture
def restore_providers():
    saved = {name: risk.input_provider(name) for name in ("audit", "grievances")}
    yield
    for name, provider in saved.items():
        risk.register_input_provider(name, provider)


# ---------------------------------------------------------------- one supplier


def test_assess_supplier_uses_every_input_and_explains_each(compliance):
    country_risk("CN", 90)
    cells = risky_category(80, name="Battery cells")
    make_document_rule(cells, doc_type="rohs")
    supplier = make_supplier(country="CN", categories=[cells, risky_category(20, name="Packaging")])
    response(supplier, overall=60, categories={"labour": 50, "environment": 70})
    minerals_request(supplier)

    assessment = risk.assess_supplier(supplier, year=YEAR, actor=compliance)

    lines = factors(assessment)
    assert lines["country"]["risk"] == 90.0
    assert lines["category"]["risk"] == 80.0 and "Battery cells" in lines["category"]["note"]
    assert lines["questionnaire"]["risk"] == 40.0
    assert lines["minerals"]["input"]["flags"] == ["no_declaration"]
    assert lines["documents"]["input"]["documents"] == [{"doc_type": "rohs", "category": "Battery cells", "status": "missing"}]
    assert lines["audit"]["has_data"] is False and lines["audit"]["note"] == "No audit yet."
    assert lines["grievances"]["has_data"] is False
    # (15x90 + 15x80 + 30x40 + 10x60 + 5x50) / 75 = 61.33
    assert assessment.overall_score == Decimal("61.33")
    assert assessment.computed_level == "high" and assessment.kind == "ad_hoc" and assessment.is_current
    assert assessment.category_scores["labour"] == pytest.approx((15 * 90 + 30 * 50) / 45, abs=0.01)
    assert set(assessment.category_scores) == set(rules.RISK_CATEGORIES)
    event = AuditEvent.objects.get(action="risk.assessed", supplier=supplier)
    assert event.changes["level"] == [None, "high"] and event.actor == compliance
    item = WorklistItem.objects.get(supplier=supplier, year=YEAR)
    assert item.kind == WorklistItem.Kind.ONSITE_AUDIT and item.assessment == assessment


def test_the_latest_accepted_or_submitted_response_counts_and_returned_or_draft_ones_do_not(compliance):
    supplier = make_supplier()
    now = timezone.now()
    response(supplier, overall=90, submitted_at=now - dt.timedelta(days=30), name="old")
    response(
        supplier,
        overall=40,
        status=Response.Status.SUBMITTED,
        submitted_at=now - dt.timedelta(days=2),
        name="new",
    )
    response(supplier, overall=0, status=Response.Status.RETURNED, submitted_at=now, name="returned")
    response(supplier, overall=0, status=Response.Status.DRAFT, submitted_at=now, name="draft")

    assessment = risk.assess_supplier(supplier, year=YEAR, actor=compliance)

    questionnaire = factors(assessment)["questionnaire"]
    assert questionnaire["risk"] == 60.0
    assert questionnaire["input"]["campaign"] == "new"


def test_a_knockout_in_the_questionnaire_makes_the_supplier_high(compliance):
    country_risk("DE", 5)
    supplier = make_supplier(country="DE")
    response(
        supplier,
        overall=95,
        knockout={"level": "high", "triggered": [{"question": "LAB-1", "answer": "yes", "level": "high"}]},
    )
    assessment = risk.assess_supplier(supplier, year=YEAR, actor=compliance)
    assert assessment.overall_score < Decimal("35")
    assert assessment.computed_level == "high"
    assert factors(assessment)["knockout"]["questions"] == ["LAB-1"]


def test_missing_documents_many_agrees_with_missing_documents_of_one_supplier():
    cells = make_category(name="Cells")
    cables = make_category(name="Cables")
    make_document_rule(cells, doc_type="rohs")
    make_document_rule(cells, doc_type="reach", yearly=True)
    make_document_rule(cables, doc_type="licence")
    complete = make_supplier(categories=[cells, cables])
    make_document(complete, doc_type="rohs")
    make_document(complete, doc_type="reach", issue_date=TODAY - dt.timedelta(days=20))
    make_document(complete, doc_type="licence")
    expired = make_supplier(categories=[cells])
    make_document(
        expired,
        doc_type="rohs",
        issue_date=TODAY - dt.timedelta(days=500),
        expiry_date=TODAY - dt.timedelta(days=1),
    )
    make_document(expired, doc_type="reach", issue_date=TODAY - dt.timedelta(days=400), expiry_date=None)
    bare = make_supplier(categories=[cables])
    no_rules = make_supplier()
    suppliers = [complete, expired, bare, no_rules]
    ctx = risk.load_context()

    result = risk.missing_documents_many({s.pk: [c.pk for c in s.categories.all()] for s in suppliers}, ctx)

    for supplier in suppliers:
        expected = sorted(m.doc_type for m in compliance.missing_documents(supplier))
        got = result[supplier.pk]
        assert sorted(m.doc_type for m in (got.missing if got else ())) == expected
    assert result[no_rules.pk] is None
    assert result[complete.pk] == rules.DocumentsInput(required=3, missing=())
    assert {m.doc_type: m.status for m in result[expired.pk].missing} == {
        "rohs": "expired",
        "reach": "not_renewed",
    }
    assert result[bare.pk].missing == (facts.MissingDocument("licence", "Cables", "missing"),)


def test_a_supplier_never_asked_for_minerals_has_the_factor_left_out_and_a_clean_one_scores_zero(compliance):
    never = make_supplier()
    draft_only = make_supplier()
    minerals_request(draft_only, status="not_requested")
    assessments = {s.pk: risk.assess_supplier(s, year=YEAR, actor=compliance) for s in (never, draft_only)}
    assert factors(assessments[never.pk])["minerals"]["has_data"] is False
    assert factors(assessments[draft_only.pk])["minerals"]["has_data"] is False


def test_a_bad_year_is_refused_with_the_field_named(compliance):
    supplier = make_supplier()
    for year in (1999, YEAR + 5, "soon"):
        with pytest.raises(RuleViolation) as caught:
            risk.assess_supplier(supplier, year=year, actor=compliance)
        assert caught.value.messages[0].startswith("year:")
    assert not RiskAssessment.objects.exists()


# ---------------------------------------------------------------- the yearly run


def test_assess_all_keeps_one_current_assessment_per_supplier_and_year(compliance):
    supplier = high_risk_supplier()
    risk.assess_all(YEAR, actor=compliance)
    risk.assess_all(YEAR, actor=compliance)
    risk.assess_all(YEAR - 1, actor=compliance)

    assert RiskAssessment.objects.filter(supplier=supplier, year=YEAR).count() == 2
    assert RiskAssessment.objects.filter(supplier=supplier, year=YEAR, is_current=True).count() == 1
    assert RiskAssessment.objects.filter(supplier=supplier, year=YEAR - 1, is_current=True).count() == 1
    assert RiskAssessment.objects.get(supplier=supplier, year=YEAR, is_current=True).kind == "yearly"


def test_assess_all_covers_every_tier_but_not_exited_or_blacklisted_suppliers(compliance):
    tiers = [make_supplier(tier=t) for t in (1, 2, 3)]
    make_supplier(status=Supplier.Status.EXITED)
    make_supplier(status=Supplier.Status.BLACKLISTED)
    summary = risk.assess_all(YEAR, actor=compliance)
    assert summary["suppliers"] == 3
    assert set(RiskAssessment.objects.values_list("supplier_id", flat=True)) == {s.pk for s in tiers}


def test_assess_all_puts_each_trigger_on_the_worklist_once(compliance):
    high = high_risk_supplier()
    country_risk("MY", 50)
    medium = make_supplier(country="MY")
    low = low_risk_supplier()

    first = risk.assess_all(YEAR, actor=compliance)
    second = risk.assess_all(YEAR, actor=compliance)

    assert first["levels"] == {"high": 1, "medium": 1, "low": 1}
    assert first["worklist_opened"] == 2 and second["worklist_opened"] == 0
    items = {(i.supplier_id, i.kind): i for i in WorklistItem.objects.filter(year=YEAR)}
    assert set(items) == {(high.pk, "onsite_audit"), (medium.pk, "desk_review")}
    assert all(i.assessment.is_current for i in items.values())  # points at the latest run
    assert not WorklistItem.objects.filter(supplier=low).exists()
    assert "no on-site audit on record" in items[(high.pk, "onsite_audit")].reason


def test_an_item_a_person_closed_stays_closed_when_risk_is_recomputed(compliance):
    supplier = high_risk_supplier()
    risk.assess_all(YEAR, actor=compliance)
    item = WorklistItem.objects.get(supplier=supplier)
    risk.close_worklist_item(item, note="Audit booked with SGS for May.", actor=compliance)
    risk.assess_all(YEAR, actor=compliance)
    item.refresh_from_db()
    assert item.status == WorklistItem.Status.DONE and WorklistItem.objects.count() == 1


def test_an_open_item_is_cancelled_when_the_level_drops_and_reopened_when_it_rises(compliance):
    supplier = high_risk_supplier()
    risk.assess_all(YEAR, actor=compliance)
    Response.objects.filter(supplier=supplier).update(scores={"overall": 100})
    CountryRisk.objects.filter(country="CD").update(score=0)
    CategoryRisk.objects.update(score=0)
    risk.assess_all(YEAR, actor=compliance)
    item = WorklistItem.objects.get(supplier=supplier)
    assert item.status == WorklistItem.Status.CANCELLED
    assert AuditEvent.objects.filter(action="worklist.cancelled", supplier=supplier).exists()

    Response.objects.filter(supplier=supplier).update(scores={"overall": 0})
    CountryRisk.objects.filter(country="CD").update(score=100)
    risk.assess_all(YEAR, actor=compliance)
    item.refresh_from_db()
    assert item.status == WorklistItem.Status.OPEN and item.closed_at is None
    assert AuditEvent.objects.filter(action="worklist.reopened", supplier=supplier).exists()


def test_the_yearly_run_records_a_level_only_when_it_changes(compliance):
    supplier = low_risk_supplier()
    risk.assess_all(YEAR, actor=compliance)
    risk.assess_all(YEAR, actor=compliance)
    assert AuditEvent.objects.filter(action="risk.assessed", supplier=supplier).count() == 1
    Response.objects.filter(supplier=supplier).update(scores={"overall": 0})
    risk.assess_all(YEAR, actor=compliance)
    event = AuditEvent.objects.filter(action="risk.assessed", supplier=supplier).first()
    assert event.changes["level"] == ["low", "high"]  # (15x10 + 30x100) / 45 = 70


def test_assess_all_uses_the_policy_weights_and_thresholds(compliance):
    country_risk("CN", 40)
    supplier = make_supplier(country="CN")
    risk.assess_all(YEAR, actor=compliance)
    assert risk_queries.current_levels([supplier.pk]) == {supplier.pk: "medium"}
    policy = PolicySettings.current()
    policy.risk_medium_from = Decimal("45")
    policy.save()
    risk.assess_all(YEAR, actor=compliance)
    assert risk_queries.current_levels([supplier.pk]) == {supplier.pk: "low"}


def _many_suppliers(n: int):
    """n suppliers in a repeating pattern of ten, so every batch of 20 has the same mix of inputs."""
    country_risk("CN", 40)
    country_risk("CD", 90)
    cells = risky_category(80, name="Cells")
    paper = risky_category(10, name="Paper")
    make_document_rule(cells, doc_type="rohs")
    suppliers = []
    for i in range(n):
        supplier = make_supplier(country="CD" if i % 10 < 3 else "CN", categories=[cells] if i % 2 else [paper])
        if i % 10 < 6:
            response(supplier, overall=20 + 7 * (i % 10))
        if i % 10 == 1:
            make_document(supplier, doc_type="rohs")
        if i % 10 in (2, 5):
            minerals_request(supplier)
        suppliers.append(supplier)
    return suppliers


def _queries_per_batch(n: int, actor) -> tuple[list[int], int]:
    marks = []
    with CaptureQueriesContext(connection) as captured:
        risk.assess_all(YEAR, actor=actor, batch_size=20, on_progress=lambda done, total: marks.append(len(captured)))
    starts = [0, *marks[:-1]]
    return [end - start for start, end in zip(starts, marks, strict=True)], len(captured)


def test_assess_all_uses_the_same_number_of_queries_per_batch_for_20_and_200_suppliers(compliance):
    PolicySettings.current()  # created once, before either run
    _many_suppliers(20)
    small, _total = _queries_per_batch(20, compliance)
    Supplier.objects.all().delete()
    AuditEvent.objects.all().delete()
    _many_suppliers(200)
    large, total = _queries_per_batch(200, compliance)

    assert len(small) == 1 and len(large) == 10
    # the first batch also carries the run's setup (policy, country index, categories, rules, count)
    setup = small[0] - large[1]
    assert large[0] == small[0]
    assert large[1:] == [large[1]] * 9
    assert setup <= 6
    assert total == small[0] + 9 * large[1] + 1  # and one that finds no further supplier
    assert RiskAssessment.objects.filter(is_current=True).count() == 200


# ---------------------------------------------------------------- input providers


def test_an_audit_input_provider_plugs_in_and_a_recent_onsite_audit_means_a_desk_review(compliance, restore_providers):
    supplier = high_risk_supplier()
    recent = TODAY - dt.timedelta(days=400)
    seen = []

    def audits(ids, year):
        seen.append((list(ids), year))
        return {supplier.pk: rules.AuditInput(score=30, audited_on=recent, open_corrective_actions=2, last_onsite_audit=recent)}

    risk.register_input_provider("audit", audits)
    assessment = risk.assess_supplier(supplier, year=YEAR, actor=compliance)

    assert seen == [([supplier.pk], YEAR)]
    assert factors(assessment)["audit"]["risk"] == 80.0 and factors(assessment)["audit"]["counted"]
    item = WorklistItem.objects.get(supplier=supplier)
    assert item.kind == WorklistItem.Kind.DESK_REVIEW
    assert "within the 3-year cycle" in item.reason


def test_a_grievance_input_provider_plugs_in(compliance, restore_providers):
    supplier = low_risk_supplier()
    risk.register_input_provider("grievances", lambda ids, year: {supplier.pk: rules.GrievanceInput(2, severe_count=1)})
    assessment = risk.assess_supplier(supplier, year=YEAR, actor=compliance)
    assert factors(assessment)["grievances"]["risk"] == 70.0


def test_only_known_input_slots_can_be_replaced():
    with pytest.raises(ValueError):
        risk.register_input_provider("weather", lambda ids, year: {})


# ---------------------------------------------------------------- overrides


def test_an_override_needs_a_justification_and_a_real_level(compliance):
    assessment = risk.assess_supplier(low_risk_supplier(), year=YEAR, actor=compliance)
    with pytest.raises(RuleViolation) as caught:
        risk.override_level(assessment, level="extreme", justification="  ", actor=compliance)
    assert caught.value.messages == [
        "level: choose low, medium or high.",
        "justification: say why the computed level is overridden.",
    ]
    assessment.refresh_from_db()
    assert assessment.override_level == ""


def test_an_override_is_recorded_in_the_suppliers_history_and_opens_what_the_level_triggers(auditor, compliance):
    supplier = low_risk_supplier()
    assessment = risk.assess_supplier(supplier, year=YEAR, actor=compliance)

    risk.override_level(assessment, level="high", justification="Child labour reported by an NGO.", actor=auditor)

    assessment.refresh_from_db()
    assert (assessment.level, assessment.computed_level, assessment.overridden_by) == ("high", "low", auditor)
    event = AuditEvent.objects.get(action="risk.level_overridden")
    assert event.supplier == supplier and event.actor == auditor
    assert event.changes == {"level": ["low", "high"]} and event.reason == "Child labour reported by an NGO."
    assert event.target_label == f"Risk assessment {YEAR}"
    assert WorklistItem.objects.get(supplier=supplier).kind == WorklistItem.Kind.ONSITE_AUDIT
    assert risk_queries.current_levels([supplier.pk]) == {supplier.pk: "high"}


def test_an_override_carries_over_when_the_year_is_recomputed_and_choosing_the_computed_level_removes_it(
    compliance,
):
    supplier = low_risk_supplier()
    risk.assess_all(YEAR, actor=compliance)
    risk.override_level(
        RiskAssessment.objects.get(supplier=supplier),
        level="medium",
        justification="Strike.",
        actor=compliance,
    )
    risk.assess_all(YEAR, actor=compliance)
    current = RiskAssessment.objects.get(supplier=supplier, is_current=True)
    assert (current.level, current.override_reason) == ("medium", "Strike.")

    risk.override_level(current, level="low", justification="Strike settled.", actor=compliance)
    current.refresh_from_db()
    assert current.override_level == "" and current.level == "low"
    assert WorklistItem.objects.get(supplier=supplier).status == WorklistItem.Status.CANCELLED


def test_a_replaced_assessment_cannot_be_overridden(compliance):
    supplier = low_risk_supplier()
    old = risk.assess_supplier(supplier, year=YEAR, actor=compliance)
    risk.assess_supplier(supplier, year=YEAR, actor=compliance)
    with pytest.raises(RuleViolation):
        risk.override_level(old, level="high", justification="x", actor=compliance)


def test_closing_a_worklist_item_needs_a_note_and_records_it(compliance):
    supplier = high_risk_supplier()
    risk.assess_supplier(supplier, year=YEAR, actor=compliance)
    item = WorklistItem.objects.get(supplier=supplier)
    with pytest.raises(RuleViolation):
        risk.close_worklist_item(item, note=" ", actor=compliance)
    risk.close_worklist_item(item, note="Audited on site on 3 May.", actor=compliance)
    item.refresh_from_db()
    assert item.status == "done" and item.closed_by == compliance
    assert AuditEvent.objects.get(action="worklist.closed").reason == "Audited on site on 3 May."
    with pytest.raises(RuleViolation):
        risk.close_worklist_item(item, note="again", actor=compliance)
    assert list(risk_queries.open_audit_requirements()) == []


# ---------------------------------------------------------------- levels for other modules


def test_current_levels_give_the_latest_years_level_or_the_years_asked_for(compliance):
    supplier = low_risk_supplier()
    other = make_supplier()
    risk.assess_all(YEAR - 1, actor=compliance)
    risk.override_level(
        RiskAssessment.objects.get(supplier=supplier, year=YEAR - 1),
        level="high",
        justification="Fire at the plant.",
        actor=compliance,
    )
    risk.assess_supplier(supplier, year=YEAR, actor=compliance)

    assert risk_queries.current_levels([supplier.pk, other.pk]) == {supplier.pk: "low", other.pk: "low"}
    assert risk_queries.current_levels([supplier.pk], year=YEAR - 1) == {supplier.pk: "high"}
    assert risk_queries.current_levels([make_supplier().pk]) == {}
    high_last_year = Supplier.objects.filter(pk__in=risk_queries.supplier_ids_at_level("high", YEAR - 1))
    assert list(high_last_year) == [supplier]
    assert list(Supplier.objects.filter(pk__in=risk_queries.supplier_ids_at_level("high"))) == []
    assert risk_queries.level_counts(YEAR - 1) == {"low": 1, "medium": 0, "high": 1}


# ---------------------------------------------------------------- the background job and the command


def test_recompute_runs_as_a_job_with_progress_and_a_finished_job_is_left_alone(compliance, django_capture_on_commit_callbacks):
    high_risk_supplier()
    low_risk_supplier()
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start_recompute(YEAR, actor=compliance)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 2, 2)
    assert job.result["levels"] == {"low": 1, "medium": 0, "high": 1}
    assert job.result["next_url"].endswith(f"?year={YEAR}")
    assert AuditEvent.objects.filter(action="risk.recompute_started").exists()
    assert AuditEvent.objects.filter(action="risk.recomputed").exists()

    recompute_risk.call(job.pk, YEAR)
    assert RiskAssessment.objects.count() == 2


def test_a_second_recompute_of_the_same_year_is_refused_while_one_is_running(compliance):
    job = jobs.start_recompute(YEAR, actor=compliance)  # on_commit never fires inside the test transaction
    assert job.status == Job.Status.QUEUED
    with pytest.raises(RuleViolation):
        jobs.start_recompute(YEAR, actor=compliance)
    jobs.start_recompute(YEAR - 1, actor=compliance)


def test_a_job_a_dead_worker_left_running_no_longer_blocks_a_recompute(compliance):
    stale = jobs.new_recompute_job(YEAR, actor=compliance)
    Job.objects.filter(pk=stale.pk).update(
        status=Job.Status.RUNNING, created_at=timezone.now() - jobs.JOB_STALE_AFTER - dt.timedelta(minutes=1)
    )
    assert jobs.start_recompute(YEAR, actor=compliance).pk != stale.pk


def test_a_failed_job_runs_again_from_the_start(compliance):
    low_risk_supplier()
    job = jobs.new_recompute_job(YEAR, actor=compliance)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)
    recompute_risk.call(job.pk, YEAR)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert RiskAssessment.objects.filter(is_current=True).count() == 1


def test_the_command_recomputes_with_a_progress_bar_on_stderr():
    high_risk_supplier()
    low_risk_supplier()
    out, err = io.StringIO(), io.StringIO()
    call_command("recompute_risk", "--year", str(YEAR), "--batch-size", "1", stdout=out, stderr=err)
    assert "2 suppliers assessed" in out.getvalue() and "1 high" in out.getvalue()
    assert "[" + "#" * 30 + "] 2/2" in err.getvalue()
    assert Job.objects.get(kind=jobs.JOB_KIND).status == Job.Status.DONE


def test_the_command_refuses_a_year_out_of_range():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="year: choose a year"):
        call_command("recompute_risk", "--year", "1900", stdout=io.StringIO(), stderr=io.StringIO())
    assert not Job.objects.exists()
