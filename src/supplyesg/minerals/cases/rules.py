"""Minerals risk cases with no database: the mitigation the policy prescribes per OECD Annex II risk type, and
which steps a case may take now.

The Yilian responsible-minerals policy (风险缓解策略 of each Annex II risk):
- 一 serious abuses, 二 support to non-state armed groups, 五 life-threatening working conditions, 六 grave
  environmental harm: "立即中止或终止" — trade is suspended the moment the case is opened ("disengage"); procurement
  then confirms the termination or lifts the suspension, always with a reason. No plan route exists.
- 三 public or private security forces: a risk-management plan at once ("risk_plan"); "如果风险管理计划实施六个月未起
  作用，我们将暂时中止或终止": a review after six months with no effect suspends trade until procurement confirms a
  termination or lifts the suspension (trade then resumes under the plan).
- 四 bribery / fraudulent misrepresentation of origin / money laundering / taxes: a plan reviewed after six months;
  with no effect trade is suspended "时间至少是三个月" while the plan is revised with the performance targets to reach
  "贸易关系恢复之前". The minimum and the revised-targets rule belong to 四 only.

Sentences are English message ids with %(name)s parameters, marked with gettext_noop so they are extracted for
translation; the pages translate them when they show them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from supplyesg.audits.rules import add_months


def gettext_noop(text: str) -> str:
    """Marks a message id for extraction (makemessages looks for this name); translated when shown."""
    return text


# Annex II risk types (RiskCase.RiskType values)
SERIOUS_ABUSES = "serious_abuses"
ARMED_GROUPS = "armed_groups"
SECURITY_FORCES = "security_forces"
BRIBERY_FRAUD = "bribery_fraud"
LIFE_THREATENING_OHS = "life_threatening_ohs"
ENVIRONMENTAL_HARM = "environmental_harm"

# Mitigations (RiskCase.Mitigation values)
DISENGAGE, RISK_PLAN = "disengage", "risk_plan"

# Case statuses (RiskCase.Status values)
OPEN, PLAN, SUSPENDED, TERMINATED, CLOSED = "open", "plan", "suspended", "terminated", "closed"

MITIGATION: Mapping[str, str] = {
    SERIOUS_ABUSES: DISENGAGE,
    ARMED_GROUPS: DISENGAGE,
    LIFE_THREATENING_OHS: DISENGAGE,
    ENVIRONMENTAL_HARM: DISENGAGE,
    SECURITY_FORCES: RISK_PLAN,
    BRIBERY_FRAUD: RISK_PLAN,
}
# Risk-plan types whose failed plan may end in termination rather than a suspension (暂时中止或终止): both.
TERMINABLE_AFTER_FAILED_PLAN = frozenset({SECURITY_FORCES, BRIBERY_FRAUD})
# Types whose failed plan suspends trade for at least the policy's minimum, resuming only with a revised plan and
# performance targets (四 only); the others stay suspended until procurement decides.
MINIMUM_AND_REVISED_PLAN = frozenset({BRIBERY_FRAUD})

# Steps, in the order the pages offer them.
ADOPT_PLAN = "adopt_plan"
REVIEW_PLAN = "review_plan"
SUSPEND = "suspend"
TERMINATE = "terminate"
REVISE_PLAN = "revise_plan"
RESUME_TRADE = "resume_trade"
CLOSE_CASE = "close_case"
STEPS = (ADOPT_PLAN, REVIEW_PLAN, SUSPEND, TERMINATE, REVISE_PLAN, RESUME_TRADE, CLOSE_CASE)


def mitigation_for(risk_type: str) -> str:
    """DISENGAGE or RISK_PLAN; ValueError for a risk type the policy does not know."""
    try:
        return MITIGATION[risk_type]
    except KeyError:
        raise ValueError(f"unknown minerals risk type {risk_type!r}") from None


def may_terminate(risk_type: str) -> bool:
    """Whether termination is among the policy's answers for this type (disengage types, or a failed plan)."""
    return mitigation_for(risk_type) == DISENGAGE or risk_type in TERMINABLE_AFTER_FAILED_PLAN


def review_due(start: date, months: int) -> date:
    """When a risk-management plan adopted (or resumed) on `start` is reviewed."""
    return add_months(start, months)


def suspends_at_opening(risk_type: str) -> bool:
    """一/二/五/六: opening the case suspends trade at once."""
    return mitigation_for(risk_type) == DISENGAGE


def needs_minimum_and_revised_plan(risk_type: str) -> bool:
    """四: the suspension after a failed plan lasts at least the minimum and ends only with a revised plan."""
    return risk_type in MINIMUM_AND_REVISED_PLAN


def earliest_resume(suspended_on: date, months: int) -> date:
    """The first day trade may resume after a suspension that began on `suspended_on`."""
    return add_months(suspended_on, months)


@dataclass(frozen=True)
class Sentence:
    msgid: str
    params: Mapping = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.msgid % dict(self.params) if self.params else self.msgid


def mitigation_sentence(risk_type: str, *, review_months: int, suspension_months: int) -> Sentence:
    """The prescribed mitigation explained in one sentence."""
    params = {"review": review_months, "suspension": suspension_months}
    if mitigation_for(risk_type) == DISENGAGE:
        return Sentence(
            gettext_noop(
                "The policy prescribes immediate suspension or termination: trade was suspended when the case was "
                "opened, and stays suspended until procurement confirms the termination or lifts the suspension, "
                "with a reason. There is no plan route for this risk."
            ),
            params,
        )
    if needs_minimum_and_revised_plan(risk_type):
        return Sentence(
            gettext_noop(
                "The policy prescribes a risk-management plan reviewed after %(review)s months. If it shows no "
                "effect, trade is suspended for at least %(suspension)s months while the plan is revised with the "
                "performance targets to reach before trade resumes; termination may be recommended instead."
            ),
            params,
        )
    return Sentence(
        gettext_noop(
            "The policy prescribes a risk-management plan at once, reviewed after %(review)s months. If it shows no "
            "measurable improvement, trade is suspended until procurement confirms a termination or lifts the "
            "suspension (trade then resumes under the plan)."
        ),
        params,
    )


