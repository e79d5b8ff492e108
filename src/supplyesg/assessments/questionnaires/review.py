"""Scoring a response and reviewing it: accepting (the supplier's risk is reassessed) or returning it with a
comment on each answer that needs work. E-mails go out on commit."""

import json

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.assessments.models import Answer, Response, RiskAssessment
from supplyesg.assessments.questionnaires.campaigns import response_mail
from supplyesg.assessments.questionnaires.questions import compute_scores, lock_response, template_questions
from supplyesg.assessments.risk import services as risk
from supplyesg.core import audit
from supplyesg.core.access import Cap, can
from supplyesg.core.campaigns.services import with_recipients
from supplyesg.core.errors import RuleViolation
from supplyesg.core.mail import send_on_commit
from supplyesg.suppliers.models import Supplier

S = Response.Status


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _plain_json(data) -> dict:
    return json.loads(json.dumps(data, default=str))


# ---------------------------------------------------------------- scores


@transaction.atomic
def recompute_scores(response: Response, *, actor) -> Response:
    """Score the answers again (after a template or policy change); recorded when the result changes."""
    response = lock_response(response)
    old = response.scores or {}
    new = compute_scores(response)
    if new != old:
        response.scores = new
        response.save(update_fields=["scores"])
        audit.record(
            actor=actor,
            action="questionnaire_response.scored",
            target=response,
            supplier=response.supplier,
            changes={
                "overall": [old.get("overall"), new.get("overall")],
                "knockout": [
                    (old.get("knockout") or {}).get("level"),
                    (new.get("knockout") or {}).get("level"),
                ],
            },
        )
    return response


def _reassess_on_commit(supplier: Supplier, actor) -> None:
    """An accepted questionnaire changes the supplier's risk: an ad-hoc assessment of this year, on commit."""
    supplier_id, year = supplier.pk, timezone.localdate().year

    def reassess():
        risk.assess_supplier(
            Supplier.objects.get(pk=supplier_id), year=year, actor=actor, kind=RiskAssessment.Kind.AD_HOC
        )

    transaction.on_commit(reassess, robust=True)


# ---------------------------------------------------------------- review


def _check_reviewer(actor) -> None:
    if not (getattr(actor, "is_internal", False) and can(actor, Cap.REVIEW)):
        raise PermissionDenied


@transaction.atomic
def accept_response(response: Response, *, actor, comment: str = "") -> Response:
    """Accept submitted answers: scores are final, the supplier's risk is reassessed on commit."""
    _check_reviewer(actor)
    response = lock_response(response)
    if response.status != S.SUBMITTED:
        raise RuleViolation(
            _("Only submitted answers can be accepted (these are %(status)s).")
            % {"status": response.get_status_display()}
        )
    response.answers.filter(needs_work=True).update(needs_work=False)
    response.status = S.ACCEPTED
    response.reviewed_by = _actor(actor)
    response.reviewed_at = timezone.now()
    response.review_comment = (comment or "").strip()
    response.scores = compute_scores(response)
    response.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "scores"])
    audit.record(
        actor=actor,
        action="questionnaire_response.accepted",
        target=response,
        supplier=response.supplier,
        changes={"status": [S.SUBMITTED, S.ACCEPTED], "overall": [None, response.scores.get("overall")]},
        reason=response.review_comment,
    )
    send_on_commit(
        [response_mail(with_recipients(Response.objects.filter(pk=response.pk)).get(), "accepted")]
    )
    _reassess_on_commit(response.supplier, actor)
    return response


@transaction.atomic
def return_response(response: Response, *, actor, comments: dict, comment: str = "") -> Response:
    """Send the answers back with a comment on each answer that needs work (at least one)."""
    _check_reviewer(actor)
    response = lock_response(response)
    if response.status != S.SUBMITTED:
        raise RuleViolation(
            _("Only submitted answers can be returned (these are %(status)s).")
            % {"status": response.get_status_display()}
        )
    comments = {code: " ".join(str(text or "").split()) for code, text in (comments or {}).items()}
    comments = {code: text for code, text in comments.items() if text}
    if not comments:
        raise RuleViolation(_("comments: write a comment on each answer that needs work (at least one)."))
    questions = {q.code: q for q in template_questions(response.campaign.template)}
    unknown = sorted(set(comments) - set(questions))
    if unknown:
        raise RuleViolation(
            [
                _("%(code)s: there is no such question in this questionnaire.") % {"code": code}
                for code in unknown
            ]
        )
    response.answers.update(needs_work=False, reviewer_comment="")
    stored = {a.question.code: a for a in response.answers.select_related("question")}
    for code, text in comments.items():
        answer = stored.get(code) or Answer(response=response, question=questions[code])
        answer.needs_work = True
        answer.reviewer_comment = text[:5000]
        answer.save()
    response.status = S.RETURNED
    response.reviewed_by = _actor(actor)
    response.reviewed_at = timezone.now()
    response.review_comment = (comment or "").strip()
    response.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    audit.record(
        actor=actor,
        action="questionnaire_response.returned",
        target=response,
        supplier=response.supplier,
        changes={"status": [S.SUBMITTED, S.RETURNED], "needs_work": [None, comments]},
        reason=response.review_comment,
    )
    send_on_commit(
        [response_mail(with_recipients(Response.objects.filter(pk=response.pk)).get(), "returned")]
    )
    return response


