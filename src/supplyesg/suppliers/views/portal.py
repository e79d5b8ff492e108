"""The supplier portal: a supplier user sees and acts for their own supplier only.

Every view starts from get_own_supplier (404 for anyone but an active supplier user); objects named in the
URL are looked up inside that supplier's scope, so another supplier's ids answer 404.
"""

import pycountry
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.forms_errors import attach_errors
from supplyesg.core.models import PolicySettings
from supplyesg.core.portal import portal_sections
from supplyesg.suppliers.access import get_own_supplier
from supplyesg.suppliers.forms.portal import (
    DocumentUploadForm,
    ProfileChangeForm,
    QualificationEvidenceForm,
    SignAgreementForm,
)
from supplyesg.suppliers.models import ProfileChangeRequest, SignedAgreement, Supplier
from supplyesg.suppliers.models.lifecycle import Verdict
from supplyesg.suppliers.models.registry import PROFILE_FIELDS
from supplyesg.suppliers.services import compliance, lifecycle, onboarding, portal

S = Supplier.Status

STATUS_BADGE = {
    S.QUALIFIED: "good", S.ACTIVE: "good",
    S.PROSPECT: "", S.QUALIFICATION: "", S.CERTIFICATION: "",
    S.CONDITIONAL: "warn",
    S.SUSPENDED: "bad", S.EXITED: "bad", S.BLACKLISTED: "bad",
}
VERDICT_BADGE = {Verdict.PENDING: "warn", Verdict.PASS: "good", Verdict.FAIL: "bad",
                 Verdict.NOT_APPLICABLE: ""}
# Items the supplier may still add evidence to; passed or not-applicable items are settled.
OPEN_VERDICTS = (Verdict.PENDING, Verdict.FAIL)


def _page(request, template, supplier, section, context=None, status=200):
    base = {"supplier": supplier, "section": section, "status_badge": STATUS_BADGE.get(supplier.status, "")}
    return render(request, template, {**base, **(context or {})}, status=status)


def _posted(request, files=False):
    """The submitted data on POST (even when empty, so the form is bound and shows what is missing)."""
    if request.method != "POST":
        return None
    return request.FILES if files else request.POST


# ---------------------------------------------------------------- overview


def _document_states(supplier):
    """{document id: "expired" | "expiring"} for the supplier's documents, by the policy's warning window."""
    days = PolicySettings.current().document_expiry_warning_days
    docs = supplier.documents.all()
    states = {pk: "expiring" for pk in docs.expiring(days).values_list("pk", flat=True)}
    states.update({pk: "expired" for pk in docs.expired().values_list("pk", flat=True)})
    return states


def _documents_to_renew(supplier, states):
    """Expired and expiring documents not yet followed by a later upload of the same type."""
    documents = list(supplier.documents.all())
    renew = []
    for doc in documents:
        if doc.pk not in states:
            continue
        renewed = any(o.doc_type == doc.doc_type and o.uploaded_at > doc.uploaded_at and o.pk not in states
                      for o in documents)
        if not renewed:
            renew.append((doc, states[doc.pk]))
    return renew


def _home_context(supplier, bound_item=None, bound_form=None, request=None):
    language = get_language() or ""
    qualification = []
    if supplier.status == S.QUALIFICATION:
        for item in supplier.qualification_items.all():
            if item.verdict not in OPEN_VERDICTS:
                continue
            form = bound_form if bound_item is not None and item.pk == bound_item.pk else (
                QualificationEvidenceForm(prefix=f"item-{item.pk}"))
            provided = bool(item.evidence or item.evidence_note.strip() or item.evidence_files.exists())
            qualification.append({"item": item, "form": form, "badge": VERDICT_BADGE[item.verdict],
                                  "provided": provided, "todo": not provided or item.verdict == Verdict.FAIL})
    change_requests = supplier.change_requests.all()
    pending_change = change_requests.filter(status=ProfileChangeRequest.Status.PENDING).first()
    latest_change = change_requests.first()
    rejected = latest_change is not None and latest_change.status == ProfileChangeRequest.Status.REJECTED
    rejected_change = latest_change if rejected and pending_change is None else None
    agreements_to_sign = [{"type": t, "name": t.display_name(language)}
                          for t in lifecycle.missing_agreements(supplier)]
    missing_documents = compliance.missing_documents(supplier)
    documents_to_renew = _documents_to_renew(supplier, _document_states(supplier))
    todo_count = (len(agreements_to_sign) + len(missing_documents) + len(documents_to_renew)
                  + sum(1 for row in qualification if row["todo"]))
    sections = portal_sections(request, supplier) if request is not None else []
    todo_count += sum(len(section.todo) for section in sections)
    admission = None
    if supplier.status in onboarding.ADMISSION_STATUSES:
        admission = {"submitted_at": supplier.admission_submitted_at,
                     "ready": todo_count == 0 and not onboarding.admission_problems(supplier)}
    return {
        "admission": admission,
        "agreements_to_sign": agreements_to_sign,
        "missing_documents": missing_documents,
        "documents_to_renew": documents_to_renew,
        "qualification": qualification,
        "pending_change": pending_change,
        "rejected_change": rejected_change,
        "todo_count": todo_count,
        "portal_sections": sections,
    }


