"""Internal questionnaire pages: campaigns (scope, status per supplier, overdue) and the review of a response
(answers, evidence, scores with their arithmetic, per-answer return comments, accept/return).

Reading needs any internal role; every change needs Cap.REVIEW. The presentation helpers at the top are
shared with the supplier portal's pages.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.assessments import access as assessment_access
from supplyesg.assessments import offline, questionnaires
from supplyesg.assessments.engine import render_line, triggered_knockouts, validate_answer, visible_questions
from supplyesg.assessments.forms import (
    AcceptForm,
    AddSupplierForm,
    CampaignForm,
    ResponseFilterForm,
    WorkbookUploadForm,
    return_comments_from_post,
)
from supplyesg.assessments.models import (
    Pillar,
    Question,
    QuestionnaireCampaign,
    Response,
    RiskCategory,
    RiskLevel,
)
from supplyesg.assessments.risk import queries as risk_queries
from supplyesg.assessments.units import unit_label
from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.forms_errors import attach_errors
from supplyesg.core.paging import keyed_page

S = Response.Status
RESPONSE_BADGE = {
    S.NOT_STARTED: "",
    S.DRAFT: "warn",
    S.SUBMITTED: "warn",
    S.RETURNED: "bad",
    S.ACCEPTED: "good",
}


def _zh(language: str | None) -> bool:
    return (language or translation.get_language() or "").lower().startswith("zh")


def choice_label(choice: dict, language: str | None = None) -> str:
    if _zh(language) and choice.get("label_zh"):
        return str(choice["label_zh"])
    return str(choice.get("label") or choice.get("value") or "")


def display_value(question: Question, value, language: str | None = None) -> str:
    """An answer as a person reads it, in the page's language ("" when there is none)."""
    if value is None or value == "" or value == []:
        return ""
    kind = question.kind
    if kind == Question.Kind.YES_NO:
        return _("Yes") if value == "yes" else _("No") if value == "no" else str(value)
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        labels = {str(c.get("value")): choice_label(c, language) for c in question.choices or []}
        values = value if isinstance(value, list) else [value]
        return ("、" if _zh(language) else ", ").join(labels.get(str(v), str(v)) for v in values)
    if kind == Question.Kind.PERCENT:
        return f"{value} %"
    if kind == Question.Kind.NUMBER:
        return f"{value} {unit_label(question.unit)}".strip()
    return str(value)


def _as_raw(question: Question, value):
    """A stored value as the fill form shows it: a list for multiple choice, else text."""
    if value is None:
        return [] if question.kind == Question.Kind.MULTIPLE else ""
    if question.kind == Question.Kind.MULTIPLE:
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return str(value)


def _condition_note(question: Question, by_code: dict, language: str | None) -> str:
    parent = by_code.get(question.show_if_code)
    if parent is None:
        return ""
    multiple = parent.kind == Question.Kind.MULTIPLE
    answers = [display_value(parent, [v] if multiple else v, language) for v in question.show_if_values]
    return _("Answer only if the answer to %(code)s “%(text)s” is %(answers)s.") % {
        "code": parent.code,
        "text": questionnaires.question_text(parent, language),
        "answers": _(" or ").join(a for a in answers if a),
    }