@dataclass(frozen=True)
class StepAnswer:
    step: str
    allowed: bool
    msgid: str = ""
    params: Mapping = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """Why the step is not allowed now ("" when it is)."""
        return self.msgid % dict(self.params) if self.params else self.msgid


def _yes(step: str) -> StepAnswer:
    return StepAnswer(step, True)


def _no(step: str, msgid: str, **params) -> StepAnswer:
    return StepAnswer(step, False, msgid, {k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items()})


FINISHED = {
    CLOSED: gettext_noop("The case is closed."),
    TERMINATED: gettext_noop("Termination of cooperation was recommended; the case is finished."),
}


def allowed_steps(
    *,
    status: str,
    risk_type: str,
    on: date,
    review_due: date | None = None,
    suspended_until: date | None = None,
    revised: bool = False,
) -> list[StepAnswer]:
    """Every step with whether it is allowed on `on` and, when not, why.

    `revised`: a revised plan with targets was recorded since the current suspension began.
    """
    mitigation = mitigation_for(risk_type)
    if status in FINISHED:
        return [_no(step, FINISHED[status]) for step in STEPS]
    if status == OPEN:
        return _open_steps(mitigation)
    if status == PLAN:
        return _plan_steps(on, review_due)
    if status == SUSPENDED:
        return _suspended_steps(risk_type, on, suspended_until, revised)
    raise ValueError(f"unknown case status {status!r}")


def _open_steps(mitigation: str) -> list[StepAnswer]:
    not_suspended = gettext_noop("Trade is not suspended.")
    if mitigation == DISENGAGE:
        no_plan = gettext_noop("The policy prescribes immediate suspension or termination for this risk, not a plan.")
        return [
            _no(ADOPT_PLAN, no_plan),
            _no(REVIEW_PLAN, gettext_noop("There is no plan to review.")),
            _yes(SUSPEND),
            _yes(TERMINATE),
            _no(REVISE_PLAN, not_suspended),
            _no(RESUME_TRADE, not_suspended),
            _yes(CLOSE_CASE),
        ]
    plan_first = gettext_noop(
        "The policy prescribes a risk-management plan first; trade is suspended only when the plan shows no effect."
    )
    return [
        _yes(ADOPT_PLAN),
        _no(REVIEW_PLAN, gettext_noop("No plan has been adopted yet.")),
        _no(SUSPEND, plan_first),
        _no(TERMINATE, plan_first),
        _no(REVISE_PLAN, not_suspended),
        _no(RESUME_TRADE, not_suspended),
        _yes(CLOSE_CASE),
    ]


def _plan_steps(on: date, due: date | None) -> list[StepAnswer]:
    not_suspended = gettext_noop("Trade is not suspended.")
    review = (
        _yes(REVIEW_PLAN)
        if due is None or on >= due
        else _no(REVIEW_PLAN, gettext_noop("The plan is reviewed on %(date)s at the earliest."), date=due)
    )
    after_review = gettext_noop("Trade is suspended only when the plan shows no effect at its review.")
    return [
        _no(ADOPT_PLAN, gettext_noop("A plan is already in place.")),
        review,
        _no(SUSPEND, after_review),
        _no(TERMINATE, after_review),
        _no(REVISE_PLAN, not_suspended),
        _no(RESUME_TRADE, not_suspended),
        _no(CLOSE_CASE, gettext_noop("The case closes when the review finds the plan effective.")),
    ]


def _suspended_steps(risk_type: str, on: date, until: date | None, revised: bool) -> list[StepAnswer]:
    if mitigation_for(risk_type) == DISENGAGE:
        decided = gettext_noop(
            "There is no plan route for this risk: procurement confirms the termination or lifts the suspension."
        )
        revise = _no(REVISE_PLAN, decided)
        resume = _no(RESUME_TRADE, decided)
    elif not needs_minimum_and_revised_plan(risk_type):
        decided = gettext_noop("Procurement confirms the termination or lifts the suspension; trade then resumes under the plan.")
        revise = _no(REVISE_PLAN, decided)
        resume = _no(RESUME_TRADE, decided)
    else:
        decided = ""
        revise = _yes(REVISE_PLAN)
        if until is not None and on < until:
            resume = _no(RESUME_TRADE, gettext_noop("Trade can resume on %(date)s at the earliest."), date=until)
        elif not revised:
            resume = _no(RESUME_TRADE, gettext_noop("A revised plan with targets is needed before trade resumes."))
        else:
            resume = _yes(RESUME_TRADE)
    no_plan = mitigation_for(risk_type) == DISENGAGE
    return [
        _no(ADOPT_PLAN, decided if no_plan else gettext_noop("Trade is suspended: revise the plan instead.")),
        _no(
            REVIEW_PLAN,
            decided if no_plan else gettext_noop("Trade is suspended: the plan is reviewed again once trade resumes."),
        ),
        _no(SUSPEND, gettext_noop("Trade is already suspended.")),
        _yes(TERMINATE),
        revise,
        resume,
        _no(CLOSE_CASE, gettext_noop("Trade is suspended: resume trade (or terminate) before the case can close.")),
    ]


def answer_for(answers: list[StepAnswer], step: str) -> StepAnswer:
    """The answer for one step (KeyError for an unknown step)."""
    for answer in answers:
        if answer.step == step:
            return answer
    raise KeyError(step)