@require_http_methods(["GET"])
def home(request):
    supplier = get_own_supplier(request.user)
    return _page(request, "suppliers/portal_home.html", supplier, "home", _home_context(supplier, request=request))


@require_http_methods(["POST"])
def qualification_evidence(request, item_pk):
    supplier = get_own_supplier(request.user)
    item = get_object_or_404(supplier.qualification_items.all(), pk=item_pk)
    form = QualificationEvidenceForm(request.POST, request.FILES, prefix=f"item-{item.pk}")
    names = {"item": item.get_kind_display()}
    if supplier.status != S.QUALIFICATION:
        messages.error(request, _("Evidence is accepted only while the qualification review is in progress."))
    elif item.verdict not in OPEN_VERDICTS:
        messages.error(request, _("%(item)s has already been reviewed.") % names)
    elif form.is_valid():
        try:
            lifecycle.attach_qualification_evidence(
                item, actor=request.user, files=form.cleaned_data["file"], note=form.cleaned_data["note"])
        except ValidationError as error:
            attach_errors(form, error)
            messages.error(request, _("%(item)s: the evidence was not saved.") % names)
        else:
            messages.success(request, _("Your evidence for %(item)s was saved.") % names)
            return redirect("portal:home")
    else:
        messages.error(request, _("%(item)s: the evidence was not saved.") % names)
    context = _home_context(supplier, bound_item=item, bound_form=form, request=request)
    return _page(request, "suppliers/portal_home.html", supplier, "home", context, status=400)


@require_http_methods(["POST"])
def submit_admission(request):
    """The supplier submits its admission file for review once nothing is outstanding."""
    supplier = get_own_supplier(request.user)
    outstanding = [line for section in portal_sections(request, supplier) if section.key == "assessments"
                   for line in section.todo]
    try:
        onboarding.submit_admission(supplier, actor=request.user, outstanding=outstanding)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        context = _home_context(supplier, request=request)
        return _page(request, "suppliers/portal_home.html", supplier, "home", context, status=400)
    messages.success(request, _("Thank you: your admission file was submitted. We will review it and tell you."))
    return redirect("portal:home")


# ---------------------------------------------------------------- profile


def _display(name, value):
    if name == "country" and value:
        country = pycountry.countries.get(alpha_2=value)
        return country.name if country else value
    return value


def _label(name):
    return Supplier._meta.get_field(name).verbose_name


@require_http_methods(["GET", "POST"])
def profile(request):
    supplier = get_own_supplier(request.user)
    pending = supplier.change_requests.filter(status=ProfileChangeRequest.Status.PENDING).first()
    form = ProfileChangeForm(_posted(request), supplier=supplier)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                change_request = portal.request_profile_change(supplier, actor=request.user,
                                                               changes=form.changes())
            except ValidationError as error:
                attach_errors(form, error)
            else:
                if change_request is None:
                    messages.success(request, _("Your profile was updated."))
                else:
                    messages.success(request, _("Your changes were submitted for review. "
                                                "Nothing changes until they are approved."))
                return redirect("portal:profile")
        status = 400
    current = [(_label(name), _display(name, getattr(supplier, name)), name) for name in PROFILE_FIELDS]
    proposal = []
    if pending:
        proposal = [(_label(name), _display(name, getattr(supplier, name)), _display(name, value))
                    for name, value in pending.changes.items() if name in PROFILE_FIELDS]
    latest = supplier.change_requests.first()
    rejected = latest if latest and latest.status == ProfileChangeRequest.Status.REJECTED else None
    return _page(request, "suppliers/portal_profile.html", supplier, "profile", {
        "current": current, "form": form, "pending": pending, "proposal": proposal, "rejected": rejected,
        "needs_approval": PolicySettings.current().profile_changes_need_approval,
    }, status=status)


