"""The rating formula with no database: the ESG score (ESG manual), the business score, the weighted total, the
grade bands and their actions (AIKO), and the quarters people write."""

from decimal import Decimal

import pytest

from supplyesg.ratings import rules
from supplyesg.ratings.quarters import Quarter, QuarterError, parse_quarter, quarter_of
from supplyesg.ratings.rules import EsgInputs, RatingPolicy

D = Decimal
POLICY = RatingPolicy()
ALL_PARTS = {"quality": 80, "delivery": 80, "cost": 80, "service": 80}


def msgids(result) -> list[str]:
    return [msgid for msgid, _params in result.reasons]


# ---------------------------------------------------------------- ESG score (ESG manual, audit scoring)


@pytest.mark.parametrize(
    ("inputs", "score", "level", "source"),
    [
        (EsgInputs(audit_level="low"), 1, "low", "audit"),
        (EsgInputs(audit_level="medium"), 0, "medium", "audit"),
        (EsgInputs(audit_level="high"), -1, "high", "audit"),
        # the audit result wins over the annual risk level, whichever is worse
        (EsgInputs(audit_level="low", risk_level="high", risk_fallback=True), 1, "low", "audit"),
        (EsgInputs(audit_level="high", risk_level="low", risk_fallback=True), -1, "high", "audit"),
    ],
)
def test_esg_manual_the_latest_audit_result_scores_low_1_medium_0_high_minus_1(inputs, score, level, source):
    result = rules.esg_score(inputs)
    assert (result.score, result.level, result.source) == (score, level, source)


@pytest.mark.parametrize(
    ("inputs", "score", "source"),
    [
        (EsgInputs(risk_level="medium", risk_fallback=True), 0, "risk_level"),
        (EsgInputs(risk_level="high", risk_fallback=True), -1, "risk_level"),
        # the policy does not allow the fallback: no ESG result
        (EsgInputs(risk_level="low", risk_fallback=False), None, "none"),
        (EsgInputs(risk_level="severe", risk_fallback=True), None, "none"),
    ],
)
def test_esg_manual_the_annual_risk_level_counts_only_without_an_audit_result_and_where_the_policy_allows_it(
    inputs, score, source
):
    result = rules.esg_score(inputs)
    assert (result.score, result.source) == (score, source)


def test_esg_manual_a_supplier_with_neither_gets_no_invented_zero_and_is_told_so():
    result = rules.esg_score(EsgInputs())
    assert (result.score, result.level, result.source) == (None, None, "none")
    assert msgids(result) == ["No ESG result: no ESG audit result within the look-back; the total is the business score alone."]


@pytest.mark.parametrize(
    ("inputs", "score"),
    [
        (EsgInputs(audit_level="medium", plan_consequence="esg_minus_one"), -1),
        (EsgInputs(audit_level="medium", plan_consequence=None), 0),
        (EsgInputs(audit_level="high", plan_consequence="recommend_termination"), -1),
        # a plan consequence belongs to an audit; a risk-level score ignores it
        (EsgInputs(risk_level="medium", risk_fallback=True, plan_consequence="esg_minus_one"), 0),
    ],
)
def test_esg_manual_medium_risk_without_a_plan_within_6_months_scores_minus_1(inputs, score):
    assert rules.esg_score(inputs).score == score


@pytest.mark.parametrize(
    ("inputs", "score"),
    [
        # low risk: closed in the time frame both parties agreed; late actions do not lower the score by default
        (EsgInputs(audit_level="low", remediation_overdue=3), 1),
        (EsgInputs(audit_level="low", remediation_overdue=0, low_risk_late_lowers=True), 1),
        # only where the policy setting says so
        (EsgInputs(audit_level="low", remediation_overdue=1, low_risk_late_lowers=True), 0),
        # never lowers a medium or high score further
        (EsgInputs(audit_level="medium", remediation_overdue=2, low_risk_late_lowers=True), 0),
        (EsgInputs(audit_level="high", remediation_overdue=2, low_risk_late_lowers=True), -1),
    ],
)
def test_esg_manual_low_risk_is_not_lowered_for_late_actions_unless_the_policy_says_so(inputs, score):
    assert rules.esg_score(inputs).score == score


