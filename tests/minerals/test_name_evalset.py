"""Smelter names as suppliers write them, generated from the RMI look-ups (bench/name_evalset.py), get the
right CID per variant kind; near misses and invented names get none. No database."""

from collections import defaultdict

import pytest
from bench.name_evalset import blacklist_cases, build, load_listed
from bench.name_matching import reference

from supplyesg.core.matching import NameIndex


@pytest.fixture(scope="module")
def evaluation(fixtures):
    listed = load_listed(fixtures / "derived")
    ref = reference(listed)
    by_kind = defaultdict(list)
    for case in build(listed):
        by_kind[case.kind].append(case)
    return ref, by_kind, listed


@pytest.mark.parametrize(
    "kind",
    [
        "exact",
        "lookup_alias",
        "legal_form",
        "case_punct",
        "abbreviation",
        "city_qualifier",
        "place_moved",
        "typo",
        "country_alias",
        "pinyin_split",
        "chinese",
    ],
)
def test_a_listed_name_written_another_way_gets_its_cid(evaluation, kind):
    ref, by_kind, _listed = evaluation
    cases = by_kind[kind][:150]
    right = sum(1 for c in cases if (m := ref.match(c.metal, name=c.name, country=c.country)) and m.cid == c.expected)
    wrong = [c.name for c in cases if (m := ref.match(c.metal, name=c.name, country=c.country)) and m.cid != c.expected]
    assert cases and right / len(cases) >= 0.9
    assert wrong == []


@pytest.mark.parametrize("kind", ["place_changed", "trade_name_changed", "invented"])
def test_a_near_miss_or_invented_name_gets_no_cid(evaluation, kind):
    ref, by_kind, _listed = evaluation
    cases = by_kind[kind][:200]
    given = [c.name for c in cases if ref.match(c.metal, name=c.name, country=c.country)]
    assert cases and len(given) <= len(cases) // 100 + 1


def test_every_variant_of_a_banned_company_is_caught_and_its_neighbours_are_not(evaluation):
    _ref, _by_kind, listed = evaluation
    banned, cases = blacklist_cases(listed)
    index = NameIndex({"key": name, "name": name, "country": country} for name, country in banned)
    missed, flagged = [], []
    for case in cases:
        hits = {c.key for c in index.search(case.name, country=case.country) if (c.name_score or 0) >= 90}
        if case.banned and case.banned not in hits:
            missed.append(case)
        if not case.banned and hits:
            flagged.append(case)
    assert missed == []
    assert len(flagged) <= 0.05 * sum(1 for c in cases if not c.banned)