# ---------------------------------------------------------------- documents


@require_http_methods(["GET", "POST"])
def documents(request):
    supplier = get_own_supplier(request.user)
    form = DocumentUploadForm(_posted(request), _posted(request, files=True))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                uploaded = onboarding.upload_documents(
                    supplier, actor=request.user, doc_type=data["doc_type"], title=data["title"],
                    files=data["file"], issue_date=data["issue_date"], expiry_date=data["expiry_date"],
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                if len(uploaded) == 1:
                    messages.success(request, _("%(title)s was uploaded.") % {"title": uploaded[0].title})
                else:
                    messages.success(request, _("%(count)d documents were uploaded.") % {"count": len(uploaded)})
                return redirect(request.POST.get("next") == "admission" and "portal:admission" or "portal:documents")
        status = 400
    states = _document_states(supplier)
    rows = [{"doc": doc, "state": states.get(doc.pk)} for doc in supplier.documents.all()]
    return _page(request, "suppliers/portal_documents.html", supplier, "documents", {
        "rows": rows, "form": form, "missing_documents": compliance.missing_documents(supplier),
        "warning_days": PolicySettings.current().document_expiry_warning_days,
    }, status=status)


# ---------------------------------------------------------------- agreements


@require_http_methods(["GET"])
def agreements(request):
    supplier = get_own_supplier(request.user)
    language = get_language() or ""
    latest = {}
    for signed in SignedAgreement.objects.in_force().filter(supplier=supplier).order_by("signed_at", "id"):
        latest[signed.agreement_type_id] = signed
    rows = []
    for agreement_type in lifecycle.required_agreement_types(supplier):
        signed = latest.get(agreement_type.pk)
        current = signed if signed and signed.version == agreement_type.version else None
        rows.append({"type": agreement_type, "name": agreement_type.display_name(language), "signed": current,
                     "older": signed if signed and not current else None})
    return _page(request, "suppliers/portal_agreements.html", supplier, "agreements", {"rows": rows})


def _agreement_texts(agreement_type, language):
    """The English and Chinese texts, the one matching the page language first."""
    texts = [{"lang": "en", "label": _("English"), "name": agreement_type.name, "body": agreement_type.body}]
    if agreement_type.body_zh:
        texts.append({"lang": "zh-Hans", "label": _("Simplified Chinese"),
                      "name": agreement_type.name_zh or agreement_type.name, "body": agreement_type.body_zh})
        if language.startswith("zh"):
            texts.reverse()
    return texts


@require_http_methods(["GET", "POST"])
def sign_agreement(request, type_pk):
    supplier = get_own_supplier(request.user)
    agreement_type = get_object_or_404(lifecycle.required_agreement_types(supplier), pk=type_pk)
    language = get_language() or ""
    initial = {"signer_name": request.user.get_full_name(), "accepted_hash": agreement_type.text_hash}
    form = SignAgreementForm(_posted(request), supplier=supplier, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                lifecycle.sign_agreement_in_portal(
                    supplier, agreement_type, actor=request.user, signer_name=data["signer_name"],
                    signer_title=data["signer_title"], accepted_hash=data["accepted_hash"],
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
                # Show the text as it is now, with its hash, so the signer reads and accepts it afresh.
                form = SignAgreementForm(supplier=supplier, initial={
                    "signer_name": data["signer_name"], "signer_title": data["signer_title"],
                    "accepted_hash": agreement_type.text_hash,
                })
            else:
                messages.success(request, _("Thank you: %(agreement)s (version %(version)s) is signed.")
                                 % {"agreement": agreement_type.display_name(language),
                                    "version": agreement_type.version})
                return redirect("portal:agreements")
        status = 400
    signed = (SignedAgreement.objects.in_force()
              .filter(supplier=supplier, agreement_type=agreement_type, version=agreement_type.version)
              .order_by("-signed_at").first())
    return _page(request, "suppliers/portal_sign.html", supplier, "agreements", {
        "agreement_type": agreement_type, "name": agreement_type.display_name(language),
        "texts": _agreement_texts(agreement_type, language), "form": form, "signed": signed,
    }, status=status)
