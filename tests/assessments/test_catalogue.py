"""Loading the requirement catalogue, the shipped template, country and category risk; the admin."""

import copy
import json
from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from supplyesg.assessments import catalogue
from supplyesg.assessments.engine import KINDS, check_questions, score
from supplyesg.assessments.models import (
    CategoryRisk,
    CountryRisk,
    Question,
    QuestionnaireTemplate,
    Requirement,
    RequirementCatalogue,
)
from supplyesg.assessments.risk import reference as risk_reference
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent
from tests.factories import make_category


def catalogue_data() -> dict:
    return catalogue.read_data_file(catalogue.CATALOGUE_FILE)


def template_data() -> dict:
    return catalogue.read_data_file(catalogue.TEMPLATE_FILE)


@pytest.fixture
def loaded_catalogue(db):
    return catalogue.load_catalogue(catalogue_data()).obj


@pytest.fixture
def shipped_template(loaded_catalogue):
    return catalogue.load_template(template_data()).obj


# ---------------------------------------------------------------- requirement catalogue


def test_the_catalogue_holds_the_ilo_rba_and_oecd_requirements(loaded_catalogue):
    requirements = list(loaded_catalogue.requirements.all())
    assert Counter(r.framework for r in requirements) == {"ILO": 10, "RBA": 7 + 8 + 8 + 8 + 12, "OECD": 8}
    codes = {r.code for r in requirements}
    assert {
        "ILO-C029",
        "ILO-C105",
        "ILO-C087",
        "ILO-C098",
        "ILO-C100",
        "ILO-C111",
        "ILO-C138",
        "ILO-C182",
        "ILO-C155",
        "ILO-C187",
    } <= codes
    assert {f"RBA-E{n}" for n in range(1, 13)} | {f"OECD-AII-{n}" for n in range(1, 9)} <= codes
    assert Requirement.objects.get(code="RBA-A6").title == "Non-Discrimination/Non-Harassment"
    assert Requirement.objects.get(code="RBA-B7").title == "Sanitation, Food, and Housing"
    assert Requirement.objects.get(code="RBA-D6").title == "Protection of Identity and Non-Retaliation"
    assert all(r.title_zh and r.guidance and r.guidance_zh for r in requirements)
    assert {r.risk_category for r in requirements} == {
        "management_system",
        "labour",
        "health_safety",
        "environment",
        "ethics",
        "product_liability",
        "minerals",
    }
    assert loaded_catalogue.is_current and loaded_catalogue.published_on == date(2026, 11, 21)
    assert "RBA" in loaded_catalogue.source and "OECD" in loaded_catalogue.source


def test_loading_the_catalogue_again_changes_nothing(loaded_catalogue):
    events = AuditEvent.objects.count()
    result = catalogue.load_catalogue(catalogue_data())
    assert (result.created, result.unchanged) == (0, 61)
    assert RequirementCatalogue.objects.count() == 1 and Requirement.objects.count() == 61
    assert AuditEvent.objects.count() == events


def test_a_new_catalogue_version_loads_beside_the_old_one_and_becomes_current(loaded_catalogue):
    data = catalogue_data()
    data["version"] = "2027.1"
    data["requirements"][0]["guidance"] = "Revised guidance on forced labour."
    data["requirements"].append({**data["requirements"][-1], "code": "RBA-F1", "title": "A new section"})
    new = catalogue.load_catalogue(data).obj
    loaded_catalogue.refresh_from_db()
    assert not loaded_catalogue.is_current and new.is_current
    assert catalogue.current_catalogue("code-of-conduct") == new
    assert (loaded_catalogue.requirements.count(), new.requirements.count()) == (61, 62)
    assert new.requirements.get(code="ILO-C029").guidance == "Revised guidance on forced labour."
    assert loaded_catalogue.requirements.get(code="ILO-C029").guidance != "Revised guidance on forced labour."
    assert set(
        AuditEvent.objects.filter(target_type="assessments.requirementcatalogue").values_list(
            "action", flat=True
        )
    ) == {"requirement_catalogue.loaded", "requirement_catalogue.superseded"}


def test_an_old_version_loaded_again_does_not_take_current_back(loaded_catalogue):
    data = catalogue_data()
    data["version"] = "2027.1"
    new = catalogue.load_catalogue(data).obj
    catalogue.load_catalogue(catalogue_data())
    assert catalogue.current_catalogue("code-of-conduct") == new


