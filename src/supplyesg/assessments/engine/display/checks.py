"""Checking a template's questions before they are used: every problem names its question and field."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from supplyesg.assessments.engine.display.answers import fmt_number
from supplyesg.assessments.engine.display.spec import (
    CHOICE_KINDS,
    CHOICE_VALUE_FORBIDDEN,
    CONDITION_KINDS,
    KINDS,
    KNOCKOUT_LEVELS,
    MAX_WEIGHT,
    MULTIPLE_METHODS,
    SCORING_KEYS,
    Problem,
    QuestionSpec,
    as_specs,
    gettext_noop,
)

# ---------------------------------------------------------------- checking a template's questions


def _is_score(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    return 0 <= value <= 100


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _check_bands(question: QuestionSpec, bands, problem) -> None:
    if not isinstance(bands, list) or not bands:
        problem("scoring", gettext_noop("Scoring bands must be a non-empty list of {min, max, score}."))
        return
    for n, band in enumerate(bands, start=1):
        if not isinstance(band, Mapping) or set(band) - {"min", "max", "score"}:
            problem("scoring", gettext_noop("Scoring band %(n)s must have only min, max and score."), n=n)
            continue
        if not _is_score(band.get("score")):
            problem("scoring", gettext_noop("Scoring band %(n)s needs a score from 0 to 100."), n=n)
        low, high = band.get("min"), band.get("max")
        if (low is not None and not _is_number(low)) or (high is not None and not _is_number(high)):
            problem("scoring", gettext_noop("Scoring band %(n)s: min and max must be numbers."), n=n)
        elif low is not None and high is not None and low > high:
            problem("scoring", gettext_noop("Scoring band %(n)s: min is larger than max."), n=n)


def _check_scoring(question: QuestionSpec, problem) -> None:
    scoring = question.scoring
    if isinstance(scoring, list) and question.kind in ("number", "percent", "date"):
        scoring = {"bands": scoring}
    if not isinstance(scoring, Mapping):
        problem("scoring", gettext_noop("Scoring must be an object."))
        return
    allowed = SCORING_KEYS.get(question.kind, set())
    unknown = sorted(set(scoring) - allowed)
    if unknown:
        problem(
            "scoring",
            gettext_noop("Scoring of a %(kind)s question cannot have %(keys)s (allowed: %(allowed)s)."),
            kind=question.kind,
            keys=", ".join(map(str, unknown)),
            allowed=", ".join(sorted(allowed)) or "-",
        )
    for key in ("yes", "no", "answered"):
        if key in scoring and key in allowed and not _is_score(scoring[key]):
            problem("scoring", gettext_noop("The score for %(key)s must be from 0 to 100."), key=key)
    if "method" in scoring and scoring["method"] not in MULTIPLE_METHODS:
        problem(
            "scoring",
            gettext_noop("The method must be one of %(methods)s."),
            methods=", ".join(MULTIPLE_METHODS),
        )
    if "past" in scoring and not isinstance(scoring["past"], bool):
        problem("scoring", gettext_noop("past must be true or false."))
    for key in ("min", "max"):
        if key in scoring and key in allowed and not _is_number(scoring[key]):
            problem("scoring", gettext_noop("%(key)s must be a number."), key=key)
    if "bands" in scoring and "bands" in allowed:
        _check_bands(question, scoring["bands"], problem)


def _check_choices(question: QuestionSpec, problem) -> None:
    if question.kind not in CHOICE_KINDS:
        if question.choices:
            problem("choices", gettext_noop("Only single and multiple choice questions have choices."))
        return
    if len(question.choices) < 2:
        problem("choices", gettext_noop("A choice question needs at least two choices."))
    seen = set()
    for n, choice in enumerate(question.choices, start=1):
        if not isinstance(choice, Mapping):
            problem("choices", gettext_noop("Choice %(n)s must be an object with value, label and label_zh."), n=n)
            continue
        value = choice.get("value")
        if not isinstance(value, str) or not value.strip() or value != value.strip() or CHOICE_VALUE_FORBIDDEN.search(value):
            problem(
                "choices",
                gettext_noop("Choice %(n)s needs a value without spaces at the ends or | ; , = characters."),
                n=n,
            )
        elif value in seen:
            problem("choices", gettext_noop("The choice value %(value)s is used twice."), value=value)
        seen.add(value)
        for key in ("label", "label_zh"):
            label = choice.get(key)
            if not isinstance(label, str) or not label.strip() or "|" in label or "\n" in label:
                problem(
                    "choices",
                    gettext_noop("Choice %(n)s needs a %(key)s on one line without |."),
                    n=n,
                    key=key,
                )
        if choice.get("score") is not None and not _is_score(choice.get("score")):
            problem("choices", gettext_noop("Choice %(n)s: the score must be from 0 to 100."), n=n)
        if not isinstance(choice.get("exclusive", False), bool):
            problem("choices", gettext_noop("Choice %(n)s: exclusive must be true or false."), n=n)
        if set(choice) - {"value", "label", "label_zh", "score", "exclusive"}:
            problem("choices", gettext_noop("Choice %(n)s has unknown keys."), n=n)


def _valid_answer_values(question: QuestionSpec) -> list[str]:
    return ["yes", "no"] if question.kind == "yes_no" else question.choice_values


def check_questions(questions) -> list[Problem]:
    """Everything wrong with a template's questions, in template order, each naming the question and field."""
    specs = as_specs(questions)
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    for index, question in enumerate(specs):

        def problem(field_name, message, _q=question, _i=index, **params):
            problems.append(Problem(message, params, question=_q.code, field=field_name, index=_i))

        if not question.code.strip():
            problem("code", gettext_noop("Every question needs a code."))
        elif question.code in positions:
            problem("code", gettext_noop("The question code %(code)s is used twice."), code=question.code)
        else:
            positions[question.code] = index
        if question.kind not in KINDS:
            problem("kind", gettext_noop("The type must be one of %(kinds)s."), kinds=", ".join(KINDS))
            continue
        _check_choices(question, problem)
        _check_scoring(question, problem)
        if not question.weight.is_finite() or question.weight < 0 or question.weight > MAX_WEIGHT:
            problem("weight", gettext_noop("The weight must be a number from 0 to %(max)s."), max=fmt_number(MAX_WEIGHT))
        _check_knockout(question, problem)
        _check_condition(question, index, specs, positions, problem)
    return problems


