"""The company's own CMRT/EMRT: proposed answers, audited edits, problems, the export round trip."""

import pytest

from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent
from supplyesg.minerals import declaration
from supplyesg.minerals.cmrt import check_file, read_workbook
from supplyesg.minerals.models import CompanyDeclaration, RiskCountry, Submission

from .conftest import fixture_file
from .factories_minerals import (
    cmrt_answers,
    make_campaign,
    make_request,
    make_risk_country,
    make_smelter,
    make_submission,
)

pytestmark = pytest.mark.django_db

TIN = ("Tin", "CID001070", "China Tin (Hechi)", "CHINA")
GOLD = ("Gold", "CID002030", "AGR (Perth Mint Australia)", "AUSTRALIA")
CONGO_TIN = ("Tin", "CID004065", "Mining Minerals Resources SARL", "CONGO, DEMOCRATIC REPUBLIC OF THE")
UNKNOWN_TIN = ("Tin", "", "Backyard Tin Works", "CHINA")
COBALT = ("Cobalt", "CID003481", "Chizhou CN New Materials and Technology Co., Ltd.", "CHINA")

COMPANY = {
    "company_name": "Acme Electronics Co., Ltd.",
    "scope": "A",
    "contact_name": "Jane Roe",
    "contact_email": "jane@acme.example",
    "contact_phone": "+86 755 0000 0000",
    "authorizer_name": "John Doe",
    "authorizer_email": "john@acme.example",
    "policy_url": "https://acme.example/minerals-policy",
}
CMRT_COMPANY_ANSWERS = {"A": "Yes", "B": "Yes", "C": "Yes", "D": "Yes", "G": "Yes", "H": "No"}


@pytest.fixture
def campaign(db):
    return make_campaign(reporting_year=2025, template="CMRT", minerals=["Tin", "Gold"])


@pytest.mark.parametrize(
    ("received", "asked", "answer"),
    [
        (0, 0, ""),
        (4, 4, "100%"),
        (19, 20, "Greater than 90%"),
        (16, 20, "Greater than 75%"),
        (11, 20, "Greater than 50%"),
        (10, 20, "50% or less"),
        (0, 20, "None"),
    ],
)
def test_the_response_answer_follows_the_template_buckets(received, asked, answer):
    assert declaration.response_bucket(received, asked) == answer


def test_answers_are_proposed_from_the_accepted_supplier_declarations(campaign):
    make_submission(make_request(campaign), smelters=[TIN], minerals=cmrt_answers(yes=("Tin",)))
    make_submission(
        make_request(campaign),
        smelters=[TIN, UNKNOWN_TIN],
        minerals=cmrt_answers(yes=("Tin",), Tin={"q3": "Unknown", "q7": "No"}),
    )
    make_request(campaign)  # asked, no answer
    make_submission(
        make_request(campaign), status=Submission.Status.INVALID, minerals=cmrt_answers(yes=("Gold",))
    )

    derived = declaration.derive_answers(2025, "CMRT")

    tin, gold = derived.answers["Tin"], derived.answers["Gold"]
    assert (tin["q1"], tin["q2"]) == ("Yes", "Yes")
    assert tin["q3"] == "Unknown"  # a supplier says Unknown and one name has no id
    assert tin["q5"] == "No"
    assert tin["q6"] == "Greater than 50%"  # 3 of 4 responded (a file with errors is a response): 75%
    assert (tin["q7"], tin["q8"]) == ("No", "No")
    assert gold["q1"] == "No"  # only the declaration with errors says Yes
    assert derived.answers["Tantalum"]["q1"] == "No"
    assert derived.reasons["Tantalum"]["q1"] == "No accepted supplier declaration answers Yes."
    assert derived.minerals == ["Tin", "Gold"]
    assert derived.company_answers == {"E": "Yes, in conformance with IPC1755 (e.g., CMRT)", "F": "Yes"}


def test_smelters_in_covered_countries_make_question_3_yes_and_full_identification_makes_7_yes(campaign):
    make_smelter(
        "CID004065", "Tin", "Mining Minerals Resources SARL", "CONGO, DEMOCRATIC REPUBLIC OF THE", "CD"
    )
    make_risk_country("CD", RiskCountry.Kind.COVERED)
    make_submission(make_request(campaign), smelters=[TIN, CONGO_TIN], minerals=cmrt_answers(yes=("Tin",)))

    tin = declaration.derive_answers(2025, "CMRT").answers["Tin"]

    assert tin["q3"] == "Yes" and tin["q4"] == "No"
    assert (tin["q6"], tin["q7"], tin["q8"]) == ("100%", "Yes", "Yes")


