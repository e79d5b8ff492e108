"""Conditional display, answer validation and template checks of the pure engine (no database)."""

from datetime import date

import pytest

from supplyesg.assessments.engine import (
    QuestionSpec,
    check_questions,
    missing_required,
    validate_answer,
    validate_answers,
    visible_questions,
)

TODAY = date(2026, 11, 21)
CHOICES = [
    {"value": "iso14001", "label": "ISO 14001", "label_zh": "ISO 14001认证", "score": 100},
    {"value": "iso9001", "label": "ISO 9001 only", "label_zh": "仅ISO 9001", "score": 50},
    {"value": "none", "label": "None of these", "label_zh": "以上均无", "score": 0, "exclusive": True},
]


def q(code="Q", kind="yes_no", **kwargs) -> QuestionSpec:
    if kind in ("single", "multiple"):
        kwargs.setdefault("choices", CHOICES)
    return QuestionSpec(code=code, kind=kind, **kwargs)


# ---------------------------------------------------------------- validating answers


@pytest.mark.parametrize(
    ("question", "raw", "expected"),
    [
        (q(kind="yes_no"), "yes", "yes"),
        (q(kind="yes_no"), "No", "no"),
        (q(kind="yes_no"), True, "yes"),
        (q(kind="yes_no"), False, "no"),
        (q(kind="yes_no"), "是", "yes"),
        (q(kind="yes_no"), "否", "no"),
        (q(kind="yes_no"), 1, "yes"),
        (q(kind="single"), "iso9001", "iso9001"),
        (q(kind="single"), "ISO 9001 only", "iso9001"),
        (q(kind="single"), "仅ISO 9001", "iso9001"),
        (q(kind="multiple"), ["iso9001", "iso14001"], ["iso14001", "iso9001"]),
        (q(kind="multiple"), "ISO 14001; 仅ISO 9001", ["iso14001", "iso9001"]),
        (q(kind="multiple"), "iso9001，iso9001", ["iso9001"]),
        (q(kind="multiple"), ["none"], ["none"]),
        (q(kind="number", unit="MWh"), "1,250.5", 1250.5),
        (q(kind="number", unit="MWh"), "1250 MWh", 1250),
        (q(kind="number"), "１２５０", 1250),
        (q(kind="number"), 0, 0),
        (q(kind="number", scoring={"min": 1, "max": 168}), "168", 168),
        (q(kind="percent"), "45%", 45),
        (q(kind="percent"), "99.5", 99.5),
        (q(kind="percent"), 100, 100),
        (q(kind="date"), "2026-03-31", "2026-03-31"),
        (q(kind="date"), "2026/3/1", "2026-03-01"),
        (q(kind="date"), "2026年3月1日", "2026-03-01"),
        (q(kind="date"), date(2025, 12, 31), "2025-12-31"),
        (q(kind="date", scoring={"past": True}), "2026-11-21", "2026-11-21"),
        (q(kind="text"), "  A hotline run by an NGO.  ", "A hotline run by an NGO."),
        (q(kind="file"), "policy.pdf", "policy.pdf"),
        (q(kind="file"), True, True),
    ],
)
def test_a_valid_answer_is_normalised(question, raw, expected):
    assert validate_answer(question, raw, today=TODAY) == (expected, None)


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        (q(kind="yes_no"), "maybe", "Answer yes or no."),
        (q(kind="yes_no"), 2, "Answer yes or no."),
        (q(kind="single"), "iso45001", "iso45001 is not one of the choices (iso14001, iso9001, none)."),
        (q(kind="single"), ["iso9001"], "Choose one of the choices"),
        (q(kind="multiple"), ["iso9001", "sa8000"], "sa8000 is not one of the choices"),
        (q(kind="multiple"), ["iso9001", "none"], "None of these cannot be combined with other choices."),
        (q(kind="multiple"), 7, "Choose from the choices"),
        (q(kind="number"), "twelve", "Enter a number, for example 1250 or 12.5."),
        (q(kind="number"), "-5", "Enter a number no smaller than 0."),
        (q(kind="number"), "NaN", "Enter a number"),
        (q(kind="number"), True, "Enter a number"),
        (q(kind="number"), "1e20", "Enter a number"),
        (q(kind="number", scoring={"min": 1, "max": 168}), "169", "Enter a number no larger than 168."),
        (q(kind="number", scoring={"min": 1, "max": 168}), "0.5", "Enter a number no smaller than 1."),
        (q(kind="percent"), "101", "Enter a percentage between 0 and 100."),
        (q(kind="percent"), "-1%", "Enter a percentage between 0 and 100."),
        (q(kind="date"), "31/03/2026", "Enter a date as YYYY-MM-DD"),
        (q(kind="date"), "2026-02-30", "Enter a date as YYYY-MM-DD"),
        (q(kind="date"), "1850-01-01", "Enter a date as YYYY-MM-DD"),
        (q(kind="date", scoring={"past": True}), "2026-11-22", "The date cannot be in the future."),
        (q(kind="text"), "x" * 5001, "Enter at most 5000 characters (this answer has 5001)."),
        (q(kind="text"), ["a"], "Enter text."),
        (q(kind="file"), 12, "Attach a file."),
    ],
)
def test_an_invalid_answer_gets_an_error_naming_the_question(question, raw, message):
    value, problem = validate_answer(question, raw, today=TODAY)
    assert value is None
    assert problem.question == "Q"
    assert message in str(problem)