def test_a_loaded_version_with_different_content_is_refused(loaded_catalogue):
    data = catalogue_data()
    data["requirements"][0]["title"] = "Changed in place"
    with pytest.raises(RuleViolation, match="already loaded with different content"):
        catalogue.load_catalogue(data)
    assert Requirement.objects.get(code="ILO-C029").title.startswith("Forced Labour Convention")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(code="Code Of Conduct"), "must be a slug"),
        (lambda d: d.update(version=""), "catalogue: version is required."),
        (lambda d: d.update(source=""), "source is required"),
        (lambda d: d.update(requirements=[]), "requirements must be a non-empty list"),
        (lambda d: d["requirements"][3].update(pillar="X"), "requirement 4: pillar must be one of E, S, G."),
        (
            lambda d: d["requirements"][4].update(risk_category="misc"),
            "requirement 5: risk_category must be one",
        ),
        (
            lambda d: d["requirements"][5].update(code="ILO-C029"),
            "requirement 6: the code ILO-C029 is used twice.",
        ),
        (lambda d: d["requirements"][6].update(title_zh=""), "requirement 7: title_zh is required."),
        (lambda d: d["requirements"][7].update(colour="red"), "requirement 8: unknown keys colour."),
    ],
)
def test_a_bad_catalogue_file_is_refused_whole_naming_the_problem(db, change, message):
    data = catalogue_data()
    change(data)
    with pytest.raises(RuleViolation) as caught:
        catalogue.load_catalogue(data)
    assert any(message in m for m in caught.value.messages)
    assert RequirementCatalogue.objects.count() == 0 and Requirement.objects.count() == 0


