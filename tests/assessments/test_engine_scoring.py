"""Scoring, knock-outs and the written arithmetic of the pure questionnaire engine (no database)."""

import json
from datetime import date
from decimal import Decimal

import pytest

from supplyesg.assessments.engine import (
    DEFAULT_KNOCKOUT_CAPS,
    QuestionSpec,
    knockout_caps,
    question_points,
    render_line,
    score,
    triggered_knockouts,
)

TODAY = date(2026, 11, 21)
CHOICES = [
    {"value": "a", "label": "Alpha", "label_zh": "甲", "score": 60},
    {"value": "b", "label": "Beta", "label_zh": "乙", "score": 30},
    {"value": "c", "label": "Gamma", "label_zh": "丙", "score": 80},
    {"value": "na", "label": "Not applicable", "label_zh": "不适用"},
]
BANDS = {"bands": [{"max": 60, "score": 100}, {"min": 60, "max": 72, "score": 50}, {"min": 100, "score": 0}]}


def q(code="Q", kind="yes_no", **kwargs) -> QuestionSpec:
    if kind in ("single", "multiple"):
        kwargs.setdefault("choices", CHOICES)
    return QuestionSpec(code=code, kind=kind, **kwargs)


@pytest.mark.parametrize(
    ("question", "value", "points"),
    [
        (q(kind="yes_no", scoring={"yes": 100, "no": 0}), "yes", 100),
        (q(kind="yes_no", scoring={"yes": 0, "no": 100}), "yes", 0),
        (q(kind="yes_no", scoring={"yes": 100}), "no", None),  # an answer without points is not counted
        (q(kind="yes_no"), "yes", None),  # no scoring at all
        (q(kind="single"), "b", 30),
        (q(kind="single"), "na", None),
        (q(kind="multiple"), ["a", "b"], 90),
        (q(kind="multiple"), ["a", "c"], 100),  # a sum is capped at 100
        (q(kind="multiple", scoring={"method": "max"}), ["a", "b"], 60),
        (q(kind="multiple", scoring={"method": "min"}), ["a", "b"], 30),
        (q(kind="multiple", scoring={"method": "mean"}), ["a", "b", "c"], Decimal("56.7")),
        (q(kind="multiple"), ["na"], None),
        (q(kind="number", scoring=BANDS), 60, 100),  # both ends of a band are inclusive, the first match wins
        (q(kind="number", scoring=BANDS), 60.5, 50),
        (q(kind="number", scoring=BANDS), 72, 50),
        (q(kind="number", scoring=BANDS), 80, None),  # in no band
        (q(kind="number", scoring=BANDS), 100, 0),
        (q(kind="percent", scoring=[{"min": 90, "score": 100}, {"score": 10}]), 90, 100),
        (q(kind="percent", scoring=[{"min": 90, "score": 100}, {"score": 10}]), 89.9, 10),
        (q(kind="date", scoring={"bands": [{"max": 365, "score": 100}, {"score": 0}]}), "2025-11-21", 100),
        (q(kind="date", scoring={"bands": [{"max": 365, "score": 100}, {"score": 0}]}), "2025-11-20", 0),
        (
            q(
                kind="date",
                scoring={"bands": [{"max": -90, "score": 100}, {"max": -1, "score": 50}, {"score": 0}]},
            ),
            "2027-03-01",
            100,
        ),  # expires more than 90 days ahead
        (
            q(
                kind="date",
                scoring={"bands": [{"max": -90, "score": 100}, {"max": -1, "score": 50}, {"score": 0}]},
            ),
            "2026-12-01",
            50,
        ),
        (
            q(
                kind="date",
                scoring={"bands": [{"max": -90, "score": 100}, {"max": -1, "score": 50}, {"score": 0}]},
            ),
            "2026-11-21",
            0,
        ),  # expires today
        (q(kind="text", scoring={"answered": 100}), "done", 100),
        (q(kind="file", scoring={"answered": 80}), "permit.pdf", 80),
        (q(kind="file"), "permit.pdf", None),
    ],
)
def test_points_per_answer_follow_the_question_scoring(question, value, points):
    expected = None if points is None else Decimal(points)
    assert question_points(question, value, today=TODAY) == expected


