"""Scoring a questionnaire: points per answer, scores per section, pillar and risk category, knock-outs.

Plain Python: no Django, no database. Every step of the arithmetic is written down as a `Line` so a reviewer
(and, if the policy says so, the supplier) can follow it.

Rules:
- A question is scored when its scoring gives points: yes/no {"yes": 100, "no": 0}; choices with a "score";
  number, percent and date {"bands": [{"min": .., "max": .., "score": ..}]} (both ends inclusive, the first
  band that matches wins; a date is scored on its age in days, today minus the date, negative when it lies in
  the future); text and file {"answered": 100}. Multiple choice adds the scores of the chosen choices (capped
  at 100) unless the scoring says {"method": "max" | "min" | "mean"}.
- An answer without points (a choice without a score, a number in no band) is not counted.
- Points (0-100) x the question's weight. A group's score (section, pillar, risk category, overall) is the
  weighted mean over its shown, scored questions: answered ones with their points, unanswered required ones
  with 0; unanswered optional ones are left out. Hidden questions never count.
- A question belongs to the pillars and risk categories of the requirements it is mapped to.
- Knock-outs: a shown critical question answered with one of its knock-out values sets the knock-out level
  (the most severe one wins) and caps the overall score, and the scores of the groups the question belongs
  to, at the cap of its level (see `knockout_caps`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from supplyesg.assessments.engine.display import (
    QuestionSpec,
    as_specs,
    gettext_noop,
    is_blank,
    to_date,
    to_decimal,
    validate_answer,
    visible_questions,
)

LEVEL_RANK = {"": 0, "low": 1, "medium": 2, "high": 3}
# The wording of each step; parameters: question, title, answer, weight, points, weighted, group, score, cap,
# level, before, after.
MSG_INVALID = gettext_noop("%(question)s %(title)s: the answer is not valid and counts as not answered")
MSG_OPTIONAL = gettext_noop("%(question)s %(title)s: not answered (optional), not counted")
MSG_REQUIRED = gettext_noop("%(question)s %(title)s: not answered (required) → 0 × weight %(weight)s = 0")
MSG_NO_POINTS = gettext_noop("%(question)s %(title)s: answer %(answer)s earns no points, not counted")
MSG_POINTS = gettext_noop(
    "%(question)s %(title)s: answer %(answer)s → %(points)s × weight %(weight)s = %(weighted)s"
)
MSG_KNOCKOUT = gettext_noop("Knock-out %(question)s %(title)s: answer %(answer)s → %(level)s risk")
MSG_OVERALL = gettext_noop("Overall: %(points)s ÷ %(weight)s = %(score)s")
MSG_OVERALL_CAP = gettext_noop(
    "Overall score capped at %(cap)s by the %(level)s knock-out: %(before)s → %(after)s"
)
# (how a group's score is worked out, how a knock-out caps it), per kind of group
GROUP_LINES = {
    "section": (
        gettext_noop("Section %(group)s: %(points)s ÷ %(weight)s = %(score)s"),
        gettext_noop("Section %(group)s capped at %(cap)s by knock-out %(question)s: %(before)s → %(after)s"),
    ),
    "pillar": (
        gettext_noop("Pillar %(group)s: %(points)s ÷ %(weight)s = %(score)s"),
        gettext_noop("Pillar %(group)s capped at %(cap)s by knock-out %(question)s: %(before)s → %(after)s"),
    ),
    "risk_category": (
        gettext_noop("Risk category %(group)s: %(points)s ÷ %(weight)s = %(score)s"),
        gettext_noop(
            "Risk category %(group)s capped at %(cap)s by knock-out %(question)s: %(before)s → %(after)s"
        ),
    ),
}
HUNDRED = Decimal(100)
TENTH = Decimal("0.1")
TITLE_LENGTH = 60
LEVEL_ZH = {"low": "低", "medium": "中", "high": "高"}


def knockout_caps(medium_from, high_from) -> dict[str, Decimal]:
    """Score caps that put a knocked-out supplier at least in the knock-out's risk level.

    Risk is 100 minus the questionnaire score, so a score capped at 100 - high_from is high risk. Pass the
    policy thresholds (PolicySettings.risk_medium_from / risk_high_from).
    """
    return {"medium": HUNDRED - Decimal(str(medium_from)), "high": HUNDRED - Decimal(str(high_from))}


# The defaults match PolicySettings' documented defaults (medium from 35, high from 60).
DEFAULT_KNOCKOUT_CAPS = knockout_caps(35, 60)


def fmt(number: Decimal | None) -> str:
    """A number as a person reads it: 300, 85.3, 2.5 (at most one decimal)."""
    if number is None:
        return "-"
    rounded = number.quantize(TENTH, rounding=ROUND_HALF_UP)
    return format(rounded.normalize(), "f") if rounded != 0 else "0"


def _round(number: Decimal) -> Decimal:
    return number.quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class Line:
    """One step of the arithmetic: an English template (translated when shown) and its parameters.

    A parameter `x` may have a Chinese twin `x_zh`, used when rendering in Chinese.
    """

    message: str
    params: dict = field(default_factory=dict)
    question: str = ""
    step: str = ""  # "question", "knockout", "group", "cap" or "overall"

    def render(self, translate=None, *, chinese: bool = False, names: Mapping | None = None) -> str:
        return render_line(self.as_dict(), translate, chinese=chinese, names=names)

    def as_dict(self) -> dict:
        return {
            "message": self.message,
            "params": dict(self.params),
            "question": self.question,
            "step": self.step,
            "text": self.message % self.params,
        }

    def __str__(self) -> str:
        return self.render()


def render_line(line: Mapping, translate=None, *, chinese: bool = False, names: Mapping | None = None) -> str:
    """Text of a stored line (`Line.as_dict()`), translated; `names` maps group codes to display names."""
    params = dict(line.get("params") or {})
    if chinese:
        params.update({key[:-3]: value for key, value in params.items() if key.endswith("_zh") and value})
    if names and params.get("group") in names:
        params["group"] = names[params["group"]]
    message = line.get("message") or ""
    template = translate(message) if translate is not None else message
    try:
        return template % params
    except (KeyError, TypeError, ValueError):
        return line.get("text") or message


@dataclass
class QuestionScore:
    code: str
    points: Decimal | None  # 0-100; None when not counted
    weight: Decimal
    counted: bool

    @property
    def weighted(self) -> Decimal:
        return (self.points or Decimal(0)) * self.weight


@dataclass
class GroupScore:
    key: str
    kind: str = "overall"  # "section", "pillar", "risk_category" or "overall"
    points: Decimal = Decimal(0)  # sum of points x weight
    weight: Decimal = Decimal(0)  # sum of weights
    questions: int = 0
    cap: Decimal | None = None  # set by a knock-out

    @property
    def uncapped(self) -> Decimal | None:
        return _round(self.points / self.weight) if self.weight > 0 else None

    @property
    def score(self) -> Decimal | None:
        value = self.uncapped
        if value is None or self.cap is None:
            return value
        return min(value, self.cap)

    def add(self, question: QuestionScore) -> None:
        self.points += question.weighted
        self.weight += question.weight
        self.questions += 1


@dataclass
class Knockout:
    question: str
    answer: Any
    level: str


@dataclass
class ScoreResult:
    overall: GroupScore
    sections: dict[str, GroupScore]
    pillars: dict[str, GroupScore]
    risk_categories: dict[str, GroupScore]
    questions: dict[str, QuestionScore]
    knockouts: list[Knockout]
    knockout_level: str
    lines: list[Line]

    @property
    def overall_score(self) -> Decimal | None:
        return self.overall.score

    def as_dict(self) -> dict:
        """JSON for Response.scores: numbers (None when nothing was scored), the knock-out, the lines."""

        def number(value):
            return float(value) if value is not None else None

        def groups(items):
            return {key: number(group.score) for key, group in items.items()}

        return {
            "overall": number(self.overall.score),
            "overall_uncapped": number(self.overall.uncapped),
            "sections": groups(self.sections),
            "pillars": groups(self.pillars),
            "risk_categories": groups(self.risk_categories),
            "questions": {
                code: {
                    "points": number(q.points),
                    "weight": number(q.weight),
                    "weighted": number(q.weighted),
                    "counted": q.counted,
                }
                for code, q in self.questions.items()
            },
            "knockout": {
                "level": self.knockout_level,
                "triggered": [
                    {"question": k.question, "answer": k.answer, "level": k.level} for k in self.knockouts
                ],
            },
            "lines": [line.as_dict() for line in self.lines],
        }


# ---------------------------------------------------------------- points per answer


def _in_band(number: Decimal, band: Mapping) -> bool:
    low, high = band.get("min"), band.get("max")
    return (low is None or number >= Decimal(str(low))) and (high is None or number <= Decimal(str(high)))


def _band_points(number: Decimal, bands) -> Decimal | None:
    for band in bands or []:
        if isinstance(band, Mapping) and _in_band(number, band):
            return Decimal(str(band.get("score")))
    return None


def is_scored(question: QuestionSpec) -> bool:
    """Whether any answer to the question can earn points."""
    rules = question.rules
    if question.kind == "yes_no":
        return "yes" in rules or "no" in rules
    if question.kind in ("single", "multiple"):
        return any(isinstance(c, Mapping) and c.get("score") is not None for c in question.choices)
    if question.kind in ("number", "percent", "date"):
        return bool(rules.get("bands"))
    return "answered" in rules


def question_points(question, value, *, today: date | None = None) -> Decimal | None:
    """Points (0-100) for a normalised answer, or None when the answer earns no points."""
    question = as_specs([question])[0]
    rules = question.rules
    if value is None or not is_scored(question):
        return None
    kind = question.kind
    if kind == "yes_no":
        points = rules.get(value)
        return Decimal(str(points)) if points is not None else None
    if kind == "single":
        choice = question.choice(value)
        return (
            Decimal(str(choice["score"])) if choice is not None and choice.get("score") is not None else None
        )
    if kind == "multiple":
        scores = [
            Decimal(str(c["score"]))
            for c in (question.choice(v) for v in value)
            if c is not None and c.get("score") is not None
        ]
        if not scores:
            return None
        method = rules.get("method", "sum")
        if method == "max":
            return max(scores)
        if method == "min":
            return min(scores)
        if method == "mean":
            return _round(sum(scores) / len(scores))
        return min(sum(scores), HUNDRED)
    if kind in ("number", "percent"):
        return _band_points(to_decimal(value), rules.get("bands"))
    if kind == "date":
        age = ((today or date.today()) - to_date(value)).days
        return _band_points(Decimal(age), rules.get("bands"))
    return Decimal(str(rules["answered"]))


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"


def describe_answer(question: QuestionSpec, value) -> tuple[str, str]:
    """(English, Chinese) wording of a normalised answer, for the lines."""
    if question.kind == "yes_no":
        return ("Yes", "是") if value == "yes" else ("No", "否")
    if question.kind in ("single", "multiple"):
        values = value if isinstance(value, list) else [value]
        choices = [question.choice(v) or {"label": v, "label_zh": v} for v in values]
        return (
            ", ".join(str(c.get("label") or "") for c in choices),
            "、".join(str(c.get("label_zh") or c.get("label") or "") for c in choices),
        )
    if question.kind == "percent":
        return f"{value}%", f"{value}%"
    if question.kind == "number":
        text = f"{value} {question.unit}".strip()
        return text, text
    if question.kind == "text":
        return "text given", "已填写"
    if question.kind == "file":
        return "file attached", "已上传文件"
    return str(value), str(value)


def _question_params(question: QuestionSpec) -> dict:
    return {
        "question": question.code,
        "title": _short(question.text or question.code),
        "title_zh": _short(question.text_zh or question.text or question.code),
    }


def _requirement_attr(requirement, name: str) -> str:
    if isinstance(requirement, Mapping):
        return str(requirement.get(name) or "")
    return str(getattr(requirement, name, "") or "")


# ---------------------------------------------------------------- the questionnaire


def triggered_knockouts(questions, answers: Mapping) -> list[Knockout]:
    """The shown critical questions answered with a knock-out value, in question order."""
    specs = as_specs(questions)
    shown = visible_questions(specs, answers)
    out = []
    for question in specs:
        if not question.critical or question.code not in shown:
            continue
        value, problem = validate_answer(question, answers.get(question.code))
        if problem is not None or value is None:
            continue
        wanted = {str(v) for v in question.knockout_values}
        chosen = value if isinstance(value, list) else [value]
        if any(str(v) in wanted for v in chosen):
            out.append(Knockout(question.code, value, question.knockout_level))
    return out


@dataclass
class _Tally:
    """The groups scores add up in while `score` runs, and which groups each shown question belongs to."""

    requirements_by_code: Mapping
    overall: GroupScore = field(default_factory=lambda: GroupScore("overall", "overall"))
    sections: dict[str, GroupScore] = field(default_factory=dict)
    pillars: dict[str, GroupScore] = field(default_factory=dict)
    categories: dict[str, GroupScore] = field(default_factory=dict)
    memberships: dict[str, list[GroupScore]] = field(default_factory=dict)

    def join(self, question: QuestionSpec) -> None:
        """Record the question's section, and the pillars and risk categories of its requirements."""
        groups = [self.sections.setdefault(question.section, GroupScore(question.section, "section"))]
        requirements = [self.requirements_by_code[c] for c in question.requirements if c in self.requirements_by_code]
        for pillar in dict.fromkeys(_requirement_attr(r, "pillar") for r in requirements):
            if pillar:
                groups.append(self.pillars.setdefault(pillar, GroupScore(pillar, "pillar")))
        for category in dict.fromkeys(_requirement_attr(r, "risk_category") for r in requirements):
            if category:
                groups.append(self.categories.setdefault(category, GroupScore(category, "risk_category")))
        self.memberships[question.code] = groups

    def add(self, question_score: QuestionScore) -> None:
        for group in self.memberships[question_score.code]:
            group.add(question_score)
        self.overall.add(question_score)

    def groups(self):
        for items in (self.sections, self.pillars, self.categories):
            yield from items.values()


