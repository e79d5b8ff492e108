"""The supplier JSON API: the same access helpers and services as the pages, in JSON.

Reads of one supplier (detail, sites, documents, agreements) are open to internal roles and to that
supplier's own portal users; everything else is internal. Writes go through the audited services.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models.functions import Upper
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from supplyesg.core.access import Cap, require_internal
from supplyesg.core.api_auth import needs
from supplyesg.core.api_schemas import for_role
from supplyesg.core.errors import RuleViolation
from supplyesg.core.files import validate_upload
from supplyesg.core.models import AuditEvent
from supplyesg.core.paging import page
from supplyesg.suppliers import tally
from supplyesg.suppliers.access import get_supplier_for_user
from supplyesg.suppliers.models import BlacklistEntry, Category, SignedAgreement, Supplier
from supplyesg.suppliers.schemas import (
    AgreementsOut,
    AuditEventPage,
    BlacklistEntryOut,
    BlacklistFilters,
    BlacklistIn,
    BlacklistPage,
    CanOrderList,
    CanOrderOut,
    DocumentIn,
    DocumentOut,
    ErrorOut,
    ExitIn,
    LiftIn,
    Paging,
    PortalSupplierOut,
    PortalSupplierPage,
    SiteIn,
    SiteOut,
    SupplierDetailOut,
    SupplierFilters,
    SupplierIn,
    SupplierPage,
    SupplierPatch,
    TransitionIn,
)
from supplyesg.suppliers.services import compliance, lifecycle, registry

router = Router(tags=["suppliers"])

CAN_ORDER_MAX = 500
_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits that fit a 64-bit primary key
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _errors(*codes):
    return {code: ErrorOut for code in codes}


def _with_categories(suppliers=None):
    """One extra query loads the categories of a whole page, however long the page."""
    suppliers = suppliers if suppliers is not None else Supplier.objects.all()
    return suppliers.prefetch_related("categories")


def _categories(codes):
    """Category objects for codes; unknown codes are a 400 naming the field, before anything is written."""
    if codes is None:
        return None
    wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    found = {c.code: c for c in Category.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ValidationError({"categories": [_("Unknown category code: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    return [found[c] for c in wanted]


def _registry_fields(data: dict) -> dict:
    if data.get("aliases") is not None:
        data["aliases"] = "\n".join(data["aliases"])
    return data


def _detail(user, supplier_id):
    return get_supplier_for_user(user, supplier_id, queryset=_with_categories())


# ---------------------------------------------------------------- registry


@router.get("/suppliers", response={200: SupplierPage | PortalSupplierPage, **_errors(401, 422)}, summary="List suppliers")
def list_suppliers(request, filters: Query[SupplierFilters]):
    """Internal users see every supplier; a supplier's portal user sees only their own."""
    suppliers = Supplier.objects.visible_to(request.user).search(filters.q or "")
    if filters.status:
        suppliers = suppliers.filter(status=filters.status)
    if filters.tier:
        suppliers = suppliers.filter(tier=filters.tier)
    if filters.country:
        suppliers = suppliers.filter(country=filters.country)
    if filters.category:
        suppliers = suppliers.filter(categories__code=filters.category)
    suppliers = _with_categories(suppliers.order_by(filters.ordering, "pk"))
    data = page(suppliers, limit=filters.limit, offset=filters.offset, count=tally.count(suppliers))
    return for_role(request, SupplierPage, PortalSupplierPage, data)


@router.post(
    "/suppliers", response={201: SupplierDetailOut, **ERRORS}, summary="Create a supplier", auth=needs(Cap.EDIT_SUPPLIERS)
)
def create_supplier(request, payload: SupplierIn):
    """Creates a prospect. A possible duplicate answers 409 listing the candidates: check them, then send
    again with `confirmed_not_duplicate: true`. A blacklisted identity answers 409."""
    require_internal(request.user, Cap.EDIT_SUPPLIERS)
    data = payload.dict()
    categories = _categories(data.pop("categories"))
    confirmed = data.pop("confirmed_not_duplicate")
    supplier = registry.create_supplier(
        actor=request.user, categories=categories, confirmed_not_duplicate=confirmed, **_registry_fields(data)
    )
    return Status(201, _detail(request.user, supplier.pk))


