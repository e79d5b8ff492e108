"""Reading answers as people type them, and which questions a set of answers shows."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from supplyesg.assessments.engine.display.spec import (
    MAX_NUMBER,
    MAX_TEXT,
    NO_WORDS,
    YES_WORDS,
    Problem,
    QuestionSpec,
    as_specs,
    gettext_noop,
)

_SPLIT = re.compile(r"[;,；，、\n]+")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")

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
        raise _Invalid(gettext_noop("Choose one of the choices (%(choices)s)."), choices=_choice_list(question))
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
            raise _Invalid(gettext_noop("Choose from the choices (%(choices)s)."), choices=_choice_list(question))
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


def fmt_number(number: Decimal) -> str:
    return format(number.normalize(), "f") if number != 0 else "0"


def _number(question: QuestionSpec, raw, today: date):
    percent = question.kind == "percent"
    number = to_decimal(raw, unit=question.unit, percent=percent)
    low, high = number_bounds(question)
    if percent and (number < low or number > high):
        raise _Invalid(gettext_noop("Enter a percentage between %(min)s and %(max)s."), min=fmt_number(low), max=fmt_number(high))
    if number < low:
        raise _Invalid(gettext_noop("Enter a number no smaller than %(min)s."), min=fmt_number(low))
    if high is not None and number > high:
        raise _Invalid(gettext_noop("Enter a number no larger than %(max)s."), max=fmt_number(high))
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


def validate_answers(questions, raw_answers: Mapping, *, today: date | None = None) -> tuple[dict, dict[str, Problem]]:
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
            shown[member.code] = shown[parent.code] and answer_matches(parent, answers.get(parent.code), member.show_if_values)
    return {code for code, is_shown in shown.items() if is_shown}


def missing_required(questions, answers: Mapping) -> list[str]:
    """Codes, in order, of the shown required questions without an answer."""
    specs = as_specs(questions)
    shown = visible_questions(specs, answers)
    return [q.code for q in specs if q.code in shown and q.required and is_blank(q, answers.get(q.code))]
