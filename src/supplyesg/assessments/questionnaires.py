"""Questionnaire campaigns, filling, review and scores: one audited function per state change.

Campaigns ask suppliers (by tier, category, latest risk level, or all) to fill a template. A supplier's
portal user saves drafts (each answer validated by the pure engine; a bad answer is reported and not
stored, the others are), attaches evidence and submits; a reviewer accepts the response or returns it with
a comment on each answer that needs work. Scores are recomputed with the engine into `Response.scores`.

Every write takes keyword-only ``actor``, runs in one transaction, writes the audit row with the supplier,
and queues e-mails with ``transaction.on_commit``. The access helpers at the end are the only way views
and the API fetch campaigns, responses and evidence.
"""

import json
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from supplyesg.assessments import risk
from supplyesg.assessments.engine import (
    QuestionSpec,
    knockout_caps,
    missing_required,
    score,
    validate_answer,
    visible_questions,
)
from supplyesg.assessments.models import (
    Answer,
    Question,
    QuestionnaireCampaign,
    QuestionnaireTemplate,
    Response,
    RiskAssessment,
    RiskLevel,
)
from supplyesg.core import audit
from supplyesg.core.access import Cap, can
from supplyesg.core.errors import RuleViolation
from supplyesg.core.files import validate_upload
from supplyesg.core.mail import Letter, send_on_commit, supplier_recipients
from supplyesg.core.models import PolicySettings
from supplyesg.core.reminders import reminder_due
from supplyesg.suppliers.models import Category, Supplier

S = Response.Status
C = QuestionnaireCampaign.Status
EDITABLE = (S.NOT_STARTED, S.DRAFT, S.RETURNED)
ANSWERED = (S.SUBMITTED, S.RETURNED, S.ACCEPTED)
NOT_ASKABLE = (Supplier.Status.BLACKLISTED, Supplier.Status.EXITED)


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _plain_json(data) -> dict:
    return json.loads(json.dumps(data, default=str))


# ---------------------------------------------------------------- campaigns


def _clean_scope(*, all_suppliers, tiers, categories, risk_levels, problems) -> dict:
    tiers = sorted({int(t) for t in tiers or ()})
    if any(t not in Supplier.Tier.values for t in tiers):
        problems.append(_("tiers: unknown tier."))
    codes = sorted({c.code if isinstance(c, Category) else str(c) for c in categories or ()})
    unknown = sorted(set(codes) - set(Category.objects.filter(code__in=codes).values_list("code", flat=True)))
    if unknown:
        problems.append(_("categories: unknown categories %(list)s.") % {"list": ", ".join(unknown)})
    levels = [level for level in RiskLevel.values if level in set(risk_levels or ())]
    wrong = sorted(set(risk_levels or ()) - set(RiskLevel.values))
    if wrong:
        problems.append(_("risk_levels: unknown risk levels %(list)s.") % {"list": ", ".join(wrong)})
    if not (all_suppliers or tiers or codes or levels or wrong):
        problems.append(_("scope: choose tiers, categories, risk levels, or every approved supplier."))
    if all_suppliers:
        return {"all": True, "tiers": [], "categories": [], "risk_levels": []}
    return {"all": False, "tiers": tiers, "categories": codes, "risk_levels": levels}


@transaction.atomic
def create_campaign(
    *,
    actor,
    template: QuestionnaireTemplate,
    name: str,
    due_date: date,
    remind_days_before: int = 7,
    remind_every_days_after: int = 7,
    all_suppliers: bool = False,
    tiers=(),
    categories=(),
    risk_levels=(),
) -> QuestionnaireCampaign:
    """A draft campaign; opening it asks the suppliers in scope."""
    problems = []
    name = " ".join((name or "").split())
    if not name:
        problems.append(_("name: give the campaign a name."))
    if template is None or not template.is_active:
        problems.append(_("template: choose an active questionnaire template."))
    elif not Question.objects.filter(section__template=template).exists():
        problems.append(_("template: the template has no questions."))
    if due_date is None:
        problems.append(_("due_date: give a due date."))
    elif due_date < timezone.localdate():
        problems.append(_("due_date: the due date is in the past."))
    for label, value in (
        ("remind_days_before", remind_days_before),
        ("remind_every_days_after", remind_every_days_after),
    ):
        if value is None or int(value) < 0 or int(value) > 365:
            problems.append(_("%(field)s: give a number of days from 0 to 365.") % {"field": label})
    scope = _clean_scope(
        all_suppliers=all_suppliers,
        tiers=tiers,
        categories=categories,
        risk_levels=risk_levels,
        problems=problems,
    )
    if problems:
        raise RuleViolation(problems)
    campaign = QuestionnaireCampaign.objects.create(
        template=template,
        name=name[:200],
        due_date=due_date,
        remind_days_before=remind_days_before,
        remind_every_days_after=remind_every_days_after,
        scope=scope,
        created_by=_actor(actor),
    )
    audit.record(
        actor=actor,
        action="questionnaire_campaign.created",
        target=campaign,
        changes={
            "template": [None, f"{template.code} {template.version}"],
            "due_date": [None, due_date],
            "scope": [None, scope],
        },
    )
    return campaign


