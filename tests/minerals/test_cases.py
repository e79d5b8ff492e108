"""Minerals risk-case services: opening a case, the plan and its six-month review, the suspension of at least
three months with a revised plan and targets, termination recommended to procurement, and the daily reminder."""

import datetime as dt
from contextlib import contextmanager

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent, PolicySettings, Role
from supplyesg.minerals.cases import services as cases
from supplyesg.minerals.cases.models import RiskCase, RiskCaseStep
from supplyesg.suppliers.models import Supplier, TerminationCase
from supplyesg.suppliers.services import lifecycle
from supplyesg.suppliers.terminations import services as terminations
from tests.factories import make_supplier, make_user
from tests.minerals.factories_minerals import make_smelter

pytestmark = pytest.mark.django_db

T = RiskCase.RiskType
S = RiskCase.Status
K = RiskCaseStep.Kind
START = dt.date(2026, 3, 2)


@contextmanager
def on(day: dt.date):
    with time_machine.travel(dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def supplier(db):
    return make_supplier(legal_name="Omega Tin Trading Ltd.", status=Supplier.Status.ACTIVE)


def open_(supplier, actor, risk_type=T.BRIBERY_FRAUD, **kwargs):
    kwargs.setdefault("description", "Export papers show a mine site that does not produce tin.")
    return cases.open_case(supplier, actor=actor, risk_type=risk_type, **kwargs)


def kinds(case):
    return list(case.steps.values_list("kind", flat=True))


def planned(supplier, actor, risk_type=T.BRIBERY_FRAUD):
    with on(START):
        return cases.adopt_plan(open_(supplier, actor, risk_type), actor=actor, plan="Third-party origin checks.")


def suspended(supplier, actor, risk_type=T.BRIBERY_FRAUD):
    case = planned(supplier, actor, risk_type)
    with on(dt.date(2026, 9, 2)):
        return cases.review_plan(case, actor=actor, effective=False, note="Origin still misrepresented.")


# ---------------------------------------------------------------- opening


def test_a_case_gets_the_mitigation_the_policy_prescribes_and_records_its_opening(supplier, compliance):
    smelter = make_smelter("CID001070", "Tin", "Example Tin Smelter")
    grave = open_(supplier, compliance, T.ARMED_GROUPS, source="CMRT 2026", smelter=smelter)
    plan = open_(supplier, compliance, T.SECURITY_FORCES)
    assert (grave.mitigation, grave.status, grave.smelter, grave.source) == ("disengage", S.SUSPENDED, smelter, "CMRT 2026")
    assert (plan.mitigation, plan.status) == ("risk_plan", S.OPEN)
    assert kinds(grave) == [K.OPENED, K.SUSPENDED]
    assert AuditEvent.objects.filter(action="minerals_case.opened", supplier_id=supplier.pk).count() == 2


def test_a_supplier_has_one_open_case_per_risk_type(supplier, compliance):
    first = open_(supplier, compliance)
    with pytest.raises(RuleViolation, match=r"already has an open case for this risk \(case \d+"):
        open_(supplier, compliance)
    assert RiskCase.objects.count() == 1
    cases.close_case(first, actor=compliance, note="Papers were genuine after all.")
    assert open_(supplier, compliance).pk != first.pk


@pytest.mark.parametrize(
    ("risk_type", "description", "message"),
    [("cobalt", "x", "risk_type: choose one"), (T.ARMED_GROUPS, "  ", "description: describe the risk")],
)
def test_bad_input_opens_nothing(supplier, compliance, risk_type, description, message):
    with pytest.raises(RuleViolation, match=message):
        cases.open_case(supplier, actor=compliance, risk_type=risk_type, description=description)
    assert not RiskCase.objects.exists() and not AuditEvent.objects.filter(action__startswith="minerals_case").exists()


# ---------------------------------------------------------------- plan and review


def test_a_plan_is_reviewed_after_the_policy_months(supplier, compliance):
    case = planned(supplier, compliance)
    assert (case.status, case.plan_started_on, case.review_due, case.plan_revision) == (S.PLAN, START, dt.date(2026, 9, 2), 1)
    PolicySettings.objects.filter(pk=1).update(minerals_plan_review_months=4)
    with on(START):
        other = cases.adopt_plan(open_(supplier, compliance, T.SECURITY_FORCES), actor=compliance, plan="Vetting of guards.")
    assert other.review_due == dt.date(2026, 7, 2)


def test_a_grave_risk_gets_no_plan(supplier, compliance):
    case = open_(supplier, compliance, T.SERIOUS_ABUSES)
    with pytest.raises(RuleViolation, match="no plan route for this risk"):
        cases.adopt_plan(case, actor=compliance, plan="Talk to them.")
    case.refresh_from_db()
    assert case.status == S.SUSPENDED and kinds(case) == [K.OPENED, K.SUSPENDED]


def test_a_plan_needs_a_text(supplier, compliance):
    with pytest.raises(RuleViolation, match="plan: describe"):
        cases.adopt_plan(open_(supplier, compliance), actor=compliance, plan=" ")


def test_the_review_waits_for_its_date_then_an_effective_plan_closes_the_case(supplier, compliance):
    case = planned(supplier, compliance)
    with on(dt.date(2026, 9, 1)), pytest.raises(RuleViolation, match="reviewed on 2026-09-02 at the earliest"):
        cases.review_plan(case, actor=compliance, effective=True, note="Fine.")
    with on(dt.date(2026, 9, 2)):
        case = cases.review_plan(case, actor=compliance, effective=True, note="Origin verified by the third party.")
    assert (case.status, case.closed_on) == (S.CLOSED, dt.date(2026, 9, 2))
    assert kinds(case) == [K.OPENED, K.PLAN_ADOPTED, K.REVIEW_EFFECTIVE]
    assert case.steps.last().note == "Origin verified by the third party."


def test_a_plan_without_effect_suspends_trade_for_at_least_the_minimum(supplier, compliance):
    case = suspended(supplier, compliance)
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.SUSPENDED
    assert (case.status, case.suspended_on, case.suspended_until) == (S.SUSPENDED, dt.date(2026, 9, 2), dt.date(2026, 12, 2))
    assert kinds(case)[-2:] == [K.REVIEW_NO_EFFECT, K.SUSPENDED]
    assert AuditEvent.objects.filter(action="supplier.suspended", supplier_id=supplier.pk).exists()


def test_a_review_needs_a_note(supplier, compliance):
    case = planned(supplier, compliance)
    with on(dt.date(2026, 9, 2)), pytest.raises(RuleViolation, match="note: say what the review found"):
        cases.review_plan(case, actor=compliance, effective=False, note="")
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.ACTIVE


def test_a_grave_risk_against_a_supplier_in_admission_keeps_it_from_being_approved(compliance):
    """The suspension is recorded whatever the lifecycle status (old behaviour: the lifecycle refused to suspend a
    prospect and the case stayed open); approving the supplier later is refused while it is in force."""
    candidate = make_supplier(status=Supplier.Status.CERTIFICATION)
    case = open_(candidate, compliance, T.ENVIRONMENTAL_HARM)
    candidate.refresh_from_db()
    assert (case.status, candidate.status) == (S.SUSPENDED, Supplier.Status.CERTIFICATION)
    with pytest.raises(RuleViolation, match="Trade suspended since .* It lasts until procurement confirms"):
        lifecycle.approve_supplier(candidate, actor=compliance)


# ---------------------------------------------------------------- suspension, revision, resumption


def test_a_revised_plan_needs_both_plan_and_targets(supplier, compliance):
    case = suspended(supplier, compliance)
    with pytest.raises(RuleViolation) as refused:
        cases.revise_plan(case, actor=compliance, plan="", targets=" ")
    assert [m.split(":")[0] for m in refused.value.messages] == ["plan", "targets"]


def test_trade_resumes_only_after_the_minimum_and_with_a_revised_plan_and_targets(supplier, compliance):
    case = suspended(supplier, compliance)
    with on(dt.date(2026, 12, 1)):
        cases.revise_plan(case, actor=compliance, plan="Independent origin audit.", targets="Two clean shipments.")
        with pytest.raises(RuleViolation, match="Trade can resume on 2026-12-02 at the earliest"):
            cases.resume_trade(case, actor=compliance, note="Targets met.")
    with on(dt.date(2026, 12, 2)):
        case = cases.resume_trade(case, actor=compliance, note="Two clean shipments verified.")
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.ACTIVE
    assert (case.status, case.plan_revision, case.review_due) == (S.PLAN, 2, dt.date(2027, 6, 2))
    assert kinds(case)[-2:] == [K.PLAN_REVISED, K.RESUMED]


def test_trade_does_not_resume_without_a_revision_made_during_this_suspension(supplier, compliance):
    case = suspended(supplier, compliance)
    with on(dt.date(2026, 12, 2)):
        with pytest.raises(RuleViolation, match="revised plan with targets is needed"):
            cases.resume_trade(case, actor=compliance, note="Trust us.")
        cases.revise_plan(case, actor=compliance, plan="Origin audit.", targets="Clean shipments.")
        case = cases.resume_trade(case, actor=compliance, note="Done.")
    with on(dt.date(2027, 6, 2)):
        case = cases.review_plan(case, actor=compliance, effective=False, note="Relapsed.")
    with on(dt.date(2027, 9, 2)), pytest.raises(RuleViolation, match="revised plan with targets is needed"):
        cases.resume_trade(case, actor=compliance, note="The old revision does not count.")


def test_a_supplier_suspended_by_two_cases_resumes_when_the_last_one_does(supplier, compliance, procurement):
    bribery = suspended(supplier, compliance, T.BRIBERY_FRAUD)
    security = suspended(supplier, compliance, T.SECURITY_FORCES)
    assert security.status == S.SUSPENDED
    with on(dt.date(2026, 12, 2)):
        cases.revise_plan(bribery, actor=compliance, plan="Revised.", targets="Targets.")
        cases.resume_trade(bribery, actor=compliance, note="Met.")
        supplier.refresh_from_db()
        assert supplier.status == Supplier.Status.SUSPENDED
        terminations.lift_suspension(cases.suspension_in_force(security), actor=procurement, reason="Guards vetted.")
    supplier.refresh_from_db()
    security.refresh_from_db()
    assert supplier.status == Supplier.Status.ACTIVE
    assert (security.status, security.review_due) == (S.PLAN, dt.date(2027, 6, 2))


# ---------------------------------------------------------------- disengagement


def test_a_grave_risk_suspends_trade_at_once(supplier, compliance):
    with on(START):
        case = open_(supplier, compliance, T.LIFE_THREATENING_OHS)
    supplier.refresh_from_db()
    assert (supplier.status, case.status, case.suspended_until) == (Supplier.Status.SUSPENDED, S.SUSPENDED, None)


def test_terminating_recommends_it_to_procurement_and_finishes_the_case(
    supplier, compliance, procurement, django_capture_on_commit_callbacks
):
    case = open_(supplier, compliance, T.ARMED_GROUPS)
    with django_capture_on_commit_callbacks(execute=True):
        case = cases.disengage(case, actor=compliance, mode="terminate", note="Smelter pays an armed group.")
    termination = TerminationCase.objects.get()
    assert (termination.source, termination.source_ref, termination.status) == (
        "minerals",
        f"minerals_case:{case.pk}",
        TerminationCase.Status.RECOMMENDED,
    )
    assert "Smelter pays an armed group." in termination.reason
    assert case.status == S.TERMINATED and kinds(case)[-1] == K.TERMINATION
    assert [m.to for m in mail.outbox] == [[procurement.email]]


@pytest.mark.parametrize("risk_type", [T.SECURITY_FORCES, T.BRIBERY_FRAUD])
def test_a_failed_plan_suspends_by_default_and_may_end_in_termination(supplier, compliance, risk_type):
    """风险降低措施未起作用的，暂时中止或终止: the failed review suspends (for 四 at least the minimum); termination
    may then be recommended from the case, before the minimum is over."""
    case = suspended(supplier, compliance, risk_type)
    minimum = dt.date(2026, 12, 2) if risk_type == T.BRIBERY_FRAUD else None
    assert (case.status, case.suspended_until) == (S.SUSPENDED, minimum)
    with on(dt.date(2026, 10, 1)):
        case = cases.disengage(case, actor=compliance, mode="terminate", note="Origin fraud continues.")
    assert case.status == S.TERMINATED and kinds(case)[-3:] == [K.REVIEW_NO_EFFECT, K.SUSPENDED, K.TERMINATION]
    termination = TerminationCase.objects.get(source_ref=f"minerals_case:{case.pk}")
    assert termination.status == TerminationCase.Status.RECOMMENDED and "Origin fraud continues." in termination.reason


def test_a_bribery_plan_is_not_terminated_before_its_failed_review(supplier, compliance):
    case = planned(supplier, compliance, T.BRIBERY_FRAUD)
    with on(dt.date(2026, 9, 2)), pytest.raises(RuleViolation, match="only when the plan shows no effect"):
        cases.disengage(case, actor=compliance, mode="terminate", note="Impatient.")
    assert not TerminationCase.objects.exists()


def test_a_plan_case_is_not_disengaged_before_its_review(supplier, compliance):
    case = planned(supplier, compliance, T.SECURITY_FORCES)
    with pytest.raises(RuleViolation, match="only when the plan shows no effect"):
        cases.disengage(case, actor=compliance, mode="suspend", note="Impatient.")
    with pytest.raises(RuleViolation, match="mode: choose suspend or terminate"):
        cases.disengage(case, actor=compliance, mode="warn", note="x")


def test_only_an_unmitigated_case_closes_without_a_review(supplier, compliance):
    case = planned(supplier, compliance)
    with pytest.raises(RuleViolation, match="closes when the review finds the plan effective"):
        cases.close_case(case, actor=compliance, note="Bored.")
    other = open_(make_supplier(status=Supplier.Status.ACTIVE), compliance, T.SECURITY_FORCES)
    with pytest.raises(RuleViolation, match="note: say why"):
        cases.close_case(other, actor=compliance, note="")
    assert cases.close_case(other, actor=compliance, note="Not confirmed.").status == S.CLOSED


# ---------------------------------------------------------------- the daily reminder


def test_compliance_hears_about_reviews_due_and_suspensions_past_their_minimum(supplier, compliance, procurement, capsys):
    due = planned(supplier, compliance, T.SECURITY_FORCES)
    other = make_supplier(legal_name="Sigma Gold Ltd.", status=Supplier.Status.ACTIVE)
    waiting = suspended(other, compliance)
    planned(make_supplier(status=Supplier.Status.ACTIVE), compliance)  # its review is due the same day
    make_user(Role.COMPLIANCE, username="inactive-compliance", is_active=False)
    mail.outbox.clear()
    call_command("minerals_case_reviews", "--date", "2026-12-02")
    out = capsys.readouterr().out
    assert "2 plan review(s) due, 1 suspension(s) past their minimum; 1 recipient(s)." in out
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [compliance.email]
    body = mail.outbox[0].body
    assert f"case {due.pk}" in body and f"case {waiting.pk}" in body and "suspended until 2026-12-02" in body


def test_the_reminder_is_quiet_when_nothing_is_due(supplier, compliance, capsys):
    planned(supplier, compliance)
    mail.outbox.clear()
    call_command("minerals_case_reviews", "--date", "2026-09-01")
    assert "0 plan review(s) due, 0 suspension(s)" in capsys.readouterr().out
    assert mail.outbox == []
    with pytest.raises(CommandError, match="is not a date"):
        call_command("minerals_case_reviews", "--date", "next Monday")
