"""The questionnaire engine: conditional display, answer validation and scoring on plain data (no Django).

Build `QuestionSpec`s from a template (see `supplyesg.assessments.catalogue.template_specs`) or from mappings,
then:

    values, problems = validate_answers(questions, raw_answers)        # {code: value}, {code: Problem}
    missing = missing_required(questions, values)                     # [code, ...]
    result = score(questions, values, requirements_by_code)           # ScoreResult; result.as_dict() is JSON
"""

from supplyesg.assessments.engine.display import (
    KINDS,
    Problem,
    QuestionSpec,
    as_specs,
    check_questions,
    is_blank,
    missing_required,
    validate_answer,
    validate_answers,
    visible_questions,
)
from supplyesg.assessments.engine.scoring import (
    DEFAULT_KNOCKOUT_CAPS,
    GroupScore,
    Knockout,
    Line,
    QuestionScore,
    ScoreResult,
    knockout_caps,
    question_points,
    render_line,
    score,
    triggered_knockouts,
)

__all__ = [
    "DEFAULT_KNOCKOUT_CAPS",
    "KINDS",
    "GroupScore",
    "Knockout",
    "Line",
    "Problem",
    "QuestionScore",
    "QuestionSpec",
    "ScoreResult",
    "as_specs",
    "check_questions",
    "is_blank",
    "knockout_caps",
    "missing_required",
    "question_points",
    "render_line",
    "score",
    "triggered_knockouts",
    "validate_answer",
    "validate_answers",
    "visible_questions",
]