@pytest.mark.parametrize("raw", [None, "", "   ", [], ["", " "]])
@pytest.mark.parametrize(
    "kind", ["yes_no", "single", "multiple", "number", "percent", "date", "text", "file"]
)
def test_a_blank_answer_is_neither_a_value_nor_an_error(kind, raw):
    assert validate_answer(q(kind=kind), raw) == (None, None)


def test_a_problem_renders_through_the_translation_function_given():
    _value, problem = validate_answer(q(kind="number"), "-5")
    translations = {"Enter a number no smaller than %(min)s.": "请输入不小于%(min)s的数字。"}
    assert problem.render(lambda message: translations.get(message, message)) == "请输入不小于0的数字。"


# ---------------------------------------------------------------- conditional display

CHAIN = [
    q("A", "yes_no"),
    q("B", "yes_no", show_if_code="A", show_if_values=["yes"]),
    q("C", "text", show_if_code="B", show_if_values=["no"]),
    q("D", "multiple"),
    q("E", "number", show_if_code="D", show_if_values=["iso14001", "iso9001"]),
    q("F", "text", required=False),
]


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        ({}, {"A", "D", "F"}),
        ({"A": "no"}, {"A", "D", "F"}),
        ({"A": "yes"}, {"A", "B", "D", "F"}),
        ({"A": "yes", "B": "no"}, {"A", "B", "C", "D", "F"}),
        ({"A": "yes", "B": "yes"}, {"A", "B", "D", "F"}),
        ({"A": "no", "B": "no"}, {"A", "D", "F"}),  # B is hidden, so its answer cannot show C
        (
            {"A": True, "B": "否"},
            {"A", "B", "C", "D", "F"},
        ),  # raw answers are read as the engine normalises them
        ({"D": ["none"]}, {"A", "D", "F"}),
        ({"D": ["iso9001", "iso14001"]}, {"A", "D", "E", "F"}),
        ({"D": "ISO 9001 only"}, {"A", "D", "E", "F"}),
        ({"A": "perhaps"}, {"A", "D", "F"}),  # an invalid answer shows nothing
    ],
)
def test_questions_are_shown_only_when_their_chain_of_conditions_holds(answers, shown):
    assert visible_questions(CHAIN, answers) == shown


@pytest.mark.parametrize(
    "questions",
    [
        [q("A", "text", show_if_code="Z", show_if_values=["yes"])],
        [
            q("A", "yes_no", show_if_code="B", show_if_values=["yes"]),
            q("B", "yes_no", show_if_code="A", show_if_values=["yes"]),
        ],
        [q("A", "yes_no", show_if_code="A", show_if_values=["yes"])],
    ],
    ids=["missing parent", "circular chain", "depends on itself"],
)
def test_a_question_whose_condition_cannot_hold_is_hidden(questions):
    answers = {"A": "yes", "B": "yes"}
    assert visible_questions(questions, answers) == set()


def test_mappings_work_as_well_as_question_specs():
    questions = [
        {"code": "A", "kind": "yes_no"},
        {"code": "B", "kind": "text", "show_if_code": "A", "show_if_values": ["yes"]},
    ]
    assert visible_questions(questions, {"A": "yes"}) == {"A", "B"}


@pytest.mark.parametrize(
    ("answers", "missing"),
    [
        ({}, ["A", "D"]),
        ({"A": "yes"}, ["B", "D"]),
        ({"A": "yes", "B": "no", "D": ["none"]}, ["C"]),
        ({"A": "yes", "B": "no", "C": "  ", "D": ["iso9001"]}, ["C", "E"]),
        ({"A": "no", "B": "no", "D": ["none"]}, []),  # B's answer is ignored, C is never required
        ({"A": "no", "D": ["iso9001"], "E": 0}, []),  # zero is an answer
    ],
)
def test_only_shown_required_questions_can_be_missing(answers, missing):
    assert missing_required(CHAIN, answers) == missing


def test_validate_answers_drops_answers_and_errors_of_hidden_questions():
    values, problems = validate_answers(
        CHAIN, {"A": "no", "B": "no", "C": "x", "D": "sa8000", "E": "-1", "F": "fine", "ZZ": "unknown code"}
    )
    assert values == {"A": "no", "F": "fine"}
    assert set(problems) == {"D"}  # E is hidden once D has no valid answer


# ---------------------------------------------------------------- checking a template


def fields_in_error(questions) -> set[tuple[str, str]]:
    return {(p.question, p.field) for p in check_questions(questions)}


