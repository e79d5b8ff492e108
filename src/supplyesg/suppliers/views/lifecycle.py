"""Internal pages for the supplier lifecycle: transitions, admission review, documents, agreements,
the blacklist, exit, and review of portal profile changes.

`lifecycle_context` feeds the admission, documents and agreements tabs and the header transition buttons
of the supplier detail page (views/registry.py).
"""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.forms_errors import attach_errors
from supplyesg.core.models import PolicySettings
from supplyesg.core.paging import page_of
from supplyesg.suppliers.access import get_supplier_for_user
from supplyesg.suppliers.forms.lifecycle import (
    BlacklistFilterForm,
    BlacklistForm,
    CertificationForm,
    ChangeReviewForm,
    DocumentUploadForm,
    ExitForm,
    QualificationReviewForm,
    ReasonForm,
    SignedScanForm,
    TransitionForm,
    WaiverForm,
)
from supplyesg.suppliers.models import BlacklistEntry, ProfileChangeRequest, SignedAgreement, Supplier
from supplyesg.suppliers.models.lifecycle import Verdict
from supplyesg.suppliers.queries import pending_changes
from supplyesg.suppliers.services import compliance, lifecycle, portal

S = Supplier.Status
# Statuses services.lifecycle.exit_supplier accepts; the Exit link is offered only from these.
EXIT_FROM = lifecycle.EXIT_FROM
TABS = ("admission", "documents", "agreements")


# ---------------------------------------------------------------- helpers


def _supplier_for(request, pk, capability=None) -> Supplier:
    """Internal pages only: 404 to supplier users and strangers, 403 to roles without `capability`."""
    require_internal(request.user)
    if capability is None:
        return get_supplier_for_user(request.user, pk)
    return get_supplier_for_user(request.user, pk, write=True, capability=capability)


def _detail_url(supplier, tab=None) -> str:
    url = reverse("suppliers:detail", args=[supplier.pk])
    return f"{url}?tab={tab}" if tab else url


def _flash(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _flash_form(request, form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _form_page(request, template, supplier, form):
    """A form page: 200 when first shown, 400 when re-shown with the errors of a refused post."""
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"supplier": supplier, "form": form}, status=status)


def _delete_new_file(fieldfile, old_name: str) -> None:
    """A rolled-back write must not leave its freshly stored file behind."""
    if fieldfile and fieldfile.name and fieldfile.name != old_name:
        fieldfile.storage.delete(fieldfile.name)


# ---------------------------------------------------------------- context for the detail page


def lifecycle_context(request, supplier: Supplier, tab: str) -> dict:
    """Context for suppliers/_transitions.html and the admission, documents and agreements tabs."""
    user = request.user
    may_lifecycle = can(user, Cap.LIFECYCLE)
    context = {
        "supplier": supplier,
        "can_lifecycle": may_lifecycle,
        "can_review": can(user, Cap.REVIEW),
        "can_blacklist": can(user, Cap.BLACKLIST),
        "can_edit_suppliers": can(user, Cap.EDIT_SUPPLIERS),
        "transitions": [
            {"name": name, "label": label, "needs_reason": needs_reason}
            for name, label, needs_reason in lifecycle.TRANSITIONS.get(supplier.status, [])
        ] if may_lifecycle else [],
        "offer_blacklist": can(user, Cap.BLACKLIST) and supplier.status != S.BLACKLISTED,
        "offer_exit": may_lifecycle and supplier.status in EXIT_FROM,
    }
    if tab == "admission":
        context.update(_admission_context(user, supplier))
    elif tab == "documents":
        context.update(_documents_context(supplier, timezone.localdate()))
    elif tab == "agreements":
        context.update(_agreements_context(supplier))
    return context


def _admission_context(user, supplier) -> dict:
    may_review = can(user, Cap.REVIEW)
    in_qualification = supplier.status == S.QUALIFICATION
    in_certification = supplier.status == S.CERTIFICATION
    items = supplier.qualification_items.select_related("reviewer").prefetch_related("evidence_files")
    with_forms = may_review and in_qualification
    return {
        "qualification_rows": [
            {"item": item, "form": QualificationReviewForm(item=item) if with_forms else None}
            for item in items
        ],
        "qualification_problems": lifecycle.qualification_problems(supplier) if in_qualification else [],
        "certifications": supplier.certifications.select_related("category", "reviewer"),
        "certification_problems": lifecycle.certification_problems(supplier) if in_certification else [],
        "certification_form": (CertificationForm(supplier=supplier) if may_review and in_certification
                               else None),
        "exit_records": supplier.exits.select_related("decided_by"),
        "blacklist_entries": supplier.blacklist_entries.select_related("decided_by", "lifted_by"),
    }