YN = {"yes": 100, "no": 0}
REQUIREMENTS = {
    "ILO-C138": {"pillar": "S", "risk_category": "labour"},
    "RBA-C1": {"pillar": "E", "risk_category": "environment"},
    "RBA-E1": {"pillar": "G", "risk_category": "management_system"},
}


def questionnaire():
    return [
        q(
            "MS-1",
            scoring=YN,
            weight=Decimal(2),
            section="MS",
            requirements=["RBA-E1"],
            text="Written policy?",
            text_zh="书面政策？",
        ),
        q("MS-2", "single", section="MS", requirements=["RBA-E1"], required=False),
        q(
            "ENV-1",
            scoring=YN,
            weight=Decimal(3),
            section="ENV",
            requirements=["RBA-C1"],
            critical=True,
            knockout_values=["no"],
            knockout_level="medium",
        ),
        q(
            "ENV-2",
            "number",
            scoring=BANDS,
            section="ENV",
            requirements=["RBA-C1"],
            show_if_code="ENV-1",
            show_if_values=["yes"],
        ),
        q(
            "LAB-1",
            scoring={"yes": 0, "no": 100},
            weight=Decimal(3),
            section="LAB",
            requirements=["ILO-C138", "RBA-E1"],
            critical=True,
            knockout_values=["yes"],
            knockout_level="high",
            text="Child labour found?",
            text_zh="发现童工？",
        ),
        q(
            "LAB-2",
            "text",
            section="LAB",
            requirements=["ILO-C138"],
            show_if_code="LAB-1",
            show_if_values=["yes"],
            scoring={"answered": 100},
        ),
    ]


GOOD = {"MS-1": "yes", "MS-2": "a", "ENV-1": "yes", "ENV-2": "55", "LAB-1": "no"}


def test_a_clean_questionnaire_scores_the_weighted_mean_per_group():
    result = score(questionnaire(), GOOD, REQUIREMENTS, today=TODAY)
    # MS-1 100x2, MS-2 60x1, ENV-1 100x3, ENV-2 100x1, LAB-1 100x3 -> 960 / 10
    assert result.overall.score == Decimal("96.0")
    assert {k: g.score for k, g in result.sections.items()} == {
        "MS": Decimal("86.7"),
        "ENV": Decimal("100.0"),
        "LAB": Decimal("100.0"),
    }
    assert {k: g.score for k, g in result.pillars.items()} == {
        "G": Decimal("93.3"),
        "E": Decimal("100.0"),
        "S": Decimal("100.0"),
    }  # LAB-1 counts in G via RBA-E1
    assert result.risk_categories["management_system"].score == Decimal("93.3")
    assert result.knockouts == [] and result.knockout_level == ""


@pytest.mark.parametrize(
    ("answers", "overall", "note"),
    [
        ({**GOOD, "MS-2": None}, Decimal("100.0"), "an unanswered optional question is left out"),
        ({**GOOD, "MS-1": None}, Decimal("76.0"), "an unanswered required question scores 0"),
        ({**GOOD, "ENV-2": None}, Decimal("86.0"), "an unanswered required shown question scores 0"),
        ({**GOOD, "ENV-2": "80"}, Decimal("95.6"), "a number in no band is not counted"),
        ({**GOOD, "MS-2": "na"}, Decimal("100.0"), "a choice without a score is not counted"),
        ({**GOOD, "MS-1": "perhaps"}, Decimal("76.0"), "an invalid answer counts as not answered"),
        (
            {**GOOD, "LAB-1": "no", "LAB-2": "ignored"},
            Decimal("96.0"),
            "a hidden question's answer is ignored",
        ),
    ],
)
def test_unanswered_hidden_and_unscored_questions_follow_the_rules(answers, overall, note):
    assert score(questionnaire(), answers, REQUIREMENTS, today=TODAY).overall.score == overall, note


