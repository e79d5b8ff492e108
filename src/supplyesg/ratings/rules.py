"""The rating formula with no database: the ESG score (ESG manual), the business score, the weighted total,
the grade band and its action (AIKO). Reasons are (msgid, params) pairs translated when shown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


def gettext_noop(text: str) -> str:
    """Marks a message id for extraction (makemessages looks for this name); translated when shown."""
    return text


LOW, MEDIUM, HIGH = "low", "medium", "high"
LEVEL_ORDER = {LOW: 0, MEDIUM: 1, HIGH: 2}
ESG_BY_LEVEL = {LOW: 1, MEDIUM: 0, HIGH: -1}
ESG_POINTS = {1: Decimal(100), 0: Decimal(50), -1: Decimal(0)}  # the ESG score on the 0-100 scale of the total
PARTS = ("quality", "delivery", "cost", "service")
GRADE_ACTIONS = {"A": "increase", "B": "maintain", "C": "corrective", "D": "terminate"}
# ASUS: "decrease the amount of orders for bad suppliers when increase for good ones": the order allocation each
# action means for sales.
ALLOCATION_BY_ACTION = {"increase": "increase", "maintain": "keep", "corrective": "decrease", "terminate": "stop"}
TWO = Decimal("0.01")


@dataclass(frozen=True)
class RatingPolicy:
    esg_weight_percent: Decimal = Decimal("10")
    business_weights: Mapping[str, int] = field(
        default_factory=lambda: {"quality": 40, "delivery": 30, "cost": 20, "service": 10}
    )
    grade_a_from: Decimal = Decimal("90")
    grade_b_from: Decimal = Decimal("75")
    grade_c_from: Decimal = Decimal("60")

    @classmethod
    def from_settings(cls, s) -> RatingPolicy:
        return cls(
            esg_weight_percent=Decimal(s.esg_weight_percent),
            business_weights={part: getattr(s, f"business_weight_{part}") for part in PARTS},
            grade_a_from=Decimal(s.grade_a_from),
            grade_b_from=Decimal(s.grade_b_from),
            grade_c_from=Decimal(s.grade_c_from),
        )


SOURCE_AUDIT, SOURCE_RISK, SOURCE_NONE = "audit", "risk_level", "none"


@dataclass(frozen=True)
class EsgInputs:
    """What the ESG score is read from. `audit_level` is the latest ESG audit result within the policy's look-back;
    `risk_level` the annual risk level, used only when there is no such audit result and `risk_fallback` allows it."""

    audit_level: str | None = None
    risk_level: str | None = None
    risk_fallback: bool = False
    plan_consequence: str | None = None  # audits.rules.improvement_plan_consequence of the audit used
    remediation_overdue: int = 0  # corrective actions past their agreed completion date
    low_risk_late_lowers: bool = False  # policy: late actions lower a low-risk supplier's 1 to 0 (off by default)


@dataclass(frozen=True)
class EsgResult:
    score: int | None  # None: no ESG result; the total is the business score alone
    level: str | None
    reasons: tuple[tuple[str, Mapping], ...]
    source: str = SOURCE_NONE


def esg_score(data: EsgInputs) -> EsgResult:
    """ESG manual, "Scoring standards and measures for audits": the latest ESG audit result scores low 1, medium 0,
    high -1. The annual risk level stands in only where the policy allows it and no audit result is recent enough;
    with neither there is no ESG score at all (never an invented 0). A medium-risk improvement plan not provided
    in time turns 0 into -1. Low risk: non-conformities close in the time both parties agreed, and late ones lower
    the score only when the policy says so."""
    reasons: list[tuple[str, Mapping]] = []
    if data.audit_level in LEVEL_ORDER:
        level, source = data.audit_level, SOURCE_AUDIT
        reasons.append((gettext_noop("Latest ESG audit result: %(level)s."), {"level": level}))
    elif data.risk_fallback and data.risk_level in LEVEL_ORDER:
        level, source = data.risk_level, SOURCE_RISK
        reasons.append(
            (
                gettext_noop("No ESG audit result within the look-back; the annual risk level counts: %(level)s."),
                {"level": level},
            )
        )
    else:
        return EsgResult(
            None,
            None,
            (
                (
                    gettext_noop(
                        "No ESG result: no ESG audit result within the look-back; the total is the business score alone."
                    ),
                    {},
                ),
            ),
            SOURCE_NONE,
        )
    score = ESG_BY_LEVEL[level]
    reasons.append((gettext_noop("%(level)s risk scores %(score)s."), {"level": level, "score": score}))
    if source == SOURCE_AUDIT:
        if data.plan_consequence in ("esg_minus_one", "recommend_termination") and score > -1:
            score = -1
            reasons.append((gettext_noop("The improvement plan was not provided in time: ESG score -1."), {}))
        elif data.plan_consequence == "recommend_termination":
            late = gettext_noop("The high-risk improvement plan was not provided in time: termination recommended.")
            reasons.append((late, {}))
    if score == 1 and data.remediation_overdue > 0 and data.low_risk_late_lowers:
        score = 0
        reasons.append(
            (
                gettext_noop("%(count)s non-conformities were not closed in the agreed time: ESG score 0."),
                {"count": data.remediation_overdue},
            )
        )
    return EsgResult(score, level, tuple(reasons), source)


def _dec(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def business_score(parts: Mapping[str, Decimal | float | None], policy: RatingPolicy) -> Decimal | None:
    """Weighted mean of quality, delivery, cost and service (0-100) over the parts that have a value."""
    total_weight = Decimal(0)
    total = Decimal(0)
    for part in PARTS:
        value, weight = _dec(parts.get(part)), Decimal(policy.business_weights.get(part, 0))
        if value is None or weight <= 0:
            continue
        if not (0 <= value <= 100):
            raise ValueError(f"{part}: {value} is outside 0-100")
        total += value * weight
        total_weight += weight
    if total_weight == 0:
        return None
    return (total / total_weight).quantize(TWO, rounding=ROUND_HALF_UP)


def weighted_total(business: Decimal, esg: int | None, policy: RatingPolicy) -> Decimal:
    """(100 % - w) × business + w × ESG points, where the ESG score 1 / 0 / -1 is 100 / 50 / 0 points. Without an
    ESG result (None) the total is the business score alone."""
    weight = Decimal(policy.esg_weight_percent) / 100
    if not (Decimal("0.01") <= weight <= 1):
        raise ValueError("the ESG weight must be between 1 % and 100 %")
    if esg is None:
        return Decimal(business).quantize(TWO, rounding=ROUND_HALF_UP)
    total = (Decimal(1) - weight) * Decimal(business) + weight * ESG_POINTS[esg]
    return total.quantize(TWO, rounding=ROUND_HALF_UP)


def check_policy(policy: RatingPolicy) -> None:
    """The checks PolicySettings.full_clean() makes, for a policy read from a row edited behind its back:
    ValueError naming the setting."""
    weight = Decimal(policy.esg_weight_percent)
    if not (Decimal(1) <= weight <= Decimal(100)):
        raise ValueError(f"esg_weight_percent: {weight} is outside 1-100")
    if not (policy.grade_a_from > policy.grade_b_from > policy.grade_c_from):
        raise ValueError("grade_b_from: grade bands must descend (A above B above C)")
    if sum(max(0, int(policy.business_weights.get(part, 0))) for part in PARTS) <= 0:
        raise ValueError("business_weight_quality: at least one business weight must be above zero")


def grade_for(total: Decimal, policy: RatingPolicy) -> str:
    if total >= policy.grade_a_from:
        return "A"
    if total >= policy.grade_b_from:
        return "B"
    if total >= policy.grade_c_from:
        return "C"
    return "D"


def action_for(grade: str) -> str:
    return GRADE_ACTIONS[grade]


def allocation_change(recommended_action: str, decided_action: str = "") -> str:
    """The order-allocation change for the QBR: procurement's decided action where there is one, else the grade's."""
    return ALLOCATION_BY_ACTION[decided_action or recommended_action]


@dataclass(frozen=True)
class RatingResult:
    business: Decimal
    esg: EsgResult
    total: Decimal
    grade: str
    action: str

    def reasons(self, policy: RatingPolicy) -> tuple[tuple[str, Mapping], ...]:
        """The ESG score's reasons, then how the total and the grade follow from it."""
        if self.esg.score is None:
            alone = (
                gettext_noop("Business score %(business)s, no ESG result: total %(total)s, grade %(grade)s."),
                {"business": str(self.business), "total": str(self.total), "grade": self.grade},
            )
            return (*self.esg.reasons, alone)
        total = (
            gettext_noop(
                "Business score %(business)s and ESG score %(esg)s weighted %(weight)s %%: total %(total)s, grade %(grade)s."
            ),
            {
                "business": str(self.business),
                "esg": self.esg.score,
                "weight": format(Decimal(policy.esg_weight_percent).normalize(), "f"),
                "total": str(self.total),
                "grade": self.grade,
            },
        )
        return (*self.esg.reasons, total)


def rate(parts: Mapping[str, Decimal | float | None], esg: EsgInputs, policy: RatingPolicy) -> RatingResult | None:
    """One supplier's quarter, or None when there are no business scores to rate."""
    business = business_score(parts, policy)
    if business is None:
        return None
    esg_result = esg_score(esg)
    total = weighted_total(business, esg_result.score, policy)
    grade = grade_for(total, policy)
    return RatingResult(business, esg_result, total, grade, action_for(grade))