def _documents_context(supplier, today) -> dict:
    days = PolicySettings.current().document_expiry_warning_days
    documents = supplier.documents.select_related("uploaded_by")
    expired = set(documents.expired(today).values_list("pk", flat=True))
    expiring = set(documents.expiring(days, today).values_list("pk", flat=True))
    rows = []
    for document in documents:
        state = "expired" if document.pk in expired else "expiring" if document.pk in expiring else "current"
        rows.append({"document": document, "state": state})
    waivers = {w.doc_type: w for w in reversed(supplier.document_waivers.in_force(today).select_related("granted_by"))}
    missing = [{"missing": m, "waiver": waivers.get(m.doc_type)} for m in compliance.missing_documents(supplier, today)]
    return {
        "document_rows": rows,
        "expiry_warning_days": days,
        "missing_documents": missing,
        "waiver_form": WaiverForm(initial={"expires_on": today + timedelta(days=365)}),
    }


def _agreements_context(supplier) -> dict:
    language = get_language()
    signatures = SignedAgreement.objects.in_force().filter(supplier=supplier).select_related("signed_by_user")
    in_force = {signature.agreement_type_id: signature for signature in signatures}
    rows = []
    for agreement_type in lifecycle.required_agreement_types(supplier):
        signature = in_force.get(agreement_type.pk)
        if signature is None:
            state = "missing"
        elif signature.version != agreement_type.version:
            state = "outdated"
        else:
            state = "signed"
        rows.append({"type": agreement_type, "name": agreement_type.display_name(language),
                     "signature": signature, "state": state})
    return {
        "agreement_rows": rows,
        "agreement_history": supplier.agreements.select_related("agreement_type", "signed_by_user"),
    }


# ---------------------------------------------------------------- transitions and admission