def _valid_values(specs: list[QuestionSpec], answers: Mapping, today: date) -> dict[str, Any]:
    """Each question's normalised answer; an invalid answer counts as not answered (None)."""
    values = {}
    for question in specs:
        value, problem = validate_answer(question, answers.get(question.code), today=today)
        values[question.code] = value if problem is None else None
    return values


def _score_question(question: QuestionSpec, raw, value, *, today: date, lines: list[Line]) -> QuestionScore:
    """The question's points (counted=False when it adds nothing: optional and unanswered, or an answer
    worth no points), with the explanation lines saying why."""
    params = _question_params(question)
    params["weight"] = fmt(question.weight)
    if value is None and not is_blank(question, raw):
        lines.append(Line(MSG_INVALID, params, question.code, "question"))
    if value is None:
        if not question.required:
            lines.append(Line(MSG_OPTIONAL, params, question.code, "question"))
            return QuestionScore(question.code, None, question.weight, False)
        lines.append(Line(MSG_REQUIRED, params, question.code, "question"))
        return QuestionScore(question.code, Decimal(0), question.weight, True)
    points = question_points(question, value, today=today)
    answer, answer_zh = describe_answer(question, value)
    params.update(answer=answer, answer_zh=answer_zh)
    if points is None:
        lines.append(Line(MSG_NO_POINTS, params, question.code, "question"))
        return QuestionScore(question.code, None, question.weight, False)
    params.update(points=fmt(points), weighted=fmt(points * question.weight))
    lines.append(Line(MSG_POINTS, params, question.code, "question"))
    return QuestionScore(question.code, points, question.weight, True)