def test_a_sound_template_has_no_problems():
    questions = [
        q(
            "A",
            "yes_no",
            scoring={"yes": 0, "no": 100},
            critical=True,
            knockout_values=["yes"],
            knockout_level="high",
        ),
        q("B", "text", show_if_code="A", show_if_values=["yes"], scoring={"answered": 100}),
        q(
            "C",
            "multiple",
            scoring={"method": "max"},
            critical=True,
            knockout_values=["none"],
            knockout_level="medium",
        ),
        q(
            "D",
            "number",
            show_if_code="C",
            show_if_values=["iso14001"],
            scoring={"min": 0, "max": 168, "bands": [{"max": 60, "score": 100}, {"score": 0}]},
        ),
        q("E", "date", scoring={"past": True, "bands": [{"max": 365, "score": 100}, {"score": 0}]}),
        q("F", "percent", scoring=[{"min": 90, "score": 100}, {"score": 10}]),
        q("G", "file", required=False, scoring={"answered": 100}),
    ]
    assert check_questions(questions) == []


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        ([q("A"), q("A")], ("A", "code")),
        ([q("")], ("", "code")),
        ([q("A", "dropdown")], ("A", "kind")),
        ([q("A", "text", show_if_code="Z", show_if_values=["yes"])], ("A", "show_if_code")),
        ([q("A", "text", show_if_code="A", show_if_values=["yes"])], ("A", "show_if_code")),
        ([q("B", "text", show_if_code="A", show_if_values=["yes"]), q("A")], ("B", "show_if_code")),
        ([q("A", "text"), q("B", "text", show_if_code="A", show_if_values=["x"])], ("B", "show_if_code")),
        ([q("A"), q("B", "text", show_if_code="A", show_if_values=["maybe"])], ("B", "show_if_values")),
        ([q("A"), q("B", "text", show_if_code="A")], ("B", "show_if_values")),
        ([q("B", "text", show_if_values=["yes"])], ("B", "show_if_values")),
        (
            [q("A", critical=True, knockout_values=["perhaps"], knockout_level="high")],
            ("A", "knockout_values"),
        ),
        ([q("A", critical=True, knockout_level="high")], ("A", "knockout_values")),
        ([q("A", critical=True, knockout_values=["yes"], knockout_level="severe")], ("A", "knockout_level")),
        ([q("A", critical=True, knockout_values=["yes"])], ("A", "knockout_level")),
        (
            [q("A", "single", critical=True, knockout_values=["iso45001"], knockout_level="high")],
            ("A", "knockout_values"),
        ),
        ([q("A", "number", critical=True, knockout_values=["0"], knockout_level="high")], ("A", "critical")),
        ([q("A", knockout_values=["yes"])], ("A", "knockout_values")),
        ([q("A", knockout_level="high")], ("A", "knockout_level")),
        ([q("A", "single", choices=CHOICES[:1])], ("A", "choices")),
        ([q("A", "single", choices=[CHOICES[0], CHOICES[0]])], ("A", "choices")),
        (
            [q("A", "single", choices=[CHOICES[0], {"value": "a|b", "label": "x", "label_zh": "x"}])],
            ("A", "choices"),
        ),
        (
            [q("A", "single", choices=[CHOICES[0], {"value": "b", "label": "", "label_zh": "x"}])],
            ("A", "choices"),
        ),
        (
            [
                q(
                    "A",
                    "single",
                    choices=[CHOICES[0], {"value": "b", "label": "B", "label_zh": "乙", "score": 150}],
                )
            ],
            ("A", "choices"),
        ),
        (
            [
                q(
                    "A",
                    "single",
                    choices=[CHOICES[0], {"value": "b", "label": "B", "label_zh": "乙", "colour": "red"}],
                )
            ],
            ("A", "choices"),
        ),
        ([q("A", "text", choices=CHOICES)], ("A", "choices")),
        ([q("A", scoring={"yes": 100, "maybe": 50})], ("A", "scoring")),
        ([q("A", scoring={"yes": "lots"})], ("A", "scoring")),
        ([q("A", "number", scoring={"bands": []})], ("A", "scoring")),
        ([q("A", "number", scoring={"bands": [{"min": 10, "max": 5, "score": 50}]})], ("A", "scoring")),
        ([q("A", "number", scoring={"bands": [{"max": 5}]})], ("A", "scoring")),
        ([q("A", "number", scoring={"bands": [{"max": "five", "score": 1}]})], ("A", "scoring")),
        ([q("A", "multiple", scoring={"method": "median"})], ("A", "scoring")),
        ([q("A", "date", scoring={"past": "yes"})], ("A", "scoring")),
        ([q("A", "text", scoring="lots")], ("A", "scoring")),
        ([QuestionSpec.from_mapping({"code": "A", "kind": "yes_no", "weight": -1})], ("A", "weight")),
        ([QuestionSpec.from_mapping({"code": "A", "kind": "yes_no", "weight": "heavy"})], ("A", "weight")),
    ],
)
def test_each_template_rule_names_the_question_and_field_at_fault(questions, expected):
    assert expected in fields_in_error(questions)


def test_template_problems_carry_the_position_of_the_question():
    problems = check_questions([q("A"), q("B", "text", show_if_code="NOWHERE", show_if_values=["yes"])])
    assert [(p.index, p.field) for p in problems] == [(1, "show_if_code")]
    assert str(problems[0]) == "The question NOWHERE it depends on does not exist."