def answer_sheet(
    response: Response,
    *,
    raw: dict | None = None,
    errors: dict | None = None,
    language: str | None = None,
    check_required: bool = False,
) -> list[dict]:
    """The questionnaire by section, each question with its answer, whether it is shown, and what to say.

    `raw` holds values typed but not (all) stored (a form shown again after errors, or an htmx re-render);
    they decide which conditional questions are shown, as they will once saved. `errors` are the save's
    sentences per question code; with `check_required` (a refused submission) every shown required question
    without an answer says so too. Each question's `error` is the bare sentence shown beside it.
    """
    raw = raw or {}
    errors = errors or {}
    questions = questionnaires.template_questions(response.campaign.template)
    by_code = {q.code: q for q in questions}
    specs = [questionnaires.to_spec(q) for q in questions]
    spec_by_code = {s.code: s for s in specs}
    stored = {a.question_id: a for a in response.answers.all()}
    current = {}
    for question in questions:
        answer = stored.get(question.pk)
        if question.code in raw:
            value, problem = validate_answer(spec_by_code[question.code], raw[question.code])
            if problem is None and value is not None:
                current[question.code] = value
        elif answer is not None and answer.value not in (None, "", []):
            current[question.code] = answer.value
    shown = visible_questions(specs, current)
    knocked_out = {k.question for k in triggered_knockouts(specs, current)}
    controllers = {q.show_if_code for q in questions if q.show_if_code}
    dependants: dict[str, set] = {}
    for question in questions:
        parent = question.show_if_code
        while parent and parent in by_code:
            dependants.setdefault(parent, set()).add(question.section.code)
            parent = by_code[parent].show_if_code

    def required_missing(question) -> bool:
        return question.required and question.code in shown and question.code not in current

    sections: list[dict] = []
    for question in questions:
        section = question.section
        if not sections or sections[-1]["code"] != section.code:
            sections.append(
                {
                    "code": section.code,
                    "title": section.title_zh if _zh(language) and section.title_zh else section.title,
                    "questions": [],
                }
            )
        answer = stored.get(question.pk)
        value = answer.value if answer is not None else None
        form_value = raw[question.code] if question.code in raw else _as_raw(question, value)
        if question.kind == Question.Kind.MULTIPLE and not isinstance(form_value, list):
            form_value = [] if form_value in (None, "") else [str(form_value)]
        sections[-1]["questions"].append(
            {
                "question": question,
                "code": question.code,
                "kind": question.kind,
                "text": questionnaires.question_text(question, language),
                "help": question.help_zh if _zh(language) and question.help_zh else question.help,
                "required": question.required,
                "unit": unit_label(question.unit),
                "choices": [(str(c.get("value")), choice_label(c, language)) for c in question.choices or []],
                "answer": answer,
                "value": value,
                "form_value": "" if form_value is None else form_value,
                "display": display_value(question, value, language),
                "shown": question.code in shown,
                "condition": _condition_note(question, by_code, language) if question.show_if_code else "",
                "controls": question.code in controllers,
                "controls_sections": sorted(dependants.get(question.code, ())),
                "error": _at_question(question, errors.get(question.code, ""), language)
                or (_("Answer this question.") if check_required and required_missing(question) else ""),
                "answered": question.code in current,
                "knockout": bool(question.critical and question.code in knocked_out),
                "needs_work": bool(answer is not None and answer.needs_work),
                "comment": answer.reviewer_comment if answer is not None else "",
                "evidence": answer if answer is not None and answer.evidence else None,
                "changed_since_review": bool(
                    answer is not None and response.reviewed_at and answer.updated_at > response.reviewed_at
                ),
            }
        )
    return sections


def _at_question(question: Question, sentence: str, language: str | None) -> str:
    """A save's sentence names its question ("MS-5 Share of waste recycled: enter a number"), for lists read
    on their own; beside the question the name is left out."""
    prefix = f"{question.code} {questionnaires.question_text(question, language)}: "
    if sentence.startswith(prefix):
        rest = sentence[len(prefix) :]
        return rest[:1].upper() + rest[1:]
    return sentence


def sheet_problems(sheet: list[dict]) -> list[dict]:
    """The shown questions with something to correct, in questionnaire order (the error summary's links)."""
    return [q for s in sheet for q in s["questions"] if q["shown"] and q["error"]]