def _knockout_level(specs: list[QuestionSpec], knockouts, lines: list[Line]) -> str:
    """Explain each triggered knock-out; the highest knock-out level ("" when none)."""
    level = ""
    by_code = {q.code: q for q in specs}
    for knockout in knockouts:
        question = by_code[knockout.question]
        answer, answer_zh = describe_answer(question, knockout.answer)
        params = {
            **_question_params(question),
            "answer": answer,
            "answer_zh": answer_zh,
            "level": knockout.level,
            "level_zh": LEVEL_ZH.get(knockout.level, knockout.level),
        }
        lines.append(Line(MSG_KNOCKOUT, params, question.code, "knockout"))
        if LEVEL_RANK.get(knockout.level, 0) > LEVEL_RANK[level]:
            level = knockout.level
    return level


def _group_lines(tally: _Tally, lines: list[Line]) -> None:
    for group in tally.groups():
        if group.weight > 0:
            params = {
                "group": group.key,
                "points": fmt(group.points),
                "weight": fmt(group.weight),
                "score": fmt(group.uncapped),
            }
            lines.append(Line(GROUP_LINES[group.kind][0], params, "", "group"))


def _cap_groups(tally: _Tally, knockouts, caps: Mapping, lines: list[Line]) -> None:
    """A knock-out caps every scored group its question belongs to (the lowest cap wins)."""
    for knockout in knockouts:
        cap = caps.get(knockout.level)
        if cap is None:
            continue
        for group in tally.memberships.get(knockout.question, []):
            if group.weight > 0 and (group.cap is None or cap < group.cap):
                before = group.score
                group.cap = cap
                if group.score != before:
                    params = {
                        "group": group.key,
                        "cap": fmt(cap),
                        "question": knockout.question,
                        "before": fmt(before),
                        "after": fmt(group.score),
                    }
                    lines.append(Line(GROUP_LINES[group.kind][1], params, knockout.question, "cap"))