def in_scope_suppliers(campaign: QuestionnaireCampaign):
    """Approved suppliers matching every criterion of the scope (or all approved ones)."""
    scope = campaign.scope or {}
    suppliers = Supplier.objects.approved()
    if scope.get("all"):
        return suppliers
    tiers, codes, levels = (
        scope.get("tiers") or [],
        scope.get("categories") or [],
        scope.get("risk_levels") or [],
    )
    if not (tiers or codes or levels):
        return Supplier.objects.none()
    if tiers:
        suppliers = suppliers.filter(tier__in=tiers)
    if codes:
        suppliers = suppliers.filter(
            pk__in=Supplier.categories.through.objects.filter(category__code__in=codes).values("supplier_id")
        )
    if levels:
        # The level of each supplier's latest assessment (override first); never assessed: not in scope.
        at_level = risk.latest_assessments().filter(risk_level__in=levels).values("supplier_id")
        suppliers = suppliers.filter(pk__in=at_level)
    return suppliers


def scope_summary(campaign: QuestionnaireCampaign) -> str:
    scope = campaign.scope or {}
    if scope.get("all"):
        return _("every approved supplier")
    parts = []
    if scope.get("tiers"):
        labels = dict(Supplier.Tier.choices)
        parts.append(", ".join(str(labels.get(t, t)) for t in scope["tiers"]))
    if scope.get("categories"):
        names = {c.code: str(c) for c in Category.objects.filter(code__in=scope["categories"])}
        parts.append(", ".join(names.get(c, c) for c in scope["categories"]))
    if scope.get("risk_levels"):
        labels = dict(RiskLevel.choices)
        parts.append(
            _("risk %(levels)s") % {"levels": ", ".join(str(labels.get(v, v)) for v in scope["risk_levels"])}
        )
    return "; ".join(parts) or "—"


def _response_mail(response: Response, kind: str) -> Letter | None:
    recipients = supplier_recipients(response.supplier)
    if not recipients:
        return None

    def compose():
        campaign = response.campaign
        values = {
            "supplier": response.supplier.legal_name,
            "campaign": campaign.name,
            "due": campaign.due_date.isoformat(),
        }
        if kind == "requested":
            subject = _("Self-assessment questionnaire: %(campaign)s") % values
            body = (
                _(
                    "%(supplier)s: please fill in the self-assessment questionnaire %(campaign)s by %(due)s. "
                    "Open it in the supplier portal under Questionnaires; you can save a draft and come back, "
                    "or download it as a spreadsheet and upload it when filled."
                )
                % values
            )
        elif kind == "returned":
            subject = _("Questionnaire returned for correction: %(campaign)s") % values
            body = (
                _(
                    "%(supplier)s: your answers to %(campaign)s were returned for correction. The reviewer's "
                    "comments are beside the answers that need work in the supplier portal under Questionnaires."
                )
                % values
            )
        elif kind == "accepted":
            subject = _("Questionnaire accepted: %(campaign)s") % values
            body = _("%(supplier)s: your answers to %(campaign)s were accepted. Thank you.") % values
        elif kind == "overdue":
            subject = _("Questionnaire overdue: %(campaign)s") % values
            body = (
                _(
                    "%(supplier)s: the self-assessment questionnaire %(campaign)s was due on %(due)s. "
                    "Please fill it in and submit it in the supplier portal under Questionnaires."
                )
                % values
            )
        else:
            subject = _("Reminder: questionnaire due %(due)s") % values
            body = (
                _(
                    "%(supplier)s: the self-assessment questionnaire %(campaign)s is due on %(due)s. "
                    "Please submit it in the supplier portal under Questionnaires."
                )
                % values
            )
        return subject, body

    return Letter(recipients, compose, path=reverse("assessments_portal:fill", args=[response.pk]), supplier=response.supplier)


