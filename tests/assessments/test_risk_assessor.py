"""risk.assessor.Assessor: a run's assessments give what `rules.assess` and `Result.explanation` give, supplier by
supplier, while reusing each distinct input's factor result and explanation line. Pure: no database."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from supplyesg.assessments.risk import assessor as assessor_module
from supplyesg.assessments.risk import facts
from supplyesg.assessments.risk import rules as r
from supplyesg.assessments.risk.assessor import Assessor

D = Decimal
CN = r.CountryInput("CN", D("42.5"), "Bench index", "2025-01-31")
CELLS = (r.CategoryInput("Battery cells", D(70)), r.CategoryInput("Paper", D("10.00")))
MISSING = r.DocumentsInput(2, (facts.MissingDocument("rohs", "Battery cells", "missing"),))
KNOCKED_OUT = r.QuestionnaireInput(
    {"overall": 80, "knockout": {"level": "high", "triggered": [{"question": "LAB-03", "level": "high"}]}},
    "SAQ 2026",
    "accepted",
    "2026-03-01",
)

SUPPLIERS = [
    r.SupplierInputs(),
    r.SupplierInputs(country=CN),
    r.SupplierInputs(country=r.CountryInput("XK", None)),
    r.SupplierInputs(country=CN, categories=CELLS, documents=MISSING, minerals_flags=("errors", "cahra_smelters")),
    r.SupplierInputs(country=CN, categories=CELLS, documents=MISSING, minerals_flags=()),
    r.SupplierInputs(
        country=CN,
        categories=CELLS[:1],
        questionnaire=r.QuestionnaireInput({"overall": 33.333, "risk_categories": {"labour": 20, "ethics": 90.5}}),
        audit=r.AuditInput(55, dt.date(2025, 6, 1), 2, 1, {"labour": 40, "environment": "x"}),
        grievances=r.GrievanceInput(2, 1),
        minerals_cases=(("open_case:serious_abuses", D(100)),),
        documents=r.DocumentsInput(1),
    ),
    r.SupplierInputs(country=CN, questionnaire=KNOCKED_OUT, audit=r.AuditInput(None)),
    r.SupplierInputs(country=CN, questionnaire=r.QuestionnaireInput({"risk_categories": {"minerals": 10}})),
    r.SupplierInputs(country=CN, questionnaire=r.QuestionnaireInput({})),
    # Equal inputs written differently: each must be explained as `rules.assess` explains it.
    r.SupplierInputs(country=CN, audit=r.AuditInput(50, dt.date(2025, 6, 1))),
    r.SupplierInputs(country=CN, audit=r.AuditInput(D(50), dt.date(2025, 6, 1))),
    r.SupplierInputs(country=CN, audit=r.AuditInput(50.0, dt.date(2025, 6, 1))),
    r.SupplierInputs(country=r.CountryInput("CN", 1)),
    r.SupplierInputs(country=r.CountryInput("CN", True)),
    r.SupplierInputs(documents=r.DocumentsInput(1)),
    r.SupplierInputs(documents=r.DocumentsInput(True)),
    r.SupplierInputs(categories=(r.CategoryInput("Paper", D(10)),)),
    r.SupplierInputs(categories=(r.CategoryInput("Paper", D("10.00")),)),
]
POLICIES = [
    r.DEFAULT_POLICY,
    r.Policy(weights={**r.DEFAULT_POLICY.weights, "country": 0, "minerals": 40}, medium_from=D(20), high_from=D(45)),
    r.Policy(weights={}),
]


def _expected(inputs, policy):
    result = r.assess(inputs, policy)
    return result, json.dumps(result.explanation(policy))


@pytest.mark.parametrize("policy", POLICIES)
def test_each_supplier_gets_what_the_rules_give_it_alone_however_often_an_input_repeats(policy):
    assessor = Assessor(policy)

    for _round in range(3):
        for inputs in SUPPLIERS:
            result, explanation = assessor.assess(inputs)
            expected, expected_explanation = _expected(inputs, policy)
            assert explanation == expected_explanation
            assert (result.overall, result.level, result.threshold_level) == (
                expected.overall,
                expected.level,
                expected.threshold_level,
            )
            assert result.category_scores == expected.category_scores
            assert str(result.overall) == str(expected.overall)
            assert [str(v) for v in result.category_scores.values()] == [str(v) for v in expected.category_scores.values()]


def test_the_knocked_out_supplier_is_high_and_its_explanation_names_the_question():
    result, explanation = Assessor(r.DEFAULT_POLICY).assess(SUPPLIERS[6])

    assert result.level == "high"
    knockout = next(line for line in json.loads(explanation) if line["factor"] == "knockout")
    assert knockout["questions"] == ["LAB-03"]


def test_a_full_cache_starts_afresh_and_keeps_giving_the_same_results(monkeypatch):
    monkeypatch.setattr(assessor_module, "CACHE_LIMIT", 2)
    assessor = Assessor(r.DEFAULT_POLICY)
    many = [r.SupplierInputs(country=r.CountryInput("CN", D(score))) for score in range(10)]

    for inputs in many + many:
        assert assessor.assess(inputs)[1] == _expected(inputs, r.DEFAULT_POLICY)[1]
    assert all(len(cache) <= 2 for cache in assessor._caches.values())