def _overall_lines(overall: GroupScore, level: str, caps: Mapping, lines: list[Line]) -> None:
    """Explain the overall score, capped by the highest knock-out level."""
    if overall.weight <= 0:
        return
    params = {
        "points": fmt(overall.points),
        "weight": fmt(overall.weight),
        "score": fmt(overall.uncapped),
    }
    lines.append(Line(MSG_OVERALL, params, "", "overall"))
    if level and caps.get(level) is not None:
        overall.cap = caps[level]
        if overall.score != overall.uncapped:
            params = {
                "cap": fmt(overall.cap),
                "level": level,
                "level_zh": LEVEL_ZH.get(level, level),
                "before": fmt(overall.uncapped),
                "after": fmt(overall.score),
            }
            lines.append(Line(MSG_OVERALL_CAP, params, "", "cap"))


def score(
    questions,
    answers: Mapping,
    requirements_by_code: Mapping | None = None,
    *,
    today: date | None = None,
    knockout_caps: Mapping | None = None,
) -> ScoreResult:
    """Score a questionnaire.

    `answers` are raw or normalised values by question code (invalid answers count as not answered);
    `requirements_by_code` maps requirement codes to objects or mappings with `pillar` and `risk_category`;
    `knockout_caps` maps a knock-out level to the highest score it allows (default DEFAULT_KNOCKOUT_CAPS).
    """
    specs = as_specs(questions)
    caps = {level: Decimal(str(cap)) for level, cap in (knockout_caps or DEFAULT_KNOCKOUT_CAPS).items()}
    today = today or date.today()
    values = _valid_values(specs, answers, today)
    shown = visible_questions(specs, values)

    lines: list[Line] = []
    tally = _Tally(requirements_by_code or {})
    question_scores: dict[str, QuestionScore] = {}
    for question in specs:
        if question.code not in shown:
            continue
        tally.join(question)
        if not is_scored(question):
            continue
        scored = _score_question(question, answers.get(question.code), values[question.code], today=today, lines=lines)
        question_scores[question.code] = scored
        if scored.counted:
            tally.add(scored)

    knockouts = triggered_knockouts(specs, values)
    level = _knockout_level(specs, knockouts, lines)
    _group_lines(tally, lines)
    _cap_groups(tally, knockouts, caps, lines)
    _overall_lines(tally.overall, level, caps, lines)

    def used(groups: dict) -> dict:
        return {key: group for key, group in groups.items() if group.questions}

    return ScoreResult(
        overall=tally.overall,
        sections=used(tally.sections),
        pillars=used(tally.pillars),
        risk_categories=used(tally.categories),
        questions=question_scores,
        knockouts=knockouts,
        knockout_level=level,
        lines=lines,
    )