def _with_recipients(queryset):
    return queryset.select_related("campaign", "supplier").prefetch_related(
        "supplier__contacts", "supplier__portal_users"
    )


@transaction.atomic
def open_campaign(campaign: QuestionnaireCampaign, *, actor) -> int:
    """One response per in-scope supplier (and those added by hand), each e-mailed on commit."""
    campaign = QuestionnaireCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != C.DRAFT:
        raise RuleViolation(_("Only a draft campaign can be opened."))
    if campaign.due_date < timezone.localdate():
        raise RuleViolation(_("due_date: the due date is in the past; the campaign cannot be opened."))
    existing = set(campaign.responses.values_list("supplier_id", flat=True))
    Response.objects.bulk_create(
        [
            Response(campaign=campaign, supplier_id=pk)
            for pk in in_scope_suppliers(campaign).values_list("pk", flat=True)
            if pk not in existing
        ],
        batch_size=500,
    )
    campaign.status = C.OPEN
    campaign.save(update_fields=["status"])
    responses = list(_with_recipients(campaign.responses.all()))
    for response in responses:
        audit.record(
            actor=actor,
            action="questionnaire_response.requested",
            target=response,
            supplier=response.supplier,
            changes={"status": [None, response.status]},
            reason=campaign.name,
        )
    audit.record(
        actor=actor,
        action="questionnaire_campaign.opened",
        target=campaign,
        changes={"status": [C.DRAFT, C.OPEN], "responses": [None, len(responses)]},
    )
    send_on_commit([_response_mail(r, "requested") for r in responses])
    return len(responses)


@transaction.atomic
def close_campaign(campaign: QuestionnaireCampaign, *, actor) -> QuestionnaireCampaign:
    campaign = QuestionnaireCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == C.CLOSED:
        raise RuleViolation(_("The campaign is already closed."))
    old = campaign.status
    campaign.status = C.CLOSED
    campaign.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="questionnaire_campaign.closed",
        target=campaign,
        changes={"status": [old, C.CLOSED]},
    )
    return campaign


@transaction.atomic
def add_supplier(campaign: QuestionnaireCampaign, supplier: Supplier, *, actor) -> Response:
    """Add one supplier by hand; in an open campaign it is asked (and e-mailed) at once."""
    campaign = QuestionnaireCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == C.CLOSED:
        raise RuleViolation(_("The campaign is closed."))
    if supplier.status in NOT_ASKABLE:
        raise RuleViolation(
            _("code: %(name)s is %(status)s and cannot be asked.")
            % {"name": supplier.legal_name, "status": supplier.get_status_display()}
        )
    if campaign.responses.filter(supplier=supplier).exists():
        raise RuleViolation(_("code: %(name)s is already in this campaign.") % {"name": supplier.legal_name})
    response = Response.objects.create(campaign=campaign, supplier=supplier)
    audit.record(
        actor=actor,
        action="questionnaire_response.added",
        target=response,
        supplier=supplier,
        changes={"campaign": [None, campaign.name], "status": [None, response.status]},
    )
    if campaign.status == C.OPEN:
        send_on_commit([_response_mail(response, "requested")])
    return response


# ---------------------------------------------------------------- questions and answers


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


def _naming(question: Question, message: str) -> str:
    return f"{question.code} {question_text(question)}: {message}"


@dataclass
class DraftResult:
    """What a save did: the codes stored, and per question code the sentence saying why it was not."""

    saved: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    status: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def messages(self) -> list[str]:
        return list(self.errors.values())


def _check_writer(response: Response, actor) -> None:
    """A supplier's own portal users answer; reviewers may enter answers the supplier sent offline."""
    if getattr(actor, "is_supplier_user", False):
        if actor.supplier_id != response.supplier_id:
            raise Http404
        return
    if not (getattr(actor, "is_internal", False) and can(actor, Cap.REVIEW)):
        raise PermissionDenied


