"""The Yilian responsible-minerals policy (seed 002), clause by clause: when orders stop, who ends the stop, and
what no other path may do. One table-driven test per rule, named after the clause."""

import datetime as dt
import json
from contextlib import contextmanager

import pytest
import time_machine

from supplyesg.core.errors import RuleViolation
from supplyesg.minerals.cases import rules
from supplyesg.minerals.cases import services as cases
from supplyesg.minerals.cases.models import RiskCase
from supplyesg.suppliers.models import Supplier, Suspension, TerminationCase
from supplyesg.suppliers.services import lifecycle, orders
from supplyesg.suppliers.terminations import services as terminations
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db

T = RiskCase.RiskType
S = RiskCase.Status
START = dt.date(2026, 3, 2)


@contextmanager
def on(day: dt.date):
    with time_machine.travel(dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def supplier(db):
    return make_supplier(legal_name="Omega Tin Trading Ltd.", status=Supplier.Status.ACTIVE)


def open_(supplier, actor, risk_type, **kwargs):
    kwargs.setdefault("description", "A red flag at the source.")
    return cases.open_case(supplier, actor=actor, risk_type=risk_type, **kwargs)


def refusal(func, *args, **kwargs) -> str:
    with pytest.raises(RuleViolation) as caught:
        func(*args, **kwargs)
    return " ".join(caught.value.messages)


# ---------------------------------------------------------------- 一 二 五 六: immediately suspend or terminate

GRAVE = [
    pytest.param(T.SERIOUS_ABUSES, id="yilian_1_serious_abuses"),
    pytest.param(T.ARMED_GROUPS, id="yilian_2_non_state_armed_groups"),
    pytest.param(T.LIFE_THREATENING_OHS, id="yilian_5_life_threatening_working_conditions"),
    pytest.param(T.ENVIRONMENTAL_HARM, id="yilian_6_grave_environmental_harm"),
]


@pytest.mark.parametrize("risk_type", GRAVE)
def test_yilian_1_2_5_6_grave_risk_case_suspends_trade_at_once_with_the_case_as_reason(supplier, compliance, risk_type):
    """"我们将立即中止或终止与该供应商的合作": can-order says no from the moment the case is opened."""
    assert orders.can_order(supplier).can_order
    case = open_(supplier, compliance, risk_type)
    answer = orders.can_order(supplier)
    assert not answer.can_order
    assert f"Minerals risk case {case.pk}" in answer.reasons[0] and "until procurement confirms" in answer.reasons[0]
    supplier.refresh_from_db()
    assert (case.status, supplier.status, orders.standing(supplier).label) == (S.SUSPENDED, "suspended", "Suspended")
    # no plan route exists for these types
    assert "no plan route" in refusal(cases.adopt_plan, case, actor=compliance, plan="Talk to them.")
    assert "no plan route" in refusal(cases.resume_trade, case, actor=compliance, note="Better now.")


@pytest.mark.parametrize("risk_type", GRAVE)
@pytest.mark.parametrize(
    ("decision", "can_order_after", "case_after", "status_after"),
    [
        ("lift", True, S.CLOSED, Supplier.Status.ACTIVE),
        ("terminate", False, S.TERMINATED, Supplier.Status.SUSPENDED),
    ],
)
def test_yilian_1_2_5_6_procurement_confirms_the_termination_or_lifts_the_suspension_with_a_reason(
    supplier, compliance, procurement, risk_type, decision, can_order_after, case_after, status_after
):
    case = open_(supplier, compliance, risk_type)
    suspension = cases.suspension_in_force(case)
    decide = terminations.lift_suspension if decision == "lift" else terminations.terminate_suspended
    assert "reason:" in refusal(decide, suspension, actor=procurement, reason="  ")
    assert not orders.can_order(supplier).can_order
    decide(suspension, actor=procurement, reason="Procurement's decision after the site visit.")
    case.refresh_from_db()
    supplier.refresh_from_db()
    answer = orders.can_order(supplier)
    assert (answer.can_order, case.status, supplier.status) == (can_order_after, case_after, status_after)
    if decision == "terminate":
        assert answer.reasons[0].startswith("Termination of cooperation confirmed on")
        assert TerminationCase.objects.in_force().get().source_ref == f"minerals_case:{case.pk}"
    assert case.steps.last().note == "Procurement's decision after the site visit."


# ---------------------------------------------------------------- 三: plan at once, six months, suspend or terminate


@pytest.mark.parametrize(
    ("review_on", "effective", "outcome"),
    [
        (dt.date(2026, 9, 1), False, "refused: reviewed on 2026-09-02 at the earliest"),
        (dt.date(2026, 9, 2), True, S.CLOSED),
        (dt.date(2026, 9, 2), False, S.SUSPENDED),
    ],
)
def test_yilian_3_security_forces_plan_at_once_and_no_improvement_in_6_months_suspends(
    supplier, compliance, procurement, review_on, effective, outcome
):
    """"立即制定、采用和实施…风险管理计划…如果风险管理计划实施六个月未起作用，我们将暂时中止或终止"."""
    with on(START):
        case = open_(supplier, compliance, T.SECURITY_FORCES, plan="Vetted guards, no cash payments.")
    assert (case.status, case.review_due) == (S.PLAN, dt.date(2026, 9, 2))
    assert orders.can_order(supplier).can_order
    with on(review_on):
        if outcome.startswith("refused"):
            assert outcome.removeprefix("refused: ") in refusal(
                cases.review_plan, case, actor=compliance, effective=effective, note="Checked."
            )
            return
        case = cases.review_plan(case, actor=compliance, effective=effective, note="Checked.")
    assert case.status == outcome
    assert orders.can_order(supplier).can_order is (outcome == S.CLOSED)
    if outcome == S.SUSPENDED:
        # no three-month minimum and no revised targets for 三: procurement may lift at once, trade resumes under
        # the plan with a new review
        assert case.suspended_until is None
        assert "Procurement confirms" in refusal(cases.resume_trade, case, actor=compliance, note="x")
        with on(review_on):
            terminations.lift_suspension(cases.suspension_in_force(case), actor=procurement, reason="Guards replaced.")
        case.refresh_from_db()
        assert (case.status, case.review_due) == (S.PLAN, dt.date(2027, 3, 2))
        assert orders.can_order(supplier).can_order


# ---------------------------------------------------------------- 四: at least three months, revised targets


@pytest.mark.parametrize(
    ("who", "day", "revised", "refused_with"),
    [
        ("procurement", dt.date(2026, 12, 1), False, "ends on 2026-12-02 at the earliest"),
        ("procurement", dt.date(2026, 12, 2), True, "ends only with a revised risk-management plan with performance targets"),
        ("compliance", dt.date(2026, 12, 1), True, "Trade can resume on 2026-12-02 at the earliest."),
        ("compliance", dt.date(2026, 12, 2), False, "A revised plan with targets is needed before trade resumes."),
        ("compliance", dt.date(2026, 12, 2), True, ""),
    ],
)
def test_yilian_4_failed_review_suspends_at_least_3_months_and_resumes_only_with_revised_targets(
    supplier, compliance, procurement, who, day, revised, refused_with
):
    """"企业应暂时停止或中断与供应商的合作，时间至少是三个月，并…对风险管理计划进行修订，阐明贸易关系恢复之前改进工作所应
    达到的绩效目标"."""
    with on(START):
        case = open_(supplier, compliance, T.BRIBERY_FRAUD, plan="Third-party origin checks.")
    with on(dt.date(2026, 9, 2)):
        case = cases.review_plan(case, actor=compliance, effective=False, note="Origin still misrepresented.")
    assert (case.status, case.suspended_until) == (S.SUSPENDED, dt.date(2026, 12, 2))
    with on(day):
        if revised:
            cases.revise_plan(case, actor=compliance, plan="Independent origin audit.", targets="Two clean shipments.")
        if who == "procurement":
            attempt = (terminations.lift_suspension, cases.suspension_in_force(case))
            kwargs = {"actor": procurement, "reason": "Resume."}
        else:
            attempt = (cases.resume_trade, case)
            kwargs = {"actor": compliance, "note": "Targets met."}
        if refused_with:
            assert refused_with in refusal(*attempt, **kwargs)
            assert not orders.can_order(supplier).can_order
        else:
            attempt[0](attempt[1], **kwargs)
            assert orders.can_order(supplier).can_order


def test_yilian_minimum_and_revised_targets_belong_to_4_only():
    assert {t for t in T.values if rules.needs_minimum_and_revised_plan(t)} == {T.BRIBERY_FRAUD}
    assert {t for t in T.values if rules.suspends_at_opening(t)} == {
        T.SERIOUS_ABUSES,
        T.ARMED_GROUPS,
        T.LIFE_THREATENING_OHS,
        T.ENVIRONMENTAL_HARM,
    }


# ---------------------------------------------------------------- no other path ends a suspension early


def _restore(supplier, actor, client):
    lifecycle.restore_supplier(supplier, actor=actor, reason="Back to business.")


def _activate(supplier, actor, client):
    lifecycle.activate_supplier(supplier, actor=actor, reason="")


def _api_restore(supplier, actor, client):
    response = client.post(
        f"/api/suppliers/{supplier.pk}/transitions",
        data=json.dumps({"transition": "restore_supplier", "reason": "Back to business."}),
        content_type="application/json",
    )
    assert response.status_code == 409, response.content
    raise RuleViolation([e["message"] for e in response.json()["errors"]] or [response.json()["detail"]])


def _page_restore(supplier, actor, client):
    response = client.post(f"/suppliers/{supplier.pk}/transition/restore_supplier/", {"reason": "Back."}, follow=True)
    flashed = [str(m) for m in response.context["messages"]]
    raise RuleViolation(flashed)


def _admin_edit(supplier, actor, client):
    response = client.post(f"/admin/suppliers/supplier/{supplier.pk}/change/", {"status": "active"})
    assert response.status_code == 403
    raise RuleViolation("The admin does not change suppliers.")


@pytest.mark.parametrize(
    ("path", "says"),
    [
        (_restore, "until procurement confirms a termination or lifts it"),
        (_api_restore, "until procurement confirms a termination or lifts it"),
        (_page_restore, "until procurement confirms a termination or lifts it"),
        (_admin_edit, "The admin does not change suppliers."),
    ],
)
def test_a_suspension_in_force_cannot_be_ended_early_by_any_other_path(supplier, compliance, admin_user, client_for, path, says):
    case = open_(supplier, compliance, T.ARMED_GROUPS, description="Taxes paid to an armed group.")
    actor = admin_user if path is _admin_edit else compliance
    message = refusal(path, Supplier.objects.get(pk=supplier.pk), actor, client_for(actor))
    assert says in message
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.SUSPENDED and cases.suspension_in_force(case) is not None


def test_a_minimum_suspension_names_the_date_it_ends_when_restoring_is_refused(supplier, compliance):
    with on(START):
        case = open_(supplier, compliance, T.BRIBERY_FRAUD, plan="Origin checks.")
    with on(dt.date(2026, 9, 2)):
        cases.review_plan(case, actor=compliance, effective=False, note="No effect.")
        message = refusal(lifecycle.restore_supplier, supplier, actor=compliance, reason="Please.")
    assert "cannot be set Active: Trade suspended since 2026-09-02" in message
    assert "It ends on 2026-12-02 at the earliest, and only with a revised risk-management plan" in message


# ---------------------------------------------------------------- one answer


def _suspended_by_person(supplier, actor):
    lifecycle.suspend_supplier(supplier, actor=actor, reason="Quality escape under investigation.")


def _suspended_by_case(supplier, actor):
    open_(supplier, actor, T.SERIOUS_ABUSES)


def _terminated(supplier, actor):
    terminations.terminate_cooperation(supplier, actor=actor, source="manual", reason="Repeated fraud.")


def _blacklisted(supplier, actor):
    from supplyesg.suppliers.services.compliance import blacklist_supplier

    blacklist_supplier(supplier, actor=actor, reason="counterfeit", details="Forged certificates.", permanent=True)


@pytest.mark.parametrize(
    ("stop", "label", "status"),
    [
        (_suspended_by_person, "Suspended", Supplier.Status.SUSPENDED),
        (_suspended_by_case, "Suspended", Supplier.Status.SUSPENDED),
        (_terminated, "Terminated", Supplier.Status.SUSPENDED),
        (_blacklisted, "Blacklisted", Supplier.Status.BLACKLISTED),
    ],
)
def test_lifecycle_status_suspension_termination_and_blacklist_never_disagree(supplier, admin_user, stop, label, status):
    stop(supplier, admin_user)
    supplier.refresh_from_db()
    standing = orders.standing(supplier)
    answer = orders.can_order(supplier)
    assert (supplier.status, standing.label, standing.stopped, answer.can_order) == (status, label, True, False)
    assert standing.cause == answer.reasons[0]
    assert supplier.status not in Supplier.APPROVED_STATUSES
    if stop is not _suspended_by_person:  # a person's own suspension is the one "Restore" ends
        with pytest.raises(RuleViolation):
            lifecycle.restore_supplier(supplier, actor=admin_user, reason="Try.")
    supplier.refresh_from_db()
    assert supplier.status not in Supplier.APPROVED_STATUSES or stop is _suspended_by_person


def test_a_persons_suspension_is_a_record_that_restore_ends(supplier, compliance):
    lifecycle.suspend_supplier(supplier, actor=compliance, reason="Quality escape.")
    assert Suspension.objects.in_force().get().source == "manual"
    lifecycle.restore_supplier(supplier, actor=compliance, reason="Containment verified.")
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.ACTIVE and not Suspension.objects.in_force().exists()
    assert orders.can_order(supplier).can_order


def test_lifting_one_stop_leaves_the_supplier_stopped_while_another_is_in_force(supplier, compliance, procurement):
    grave = open_(supplier, compliance, T.ENVIRONMENTAL_HARM)
    terminations.suspend_trade(supplier, actor=None, source="audit", ref="audit:1", reason="Improvement plans overdue.")
    terminations.lift_suspension(cases.suspension_in_force(grave), actor=procurement, reason="Harm not confirmed.")
    supplier.refresh_from_db()
    answer = orders.can_order(supplier)
    assert supplier.status == Supplier.Status.SUSPENDED and not answer.can_order
    assert "Improvement plans overdue." in answer.reasons[0]
