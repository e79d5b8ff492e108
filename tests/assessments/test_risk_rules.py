"""The risk arithmetic, table by table: every factor, every threshold, the knock-out floor and the triggers.
Pure functions: no database."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine

from supplyesg.assessments.models import RiskCategory, RiskLevel
from supplyesg.assessments.risk import facts
from supplyesg.assessments.risk import rules as r
from supplyesg.core.models import PolicySettings

D = Decimal


def test_the_rules_speak_the_models_codes_and_defaults():
    assert r.RISK_CATEGORIES == tuple(RiskCategory.values)
    assert r.LEVELS == tuple(RiskLevel.values)
    for factor, weight in r.DEFAULT_POLICY.weights.items():
        assert PolicySettings._meta.get_field(f"risk_weight_{factor}").default == weight
    assert PolicySettings._meta.get_field("risk_medium_from").default == r.DEFAULT_POLICY.medium_from
    assert PolicySettings._meta.get_field("risk_high_from").default == r.DEFAULT_POLICY.high_from
    assert (
        PolicySettings._meta.get_field("onsite_audit_cycle_years").default
        == r.DEFAULT_POLICY.onsite_audit_cycle_years
    )
    assert set(facts.FACTOR_CATEGORIES) == set(facts.FACTORS)


# ---------------------------------------------------------------- factors


@pytest.mark.parametrize(
    ("data", "risk", "says"),
    [
        (None, None, "no country"),
        (r.CountryInput("", 50), None, "no country"),
        (r.CountryInput("CD", None), None, "no entry for CD"),
        (r.CountryInput("CD", "not a number"), None, "no entry for CD"),
        (
            r.CountryInput("CN", D("62"), "Index 2025", "2025-01-31"),
            D("62"),
            "CN: 62 (Index 2025, 2025-01-31)",
        ),
        (r.CountryInput("DE", 12.5), D("12.5"), "DE: 12.5"),
        (r.CountryInput("XX", 150), D("100"), "XX: 100"),
        (r.CountryInput("XX", -5), D("0"), "XX: 0"),
    ],
)
def test_country_risk_is_the_index_score(data, risk, says):
    result = r.country_risk(data)
    assert result.risk == risk
    assert says in result.note


@pytest.mark.parametrize(
    ("categories", "risk", "says"),
    [
        ((), None, "no category"),
        ((r.CategoryInput("Cables", None),), None, "No commodity or process risk is set for Cables"),
        (
            (
                r.CategoryInput("Cables", 20),
                r.CategoryInput("Cells", D("70")),
                r.CategoryInput("Labels", None),
            ),
            D("70"),
            "2 rated categories: Cells, 70",
        ),
        ((r.CategoryInput("Cobalt", 120),), D("100"), "Cobalt, 100"),
        ((r.CategoryInput("Paper", 0),), D("0"), "Paper, 0"),
    ],
)
def test_category_risk_is_the_highest_of_the_suppliers_categories(categories, risk, says):
    result = r.category_risk(categories)
    assert result.risk == risk
    assert says in result.note


@pytest.mark.parametrize(
    ("scores", "risk", "category_risks"),
    [
        ({}, None, {}),
        ({"overall": None, "risk_categories": {"labour": None}}, None, {}),
        ({"overall": 80}, D("20"), {}),
        ({"overall": 100, "risk_categories": {"labour": 100}}, D("0"), {"labour": D("0")}),
        ({"overall": 0}, D("100"), {}),
        (
            {"overall": "82.5", "risk_categories": {"labour": 60, "environment": 90}},
            D("17.5"),
            {"labour": D("40"), "environment": D("10")},
        ),
        (
            {"risk_categories": {"labour": 60, "environment": 80}},
            D("30"),
            {"labour": D("40"), "environment": D("20")},
        ),
        ({"risk_categories": {"labour": "x", "nonsense": 10, "ethics": 110}}, D("0"), {"ethics": D("0")}),
    ],
)
def test_questionnaire_risk_is_100_minus_its_score_per_category(scores, risk, category_risks):
    result = r.questionnaire_risk(r.QuestionnaireInput(scores, campaign="SAQ 2026", status="accepted"))
    assert result.risk == risk
    assert dict(result.category_risks) == category_risks


def test_without_a_questionnaire_the_factor_has_no_data():
    result = r.questionnaire_risk(None)
    assert not result.has_data
    assert result.note == "No accepted or submitted self-assessment questionnaire."


def test_a_questionnaire_feeds_only_the_categories_it_scored():
    result = r.questionnaire_risk(r.QuestionnaireInput({"overall": 50, "risk_categories": {"labour": 40}}))
    assert result.risk_for("labour") == D("60")
    assert result.risk_for("environment") is None
    overall_only = r.questionnaire_risk(r.QuestionnaireInput({"overall": 50}))
    assert [overall_only.risk_for(c) for c in r.RISK_CATEGORIES] == [D("50")] * 7


@pytest.mark.parametrize(
    ("audit", "risk"),
    [
        (None, None),
        (r.AuditInput(score=None), None),
        (r.AuditInput(score=80), D("20")),
        (r.AuditInput(score=80, open_corrective_actions=2), D("30")),
        (r.AuditInput(score=80, open_corrective_actions=10), D("40")),  # open actions add at most 20
        (r.AuditInput(score=80, overdue_corrective_actions=1), D("30")),
        (r.AuditInput(score=80, overdue_corrective_actions=5), D("50")),  # overdue ones add at most 30
        (r.AuditInput(score=10, open_corrective_actions=4, overdue_corrective_actions=3), D("100")),
        (r.AuditInput(score=100, open_corrective_actions=-3), D("0")),
    ],
)
def test_audit_risk_is_100_minus_the_audit_score_plus_open_corrective_actions(audit, risk):
    assert r.audit_risk(audit).risk == risk


def test_without_an_audit_the_explanation_says_no_audit_yet():
    assert r.audit_risk(None).note == "No audit yet."


def test_an_audit_with_category_scores_feeds_those_categories():
    result = r.audit_risk(
        r.AuditInput(score=70, open_corrective_actions=1, category_scores={"labour": 50, "bad": 1})
    )
    assert dict(result.category_risks) == {"labour": D("55")}
    assert result.risk == D("35")


@pytest.mark.parametrize(
    ("grievances", "risk"),
    [
        (None, None),
        (r.GrievanceInput(0), D("0")),
        (r.GrievanceInput(1), D("20")),
        (r.GrievanceInput(2, severe_count=1), D("70")),
        (r.GrievanceInput(10), D("100")),
    ],
)
def test_grievance_risk_counts_open_and_severe_grievances(grievances, risk):
    assert r.grievance_risk(grievances).risk == risk


@pytest.mark.parametrize(
    ("flags", "risk"),
    [
        (None, None),
        ((), D("0")),
        (("cahra_smelters",), D("70")),
        (("cahra_smelters", "errors"), D("80")),
        (("unidentified", "errors", "low_response"), D("60")),
        (("no_declaration",), D("60")),
        (("something_new",), D("50")),
        (("errors", "errors"), D("30")),
        (("cahra_smelters", "sources_cahra", "not_conformant", "unidentified"), D("100")),
    ],
)
def test_minerals_risk_is_the_worst_flag_plus_ten_per_further_flag(flags, risk):
    assert r.minerals_risk(flags).risk == risk


def test_a_supplier_never_asked_for_minerals_has_no_minerals_data():
    assert r.minerals_risk(None).note == "The supplier was not asked for a minerals declaration."


@pytest.mark.parametrize(
    ("documents", "risk"),
    [
        (None, None),
        (r.DocumentsInput(required=0), None),
        (r.DocumentsInput(required=2), D("0")),
        (r.DocumentsInput(required=2, missing=(facts.MissingDocument("rohs", "Cables", "missing"),)), D("50")),
        (
            r.DocumentsInput(
                required=2,
                missing=(
                    facts.MissingDocument("rohs", "Cables", "expired"),
                    facts.MissingDocument("reach", "Cables", "not_renewed"),
                ),
            ),
            D("100"),
        ),
        (
            r.DocumentsInput(
                required=3,
                missing=tuple(facts.MissingDocument(t, "C", "missing") for t in ("rohs", "reach", "licence")),
            ),
            D("100"),
        ),
    ],
)
def test_documents_risk_is_fifty_per_missing_mandatory_document(documents, risk):
    assert r.documents_risk(documents).risk == risk


def test_documents_explanation_names_each_missing_document_and_why():
    result = r.documents_risk(
        r.DocumentsInput(required=2, missing=(facts.MissingDocument("rohs", "Cables", "expired"),))
    )
    assert "1 of 2 mandatory documents" in result.note
    assert "rohs (expired)" in result.note


# ---------------------------------------------------------------- thresholds, weighting, knock-out


@pytest.mark.parametrize(
    ("score", "policy", "level"),
    [
        (D("0"), r.DEFAULT_POLICY, "low"),
        (D("34.99"), r.DEFAULT_POLICY, "low"),
        (D("35"), r.DEFAULT_POLICY, "medium"),
        (D("59.99"), r.DEFAULT_POLICY, "medium"),
        (D("60"), r.DEFAULT_POLICY, "high"),
        (D("100"), r.DEFAULT_POLICY, "high"),
        (D("19.99"), r.Policy(weights={}, medium_from=D(20), high_from=D(40)), "low"),
        (D("20"), r.Policy(weights={}, medium_from=D(20), high_from=D(40)), "medium"),
        (D("40"), r.Policy(weights={}, medium_from=D(20), high_from=D(40)), "high"),
    ],
)
def test_the_level_follows_the_policy_thresholds(score, policy, level):
    assert r.level_for(score, policy) == level


def _inputs(**kwargs):
    return r.SupplierInputs(**kwargs)


def test_the_overall_score_is_the_weighted_mean_of_the_factors_with_data():
    inputs = _inputs(country=r.CountryInput("CN", 60), questionnaire=r.QuestionnaireInput({"overall": 80}))
    result = r.assess(inputs)
    # (15 x 60 + 30 x 20) / (15 + 30) = 33.33
    assert result.overall == D("33.33")
    assert result.level == "low"
    assert result.weight_total == 45


def test_the_contributions_add_up_to_the_overall_score_and_left_out_factors_are_named():
    inputs = _inputs(
        country=r.CountryInput("CN", 60),
        categories=(r.CategoryInput("Cells", 80),),
        questionnaire=r.QuestionnaireInput({"overall": 70}),
        minerals_flags=("cahra_smelters",),
        documents=r.DocumentsInput(required=1, missing=(facts.MissingDocument("rohs", "Cells", "missing"),)),
    )
    result = r.assess(inputs)
    lines = result.explanation(r.DEFAULT_POLICY)
    factors = {line["factor"]: line for line in lines}
    counted = [line for line in lines if line.get("counted")]
    assert sum(D(str(line["contribution"])) for line in counted) == pytest.approx(
        result.overall, abs=D("0.03")
    )
    # (15x60 + 15x80 + 30x30 + 10x70 + 5x50) / 75 = 52.67
    assert result.overall == D("52.67")
    assert result.level == "medium"
    assert factors["audit"]["counted"] is False and factors["audit"]["note"] == "No audit yet."
    assert factors["level"]["left_out"] == ["audit", "grievances"]
    assert "Left out for lack of data or weight: audit, grievances" in factors["level"]["note"]
    assert factors["country"]["share"] == 20.0
    json.dumps(lines)  # stored as JSON


def test_a_factor_with_weight_zero_is_left_out():
    policy = r.Policy(weights={**r.DEFAULT_POLICY.weights, "country": 0})
    result = r.assess(
        _inputs(country=r.CountryInput("CN", 100), questionnaire=r.QuestionnaireInput({"overall": 90})),
        policy,
    )
    assert result.overall == D("10")
    assert "country" in result.explanation(policy)[-1]["left_out"]


def test_without_any_data_the_supplier_is_low_and_the_explanation_says_why():
    result = r.assess(_inputs())
    assert (result.overall, result.level) == (D("0"), "low")
    assert result.explanation(r.DEFAULT_POLICY)[-1]["note"].startswith("No input had data")


def test_category_scores_use_only_the_factors_that_feed_each_category():
    inputs = _inputs(
        country=r.CountryInput("CN", 60),  # labour, health_safety, environment, ethics
        minerals_flags=("cahra_smelters",),  # minerals 70
        documents=r.DocumentsInput(required=1, missing=(facts.MissingDocument("rohs", "C", "missing"),)),  # 50
        questionnaire=r.QuestionnaireInput({"overall": 50, "risk_categories": {"labour": 20}}),  # labour 80
    )
    scores = r.assess(inputs).category_scores
    assert scores["labour"] == D("73.33")  # (15x60 + 30x80) / 45
    assert scores["environment"] == D("60")
    assert scores["minerals"] == D("70")
    assert scores["management_system"] == D("50")
    assert scores["product_liability"] == D("50")


@pytest.mark.parametrize(
    ("knockout", "level", "questions"),
    [
        (None, None, ()),
        ({}, None, ()),
        ({"level": "", "triggered": []}, None, ()),
        (
            {"level": "high", "triggered": [{"question": "LAB-1", "answer": "yes", "level": "high"}]},
            "high",
            ("LAB-1",),
        ),
        ({"level": "medium", "questions": ["EHS-4"]}, "medium", ("EHS-4",)),
        ({"level": "high", "triggered": False}, None, ()),
        ({"LAB-1": "high", "EHS-2": "medium"}, "high", ("LAB-1", "EHS-2")),
        ({"EHS-2": {"level": "medium"}}, "medium", ("EHS-2",)),
        ({"level": "extreme"}, None, ()),
        ("high", None, ()),
    ],
)
def test_the_knockout_floor_reads_the_questionnaires_knockout(knockout, level, questions):
    assert r.knockout_floor(knockout) == r.Knockout(level, questions)


def test_a_knockout_at_high_means_high_whatever_the_rest_says():
    scores = {
        "overall": 95,
        "knockout": {"level": "high", "triggered": [{"question": "LAB-1", "level": "high"}]},
    }
    result = r.assess(_inputs(country=r.CountryInput("DE", 5), questionnaire=r.QuestionnaireInput(scores)))
    assert result.overall < D("35")
    assert (result.threshold_level, result.level) == ("low", "high")
    knockout = next(line for line in result.explanation(r.DEFAULT_POLICY) if line["factor"] == "knockout")
    assert "LAB-1" in knockout["note"] and knockout["level"] == "high"


def test_a_knockout_never_lowers_the_level():
    scores = {"overall": 0, "knockout": {"level": "medium", "questions": ["EHS-4"]}}
    result = r.assess(_inputs(questionnaire=r.QuestionnaireInput(scores)))
    assert result.level == "high"


# ---------------------------------------------------------------- triggers


@pytest.mark.parametrize(
    ("level", "last_onsite", "cycle", "kinds"),
    [
        ("low", None, 3, []),
        ("medium", None, 3, ["desk_review"]),
        ("medium", dt.date(2020, 1, 1), 3, ["desk_review"]),
        ("high", None, 3, ["onsite_audit"]),
        ("high", dt.date(2025, 1, 10), 3, ["desk_review"]),
        ("high", dt.date(2023, 6, 15), 3, ["desk_review"]),  # exactly three years ago: still within the cycle
        ("high", dt.date(2023, 6, 14), 3, ["onsite_audit"]),
        ("high", dt.date(2025, 6, 14), 1, ["onsite_audit"]),
        ("high", dt.date(2025, 6, 16), 1, ["desk_review"]),
    ],
)
def test_what_a_level_triggers_on_the_worklist(level, last_onsite, cycle, kinds):
    with time_machine.travel(dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC), tick=False):
        triggered = r.triggers(level, last_onsite_audit=last_onsite, cycle_years=cycle)
    assert [t.kind for t in triggered] == kinds


def test_a_high_risk_supplier_without_an_audit_needs_one_with_a_reason():
    (trigger,) = r.triggers("high", cycle_years=3, today=dt.date(2026, 6, 15))
    assert trigger.kind == "onsite_audit"
    assert trigger.reason == (
        "High risk and no on-site audit on record: an on-site audit is required (at least every 3 years)."
    )


def test_the_audit_cycle_counts_back_from_29_february():
    assert r.years_before(dt.date(2028, 2, 29), 3) == dt.date(2025, 2, 28)
    assert r.onsite_audit_due(dt.date(2025, 2, 28), cycle_years=3, today=dt.date(2028, 2, 29)) is False
    assert r.onsite_audit_due(dt.date(2025, 2, 27), cycle_years=3, today=dt.date(2028, 2, 29)) is True