def _check_knockout(question: QuestionSpec, problem) -> None:
    if not question.critical:
        if question.knockout_values:
            problem("knockout_values", gettext_noop("Only a critical question has knock-out answers."))
        if question.knockout_level:
            problem("knockout_level", gettext_noop("Only a critical question has a knock-out level."))
        return
    if question.kind not in CONDITION_KINDS:
        problem("critical", gettext_noop("Only yes/no and choice questions can be critical."))
        return
    if not question.knockout_values:
        problem("knockout_values", gettext_noop("A critical question needs the answers that knock it out."))
    valid = _valid_answer_values(question)
    for value in question.knockout_values:
        if str(value) not in valid:
            problem(
                "knockout_values",
                gettext_noop("The knock-out answer %(value)s is not an answer of %(code)s (%(valid)s)."),
                value=value,
                code=question.code,
                valid=", ".join(valid),
            )
    if question.knockout_level not in KNOCKOUT_LEVELS:
        problem(
            "knockout_level",
            gettext_noop("The knock-out level must be one of %(levels)s."),
            levels=", ".join(KNOCKOUT_LEVELS),
        )


def _check_condition(question: QuestionSpec, index: int, specs, positions, problem) -> None:
    if not question.show_if_code:
        if question.show_if_values:
            problem(
                "show_if_values",
                gettext_noop("Answers to show this question need the question they belong to."),
            )
        return
    parent_code = question.show_if_code
    if parent_code == question.code:
        problem("show_if_code", gettext_noop("A question cannot depend on itself."))
        return
    parent_index = next((i for i, q in enumerate(specs) if q.code == parent_code), None)
    if parent_index is None:
        problem(
            "show_if_code",
            gettext_noop("The question %(code)s it depends on does not exist."),
            code=parent_code,
        )
        return
    if parent_index > index:
        problem(
            "show_if_code",
            gettext_noop("The question %(code)s it depends on must come before it."),
            code=parent_code,
        )
        return
    parent = specs[parent_index]
    if parent.kind not in CONDITION_KINDS:
        problem(
            "show_if_code",
            gettext_noop("A question can only depend on a yes/no or choice question; %(code)s is not."),
            code=parent_code,
        )
        return
    if not question.show_if_values:
        problem(
            "show_if_values",
            gettext_noop("List the answers of %(code)s that show this question."),
            code=parent_code,
        )
    valid = _valid_answer_values(parent)
    for value in question.show_if_values:
        if str(value) not in valid:
            problem(
                "show_if_values",
                gettext_noop("%(value)s is not an answer of %(code)s (%(valid)s)."),
                value=value,
                code=parent_code,
                valid=", ".join(valid),
            )
