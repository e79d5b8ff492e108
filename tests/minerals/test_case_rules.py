"""The minerals risk-case rules with no database: mitigation per OECD Annex II risk type (Yilian policy), the
review and resume dates, and which steps a case may take on a given day."""

from datetime import date

import pytest

from supplyesg.minerals.cases import rules
from supplyesg.minerals.cases.models import RiskCase

R = rules


@pytest.mark.parametrize(
    ("risk_type", "mitigation", "may_terminate"),
    [
        (R.SERIOUS_ABUSES, R.DISENGAGE, True),
        (R.ARMED_GROUPS, R.DISENGAGE, True),
        (R.LIFE_THREATENING_OHS, R.DISENGAGE, True),
        (R.ENVIRONMENTAL_HARM, R.DISENGAGE, True),
        (R.SECURITY_FORCES, R.RISK_PLAN, True),
        (R.BRIBERY_FRAUD, R.RISK_PLAN, True),
    ],
)
def test_each_annex_ii_risk_has_the_mitigation_the_policy_prescribes(risk_type, mitigation, may_terminate):
    assert R.mitigation_for(risk_type) == mitigation
    assert R.may_terminate(risk_type) is may_terminate


def test_the_rules_cover_exactly_the_risk_types_and_mitigations_of_the_model():
    assert set(R.MITIGATION) == set(RiskCase.RiskType.values)
    assert set(R.MITIGATION.values()) == set(RiskCase.Mitigation.values)
    assert {R.OPEN, R.PLAN, R.SUSPENDED, R.TERMINATED, R.CLOSED} == set(RiskCase.Status.values)


def test_an_unknown_risk_type_is_refused():
    with pytest.raises(ValueError, match="unknown minerals risk type"):
        R.mitigation_for("conflict_cobalt")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 3, 1), 6, date(2026, 9, 1)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),  # clamped to the month's end
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 3, date(2027, 3, 15)),  # across the year
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
    ],
)
def test_review_and_resume_dates_add_whole_months_clamped_at_the_month_end(start, months, expected):
    assert R.review_due(start, months) == expected
    assert R.earliest_resume(start, months) == expected


@pytest.mark.parametrize(
    ("risk_type", "words"),
    [
        (R.ARMED_GROUPS, ["suspended when the case was opened", "confirms the termination or lifts", "no plan route"]),
        (R.SECURITY_FORCES, ["plan at once", "reviewed after 6 months", "no measurable improvement", "lifts the suspension"]),
        (R.BRIBERY_FRAUD, ["reviewed after 6 months", "at least 3 months", "before trade resumes", "termination"]),
    ],
)
def test_the_prescribed_mitigation_is_explained_in_one_sentence(risk_type, words):
    text = R.mitigation_sentence(risk_type, review_months=6, suspension_months=3).text
    for word in words:
        assert word in text


TODAY = date(2026, 9, 1)
EARLIER, LATER = date(2026, 8, 31), date(2026, 9, 2)
ALL_STEPS = set(R.STEPS)


def _allowed(answers):
    return {a.step for a in answers if a.allowed}


def _reasons(answers):
    return {a.step: a.reason for a in answers if not a.allowed}


