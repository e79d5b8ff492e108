"""The traceability JSON API: a lot's backward trace (internal roles), EPCIS 2.0 export of that trace, and EPCIS
2.0 import for a supplier (Cap.EDIT_SUPPLIERS; all or nothing, errors naming the event index and field)."""

from decimal import Decimal

from ninja import Router, Schema, Status

from supplyesg.core.access import Cap
from supplyesg.core.api_auth import needs
from supplyesg.core.api_schemas import error_responses as _errors
from supplyesg.suppliers.models import Supplier
from supplyesg.traceability import interchange, queries
from supplyesg.traceability.access import get_lot_for_user

router = Router(tags=["traceability"])


class LotOut(Schema):
    id: int
    identifier: str
    material: str
    stage: int
    holder: str
    country: str
    smelter_cid: str | None
    quantity: Decimal
    unit: str
    assurance: str
    generation: int


class TraceOut(Schema):
    lot: str
    reaches_origin: bool
    countries: list[str]
    weakest_assurance: str | None
    lots: list[LotOut]


@router.get(
    "/traceability/lots/{lot_id}/trace",
    auth=needs(Cap.VIEW),
    response={200: TraceOut, **_errors(401, 403, 404)},
    summary="A lot's backward trace: every upstream lot, its holder, country and smelter, down to mine or quartzite",
)
def lot_trace(request, lot_id: int):
    lot = get_lot_for_user(request.user, lot_id)
    trace = queries.backward([lot.pk])
    rows = [
        LotOut(
            id=x.pk,
            identifier=x.identifier,
            material=x.material.code,
            stage=x.material.stage,
            holder=x.holder,
            country=x.country,
            smelter_cid=x.smelter.cid if x.smelter_id else None,
            quantity=x.quantity,
            unit=x.unit,
            assurance=x.assurance,
            generation=n,
        )
        for n, generation in enumerate(trace.generations)
        for x in generation
    ]
    return TraceOut(
        lot=lot.identifier,
        reaches_origin=trace.reaches_origin,
        countries=trace.countries,
        weakest_assurance=trace.weakest_assurance,
        lots=rows,
    )


@router.get(
    "/traceability/lots/{lot_id}/epcis",
    auth=needs(Cap.VIEW),
    response={200: dict, **_errors(401, 403, 404)},
    summary="The events of a lot's backward trace as an EPCIS 2.0 JSON document",
)
def lot_epcis(request, lot_id: int):
    lot = get_lot_for_user(request.user, lot_id)
    return interchange.export_epcis([x.pk for x in queries.backward([lot.pk]).lots])


class EpcisIn(Schema):
    supplier_code: str
    document: dict


class EpcisImportOut(Schema):
    created: int
    skipped: int
    declared: int


@router.post(
    "/traceability/epcis",
    auth=needs(Cap.EDIT_SUPPLIERS),
    response={200: EpcisImportOut, **_errors(400, 401, 403, 404, 422)},
    summary="Import an EPCIS 2.0 JSON document as a supplier's events (nothing is written when any event is wrong)",
)
def import_epcis(request, payload: EpcisIn):
    supplier = Supplier.objects.filter(code__iexact=payload.supplier_code.strip()).first()
    if supplier is None:
        return Status(
            400,
            {
                "detail": "No supplier has this code.",
                "errors": [{"field": "supplier_code", "message": "No supplier has this code."}],
            },
        )
    result = interchange.import_epcis(actor=request.user, supplier=supplier, document=payload.document)
    if not result.ok:
        return Status(400, {"detail": result.errors[0], "errors": [{"field": "document", "message": e} for e in result.errors]})
    return EpcisImportOut(created=result.created, skipped=result.skipped, declared=result.declared)
