"""Sanctions hits for integrators: list them, confirm or dismiss one. Internal roles only."""

from datetime import datetime

from ninja import Query, Router, Schema

from supplyesg.core.access import Cap, require_internal
from supplyesg.core.api_auth import needs
from supplyesg.core.api_schemas import error_responses
from supplyesg.suppliers.sanctions import services
from supplyesg.suppliers.sanctions.access import get_hit_for_user
from supplyesg.suppliers.sanctions.models import SanctionsHit

router = Router(tags=["sanctions"])


class HitOut(Schema):
    id: int
    status: str
    list: str
    list_version: str
    reference: str
    listed_name: str
    listed_names: list[str]
    subject_kind: str
    subject_id: int
    subject: str
    supplier_id: int | None
    screened_name: str
    matched_name: str
    score: float
    reasons: list[str]
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str


class HitFilters(Schema):
    status: SanctionsHit.Status | None = None
    supplier_id: int | None = None


class HitDecisionIn(Schema):
    reason: str = ""


def _out(hit: SanctionsHit) -> dict:
    return {
        "id": hit.pk,
        "status": hit.status,
        "list": hit.sanctions_list.name,
        "list_version": hit.list_version,
        "reference": hit.reference,
        "listed_name": hit.entry_name,
        "listed_names": hit.entry_names,
        "subject_kind": hit.subject_kind,
        "subject_id": hit.subject_id,
        "subject": hit.subject_label,
        "supplier_id": hit.supplier_id,
        "screened_name": hit.screened_name,
        "matched_name": hit.matched_name,
        "score": hit.score,
        "reasons": hit.reasons,
        "decided_by": hit.decided_by.get_username() if hit.decided_by else None,
        "decided_at": hit.decided_at,
        "decision_reason": hit.decision_reason,
    }


@router.get(
    "/sanctions/hits",
    response={200: list[HitOut], **error_responses(401, 403, 404, 422)},
    summary="Sanctions screening hits",
    url_name="sanctions_hits",
    auth=needs(Cap.VIEW),
)
def list_hits(request, filters: Query[HitFilters]):
    require_internal(request.user, Cap.VIEW)
    hits = SanctionsHit.objects.select_related("sanctions_list", "decided_by")
    if filters.status:
        hits = hits.filter(status=filters.status)
    if filters.supplier_id:
        hits = hits.filter(supplier_id=filters.supplier_id)
    return [_out(h) for h in hits[:1000]]


@router.post(
    "/sanctions/hits/{hit_id}/confirm",
    response={200: HitOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Confirm a hit: the supplier may no longer receive orders",
    auth=needs(Cap.BLACKLIST),
    url_name="sanctions_confirm",
)
def confirm_hit(request, hit_id: int, payload: HitDecisionIn):
    hit = get_hit_for_user(request.user, hit_id, write=True)
    return _out(services.confirm_hit(hit, actor=request.user, reason=payload.reason))


@router.post(
    "/sanctions/hits/{hit_id}/dismiss",
    response={200: HitOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Dismiss a hit (a reason is required)",
    auth=needs(Cap.BLACKLIST),
    url_name="sanctions_dismiss",
)
def dismiss_hit(request, hit_id: int, payload: HitDecisionIn):
    hit = get_hit_for_user(request.user, hit_id, write=True)
    return _out(services.dismiss_hit(hit, actor=request.user, reason=payload.reason))