@require_http_methods(["POST"])
def transition(request, pk, name):
    supplier = _supplier_for(request, pk, Cap.LIFECYCLE)
    offered = {n: label for n, label, _needs in lifecycle.TRANSITIONS.get(supplier.status, [])}
    if name not in lifecycle.TRANSITION_FUNCTIONS or name not in offered:
        raise Http404
    form = TransitionForm(request.POST)
    if not form.is_valid():
        _flash_form(request, form)
        return redirect(_detail_url(supplier, "admission"))
    try:
        lifecycle.TRANSITION_FUNCTIONS[name](supplier, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _flash(request, exc)
        return redirect(_detail_url(supplier, "admission"))
    supplier.refresh_from_db(fields=["status"])
    messages.success(request, _("%(action)s: done. The supplier is now %(status)s.")
                     % {"action": offered[name], "status": supplier.get_status_display()})
    return redirect(_detail_url(supplier, "admission"))


@require_http_methods(["POST"])
def review_qualification_item(request, pk, item_pk):
    supplier = _supplier_for(request, pk, Cap.REVIEW)
    item = get_object_or_404(supplier.qualification_items, pk=item_pk)
    form = QualificationReviewForm(request.POST, request.FILES, item=item)
    if not form.is_valid():
        _flash_form(request, form)
        return redirect(_detail_url(supplier, "admission"))
    data = form.cleaned_data
    old_evidence = item.evidence.name
    try:
        with transaction.atomic():
            if data["evidence"] or data["evidence_note"].strip():
                item = lifecycle.attach_qualification_evidence(
                    item, actor=request.user, evidence=data["evidence"], note=data["evidence_note"])
            if data["verdict"]:
                lifecycle.review_qualification_item(item, actor=request.user, verdict=data["verdict"],
                                                    comment=data["comment"])
    except ValidationError as exc:
        _delete_new_file(item.evidence, old_evidence)
        _flash(request, exc)
        return redirect(_detail_url(supplier, "admission"))
    messages.success(request, _("%(item)s: saved.") % {"item": item.get_kind_display()})
    return redirect(_detail_url(supplier, "admission"))


@require_http_methods(["POST"])
def add_certification(request, pk):
    supplier = _supplier_for(request, pk, Cap.REVIEW)
    form = CertificationForm(request.POST, request.FILES, supplier=supplier)
    if not form.is_valid():
        _flash_form(request, form)
        return redirect(_detail_url(supplier, "admission"))
    data = form.cleaned_data
    try:
        certification = lifecycle.record_certification(
            supplier, actor=request.user, kind=data["kind"], verdict=data["verdict"],
            category=data["category"], note=data["note"], evidence=data["evidence"],
        )
    except ValidationError as exc:
        _flash(request, exc)
        return redirect(_detail_url(supplier, "admission"))
    messages.success(request, _("%(kind)s recorded: %(verdict)s.") % {
        "kind": certification.get_kind_display(), "verdict": certification.get_verdict_display()})
    return redirect(_detail_url(supplier, "admission"))


# ---------------------------------------------------------------- documents


@require_http_methods(["GET", "POST"])
def upload_document(request, pk):
    supplier = _supplier_for(request, pk, Cap.EDIT_SUPPLIERS)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = compliance.upload_document(
                supplier, actor=request.user, doc_type=data["doc_type"], title=data["title"],
                file=data["file"], issue_date=data["issue_date"], expiry_date=data["expiry_date"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("%(title)s was uploaded.") % {"title": document.title})
            return redirect(_detail_url(supplier, "documents"))
    return _form_page(request, "suppliers/document_upload.html", supplier, form)


@require_http_methods(["POST"])
def remove_document(request, pk, doc_pk):
    supplier = _supplier_for(request, pk, Cap.EDIT_SUPPLIERS)
    document = get_object_or_404(supplier.documents, pk=doc_pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _flash_form(request, form)
        return redirect(_detail_url(supplier, "documents"))
    try:
        compliance.remove_document(document, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _flash(request, exc)
        return redirect(_detail_url(supplier, "documents"))
    messages.success(request, _("%(title)s was removed.") % {"title": document.title})
    return redirect(_detail_url(supplier, "documents"))


@require_http_methods(["POST"])
def waive_document(request, pk):
    supplier = _supplier_for(request, pk, Cap.REVIEW)
    form = WaiverForm(request.POST)
    if not form.is_valid():
        _flash_form(request, form)
        return redirect(_detail_url(supplier, "documents"))
    data = form.cleaned_data
    try:
        compliance.waive_document(
            supplier, actor=request.user, doc_type=data["doc_type"], reason=data["reason"], expires_on=data["expires_on"]
        )
    except ValidationError as exc:
        _flash(request, exc)
        return redirect(_detail_url(supplier, "documents"))
    messages.success(request, _("The document is waived until %(date)s.") % {"date": data["expires_on"].isoformat()})
    return redirect(_detail_url(supplier, "documents"))


# ---------------------------------------------------------------- agreements


def _signed_at(day):
    """A signing date as a time: now when signed today, else the start of that day here."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time.min))


@require_http_methods(["GET", "POST"])
def record_signed_scan(request, pk):
    supplier = _supplier_for(request, pk, Cap.LIFECYCLE)
    initial = {}
    if request.method == "GET" and request.GET.get("type", "").isdigit():
        initial["agreement_type"] = int(request.GET["type"])
    form = SignedScanForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            signed = lifecycle.record_signed_scan(
                supplier, data["agreement_type"], actor=request.user, scan=data["scan"],
                signer_name=data["signer_name"], signer_title=data["signer_title"],
                signed_at=_signed_at(data["signed_at"]),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("The signed %(agreement)s was recorded.")
                             % {"agreement": signed.agreement_type})
            return redirect(_detail_url(supplier, "agreements"))
    return _form_page(request, "suppliers/agreement_scan.html", supplier, form)


@require_http_methods(["GET"])
def agreement_detail(request, pk, agreement_pk):
    supplier = _supplier_for(request, pk)
    signatures = supplier.agreements.select_related("agreement_type", "signed_by_user")
    signed = get_object_or_404(signatures, pk=agreement_pk)
    return render(request, "suppliers/agreement_detail.html", {"supplier": supplier, "signed": signed})


# ---------------------------------------------------------------- blacklist and exit


@require_http_methods(["GET", "POST"])
def blacklist_supplier(request, pk):
    supplier = _supplier_for(request, pk, Cap.BLACKLIST)
    form = BlacklistForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = compliance.blacklist_supplier(
                supplier, actor=request.user, reason=data["reason"], details=data["details"],
                permanent=data["permanent"], until=data["until"], evidence=data["evidence"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is blacklisted (%(reason)s).")
                             % {"name": supplier.legal_name, "reason": entry.get_reason_display()})
            return redirect(_detail_url(supplier))
    return _form_page(request, "suppliers/blacklist_form.html", supplier, form)


@require_http_methods(["GET", "POST"])
def exit_supplier(request, pk):
    supplier = _supplier_for(request, pk, Cap.LIFECYCLE)
    form = ExitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lifecycle.exit_supplier(supplier, actor=request.user, reason=data["reason"],
                                    exit_date=data["exit_date"], open_items=data["open_items"],
                                    open_items_note=data["open_items_note"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("%(name)s has exited.") % {"name": supplier.legal_name})
            return redirect(_detail_url(supplier))
    return _form_page(request, "suppliers/exit_form.html", supplier, form)


@require_http_methods(["GET"])
def blacklist(request):
    require_internal(request.user)
    form = BlacklistFilterForm(request.GET or None)
    state, reason = BlacklistFilterForm.IN_FORCE, ""
    if form.is_valid():
        state = form.cleaned_data["state"] or state
        reason = form.cleaned_data["reason"]
    entries = BlacklistEntry.objects.select_related("supplier", "decided_by", "lifted_by")
    if state == BlacklistFilterForm.IN_FORCE:
        entries = entries.in_force()
    if reason:
        entries = entries.filter(reason=reason)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "suppliers/blacklist_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "state": state,
        "in_force_ids": set(BlacklistEntry.objects.in_force().filter(pk__in=[e.pk for e in page])
                            .values_list("pk", flat=True)),
        "can_blacklist": can(request.user, Cap.BLACKLIST),
    })


@require_http_methods(["POST"])
def lift_blacklist(request, entry_pk):
    require_internal(request.user, Cap.BLACKLIST)
    entry = get_object_or_404(BlacklistEntry.objects.select_related("supplier"), pk=entry_pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _flash_form(request, form)
        return redirect(reverse("suppliers:blacklist") + "?state=all")
    try:
        compliance.lift_blacklist(entry, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The ban on %(name)s was lifted; the supplier is now exited and must be "
                                    "admitted afresh.") % {"name": entry.legal_name})
    return redirect(reverse("suppliers:blacklist") + "?state=all")


# ---------------------------------------------------------------- reviews


def _proposed_changes(change_request):
    supplier = change_request.supplier
    rows = []
    for name, new in change_request.changes.items():
        try:
            label = Supplier._meta.get_field(name).verbose_name
        except FieldDoesNotExist:  # a field removed since the request was made: show its raw name
            label = name
        rows.append({"field": name, "label": label, "old": getattr(supplier, name, ""), "new": new})
    return rows


# The review page lists three things, each paginated on its own: a supplier set-up at scale had 2,700 suppliers in
# qualification and certification on it, a 1.9 MB page rendered in 0.9 s (bench/every_page.py, 100,000 suppliers).
CHANGES_PER_PAGE = 20
SUPPLIERS_PER_PAGE = 50


@require_http_methods(["GET"])
def reviews(request):
    require_internal(request.user)
    changes = page_of(request, pending_changes(), param="changes", per_page=CHANGES_PER_PAGE, anchor="change-requests")
    in_qualification = Supplier.objects.filter(status=S.QUALIFICATION).annotate(
        pending_items=Count("qualification_items", filter=Q(qualification_items__verdict=Verdict.PENDING)),
        failed_items=Count("qualification_items", filter=Q(qualification_items__verdict=Verdict.FAIL)),
    ).order_by("status_changed_at", "pk")
    in_certification = Supplier.objects.filter(status=S.CERTIFICATION).annotate(
        certification_count=Count("certifications")).order_by("status_changed_at", "pk")
    return render(request, "suppliers/review_list.html", {
        "changes_page": changes,
        "change_requests": [{"request": r, "changes": _proposed_changes(r)} for r in changes],
        "in_qualification": page_of(request, in_qualification, param="qualification", per_page=SUPPLIERS_PER_PAGE,
                                    anchor="in-qualification"),
        "in_certification": page_of(request, in_certification, param="certification", per_page=SUPPLIERS_PER_PAGE,
                                    anchor="in-certification"),
        "can_review": can(request.user, Cap.REVIEW),
    })


@require_http_methods(["POST"])
def review_change_request(request, request_pk):
    require_internal(request.user, Cap.REVIEW)
    change_request = get_object_or_404(ProfileChangeRequest.objects.select_related("supplier"), pk=request_pk)
    form = ChangeReviewForm(request.POST)
    if not form.is_valid():
        _flash_form(request, form)
        return redirect("suppliers:reviews")
    approve = form.cleaned_data["decision"] == ChangeReviewForm.APPROVE
    try:
        portal.review_profile_change(change_request, actor=request.user, approve=approve,
                                     comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("suppliers:reviews")
    name = change_request.supplier.legal_name
    if approve:
        messages.success(request, _("The change to %(name)s was approved and applied.") % {"name": name})
    else:
        messages.success(request, _("The change to %(name)s was rejected.") % {"name": name})
    return redirect("suppliers:reviews")
