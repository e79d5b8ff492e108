"""Questionnaires in the supplier portal: a supplier user sees its own supplier's questionnaires, fills them
in (drafts, evidence, conditional questions re-shown with htmx), submits, reads the reviewer's comments,
and may work offline with the workbook. Anything else answers 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.assessments import access as assessment_access
from supplyesg.assessments import offline, questionnaires
from supplyesg.assessments.forms import WorkbookUploadForm, answers_from_post
from supplyesg.assessments.models import QuestionnaireCampaign, Response
from supplyesg.assessments.views.campaigns import (
    RESPONSE_BADGE,
    answer_sheet,
    flash_upload_result,
    score_view,
    serve_evidence,
    serve_workbook,
    sheet_problems,
    sheet_progress,
)
from supplyesg.core.campaigns import progress as engine_progress
from supplyesg.core.campaigns.registry import campaign_kind
from supplyesg.core.forms_errors import attach_errors
from supplyesg.core.models import PolicySettings
from supplyesg.core.portal import PortalSection
from supplyesg.suppliers.access import get_own_supplier

S = Response.Status


def _decorate(response_obj):
    response_obj.badge = RESPONSE_BADGE.get(response_obj.status, "")
    due = engine_progress.due(response_obj, timezone.localdate())
    response_obj.due_state, response_obj.due_days = due.state, due.days
    response_obj.editable = (
        response_obj.status in questionnaires.EDITABLE
        and response_obj.campaign.status == QuestionnaireCampaign.Status.OPEN
    )
    return response_obj


@require_http_methods(["GET"])
def response_list(request):
    supplier = get_own_supplier(request.user)
    rows = [
        _decorate(r)
        for r in assessment_access.responses_visible_to(request.user).order_by("-campaign__due_date", "-pk")
    ]
    return render(
        request,
        "assessments/portal_list.html",
        {"supplier": supplier, "rows": rows, "todo": [r for r in rows if r.editable]},
    )


def _fill_page(
    request, supplier, response_obj, *, raw=None, errors=None, check_required=False, status=200, upload_form=None
):
    language = translation.get_language()
    show_scores = PolicySettings.current().show_scores_to_suppliers
    sheet = answer_sheet(response_obj, raw=raw, errors=errors, language=language, check_required=check_required)
    context = {
        "problems": sheet_problems(sheet),
        "progress": sheet_progress(sheet),
        "supplier": supplier,
        "response_obj": _decorate(response_obj),
        "campaign": response_obj.campaign,
        "sheet": sheet,
        "editable": response_obj.editable,
        "needs_work": [q for s in sheet for q in s["questions"] if q["needs_work"] and q["shown"]],
        "scores": score_view(response_obj, language) if show_scores else None,
        "upload_form": upload_form or WorkbookUploadForm(),
    }
    return render(request, "assessments/portal_fill.html", context, status=status)


@require_http_methods(["GET", "POST"])
def response_fill(request, response_pk):
    """The questionnaire: GET shows it; POST saves a draft (action=save), or saves and submits (submit)."""
    supplier = get_own_supplier(request.user)
    response_obj = assessment_access.get_response_for_user(request.user, response_pk, write=True)
    if request.method == "GET":
        return _fill_page(request, supplier, response_obj)
    questions = questionnaires.template_questions(response_obj.campaign.template)
    answers, uploads, clear = answers_from_post(questions, request.POST, request.FILES)
    try:
        result = questionnaires.save_draft(response_obj, answers, uploads, actor=request.user, clear=clear)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _fill_page(request, supplier, response_obj, raw=answers, status=400)
    if result.errors:
        # Each sentence is shown at its question and linked from the summary above the form.
        if result.saved:
            messages.warning(
                request,
                _("%(count)d answer(s) were saved. These were not; correct them and save again:")
                % {"count": len(result.saved)},
            )
        return _fill_page(request, supplier, response_obj, raw=answers, errors=result.errors, status=400)
    if request.POST.get("action") == "submit":
        try:
            questionnaires.submit_response(response_obj, actor=request.user)
        except ValidationError as exc:
            messages.warning(
                request, _("Your answers were saved, but the questionnaire cannot be submitted yet:")
            )
            if getattr(exc, "code", "") == "missing_answers":  # each one is marked at its question
                return _fill_page(request, supplier, response_obj, check_required=True, status=400)
            for message in exc.messages:
                messages.error(request, message)
            return _fill_page(request, supplier, response_obj, status=400)
        messages.success(request, _("Thank you: your answers were submitted for review."))
    else:
        messages.success(request, _("Draft saved. You can come back and continue at any time."))
    return redirect("assessments_portal:fill", response_pk=response_obj.pk)


@require_http_methods(["GET"])
def response_section(request, response_pk, section_code):
    """htmx: one section (and any in `also`) shown again for the answers being typed, nothing saved."""
    get_own_supplier(request.user)
    response_obj = assessment_access.get_response_for_user(request.user, response_pk, write=True)
    _decorate(response_obj)
    questions = questionnaires.template_questions(response_obj.campaign.template)
    answers, _uploads, _clear = answers_from_post(questions, request.GET, None)
    sheet = {
        s["code"]: s for s in answer_sheet(response_obj, raw=answers, language=translation.get_language())
    }
    wanted = [section_code] + [c for c in request.GET.getlist("also") if c != section_code]
    if section_code not in sheet:
        raise Http404
    html = "".join(
        render_to_string(
            "assessments/_section.html",
            {
                "section": sheet[code],
                "response_obj": response_obj,
                "editable": response_obj.editable,
                "oob": n > 0,
            },
            request=request,
        )
        for n, code in enumerate(c for c in wanted if c in sheet)
    )
    return HttpResponse(html)


@require_http_methods(["GET"])
def response_evidence(request, response_pk, answer_pk):
    get_own_supplier(request.user)
    return serve_evidence(assessment_access.get_evidence_for_user(request.user, response_pk, answer_pk))


@require_http_methods(["GET"])
def response_workbook(request, response_pk):
    get_own_supplier(request.user)
    return serve_workbook(assessment_access.get_response_for_user(request.user, response_pk))


@require_http_methods(["POST"])
def response_upload(request, response_pk):
    """The filled workbook: valid cells are saved as a draft, each bad one is reported by its cell."""
    supplier = get_own_supplier(request.user)
    response_obj = assessment_access.get_response_for_user(request.user, response_pk, write=True)
    form = WorkbookUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = offline.read_upload(response_obj, form.cleaned_data["file"].read(), actor=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            flash_upload_result(request, result)
            if result.errors:
                return _fill_page(request, supplier, response_obj, status=400)
            return redirect("assessments_portal:fill", response_pk=response_obj.pk)
    return _fill_page(request, supplier, response_obj, status=400, upload_form=form)


def portal_section(request, supplier):
    """The portal tab for questionnaires, and which ones are still to be filled in or corrected (the engine's
    to-dos)."""
    todo = engine_progress.portal_todos(campaign_kind(questionnaires.KIND), request.user, timezone.localdate())
    return PortalSection(
        key="assessments", title=_("Questionnaires"), url=reverse("assessments_portal:responses"), todo=todo
    )