def sheet_progress(sheet: list[dict]) -> dict:
    """Required questions shown, and how many of them have a valid answer: "12 of 68 answered"."""
    required = [q for s in sheet for q in s["questions"] if q["shown"] and q["required"]]
    answered = sum(1 for q in required if q["answered"])
    # One sentence for the page and for progress.js, which puts the numbers in as the user answers.
    template = _("{answered} of {required} required questions answered")
    return {
        "answered": answered,
        "required": len(required),
        "template": template,
        "text": template.format(answered=answered, required=len(required)),
    }


def score_view(response: Response, language: str | None = None) -> dict | None:
    """Response.scores for a page: group names in the page's language and every line of arithmetic."""
    scores = response.scores or {}
    if not scores:
        return None
    sections = {
        s.code: (s.title_zh if _zh(language) and s.title_zh else s.title) for s in response.campaign.template.sections.all()
    }
    pillars = dict(Pillar.choices)
    categories = dict(RiskCategory.choices)
    names = {
        **{k: str(v) for k, v in pillars.items()},
        **{k: str(v) for k, v in categories.items()},
        **sections,
    }

    def rows(groups: dict, labels: dict):
        return [(str(labels.get(key, key)), value) for key, value in (groups or {}).items()]

    knockout = scores.get("knockout") or {}
    return {
        "overall": scores.get("overall"),
        "overall_uncapped": scores.get("overall_uncapped"),
        "sections": rows(scores.get("sections"), sections),
        "pillars": rows(scores.get("pillars"), pillars),
        "categories": rows(scores.get("risk_categories"), categories),
        "knockout_level": knockout.get("level") or "",
        "knockout_label": str(dict(RiskLevel.choices).get(knockout.get("level"), "")) if knockout.get("level") else "",
        "lines": [render_line(line, _, chinese=_zh(language), names=names) for line in scores.get("lines") or []],
    }


