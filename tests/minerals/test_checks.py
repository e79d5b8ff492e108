"""Every finding code about the content of a template, on variations of the real CMRT 6.5 / EMRT 2.1."""

from __future__ import annotations

import datetime as dt

import pytest

from supplyesg.minerals.cmrt import CheckOptions, Reference, check_file

from .conftest import OPTIONS, TODAY


def codes_at(result, code):
    return [(f.cell, f.metal) for f in result.findings if f.code == code]


@pytest.fixture(scope="module")
def valid(cmrt65):
    return check_file(cmrt65.write(name="valid.xlsx"), options=OPTIONS)


@pytest.fixture(scope="module")
def bad_company(cmrt65):
    return check_file(
        cmrt65.write(
            {
                "Declaration": {
                    "D8": None,
                    "D9": "C. User defined [Specify in 'Description of scope']",
                    "D10": None,
                    "D16": "jane.example.com",
                    "D18": "Same",
                    "D20": None,
                    "D22": "31-Feb-2025",
                }
            }
        ),
        options=OPTIONS,
    )


@pytest.fixture(scope="module")
def product_scope(cmrt65):
    return check_file(
        cmrt65.write(
            {
                "Declaration": {
                    "D9": "B. Product (or List of Products)",
                    "D22": dt.datetime(2026, 1, 1),
                    "J3": "Revision 6.6\nOctober 1, 2025",
                }
            }
        ),
        options=OPTIONS,
    )


@pytest.fixture(scope="module")
def bad_answers(cmrt65):
    return check_file(
        cmrt65.write(
            {
                "Declaration": {
                    "D9": "Z. Something else",
                    "D39": "Maybe",
                    "D45": None,
                    "D57": "50% or less",
                    "G77": None,
                    "D29": "Yes",
                    "D35": "Yes",
                    "D89": "Perhaps",
                },
                "Smelter List": {"B6": "Tin", "C6": "Smelter not yet identified"},
            }
        ),
        options=OPTIONS,
    )


@pytest.fixture(scope="module")
def bad_smelters(cmrt65):
    return check_file(
        cmrt65.write(
            {
                "Smelter List": {
                    "A6": "CID001070",
                    "A7": "CID999999",
                    "A8": "CID001105",
                    "F8": "CID000292",
                    "B9": "Tin",
                    "C9": "Smelter not listed",
                    "B10": "Tin",
                    "C10": "Smelter not listed",
                    "D10": "Totally Unknown Smelting Works",
                    "E10": "PERU",
                    "A11": "CID002763",
                    "C12": "Some Smelter",
                    "D12": "Some Smelter",
                    "B13": "Copper",
                    "C13": "Foo Copper",
                    "B14": "Tin",
                    "C14": "Smelter not listed",
                    "D14": "Luna Smelter Ltd",
                    "E14": "RWANDA",
                }
            }
        ),
        options=OPTIONS,
        reference=Reference(
            rmap_status={"CID001070": "Conformant", "CID001105": "Active"},
            cahra_countries=frozenset({"CHINA"}),
        ),
    )


def test_it_accepts_a_complete_cmrt_with_one_tin_smelter_given_by_cid(valid):
    assert valid.findings == []
    assert valid.valid
    smelter = valid.smelters[0]
    assert (smelter.metal, smelter.cid, smelter.matched_by, smelter.country) == (
        "Tin",
        "CID001070",
        "cid",
        "CHINA",
    )


def test_it_resolves_formula_cells_without_cached_values_through_the_look_up(valid):
    row = valid.declaration.smelters[0]
    assert row.metal is None and row.lookup_name is None  # openpyxl left the formulas uncached
    assert valid.smelters[0].name == "China Tin Group Co., Ltd."


def test_it_rejects_a_cmrt_without_company_name(bad_company):
    assert ("D8", None) in codes_at(bad_company, "company_field_missing")
    assert not bad_company.valid


def test_it_requires_the_authorizer_email(bad_company):
    assert ("D20", None) in codes_at(bad_company, "company_field_missing")


def test_it_rejects_an_email_without_at_sign(bad_company):
    assert codes_at(bad_company, "email_invalid") == [("D16", None)]


def test_it_rejects_same_as_authorizer(bad_company):
    assert codes_at(bad_company, "authorizer_same") == [("D18", None)]


def test_it_requires_a_description_for_scope_c(bad_company):
    assert codes_at(bad_company, "scope_description_missing") == [("D10", None)]


def test_it_rejects_an_effective_date_that_is_not_a_date(bad_company):
    assert codes_at(bad_company, "effective_date_invalid") == [("D22", None)]


def test_it_requires_products_for_scope_b(product_scope):
    assert codes_at(product_scope, "products_missing") == [("B6", None)]


def test_it_warns_about_an_effective_date_in_the_future(product_scope):
    assert codes_at(product_scope, "effective_date_future") == [("D22", None)]


def test_it_reads_an_unverified_6x_revision_with_a_warning(product_scope):
    assert product_scope.declaration.version == "6.6"
    assert codes_at(product_scope, "untested_version") == [(None, None)]


def test_it_warns_about_an_effective_date_older_than_the_configured_age(cmrt65):
    result = check_file(
        cmrt65.write(name="old.xlsx"), options=CheckOptions(today=TODAY, max_effective_date_age_days=30)
    )
    assert codes_at(result, "effective_date_too_old") == [("D22", None)]
    assert result.valid


def test_it_warns_about_templates_older_than_the_minimum_version(fixtures):
    result = check_file(fixtures / "RMI_CMRT_6.22.xlsx", options=OPTIONS)
    assert "template_outdated" in result.codes()
    relaxed = check_file(fixtures / "RMI_CMRT_6.22.xlsx", options=CheckOptions(today=TODAY, min_versions={}))
    assert "template_outdated" not in relaxed.codes()