def _check_editable(response: Response) -> None:
    if response.campaign.status != C.OPEN:
        raise RuleViolation(
            _("The campaign %(name)s is not open; answers can no longer be changed.")
            % {"name": response.campaign.name}
        )
    if response.status not in EDITABLE:
        raise RuleViolation(
            _("This questionnaire is %(status)s; it cannot be changed now.")
            % {"status": response.get_status_display()}
        )


def _lock(response: Response) -> Response:
    return Response.objects.select_for_update().select_related("campaign", "supplier").get(pk=response.pk)


def _delete_files_on_commit(storage_names: list) -> None:
    names = [(storage, name) for storage, name in storage_names if name]
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


@transaction.atomic
def save_draft(
    response: Response, answers: dict, files: dict | None = None, *, actor, clear=()
) -> DraftResult:
    """Store every valid answer of a shown question; report each bad one, naming the question, unstored.

    `answers` maps question codes to raw values (None clears an answer); `files` maps codes to evidence
    uploads; `clear` lists codes whose evidence is removed. Answers already saved are never lost: a bad value
    leaves the stored one as it was. Answers to questions hidden by a condition are ignored.
    """
    response = _lock(response)
    _check_writer(response, actor)
    _check_editable(response)
    files = files or {}
    questions = template_questions(response.campaign.template)
    by_code = {q.code: q for q in questions}
    specs = [to_spec(q) for q in questions]
    spec_by_code = {s.code: s for s in specs}
    stored = {a.question.code: a for a in response.answers.select_related("question")}
    result = DraftResult()
    unknown = [c for c in dict.fromkeys([*answers, *files, *clear]) if c not in by_code]

    parsed, value_problems, file_problems = {}, {}, {}
    for code, raw in answers.items():
        if code not in by_code:
            continue
        if by_code[code].kind == Question.Kind.FILE:
            if raw not in (None, "") and code not in files:
                value_problems[code] = _("attach the file in the portal; a file name alone is not evidence.")
            continue
        value, problem = validate_answer(spec_by_code[code], raw)
        if problem is not None:
            value_problems[code] = problem.render(_)
        else:
            parsed[code] = value
    for code, upload in files.items():
        if code not in by_code:
            continue
        try:
            validate_upload(upload, field=code)
        except ValidationError as exc:
            file_problems[code] = "; ".join(m.removeprefix(f"{code}: ") for m in exc.messages)

    # Which questions are shown once the valid new answers are in (a condition may change in this save).
    merged = {c: a.value for c, a in stored.items() if a.value not in (None, "", [])}
    for code, value in parsed.items():
        if value is None:
            merged.pop(code, None)
        else:
            merged[code] = value
    shown = visible_questions(specs, merged)

    changes, old_files, new_files = {}, [], []
    try:
        for question in questions:
            code = question.code
            if code not in shown:
                continue
            problems = [p for p in (value_problems.get(code), file_problems.get(code)) if p]
            if problems:
                result.errors[code] = _naming(question, " ".join(problems))
            new_value = code in parsed
            new_file = code in files and code not in file_problems
            remove_file = code in clear and code not in files
            if not (new_value or new_file or remove_file):
                continue
            answer = stored.get(code) or Answer(response=response, question=question)
            before_value, before_file = answer.value, answer.evidence_name
            if new_value:
                answer.value = parsed[code]
            if (new_file or remove_file) and answer.evidence:
                old_files.append((answer.evidence.storage, answer.evidence.name))
                answer.evidence = ""
                answer.evidence_name = ""
                if question.kind == Question.Kind.FILE:
                    answer.value = None
            if new_file:
                upload = files[code]
                name = _upload_name(upload)
                upload.seek(0)
                answer.evidence.save(name, upload, save=False)
                new_files.append((answer.evidence.storage, answer.evidence.name))
                answer.evidence_name = name
                if question.kind == Question.Kind.FILE:
                    answer.value = name
            if (
                answer.pk
                and answer.value == before_value
                and answer.evidence_name == before_file
                and not new_file
            ):
                continue
            if not answer.pk and answer.value is None and not answer.evidence_name:
                continue
            answer.save()
            stored[code] = answer
            result.saved.append(code)
            if answer.value != before_value:
                changes[code] = [before_value, answer.value]
            if new_file or answer.evidence_name != before_file:
                changes[f"{code} evidence"] = [before_file or None, answer.evidence_name or None]
        for code in unknown:
            result.errors[code] = _("%(code)s: there is no such question in this questionnaire.") % {
                "code": code
            }
        old_status = response.status
        if response.status == S.NOT_STARTED and result.saved:
            response.status = S.DRAFT
            response.save(update_fields=["status"])
            changes["status"] = [old_status, response.status]
        result.status = response.status
        if changes:
            audit.record(
                actor=actor,
                action="questionnaire_response.saved",
                target=response,
                supplier=response.supplier,
                changes=_plain_json(changes),
                reason="; ".join(result.errors.values())[:2000],
            )
    except BaseException:
        for storage, name in new_files:
            storage.delete(name)
        raise
    _delete_files_on_commit(old_files)
    return result


