"""AMRT 1.2/1.3 and CRT 2.2 are read and checked by cell address like the CMRT and EMRT.

Each test writes a variation of the blank RMI template (read from ../shared/fixtures at run time).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from supplyesg.minerals.cmrt import check_declaration, check_file, read_workbook
from supplyesg.minerals.cmrt import layouts as L

from .conftest import OPTIONS, TemplateWriter, fixture_file

COMPANY_AMRT13 = {
    "D8": "Acme Alloys Ltd.",
    "D9": "A. Company",
    "D20": "Jane Roe",
    "D21": "jane@example.com",
    "D22": "+1 555 0100",
    "D23": "John Doe",
    "D25": "john@example.com",
    "D27": dt.datetime(2025, 6, 1),
}
EMPTY_SLOTS = dict.fromkeys(L.AMRT13.mineral_slots)

VALID_AMRT13: dict[str, dict[str, Any]] = {
    "Declaration": {
        **COMPANY_AMRT13,
        **EMPTY_SLOTS,
        "D12": "Aluminum",
        "E12": "Zinc",
        "G12": "Other [specify below]",
        "G15": "Barite",
        # rows follow the minerals sorted: Aluminum, Barite, Zinc
        "D31": "Yes",
        "D32": "No",
        "D33": "Yes",
        "D43": "100%",
        "D44": "Did not survey",
        "D45": "Greater than 90%",
    },
    "Smelter List": {
        "A5": "CID004629",
        "B6": "Zinc",
        "C6": "Smelter not listed",
        "D6": "Example Zinc Works",
        "E6": "CHINA",
    },
    "Mine List": {"A5": "Aluminum", "B5": "Aluminerie Alouette Inc.", "C5": "Sangaredi", "F5": "GUINEA"},
}

VALID_AMRT12: dict[str, dict[str, Any]] = {
    "Declaration": {
        "D8": "Acme Alloys Ltd.",
        "D9": "A. Company",
        "D17": "Jane Roe",
        "D18": "jane@example.com",
        "D19": "+1 555 0100",
        "D20": "John Doe",
        "D22": "john@example.com",
        "D24": dt.datetime(2025, 6, 1),
        **EMPTY_SLOTS,  # the blank 1.2 carries seven example minerals in Chinese
        "D12": "Silver",
        "E12": "aluminum",
        "D28": "Yes",
        "D29": "Yes",
        "D40": "Greater than 75%",
        "D41": 1,
    },
    "Smelter List": {
        "A5": "Aluminum",
        "B5": "Example Smelter",
        "C5": "CANADA",
        "A6": "Silver",
        "B6": "Example Refinery",
        "C6": "JAPAN",
    },
}

VALID_CRT: dict[str, dict[str, Any]] = {
    "Declaration": {
        "D8": "Acme Batteries Ltd.",
        "D9": "A. Company",
        "D15": "Jane Roe",
        "D16": "jane@example.com",
        "D17": "+1 555 0100",
        "D18": "John Doe",
        "D20": "john@example.com",
        "D22": dt.datetime(2025, 6, 1),
        "D26": "Yes",
        "D32": "No",
        "D38": "No",
        "D44": 1,  # "100%" is stored as the number 1
        "D50": "Yes",
        "D56": "Yes",
        "D63": "Yes",
        "G63": "https://example.com/cobalt-policy",
        **{f"D{row}": "Yes" for row in (65, 67, 69, 71, 73, 77, 79)},
        "D75": "Yes, CRT",
    },
    "Smelter List": {"A5": "CID003264"},
}


@pytest.fixture(scope="module")
def amrt13(tmp_path_factory) -> TemplateWriter:
    return TemplateWriter(fixture_file("RMI_AMRT_1.3.xlsx"), tmp_path_factory.mktemp("amrt13"), VALID_AMRT13)


@pytest.fixture(scope="module")
def amrt12(tmp_path_factory) -> TemplateWriter:
    return TemplateWriter(fixture_file("RMI_AMRT_1.2.xlsx"), tmp_path_factory.mktemp("amrt12"), VALID_AMRT12)


@pytest.fixture(scope="module", params=["RMI_CRT_2.2.xlsx", "RMI_CRT_2.21.xlsx"])
def crt(request, tmp_path_factory) -> TemplateWriter:
    return TemplateWriter(fixture_file(request.param), tmp_path_factory.mktemp("crt"), VALID_CRT)


def codes_at(result) -> set[tuple[str, str | None]]:
    return {(f.code, f.cell) for f in result.findings}


def errors(result) -> list[str]:
    return [f"{f.code} {f.location}" for f in result.errors]


# ---------------------------------------------------------------- AMRT 1.3


def test_a_complete_amrt_13_is_valid_with_its_chosen_minerals_in_row_order(amrt13):
    result = check_file(amrt13.write(), options=OPTIONS)
    d = result.declaration
    assert (d.template, d.version, d.layout.name) == ("AMRT", "1.3", "AMRT 1.3")
    assert result.valid, errors(result)
    assert d.metals == ["Aluminum", "Barite", "Zinc"]
    assert d.answers["Barite"]["q1"] == "No" and d.answers["Zinc"]["q2"] == "Greater than 90%"
    assert d.answer_cells[("Zinc", "q1")] == "D33"
    assert d.company.contact.email == "jane@example.com" and d.company.effective_date == dt.date(2025, 6, 1)


def test_the_amrt_13_smelter_look_up_resolves_an_aluminium_smelter_by_cid(amrt13):
    result = check_file(amrt13.write(), options=OPTIONS)
    aluminium = result.smelters[0]
    assert (aluminium.metal, aluminium.cid, aluminium.matched_by) == ("Aluminum", "CID004629", "cid")
    assert aluminium.name == "Aluminerie Alouette Inc."
    zinc = result.smelters[1]
    assert (zinc.metal, zinc.name, zinc.country) == ("Zinc", "Example Zinc Works", "CHINA")


def test_the_amrt_mine_list_is_read(amrt13):
    result = check_file(amrt13.write(), options=OPTIONS)
    (mine,) = result.declaration.mines
    assert (mine.row, mine.metal, mine.smelter_name, mine.name, mine.country) == (
        5,
        "Aluminum",
        "Aluminerie Alouette Inc.",
        "Sangaredi",
        "GUINEA",
    )
    assert result.to_dict()["mines"][0]["name"] == "Sangaredi"


def test_an_other_mineral_left_unnamed_is_an_error_at_the_cell_below_it(amrt13):
    result = check_file(amrt13.write({"Declaration": {"G15": None}}), options=OPTIONS)
    assert ("mineral_other_unnamed", "G15") in codes_at(result)
    assert result.declaration.metals == ["Aluminum", "Zinc"]
    finding = next(f for f in result.findings if f.code == "mineral_other_unnamed")
    assert "其他" in finding.message_zh


def test_questions_1_and_2_are_required_for_every_chosen_mineral_as_its_checker_says(amrt13):
    result = check_file(amrt13.write({"Declaration": {"D32": None, "D45": None}}), options=OPTIONS)
    assert {("answer_missing", "D32"), ("answer_missing", "D45")} <= codes_at(result)  # Barite Q1, Zinc Q2
    # Barite answers Q1 "No", and its Q2 is still required (Checker!H30 = IF(A30="",0,G30))
    result = check_file(amrt13.write({"Declaration": {"D44": None}}), options=OPTIONS)
    assert ("answer_missing", "D44") in codes_at(result)


def test_an_amrt_without_minerals_says_so(amrt13):
    result = check_file(amrt13.write({"Declaration": {"D12": None, "E12": None, "G12": None}}), options=OPTIONS)
    assert ("minerals_not_selected", "D12") in codes_at(result)


def test_a_mineral_in_scope_without_a_smelter_and_a_smelter_of_an_unchosen_metal_are_reported(amrt13):
    result = check_file(
        amrt13.write({"Smelter List": {"B6": "Gold", "C6": None, "D6": "Some Refinery", "E6": "PERU"}}),
        options=OPTIONS,
    )
    missing = [f for f in result.findings if f.code == "smelter_missing_for_metal"]
    assert [f.metal for f in missing] == ["Zinc"]
    assert "锌" in missing[0].message_zh
    invalid = next(f for f in result.findings if f.code == "smelter_metal_invalid")
    assert invalid.cell == "B6" and "Aluminum / Barite / Zinc" in invalid.message


def test_a_mineral_answered_no_needs_no_smelter(amrt13):
    result = check_file(
        amrt13.write({"Declaration": {"D33": "Not declaring"}, "Smelter List": {"B6": None, "C6": None, "D6": None, "E6": None}}),
        options=OPTIONS,
    )
    assert result.valid, errors(result)


def test_mine_list_rows_need_a_mineral_in_scope_a_name_and_a_country(amrt13):
    result = check_file(
        amrt13.write({"Mine List": {"A6": "Copper", "B6": "Example Smelter", "C6": None, "F6": None}}), options=OPTIONS
    )
    found = codes_at(result)
    assert {("mine_metal_invalid", "A6"), ("mine_name_missing", "C6"), ("mine_country_missing", "F6")} <= found
    assert not result.valid


# ---------------------------------------------------------------- AMRT 1.2


def test_the_blank_amrt_12_example_minerals_in_chinese_are_read_in_english():
    result = check_file(fixture_file("RMI_AMRT_1.2.xlsx"), options=OPTIONS)
    assert result.declaration.metals == ["Aluminum", "Chromium", "Copper", "Lithium", "Nickel", "Silver", "Zinc"]


def test_a_complete_amrt_12_is_valid_and_minerals_typed_in_any_case_are_one_spelling(amrt12):
    result = check_file(amrt12.write(), options=OPTIONS)
    d = result.declaration
    assert (d.template, d.version, d.layout.name) == ("AMRT", "1.2", "AMRT 1.2")
    assert result.valid, errors(result)
    assert d.metals == ["Aluminum", "Silver"]
    assert d.company.contact.name == "Jane Roe"
    assert [(s.metal, s.name, s.country) for s in d.smelters] == [
        ("Aluminum", "Example Smelter", "CANADA"),
        ("Silver", "Example Refinery", "JAPAN"),
    ]


def test_amrt_12_smelter_findings_point_at_its_own_columns(amrt12):
    result = check_file(amrt12.write({"Smelter List": {"A7": "Gold", "B7": "X", "C7": "PERU"}}), options=OPTIONS)
    invalid = next(f for f in result.findings if f.code == "smelter_metal_invalid")
    assert invalid.cell == "A7"  # the metal is column A in AMRT 1.2 (column B elsewhere)


# ---------------------------------------------------------------- CRT


def test_a_complete_crt_is_valid(crt):
    result = check_file(crt.write(), options=OPTIONS)
    d = result.declaration
    assert (d.template, d.version, d.layout.name) == ("CRT", "2.2", "CRT 2.x")
    assert result.valid, errors(result)
    assert d.metals == ["Cobalt"]
    assert d.answers["Cobalt"]["q4"] == "100%"
    assert d.company_answers["G"] == "Yes, CRT"
    assert result.smelters[0].cid == "CID003264" and result.smelters[0].metal == "Cobalt"
    assert not any(f.code == "untested_version" for f in result.findings)


def test_a_crt_policy_needs_its_url_in_the_comment_of_question_a(crt):
    result = check_file(crt.write({"Declaration": {"G63": None}}), options=OPTIONS)
    assert ("policy_url_missing", "G63") in codes_at(result)


def test_a_crt_without_cobalt_in_scope_needs_no_further_answers(crt):
    blank = {f"D{row}": None for row in (32, 38, 44, 50, 56, *range(63, 80, 2))}
    result = check_file(crt.write({"Declaration": {"D26": "No", **blank}, "Smelter List": {"A5": None}}), options=OPTIONS)
    assert result.valid, errors(result)


def test_crt_answers_outside_its_lists_are_errors_in_both_languages(crt):
    result = check_file(
        crt.write({"Declaration": {"D75": "Yes, CMRT", "D32": "DRC or adjoining countries only"}}), options=OPTIONS
    )
    invalid = [f for f in result.findings if f.code == "answer_invalid"]
    assert [f.cell for f in invalid] == ["D75"]
    assert invalid[0].message_zh and "Yes, CMRT" in invalid[0].message


# ---------------------------------------------------------------- new releases as data
# ``register`` changes this process only; the reader normally runs in a child process, so these tests
# read in-process. A real release is one more line in ``layouts.RELEASES`` (see minerals/cmrt/README.md).


def check_here(path):
    return check_declaration(read_workbook(path, isolated=False), None, OPTIONS)


def test_a_new_release_with_moved_cells_needs_only_its_layout_entry(amrt13, tmp_path):
    """AMRT "1.4" = AMRT 1.3 with one more line above the company block: one Release entry reads it."""
    path = amrt13.write({"Declaration": {"J3": "Revision 1.4\nMarch 1, 2027"}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(path)
    workbook["Declaration"].insert_rows(17)
    moved = tmp_path / "amrt14.xlsx"
    workbook.save(moved)

    before = check_here(moved)
    assert "untested_version" in before.codes()  # read with the 1.3 cells: everything below row 16 is off by one
    assert before.declaration.company.contact.name is None

    layout = replace(
        L.AMRT13,
        name="AMRT 1.4",
        company_cells={
            **L.AMRT13.company_cells,
            **{k: f"D{int(v[1:]) + 1}" for k, v in L.AMRT13.company_cells.items() if int(v[1:]) >= 17},
        },
        questions=tuple(replace(q, header_row=q.header_row + 1) for q in L.AMRT13.questions),
    )
    L.register(L.Release("AMRT", "1.4", layout))
    try:
        after = check_here(moved)
        assert L.LATEST["AMRT"] == "AMRT 1.4"
    finally:
        L.unregister("AMRT", "1.4")
    assert after.valid, errors(after)
    assert "untested_version" not in after.codes()
    assert after.declaration.company.contact.name == "Jane Roe"
    assert after.declaration.answers["Zinc"]["q2"] == "Greater than 90%"
    assert L.LATEST["AMRT"] == "AMRT 1.3"


def test_cmrt_66_with_unchanged_cells_needs_only_a_release_entry(cmrt65):
    path = cmrt65.write({"Declaration": {"J3": "Revision 6.6\nMay 1, 2026"}})
    assert "untested_version" in check_here(path).codes()
    L.register(L.Release("CMRT", "6.6", L.CMRT6))
    try:
        result = check_here(path)
    finally:
        L.unregister("CMRT", "6.6")
    assert result.valid and "untested_version" not in result.codes()
    assert result.declaration.version == "6.6"


def test_another_major_version_is_refused_until_it_has_a_layout(amrt13):
    result = check_file(amrt13.write({"Declaration": {"J3": "Revision 2.0\nMarch 1, 2028"}}), options=OPTIONS)
    assert result.codes() == ["unsupported_version"]
    assert "AMRT 1.3" in result.findings[0].message


# ---------------------------------------------------------------- cmrt_check


def test_cmrt_check_prints_amrt_and_crt_in_the_same_json_contract(amrt13, tmp_path):
    amrt = amrt13.write(name="amrt.xlsx")
    crt_file = TemplateWriter(fixture_file("RMI_CRT_2.21.xlsx"), tmp_path, VALID_CRT).write(name="crt.xlsx")
    script = Path(sys.executable).with_name("supplyesg")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "supplyesg.cli"]
    done = subprocess.run(
        [*command, "cmrt_check", str(amrt), str(crt_file), "--json"], capture_output=True, text=True, timeout=120
    )
    data = json.loads(done.stdout)
    assert [(item["template"], item["version"]) for item in data] == [("AMRT", "1.3"), ("CRT", "2.2")]
    assert list(data[0]["minerals"]) == ["Aluminum", "Barite", "Zinc"]
    assert data[1]["company_questions"]["G"] == "Yes, CRT"
