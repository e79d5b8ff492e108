"""Expected results for the six real supplier-filled CMRT 6.4 files."""

from __future__ import annotations

from collections import Counter

import pytest

from supplyesg.minerals.cmrt import check_file

from .conftest import OPTIONS, fixture_file


def check(name):
    return check_file(fixture_file(f"filled/{name}"), options=OPTIONS)


@pytest.fixture(scope="module")
def results():
    names = ["giga", "SK_WF6", "Honeywell_HEM", "JX_Advanced_Metals", "PKG_DE00", "Merck_WF6"]
    return {n: check(f"CMRT_6.4_filled_{n}.xlsx") for n in names}


def errors(result):
    return Counter(f.code for f in result.errors)


def test_all_six_are_cmrt_6_4(results):
    assert {(r.declaration.template, r.declaration.version) for r in results.values()} == {("CMRT", "6.4")}


def test_honeywell_answers_yes_for_tin_and_gold_but_lists_no_tin_or_gold_smelter(results):
    r = results["Honeywell_HEM"]
    assert errors(r) == {"smelter_missing_for_metal": 2}
    assert {f.metal for f in r.errors} == {"Tin", "Gold"}
    assert r.declaration.company.name == "Honeywell International"  # trailing tabs stripped
    assert r.declaration.company.effective_date.isoformat() == "2024-05-02"  # stored as text
    assert r.declaration.company.scope == "C"
    assert [(f.cell, f.params["other"]) for f in r.findings if f.code == "smelter_duplicate"] == [("A7", 6)]
    assert len(r.smelters) == 40


def test_pkg_has_an_empty_company_block_and_67_smelters(results):
    r = results["PKG_DE00"]
    assert errors(r) == {"company_field_missing": 8}
    assert [f.cell for f in r.errors] == ["D8", "D9", "D15", "D16", "D17", "D18", "D20", "D22"]
    assert len(r.smelters) == 67
    assert all(s.matched_by == "cid" and s.cid for s in r.smelters)
    assert {s.metal for s in r.smelters} == {"Tin", "Gold"}


def test_jx_repeats_the_same_cid_five_times(results):
    r = results["JX_Advanced_Metals"]
    assert r.valid
    duplicates = [f for f in r.findings if f.code == "smelter_duplicate"]
    cid_rows = Counter(s.cid for s in r.smelters)
    assert cid_rows["CID002082"] == 5
    assert len(duplicates) == 6  # 4 for CID002082, 1 for CID001969, 1 more Tungsten repeat
    assert r.declaration.company.scope == "B"
    assert len(r.declaration.products) == 3


def test_sk_declares_scope_b_with_no_products(results):
    r = results["SK_WF6"]
    assert errors(r) == {"products_missing": 1}
    assert [s.matched_by for s in r.smelters] == ["name", "name"]  # chosen from the column C dropdown


def test_giga_lists_tungsten_smelters_chosen_by_name(results):
    r = results["giga"]
    assert r.valid
    assert [s.metal for s in r.smelters] == ["Tungsten"] * 4
    assert all(s.cid and s.matched_by == "name" for s in r.smelters)


def test_merck_is_valid_with_one_tungsten_smelter(results):
    r = results["Merck_WF6"]
    assert r.valid and r.errors == []
    assert [(s.metal, s.matched_by) for s in r.smelters] == [("Tungsten", "cid")]
    assert r.declaration.answers["Tungsten"]["q6"] == "100%"


def test_only_the_expected_warnings_appear(results):
    warnings = {n: sorted({f.code for f in r.warnings}) for n, r in results.items()}
    old = "effective_date_too_old"  # all dated April-May 2024, checked on 2025-09-01
    assert warnings == {
        "giga": [old],
        "SK_WF6": [old],
        "Honeywell_HEM": [old, "smelter_duplicate"],
        "JX_Advanced_Metals": [old, "smelter_duplicate"],
        "PKG_DE00": ["smelter_in_covered_country"],  # Luna Smelter, Rwanda
        "Merck_WF6": [old],
    }