def test_a_metal_in_scope_without_any_answer_yet_gets_no_proposal(campaign):
    derived = declaration.derive_answers(2025, "CMRT")

    assert derived.answers["Tin"]["q1"] == ""
    assert derived.answers["Tantalum"]["q1"] == "No"
    assert derived.reasons["Tantalum"]["q1"] == "The metal is not in the scope of this year's campaigns."
    assert declaration.effective_declaration(2025, "CMRT").answers["Tin"]["q1"] == ""


def test_saved_answers_override_the_proposals_and_blank_ones_follow_them(campaign, compliance):
    make_submission(make_request(campaign), smelters=[TIN, GOLD], minerals=cmrt_answers())

    declaration.save_company_declaration(
        2025,
        "CMRT",
        {"company": COMPANY, "answers": {"Gold": {"q1": "No"}, "Tin": {"q3": "Unknown", "q4": ""}}},
        actor=compliance,
    )
    effective = declaration.effective_declaration(2025, "CMRT")

    assert effective.answers["Tin"]["q3"] == "Unknown"
    assert effective.answers["Tin"]["q4"] == "No"  # blank: the proposal stands
    assert effective.answers["Gold"]["q1"] == "No" and not effective.in_scope("Gold")
    assert [s.cid for s in effective.smelters] == ["CID001070"]  # Gold smelters left out with Gold
    assert effective.company["company_name"] == "Acme Electronics Co., Ltd."


def test_saving_records_each_changed_answer_in_the_audit_trail(campaign, compliance):
    declaration.save_company_declaration(2025, "CMRT", {"company": COMPANY}, actor=compliance)
    saved = CompanyDeclaration.objects.get(reporting_year=2025, template="CMRT")
    declaration.save_company_declaration(
        2025,
        "CMRT",
        {"company": {**COMPANY, "contact_phone": "+86 1"}, "company_answers": {"A": "Yes"}},
        actor=compliance,
    )
    declaration.save_company_declaration(
        2025,
        "CMRT",
        {"company": {**COMPANY, "contact_phone": "+86 1"}, "company_answers": {"A": "Yes"}},
        actor=compliance,
    )

    events = AuditEvent.objects.for_object(saved).order_by("at", "id")
    assert [e.action for e in events] == ["company_declaration.updated"] * 2
    assert events[1].changes == {
        "company.contact_phone": ["+86 755 0000 0000", "+86 1"],
        "company_answers.A": [None, "Yes"],
    }
    assert events[1].actor == compliance
    assert CompanyDeclaration.objects.get(pk=saved.pk).updated_by == compliance


def test_answers_outside_the_template_options_are_refused_and_nothing_is_saved(campaign, compliance):
    with pytest.raises(RuleViolation) as raised:
        declaration.save_company_declaration(
            2025,
            "CMRT",
            {
                "company": {**COMPANY, "contact_email": "jane at acme", "authorizer_name": "Same"},
                "answers": {"Tin": {"q6": "Most"}, "Cobalt": {"q1": "Yes"}},
                "company_answers": {"H": "Yes"},
            },
            actor=compliance,
        )

    text = " ".join(raised.value.messages)
    assert "Contact e-mail" in text and '"same" is not allowed' in text
    assert 'Tin question 6: "Most"' in text and "Cobalt is not a metal of the CMRT" in text
    assert 'Company question H: "Yes"' in text
    assert not CompanyDeclaration.objects.exists()
    assert not AuditEvent.objects.filter(action="company_declaration.updated").exists()


def test_problems_list_what_the_template_checker_would_still_flag(campaign, compliance):
    make_submission(make_request(campaign), smelters=[TIN], minerals=cmrt_answers())

    problems = declaration.declaration_problems(declaration.effective_declaration(2025, "CMRT"))

    assert "Company name is required." in problems
    assert "Gold is in scope but no identified smelter is listed for it." in problems
    assert "Answer company question A." in problems

    declaration.save_company_declaration(
        2025,
        "CMRT",
        {"company": COMPANY, "company_answers": CMRT_COMPANY_ANSWERS, "answers": {"Gold": {"q2": "No"}}},
        actor=compliance,
    )
    assert declaration.declaration_problems(declaration.effective_declaration(2025, "CMRT")) == []


def test_emrt_minerals_come_from_the_campaign_and_can_be_changed(compliance):
    make_campaign(template="EMRT", minerals=["Mica", "Cobalt"])

    effective = declaration.effective_declaration(2025, "EMRT")
    assert effective.metals == ["Cobalt", "Mica"]

    declaration.save_company_declaration(2025, "EMRT", {"minerals": ["Nickel", "Cobalt"]}, actor=compliance)
    effective = declaration.effective_declaration(2025, "EMRT")
    assert effective.metals == ["Cobalt", "Nickel"]
    assert set(effective.answers) == {"Cobalt", "Nickel"}