@router.get(
    "/suppliers/{supplier_id}",
    response={200: SupplierDetailOut | PortalSupplierOut, **_errors(401, 404)},
    summary="One supplier",
)
def get_supplier(request, supplier_id: int):
    """Staff get every field; a supplier's own portal user gets its portal profile."""
    return for_role(request, SupplierDetailOut, PortalSupplierOut, _detail(request.user, supplier_id))


@router.patch(
    "/suppliers/{supplier_id}",
    response={200: SupplierDetailOut, **ERRORS},
    summary="Change a supplier",
    auth=needs(Cap.EDIT_SUPPLIERS),
)
def update_supplier(request, supplier_id: int, payload: SupplierPatch):
    require_internal(request.user, Cap.EDIT_SUPPLIERS)
    supplier = get_supplier_for_user(request.user, supplier_id, write=True, capability=Cap.EDIT_SUPPLIERS)
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "")
    categories = _categories(data.pop("categories", None))
    registry.update_supplier(supplier, actor=request.user, categories=categories, reason=reason, **_registry_fields(data))
    return _detail(request.user, supplier.pk)


# ---------------------------------------------------------------- sites


@router.get("/suppliers/{supplier_id}/sites", response={200: list[SiteOut], **_errors(401, 404)}, summary="Sites")
def list_sites(request, supplier_id: int):
    return get_supplier_for_user(request.user, supplier_id).sites.all()


@router.post(
    "/suppliers/{supplier_id}/sites", response={201: SiteOut, **ERRORS}, summary="Add a site", auth=needs(Cap.EDIT_SUPPLIERS)
)
def add_site(request, supplier_id: int, payload: SiteIn):
    require_internal(request.user, Cap.EDIT_SUPPLIERS)
    supplier = get_supplier_for_user(request.user, supplier_id, write=True, capability=Cap.EDIT_SUPPLIERS)
    return Status(201, registry.add_site(supplier, actor=request.user, **payload.dict()))


@router.delete(
    "/suppliers/{supplier_id}/sites/{site_id}",
    response={204: None, **_errors(401, 403, 404)},
    summary="Remove a site",
    auth=needs(Cap.EDIT_SUPPLIERS),
)
def remove_site(request, supplier_id: int, site_id: int):
    require_internal(request.user, Cap.EDIT_SUPPLIERS)
    supplier = get_supplier_for_user(request.user, supplier_id, write=True, capability=Cap.EDIT_SUPPLIERS)
    registry.remove_site(get_object_or_404(supplier.sites.all(), pk=site_id), actor=request.user)
    return Status(204, None)


# ---------------------------------------------------------------- documents and agreements


@router.get(
    "/suppliers/{supplier_id}/documents",
    response={200: list[DocumentOut], **_errors(401, 404)},
    summary="Documents",
)
def list_documents(request, supplier_id: int):
    return get_supplier_for_user(request.user, supplier_id).documents.all()


@router.post(
    "/suppliers/{supplier_id}/documents",
    response={201: DocumentOut, **ERRORS},
    summary="Upload a document",
    auth=needs(Cap.EDIT_SUPPLIERS),
)
def upload_document(request, supplier_id: int, details: Form[DocumentIn], file: File[UploadedFile]):
    """multipart/form-data: the file plus doc_type, title, issue_date and expiry_date fields."""
    require_internal(request.user, Cap.EDIT_SUPPLIERS)
    supplier = get_supplier_for_user(request.user, supplier_id, write=True, capability=Cap.EDIT_SUPPLIERS)
    validate_upload(file, field="file")
    document = compliance.upload_document(supplier, actor=request.user, file=file, **details.dict())
    return Status(201, document)


