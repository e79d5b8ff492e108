"""The conservation checks and coverage arithmetic, without a database."""

from datetime import date
from decimal import Decimal as D

import pytest

from supplyesg.traceability import rules

ORDER = ["self_declared", "document_backed", "third_party_verified"]


def test_a_holder_keeps_what_came_in_less_what_went_out():
    assert rules.balance([("in", D("100")), ("out", D("30")), ("in", D("5")), ("out", D("75"))]) == D("0")


def test_nothing_can_be_shipped_beyond_what_is_held():
    (finding,) = rules.check_take(D("40"), D("40.001"), field_name="quantity", lot="L-1")
    assert finding.code == "over_shipped" and finding.values == {"lot": "L-1", "held": D("40"), "wanted": D("40.001")}
    assert rules.check_take(D("40"), D("40"), field_name="quantity", lot="L-1") == []


def test_a_zero_quantity_is_refused():
    assert [f.code for f in rules.check_take(D("40"), D("0"), field_name="quantity", lot="L-1")] == ["not_positive"]


def test_an_output_inside_the_tolerance_of_inputs_times_the_factor_passes():
    # 10,000 kg metallurgical silicon at 0.85: 8,500 expected; ±2 % is 8,330 to 8,670.
    assert rules.check_transformation(D("10000"), D("8670"), D("0.85"), D("2")) == []
    assert rules.check_transformation(D("10000"), D("8330"), D("0.85"), D("2")) == []


def test_an_output_outside_the_tolerance_is_refused_with_the_expected_figure():
    (finding,) = rules.check_transformation(D("10000"), D("8671"), D("0.85"), D("2"))
    assert finding.code == "out_of_tolerance" and finding.values["expected"] == D("8500.000")
    assert rules.check_transformation(D("10000"), D("8329"), D("0.85"), D("2"))[0].field == "output_quantity"


def test_an_input_with_nothing_upstream_is_flagged_unless_it_is_an_origin_lot():
    findings = rules.untraced_inputs([("ORE-1", False, True), ("SL-1", False, False), ("SL-2", True, False)])
    assert [(f.code, f.values["lot"]) for f in findings] == [("untraced_input", "SL-1")]


def test_the_mass_balance_alerts_only_beyond_the_tolerance():
    fine = rules.MassBalance("Alpha · Refined tin", D("700"), D("706.86"), D("0.99"), D("2"))  # 693 × 1.02 exactly
    assert fine.expected == D("693.000") and fine.deficit == D("0") and not fine.alert
    over = rules.MassBalance("Beta · Refined tin", D("500"), D("495"), D("0.9"), D("2"))
    assert over.expected == D("450.000") and over.deficit == D("36.000") and over.alert


def test_volume_is_split_by_the_weakest_evidence_level_with_untraced_last():
    rows = rules.volume_by_level(
        [(D("693"), True, "document_backed"), (D("495"), False, "self_declared"), (D("12"), True, "third_party_verified")], ORDER
    )
    assert [(r.level, r.quantity, r.share) for r in rows] == [
        ("third_party_verified", D("12"), D("1.0")),
        ("document_backed", D("693"), D("57.8")),
        ("self_declared", D("0"), D("0.0")),
        ("untraced", D("495"), D("41.3")),
    ]


def test_no_volume_gives_no_percentages():
    assert {r.share for r in rules.volume_by_level([], ORDER)} == {None}


def test_a_trace_is_as_strong_as_its_weakest_lot():
    assert rules.weakest(["third_party_verified", "document_backed"], ORDER) == "document_backed"
    assert rules.weakest([], ORDER) is None


@pytest.mark.parametrize(
    ("year", "quarter", "bounds"),
    [
        (2026, None, (date(2026, 1, 1), date(2027, 1, 1))),
        (2026, 2, (date(2026, 4, 1), date(2026, 7, 1))),
        (2026, 4, (date(2026, 10, 1), date(2027, 1, 1))),
    ],
)
def test_a_period_is_a_year_or_one_of_its_quarters(year, quarter, bounds):
    assert rules.period_bounds(year, quarter) == bounds
