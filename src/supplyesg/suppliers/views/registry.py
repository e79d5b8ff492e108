"""The internal supplier registry: list, dashboard, create and edit, the detail page with its profile, sites,
supply-chain and history tabs, duplicates, and access-checked downloads of private files."""

import copy
import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from supplyesg.core import history, supplier_page
from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent, PolicySettings
from supplyesg.suppliers import queries
from supplyesg.suppliers.access import get_supplier_for_user
from supplyesg.suppliers.forms.registry import (
    ContactForm,
    DuplicateDecisionForm,
    SiteForm,
    SupplierCreateForm,
    SupplierEditForm,
    SupplierFilterForm,
    SupplyLinkForm,
)
from supplyesg.suppliers.models import (
    BlacklistEntry,
    Certification,
    Document,
    DuplicateDecision,
    QualificationEvidenceFile,
    QualificationItem,
    SignedAgreement,
    Supplier,
    SupplyLink,
)
from supplyesg.suppliers.services import compliance, orders
from supplyesg.suppliers.services import registry as registry_services
from supplyesg.suppliers.views.lifecycle import lifecycle_context
from supplyesg.suppliers.views.portal_users import portal_users_context

TABS = (
    ("profile", gettext_lazy("Profile")),
    ("sites", gettext_lazy("Sites")),
    ("chain", gettext_lazy("Supply chain")),
    ("documents", gettext_lazy("Documents")),
    ("agreements", gettext_lazy("Agreements")),
    ("admission", gettext_lazy("Admission")),
    ("portal_users", gettext_lazy("Portal users")),
)
# Tabs the apps above add (core/supplier_page.py) come between these and the history, which is always last.
HISTORY_TAB = ("history", gettext_lazy("History"))
HISTORY_PAGE_SIZE = 25


# kind in the URL -> (model, file field). Every model has a `supplier` the access check is made on.
FILE_KINDS = {
    "document": (Document, "file"),
    "evidence": (QualificationItem, "evidence"),
    "evidence_file": (QualificationEvidenceFile, "file"),
    "certification": (Certification, "evidence"),
    "scan": (SignedAgreement, "scan"),
    "blacklist": (BlacklistEntry, "evidence"),
}
# Kinds only internal users may download, even the supplier's own.
INTERNAL_FILE_KINDS = frozenset({"blacklist"})


# ---------------------------------------------------------------- helpers


def _is_htmx(request) -> bool:
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def _writable_supplier(request, pk) -> Supplier:
    """Registry writes: 404 to supplier users and strangers, 403 without the edit capability."""
    require_internal(request.user, Cap.EDIT_SUPPLIERS)
    return get_supplier_for_user(request.user, pk, write=True)


def _tab_url(supplier, tab: str) -> str:
    return f"{reverse('suppliers:detail', args=[supplier.pk])}?tab={tab}"


def _error_texts(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{name}: {message}" if name != "__all__" else message
            for name, errors in exc.message_dict.items()
            for message in errors
        ]
    return list(exc.messages)


