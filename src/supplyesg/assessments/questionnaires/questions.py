"""A template's questions as the pure engine sees them, the answers stored for a response, and its score."""

import json

from django.utils import timezone, translation

from supplyesg.assessments.engine import QuestionSpec, knockout_caps, score
from supplyesg.assessments.models import Question, Response
from supplyesg.core.campaigns.services import status_while_writing
from supplyesg.core.models import PolicySettings


def _plain_json(data) -> dict:
    return json.loads(json.dumps(data, default=str))


def question_text(question: Question, language: str | None = None) -> str:
    language = language if language is not None else (translation.get_language() or "")
    return question.text_zh if language.lower().startswith("zh") and question.text_zh else question.text


def template_questions(template) -> list[Question]:
    """The template's questions in display order, with their section and requirements."""
    return list(
        Question.objects.filter(section__template=template)
        .select_related("section")
        .prefetch_related("requirements")
        .order_by("section__order", "section__pk", "order", "pk")
    )


def to_spec(question: Question) -> QuestionSpec:
    return QuestionSpec(
        code=question.code,
        kind=question.kind,
        section=question.section.code,
        text=question.text,
        text_zh=question.text_zh,
        required=question.required,
        unit=question.unit,
        choices=list(question.choices or []),
        scoring=question.scoring or {},
        weight=question.weight,
        critical=question.critical,
        knockout_values=list(question.knockout_values or []),
        knockout_level=question.knockout_level,
        show_if_code=question.show_if_code,
        show_if_values=list(question.show_if_values or []),
        requirements=[r.code for r in question.requirements.all()],
    )


def answer_values(response: Response) -> dict:
    """{question code: stored value} of the answers that have one."""
    return {
        code: value
        for code, value in response.answers.values_list("question__code", "value")
        if value is not None and value != "" and value != []
    }


def naming(question: Question, message: str) -> str:
    return f"{question.code} {question_text(question)}: {message}"


def lock_response(response: Response) -> Response:
    """The response locked for a write, with its campaign's status as it stands until the commit. Only the response
    row is locked for update: locking its campaign's and supplier's rows too made every supplier answering one
    questionnaire wait for the one saving before (`core.campaigns.services.status_while_writing`)."""
    response = Response.objects.select_for_update(of=("self",)).select_related("campaign", "supplier").get(pk=response.pk)
    response.campaign.status = status_while_writing(response.campaign)
    return response


def compute_scores(response: Response) -> dict:
    """The engine's score of the stored answers as JSON (what Response.scores holds)."""
    questions = template_questions(response.campaign.template)
    requirements = {r.code: r for q in questions for r in q.requirements.all()}
    policy = PolicySettings.current()
    result = score(
        [to_spec(q) for q in questions],
        answer_values(response),
        requirements,
        today=timezone.localdate(),
        knockout_caps=knockout_caps(policy.risk_medium_from, policy.risk_high_from),
    )
    return _plain_json(result.as_dict())