def test_an_unreadable_data_file_is_reported(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(RuleViolation, match="is not a valid JSON file"):
        catalogue.read_data_file(path)
    with pytest.raises(RuleViolation, match="Cannot read"):
        catalogue.read_data_file(tmp_path / "missing.json")


# ---------------------------------------------------------------- the shipped template


def test_the_shipped_template_uses_every_question_type_and_covers_the_catalogue(shipped_template):
    questions = list(
        Question.objects.filter(section__template=shipped_template).prefetch_related("requirements")
    )
    assert 60 <= len(questions) <= 100
    assert {q.kind for q in questions} == set(KINDS)
    assert [s.code for s in shipped_template.sections.order_by("order")] == [
        "MS",
        "LAB",
        "HS",
        "ENV",
        "ETH",
        "MIN",
        "SCM",
        "PL",
    ]
    assert all(q.text_zh and q.requirements.exists() for q in questions)
    used = {r.code for q in questions for r in q.requirements.all()}
    assert used == set(Requirement.objects.values_list("code", flat=True))
    texts = " ".join(q.text for q in questions)
    for topic in (
        "Scope 1",
        "Scope 2",
        "RoHS",
        "REACH",
        "anti-corruption",
        "CMRT",
        "grievance",
        "supplier code of conduct",
        "environmental permit",
        "identity cards",
    ):
        assert topic in texts
    assert {q.unit for q in questions if q.kind == "number"} >= {"MWh", "tCO2e"}


def test_the_shipped_template_has_valid_conditions_and_knockouts(shipped_template):
    specs = catalogue.template_specs(shipped_template)
    assert check_questions(specs) == []
    knockouts = {s.code: s.knockout_level for s in specs if s.critical}
    assert {knockouts["LAB-01"], knockouts["LAB-02"], knockouts["LAB-05"], knockouts["MIN-06"]} == {"high"}
    assert knockouts["ENV-01"] == "medium"
    conditional = {s.code: s.show_if_code for s in specs if s.show_if_code}
    assert conditional["LAB-08"] == "LAB-07" and conditional["LAB-10"] == "LAB-09"  # a chain of two
    assert len(conditional) >= 10


def best_answers(specs) -> dict:
    """The answer earning the most points for each question, the rest answered plainly."""
    answers = {}
    for spec in specs:
        rules = spec.rules
        if spec.kind == "yes_no":
            answers[spec.code] = max(("yes", "no"), key=lambda v: rules.get(v, -1))
        elif spec.kind == "single":
            answers[spec.code] = max(spec.choices, key=lambda c: c.get("score") or 0)["value"]
        elif spec.kind == "multiple":
            answers[spec.code] = [c["value"] for c in spec.choices if not c.get("exclusive")]
        elif spec.kind in ("number", "percent"):
            bands = rules.get("bands") or [{"min": 1}]
            best = max(bands, key=lambda b: b.get("score", 0))
            answers[spec.code] = best.get("min", best.get("max", 1))
        elif spec.kind == "date":
            answers[spec.code] = "2026-11-01" if rules.get("past") else "2027-11-01"
        else:
            answers[spec.code] = "Answered." if spec.kind == "text" else "evidence.pdf"
    return answers


def test_the_shipped_template_scores_a_model_supplier_at_100_and_knocks_out_child_labour(shipped_template):
    specs = catalogue.template_specs(shipped_template)
    requirements = catalogue.template_requirements(shipped_template)
    best = best_answers(specs)
    result = score(specs, best, requirements, today=date(2026, 11, 21))
    assert result.overall.score == Decimal(100) and result.knockout_level == ""
    assert set(result.risk_categories) == {
        "management_system",
        "labour",
        "health_safety",
        "environment",
        "ethics",
        "product_liability",
        "minerals",
    }
    assert set(result.pillars) == {"E", "S", "G"}
    knocked = score(
        specs,
        {**best, "LAB-05": "yes", "LAB-06": "Returned to school."},
        requirements,
        today=date(2026, 11, 21),
    )
    assert knocked.knockout_level == "high" and knocked.overall.score == Decimal(40)


def test_loading_the_template_again_changes_nothing(shipped_template):
    events = AuditEvent.objects.count()
    result = catalogue.load_template(template_data())
    assert result.created == 0 and result.unchanged == Question.objects.count()
    assert QuestionnaireTemplate.objects.count() == 1 and AuditEvent.objects.count() == events


def test_a_new_template_version_loads_beside_the_old_one(shipped_template):
    data = template_data()
    data["version"] = "2027.1"
    data["sections"][0]["questions"][0]["text"] = "How many people work at the site?"
    new = catalogue.load_template(data).obj
    assert QuestionnaireTemplate.objects.filter(code=shipped_template.code).count() == 2
    assert new.sections.get(code="MS").questions.get(code="MS-01").text == "How many people work at the site?"
    assert AuditEvent.objects.filter(action="questionnaire_template.loaded", target_id=str(new.pk)).exists()


def test_a_template_changed_under_the_same_version_is_refused(shipped_template):
    data = template_data()
    data["sections"][1]["questions"][0]["weight"] = 5
    with pytest.raises(RuleViolation, match="already loaded with different content"):
        catalogue.load_template(data)


def _question(data, code):
    return next(q for s in data["sections"] for q in s["questions"] if q["code"] == code)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: _question(d, "LAB-06").update(show_if_code="LAB-99"),
            "question LAB-06: The question LAB-99 it depends on does not exist.",
        ),
        (
            lambda d: _question(d, "LAB-06").update(show_if_code="MS-01"),
            "question LAB-06: A question can only depend on a yes/no or choice question; MS-01 is not.",
        ),
        (
            lambda d: _question(d, "LAB-05").update(show_if_code="LAB-06", show_if_values=["yes"]),
            "question LAB-05: The question LAB-06 it depends on must come before it.",
        ),
        (
            lambda d: _question(d, "LAB-06").update(show_if_values=["sometimes"]),
            "question LAB-06: sometimes is not an answer of LAB-05 (yes, no).",
        ),
        (
            lambda d: _question(d, "LAB-01").update(knockout_values=["often"]),
            "question LAB-01: The knock-out answer often is not an answer of LAB-01 (yes, no).",
        ),
        (
            lambda d: _question(d, "LAB-04").update(
                critical=True, knockout_values=["fingerprint"], knockout_level="high"
            ),
            "The knock-out answer fingerprint is not an answer of LAB-04",
        ),
        (
            lambda d: _question(d, "LAB-01").update(knockout_level="extreme"),
            "question LAB-01: The knock-out level must be one of medium, high.",
        ),
        (
            lambda d: _question(d, "LAB-01").update(requirements=["RBA-Z9"]),
            "question LAB-01: the requirement RBA-Z9 is not in the catalogue.",
        ),
        (
            lambda d: _question(d, "LAB-01").update(kind="dropdown"),
            "question LAB-01: The type must be one of",
        ),
        (
            lambda d: _question(d, "LAB-01").update(required="sometimes"),
            "question LAB-01: required must be true or false.",
        ),
        (
            lambda d: _question(d, "LAB-01").update(weight="heavy"),
            "question LAB-01: weight must be a number with at most two decimals.",
        ),
        (lambda d: _question(d, "LAB-02").update(code="LAB-01"), "The question code LAB-01 is used twice."),
        (lambda d: _question(d, "LAB-01").update(show_if="LAB-02"), "question LAB-01: unknown keys show_if."),
        (lambda d: d["sections"][1].update(code="MS"), "section MS: the section code is used twice."),
        (
            lambda d: d.update(catalogue="other-code"),
            "The requirement catalogue other-code 2026.1 is not loaded",
        ),
        (lambda d: d.update(title_zh=""), "template: title_zh is required."),
    ],
)
def test_a_broken_template_is_refused_whole_naming_the_question(loaded_catalogue, change, message):
    data = template_data()
    change(data)
    with pytest.raises(RuleViolation) as caught:
        catalogue.load_template(data)
    assert any(message in m for m in caught.value.messages), caught.value.messages
    assert QuestionnaireTemplate.objects.count() == 0 and Question.objects.count() == 0