def _flash_form_errors(request, form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _flash_errors(request, exc: ValidationError) -> None:
    for text in _error_texts(exc):
        messages.error(request, text)


def _add_service_errors(form, exc: ValidationError) -> None:
    """Errors from a service's full_clean go under the field they name, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, list(exc.messages))


# ---------------------------------------------------------------- list and dashboard


@require_http_methods(["GET"])
def supplier_list(request):
    require_internal(request.user)
    form = SupplierFilterForm(request.GET, countries=queries.countries_in_use())
    filters = form.filters()
    grade = queries.grade_filter(request.GET.get("grade"))
    if grade:
        filters["grade"] = grade
    conditional = queries.conditional_filter(request.GET.get("conditional"))
    if conditional:
        filters["conditional"] = conditional
    sort = queries.normalise_sort(filters.pop("sort", None))
    page = queries.supplier_list_page(filters, sort, request.GET.get("page"))
    htmx = _is_htmx(request)
    context = {"form": form, "page": page, "columns": queries.list_columns(sort), "sort": sort, "htmx": htmx,
               "grade": grade, "grade_choices": queries.GRADE_FILTER_CHOICES, "conditional": conditional}
    response = render(request, "suppliers/_supplier_rows.html" if htmx else "suppliers/supplier_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET"])
def dashboard(request):
    require_internal(request.user)
    today = timezone.localdate()
    warning_days = PolicySettings.current().document_expiry_warning_days
    expiring = queries.expiring_documents(warning_days, today)
    expired = queries.expired_documents(today)
    by_status, by_tier = queries.count_by_status_and_tier()
    status_count = {row["value"]: row["count"] for row in by_status}
    return render(
        request,
        "suppliers/dashboard.html",
        {
            "by_status": by_status,
            "by_tier": by_tier,
            "total": sum(status_count.values()),
            "warning_days": warning_days,
            "expiring": list(expiring[:10]),
            "expiring_count": expiring.count(),
            "expired": list(expired[:10]),
            "expired_count": expired.count(),
            "pending_changes": queries.pending_profile_changes(),
            "in_qualification": status_count[Supplier.Status.QUALIFICATION],
            "in_certification": status_count[Supplier.Status.CERTIFICATION],
            "blacklisted": queries.blacklisted_in_force(),
            "missing_count": None,  # the panel below fetches it once the page has loaded (dashboard_missing)
        },
    )


@require_http_methods(["GET"])
def dashboard_missing(request):
    """The dashboard's panel of approved suppliers missing a mandatory document, and its figure tile. It checks
    every approved supplier's documents against its categories' rules (about 0.2 s at 100,000 suppliers), so the
    dashboard shows its other figures first and fetches this one after."""
    require_internal(request.user)
    missing_count, missing_rows = queries.suppliers_missing_documents(timezone.localdate())
    return render(request, "suppliers/_dashboard_missing.html", {"missing_count": missing_count, "missing_rows": missing_rows})


# ---------------------------------------------------------------- create and edit


def _duplicate_candidates(fields: dict, exclude_pk=None):
    return registry_services.find_duplicates(
        legal_name=fields.get("legal_name", ""),
        country=fields.get("country", ""),
        registration_id=fields.get("registration_id", ""),
        local_name=fields.get("local_name", ""),
        exclude_pk=exclude_pk,
    )


def _is_duplicate_refusal(exc: RuleViolation, fields: dict) -> bool:
    """Whether create_supplier refused because of possible duplicates (and not because of the blacklist).

    RuleViolation built from a list of messages loses its `code` (ValidationError keeps a code only for a
    single message), so when the code is missing, tell the two refusals apart by asking the same questions.
    """
    code = getattr(exc, "code", None)
    if code:
        return code == "duplicate"
    blacklisted = compliance.matching_blacklist_entries(
        legal_name=fields.get("legal_name", ""),
        country=fields.get("country", ""),
        registration_id=fields.get("registration_id", ""),
        local_name=fields.get("local_name", ""),
    )
    return not blacklisted and bool(_duplicate_candidates(fields))


def _is_doubtful_blacklist_refusal(fields: dict) -> bool:
    hits = compliance.blacklist_hits(
        legal_name=fields.get("legal_name", ""),
        country=fields.get("country", ""),
        registration_id=fields.get("registration_id", ""),
        local_name=fields.get("local_name", ""),
    )
    return bool(hits) and not any(h.certain for h in hits)


def _render_form(request, form, status: int = 200, **extra):
    context = {"form": form, "asking_confirmation": "confirmed_not_duplicate" in form.fields, **extra}
    return render(request, "suppliers/supplier_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def create_supplier(request):
    require_internal(request.user, Cap.EDIT_SUPPLIERS)
    if request.method == "GET":
        return _render_form(request, SupplierCreateForm())
    # The confirmation box is offered once the possible duplicates have been shown.
    ask_blacklist = "blacklist_doubt_shown" in request.POST and can(request.user, Cap.BLACKLIST)
    form = SupplierCreateForm(
        request.POST, ask_confirmation="duplicates_shown" in request.POST, ask_blacklist=ask_blacklist
    )
    if not form.is_valid():
        return _render_form(request, form, status=400)
    fields = form.registry_fields()
    confirmed = form.confirmed_not_duplicate
    try:
        with transaction.atomic():
            shown = _duplicate_candidates(fields) if confirmed else []
            supplier = registry_services.create_supplier(
                actor=request.user,
                categories=list(form.cleaned_data["categories"]),
                confirmed_not_duplicate=confirmed,
                blacklist_override_reason=form.blacklist_override_reason if ask_blacklist else "",
                **fields,
            )
            for candidate in shown:
                registry_services.decide_duplicate(
                    supplier=supplier, other=candidate.supplier, verdict=DuplicateDecision.Verdict.DIFFERENT, actor=request.user
                )
    except RuleViolation as exc:
        if not confirmed and _is_duplicate_refusal(exc, fields):
            form = SupplierCreateForm(request.POST, ask_confirmation=True)
            form.is_valid()
            return _render_form(request, form, candidates=_duplicate_candidates(fields))
        if _is_doubtful_blacklist_refusal(fields) and can(request.user, Cap.BLACKLIST):
            form = SupplierCreateForm(request.POST, ask_confirmation=confirmed, ask_blacklist=True)
            form.is_valid()
            _add_service_errors(form, exc)
            return _render_form(request, form, status=400, blacklist_doubt=True)
        _add_service_errors(form, exc)
        return _render_form(request, form, status=400)
    except ValidationError as exc:
        _add_service_errors(form, exc)
        return _render_form(request, form, status=400)
    messages.success(request, _("Supplier %(code)s %(name)s was created.") % {"code": supplier.code, "name": supplier.legal_name})
    return redirect("suppliers:detail", pk=supplier.pk)


@require_http_methods(["GET", "POST"])
def edit_supplier(request, pk):
    supplier = _writable_supplier(request, pk)
    # The form works on a copy, so a rejected edit never shows in the page header.
    form = SupplierEditForm(request.POST or None, instance=copy.copy(supplier))
    if request.method == "POST" and form.is_valid():
        try:
            registry_services.update_supplier(
                supplier,
                actor=request.user,
                categories=list(form.cleaned_data["categories"]),
                reason=form.cleaned_data["reason"],
                **form.registry_fields(),
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("suppliers:detail", pk=supplier.pk)
    return _render_form(request, form, status=400 if request.method == "POST" else 200, supplier=supplier)


# ---------------------------------------------------------------- detail


def _profile_context(request, supplier) -> dict:
    return {"contacts": supplier.contacts.all(), "contact_form": ContactForm(prefix="contact")}


def _sites_context(request, supplier) -> dict:
    return {"sites": supplier.sites.all(), "site_form": SiteForm(prefix="site", initial={"country": supplier.country})}


def _chain_context(request, supplier) -> dict:
    return {
        "chain": registry_services.supply_chain(supplier),
        "upstream_links": supplier.supplier_links.select_related("upstream").order_by("upstream__legal_name"),
        "downstream_links": supplier.customer_links.select_related("downstream").order_by("downstream__legal_name"),
        "link_form": SupplyLinkForm(prefix="link"),
    }


def _history_context(request, supplier) -> dict:
    page = Paginator(AuditEvent.objects.for_supplier(supplier.pk), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return {"history_page": page, "history_rows": history.describe_all(page)}


TAB_CONTEXTS = {
    "profile": _profile_context,
    "sites": _sites_context,
    "chain": _chain_context,
    "history": _history_context,
    "portal_users": portal_users_context,
}


def _duplicates_context(supplier) -> dict:
    """Possible duplicates not yet answered, and the records already marked as the same company."""
    decided = {}
    for a, b, verdict in DuplicateDecision.objects.filter(Q(supplier_a=supplier) | Q(supplier_b=supplier)).values_list(
        "supplier_a_id", "supplier_b_id", "verdict"
    ):
        decided[b if a == supplier.pk else a] = verdict
    candidates = [
        c
        for c in _duplicate_candidates(
            {"legal_name": supplier.legal_name, "country": supplier.country, "registration_id": supplier.registration_id},
            exclude_pk=supplier.pk,
        )
        if c.supplier.pk not in decided
    ]
    same = [pk for pk, verdict in decided.items() if verdict == DuplicateDecision.Verdict.SAME]
    return {
        "duplicate_candidates": candidates,
        "same_as": Supplier.objects.filter(pk__in=same).order_by("legal_name") if same else [],
    }


@require_http_methods(["GET"])
def supplier_detail(request, pk):
    require_internal(request.user)
    supplier = get_supplier_for_user(
        request.user, pk, queryset=Supplier.objects.select_related("created_by").prefetch_related("categories")
    )
    added = {t.key: t for t in supplier_page.tabs_for(request.user)}
    tabs = [*TABS, *((t.key, t.label) for t in added.values()), HISTORY_TAB]
    tab = request.GET.get("tab", "profile")
    if tab not in {key for key, _label in tabs}:
        tab = "profile"
    context = {
        "tabs": tabs,
        "tab": tab,
        "added_tab_url": supplier_page.tab_url(added[tab], supplier) if tab in added else "",
        "order": compliance.can_order(supplier),
        "standing": orders.standing(supplier),
        "can_edit": can(request.user, Cap.EDIT_SUPPLIERS),
        **_duplicates_context(supplier),
    }
    if tab in TAB_CONTEXTS:
        context.update(TAB_CONTEXTS[tab](request, supplier))
    context.update(lifecycle_context(request, supplier, tab))
    if tab == "profile":
        context.update(supplier_page.panels_context(request, supplier))
    context["supplier"] = supplier
    context["conditional_acceptance"] = queries.conditional_acceptance(supplier)
    return render(request, "suppliers/supplier_detail.html", context)


# ---------------------------------------------------------------- sites, contacts, links, duplicates


def _add(request, supplier, form, tab: str, create, success: str):
    """Shared shape of the inline "add" forms: validate, call the service, report, back to the tab."""
    if not form.is_valid():
        _flash_form_errors(request, form)
        return redirect(_tab_url(supplier, tab))
    try:
        created = create(form.cleaned_data)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, success % {"name": str(created)})
    return redirect(_tab_url(supplier, tab))


@require_http_methods(["POST"])
def add_site(request, pk):
    supplier = _writable_supplier(request, pk)
    return _add(
        request,
        supplier,
        SiteForm(request.POST, prefix="site"),
        "sites",
        lambda data: registry_services.add_site(supplier, actor=request.user, **data),
        _("Site %(name)s was added."),
    )


@require_http_methods(["POST"])
def remove_site(request, pk, site_pk):
    supplier = _writable_supplier(request, pk)
    site = get_object_or_404(supplier.sites, pk=site_pk)
    registry_services.remove_site(site, actor=request.user)
    messages.success(request, _("Site %(name)s was removed.") % {"name": site.name})
    return redirect(_tab_url(supplier, "sites"))


@require_http_methods(["POST"])
def add_contact(request, pk):
    supplier = _writable_supplier(request, pk)
    return _add(
        request,
        supplier,
        ContactForm(request.POST, prefix="contact"),
        "profile",
        lambda data: registry_services.add_contact(supplier, actor=request.user, **data),
        _("Contact %(name)s was added."),
    )


@require_http_methods(["POST"])
def remove_contact(request, pk, contact_pk):
    supplier = _writable_supplier(request, pk)
    contact = get_object_or_404(supplier.contacts, pk=contact_pk)
    registry_services.remove_contact(contact, actor=request.user)
    messages.success(request, _("Contact %(name)s was removed.") % {"name": contact.name})
    return redirect(_tab_url(supplier, "profile"))


@require_http_methods(["POST"])
def add_link(request, pk):
    supplier = _writable_supplier(request, pk)
    form = SupplyLinkForm(request.POST, prefix="link", user=request.user)
    return _add(
        request,
        supplier,
        form,
        "chain",
        lambda data: (
            registry_services.link_suppliers(
                upstream=data["upstream_code"], downstream=supplier, actor=request.user, material=data["material"]
            ).upstream
        ),
        _("%(name)s is now recorded as an upstream supplier."),
    )


@require_http_methods(["POST"])
def remove_link(request, pk, link_pk):
    supplier = _writable_supplier(request, pk)
    link = get_object_or_404(
        SupplyLink.objects.filter(Q(upstream=supplier) | Q(downstream=supplier)).select_related("upstream", "downstream"),
        pk=link_pk,
    )
    registry_services.unlink_suppliers(link, actor=request.user)
    messages.success(request, _("The link %(up)s → %(down)s was removed.") % {"up": link.upstream, "down": link.downstream})
    return redirect(_tab_url(supplier, "chain"))


@require_http_methods(["POST"])
def decide_duplicate(request, pk, other_pk):
    supplier = _writable_supplier(request, pk)
    other = get_supplier_for_user(request.user, other_pk, write=True)
    form = DuplicateDecisionForm(request.POST)
    if not form.is_valid():
        _flash_form_errors(request, form)
        return redirect("suppliers:detail", pk=supplier.pk)
    try:
        registry_services.decide_duplicate(
            supplier=supplier, other=other, verdict=form.cleaned_data["verdict"], actor=request.user
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        if form.cleaned_data["verdict"] == DuplicateDecision.Verdict.SAME:
            messages.success(
                request, _("%(a)s and %(b)s are recorded as the same company.") % {"a": supplier.code, "b": other.code}
            )
        else:
            messages.success(
                request, _("%(a)s and %(b)s are recorded as different companies.") % {"a": supplier.code, "b": other.code}
            )
    return redirect("suppliers:detail", pk=supplier.pk)


# ---------------------------------------------------------------- private files


def _download_name(kind: str, obj, stored_name: str) -> str:
    original = getattr(obj, "original_name", "")
    if original:
        return os.path.basename(original)
    suffix = os.path.splitext(stored_name)[1]
    return f"{kind}-{obj.pk}{suffix}"


@require_http_methods(["GET"])
def download_file(request, kind, obj_pk):
    """Uploaded files are private: served only here, to users who may see the supplier they belong to."""
    if kind not in FILE_KINDS:
        raise Http404
    if kind in INTERNAL_FILE_KINDS:
        require_internal(request.user)
    model, field = FILE_KINDS[kind]
    obj = get_object_or_404(model.objects.filter(supplier__in=Supplier.objects.visible_to(request.user)), pk=obj_pk)
    get_supplier_for_user(request.user, obj.supplier_id)
    stored = getattr(obj, field)
    if not stored or not stored.name:
        raise Http404
    try:
        handle = stored.storage.open(stored.name, "rb")
    except OSError:
        raise Http404
    response = FileResponse(handle, as_attachment=True, filename=_download_name(kind, obj, stored.name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
