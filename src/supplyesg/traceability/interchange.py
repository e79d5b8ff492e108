"""EPCIS 2.0 JSON import (a write: all or nothing, with a result naming each problem's event and field) and export
(a read: the effective events of a set of lots, with their error declarations, in GS1's document shape)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.traceability import epcis, rules
from supplyesg.traceability.models import BusinessDocument, EventLot, Lot, MaterialDefinition, TraceEvent
from supplyesg.traceability.services import _tolerance, finding_text

ILMD_MATERIAL = "supplyesg:material"
ILMD_COUNTRY = "supplyesg:country"
ILMD_CID = "supplyesg:smelterID"


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    declared: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Rejected(Exception):
    pass


def import_epcis(*, actor, supplier, document) -> ImportResult:
    """Record a document's events for `supplier`. Known event ids are skipped (a document may be sent twice); an
    event carrying errorDeclaration declares the stored event of that id wrong. Any problem: nothing is written."""
    events, problems = epcis.read_document(document)
    result = ImportResult(errors=[str(p) for p in problems])
    if problems:
        return result
    try:
        with transaction.atomic():
            _write(actor, supplier, events, result)
            if result.errors:
                raise _Rejected
            audit.record(
                actor=actor,
                action="trace.imported",
                target=supplier,
                supplier=supplier,
                changes={"created": result.created, "skipped": result.skipped, "declared": result.declared},
            )
    except _Rejected:
        return ImportResult(errors=result.errors)
    return result


def _new_lot(event: epcis.Event, ref: epcis.LotRef, supplier, actor, errors) -> Lot | None:
    from supplyesg.minerals.models import Smelter

    code = event.ilmd.get(ILMD_MATERIAL, "")
    material = MaterialDefinition.objects.filter(code=code).first() if code else None
    if material is None:
        errors.append(
            str(
                epcis.Problem(
                    event.index,
                    f"ilmd.{ILMD_MATERIAL}",
                    _("lot %(lot)s is not known; a new lot needs its material code") % {"lot": ref.identifier},
                )
            )
        )
        return None
    cid = event.ilmd.get(ILMD_CID, "")
    smelter = Smelter.objects.filter(cid=cid).first() if cid else None
    if cid and smelter is None:
        errors.append(
            str(epcis.Problem(event.index, f"ilmd.{ILMD_CID}", _("smelter id %(cid)s is not on the smelter list") % {"cid": cid}))
        )
        return None
    return Lot.objects.create(
        material=material,
        identifier=ref.identifier,
        supplier=supplier,
        country=str(event.ilmd.get(ILMD_COUNTRY, ""))[:2].upper(),
        smelter=smelter,
        quantity=ref.quantity or Decimal("0"),
        unit=ref.unit if ref.unit != "pcs" else material.unit,
        key_data={k: v for k, v in event.ilmd.items() if not k.startswith("supplyesg:")},
        made_at=event.event_time,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def _write(actor, supplier, events: list[epcis.Event], result: ImportResult) -> None:
    from supplyesg.suppliers.models import Supplier

    known = set(TraceEvent.objects.filter(event_id__in=[e.event_id for e in events]).values_list("event_id", flat=True))
    for event in events:
        if event.error_declaration is not None:
            target = TraceEvent.objects.filter(event_id=event.event_id, supplier=supplier).first()
            if target is None:
                result.errors.append(
                    str(epcis.Problem(event.index, "eventID", _("no event of yours has this id to declare wrong")))
                )
                continue
            if not target.error_declarations.exists():
                TraceEvent.objects.create(
                    event_id=f"{event.event_id}#error",
                    type=target.type,
                    action=target.action,
                    biz_step=target.biz_step,
                    event_time=target.event_time,
                    supplier=supplier,
                    declares_error_on=target,
                    error_reason=event.error_declaration["reason"] or "incorrect_data",
                    corrective_event_ids=event.error_declaration["corrective_event_ids"],
                    recorded_by=actor if getattr(actor, "pk", None) else None,
                )
                result.declared += 1
            continue
        if event.event_id in known:
            result.skipped += 1
            continue
        links = []
        for ref in event.lots:
            lot = Lot.objects.filter(identifier=ref.identifier).first()
            if lot is None:
                if ref.role in ("output", "parent") or (ref.role == "object" and event.biz_step == "commissioning"):
                    lot = _new_lot(event, ref, supplier, actor, result.errors)
                else:
                    result.errors.append(
                        str(epcis.Problem(event.index, ref.role, _("lot %(lot)s is not known") % {"lot": ref.identifier}))
                    )
                if lot is None:
                    continue
            links.append((lot, ref))
        if event.type == "TransformationEvent":
            ins = sum((r.quantity or 0 for _l, r in links if r.role == "input"), Decimal("0"))
            outs = [(lot, r) for lot, r in links if r.role == "output"]
            if ins and len(outs) == 1 and outs[0][1].quantity is not None:
                material = outs[0][0].material
                for finding in rules.check_transformation(
                    ins, outs[0][1].quantity, material.conversion_factor, _tolerance(material), field_name="outputQuantityList"
                ):
                    result.errors.append(f"event {event.index}, {finding_text(finding)}")
        destination = next((ident for kind, ident in event.destinations if kind == "owning_party"), "")
        stored = TraceEvent.objects.create(
            event_id=event.event_id,
            type=event.type,
            action=event.action,
            biz_step=event.biz_step,
            disposition=event.disposition,
            event_time=event.event_time,
            event_time_zone_offset=event.offset or "+00:00",
            supplier=supplier,
            destination_supplier=Supplier.objects.filter(code=destination.rsplit(":", 1)[-1]).first() if destination else None,
            extra={"readPoint": event.read_point, "bizLocation": event.biz_location}
            if event.read_point or event.biz_location
            else {},
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        EventLot.objects.bulk_create(
            [EventLot(event=stored, lot=lot, role=r.role, quantity=r.quantity, unit=r.unit) for lot, r in links]
        )
        BusinessDocument.objects.bulk_create(
            [BusinessDocument(event=stored, kind=kind or "po", reference=ref[:200]) for kind, ref in event.transactions]
        )
        result.created += 1


# ---------------------------------------------------------------- export

_LIST_NAMES = {
    ("ObjectEvent", "object"): ("epcList", "quantityList"),
    ("TransactionEvent", "object"): ("epcList", "quantityList"),
    ("AggregationEvent", "child"): ("childEPCs", "childQuantityList"),
    ("TransformationEvent", "input"): ("inputEPCList", "inputQuantityList"),
    ("TransformationEvent", "output"): ("outputEPCList", "outputQuantityList"),
}


def _supplier_urn(supplier) -> str:
    return f"urn:supplyesg:supplier:{supplier.code}"


def event_json(event: TraceEvent, links: list[EventLot], documents: list[BusinessDocument]) -> dict:
    out = {
        "type": event.type,
        "eventID": event.event_id,
        "eventTime": event.event_time.isoformat(),
        "eventTimeZoneOffset": event.event_time_zone_offset,
    }
    if event.type != "TransformationEvent":
        out["action"] = event.action or "OBSERVE"
    for link in links:
        if link.role == "parent":
            out["parentID"] = link.lot.identifier
            continue
        epc_name, quantity_name = _LIST_NAMES.get((event.type, link.role), (None, None))
        if quantity_name is None:
            continue
        if link.quantity is None:
            out.setdefault(epc_name, []).append(link.lot.identifier)
        else:
            out.setdefault(quantity_name, []).append(epcis.quantity_entry(link.lot.identifier, link.quantity, link.unit))
    if event.biz_step:
        out["bizStep"] = event.biz_step
    if event.disposition:
        out["disposition"] = event.disposition
    if documents:
        out["bizTransactionList"] = [{"type": d.kind, "bizTransaction": d.reference} for d in documents]
    if event.source_supplier_id:
        out["sourceList"] = [{"type": "owning_party", "source": _supplier_urn(event.source_supplier)}]
    if event.destination_supplier_id:
        out["destinationList"] = [{"type": "owning_party", "destination": _supplier_urn(event.destination_supplier)}]
    made = [link.lot for link in links if link.role == "output" or (link.role == "object" and event.biz_step == "commissioning")]
    if made:
        lot = made[0]
        ilmd = {ILMD_MATERIAL: lot.material.code}
        if lot.country:
            ilmd[ILMD_COUNTRY] = lot.country
        if lot.smelter_id:
            ilmd[ILMD_CID] = lot.smelter.cid
        out["ilmd"] = ilmd
    declaration = next(iter(event.error_declarations.all()), None)
    if declaration is not None:
        out["errorDeclaration"] = {
            "declarationTime": declaration.recorded_at.isoformat(),
            "reason": declaration.error_reason,
            "correctiveEventIDs": declaration.corrective_event_ids,
        }
    return out


def export_epcis(lot_ids) -> dict:
    """Every event (not the declarations, which travel inside the event they declare) touching these lots."""
    events = list(
        TraceEvent.objects.filter(declares_error_on__isnull=True, lot_links__lot_id__in=list(lot_ids))
        .distinct()
        .select_related("source_supplier", "destination_supplier")
        .prefetch_related("error_declarations")
        .order_by("event_time", "pk")
    )
    links: dict[int, list[EventLot]] = {}
    for link in EventLot.objects.filter(event__in=events).select_related("lot__material", "lot__smelter").order_by("pk"):
        links.setdefault(link.event_id, []).append(link)
    documents: dict[int, list[BusinessDocument]] = {}
    for doc in BusinessDocument.objects.filter(event__in=events).order_by("pk"):
        documents.setdefault(doc.event_id, []).append(doc)
    return epcis.document([event_json(e, links.get(e.pk, []), documents.get(e.pk, [])) for e in events], timezone.now())
