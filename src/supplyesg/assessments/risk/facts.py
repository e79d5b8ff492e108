"""What the risk rules read and return: levels and risk categories, the policy, each factor's input,
the results, and small number helpers. Pure Python: no Django import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def gettext_noop(text: str) -> str:
    """Marks a message id for extraction (makemessages looks for this name); translated when shown."""
    return text


LOW, MEDIUM, HIGH = "low", "medium", "high"
LEVELS = (LOW, MEDIUM, HIGH)
_LEVEL_RANK = {LOW: 0, MEDIUM: 1, HIGH: 2}

MANAGEMENT_SYSTEM = "management_system"
LABOUR = "labour"
HEALTH_SAFETY = "health_safety"
ENVIRONMENT = "environment"
ETHICS = "ethics"
PRODUCT_LIABILITY = "product_liability"
MINERALS = "minerals"
RISK_CATEGORIES = (MANAGEMENT_SYSTEM, LABOUR, HEALTH_SAFETY, ENVIRONMENT, ETHICS, PRODUCT_LIABILITY, MINERALS)

FACTORS = ("country", "category", "questionnaire", "audit", "grievances", "minerals", "documents")
FACTOR_CATEGORIES: dict[str, tuple[str, ...]] = {
    "country": (LABOUR, HEALTH_SAFETY, ENVIRONMENT, ETHICS),
    "category": (HEALTH_SAFETY, ENVIRONMENT, PRODUCT_LIABILITY, MINERALS),
    "questionnaire": RISK_CATEGORIES,
    "audit": RISK_CATEGORIES,
    "grievances": (LABOUR, HEALTH_SAFETY, ETHICS),
    "minerals": (MINERALS,),
    "documents": (MANAGEMENT_SYSTEM, PRODUCT_LIABILITY),
}


ZERO, HUNDRED = Decimal(0), Decimal(100)
CENT = Decimal("0.01")


# ---------------------------------------------------------------- inputs and results


@dataclass(frozen=True)
class Policy:
    weights: Mapping[str, int]
    medium_from: Decimal = Decimal(35)
    high_from: Decimal = Decimal(60)
    onsite_audit_cycle_years: int = 3

    def weight(self, factor: str) -> int:
        return max(0, int(self.weights.get(factor, 0) or 0))


DEFAULT_POLICY = Policy(
    weights={
        "country": 15,
        "category": 15,
        "questionnaire": 30,
        "audit": 20,
        "grievances": 5,
        "minerals": 10,
        "documents": 5,
    },
)


@dataclass(frozen=True)
class CountryInput:
    country: str
    score: Decimal | float | None  # None: the country index has no entry for the country
    source: str = ""
    as_of: str = ""


@dataclass(frozen=True)
class CategoryInput:
    name: str
    score: Decimal | float | None  # None: no commodity/process risk set for the category


@dataclass(frozen=True)
class QuestionnaireInput:
    # Response.scores: {"overall": 82.5, "risk_categories": {cat: 0-100, 100 = best}, "knockout": {...}}
    scores: Mapping
    campaign: str = ""
    status: str = ""
    submitted_on: str = ""


@dataclass(frozen=True)
class AuditInput:
    """What the audits capability hands in (through an input provider) per supplier."""

    score: Decimal | float | None  # the latest audit result, 0-100 where 100 = best; None: no scored audit
    audited_on: date | None = None
    open_corrective_actions: int = 0
    overdue_corrective_actions: int = 0
    category_scores: Mapping[str, float] | None = None  # per risk category, 100 = best
    last_onsite_audit: date | None = None


@dataclass(frozen=True)
class GrievanceInput:
    open_count: int
    severe_count: int = 0


@dataclass(frozen=True)
class MissingDocument:
    doc_type: str
    category: str
    status: str  # "missing" | "expired" | "not_renewed" (yearly rule, none issued within a year)


@dataclass(frozen=True)
class DocumentsInput:
    required: int  # mandatory document types for the supplier's categories
    missing: tuple[MissingDocument, ...] = ()


@dataclass(frozen=True)
class SupplierInputs:
    country: CountryInput | None = None
    categories: tuple[CategoryInput, ...] = ()
    questionnaire: QuestionnaireInput | None = None
    audit: AuditInput | None = None
    grievances: GrievanceInput | None = None
    minerals_flags: tuple[str, ...] | None = None  # None: never asked for a minerals declaration
    documents: DocumentsInput | None = None  # None: no mandatory documents apply
    # Open minerals risk cases as (code, risk), e.g. ("open_case:serious_abuses", 100): they raise the minerals
    # factor whether or not a declaration was asked for.
    minerals_cases: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True)
class FactorResult:
    factor: str
    risk: Decimal | None  # 0-100; None = no data, left out of the weighting
    msgid: str
    params: Mapping = field(default_factory=dict)
    input: Mapping = field(default_factory=dict)
    # Per risk category for factors that score categories separately; empty: `risk` feeds FACTOR_CATEGORIES.
    category_risks: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        return self.risk is not None

    @property
    def note(self) -> str:
        return self.msgid % dict(self.params) if self.params else self.msgid

    def risk_for(self, category: str) -> Decimal | None:
        """This factor's risk for one risk category, or None when it does not feed that category."""
        if self.risk is None:
            return None
        if self.category_risks:
            return self.category_risks.get(category)
        return self.risk if category in FACTOR_CATEGORIES[self.factor] else None