def test_the_template_needs_its_catalogue_loaded_first(db):
    with pytest.raises(RuleViolation, match="is not loaded; load it before the template"):
        catalogue.load_template(template_data())


# ---------------------------------------------------------------- country and category risk


def test_country_risk_ships_with_its_source_for_the_sourcing_countries(db):
    result = risk_reference.load_country_risk(catalogue.read_data_file(risk_reference.COUNTRY_RISK_FILE))
    assert result.created >= 60
    codes = set(CountryRisk.objects.values_list("country", flat=True))
    assert {
        "CN",
        "TW",
        "VN",
        "MY",
        "TH",
        "IN",
        "ID",
        "MX",
        "DE",
        "US",
        "JP",
        "KR",
        "PH",
        "CD",
        "RW",
        "UG",
        "TZ",
        "ZM",
        "BI",
        "AO",
        "CF",
        "CG",
        "SS",
        "BR",
        "PE",
        "CL",
        "BO",
        "AU",
        "ZA",
        "GB",
        "FR",
    } <= codes
    congo, germany = CountryRisk.objects.get(country="CD"), CountryRisk.objects.get(country="DE")
    assert congo.score > 80 > 10 > germany.score
    assert "ITUC" in congo.source and "Worldwide Governance Indicators" in congo.source
    assert congo.as_of == date(2024, 10, 1)
    assert AuditEvent.objects.filter(action="country_risk.created").count() == result.created


def test_reloading_country_risk_keeps_an_edit_and_a_newer_file_updates(db):
    data = catalogue.read_data_file(risk_reference.COUNTRY_RISK_FILE)
    risk_reference.load_country_risk(data)
    CountryRisk.objects.filter(country="VN").update(score=Decimal("70.00"))
    again = risk_reference.load_country_risk(data)
    assert again.kept == 1 and again.created == 0 and again.updated == 0
    assert CountryRisk.objects.get(country="VN").score == Decimal("70.00")
    newer = copy.deepcopy(data)
    newer["date"] = "2025-10-01"
    newer["countries"] = [{"country": "VN", "score": 61}]
    result = risk_reference.load_country_risk(newer)
    assert result.updated == 1
    vietnam = CountryRisk.objects.get(country="VN")
    assert (vietnam.score, vietnam.as_of) == (Decimal(61), date(2025, 10, 1))
    assert AuditEvent.objects.get(action="country_risk.updated").changes["score"] == ["70.00", "61"]


@pytest.mark.parametrize(
    ("countries", "message"),
    [
        ([{"country": "XX", "score": 10}], "'XX' is not an ISO 3166 two-letter country code."),
        ([{"country": "CN", "score": 101}], "country 1 (CN): score must be a number from 0 to 100"),
        ([{"country": "CN", "score": 10}, {"country": "CN", "score": 20}], "country 2: CN is listed twice."),
    ],
)
def test_bad_country_risk_data_is_refused(db, countries, message):
    with pytest.raises(RuleViolation) as caught:
        risk_reference.load_country_risk({"source": "test", "date": "2026-01-01", "countries": countries})
    assert any(message in m for m in caught.value.messages)
    assert CountryRisk.objects.count() == 0


