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

The package: `spec` (QuestionSpec, Problem, constants), `answers` (validation and conditional display),
`checks` (a template's questions).
"""

from supplyesg.assessments.engine.display.answers import (
    answer_matches,
    is_blank,
    missing_required,
    number_bounds,
    to_date,
    to_decimal,
    validate_answer,
    validate_answers,
    visible_questions,
)
from supplyesg.assessments.engine.display.checks import check_questions
from supplyesg.assessments.engine.display.spec import (
    CHOICE_KINDS,
    CONDITION_KINDS,
    KINDS,
    KNOCKOUT_LEVELS,
    MAX_NUMBER,
    MAX_TEXT,
    MAX_WEIGHT,
    MULTIPLE_METHODS,
    NO_WORDS,
    SCORING_KEYS,
    YES_WORDS,
    Problem,
    QuestionSpec,
    as_specs,
    gettext_noop,
)

__all__ = [
    "CHOICE_KINDS",
    "CONDITION_KINDS",
    "KINDS",
    "KNOCKOUT_LEVELS",
    "MAX_NUMBER",
    "MAX_TEXT",
    "MAX_WEIGHT",
    "MULTIPLE_METHODS",
    "NO_WORDS",
    "SCORING_KEYS",
    "YES_WORDS",
    "Problem",
    "QuestionSpec",
    "answer_matches",
    "as_specs",
    "check_questions",
    "gettext_noop",
    "is_blank",
    "missing_required",
    "number_bounds",
    "to_date",
    "to_decimal",
    "validate_answer",
    "validate_answers",
    "visible_questions",
]