def _upload_name(upload) -> str:
    name = (getattr(upload, "name", "") or "evidence").replace("\\", "/").rsplit("/", 1)[-1]
    return name[:255] or "evidence"


def missing_answers(response: Response) -> list[str]:
    """Sentences naming each shown required question still without an answer (code and text)."""
    questions = template_questions(response.campaign.template)
    by_code = {q.code: q for q in questions}
    codes = missing_required([to_spec(q) for q in questions], answer_values(response))
    return [_naming(by_code[code], _("answer this question.")) for code in codes]


@transaction.atomic
def submit_response(response: Response, *, actor) -> Response:
    """Hand the answers in for review: refused, naming every question, while a required one is unanswered."""
    response = _lock(response)
    _check_writer(response, actor)
    _check_editable(response)
    missing = missing_answers(response)
    if missing:
        raise RuleViolation(missing, code="missing_answers")
    old = response.status
    response.status = S.SUBMITTED
    response.submitted_at = timezone.now()
    response.scores = compute_scores(response)
    response.save(update_fields=["status", "submitted_at", "scores"])
    audit.record(
        actor=actor,
        action="questionnaire_response.submitted",
        target=response,
        supplier=response.supplier,
        changes={"status": [old, S.SUBMITTED], "overall": [None, response.scores.get("overall")]},
        reason=response.campaign.name,
    )
    return response


# ---------------------------------------------------------------- scores


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


@transaction.atomic
def recompute_scores(response: Response, *, actor) -> Response:
    """Score the answers again (after a template or policy change); recorded when the result changes."""
    response = _lock(response)
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
    response = _lock(response)
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
        [_response_mail(_with_recipients(Response.objects.filter(pk=response.pk)).get(), "accepted")]
    )
    _reassess_on_commit(response.supplier, actor)
    return response


@transaction.atomic
def return_response(response: Response, *, actor, comments: dict, comment: str = "") -> Response:
    """Send the answers back with a comment on each answer that needs work (at least one)."""
    _check_reviewer(actor)
    response = _lock(response)
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
        [_response_mail(_with_recipients(Response.objects.filter(pk=response.pk)).get(), "returned")]
    )
    return response


# ---------------------------------------------------------------- reminders


def reminder_kind(response: Response, on: date) -> str | None:
    campaign = response.campaign
    last = timezone.localdate(response.last_reminded_at) if response.last_reminded_at else None
    return reminder_due(on=on, due_date=campaign.due_date, days_before=campaign.remind_days_before,
                        every_days_after=campaign.remind_every_days_after, last=last)


@transaction.atomic
def send_questionnaire_reminders(on: date | None = None) -> int:
    """E-mail suppliers whose questionnaire is due soon or overdue and not submitted; returns how many."""
    on = on or timezone.localdate()
    responses = _with_recipients(
        Response.objects.filter(campaign__status=C.OPEN, status__in=Response.OPEN_STATUSES)
    )
    mails, reminded = [], []
    for response in responses:
        kind = reminder_kind(response, on)
        if kind is None:
            continue
        reminded.append(response.pk)
        mails.append(_response_mail(response, kind))
        audit.record(
            actor=None,
            action="questionnaire_response.reminded",
            target=response,
            supplier=response.supplier,
            changes={"reminder": [None, kind]},
            reason=response.campaign.name,
        )
    # Stamped with the day reminded for (the command's --date), so a run for a later day counts from it.
    now = timezone.localtime()
    stamp = now if on == now.date() else now.replace(year=on.year, month=on.month, day=on.day)
    Response.objects.filter(pk__in=reminded).update(last_reminded_at=stamp)
    send_on_commit(mails)
    return len(reminded)
