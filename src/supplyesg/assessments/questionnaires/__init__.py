"""Questionnaire campaigns, filling, review and scores: one audited function per state change.

campaigns: creating a campaign, its scope, asking suppliers, reminders (on the `core.campaigns` engine)
questions: a template's questions for the pure engine, stored answers, the score
answers: saving drafts and submitting
review: rescoring, accepting and returning
Views, the API and other apps import this package: `from supplyesg.assessments import questionnaires`.
"""

from supplyesg.assessments.questionnaires.answers import (
    EDITABLE,
    DraftResult,
    missing_answers,
    save_draft,
    submit_response,
)
from supplyesg.assessments.questionnaires.campaigns import (
    ANSWERED,
    KIND,
    NOT_ASKABLE,
    add_supplier,
    campaign_scope,
    close_campaign,
    create_campaign,
    in_scope_suppliers,
    open_campaign,
    reminder_kind,
    response_mail,
    scope_summary,
    send_questionnaire_reminders,
    send_to_newcomers,
)
from supplyesg.assessments.questionnaires.questions import (
    answer_values,
    compute_scores,
    question_text,
    template_questions,
    to_spec,
)
from supplyesg.assessments.questionnaires.review import (
    _reassess_on_commit,
    accept_response,
    recompute_scores,
    return_response,
)

__all__ = [
    "ANSWERED",
    "EDITABLE",
    "KIND",
    "NOT_ASKABLE",
    "DraftResult",
    "_reassess_on_commit",
    "accept_response",
    "add_supplier",
    "answer_values",
    "campaign_scope",
    "close_campaign",
    "compute_scores",
    "create_campaign",
    "in_scope_suppliers",
    "missing_answers",
    "open_campaign",
    "question_text",
    "recompute_scores",
    "reminder_kind",
    "response_mail",
    "return_response",
    "save_draft",
    "scope_summary",
    "send_questionnaire_reminders",
    "send_to_newcomers",
    "submit_response",
    "template_questions",
    "to_spec",
]