@router.get(
    "/suppliers/{supplier_id}/documents/{document_id}/file",
    response={200: None, **_errors(401, 404)},
    summary="Download a document's file",
)
def download_document(request, supplier_id: int, document_id: int):
    """The file itself, for integrations that authenticate with a token."""
    supplier = get_supplier_for_user(request.user, supplier_id)
    document = get_object_or_404(supplier.documents, pk=document_id)
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name or None)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post(
    "/suppliers/{supplier_id}/exit",
    response={200: SupplierDetailOut, **ERRORS},
    summary="Record a supplier's exit",
    auth=needs(Cap.LIFECYCLE),
)
def exit_supplier(request, supplier_id: int, payload: ExitIn):
    require_internal(request.user, Cap.LIFECYCLE)
    supplier = get_supplier_for_user(request.user, supplier_id, write=True, capability=Cap.LIFECYCLE)
    lifecycle.exit_supplier(supplier, actor=request.user, **payload.dict())
    return _detail(request.user, supplier.pk)


@router.get(
    "/suppliers/{supplier_id}/agreements",
    response={200: AgreementsOut, **_errors(401, 404)},
    summary="Required agreements and signatures",
)
def list_agreements(request, supplier_id: int):
    supplier = get_supplier_for_user(request.user, supplier_id)
    signatures = list(SignedAgreement.objects.filter(supplier=supplier).select_related("agreement_type"))
    signed = {(s.agreement_type_id, s.version) for s in signatures if s.revoked_at is None}
    required = [
        {"code": t.code, "name": t.name, "version": t.version, "signed": (t.pk, t.version) in signed}
        for t in lifecycle.required_agreement_types(supplier)
    ]
    return {"required": required, "signatures": signatures}


# ---------------------------------------------------------------- lifecycle and history


@router.post(
    "/suppliers/{supplier_id}/transitions",
    response={200: SupplierDetailOut, **ERRORS},
    summary="Move a supplier through its lifecycle",
    auth=needs(Cap.LIFECYCLE),
)
def transition_supplier(request, supplier_id: int, payload: TransitionIn):
    """`transition` must be one offered in the current status (see `transitions` on the supplier)."""
    require_internal(request.user, Cap.LIFECYCLE)
    supplier = get_supplier_for_user(request.user, supplier_id, write=True, capability=Cap.LIFECYCLE)
    offered = [name for name, _label, _needs_reason in lifecycle.TRANSITIONS.get(supplier.status, [])]
    if payload.transition not in offered:
        raise RuleViolation(
            _("%(transition)s is not possible in status %(status)s; possible: %(offered)s.")
            % {
                "transition": payload.transition,
                "status": supplier.get_status_display(),
                "offered": ", ".join(offered) or _("none"),
            }
        )
    lifecycle.TRANSITION_FUNCTIONS[payload.transition](supplier, actor=request.user, reason=payload.reason)
    return _detail(request.user, supplier.pk)


@router.get(
    "/suppliers/{supplier_id}/history",
    auth=needs(Cap.VIEW),
    response={200: AuditEventPage, **_errors(401, 404, 422)},
    summary="History of a supplier",
)
def supplier_history(request, supplier_id: int, paging: Query[Paging]):
    """Internal only: the trail also names other suppliers (duplicate decisions, supply links)."""
    require_internal(request.user, Cap.VIEW)
    supplier = get_supplier_for_user(request.user, supplier_id)
    return page(AuditEvent.objects.for_supplier(supplier.pk), limit=paging.limit, offset=paging.offset)


# ---------------------------------------------------------------- blacklist


@router.get(
    "/blacklist", response={200: BlacklistPage, **_errors(401, 404, 422)}, summary="Blacklist entries", auth=needs(Cap.VIEW)
)
def list_blacklist(request, filters: Query[BlacklistFilters]):
    require_internal(request.user, Cap.VIEW)
    entries = BlacklistEntry.objects.filter(supplier__in=Supplier.objects.visible_to(request.user))
    if filters.in_force is True:
        entries = entries.in_force()
    elif filters.in_force is False:
        entries = entries.exclude(pk__in=BlacklistEntry.objects.in_force().values("pk"))
    entries = entries.select_related("supplier", "decided_by").order_by("-decided_at", "-pk")
    return page(entries, limit=filters.limit, offset=filters.offset)