@pytest.mark.parametrize(
    ("label", "kwargs", "allowed", "reasons"),
    [
        (
            "a grave risk is suspended or terminated at once, never planned",
            {"status": R.OPEN, "risk_type": R.SERIOUS_ABUSES},
            {R.SUSPEND, R.TERMINATE, R.CLOSE_CASE},
            {R.ADOPT_PLAN: "The policy prescribes immediate suspension or termination for this risk, not a plan."},
        ),
        (
            "a security-forces risk starts with a plan",
            {"status": R.OPEN, "risk_type": R.SECURITY_FORCES},
            {R.ADOPT_PLAN, R.CLOSE_CASE},
            {R.REVIEW_PLAN: "No plan has been adopted yet.", R.RESUME_TRADE: "Trade is not suspended."},
        ),
        (
            "a plan is not reviewed before its date",
            {"status": R.PLAN, "risk_type": R.BRIBERY_FRAUD, "review_due": LATER},
            set(),
            {R.REVIEW_PLAN: "The plan is reviewed on 2026-09-02 at the earliest."},
        ),
        (
            "a plan is reviewed on its date",
            {"status": R.PLAN, "risk_type": R.BRIBERY_FRAUD, "review_due": TODAY},
            {R.REVIEW_PLAN},
            {R.CLOSE_CASE: "The case closes when the review finds the plan effective."},
        ),
        (
            "a plan is reviewed after its date",
            {"status": R.PLAN, "risk_type": R.SECURITY_FORCES, "review_due": EARLIER},
            {R.REVIEW_PLAN},
            {R.SUSPEND: "Trade is suspended only when the plan shows no effect at its review."},
        ),
        (
            "a plan without a date can be reviewed",
            {"status": R.PLAN, "risk_type": R.SECURITY_FORCES},
            {R.REVIEW_PLAN},
            {},
        ),
        (
            "trade does not resume before the minimum suspension, even with a revised plan",
            {"status": R.SUSPENDED, "risk_type": R.BRIBERY_FRAUD, "suspended_until": LATER, "revised": True},
            {R.REVISE_PLAN, R.TERMINATE},
            {R.RESUME_TRADE: "Trade can resume on 2026-09-02 at the earliest.", R.SUSPEND: "Trade is already suspended."},
        ),
        (
            "trade does not resume without a revised plan and targets",
            {"status": R.SUSPENDED, "risk_type": R.BRIBERY_FRAUD, "suspended_until": TODAY, "revised": False},
            {R.REVISE_PLAN, R.TERMINATE},
            {R.RESUME_TRADE: "A revised plan with targets is needed before trade resumes."},
        ),
        (
            "trade resumes on the last day of the minimum with a revised plan",
            {"status": R.SUSPENDED, "risk_type": R.BRIBERY_FRAUD, "suspended_until": TODAY, "revised": True},
            {R.REVISE_PLAN, R.RESUME_TRADE, R.TERMINATE},
            {R.CLOSE_CASE: "Trade is suspended: resume trade (or terminate) before the case can close."},
        ),
        (
            "a failed security-forces plan may end in termination; procurement decides, no minimum, no revised targets",
            {"status": R.SUSPENDED, "risk_type": R.SECURITY_FORCES, "suspended_until": None, "revised": False},
            {R.TERMINATE},
            {R.RESUME_TRADE: "Procurement confirms the termination or lifts the suspension; trade then resumes under the plan."},
        ),
        (
            "a failed bribery plan may end in termination, even within the minimum suspension",
            {"status": R.SUSPENDED, "risk_type": R.BRIBERY_FRAUD, "suspended_until": LATER, "revised": False},
            {R.REVISE_PLAN, R.TERMINATE},
            {R.RESUME_TRADE: "Trade can resume on 2026-09-02 at the earliest."},
        ),
        (
            "a suspended grave risk may be terminated and has no plan route",
            {"status": R.SUSPENDED, "risk_type": R.ENVIRONMENTAL_HARM},
            {R.TERMINATE},
            {
                R.REVISE_PLAN: "There is no plan route for this risk: "
                "procurement confirms the termination or lifts the suspension."
            },
        ),
        (
            "a closed case takes no step",
            {"status": R.CLOSED, "risk_type": R.SECURITY_FORCES},
            set(),
            {step: "The case is closed." for step in R.STEPS},
        ),
        (
            "a terminated case takes no step",
            {"status": R.TERMINATED, "risk_type": R.ARMED_GROUPS},
            set(),
            {R.SUSPEND: "Termination of cooperation was recommended; the case is finished."},
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_allowed_steps(label, kwargs, allowed, reasons):
    answers = R.allowed_steps(on=TODAY, **kwargs)
    assert [a.step for a in answers] == list(R.STEPS)
    assert _allowed(answers) == allowed
    for step, reason in reasons.items():
        assert _reasons(answers)[step] == reason
    assert all(a.reason for a in answers if not a.allowed)
    assert all(not a.reason for a in answers if a.allowed)


@pytest.mark.parametrize("risk_type", [R.SECURITY_FORCES, R.BRIBERY_FRAUD])
def test_a_risk_plan_case_is_terminated_only_after_its_failed_review(risk_type):
    """风险降低措施未起作用的，暂时中止或终止: termination comes after the failed review, never before it; the
    minimum suspension belongs to 四 (bribery and fraud) only."""
    plan_first = "The policy prescribes a risk-management plan first; trade is suspended only when the plan shows no effect."
    assert R.answer_for(R.allowed_steps(status=R.OPEN, risk_type=risk_type, on=TODAY), R.TERMINATE).reason == plan_first
    during = R.allowed_steps(status=R.PLAN, risk_type=risk_type, on=TODAY, review_due=EARLIER)
    assert R.answer_for(during, R.TERMINATE).reason == "Trade is suspended only when the plan shows no effect at its review."
    until = LATER if risk_type == R.BRIBERY_FRAUD else None
    after = R.allowed_steps(status=R.SUSPENDED, risk_type=risk_type, on=TODAY, suspended_until=until, revised=False)
    assert R.answer_for(after, R.TERMINATE).allowed
    assert not R.answer_for(after, R.RESUME_TRADE).allowed


def test_an_unknown_status_or_step_is_refused():
    with pytest.raises(ValueError, match="unknown case status"):
        R.allowed_steps(status="archived", risk_type=R.SECURITY_FORCES, on=TODAY)
    with pytest.raises(KeyError):
        R.answer_for(R.allowed_steps(status=R.OPEN, risk_type=R.SECURITY_FORCES, on=TODAY), "escalate")