def test_the_reasons_name_the_source_and_the_outcome():
    assert rules.esg_score(EsgInputs(audit_level="medium")).reasons == (
        ("Latest ESG audit result: %(level)s.", {"level": "medium"}),
        ("%(level)s risk scores %(score)s.", {"level": "medium", "score": 0}),
    )
    assert msgids(rules.esg_score(EsgInputs(risk_level="low", risk_fallback=True)))[0] == (
        "No ESG audit result within the look-back; the annual risk level counts: %(level)s."
    )


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        (
            EsgInputs(audit_level="medium", plan_consequence="esg_minus_one"),
            "The improvement plan was not provided in time: ESG score -1.",
        ),
        (
            EsgInputs(audit_level="high", plan_consequence="recommend_termination"),
            "The high-risk improvement plan was not provided in time: termination recommended.",
        ),
        (
            EsgInputs(audit_level="low", remediation_overdue=2, low_risk_late_lowers=True),
            "%(count)s non-conformities were not closed in the agreed time: ESG score 0.",
        ),
    ],
)
def test_each_clock_consequence_is_given_as_a_reason(inputs, expected):
    assert msgids(rules.esg_score(inputs))[-1] == expected


# ---------------------------------------------------------------- business score


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ({"quality": 100, "delivery": 100, "cost": 100, "service": 100}, D("100.00")),
        ({"quality": 0, "delivery": 0, "cost": 0, "service": 0}, D("0.00")),
        # 40 / 30 / 20 / 10 by default
        ({"quality": 90, "delivery": 80, "cost": 70, "service": 60}, D("80.00")),
        ({"quality": D("95.5"), "delivery": "88", "cost": 70.25, "service": 100}, D("88.65")),
        # missing parts are left out and the weights of the others count
        ({"quality": 90, "delivery": None, "cost": "", "service": 60}, D("84.00")),
        ({"quality": 70}, D("70.00")),
        ({"service": 55}, D("55.00")),
    ],
)
def test_the_business_score_is_the_weighted_mean_of_the_parts_given(parts, expected):
    assert rules.business_score(parts, POLICY) == expected


def test_no_business_part_means_no_business_score():
    assert rules.business_score({}, POLICY) is None
    assert rules.business_score({"quality": None, "delivery": ""}, POLICY) is None


def test_a_part_with_weight_zero_is_left_out():
    policy = RatingPolicy(business_weights={"quality": 1, "delivery": 0, "cost": 0, "service": 0})
    assert rules.business_score({"quality": 70, "delivery": 10}, policy) == D("70.00")
    assert rules.business_score({"delivery": 10}, policy) is None


@pytest.mark.parametrize("bad", [D("100.01"), -1, 105, "-0.5"])
def test_a_business_part_outside_0_to_100_is_refused_naming_the_part(bad):
    with pytest.raises(ValueError, match="delivery"):
        rules.business_score({"quality": 80, "delivery": bad}, POLICY)


# ---------------------------------------------------------------- total, weight, grade


@pytest.mark.parametrize(
    ("weight", "business", "esg", "total"),
    [
        ("10", D("80"), 1, D("82.00")),  # 0.9 × 80 + 0.1 × 100
        ("10", D("80"), 0, D("77.00")),  # 0.9 × 80 + 0.1 × 50
        ("10", D("80"), -1, D("72.00")),  # 0.9 × 80 + 0.1 × 0
        ("1", D("80"), -1, D("79.20")),  # the manual's floor: at least 1 %
        ("1", D("80"), 1, D("80.20")),
        ("100", D("80"), 1, D("100.00")),  # only the ESG score counts
        ("100", D("80"), 0, D("50.00")),
        ("100", D("80"), -1, D("0.00")),
        ("33.33", D("70"), 1, D("79.999")),
    ],
)
def test_the_total_weights_the_esg_points_into_the_business_score(weight, business, esg, total):
    policy = RatingPolicy(esg_weight_percent=D(weight))
    assert rules.weighted_total(business, esg, policy) == total.quantize(D("0.01"))


