"""What a supplier sees of a questionnaire and what counts as an answer. Plain Python: no Django, no database.

Questions are `QuestionSpec`s (or mappings with the same keys), answers a {question code: value} dict.
Messages are English templates marked with `gettext_noop` so `makemessages` collects them; callers show them
with `problem.render(gettext)`.

Rules:
- A question with `show_if_code` is shown only when that question is shown and its answer is one of
  `show_if_values` (for a multiple-choice question: any selected value). Conditions chain. The answer of a
  hidden question is ignored and a hidden question is never required.
- Normalised answers: yes/no -> "yes"/"no"; single choice -> the choice value; multiple choice -> the list of
  values in the order of the choices; number and percent -> an int or a float; date -> "YYYY-MM-DD";
  text -> the stripped text; file -> the file name (or True when only its presence is known).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

KINDS = ("yes_no", "single", "multiple", "number", "percent", "date", "text", "file")
CHOICE_KINDS = ("single", "multiple")
# Conditions and knock-outs compare answers with listed values: only questions with a closed set of answers.
CONDITION_KINDS = ("yes_no", "single", "multiple")
KNOCKOUT_LEVELS = ("medium", "high")
MULTIPLE_METHODS = ("sum", "max", "min", "mean")
SCORING_KEYS = {
    "yes_no": {"yes", "no"},
    "single": set(),
    "multiple": {"method"},
    "number": {"bands", "min", "max"},
    "percent": {"bands", "min", "max"},
    "date": {"bands", "past"},
    "text": {"answered"},
    "file": {"answered"},
}
MAX_TEXT = 5000
MAX_NUMBER = Decimal("1e15")
MAX_WEIGHT = Decimal(1000)
CHOICE_VALUE_FORBIDDEN = re.compile(r"[|;,=\n\r\t]")

YES_WORDS = {"yes", "y", "true", "1", "是", "有", "是的"}
NO_WORDS = {"no", "n", "false", "0", "否", "无", "没有", "不是"}
_SPLIT = re.compile(r"[;,；，、\n]+")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def gettext_noop(message: str) -> str:
    """Marks a message for translation; the caller translates it when it is shown."""
    return message


@dataclass
class Problem:
    """One thing wrong with an answer or a question, as an English template plus its parameters."""

    message: str
    params: dict = field(default_factory=dict)
    question: str = ""  # the question's code
    field: str = ""  # the question field at fault ("value" for an answer)
    index: int | None = None  # position of the question in the list that was checked

    def render(self, translate=None) -> str:
        template = translate(self.message) if translate is not None else self.message
        return template % self.params if self.params else template

    def __str__(self) -> str:
        return self.render()


@dataclass
class QuestionSpec:
    code: str
    kind: str
    section: str = ""
    text: str = ""
    text_zh: str = ""
    required: bool = True
    unit: str = ""
    choices: list = field(default_factory=list)  # [{"value", "label", "label_zh", "score"?, "exclusive"?}]
    scoring: dict = field(default_factory=dict)
    weight: Decimal = Decimal(1)
    critical: bool = False
    knockout_values: list = field(default_factory=list)
    knockout_level: str = ""
    show_if_code: str = ""
    show_if_values: list = field(default_factory=list)
    requirements: list = field(default_factory=list)  # requirement codes

    @classmethod
    def from_mapping(cls, data: Mapping, section: str = "") -> QuestionSpec:
        weight = data.get("weight", 1)
        try:
            weight = (
                Decimal(str(weight)) if weight is not None and not isinstance(weight, bool) else Decimal(1)
            )
        except InvalidOperation:
            weight = Decimal(-1)  # refused by check_questions
        return cls(
            code=str(data.get("code") or ""),
            kind=str(data.get("kind") or ""),
            section=str(data.get("section") or section or ""),
            text=str(data.get("text") or ""),
            text_zh=str(data.get("text_zh") or ""),
            required=bool(data.get("required", True)),
            unit=str(data.get("unit") or ""),
            choices=list(data.get("choices") or []),
            scoring=data.get("scoring") or {},
            weight=weight,
            critical=bool(data.get("critical", False)),
            knockout_values=list(data.get("knockout_values") or []),
            knockout_level=str(data.get("knockout_level") or ""),
            show_if_code=str(data.get("show_if_code") or ""),
            show_if_values=list(data.get("show_if_values") or []),
            requirements=[str(r) for r in data.get("requirements") or []],
        )

    @property
    def rules(self) -> dict:
        """The scoring dict; a bare list is read as number bands (the short form)."""
        if isinstance(self.scoring, list):
            return {"bands": self.scoring}
        return self.scoring if isinstance(self.scoring, Mapping) else {}

    def choice(self, value) -> Mapping | None:
        for choice in self.choices:
            if isinstance(choice, Mapping) and str(choice.get("value")) == str(value):
                return choice
        return None

    @property
    def choice_values(self) -> list[str]:
        return [str(c.get("value")) for c in self.choices if isinstance(c, Mapping)]


def as_specs(questions: Iterable) -> list[QuestionSpec]:
    """QuestionSpecs from specs or mappings, in the order given."""
    out = []
    for question in questions:
        if isinstance(question, QuestionSpec):
            out.append(question)
        elif isinstance(question, Mapping):
            out.append(QuestionSpec.from_mapping(question))
        else:
            raise TypeError(f"expected a QuestionSpec or a mapping, got {type(question).__name__}")
    return out


# ---------------------------------------------------------------- answers


class _Invalid(Exception):
    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message, self.params = message, params


def is_blank(question: QuestionSpec, raw) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, (list, tuple, set, frozenset)):
        return all(is_blank(question, item) for item in raw)
    if raw is False and question.kind == "file":
        return True
    return False


def _text_of(raw) -> str:
    return unicodedata.normalize("NFKC", str(raw)).strip()


def _yes_no(question: QuestionSpec, raw, today: date) -> str:
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return "yes" if raw == 1 else "no"
    word = _text_of(raw).casefold()
    if word in YES_WORDS:
        return "yes"
    if word in NO_WORDS:
        return "no"
    raise _Invalid(gettext_noop("Answer yes or no."))


def _match_choice(question: QuestionSpec, raw) -> str | None:
    wanted = _text_of(raw).casefold()
    for choice in question.choices:
        if not isinstance(choice, Mapping):
            continue
        candidates = (choice.get("value"), choice.get("label"), choice.get("label_zh"))
        if any(c is not None and _text_of(c).casefold() == wanted for c in candidates):
            return str(choice.get("value"))
    return None


def _choice_list(question: QuestionSpec) -> str:
    return ", ".join(question.choice_values)


def _single(question: QuestionSpec, raw, today: date) -> str:
    if isinstance(raw, (list, tuple, set, dict)):
        raise _Invalid(
            gettext_noop("Choose one of the choices (%(choices)s)."), choices=_choice_list(question)
        )
    value = _match_choice(question, raw)
    if value is None:
        raise _Invalid(
            gettext_noop("%(value)s is not one of the choices (%(choices)s)."),
            value=_text_of(raw),
            choices=_choice_list(question),
        )
    return value


def _multiple(question: QuestionSpec, raw, today: date) -> list[str]:
    if isinstance(raw, str):
        whole = _match_choice(question, raw)
        items = [whole] if whole is not None else [part for part in _SPLIT.split(raw) if part.strip()]
    elif isinstance(raw, (list, tuple, set, frozenset)):
        items = [item for item in raw if not is_blank(question, item)]
    else:
        raise _Invalid(gettext_noop("Choose from the choices (%(choices)s)."), choices=_choice_list(question))
    chosen = set()
    for item in items:
        if isinstance(item, (list, tuple, set, dict)):
            raise _Invalid(
                gettext_noop("Choose from the choices (%(choices)s)."), choices=_choice_list(question)
            )
        value = _match_choice(question, item)
        if value is None:
            raise _Invalid(
                gettext_noop("%(value)s is not one of the choices (%(choices)s)."),
                value=_text_of(item),
                choices=_choice_list(question),
            )
        chosen.add(value)
    values = [v for v in question.choice_values if v in chosen]
    if len(values) > 1:
        for value in values:
            choice = question.choice(value)
            if choice.get("exclusive"):
                raise _Invalid(
                    gettext_noop("%(label)s cannot be combined with other choices."),
                    label=str(choice.get("label") or value),
                )
    return values


def to_decimal(raw, *, unit: str = "", percent: bool = False) -> Decimal:
    """A Decimal from a number or from text as people type it (1,250.5 / １２５０ / 1250 MWh / 45 %)."""
    if isinstance(raw, bool):
        raise _Invalid(gettext_noop("Enter a number, for example 1250 or 12.5."))
    if isinstance(raw, (int, Decimal)):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = _text_of(raw)
        if unit and text.casefold().endswith(_text_of(unit).casefold()):
            text = text[: -len(_text_of(unit))].strip()
        if percent and text.endswith("%"):
            text = text[:-1].strip()
        text = text.replace(" ", "").replace("_", "")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        if not _NUMBER.match(text):
            raise _Invalid(gettext_noop("Enter a number, for example 1250 or 12.5."))
        number = Decimal(text)
    else:
        raise _Invalid(gettext_noop("Enter a number, for example 1250 or 12.5."))
    if not number.is_finite() or abs(number) >= MAX_NUMBER:
        raise _Invalid(gettext_noop("Enter a number, for example 1250 or 12.5."))
    return number


def _plain_number(number: Decimal):
    return int(number) if number == number.to_integral_value() else float(number)


def _bound(rules: Mapping, key: str) -> Decimal | None:
    value = rules.get(key)
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def number_bounds(question: QuestionSpec) -> tuple[Decimal, Decimal | None]:
    """(lowest, highest) accepted: numbers 0 or more unless the scoring says otherwise; percentages 0-100."""
    rules = question.rules
    low, high = _bound(rules, "min"), _bound(rules, "max")
    if question.kind == "percent":
        return max(Decimal(0), low if low is not None else Decimal(0)), min(
            Decimal(100), high if high is not None else Decimal(100)
        )
    return (low if low is not None else Decimal(0)), high


def _fmt(number: Decimal) -> str:
    return format(number.normalize(), "f") if number != 0 else "0"


def _number(question: QuestionSpec, raw, today: date):
    percent = question.kind == "percent"
    number = to_decimal(raw, unit=question.unit, percent=percent)
    low, high = number_bounds(question)
    if percent and (number < low or number > high):
        raise _Invalid(
            gettext_noop("Enter a percentage between %(min)s and %(max)s."), min=_fmt(low), max=_fmt(high)
        )
    if number < low:
        raise _Invalid(gettext_noop("Enter a number no smaller than %(min)s."), min=_fmt(low))
    if high is not None and number > high:
        raise _Invalid(gettext_noop("Enter a number no larger than %(max)s."), max=_fmt(high))
    return _plain_number(number)


def to_date(raw) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    match = _DATE.match(_text_of(raw)) if isinstance(raw, str) else None
    if match:
        try:
            value = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            value = None
        if value is not None and 1900 <= value.year <= 2200:
            return value
    raise _Invalid(gettext_noop("Enter a date as YYYY-MM-DD, for example 2026-03-31."))


def _date(question: QuestionSpec, raw, today: date) -> str:
    value = to_date(raw)
    if question.rules.get("past") and value > today:
        raise _Invalid(gettext_noop("The date cannot be in the future."))
    return value.isoformat()


def _text(question: QuestionSpec, raw, today: date) -> str:
    if isinstance(raw, (list, tuple, set, dict, bool)):
        raise _Invalid(gettext_noop("Enter text."))
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise _Invalid(
            gettext_noop("Enter at most %(max)s characters (this answer has %(length)s)."),
            max=MAX_TEXT,
            length=len(text),
        )
    return text


def _file(question: QuestionSpec, raw, today: date):
    if raw is True:
        return True
    if isinstance(raw, Mapping) and str(raw.get("name") or "").strip():
        return str(raw["name"]).strip()
    if isinstance(raw, str):
        return raw.strip()
    raise _Invalid(gettext_noop("Attach a file."))


_PARSERS = {
    "yes_no": _yes_no,
    "single": _single,
    "multiple": _multiple,
    "number": _number,
    "percent": _number,
    "date": _date,
    "text": _text,
    "file": _file,
}


def validate_answer(question, raw, *, today: date | None = None) -> tuple[Any, Problem | None]:
    """(normalised value, None) or (None, problem). A blank answer is (None, None): see missing_required."""
    question = as_specs([question])[0]
    if is_blank(question, raw):
        return None, None
    parser = _PARSERS.get(question.kind)
    if parser is None:
        return None, Problem(
            gettext_noop("Unknown question type %(kind)s."),
            {"kind": question.kind},
            question=question.code,
            field="value",
        )
    try:
        value = parser(question, raw, today or date.today())
    except _Invalid as exc:
        return None, Problem(exc.message, exc.params, question=question.code, field="value")
    if value == []:
        return None, None
    return value, None


def validate_answers(
    questions, raw_answers: Mapping, *, today: date | None = None
) -> tuple[dict, dict[str, Problem]]:
    """({code: value}, {code: problem}) of the shown questions; answers to hidden questions are dropped."""
    specs = as_specs(questions)
    values, problems = {}, {}
    for question in specs:
        if question.code not in raw_answers:
            continue
        value, problem = validate_answer(question, raw_answers[question.code], today=today)
        if problem is not None:
            problems[question.code] = problem
        elif value is not None:
            values[question.code] = value
    shown = visible_questions(specs, values)
    return (
        {c: v for c, v in values.items() if c in shown},
        {c: p for c, p in problems.items() if c in shown},
    )


# ---------------------------------------------------------------- conditional display


def answer_matches(question: QuestionSpec, raw, wanted: Iterable) -> bool:
    """Whether an answer (raw or normalised) is one of the wanted values; any overlap for multiple choice."""
    value, problem = validate_answer(question, raw)
    if problem is not None or value is None:
        return False
    wanted = {str(w) for w in wanted}
    if isinstance(value, list):
        return any(str(v) in wanted for v in value)
    return str(value) in wanted


def visible_questions(questions, answers: Mapping) -> set[str]:
    """Codes of the questions shown for these answers. A condition on a missing or hidden question, or a
    circular chain of conditions, hides the question."""
    specs = as_specs(questions)
    by_code = {q.code: q for q in specs}
    shown: dict[str, bool] = {}
    for question in specs:
        chain: list[QuestionSpec] = []  # questions waiting for their parent, nearest the question first
        current = question
        while current.code not in shown:
            if not current.show_if_code:
                shown[current.code] = True
                break
            parent = by_code.get(current.show_if_code)
            if parent is None or parent.code == current.code or parent.code in {m.code for m in chain}:
                for member in (*chain, current):
                    shown[member.code] = False
                chain = []
                break
            chain.append(current)
            current = parent
        for member in reversed(chain):
            parent = by_code[member.show_if_code]
            shown[member.code] = shown[parent.code] and answer_matches(
                parent, answers.get(parent.code), member.show_if_values
            )
    return {code for code, is_shown in shown.items() if is_shown}


def missing_required(questions, answers: Mapping) -> list[str]:
    """Codes, in order, of the shown required questions without an answer."""
    specs = as_specs(questions)
    shown = visible_questions(specs, answers)
    return [q.code for q in specs if q.code in shown and q.required and is_blank(q, answers.get(q.code))]


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
            problem(
                "choices", gettext_noop("Choice %(n)s must be an object with value, label and label_zh."), n=n
            )
            continue
        value = choice.get("value")
        if (
            not isinstance(value, str)
            or not value.strip()
            or value != value.strip()
            or CHOICE_VALUE_FORBIDDEN.search(value)
        ):
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
            problem(
                "weight", gettext_noop("The weight must be a number from 0 to %(max)s."), max=_fmt(MAX_WEIGHT)
            )
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
