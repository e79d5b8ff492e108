"""The risk arithmetic of the yearly (and ad-hoc) supplier risk assessment. Pure Python: no Django import.

Each factor is a function from its input to a `FactorResult`: a risk from 0 (no risk) to 100 (highest risk),
or None when there is no data, with a sentence saying how it was reached. `assess()` weighs the factors
that have data into a score per risk category and an overall score, turns the overall score into a level
with the policy thresholds, and applies the questionnaire's knock-out floor. `triggers()` says what a level
puts on the worklist.

Weighting. overall = sum(weight_f * risk_f) / sum(weight_f) over the factors f that have data and a weight
above zero; a factor without data is left out (and the explanation says so) instead of counting as 0 or 100.
A factor's contribution is weight_f * risk_f / sum(weight_f), so the contributions add up to the overall
score.

Which factor feeds which risk category (ASUS: management system, labour employment, environmental impact,
product liability; plus health and safety, ethics and minerals from the RBA Code and the OECD Guidance):

    factor          risk categories
    country         labour, health_safety, environment, ethics       (a country index is a general ESG index)
    category        health_safety, environment, product_liability, minerals   (commodity / process risk)
    questionnaire   each category the questionnaire scored, with its own score (risk = 100 - score);
                    all categories with the overall score when it scored none separately
    audit           each category the audit scored, else all categories
    grievances      labour, health_safety, ethics
    minerals        minerals
    documents       management_system, product_liability

A category's score is the same weighted mean restricted to the factors that feed it; a category no factor
with data feeds has no score.

Factor rules (constants below):
    country         the country index score as it is (0-100).
    category        the highest commodity/process risk among the supplier's categories.
    questionnaire   100 - the overall score of the latest accepted or submitted response (0-100, 100 = best);
                    without an overall score, the mean of the per-category risks.
    audit           100 - the audit score, plus AUDIT_OPEN_CA_POINTS per open corrective action (at most
                    AUDIT_OPEN_CA_CAP) and AUDIT_OVERDUE_CA_POINTS per overdue one (at most
                    AUDIT_OVERDUE_CA_CAP).
    grievances      GRIEVANCE_OPEN_POINTS per open grievance plus GRIEVANCE_SEVERE_POINTS per severe one.
    minerals        the highest MINERALS_FLAG_RISK of the flags plus MINERALS_EXTRA_FLAG_POINTS per further
                    flag.
    documents       DOCUMENT_MISSING_POINTS per missing, expired or not renewed mandatory document type.
Every risk is capped to 0-100.

Levels: overall >= high_from -> high; >= medium_from -> medium; else low. A questionnaire knock-out (e.g.
evidence of child labour) sets a floor: a knock-out at level high means high whatever the rest says.

Triggers (the ESG manual: on-site audits of high-risk suppliers at least once every three years):
high -> an on-site audit is required unless one was done within `onsite_audit_cycle_years` (then a desk
review of the questionnaire and evidence); medium -> a desk review; low -> nothing.

Sentences are English message ids with %(name)s parameters, marked with gettext_noop so they are
extracted for translation; the pages translate them when they show an explanation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from supplyesg.assessments.risk.facts import (
    DEFAULT_POLICY,
    HIGH,
    HUNDRED,
    LEVELS,
    LOW,
    MEDIUM,
    RISK_CATEGORIES,
    ZERO,
    AuditInput,
    CategoryInput,
    CountryInput,
    DocumentsInput,
    FactorResult,
    GrievanceInput,
    Knockout,
    Policy,
    QuestionnaireInput,
    Result,
    SupplierInputs,
    Trigger,
    _fmt,
    _q,
    clamp,
    gettext_noop,
    higher_level,
    to_decimal,
    years_before,
)

AUDIT_OPEN_CA_POINTS = Decimal(5)
AUDIT_OPEN_CA_CAP = Decimal(20)
AUDIT_OVERDUE_CA_POINTS = Decimal(10)
AUDIT_OVERDUE_CA_CAP = Decimal(30)
GRIEVANCE_OPEN_POINTS = Decimal(20)
GRIEVANCE_SEVERE_POINTS = Decimal(30)
DOCUMENT_MISSING_POINTS = Decimal(50)
MINERALS_EXTRA_FLAG_POINTS = Decimal(10)
# Codes of supplyesg.minerals.aggregation.FLAG_LABELS -> risk of that flag alone. Unknown codes count 50.
MINERALS_FLAG_RISK: dict[str, Decimal] = {
    "no_declaration": Decimal(60),
    "errors": Decimal(30),
    "covered_smelters": Decimal(40),
    "cahra_smelters": Decimal(70),
    "not_conformant": Decimal(50),
    "unidentified": Decimal(40),
    "sources_covered": Decimal(40),
    "sources_cahra": Decimal(70),
    "low_response": Decimal(20),
}
MINERALS_UNKNOWN_FLAG_RISK = Decimal(50)


# ---------------------------------------------------------------- factors


def country_risk(data: CountryInput | None) -> FactorResult:
    if data is None or not data.country:
        return FactorResult("country", None, gettext_noop("The supplier has no country."))
    score = to_decimal(data.score)
    if score is None:
        return FactorResult(
            "country",
            None,
            gettext_noop("The country index has no entry for %(country)s."),
            {"country": data.country},
            {"country": data.country},
        )
    risk = clamp(score)
    params = {
        "country": data.country,
        "score": _fmt(risk),
        "source": data.source or "-",
        "as_of": data.as_of or "-",
    }
    return FactorResult(
        "country",
        risk,
        gettext_noop("Country index for %(country)s: %(score)s (%(source)s, %(as_of)s)."),
        params,
        {"country": data.country, "score": risk, "source": data.source, "as_of": data.as_of},
    )


def category_risk(categories: Iterable[CategoryInput]) -> FactorResult:
    categories = list(categories)
    if not categories:
        return FactorResult("category", None, gettext_noop("The supplier has no category."))
    scored = [(c.name, clamp(s)) for c in categories if (s := to_decimal(c.score)) is not None]
    if not scored:
        names = ", ".join(c.name for c in categories)
        return FactorResult(
            "category",
            None,
            gettext_noop("No commodity or process risk is set for %(categories)s."),
            {"categories": names},
            {"categories": [c.name for c in categories]},
        )
    name, risk = max(scored, key=lambda item: item[1])
    params = {"category": name, "score": _fmt(risk), "count": len(scored)}
    return FactorResult(
        "category",
        risk,
        gettext_noop(
            "Highest commodity or process risk of the supplier's %(count)s rated categories: "
            "%(category)s, %(score)s."
        ),
        params,
        {"categories": {n: s for n, s in scored}, "highest": name},
    )


def questionnaire_risk(data: QuestionnaireInput | None) -> FactorResult:
    if data is None:
        return FactorResult(
            "questionnaire", None, gettext_noop("No accepted or submitted self-assessment questionnaire.")
        )
    scores = data.scores if isinstance(data.scores, Mapping) else {}
    raw = scores.get("risk_categories")
    per_category = {}
    if isinstance(raw, Mapping):
        for category, value in raw.items():
            score = to_decimal(value)
            if category in RISK_CATEGORIES and score is not None:
                per_category[category] = HUNDRED - clamp(score)
    overall_score = to_decimal(scores.get("overall"))
    if overall_score is not None:
        risk = HUNDRED - clamp(overall_score)
        how = gettext_noop(
            "Self-assessment %(campaign)s (%(status)s, %(date)s): score %(score)s of 100, risk %(risk)s."
        )
    elif per_category:
        risk = sum(per_category.values()) / len(per_category)
        how = gettext_noop(
            "Self-assessment %(campaign)s (%(status)s, %(date)s): mean risk %(risk)s over "
            "%(count)s risk categories."
        )
    else:
        return FactorResult(
            "questionnaire",
            None,
            gettext_noop("The self-assessment %(campaign)s has no scores yet."),
            {"campaign": data.campaign or "-"},
            {"campaign": data.campaign},
        )
    risk = clamp(risk)
    params = {
        "campaign": data.campaign or "-",
        "status": data.status or "-",
        "date": data.submitted_on or "-",
        "score": _fmt(HUNDRED - risk),
        "risk": _fmt(risk),
        "count": len(per_category),
    }
    return FactorResult(
        "questionnaire",
        risk,
        how,
        params,
        {
            "campaign": data.campaign,
            "status": data.status,
            "submitted_on": data.submitted_on,
            "overall_score": overall_score,
            "category_risks": dict(per_category),
        },
        category_risks=per_category,
    )


def audit_risk(data: AuditInput | None) -> FactorResult:
    if data is None:
        return FactorResult("audit", None, gettext_noop("No audit yet."))
    score = to_decimal(data.score)
    if score is None:
        return FactorResult("audit", None, gettext_noop("No scored audit yet."))
    open_ca, overdue_ca = (
        max(0, int(data.open_corrective_actions)),
        max(0, int(data.overdue_corrective_actions)),
    )
    penalty = min(AUDIT_OPEN_CA_CAP, AUDIT_OPEN_CA_POINTS * open_ca) + min(
        AUDIT_OVERDUE_CA_CAP, AUDIT_OVERDUE_CA_POINTS * overdue_ca
    )
    risk = clamp(HUNDRED - clamp(score) + penalty)
    per_category = {}
    for category, value in (data.category_scores or {}).items():
        category_score = to_decimal(value)
        if category in RISK_CATEGORIES and category_score is not None:
            per_category[category] = clamp(HUNDRED - clamp(category_score) + penalty)
    params = {
        "score": _fmt(clamp(score)),
        "date": data.audited_on.isoformat() if data.audited_on else "-",
        "open": open_ca,
        "overdue": overdue_ca,
        "risk": _fmt(risk),
    }
    return FactorResult(
        "audit",
        risk,
        gettext_noop(
            "Latest audit (%(date)s): score %(score)s; %(open)s open and %(overdue)s overdue corrective "
            "actions; risk %(risk)s."
        ),
        params,
        {"score": score, "audited_on": data.audited_on, "open": open_ca, "overdue": overdue_ca},
        category_risks=per_category,
    )


def grievance_risk(data: GrievanceInput | None) -> FactorResult:
    if data is None:
        return FactorResult("grievances", None, gettext_noop("Grievances are not recorded yet."))
    open_count, severe = max(0, int(data.open_count)), max(0, int(data.severe_count))
    risk = clamp(GRIEVANCE_OPEN_POINTS * open_count + GRIEVANCE_SEVERE_POINTS * severe)
    params = {"open": open_count, "severe": severe, "risk": _fmt(risk)}
    return FactorResult(
        "grievances",
        risk,
        gettext_noop("%(open)s open grievances, %(severe)s of them severe: risk %(risk)s."),
        params,
        {"open": open_count, "severe": severe},
    )


def minerals_risk(flags: Iterable[str] | None, cases: Iterable[tuple[str, Decimal]] = ()) -> FactorResult:
    cases = list(cases)
    if flags is None and not cases:
        return FactorResult(
            "minerals", None, gettext_noop("The supplier was not asked for a minerals declaration.")
        )
    codes = list(dict.fromkeys(flags or ()))
    if not codes and not cases:
        return FactorResult("minerals", ZERO, gettext_noop("No minerals red flags."), {}, {"flags": []})
    risks = [MINERALS_FLAG_RISK.get(code, MINERALS_UNKNOWN_FLAG_RISK) for code in codes]
    risks += [Decimal(risk) for _code, risk in cases]
    codes += [code for code, _risk in cases]
    risks.sort(reverse=True)
    risk = clamp(risks[0] + MINERALS_EXTRA_FLAG_POINTS * (len(risks) - 1))
    params = {"count": len(codes), "flags": ", ".join(codes), "risk": _fmt(risk)}
    return FactorResult(
        "minerals",
        risk,
        gettext_noop("%(count)s minerals red flags (%(flags)s): risk %(risk)s."),
        params,
        {"flags": codes},
    )


def documents_risk(data: DocumentsInput | None) -> FactorResult:
    if data is None or data.required <= 0:
        return FactorResult(
            "documents", None, gettext_noop("No mandatory documents apply to the supplier's categories.")
        )
    missing = list(data.missing)
    if not missing:
        return FactorResult(
            "documents",
            ZERO,
            gettext_noop("All %(required)s mandatory documents are in force."),
            {"required": data.required},
            {"required": data.required, "documents": []},
        )
    risk = clamp(DOCUMENT_MISSING_POINTS * len(missing))
    listed = ", ".join(f"{m.doc_type} ({m.status})" for m in missing)
    params = {"count": len(missing), "required": data.required, "documents": listed, "risk": _fmt(risk)}
    return FactorResult(
        "documents",
        risk,
        gettext_noop(
            "%(count)s of %(required)s mandatory documents missing, expired or not renewed (%(documents)s): "
            "risk %(risk)s."
        ),
        params,
        {
            "required": data.required,
            "documents": [
                {"doc_type": m.doc_type, "category": m.category, "status": m.status} for m in missing
            ],
        },
    )


def knockout_floor(knockout) -> Knockout:
    """The floor a questionnaire's knock-out answers set. Reads what the scoring engine stores,
    {"level": "high", "triggered": [{"question": "LAB-03", "answer": .., "level": "high"}]} (level ""
    when none triggered), and also {"level": .., "questions": [..]} or {question_code: level | {"level": ..}};
    anything else is no knock-out."""
    if not isinstance(knockout, Mapping) or not knockout:
        return Knockout(None)
    if "level" in knockout:
        level = knockout.get("level")
        if knockout.get("triggered") is False or level not in LEVELS:
            return Knockout(None)
        questions = knockout.get("questions") or knockout.get("codes") or []
        triggered = knockout.get("triggered")
        if not questions and isinstance(triggered, (list, tuple)):
            questions = [t.get("question") for t in triggered if isinstance(t, Mapping) and t.get("question")]
        if isinstance(questions, str):
            questions = [questions]
        return Knockout(
            level, tuple(str(q) for q in questions) if isinstance(questions, (list, tuple)) else ()
        )
    floor, questions = None, []
    for code, value in knockout.items():
        level = value.get("level") if isinstance(value, Mapping) else value
        if level in LEVELS:
            questions.append(str(code))
            floor = higher_level(floor, level)
    return Knockout(floor, tuple(questions))


# ---------------------------------------------------------------- weighting, levels, triggers


def level_for(score: Decimal, policy: Policy) -> str:
    if score >= policy.high_from:
        return HIGH
    if score >= policy.medium_from:
        return MEDIUM
    return LOW


def factor_results(inputs: SupplierInputs) -> list[FactorResult]:
    return [
        country_risk(inputs.country),
        category_risk(inputs.categories),
        questionnaire_risk(inputs.questionnaire),
        audit_risk(inputs.audit),
        grievance_risk(inputs.grievances),
        minerals_risk(inputs.minerals_flags, inputs.minerals_cases),
        documents_risk(inputs.documents),
    ]


def weigh(factors: list[FactorResult], policy: Policy) -> tuple[Decimal, dict[str, Decimal], int]:
    """(overall, {category: score}, total weight counted) over the factors with data and weight."""
    weights = {f.factor: policy.weight(f.factor) for f in factors}
    counted = [f for f in factors if f.risk is not None and weights[f.factor] > 0]
    total = sum(weights[f.factor] for f in counted)
    overall = _q(sum(Decimal(weights[f.factor]) * f.risk for f in counted) / total) if total else ZERO
    per_category = {}
    for category in RISK_CATEGORIES:
        pairs = [(weights[f.factor], r) for f in counted if (r := f.risk_for(category)) is not None]
        weight = sum(w for w, _r in pairs)
        if weight:
            per_category[category] = _q(sum(Decimal(w) * r for w, r in pairs) / weight)
    return overall, per_category, total


def assess(inputs: SupplierInputs, policy: Policy = DEFAULT_POLICY) -> Result:
    factors = factor_results(inputs)
    overall, per_category, total = weigh(factors, policy)
    threshold_level = level_for(overall, policy) if total else LOW
    knockout = knockout_floor(
        inputs.questionnaire.scores.get("knockout")
        if inputs.questionnaire and isinstance(inputs.questionnaire.scores, Mapping)
        else None
    )
    level = higher_level(threshold_level, knockout.level)
    return Result(overall, threshold_level, level, per_category, factors, knockout, total)


def onsite_audit_due(last_onsite_audit: date | None, *, cycle_years: int, today: date | None = None) -> bool:
    """No on-site audit yet, or the last one is older than the cycle (done on the same day N years ago is
    still within it)."""
    if last_onsite_audit is None:
        return True
    today = today or date.today()
    return last_onsite_audit < years_before(today, max(1, int(cycle_years)))


NO_AUDIT_YET = gettext_noop(
    "High risk and no on-site audit on record: an on-site audit is required (at least every %(years)s years)."
)
AUDIT_TOO_OLD = gettext_noop(
    "High risk and the last on-site audit (%(date)s) is more than %(years)s years ago: an on-site audit "
    "is required."
)
AUDIT_WITHIN_CYCLE = gettext_noop(
    "High risk; the on-site audit of %(date)s is within the %(years)s-year cycle, so the questionnaire and "
    "evidence get a desk review."
)
MEDIUM_DESK_REVIEW = gettext_noop("Medium risk: a desk review of the questionnaire and evidence is required.")


def triggers(
    level: str, *, last_onsite_audit: date | None = None, cycle_years: int = 3, today: date | None = None
) -> list[Trigger]:
    if level == MEDIUM:
        return [Trigger("desk_review", MEDIUM_DESK_REVIEW)]
    if level != HIGH:
        return []
    if last_onsite_audit is None:
        return [Trigger("onsite_audit", NO_AUDIT_YET, {"years": cycle_years})]
    params = {"years": cycle_years, "date": last_onsite_audit.isoformat()}
    if onsite_audit_due(last_onsite_audit, cycle_years=cycle_years, today=today):
        return [Trigger("onsite_audit", AUDIT_TOO_OLD, params)]
    return [Trigger("desk_review", AUDIT_WITHIN_CYCLE, params)]