def test_a_hidden_required_question_never_counts_against_the_supplier():
    result = score(questionnaire(), {**GOOD, "ENV-1": "no", "ENV-2": None}, REQUIREMENTS, today=TODAY)
    assert "ENV-2" not in result.questions
    assert result.sections["ENV"].weight == Decimal(3)


def test_child_labour_knocks_the_supplier_out_to_high_risk_whatever_the_rest_says():
    result = score(
        questionnaire(),
        {**GOOD, "LAB-1": "yes", "LAB-2": "Sent home, schooling paid."},
        REQUIREMENTS,
        today=TODAY,
    )
    assert result.knockout_level == "high"
    assert [(k.question, k.answer, k.level) for k in result.knockouts] == [("LAB-1", "yes", "high")]
    assert result.overall.uncapped == Decimal("69.1")  # 760 / 11
    assert result.overall.score == DEFAULT_KNOCKOUT_CAPS["high"] == Decimal(40)
    assert result.sections["LAB"].score == Decimal("25.0")  # below the cap already: unchanged
    assert result.pillars["G"].score == Decimal(40)  # LAB-1 belongs to G through RBA-E1: capped
    assert result.sections["MS"].score == Decimal("86.7")  # groups without the question are not capped


@pytest.mark.parametrize(
    ("answers", "level", "overall"),
    [
        ({**GOOD, "ENV-1": "no"}, "medium", Decimal("62.2")),  # already below the medium cap of 65
        ({**GOOD, "ENV-1": "no", "LAB-1": "yes"}, "high", Decimal("26.0")),
        ({**GOOD, "ENV-1": "no", "LAB-1": "yes", "LAB-2": "x"}, "high", Decimal("36.0")),
        ({**GOOD, "LAB-1": None}, "", Decimal("66.0")),  # unanswered is not a knock-out
    ],
)
def test_the_most_severe_knockout_sets_the_level(answers, level, overall):
    result = score(questionnaire(), answers, REQUIREMENTS, today=TODAY)
    assert result.knockout_level == level
    assert result.overall.score == overall


def test_a_medium_knockout_caps_a_good_score_at_the_medium_cap():
    questions = [
        q("A", scoring=YN, weight=Decimal(9), section="S"),
        q(
            "K",
            scoring={"yes": 0, "no": 100},
            section="S",
            critical=True,
            knockout_values=["yes"],
            knockout_level="medium",
        ),
    ]
    result = score(questions, {"A": "yes", "K": "yes"}, today=TODAY)
    assert (result.overall.uncapped, result.overall.score) == (Decimal("90.0"), Decimal(65))
    assert result.sections["S"].score == Decimal(65)


def test_a_knockout_on_a_hidden_question_does_not_count():
    questions = [
        q("A", scoring=YN),
        q(
            "B",
            scoring=YN,
            critical=True,
            knockout_values=["yes"],
            knockout_level="high",
            show_if_code="A",
            show_if_values=["yes"],
        ),
    ]
    assert triggered_knockouts(questions, {"A": "no", "B": "yes"}) == []
    assert [k.question for k in triggered_knockouts(questions, {"A": "yes", "B": "yes"})] == ["B"]


def test_a_multiple_choice_knockout_triggers_on_any_chosen_value():
    question = q("M", "multiple", critical=True, knockout_values=["b"], knockout_level="medium")
    assert [k.level for k in triggered_knockouts([question], {"M": ["a", "b"]})] == ["medium"]
    assert triggered_knockouts([question], {"M": ["a", "c"]}) == []


@pytest.mark.parametrize(
    ("medium_from", "high_from", "caps"),
    [
        (35, 60, {"medium": Decimal(65), "high": Decimal(40)}),
        (Decimal("30.5"), 70, {"medium": Decimal("69.5"), "high": Decimal(30)}),
    ],
)
def test_knockout_caps_follow_the_policy_thresholds(medium_from, high_from, caps):
    assert knockout_caps(medium_from, high_from) == caps