def test_the_export_file_is_named_after_the_company():
    assert declaration.export_file_name(2025, "CMRT") == "company-CMRT-2025.xlsx"
    CompanyDeclaration.objects.create(
        reporting_year=2025,
        template="CMRT",
        answers={"company": {"company_name": "Acme / Shenzhen 深圳 Ltd."}},
    )
    assert declaration.export_file_name(2025, "CMRT") == "Acme-Shenzhen-深圳-Ltd-CMRT-2025.xlsx"


# ---------------------------------------------------------------- export round trip


@pytest.fixture
def writer():
    return pytest.importorskip("supplyesg.minerals.cmrt.writer")


def _complete_cmrt(campaign, compliance):
    make_submission(make_request(campaign), smelters=[TIN, GOLD, UNKNOWN_TIN], minerals=cmrt_answers())
    make_submission(make_request(campaign), smelters=[TIN, CONGO_TIN], minerals=cmrt_answers(yes=("Tin",)))
    declaration.save_company_declaration(
        2025, "CMRT", {"company": COMPANY, "company_answers": CMRT_COMPANY_ANSWERS}, actor=compliance
    )


def test_the_company_cmrt_written_into_the_real_blank_template_reads_back_valid_with_the_same_smelters(
    writer, campaign, compliance
):
    _complete_cmrt(campaign, compliance)

    data = declaration.export_declaration(2025, "CMRT", fixture_file("RMI_CMRT_6.5.xlsx"))

    result = check_file(data, filename="company.xlsx")
    assert result.valid, [f.message for f in result.errors]
    assert (result.declaration.template, result.declaration.version) == ("CMRT", "6.5")
    assert {(s.metal, s.cid) for s in result.smelters} == {
        ("Tin", "CID001070"),
        ("Tin", "CID004065"),
        ("Gold", "CID002030"),
    }
    read = result.declaration
    assert read.company.name == "Acme Electronics Co., Ltd."
    assert read.answers["Tin"]["q1"] == "Yes" and read.answers["Tantalum"]["q1"] == "No"
    assert read.answers["Tin"]["q7"] == "No"  # a Tin name has no id
    assert read.company_answers["E"] == "Yes, in conformance with IPC1755 (e.g., CMRT)"
    assert read.policy_url == "https://acme.example/minerals-policy"


def test_the_company_emrt_round_trips_through_the_real_emrt_2_1(writer, compliance):
    campaign = make_campaign(template="EMRT", minerals=["Cobalt"])
    make_submission(
        make_request(campaign),
        smelters=[COBALT],
        minerals={
            "Cobalt": {
                "q1": "Yes",
                "q2": "Yes",
                "q3": "No",
                "q4": "No",
                "q5": "100%",
                "q6": "Yes",
                "q7": "Yes",
            }
        },
    )
    declaration.save_company_declaration(
        2025,
        "EMRT",
        {
            "company": COMPANY,
            "company_answers": {"A": "Yes", "B": "Yes", "C": {"Cobalt": "Yes"}, "D": "Yes", "G": "Yes"},
        },
        actor=compliance,
    )
    assert declaration.declaration_problems(declaration.effective_declaration(2025, "EMRT")) == []

    result = check_file(declaration.export_declaration(2025, "EMRT", fixture_file("RMI_EMRT_2.1.xlsx")))

    assert result.valid, [f.message for f in result.errors]
    assert result.declaration.metals == ["Cobalt"]
    assert [(s.metal, s.cid) for s in result.smelters] == [("Cobalt", "CID003481")]


def test_the_export_refuses_a_blank_of_the_other_family_or_an_older_version(writer, campaign, compliance, settings):
    _complete_cmrt(campaign, compliance)
    settings.SUPPLYESG_CMRT_TEMPLATE = None  # `make` points it at the fixtures; here none is configured

    with pytest.raises(RuleViolation, match="the file is EMRT 2.1"):
        declaration.export_declaration(2025, "CMRT", fixture_file("RMI_EMRT_2.1.xlsx"))
    with pytest.raises(RuleViolation, match="CMRT 6.4 is older than CMRT 6.5"):
        declaration.export_declaration(2025, "CMRT", fixture_file("RMI_CMRT_6.4.xlsx"))
    with pytest.raises(RuleViolation, match="no blank CMRT template is configured"):
        declaration.export_declaration(2025, "CMRT")


def test_the_export_refuses_a_filled_declaration_as_the_blank(writer, campaign, compliance, tmp_path):
    _complete_cmrt(campaign, compliance)
    filled = declaration.export_declaration(2025, "CMRT", fixture_file("RMI_CMRT_6.5.xlsx"))

    with pytest.raises(RuleViolation, match="already filled"):
        declaration.export_declaration(2025, "CMRT", filled)
    assert read_workbook(filled).company.name == "Acme Electronics Co., Ltd."