@dataclass(frozen=True)
class Knockout:
    level: str | None
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trigger:
    kind: str  # "onsite_audit" | "desk_review"
    msgid: str
    params: Mapping = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return self.msgid % dict(self.params) if self.params else self.msgid


@dataclass
class Result:
    overall: Decimal
    threshold_level: str
    level: str
    category_scores: dict[str, Decimal]
    factors: list[FactorResult]
    knockout: Knockout
    weight_total: int

    def _factor_line(self, f: FactorResult, weight: int) -> dict:
        return factor_line(f, weight, self.weight_total)

    def explanation(self, policy: Policy) -> list[dict]:
        """JSON for RiskAssessment.explanation: one line per factor, then the knock-out and the level."""
        weights = {f.factor: policy.weight(f.factor) for f in self.factors}
        lines = [self._factor_line(f, weights[f.factor]) for f in self.factors]
        return lines + self.closing_lines(policy, weights)

    def closing_lines(self, policy: Policy, weights: Mapping[str, int]) -> list[dict]:
        """The explanation's last lines: the knock-out (when there is one) and the level."""
        lines = []
        left_out = [f.factor for f in self.factors if not (f.has_data and weights[f.factor] > 0)]
        if self.knockout.level:
            params = {"level": self.knockout.level, "questions": ", ".join(self.knockout.questions) or "-"}
            msgid = KNOCKOUT_LINE
            lines.append(
                {
                    "factor": "knockout",
                    "level": self.knockout.level,
                    "questions": list(self.knockout.questions),
                    "note": msgid % params,
                    "msgid": msgid,
                    "params": params,
                }
            )
        params = {
            "score": _fmt(self.overall),
            "medium": _fmt(policy.medium_from),
            "high": _fmt(policy.high_from),
            "level": self.level,
            "left_out": ", ".join(left_out) or "-",
        }
        msgid = LEVEL_LINE if self.weight_total else NO_DATA_LINE
        lines.append(
            {
                "factor": "level",
                "level": self.level,
                "threshold_level": self.threshold_level,
                "left_out": left_out,
                "note": msgid % params,
                "msgid": msgid,
                "params": params,
            }
        )
        return lines


KNOCKOUT_LINE = gettext_noop("Knock-out answer (%(questions)s) in the questionnaire: the level is at least %(level)s.")
LEVEL_LINE = gettext_noop(
    "Overall %(score)s (medium from %(medium)s, high from %(high)s): %(level)s. "
    "Left out for lack of data or weight: %(left_out)s."
)
NO_DATA_LINE = gettext_noop("No input had data, so the supplier is assessed as low until data arrives.")


def factor_line(f: FactorResult, weight: int, weight_total: int) -> dict:
    """One factor's explanation line: its input, risk, weight, share of the total weight and contribution."""
    counted = f.has_data and weight > 0 and weight_total > 0
    total = Decimal(weight_total or 1)
    return {
        "factor": f.factor,
        "has_data": f.has_data,
        "counted": counted,
        "input": _plain(f.input),
        "risk": _num(f.risk),
        "weight": weight,
        "share": _num(_q(weight * HUNDRED / total)) if counted else 0.0,
        "contribution": _num(_q(weight * f.risk / total)) if counted else 0.0,
        "categories": [c for c in RISK_CATEGORIES if f.risk_for(c) is not None] if counted else [],
        "note": f.note,
        "msgid": f.msgid,
        "params": _plain(f.params),
    }


# ---------------------------------------------------------------- helpers


def to_decimal(value) -> Decimal | None:
    """A number from JSON, a form or the database as Decimal; None for anything not a finite number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def clamp(value: Decimal) -> Decimal:
    return max(ZERO, min(HUNDRED, value))


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _fmt(value: Decimal | None) -> str:
    return "-" if value is None else f"{_q(Decimal(value)).normalize():f}"


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(_q(value))


_AS_IS = frozenset({str, int, float, bool, type(None)})


def _plain(value):
    if type(value) in _AS_IS:  # most values; the checks below give them back unchanged too
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def level_rank(level: str | None) -> int:
    return _LEVEL_RANK.get(level or "", -1)


def higher_level(a: str | None, b: str | None) -> str | None:
    return a if level_rank(a) >= level_rank(b) else b


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
