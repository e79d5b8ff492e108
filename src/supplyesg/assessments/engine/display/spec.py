"""Question specs, problems and the constants the engine shares."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

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
            weight = Decimal(str(weight)) if weight is not None and not isinstance(weight, bool) else Decimal(1)
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
