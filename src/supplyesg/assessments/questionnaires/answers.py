"""Filling a questionnaire: saving drafts answer by answer (with evidence) and submitting for review.

A supplier's portal user saves drafts (each answer validated by the pure engine; a bad answer is reported and
not stored, the others are), attaches evidence and submits. Every write takes keyword-only ``actor``, runs in
one transaction and writes the audit row with the supplier.
"""

import json
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.assessments.engine import missing_required, validate_answer, visible_questions
from supplyesg.assessments.models import Answer, Question, QuestionnaireCampaign, Response
from supplyesg.assessments.questionnaires.questions import (
    answer_values,
    compute_scores,
    lock_response,
    naming,
    template_questions,
    to_spec,
)
from supplyesg.core import audit
from supplyesg.core.access import Cap, can
from supplyesg.core.errors import RuleViolation
from supplyesg.core.files import validate_upload

S = Response.Status
C = QuestionnaireCampaign.Status
EDITABLE = (S.NOT_STARTED, S.DRAFT, S.RETURNED)


def _plain_json(data) -> dict:
    return json.loads(json.dumps(data, default=str))


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


def _delete_files_on_commit(storage_names: list) -> None:
    names = [(storage, name) for storage, name in storage_names if name]
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


@dataclass
class _Parsed:
    """The answers and files of one save, checked: valid values by code, and why the others are not."""

    values: dict = field(default_factory=dict)
    value_problems: dict = field(default_factory=dict)
    file_problems: dict = field(default_factory=dict)

    def problems(self, code: str) -> str:
        return " ".join(p for p in (self.value_problems.get(code), self.file_problems.get(code)) if p)


def _parse(answers: dict, files: dict, by_code: dict, spec_by_code: dict) -> _Parsed:
    """Validate each raw value with the pure engine and each upload with the file rules; nothing is stored."""
    parsed = _Parsed()
    for code, raw in answers.items():
        if code not in by_code:
            continue
        if by_code[code].kind == Question.Kind.FILE:
            if raw not in (None, "") and code not in files:
                parsed.value_problems[code] = _("attach the file in the portal; a file name alone is not evidence.")
            continue
        value, problem = validate_answer(spec_by_code[code], raw)
        if problem is not None:
            parsed.value_problems[code] = problem.render(_)
        else:
            parsed.values[code] = value
    for code, upload in files.items():
        if code not in by_code:
            continue
        try:
            validate_upload(upload, field=code)
        except ValidationError as exc:
            parsed.file_problems[code] = "; ".join(m.removeprefix(f"{code}: ") for m in exc.messages)
    return parsed


def _shown_after(specs: list, stored: dict, values: dict) -> set:
    """Which questions are shown once the valid new answers are in (a condition may change in this save)."""
    merged = {c: a.value for c, a in stored.items() if a.value not in (None, "", [])}
    for code, value in values.items():
        if value is None:
            merged.pop(code, None)
        else:
            merged[code] = value
    return visible_questions(specs, merged)


@dataclass
class _Files:
    """Evidence written during this save (deleted if it fails) and replaced evidence (deleted on commit)."""

    new: list = field(default_factory=list)
    old: list = field(default_factory=list)


def _apply_answer(answer: Answer, question: Question, *, value=..., upload=None, remove=False, files: _Files) -> None:
    """Put the new value and evidence on the (unsaved) answer; a file question's value is its file name."""
    if value is not ...:
        answer.value = value
    if (upload is not None or remove) and answer.evidence:
        files.old.append((answer.evidence.storage, answer.evidence.name))
        answer.evidence = ""
        answer.evidence_name = ""
        if question.kind == Question.Kind.FILE:
            answer.value = None
    if upload is not None:
        name = _upload_name(upload)
        upload.seek(0)
        answer.evidence.save(name, upload, save=False)
        files.new.append((answer.evidence.storage, answer.evidence.name))
        answer.evidence_name = name
        if question.kind == Question.Kind.FILE:
            answer.value = name


def _store_answers(response, questions, shown, stored, parsed: _Parsed, files, clear, result, files_done) -> dict:
    """Save each shown question's new value or evidence; returns the audit changes {code: [before, after]}."""
    changes = {}
    for question in questions:
        code = question.code
        if code not in shown:
            continue
        if parsed.problems(code):
            result.errors[code] = naming(question, parsed.problems(code))
        new_value = code in parsed.values
        upload = files[code] if code in files and code not in parsed.file_problems else None
        remove = code in clear and code not in files
        if not (new_value or upload is not None or remove):
            continue
        answer = stored.get(code) or Answer(response=response, question=question)
        before_value, before_file = answer.value, answer.evidence_name
        _apply_answer(
            answer, question, value=parsed.values[code] if new_value else ..., upload=upload, remove=remove, files=files_done
        )
        unchanged = answer.value == before_value and answer.evidence_name == before_file and upload is None
        if (answer.pk and unchanged) or (not answer.pk and answer.value is None and not answer.evidence_name):
            continue
        answer.save()
        stored[code] = answer
        result.saved.append(code)
        if answer.value != before_value:
            changes[code] = [before_value, answer.value]
        if upload is not None or answer.evidence_name != before_file:
            changes[f"{code} evidence"] = [before_file or None, answer.evidence_name or None]
    return changes


def _record_draft(response: Response, result: "DraftResult", changes: dict, *, actor) -> None:
    """A first saved answer starts the draft; the save is recorded when something changed."""
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


@transaction.atomic
def save_draft(
    response: Response, answers: dict, files: dict | None = None, *, actor, clear=()
) -> DraftResult:
    """Store every valid answer of a shown question; report each bad one, naming the question, unstored.

    `answers` maps question codes to raw values (None clears an answer); `files` maps codes to evidence
    uploads; `clear` lists codes whose evidence is removed. Answers already saved are never lost: a bad value
    leaves the stored one as it was. Answers to questions hidden by a condition are ignored.
    """
    response = lock_response(response)
    _check_writer(response, actor)
    _check_editable(response)
    files = files or {}
    questions = template_questions(response.campaign.template)
    by_code = {q.code: q for q in questions}
    specs = [to_spec(q) for q in questions]
    stored = {a.question.code: a for a in response.answers.select_related("question")}
    parsed = _parse(answers, files, by_code, {s.code: s for s in specs})
    shown = _shown_after(specs, stored, parsed.values)
    result, written = DraftResult(), _Files()
    try:
        changes = _store_answers(response, questions, shown, stored, parsed, files, clear, result, written)
        for code in dict.fromkeys([*answers, *files, *clear]):
            if code not in by_code:
                result.errors[code] = _("%(code)s: there is no such question in this questionnaire.") % {"code": code}
        _record_draft(response, result, changes, actor=actor)
    except BaseException:
        for storage, name in written.new:
            storage.delete(name)
        raise
    _delete_files_on_commit(written.old)
    return result


def _upload_name(upload) -> str:
    name = (getattr(upload, "name", "") or "evidence").replace("\\", "/").rsplit("/", 1)[-1]
    return name[:255] or "evidence"


def missing_answers(response: Response) -> list[str]:
    """Sentences naming each shown required question still without an answer (code and text)."""
    questions = template_questions(response.campaign.template)
    by_code = {q.code: q for q in questions}
    codes = missing_required([to_spec(q) for q in questions], answer_values(response))
    return [naming(by_code[code], _("answer this question.")) for code in codes]


@transaction.atomic
def submit_response(response: Response, *, actor) -> Response:
    """Hand the answers in for review: refused, naming every question, while a required one is unanswered."""
    response = lock_response(response)
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