def test_it_rejects_an_unknown_scope(bad_answers):
    assert codes_at(bad_answers, "scope_invalid") == [("D9", None)]


def test_it_rejects_answers_outside_the_allowed_values(bad_answers):
    assert codes_at(bad_answers, "answer_invalid") == [("D39", "Tin"), ("D89", None)]


def test_it_requires_later_questions_only_for_metals_in_scope(bad_answers):
    missing = codes_at(bad_answers, "answer_missing")
    assert ("D45", "Tin") in missing
    assert ("D41", "Tungsten") in missing  # Tungsten Q1/Q2 = Yes, later answers blank
    assert not any(metal in ("Tantalum", "Gold") for _, metal in missing)


def test_it_warns_when_half_or_fewer_suppliers_responded(bad_answers):
    assert codes_at(bad_answers, "suppliers_response_low") == [("D57", "Tin")]


def test_it_requires_the_policy_url_when_question_b_is_yes(bad_answers):
    assert codes_at(bad_answers, "policy_url_missing") == [("G77", None)]


def test_it_flags_smelter_not_yet_identified_and_the_q7_contradiction(bad_answers):
    assert codes_at(bad_answers, "smelter_not_identified") == [("C6", "Tin")]
    assert codes_at(bad_answers, "smelters_identified_contradiction") == [("D63", "Tin")]


def test_it_requires_a_smelter_for_each_metal_in_scope(bad_answers):
    assert codes_at(bad_answers, "smelter_missing_for_metal") == [(None, "Tungsten")]


def test_it_flags_duplicate_smelter_rows(bad_smelters):
    assert codes_at(bad_smelters, "smelter_duplicate") == [("A6", "Tin")]


def test_it_flags_a_cid_unknown_to_the_look_up(bad_smelters):
    assert ("A7", None) in codes_at(bad_smelters, "smelter_cid_unknown")


def test_it_flags_a_column_a_cid_different_from_column_f(bad_smelters):
    assert codes_at(bad_smelters, "smelter_cid_mismatch") == [("F8", None)]
    assert next(s for s in bad_smelters.smelters if s.row == 8).cid == "CID001105"


def test_it_requires_name_and_country_for_smelter_not_listed(bad_smelters):
    assert codes_at(bad_smelters, "smelter_not_listed_incomplete") == [("D9", "Tin")]
    assert not bad_smelters.valid


def test_it_reports_a_not_listed_smelter_it_cannot_identify(bad_smelters):
    assert codes_at(bad_smelters, "smelter_unmatched") == [("D10", "Tin")]
    row = next(s for s in bad_smelters.smelters if s.row == 10)
    assert (row.cid, row.matched_by, row.name) == (None, None, "Totally Unknown Smelting Works")


def test_it_identifies_a_not_listed_smelter_by_its_normalised_name(bad_smelters):
    row = next(s for s in bad_smelters.smelters if s.row == 14)
    assert (row.cid, row.matched_by) == ("CID003387", "name")


def test_it_flags_smelters_for_a_metal_answered_no(bad_smelters):
    assert codes_at(bad_smelters, "smelter_metal_out_of_scope") == [("B11", "Gold")]


def test_it_flags_rows_without_a_metal_and_with_a_foreign_metal(bad_smelters):
    assert codes_at(bad_smelters, "smelter_metal_missing") == [("B12", None)]
    assert codes_at(bad_smelters, "smelter_metal_invalid") == [("B13", None)]


def test_it_flags_smelters_not_conformant_once_statuses_are_loaded(bad_smelters):
    flagged = {f.params["value"] for f in bad_smelters.findings if f.code == "smelter_not_conformant"}
    assert flagged == {"CID002763", "CID003387"}


def test_it_flags_smelters_in_covered_countries_and_cahras(bad_smelters):
    assert codes_at(bad_smelters, "smelter_in_covered_country") == [("E14", "Tin")]
    assert ("E5", "Tin") in codes_at(bad_smelters, "smelter_in_cahra")


def test_it_requires_at_least_one_mineral_in_emrt_2(emrt21):
    slots = {cell: "(Delete Cobalt)" for cell in ("D12", "E12", "G12", "D13", "E13", "G13")}
    result = check_file(emrt21.write({"Declaration": slots}), options=OPTIONS)
    assert codes_at(result, "minerals_not_selected") == [("D12", None)]
    assert result.declaration.metals == []


def test_it_reads_the_selected_emrt_2_minerals_in_alphabetical_order(emrt21):
    slots = {
        "D12": "Nickel",
        "E12": "(Delete Copper)",
        "G12": None,
        "D13": "Cobalt",
        "E13": None,
        "G13": None,
    }
    answers = {"D30": "Yes", "D31": "No", "D42": "Yes"}
    result = check_file(emrt21.write({"Declaration": {**slots, **answers}}), options=OPTIONS)
    assert list(result.declaration.answers) == ["Cobalt", "Nickel"]
    assert result.declaration.answers["Nickel"]["q1"] == "No"
    assert "smelter_missing_for_metal" in result.codes()
    assert {f.metal for f in result.findings if f.code == "smelter_missing_for_metal"} == {"Cobalt"}


def test_every_finding_has_english_and_chinese_messages(bad_company, bad_answers, bad_smelters):
    for result in (bad_company, bad_answers, bad_smelters):
        for finding in result.findings:
            assert finding.message and finding.message_zh and "{" not in finding.message + finding.message_zh
