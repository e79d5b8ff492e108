"""Rating services with frozen time: computing a quarter from business scores, risk levels, audits and the
corrective-action clocks; recomputing; procurement's decision; business scores entered by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supplyesg.audits.models import CorrectiveAction
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent, Job, PolicySettings
from supplyesg.ratings import queries, services
from supplyesg.ratings.models import BusinessScore, ImprovementAction, Rating
from supplyesg.suppliers.models import TerminationCase
from supplyesg.suppliers.services.compliance import can_order
from tests.audits.factories_audits import make_reported_audit
from tests.factories import make_supplier
from tests.ratings.factories_ratings import TODAY, frozen, make_business_score, make_rating, make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with frozen():
        yield TODAY


def rate(supplier, year=2026, quarter=3, actor=None, **kwargs) -> Rating:
    services.compute_quarter(year, quarter, actor=actor, **kwargs)
    return Rating.objects.get(supplier=supplier, year=year, quarter=quarter)


def reasons(rating) -> list[str]:
    return queries.reason_texts(rating.reasons)


# ---------------------------------------------------------------- computing a quarter


def set_policy(**values):
    PolicySettings.objects.filter(pk=PolicySettings.current().pk).update(**values)


def test_a_low_audit_result_with_good_business_scores_gets_an_a_and_the_advice_to_increase_its_share(supplier_a):
    make_business_score(supplier_a, quality=95, delivery=95, cost=95, service=95)
    make_reported_audit(supplier_a, report_date=dt.date(2026, 6, 1), result_level="low", severities=())
    rating = rate(supplier_a)
    assert (rating.business_score, rating.esg_score, rating.esg_source, rating.total, rating.grade) == (
        Decimal("95.00"),
        1,
        "audit",
        Decimal("95.50"),
        "A",
    )
    assert rating.recommended_action == "increase" and rating.decision_status == "pending"
    assert reasons(rating) == [
        "Latest ESG audit result: Low.",
        "Low risk scores 1.",
        "Business score 95.00 and ESG score 1 weighted 10 %: total 95.50, grade A.",
    ]
    assert rating.inputs["on"] == "2026-09-30"
    assert rating.inputs["audit"]["level"] == "low" and rating.inputs["audit_lookback_months"] == 12
    assert rating.inputs["business"] == {"quality": "95.00", "delivery": "95.00", "cost": "95.00", "service": "95.00"}
    assert rating.inputs["policy"]["esg_weight_percent"] == "10.00"


@pytest.mark.parametrize(
    ("report_date", "lookback", "esg_score"),
    [
        (dt.date(2025, 10, 1), 12, -1),  # within 12 months of 30 September 2026
        (dt.date(2025, 9, 30), 12, -1),  # exactly 12 months
        (dt.date(2025, 9, 29), 12, None),  # older: no ESG result
        (dt.date(2025, 9, 29), 24, -1),  # a longer look-back keeps it
    ],
)
def test_esg_manual_an_audit_result_counts_within_the_policys_look_back(supplier_a, report_date, lookback, esg_score):
    set_policy(esg_audit_lookback_months=lookback)
    make_business_score(supplier_a)
    make_reported_audit(supplier_a, report_date=report_date, result_level="high", severities=())
    assert rate(supplier_a).esg_score == esg_score


@pytest.mark.parametrize(
    ("fallback", "score", "source"),
    [(False, None, "none"), (True, 0, "risk_level")],
)
def test_esg_manual_the_risk_level_stands_in_only_where_the_policy_allows_it(supplier_a, fallback, score, source):
    set_policy(esg_score_from_risk_level=fallback)
    make_business_score(supplier_a)
    make_risk(supplier_a, "medium")
    rating = rate(supplier_a)
    assert (rating.esg_score, rating.esg_source) == (score, source)


def test_the_audit_result_wins_over_the_risk_level_even_with_the_fallback_on(supplier_a):
    set_policy(esg_score_from_risk_level=True)
    make_business_score(supplier_a)
    make_risk(supplier_a, "high")
    make_reported_audit(supplier_a, report_date=dt.date(2026, 9, 1), result_level="low", severities=())
    rating = rate(supplier_a)
    assert (rating.esg_score, rating.esg_source) == (1, "audit")
    assert "Latest ESG audit result: Low." in reasons(rating)


def test_with_the_fallback_the_overridden_risk_level_wins_over_the_computed_one(supplier_a):
    set_policy(esg_score_from_risk_level=True)
    make_business_score(supplier_a)
    make_risk(supplier_a, "low", override="high")
    rating = rate(supplier_a)
    assert rating.esg_score == -1 and rating.total == Decimal("72.00") and rating.grade == "C"


def test_with_the_fallback_the_latest_assessed_year_up_to_the_quarters_year_counts(supplier_a):
    set_policy(esg_score_from_risk_level=True)
    make_business_score(supplier_a, year=2025, quarter=4)
    make_risk(supplier_a, "medium", year=2025)
    make_risk(supplier_a, "low", year=2026)
    assert rate(supplier_a, 2025, 4).inputs["risk_level"] == "medium"
    make_business_score(supplier_a, year=2026, quarter=3)
    assert rate(supplier_a, 2026, 3).inputs["risk_level"] == "low"


def test_with_the_fallback_a_replaced_assessment_is_not_used(supplier_a):
    set_policy(esg_score_from_risk_level=True)
    make_business_score(supplier_a)
    make_risk(supplier_a, "high", is_current=False)
    make_risk(supplier_a, "low")
    assert rate(supplier_a).esg_score == 1


def test_esg_manual_a_supplier_with_no_esg_result_is_rated_on_its_business_score_alone_and_listed(supplier_a, supplier_b):
    make_business_score(supplier_a)
    make_business_score(supplier_b)
    make_reported_audit(supplier_b, report_date=dt.date(2026, 9, 1), result_level="low", severities=())
    rating = rate(supplier_a)
    assert (rating.esg_score, rating.esg_source, rating.total) == (None, "none", Decimal("80.00"))
    assert reasons(rating)[0] == "No ESG result: no ESG audit result within the look-back; the total is the business score alone."
    assert list(Rating.objects.without_esg_result().values_list("supplier_id", flat=True)) == [supplier_a.pk]


def test_only_the_latest_reported_audit_counts(supplier_a):
    make_business_score(supplier_a)
    make_reported_audit(supplier_a, report_date=dt.date(2026, 1, 10), result_level="high", severities=())
    make_reported_audit(supplier_a, report_date=dt.date(2026, 6, 10), result_level="low", severities=())
    assert rate(supplier_a).esg_score == 1


def test_an_audit_reported_after_the_quarter_is_left_out(supplier_a):
    make_business_score(supplier_a, year=2026, quarter=1)
    make_reported_audit(supplier_a, report_date=dt.date(2025, 11, 1), result_level="low", severities=())
    make_reported_audit(supplier_a, report_date=dt.date(2026, 5, 1), result_level="high", severities=())
    rating = rate(supplier_a, 2026, 1)
    assert rating.esg_score == 1 and rating.inputs["audit"]["report_date"] == "2025-11-01"


def test_an_overdue_medium_risk_improvement_plan_turns_the_esg_score_to_minus_one(supplier_a):
    make_business_score(supplier_a)
    make_risk(supplier_a, "medium")
    make_reported_audit(supplier_a, report_date=dt.date(2026, 3, 10), result_level="medium")  # plan due 9 September
    rating = rate(supplier_a)
    assert rating.esg_score == -1
    assert rating.inputs["plan_consequence"] == "esg_minus_one"
    assert "The improvement plan was not provided in time: ESG score -1." in reasons(rating)


def test_an_accepted_improvement_plan_keeps_the_medium_score_at_zero(supplier_a):
    make_business_score(supplier_a)
    make_risk(supplier_a, "medium")
    audit = make_reported_audit(supplier_a, report_date=dt.date(2026, 3, 10), result_level="medium")
    audit.corrective_actions.update(status=CorrectiveAction.Status.APPROVED)
    rating = rate(supplier_a)
    assert rating.esg_score == 0 and rating.inputs["audit"]["all_plans_accepted"] is True


def test_an_overdue_high_risk_improvement_plan_is_given_as_a_termination_reason(supplier_a):
    make_business_score(supplier_a)
    make_reported_audit(supplier_a, report_date=dt.date(2026, 3, 10), result_level="high")  # plan due 10 June
    rating = rate(supplier_a)
    assert rating.esg_score == -1 and rating.inputs["plan_consequence"] == "recommend_termination"
    assert "The high-risk improvement plan was not provided in time: termination recommended." in reasons(rating)


@pytest.mark.parametrize(("setting", "score"), [(False, 1), (True, 0)])
def test_esg_manual_low_risk_late_actions_lower_the_score_only_where_the_policy_says_so(supplier_a, setting, score):
    set_policy(esg_low_risk_late_actions_lower_score=setting)
    make_business_score(supplier_a)
    make_reported_audit(supplier_a, report_date=dt.date(2026, 3, 10), result_level="low", severities=("minor",))
    rating = rate(supplier_a)  # the agreed date was 6 September
    assert rating.esg_score == score and rating.inputs["remediation_overdue"] == 1
    late = "1 non-conformities were not closed in the agreed time: ESG score 0."
    assert (late in reasons(rating)) is setting


def test_a_closed_nonconformity_does_not_count_as_overdue(supplier_a):
    make_business_score(supplier_a)
    make_risk(supplier_a, "low")
    audit = make_reported_audit(supplier_a, report_date=dt.date(2026, 3, 10), result_level="low", severities=("minor",))
    audit.corrective_actions.update(status=CorrectiveAction.Status.CLOSED)
    assert rate(supplier_a).esg_score == 1


def test_while_the_quarter_runs_the_inputs_are_read_as_of_today(supplier_a):
    make_business_score(supplier_a)
    make_risk(supplier_a, "medium")
    make_reported_audit(supplier_a, report_date=dt.date(2026, 3, 10), result_level="medium")  # plan due 9 September
    with frozen(dt.date(2026, 8, 15)):
        rating = rate(supplier_a)
    assert rating.inputs["on"] == "2026-08-15" and rating.esg_score == 0
    assert rate(supplier_a).esg_score == -1  # after the quarter: as of 30 September


def test_the_esg_weight_of_the_policy_is_used(supplier_a):
    PolicySettings.objects.filter(pk=PolicySettings.current().pk).update(esg_weight_percent=Decimal("100"))
    make_business_score(supplier_a, quality=99, delivery=99, cost=99, service=99)
    make_reported_audit(supplier_a, report_date=dt.date(2026, 9, 1), result_level="high", severities=())
    rating = rate(supplier_a)
    assert (rating.total, rating.grade, rating.esg_weight) == (Decimal("0.00"), "D", Decimal("100.00"))


def test_the_settings_form_refuses_an_esg_weight_below_one_percent():
    settings = PolicySettings.current()
    settings.esg_weight_percent = Decimal("0.99")
    with pytest.raises(ValidationError) as error:
        settings.full_clean()
    assert "esg_weight_percent" in error.value.message_dict
    settings.esg_weight_percent = Decimal("1")
    settings.full_clean()


def test_computing_with_an_esg_weight_below_one_percent_is_refused_and_writes_nothing(supplier_a):
    PolicySettings.objects.filter(pk=PolicySettings.current().pk).update(esg_weight_percent=Decimal("0.5"))
    make_business_score(supplier_a)
    with pytest.raises(RuleViolation) as error:
        services.compute_quarter(2026, 3, actor=None)
    assert error.value.messages[0].startswith("esg_weight_percent:")
    assert not Rating.objects.exists()


def test_suppliers_without_business_scores_are_not_rated_and_are_listed(supplier_a, supplier_b):
    supplier_b.status = "active"
    supplier_b.save()
    make_business_score(supplier_a)
    summary = services.compute_quarter(2026, 3, actor=None)
    assert summary["suppliers"] == 1 and list(Rating.objects.values_list("supplier_id", flat=True)) == [supplier_a.pk]
    assert list(queries.suppliers_missing_scores(services.check_quarter("2026Q3"))) == [supplier_b]


@pytest.mark.parametrize(
    ("year", "quarter", "message"),
    [
        (2027, 1, "quarter: 2027Q1 has not started yet."),
        (2026, 5, "quarter: choose 1, 2, 3 or 4."),
        ("twenty", 1, "year: enter a year such as 2026."),
        (1999, 1, "year: enter a year such as 2026."),
    ],
)
def test_a_quarter_that_is_not_one_or_has_not_started_is_refused_naming_the_field(year, quarter, message):
    with pytest.raises(RuleViolation) as error:
        services.compute_quarter(year, quarter, actor=None)
    assert error.value.messages == [message]


def test_a_recompute_replaces_the_quarters_rating_in_place(supplier_a):
    make_business_score(supplier_a)
    first = rate(supplier_a)
    BusinessScore.objects.update(quality=Decimal("100"))
    second = rate(supplier_a)
    assert second.pk == first.pk and second.business_score == Decimal("88.00")
    assert Rating.objects.count() == 1


def test_a_recompute_keeps_a_decision_when_the_grade_stays_the_same(supplier_a, procurement):
    make_business_score(supplier_a)
    make_risk(supplier_a, "low")
    rating = services.decide_rating(rate(supplier_a), actor=procurement, confirm=True)
    BusinessScore.objects.update(quality=Decimal("85"))
    again = rate(supplier_a)
    assert again.grade == rating.grade == "B" and again.total != rating.total
    assert (again.decision_status, again.decided_action, again.decided_by) == ("confirmed", "maintain", procurement)
    assert not AuditEvent.objects.filter(action="rating.regraded").exists()


def test_a_recompute_resets_the_decision_when_the_grade_changes_and_says_so_in_the_history(supplier_a, procurement):
    make_business_score(supplier_a)
    make_risk(supplier_a, "low")
    services.decide_rating(rate(supplier_a), actor=procurement, confirm=True)
    BusinessScore.objects.update(quality=Decimal("100"), delivery=Decimal("100"), cost=Decimal("100"), service=Decimal("100"))
    again = rate(supplier_a, actor=procurement)
    assert again.grade == "A" and again.recommended_action == "increase"
    assert (again.decision_status, again.decided_action, again.decided_by, again.decided_at) == ("pending", "", None, None)
    event = AuditEvent.objects.get(action="rating.regraded")
    assert event.changes["grade"] == ["B", "A"]
    assert event.changes["decision_status"] == ["confirmed", "pending"]
    assert event.supplier_id == supplier_a.pk and event.actor == procurement and event.reason


def test_the_number_of_queries_per_batch_does_not_depend_on_how_many_suppliers_there_are():
    def make(n, quarter):
        for i in range(n):
            supplier = make_supplier()
            make_business_score(supplier, quarter=quarter, quality=50 + i % 50)
            make_risk(supplier, ("low", "medium", "high")[i % 3])
            if i % 4 == 0:
                make_reported_audit(
                    supplier, report_date=dt.date(2026, 3, 10), result_level="medium", severities=("major", "minor")
                )

    def per_batch(quarter) -> list[int]:
        counts = []
        with CaptureQueriesContext(connection) as captured:
            seen = [0]

            def progress(done, total):
                counts.append(len(captured.captured_queries) - seen[0])
                seen[0] = len(captured.captured_queries)

            services.compute_quarter(2026, quarter, actor=None, progress=progress, batch_size=10)
        return counts

    PolicySettings.current()
    make(20, 2)
    make(200, 3)
    small, large = per_batch(2), per_batch(3)
    assert (len(small), len(large)) == (2, 20)
    assert small[0] == large[0]  # the first batch also reads the policy and counts the scores
    assert set(small[1:]) == set(large[1:]) and len(set(large[1:])) == 1
    assert large[1] <= 10
    assert Rating.objects.count() == 220


# ---------------------------------------------------------------- background job and command


def test_starting_a_computation_runs_it_as_a_job_with_progress(supplier_a, procurement, django_capture_on_commit_callbacks):
    make_business_score(supplier_a)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_compute(2026, 3, actor=procurement)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == (Job.Status.DONE, 1, 1, 100)
    assert job.result["period"] == "2026Q3" and "1 suppliers rated for 2026Q3" in job.message
    assert Rating.objects.filter(supplier=supplier_a).exists()
    assert AuditEvent.objects.filter(action="ratings.computed", actor=procurement).exists()


def test_a_second_computation_of_a_quarter_being_computed_is_refused(supplier_a, procurement):
    job = services.new_compute_job(services.check_quarter("2026Q3"), actor=procurement)
    with pytest.raises(RuleViolation, match="already being computed"):
        services.new_compute_job(services.check_quarter("2026Q3"), actor=procurement)
    assert job.status == Job.Status.QUEUED


def test_the_command_computes_a_quarter_and_prints_the_grades(supplier_a, capsys):
    make_business_score(supplier_a, quality=40, delivery=40, cost=40, service=40)
    call_command("compute_ratings", "--quarter", "2026Q3")
    out = capsys.readouterr().out
    assert "1 suppliers rated for 2026Q3: 0 A, 0 B, 0 C, 1 D" in out
    assert Job.objects.get(kind=services.JOB_KIND).status == Job.Status.DONE


@pytest.mark.parametrize("quarter", ["2026Q5", "next", "2031Q1"])
def test_the_command_refuses_a_bad_quarter_with_exit_code_2(quarter):
    with pytest.raises(CommandError) as error:
        call_command("compute_ratings", "--quarter", quarter)
    assert error.value.returncode == 2 and "quarter:" in str(error.value)
    assert not Job.objects.exists()


# ---------------------------------------------------------------- decisions


def test_procurement_confirms_the_recommended_action(supplier_a, procurement):
    rating = make_rating(supplier_a, grade="B")
    rating = services.decide_rating(rating, actor=procurement, confirm=True)
    assert (rating.decision_status, rating.decided_action, rating.decided_by) == ("confirmed", "maintain", procurement)
    event = AuditEvent.objects.get(action="rating.confirmed")
    assert event.supplier_id == supplier_a.pk and event.changes["decided_action"] == ["", "maintain"]
    assert not TerminationCase.objects.exists()


def test_an_override_needs_another_action_and_a_reason(supplier_a, procurement):
    rating = make_rating(supplier_a, grade="C")
    with pytest.raises(RuleViolation) as error:
        services.decide_rating(rating, actor=procurement, confirm=False, action="corrective")
    assert error.value.messages == [
        "action: this is the recommended action; confirm it instead of overriding it.",
        "reason: say why the recommended action is overridden.",
        "owner: choose who on our side follows the corrective action up.",
        "due_date: give the date the corrective action is due.",
    ]
    with pytest.raises(RuleViolation) as error:
        services.decide_rating(rating, actor=procurement, confirm=False, action="promote", reason="x")
    assert error.value.messages == ["action: choose the action to take instead of the recommended one."]
    rating.refresh_from_db()
    assert rating.decision_status == "pending" and not AuditEvent.objects.exists()


def test_procurement_overrides_with_another_action_and_a_reason(supplier_a, procurement):
    rating = make_rating(supplier_a, grade="C")
    rating = services.decide_rating(
        rating, actor=procurement, confirm=False, action="maintain", reason="Single source for the new model."
    )
    assert (rating.decision_status, rating.decided_action) == ("overridden", "maintain")
    assert AuditEvent.objects.get(action="rating.overridden").reason == "Single source for the new model."


def test_confirming_a_d_needs_a_reason_and_writes_nothing_without_one(supplier_a, procurement):
    rating = make_rating(supplier_a, grade="D", total="40")
    with pytest.raises(RuleViolation) as error:
        services.decide_rating(rating, actor=procurement, confirm=True)
    assert error.value.messages == ["reason: say why cooperation ends; it is recorded with the termination."]
    rating.refresh_from_db()
    assert rating.decision_status == "pending" and not TerminationCase.objects.exists()


def test_confirming_a_d_terminates_cooperation_and_orders_stop(supplier_a, procurement):
    supplier_a.status = "active"
    supplier_a.save()
    assert can_order(supplier_a).can_order
    rating = make_rating(supplier_a, grade="D", total="40")
    services.decide_rating(rating, actor=procurement, confirm=True, reason="Grade D two quarters running.")
    case = TerminationCase.objects.get(supplier=supplier_a)
    assert (case.status, case.source, case.source_ref) == ("confirmed", "rating", "rating:2026Q3")
    answer = can_order(supplier_a)
    assert not answer.can_order and "Grade D two quarters running." in answer.reasons[0]


def test_overriding_a_c_to_terminate_also_stops_orders(supplier_a, procurement):
    supplier_a.status = "active"
    supplier_a.save()
    rating = make_rating(supplier_a, grade="C")
    services.decide_rating(rating, actor=procurement, confirm=False, action="terminate", reason="Counterfeit parts found.")
    assert not can_order(supplier_a).can_order


def test_overriding_a_d_to_corrective_action_keeps_orders_open(supplier_a, procurement):
    supplier_a.status = "active"
    supplier_a.save()
    rating = make_rating(supplier_a, grade="D", total="40")
    services.decide_rating(
        rating,
        actor=procurement,
        confirm=False,
        action="corrective",
        reason="New plant manager.",
        owner=procurement,
        due_date=dt.date(2026, 12, 31),
    )
    assert can_order(supplier_a).can_order and not TerminationCase.objects.exists()
    assert ImprovementAction.objects.get().rating == rating


def test_a_decided_rating_cannot_be_decided_again(supplier_a, procurement):
    rating = make_rating(supplier_a, grade="A")
    services.decide_rating(rating, actor=procurement, confirm=True)
    with pytest.raises(RuleViolation, match="already decided"):
        services.decide_rating(rating, actor=procurement, confirm=False, action="maintain", reason="x")


# ---------------------------------------------------------------- business scores by hand


def test_a_business_score_is_saved_with_its_history(supplier_a, procurement):
    score = services.save_business_score(
        supplier_a, actor=procurement, year=2026, quarter=3, quality="91.5", delivery=88, cost=Decimal("70"), service=100
    )
    assert (score.quality, score.delivery, score.cost, score.service, score.source) == (
        Decimal("91.50"),
        Decimal("88.00"),
        Decimal("70.00"),
        Decimal("100.00"),
        "manual",
    )
    services.save_business_score(
        supplier_a, actor=procurement, year=2026, quarter=3, quality=95, delivery=88, cost=70, service=100, note="Audit 8D closed"
    )
    assert BusinessScore.objects.count() == 1
    saved = AuditEvent.objects.filter(action="business_score.saved").order_by("at", "pk")
    assert [e.changes.get("quality") for e in saved] == [[None, "91.50"], ["91.50", "95.00"]]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"quality": 105}, "quality: 105 is outside 0-100."),
        ({"delivery": -1}, "delivery: -1 is outside 0-100."),
        ({"cost": "abc"}, 'cost: "abc" is not a number; enter a score from 0 to 100.'),
        ({"service": ""}, "service: enter a score from 0 to 100."),
        ({"service": None}, "service: enter a score from 0 to 100."),
        ({"quarter": 5}, "quarter: choose 1, 2, 3 or 4."),
        ({"year": 2027, "quarter": 1}, "quarter: 2027Q1 has not started yet."),
        ({"note": "x" * 301}, "note: write at most 300 characters."),
    ],
)
def test_a_bad_business_score_is_refused_naming_the_field_and_nothing_is_written(supplier_a, procurement, fields, message):
    data = {"year": 2026, "quarter": 3, "quality": 80, "delivery": 80, "cost": 80, "service": 80, **fields}
    with pytest.raises(RuleViolation) as error:
        services.save_business_score(supplier_a, actor=procurement, **data)
    assert error.value.messages == [message]
    assert not BusinessScore.objects.exists() and not AuditEvent.objects.exists()


# ---------------------------------------------------------------- grade C: corrective action with support (AIKO)


@pytest.mark.parametrize(
    ("training", "trained"),
    [("", False), ("Working hours and overtime control", True)],
)
def test_aiko_confirming_grade_c_opens_a_tracked_improvement_action_with_owner_due_date_and_optional_training(
    supplier_a, procurement, training, trained
):
    rating = make_rating(supplier_a, grade="C", total="65")
    services.decide_rating(
        rating,
        actor=procurement,
        confirm=True,
        owner=procurement,
        due_date=dt.date(2026, 12, 31),
        description="Delivery punctuality and overtime records.",
        training_topic=training,
    )
    improvement = ImprovementAction.objects.get(rating=rating)
    assert (improvement.owner, improvement.due_date, improvement.status) == (procurement, dt.date(2026, 12, 31), "open")
    assert improvement.description == "Delivery punctuality and overtime records."
    assert (improvement.training is not None) is trained
    if trained:
        assert (improvement.training.topic, improvement.training.supplier) == (training, supplier_a)
    assert AuditEvent.objects.get(action="improvement_action.opened").supplier_id == supplier_a.pk


@pytest.mark.parametrize(
    ("owner", "due_date", "message"),
    [
        (None, dt.date(2026, 12, 31), "owner: choose who on our side follows the corrective action up."),
        ("procurement", None, "due_date: give the date the corrective action is due."),
        ("procurement", dt.date(2026, 10, 4), "due_date: the due date is in the past."),
        ("supplier", dt.date(2026, 12, 31), "owner: choose who on our side follows the corrective action up."),
    ],
)
def test_aiko_grade_c_needs_an_internal_owner_and_a_due_date_and_writes_nothing_without(
    supplier_a, procurement, supplier_a_user, owner, due_date, message
):
    rating = make_rating(supplier_a, grade="C", total="65")
    chosen = {"procurement": procurement, "supplier": supplier_a_user, None: None}[owner]
    with pytest.raises(RuleViolation) as error:
        services.decide_rating(rating, actor=procurement, confirm=True, owner=chosen, due_date=due_date)
    assert error.value.messages == [message]
    rating.refresh_from_db()
    assert rating.decision_status == "pending" and not ImprovementAction.objects.exists()


def test_an_improvement_action_is_closed_with_what_came_of_it(supplier_a, procurement):
    rating = make_rating(supplier_a, grade="C", total="65")
    services.decide_rating(rating, actor=procurement, confirm=True, owner=procurement, due_date=dt.date(2026, 12, 31))
    improvement = ImprovementAction.objects.get()
    with pytest.raises(RuleViolation, match="note"):
        services.close_improvement_action(improvement, actor=procurement, note=" ")
    services.close_improvement_action(improvement, actor=procurement, note="On-time delivery back above 95 %.")
    improvement.refresh_from_db()
    assert improvement.status == "done" and improvement.close_note == "On-time delivery back above 95 %."
    with pytest.raises(RuleViolation, match="already closed"):
        services.close_improvement_action(improvement, actor=procurement, note="again")