@pytest.mark.parametrize("weight", ["0.99", "0", "-5", "100.01"])
def test_an_esg_weight_outside_1_to_100_percent_is_refused(weight):
    policy = RatingPolicy(esg_weight_percent=D(weight))
    with pytest.raises(ValueError, match="ESG weight"):
        rules.weighted_total(D("80"), 1, policy)
    with pytest.raises(ValueError, match="esg_weight_percent"):
        rules.check_policy(policy)


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (D("100"), "A"),
        (D("90.00"), "A"),
        (D("89.99"), "B"),
        (D("75.00"), "B"),
        (D("74.99"), "C"),
        (D("60.00"), "C"),
        (D("59.99"), "D"),
        (D("0"), "D"),
    ],
)
def test_totals_exactly_at_a_band_edge_get_the_higher_grade(total, grade):
    assert rules.grade_for(total, POLICY) == grade


@pytest.mark.parametrize(
    ("grade", "action"),
    [("A", "increase"), ("B", "maintain"), ("C", "corrective"), ("D", "terminate")],
)
def test_each_grade_recommends_the_aiko_action(grade, action):
    assert rules.action_for(grade) == action


@pytest.mark.parametrize(
    ("business", "grade"),
    [
        # ESG weight 20 %, ESG score 1 (100 points): total = 0.8 × business + 20
        (D("87.50"), "A"),  # total 90.00
        (D("87.49"), "B"),  # total 89.99
        (D("68.75"), "B"),  # total 75.00
        (D("68.74"), "C"),  # total 74.99
        (D("50.00"), "C"),  # total 60.00
        (D("49.99"), "D"),  # total 59.99
    ],
)
def test_a_rating_exactly_at_a_band_edge(business, grade):
    policy = RatingPolicy(esg_weight_percent=D("20"))
    parts = dict.fromkeys(rules.PARTS, business)
    result = rules.rate(parts, EsgInputs(audit_level="low"), policy)
    assert result.grade == grade
    assert result.action == rules.GRADE_ACTIONS[grade]


def test_custom_grade_bands_are_used():
    policy = RatingPolicy(grade_a_from=D("95"), grade_b_from=D("80"), grade_c_from=D("50"))
    assert [rules.grade_for(D(t), policy) for t in ("95", "94.99", "80", "50", "49.99")] == ["A", "B", "B", "C", "D"]


def test_a_supplier_without_business_scores_is_not_rated():
    assert rules.rate({}, EsgInputs(audit_level="low"), POLICY) is None


def test_a_rating_explains_the_esg_score_then_the_total_and_the_grade():
    result = rules.rate(ALL_PARTS, EsgInputs(audit_level="medium"), POLICY)
    assert (result.business, result.esg.score, result.total, result.grade, result.action) == (
        D("80.00"),
        0,
        D("77.00"),
        "B",
        "maintain",
    )
    msgid, params = result.reasons(POLICY)[-1]
    assert "grade %(grade)s" in msgid
    assert params == {"business": "80.00", "esg": 0, "weight": "10", "total": "77.00", "grade": "B"}


def test_esg_manual_a_supplier_without_an_esg_result_is_totalled_on_the_business_score_alone():
    result = rules.rate(ALL_PARTS, EsgInputs(), POLICY)
    assert (result.esg.score, result.total, result.grade) == (None, D("80.00"), "B")
    msgid, params = result.reasons(POLICY)[-1]
    assert msgid == "Business score %(business)s, no ESG result: total %(total)s, grade %(grade)s."
    assert params == {"business": "80.00", "total": "80.00", "grade": "B"}