def test_caps_from_the_policy_are_applied():
    result = score(
        questionnaire(),
        {**GOOD, "LAB-1": "yes"},
        REQUIREMENTS,
        today=TODAY,
        knockout_caps=knockout_caps(35, 75),
    )
    assert result.overall.score == Decimal(25)


def test_a_weight_of_zero_counts_the_question_but_not_its_points():
    result = score(
        [q("A", scoring=YN, weight=Decimal(0), section="S"), q("B", scoring=YN, section="S")],
        {"A": "no", "B": "yes"},
        today=TODAY,
    )
    assert result.overall.score == Decimal(100)
    assert result.questions["A"].counted


def test_nothing_scored_gives_no_score_and_no_groups():
    result = score([q("A", "text", section="S")], {"A": "hello"}, today=TODAY)
    assert result.overall.score is None
    assert result.sections == {} and result.pillars == {}
    assert result.as_dict()["overall"] is None


def test_the_arithmetic_is_written_as_lines_a_person_can_follow():
    result = score(questionnaire(), {**GOOD, "LAB-1": "yes", "MS-2": None}, REQUIREMENTS, today=TODAY)
    texts = [str(line) for line in result.lines]
    assert "LAB-1 Child labour found?: answer Yes → 0 × weight 3 = 0" in texts
    assert "MS-1 Written policy?: answer Yes → 100 × weight 2 = 200" in texts
    assert "ENV-2 ENV-2: answer 55 → 100 × weight 1 = 100" in texts
    assert "MS-2 MS-2: not answered (optional), not counted" in texts
    assert "LAB-2 LAB-2: not answered (required) → 0 × weight 1 = 0" in texts
    assert "Knock-out LAB-1 Child labour found?: answer Yes → high risk" in texts
    assert "Section MS: 200 ÷ 2 = 100" in texts
    assert "Risk category labour: 0 ÷ 4 = 0" in texts
    assert "Pillar G: 200 ÷ 5 = 40" in texts
    assert "Overall: 600 ÷ 10 = 60" in texts
    assert "Overall score capped at 40 by the high knock-out: 60 → 40" in texts


def test_stored_lines_render_in_chinese_with_translated_templates_and_group_names():
    result = score(questionnaire(), {**GOOD, "LAB-1": "yes"}, REQUIREMENTS, today=TODAY)
    stored = json.loads(json.dumps(result.as_dict()))
    line = next(
        line for line in stored["lines"] if line["question"] == "LAB-1" and line["step"] == "question"
    )
    english = "%(question)s %(title)s: answer %(answer)s → %(points)s × weight %(weight)s = %(weighted)s"
    zh = {english: "%(question)s %(title)s：回答%(answer)s → %(points)s × 权重%(weight)s = %(weighted)s"}
    assert (
        render_line(line, lambda m: zh.get(m, m), chinese=True) == "LAB-1 发现童工？：回答是 → 0 × 权重3 = 0"
    )
    group = next(
        line for line in stored["lines"] if line["step"] == "group" and line["params"]["group"] == "S"
    )
    assert render_line(group, names={"S": "Social"}).startswith("Pillar Social:")


def test_the_result_is_json_for_the_response():
    result = score(questionnaire(), {**GOOD, "ENV-1": "no"}, REQUIREMENTS, today=TODAY)
    data = json.loads(json.dumps(result.as_dict()))
    assert data["overall"] == 62.2 and data["overall_uncapped"] == 62.2
    assert data["sections"] == {"MS": 86.7, "ENV": 0.0, "LAB": 100.0}
    assert data["risk_categories"]["environment"] == 0.0
    assert data["knockout"] == {
        "level": "medium",
        "triggered": [{"question": "ENV-1", "answer": "no", "level": "medium"}],
    }
    assert data["questions"]["ENV-1"] == {"points": 0.0, "weight": 3.0, "weighted": 0.0, "counted": True}
    assert all(line["text"] for line in data["lines"])