def serve_evidence(answer):
    try:
        handle = answer.evidence.storage.open(answer.evidence.name, "rb")
    except OSError:
        raise Http404
    response = FileResponse(handle, as_attachment=True, filename=answer.evidence_name or "evidence")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def serve_workbook(response_obj):
    data = offline.build_workbook(response_obj)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{offline.file_name(response_obj)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def flash_upload_result(request, result) -> None:
    if result.saved:
        messages.success(
            request,
            _("%(count)d answer(s) from the workbook were saved as a draft.") % {"count": len(result.saved)},
        )
    elif not result.errors:
        messages.info(request, _("The workbook had no new answers; nothing changed."))
    for error in result.errors:
        messages.error(request, error)


def _error_page(request, exc: ValidationError, fallback):
    """Show a service's messages on the page `fallback` gives (a response, or a callable rendering one)."""
    for message in exc.messages:
        messages.error(request, message)
    return fallback() if callable(fallback) else fallback


# ---------------------------------------------------------------- campaigns


@require_http_methods(["GET"])
def campaign_list(request):
    require_internal(request.user)
    rows = list(assessment_access.campaigns_with_counts())
    for c in rows:
        c.response_rate = round(100 * c.answered_count / c.response_count) if c.response_count else None
        c.scope_text = questionnaires.scope_summary(c)
    return render(request, "assessments/campaign_list.html", {"campaigns": rows})


@require_http_methods(["GET", "POST"])
def campaign_create(request):
    require_internal(request.user, Cap.REVIEW)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = questionnaires.create_campaign(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Campaign %(name)s created as a draft. Check the suppliers in scope, then open it.") % {"name": campaign.name},
            )
            return redirect("assessments:campaign_detail", questionnaire_campaign_pk=campaign.pk)
    return render(request, "assessments/campaign_form.html", {"form": form}, status=400 if form.errors else 200)


def _responses_page(campaign, filters, page_number):
    """One page of the campaign's responses by supplier name: the page's ids are sorted first, then those responses
    read with their suppliers. Sorting whole responses (their scores included) took 800 ms for 73,000 of them on
    SQLite (bench/every_page.py at 100,000 suppliers)."""
    ordered = campaign.responses.matching(filters).order_by("supplier__legal_name", "pk")
    page = keyed_page(
        ordered, page_number, per_page=50, rows=lambda keys: Response.objects.filter(pk__in=keys).select_related("supplier")
    )
    today = timezone.localdate()
    for r in page.object_list:
        r.campaign = campaign
        r.badge = RESPONSE_BADGE.get(r.status, "")
        r.is_overdue = assessment_access.is_overdue(r, today)
    return page


@require_http_methods(["GET"])
def campaign_detail(request, questionnaire_campaign_pk):
    campaign = assessment_access.get_campaign_for_user(request.user, questionnaire_campaign_pk)
    filters_form = ResponseFilterForm(request.GET or None)
    filters = filters_form.cleaned_data if filters_form.is_valid() else {}
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "campaign": campaign,
        "scope_text": questionnaires.scope_summary(campaign),
        "progress": assessment_access.campaign_progress(campaign),
        "filters_form": filters_form,
        "page": _responses_page(campaign, filters, request.GET.get("page")),
        "query": query.urlencode(),
        "overdue": campaign.responses.overdue().select_related("supplier")[:100],
        "add_form": AddSupplierForm(),
        "scope_count": questionnaires.in_scope_suppliers(campaign).count()
        if campaign.status == QuestionnaireCampaign.Status.DRAFT
        else None,
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "responses":
        return render(request, "assessments/campaign_responses.html", context)
    return render(request, "assessments/campaign_detail.html", context)


@require_http_methods(["POST"])
def campaign_open(request, questionnaire_campaign_pk):
    campaign = assessment_access.get_campaign_for_user(request.user, questionnaire_campaign_pk, write=True)
    back = redirect("assessments:campaign_detail", questionnaire_campaign_pk=campaign.pk)
    try:
        count = questionnaires.open_campaign(campaign, actor=request.user)
    except ValidationError as exc:
        return _error_page(request, exc, back)
    messages.success(request, _("The campaign is open: %(count)d supplier(s) were asked.") % {"count": count})
    return back


@require_http_methods(["POST"])
def campaign_send_newcomers(request, questionnaire_campaign_pk):
    campaign = assessment_access.get_campaign_for_user(request.user, questionnaire_campaign_pk, write=True)
    back = redirect("assessments:campaign_detail", questionnaire_campaign_pk=campaign.pk)
    try:
        count = questionnaires.send_to_newcomers(campaign, actor=request.user)
    except ValidationError as exc:
        return _error_page(request, exc, back)
    if count:
        messages.success(request, _("%(count)d supplier(s) new in the scope were asked.") % {"count": count})
    else:
        messages.info(request, _("Every supplier in the scope has already been asked; nobody was asked twice."))
    return back


@require_http_methods(["POST"])
def campaign_close(request, questionnaire_campaign_pk):
    campaign = assessment_access.get_campaign_for_user(request.user, questionnaire_campaign_pk, write=True)
    back = redirect("assessments:campaign_detail", questionnaire_campaign_pk=campaign.pk)
    try:
        questionnaires.close_campaign(campaign, actor=request.user)
    except ValidationError as exc:
        return _error_page(request, exc, back)
    messages.success(request, _("The campaign is closed; suppliers can no longer change their answers."))
    return back


@require_http_methods(["POST"])
def campaign_add_supplier(request, questionnaire_campaign_pk):
    campaign = assessment_access.get_campaign_for_user(request.user, questionnaire_campaign_pk, write=True)
    back = redirect("assessments:campaign_detail", questionnaire_campaign_pk=campaign.pk)
    form = AddSupplierForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("code", []):
            messages.error(request, f"{form.fields['code'].label}: {error}")
        return back
    try:
        questionnaires.add_supplier(campaign, form.supplier, actor=request.user)
    except ValidationError as exc:
        return _error_page(request, exc, back)
    messages.success(request, _("%(name)s was added to the campaign.") % {"name": form.supplier.legal_name})
    return back


# ---------------------------------------------------------------- review


def _review_page(request, response_obj, *, status=200, upload_form=None):
    language = translation.get_language()
    assessment = risk_queries.current_assessment(response_obj.supplier)
    context = {
        "response_obj": response_obj,
        "campaign": response_obj.campaign,
        "badge": RESPONSE_BADGE.get(response_obj.status, ""),
        "overdue": assessment_access.is_overdue(response_obj),
        "sheet": answer_sheet(response_obj, language=language),
        "scores": score_view(response_obj, language),
        "can_decide": can(request.user, Cap.REVIEW),
        "accept_form": AcceptForm(),
        "upload_form": upload_form or WorkbookUploadForm(),
        "can_enter": can(request.user, Cap.REVIEW)
        and response_obj.status in questionnaires.EDITABLE
        and response_obj.campaign.status == QuestionnaireCampaign.Status.OPEN,
        "assessment": assessment,
    }
    return render(request, "assessments/response_detail.html", context, status=status)


@require_http_methods(["GET"])
def response_detail(request, response_pk):
    require_internal(request.user)
    return _review_page(request, assessment_access.get_response_for_user(request.user, response_pk))


@require_http_methods(["POST"])
def response_accept(request, response_pk):
    require_internal(request.user, Cap.REVIEW)
    response_obj = assessment_access.get_response_for_user(request.user, response_pk, write=True)
    form = AcceptForm(request.POST)
    form.is_valid()
    try:
        questionnaires.accept_response(response_obj, actor=request.user, comment=form.cleaned_data.get("comment", ""))
    except ValidationError as exc:
        return _error_page(request, exc, lambda: _review_page(request, response_obj, status=400))
    messages.success(
        request,
        _("Accepted: the answers of %(name)s count for its risk assessment, which was updated.")
        % {"name": response_obj.supplier.legal_name},
    )
    return redirect("assessments:response_detail", response_pk=response_obj.pk)


@require_http_methods(["POST"])
def response_return(request, response_pk):
    require_internal(request.user, Cap.REVIEW)
    response_obj = assessment_access.get_response_for_user(request.user, response_pk, write=True)
    try:
        questionnaires.return_response(
            response_obj,
            actor=request.user,
            comments=return_comments_from_post(request.POST),
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as exc:
        return _error_page(request, exc, lambda: _review_page(request, response_obj, status=400))
    messages.success(request, _("Returned for correction; the supplier sees your comments beside the answers."))
    return redirect("assessments:response_detail", response_pk=response_obj.pk)


@require_http_methods(["POST"])
def response_recompute(request, response_pk):
    require_internal(request.user, Cap.REVIEW)
    response_obj = assessment_access.get_response_for_user(request.user, response_pk, write=True)
    questionnaires.recompute_scores(response_obj, actor=request.user)
    messages.success(request, _("The scores were recomputed with the current template and policy."))
    return redirect("assessments:response_detail", response_pk=response_obj.pk)


@require_http_methods(["GET"])
def response_evidence(request, response_pk, answer_pk):
    require_internal(request.user)
    return serve_evidence(assessment_access.get_evidence_for_user(request.user, response_pk, answer_pk))


@require_http_methods(["GET"])
def response_workbook(request, response_pk):
    require_internal(request.user)
    return serve_workbook(assessment_access.get_response_for_user(request.user, response_pk))


@require_http_methods(["POST"])
def response_upload(request, response_pk):
    """Staff enter a workbook the supplier sent by e-mail; the same cell-by-cell checks as in the portal."""
    require_internal(request.user, Cap.REVIEW)
    response_obj = assessment_access.get_response_for_user(request.user, response_pk, write=True)
    form = WorkbookUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = offline.read_upload(response_obj, form.cleaned_data["file"].read(), actor=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            flash_upload_result(request, result)
            return redirect("assessments:response_detail", response_pk=response_obj.pk)
    return _review_page(request, response_obj, status=400, upload_form=form)