@pytest.mark.parametrize(
    ("recommended", "decided", "allocation"),
    [
        ("increase", "", "increase"),
        ("maintain", "", "keep"),
        ("corrective", "", "decrease"),
        ("terminate", "", "stop"),
        # procurement's decision wins over the grade's recommendation
        ("terminate", "corrective", "decrease"),
        ("maintain", "increase", "increase"),
    ],
)
def test_asus_fewer_orders_to_poor_performers_more_to_good_ones(recommended, decided, allocation):
    assert rules.allocation_change(recommended, decided) == allocation


def test_a_rating_with_an_out_of_range_part_is_refused():
    with pytest.raises(ValueError, match="quality"):
        rules.rate({**ALL_PARTS, "quality": 101}, EsgInputs(audit_level="low"), POLICY)


@pytest.mark.parametrize(
    ("policy", "field"),
    [
        (RatingPolicy(grade_a_from=D("75"), grade_b_from=D("75")), "grade_b_from"),
        (RatingPolicy(grade_b_from=D("50"), grade_c_from=D("60")), "grade_b_from"),
        (RatingPolicy(business_weights=dict.fromkeys(rules.PARTS, 0)), "business_weight_quality"),
    ],
)
def test_an_inconsistent_policy_is_refused_naming_the_setting(policy, field):
    with pytest.raises(ValueError, match=field):
        rules.check_policy(policy)


def test_the_default_policy_is_valid():
    rules.check_policy(POLICY)


def test_the_policy_is_read_from_the_settings_fields():
    class Settings:
        esg_weight_percent = D("5")
        business_weight_quality, business_weight_delivery, business_weight_cost, business_weight_service = 1, 2, 3, 4
        grade_a_from, grade_b_from, grade_c_from = D("91"), D("76"), D("61")

    policy = RatingPolicy.from_settings(Settings)
    assert policy.esg_weight_percent == D("5")
    assert policy.business_weights == {"quality": 1, "delivery": 2, "cost": 3, "service": 4}
    assert (policy.grade_a_from, policy.grade_b_from, policy.grade_c_from) == (D("91"), D("76"), D("61"))


# ---------------------------------------------------------------- quarters


@pytest.mark.parametrize(
    "text", ["2026Q3", "2026q3", "2026-Q3", "2026 Q3", "Q3 2026", "q3-2026", " 2026Q3 ", "2026年第3季度", "2026年第三季度"]
)
def test_a_quarter_may_be_written_the_usual_ways(text):
    assert parse_quarter(text) == Quarter(2026, 3)


@pytest.mark.parametrize("text", ["", "2026Q5", "2026Q0", "26Q3", "2026", "Q3", "2026-07", "1999Q1", None])
def test_anything_else_is_not_a_quarter(text):
    with pytest.raises(QuarterError):
        parse_quarter(text)


@pytest.mark.parametrize(
    ("quarter", "first", "last", "previous"),
    [
        (Quarter(2026, 1), "2026-01-01", "2026-03-31", Quarter(2025, 4)),
        (Quarter(2026, 2), "2026-04-01", "2026-06-30", Quarter(2026, 1)),
        (Quarter(2026, 3), "2026-07-01", "2026-09-30", Quarter(2026, 2)),
        (Quarter(2024, 4), "2024-10-01", "2024-12-31", Quarter(2024, 3)),
    ],
)
def test_a_quarter_knows_its_first_and_last_day_and_the_one_before(quarter, first, last, previous):
    assert (quarter.first_day.isoformat(), quarter.last_day.isoformat(), quarter.previous()) == (first, last, previous)
    assert quarter.previous().next() == quarter


def test_a_quarter_from_a_year_and_a_number():
    assert quarter_of("2026", "Q2") == quarter_of(2026, 2) == Quarter(2026, 2)
    with pytest.raises(QuarterError):
        quarter_of("2026", "5")
    with pytest.raises(QuarterError):
        quarter_of("twenty", 1)