@router.post(
    "/suppliers/{supplier_id}/blacklist",
    response={201: BlacklistEntryOut, **ERRORS},
    summary="Blacklist a supplier",
    auth=needs(Cap.BLACKLIST),
)
def blacklist_supplier(request, supplier_id: int, payload: BlacklistIn):
    require_internal(request.user, Cap.BLACKLIST)
    supplier = get_supplier_for_user(request.user, supplier_id, write=True, capability=Cap.BLACKLIST)
    return Status(201, compliance.blacklist_supplier(supplier, actor=request.user, **payload.dict()))


@router.post(
    "/blacklist/{entry_id}/lift", response={200: BlacklistEntryOut, **ERRORS}, summary="Lift a ban", auth=needs(Cap.BLACKLIST)
)
def lift_blacklist(request, entry_id: int, payload: LiftIn):
    """The supplier leaves the blacklist as exited and must be admitted afresh."""
    require_internal(request.user, Cap.BLACKLIST)
    entries = BlacklistEntry.objects.filter(supplier__in=Supplier.objects.visible_to(request.user))
    entry = get_object_or_404(entries, pk=entry_id)
    return compliance.lift_blacklist(entry, actor=request.user, reason=payload.reason)


# ---------------------------------------------------------------- can order (for ERPs)


@router.get(
    "/suppliers/{supplier_id}/can-order",
    auth=needs(Cap.VIEW),
    response={200: CanOrderOut, **_errors(401, 403, 404)},
    summary="May purchase orders be placed with this supplier?",
)
def can_order(request, supplier_id: int):
    require_internal(request.user, Cap.VIEW)
    return compliance.can_order(get_supplier_for_user(request.user, supplier_id))


def _split(value: str, field: str) -> list[str]:
    items = list(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    if "\x00" in value:
        raise ValidationError({field: [_("The text contains a NUL character.")]})
    if not items:
        raise ValidationError({field: [_("Give at least one value, separated by commas.")]})
    if len(items) > CAN_ORDER_MAX:
        raise ValidationError({field: [_("At most %(max)d values per request.") % {"max": CAN_ORDER_MAX}]})
    return items


@router.get(
    "/can-order",
    response={200: CanOrderList, **ERRORS},
    summary="Can-order answers for many suppliers",
    auth=needs(Cap.VIEW),
)
def can_order_many(request, ids: str | None = None, codes: str | None = None):
    """`?ids=1,2,3` or `?codes=S000001,S000002` (at most 500). Unknown ones are listed in `not_found`."""
    require_internal(request.user, Cap.VIEW)
    if bool(ids) == bool(codes):
        raise ValidationError({"ids": [_("Give either ids or codes.")]})
    suppliers = Supplier.objects.visible_to(request.user).only("pk", "code", "status", "status_changed_at")
    if ids:
        wanted = _split(ids, "ids")
        if not all(_ID.fullmatch(v) for v in wanted):
            raise ValidationError({"ids": [_("ids must be whole numbers separated by commas.")]})
        wanted = list(dict.fromkeys(str(int(v)) for v in wanted))
        found = {str(s.pk): s for s in suppliers.filter(pk__in=[int(v) for v in wanted])}
    else:
        # Codes are matched whatever their case ("s000001" is S000001); `not_found` repeats them as sent.
        wanted = list(dict.fromkeys(_split(codes, "codes")))
        matching = suppliers.annotate(code_upper=Upper("code")).filter(code_upper__in={c.upper() for c in wanted})
        by_code = {s.code.upper(): s for s in matching}
        found = {key: by_code[key.upper()] for key in wanted if key.upper() in by_code}
    answers = compliance.can_order_many(list({s.pk: s for s in (found[key] for key in wanted if key in found)}.values()))
    return {"results": answers, "not_found": [key for key in wanted if key not in found]}
