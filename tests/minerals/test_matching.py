"""Pure smelter matching: CID, exact name/alias, normalised name, fuzzy with an abstain threshold."""

from __future__ import annotations

import pytest

from supplyesg.minerals.cmrt import ReferenceList, loose_key, normalise_cid

REF = ReferenceList.from_records(
    [
        {
            "cid": "CID001070",
            "metal": "Tin",
            "name": "China Tin Group Co., Ltd.",
            "country": "China",
            "aliases": ["GuangXi China Tin", "Liuzhhou China Tin"],
        },
        {
            "cid": "CID001105",
            "metal": "Tin",
            "name": "Malaysia Smelting Corporation (MSC)",
            "country": "MALAYSIA",
            "aliases": ["MSC"],
        },
        {"cid": "CID002763", "metal": "Gold", "name": "8853 S.p.A.", "country": "ITALY"},
        {"cid": "CID000001", "metal": "Gold", "name": "Cendres + Métaux S.A.", "country": "SWITZERLAND"},
        {"cid": "CID000002", "metal": "Tantalum", "name": "Global Advanced Metals Aizu", "country": "JAPAN"},
        {
            "cid": "CID000003",
            "metal": "Tantalum",
            "name": "Global Advanced Metals Boyertown",
            "country": "UNITED STATES OF AMERICA",
        },
    ]
)


@pytest.mark.parametrize(
    ("raw", "cid"),
    [
        ("CID001070", "CID001070"),
        ("cid 1070", "CID001070"),
        (1070.0, "CID001070"),
        ("1070", "CID001070"),
        ("n/a", None),
        (None, None),
    ],
)
def test_it_normalises_cids(raw, cid):
    assert normalise_cid(raw) == cid


def test_it_strips_legal_suffixes_punctuation_and_accents():
    assert loose_key("China Tin Group Co., Ltd.") == loose_key("CHINA TIN GROUP COMPANY LIMITED")
    assert loose_key("Cendres + Métaux S.A.") == loose_key("Cendres Metaux SA")
    assert loose_key("Wolfram GmbH") == "wolfram"


def test_it_matches_by_cid_first():
    match = REF.match("Tin", cid="CID001105", name="China Tin Group Co., Ltd.")
    assert (match.cid, match.matched_by, match.score) == ("CID001105", "cid", 100.0)


def test_it_matches_an_exact_standard_name_or_alias_within_the_metal():
    assert REF.match("Tin", name="china tin group co., ltd.").matched_by == "name"
    alias = REF.match("Tin", name="MSC")
    assert (alias.cid, alias.matched_by) == ("CID001105", "alias")
    assert REF.match("Gold", name="MSC") is None


def test_it_matches_a_normalised_name():
    match = REF.match("Tin", name="China Tin Group Company Limited")
    assert (match.cid, match.matched_by) == ("CID001070", "name")
    assert REF.match("Gold", name="Cendres & Metaux SA", fuzzy=False).cid == "CID000001"


def test_it_matches_a_misspelt_name_fuzzily_with_a_score():
    match = REF.match("Gold", name="Cendres + Metuax SA", country="CH")
    assert match.cid == "CID000001" and match.matched_by == "fuzzy" and 85 <= match.score < 100
    assert "spelling differs: metuax≈metaux" in match.candidates[0].reasons

    match = REF.match("Tin", name="Malaysia Smeltng Corporation (MSC)", country="MALAYSIA")
    assert (match.cid, match.matched_by) == ("CID001105", "fuzzy")


def test_it_abstains_for_an_unknown_smelter_rather_than_guessing():
    assert REF.match("Tin", name="Yunnan Totally New Tin Smelter") is None
    assert REF.match("Tantalum", name="Global Advanced Metals") is None  # Aizu or Boyertown?


def test_it_penalises_a_fuzzy_match_in_another_country():
    assert REF.match("Tin", name="Malaysia Smeltng Corporation (MSC)", country="PERU") is None
