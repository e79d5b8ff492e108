"""Fast onboarding pages: the whole qualification checklist in one form, several documents in one upload, and
several signed agreements in one upload. Each saves everything or nothing (services/onboarding.py)."""

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.access import Cap, require_internal
from supplyesg.core.forms_errors import attach_errors, strip_field_prefix
from supplyesg.suppliers.access import get_supplier_for_user
from supplyesg.suppliers.forms.onboarding import ChecklistItemForm, ManyDocumentsForm, ScanRowFormSet, ScanSignerForm
from supplyesg.suppliers.models import Supplier
from supplyesg.suppliers.services import lifecycle, onboarding


def _supplier(request, pk, capability) -> Supplier:
    require_internal(request.user)
    return get_supplier_for_user(request.user, pk, write=True, capability=capability)


def _tab(supplier, tab) -> str:
    return reverse("suppliers:detail", args=[supplier.pk]) + f"?tab={tab}"


def _row_errors(form, messages_) -> None:
    for message in messages_:
        name, sep, _rest = message.partition(": ")
        if sep and name in form.fields:
            form.add_error(name, strip_field_prefix(message, name))
        elif sep and name == "evidence_note":
            form.add_error("evidence_note", strip_field_prefix(message, name))
        else:
            form.add_error(None, message)


def _signed_at(day):
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time.min))


@require_http_methods(["GET", "POST"])
def qualification_checklist(request, pk):
    supplier = _supplier(request, pk, Cap.REVIEW)
    items = list(supplier.qualification_items.select_related("reviewer").prefetch_related("evidence_files"))
    posted = request.method == "POST"
    forms = [ChecklistItemForm(request.POST if posted else None, request.FILES if posted else None, item=i)
             for i in items]
    in_review = supplier.status == Supplier.Status.QUALIFICATION
    status = 200
    if posted and not in_review:
        messages.error(request, _("Qualification items are reviewed while the supplier is in qualification review."))
        status = 400
    elif posted and all(f.is_valid() for f in forms):
        entries = [
            onboarding.ChecklistEntry(item=f.item, files=f.cleaned_data["evidence"], note=f.cleaned_data["evidence_note"],
                                      verdict=f.cleaned_data["verdict"], comment=f.cleaned_data["comment"])
            for f in forms
        ]
        try:
            changed = onboarding.review_qualification_checklist(supplier, actor=request.user, entries=entries)
        except onboarding.BatchRefused as exc:
            by_pk = {f.item.pk: f for f in forms}
            for item_pk, problems in exc.by_row.items():
                _row_errors(by_pk[item_pk], problems)
            messages.error(request, _("Nothing was saved: correct the items marked below."))
            status = 400
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            status = 400
        else:
            messages.success(request, _("%(count)d checklist items saved.") % {"count": changed})
            return redirect(_tab(supplier, "admission"))
    elif posted:
        messages.error(request, _("Nothing was saved: correct the items marked below."))
        status = 400
    context = {"supplier": supplier, "rows": list(zip(items, forms, strict=True)), "in_review": in_review,
               "problems": lifecycle.qualification_problems(supplier) if in_review else []}
    return render(request, "suppliers/qualification_checklist.html", context, status=status)


@require_http_methods(["GET", "POST"])
def upload_documents(request, pk):
    supplier = _supplier(request, pk, Cap.EDIT_SUPPLIERS)
    form = ManyDocumentsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            documents = onboarding.upload_documents(
                supplier, actor=request.user, doc_type=data["doc_type"], files=data["files"], title=data["title"],
                issue_date=data["issue_date"], expiry_date=data["expiry_date"],
            )
        except onboarding.BatchRefused as exc:
            for name, problems in exc.by_row.items():
                form.add_error("files", [f"{name}: {strip_field_prefix(p, p.partition(': ')[0])}" for p in problems])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("%(count)d documents were uploaded.") % {"count": len(documents)})
            return redirect(_tab(supplier, "documents"))
    status = 400 if request.method == "POST" else 200
    return render(request, "suppliers/documents_upload_many.html", {"supplier": supplier, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def record_signed_scans(request, pk):
    supplier = _supplier(request, pk, Cap.LIFECYCLE)
    posted = request.method == "POST"
    signer = ScanSignerForm(request.POST if posted else None, prefix="signer")
    initial = [{"agreement_type": t, "signed_at": timezone.localdate()}
               for t in lifecycle.missing_agreements(supplier)] or [{"signed_at": timezone.localdate()}]
    rows = ScanRowFormSet(request.POST if posted else None, request.FILES if posted else None, prefix="scans",
                          initial=None if posted else initial)
    if posted and signer.is_valid() and rows.is_valid():
        scan_rows = [
            onboarding.ScanRow(agreement_type=f.cleaned_data["agreement_type"], scan=f.cleaned_data["scan"],
                               signer_name=signer.cleaned_data["signer_name"],
                               signer_title=signer.cleaned_data["signer_title"],
                               signed_at=_signed_at(f.cleaned_data["signed_at"]))
            for f in rows.forms if f.cleaned_data.get("scan")
        ]
        try:
            signed = onboarding.record_signed_scans(supplier, actor=request.user, rows=scan_rows)
        except onboarding.BatchRefused as exc:
            forms_with_scan = [f for f in rows.forms if f.cleaned_data.get("scan")]
            for index, problems in exc.by_row.items():
                _row_errors(forms_with_scan[index], problems)
        except ValidationError as exc:
            attach_errors(signer, exc)
        else:
            messages.success(request, _("%(count)d signed agreements were recorded.") % {"count": len(signed)})
            return redirect(_tab(supplier, "agreements"))
    context = {"supplier": supplier, "signer": signer, "rows": rows}
    return render(request, "suppliers/agreement_scans.html", context, status=400 if posted else 200)