def test_category_risk_covers_every_reference_category(db):
    call_command("load_reference", stdout=StringIO())
    data = catalogue.read_data_file(risk_reference.CATEGORY_RISK_FILE)
    reference = json.loads(
        (catalogue.DATA_DIR.parents[1] / "suppliers" / "data" / "reference.json").read_text()
    )
    assert {c["category"] for c in data["categories"]} == {c["code"] for c in reference["categories"]}
    result = risk_reference.load_category_risk(data)
    assert result.created == len(reference["categories"]) and result.skipped == 0
    ores = CategoryRisk.objects.get(category__code="metal-ores")
    logistics = CategoryRisk.objects.get(category__code="logistics-services")
    cobalt = CategoryRisk.objects.get(category__code="cobalt-compounds")
    assert ores.score >= 80 and cobalt.score >= 80 and logistics.score <= 20
    assert "Annex II" in ores.rationale


def test_category_risk_keeps_scores_already_set_and_skips_unknown_categories(db):
    category = make_category(code="metal-ores", name="Ores")
    CategoryRisk.objects.create(category=category, score=Decimal("55"), rationale="Our own view")
    result = risk_reference.load_category_risk(catalogue.read_data_file(risk_reference.CATEGORY_RISK_FILE))
    assert (result.created, result.kept, result.skipped) == (0, 1, 16)
    assert CategoryRisk.objects.get(category=category).score == Decimal("55")


# ---------------------------------------------------------------- the management command


def test_the_command_loads_everything_and_says_what_it_did(db):
    call_command("load_reference", stdout=StringIO())
    out = StringIO()
    call_command("load_assessment_reference", stdout=out)
    text = out.getvalue()
    assert "Requirement catalogue code-of-conduct 2026.1: 61 created" in text
    assert "created ssr-esg-self-assessment 2026.1: 8 sections" in text
    assert "Category risk: 17 created" in text
    again = StringIO()
    call_command("load_assessment_reference", stdout=again)
    assert "61 unchanged" in again.getvalue() and "17 unchanged" in again.getvalue()
    assert RequirementCatalogue.objects.count() == 1 and QuestionnaireTemplate.objects.count() == 1


def test_the_command_loads_nothing_when_a_file_is_bad(db, tmp_path):
    bad = tmp_path / "template.json"
    data = template_data()
    _question(data, "LAB-06")["show_if_code"] = "NOWHERE"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="The question NOWHERE it depends on does not exist"):
        call_command("load_assessment_reference", template=str(bad), stdout=StringIO())
    assert RequirementCatalogue.objects.count() == 0 and CountryRisk.objects.count() == 0


# ---------------------------------------------------------------- the admin


def test_the_admin_lists_catalogues_templates_and_risks(client_for, admin_user, shipped_template):
    client = client_for(admin_user)
    for model in (
        "requirementcatalogue",
        "requirement",
        "questionnairetemplate",
        "question",
        "section",
        "countryrisk",
        "categoryrisk",
        "questionnairecampaign",
        "response",
        "riskassessment",
        "worklistitem",
    ):
        assert client.get(reverse(f"admin:assessments_{model}_changelist")).status_code == 200, model
    assert (
        client.get(
            reverse("admin:assessments_questionnairetemplate_change", args=[shipped_template.pk])
        ).status_code
        == 200
    )
    assert client.get(reverse("admin:assessments_requirement_add")).status_code == 403


def test_an_admin_edit_of_a_country_risk_is_audited(client_for, admin_user):
    risk = CountryRisk.objects.create(
        country="VN", score=Decimal("63.50"), source="test", as_of=date(2024, 10, 1)
    )
    response = client_for(admin_user).post(
        reverse("admin:assessments_countryrisk_change", args=[risk.pk]),
        {"country": "VN", "score": "58", "source": "Own assessment 2026", "as_of": "2026-11-01"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="countryrisk.updated")
    assert event.changes["score"] == ["63.50", "58"] and event.actor == admin_user
