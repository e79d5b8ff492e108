"""Every write of traceability: one audited function each, in one transaction.

Suppliers record receipts, transformations and shipments of their own lots; the conservation checks of
`rules` refuse what cannot be (shipping or consuming more than is held, a yield outside the tolerance) and flag
what is not known yet (untraced inputs). Events are append-only; a wrong one gets an error declaration.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.core.files import validate_upload
from supplyesg.core.models import PolicySettings
from supplyesg.traceability import epcis, queries, rules
from supplyesg.traceability.models import (
    Assurance,
    BusinessDocument,
    EventLot,
    EvidenceFile,
    Lot,
    MaterialDefinition,
    OriginDocument,
    Party,
    TraceEvent,
)

DEFINITIONS_FILE = Path(__file__).resolve().parent / "data" / "material_definitions.json"

ACTION_LABELS = {
    "trace.received": gettext_lazy("Lot received"),
    "trace.transformed": gettext_lazy("Lot made from inputs"),
    "trace.shipped": gettext_lazy("Lot shipped"),
    "trace.error_declared": gettext_lazy("Trace event declared wrong"),
    "trace.imported": gettext_lazy("EPCIS events imported"),
    "origin_document.attached": gettext_lazy("Origin document attached"),
    "origin_document.reviewed": gettext_lazy("Origin document reviewed"),
    "material_definitions.loaded": gettext_lazy("Material definitions loaded"),
}


def _number(value):
    """400.000 and 400 read the same, whichever database summed them."""
    if isinstance(value, Decimal) and value.is_finite():
        text = format(value.normalize(), "f")
        return text
    return value


def finding_text(finding: rules.Finding) -> str:
    v = {key: _number(value) for key, value in finding.values.items()}
    if finding.code == "over_shipped":
        return _("%(field)s: lot %(lot)s has %(held)s left with you; %(wanted)s cannot leave.") % {"field": finding.field, **v}
    if finding.code == "not_positive":
        return _("%(field)s: the quantity of lot %(lot)s must be above zero.") % {"field": finding.field, **v}
    if finding.code == "out_of_tolerance":
        return _(
            "%(field)s: %(outputs)s made from %(inputs)s of inputs; at a conversion factor of %(factor)s about "
            "%(expected)s is expected (±%(tolerance)s %%)."
        ) % {"field": finding.field, **v}
    if finding.code == "untraced_input":
        return _("Untraced input: nothing upstream of lot %(lot)s is recorded yet.") % v
    return finding.code


def _refuse(findings):
    if findings:
        raise RuleViolation([finding_text(f) for f in findings])


def _tolerance(material: MaterialDefinition) -> Decimal:
    if material.tolerance_percent is not None:
        return material.tolerance_percent
    return PolicySettings.current().trace_tolerance_percent


def _new_event(*, actor, supplier, kind, biz_step, when, assurance, action="", **extra) -> TraceEvent:
    return TraceEvent.objects.create(
        event_id=f"urn:uuid:{uuid.uuid4()}",
        type=kind,
        action=action,
        biz_step=biz_step,
        event_time=when or timezone.now(),
        supplier=supplier,
        assurance=assurance,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        **extra,
    )


def _documents(event, documents: dict | None):
    for kind, reference in (documents or {}).items():
        if reference and str(reference).strip():
            BusinessDocument.objects.create(event=event, kind=kind, reference=str(reference).strip()[:200])


def _evidence(event, upload):
    if upload is None:
        return
    validate_upload(upload, field="evidence")
    row = EvidenceFile(event=event, original_name=upload.name[:255])
    row.file.save(upload.name, upload, save=False)
    row.save()


@dataclass
class Recorded:
    event: TraceEvent
    lot: Lot
    flags: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- receipts, transformations, shipments


@transaction.atomic
def record_receipt(
    *,
    actor,
    supplier,
    identifier: str,
    quantity: Decimal,
    material: MaterialDefinition | None = None,
    from_supplier=None,
    party: Party | None = None,
    site=None,
    country: str = "",
    smelter=None,
    key_data: dict | None = None,
    documents: dict | None = None,
    assurance: str = Assurance.SELF_DECLARED,
    evidence=None,
    when=None,
) -> Recorded:
    """A supplier receives a lot: one shipped to it by an upstream supplier (same lot number), or a new lot from an
    outside party (a mine, a smelter) or from an upstream supplier that does not record its own lots."""
    identifier = (identifier or "").strip()
    if not identifier:
        raise RuleViolation(_("identifier: the lot number is required."))
    _refuse(rules.check_take(Decimal("Infinity"), quantity, field_name="quantity", lot=identifier))
    lot = Lot.objects.select_for_update().filter(identifier=identifier).first()
    if lot is not None:
        shipped_here = (
            TraceEvent.objects.effective().filter(biz_step="shipping", destination_supplier=supplier, lot_links__lot=lot).exists()
        )
        if not shipped_here:
            raise RuleViolation(
                _("identifier: lot %(lot)s exists and was not shipped to you; check the number.") % {"lot": identifier}
            )
        from_supplier = lot.supplier
        lot.supplier = supplier
        lot.site = site
        lot.save(update_fields=["supplier", "site"])
    else:
        if material is None:
            raise RuleViolation(_("material: say what the lot is."))
        lot = Lot.objects.create(
            material=material,
            identifier=identifier,
            supplier=supplier,
            site=site,
            party=party,
            country=country or (party.country if party else "") or (site.country if site else ""),
            smelter=smelter,
            quantity=quantity,
            unit=material.unit,
            key_data=key_data or {},
            assurance=assurance,
            made_at=when or timezone.now(),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
    event = _new_event(
        actor=actor,
        supplier=supplier,
        kind=TraceEvent.Type.OBJECT,
        action=TraceEvent.Action.OBSERVE,
        biz_step="receiving",
        when=when,
        assurance=assurance,
        site=site,
        party=party,
        source_supplier=from_supplier,
        destination_supplier=supplier,
    )
    EventLot.objects.create(event=event, lot=lot, role=EventLot.Role.OBJECT, quantity=quantity, unit=lot.unit)
    _documents(event, documents)
    _evidence(event, evidence)
    flags = (
        []
        if (lot.material.is_origin or queries.has_upstream([lot.pk]) or from_supplier)
        else [finding_text(rules.Finding("untraced_input", "identifier", {"lot": identifier}))]
    )
    audit.record(
        actor=actor,
        action="trace.received",
        target=lot,
        supplier=supplier,
        changes={"quantity": quantity, "from": str(from_supplier or party or "")},
    )
    return Recorded(event, lot, flags)


@transaction.atomic
def record_transformation(
    *,
    actor,
    supplier,
    inputs: list[tuple[Lot, Decimal]],
    material: MaterialDefinition,
    identifier: str,
    quantity: Decimal,
    site=None,
    party: Party | None = None,
    country: str = "",
    smelter=None,
    key_data: dict | None = None,
    documents: dict | None = None,
    assurance: str = Assurance.SELF_DECLARED,
    evidence=None,
    when=None,
) -> Recorded:
    """Inputs the supplier holds become a new output lot (EPCIS TransformationEvent)."""
    identifier = (identifier or "").strip()
    problems = []
    if not identifier:
        problems.append(_("identifier: the lot number is required."))
    elif Lot.objects.filter(identifier=identifier).exists():
        problems.append(_("identifier: lot %(lot)s already exists.") % {"lot": identifier})
    if not inputs:
        problems.append(_("inputs: name at least one lot the output was made from."))
    findings = []
    locked = {lot.pk: lot for lot in Lot.objects.select_for_update().filter(pk__in=[lot.pk for lot, _q in inputs])}
    for n, (lot, used) in enumerate(inputs):
        if lot.pk not in locked or locked[lot.pk].supplier_id != supplier.pk:
            problems.append(_("inputs: lot %(lot)s is not held by you.") % {"lot": lot.identifier})
            continue
        findings += rules.check_take(
            queries.held(locked[lot.pk], supplier.pk), used, field_name=f"inputs[{n}]", lot=lot.identifier
        )
    total_in = sum((q for _lot, q in inputs), Decimal("0"))
    if quantity is None or quantity <= 0:
        problems.append(_("quantity: the output quantity must be above zero."))
    elif total_in > 0:
        findings += rules.check_transformation(
            total_in, quantity, material.conversion_factor, _tolerance(material), field_name="quantity"
        )
    problems += [finding_text(f) for f in findings]
    if problems:
        raise RuleViolation(problems)
    output = Lot.objects.create(
        material=material,
        identifier=identifier,
        supplier=supplier,
        site=site,
        party=party,
        country=country or (site.country if site else "") or supplier.country,
        smelter=smelter,
        quantity=quantity,
        unit=material.unit,
        key_data=key_data or {},
        assurance=assurance,
        made_at=when or timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    event = _new_event(
        actor=actor,
        supplier=supplier,
        kind=TraceEvent.Type.TRANSFORMATION,
        biz_step="commissioning",
        when=when,
        assurance=assurance,
        site=site,
        party=party,
    )
    EventLot.objects.bulk_create(
        [EventLot(event=event, lot=lot, role=EventLot.Role.INPUT, quantity=q, unit=lot.unit) for lot, q in inputs]
        + [EventLot(event=event, lot=output, role=EventLot.Role.OUTPUT, quantity=quantity, unit=output.unit)]
    )
    _documents(event, documents)
    _evidence(event, evidence)
    traced = queries.has_upstream([lot.pk for lot, _q in inputs])
    flags = [
        finding_text(f)
        for f in rules.untraced_inputs(
            (lot.identifier, lot.pk in traced or _received_from_supplier(lot), lot.material.is_origin) for lot, _q in inputs
        )
    ]
    audit.record(
        actor=actor,
        action="trace.transformed",
        target=output,
        supplier=supplier,
        changes={"inputs": [f"{lot.identifier} {q}" for lot, q in inputs], "quantity": quantity},
    )
    return Recorded(event, output, flags)


def _received_from_supplier(lot: Lot) -> bool:
    """A lot shipped by an upstream supplier is traced as far as that supplier recorded it."""
    return TraceEvent.objects.effective().filter(lot_links__lot=lot, biz_step="shipping").exists()


@transaction.atomic
def record_shipment(
    *,
    actor,
    supplier,
    lot: Lot,
    quantity: Decimal,
    to_supplier=None,
    documents: dict | None = None,
    assurance: str = Assurance.SELF_DECLARED,
    evidence=None,
    when=None,
) -> Recorded:
    """A supplier ships (part of) a lot it holds to a downstream supplier or to us (to_supplier None)."""
    lot = Lot.objects.select_for_update().get(pk=lot.pk)
    if lot.supplier_id != supplier.pk:
        raise RuleViolation(_("lot: lot %(lot)s is not held by you.") % {"lot": lot.identifier})
    _refuse(rules.check_take(queries.held(lot, supplier.pk), quantity, field_name="quantity", lot=lot.identifier))
    event = _new_event(
        actor=actor,
        supplier=supplier,
        kind=TraceEvent.Type.OBJECT,
        action=TraceEvent.Action.OBSERVE,
        biz_step="shipping",
        when=when,
        assurance=assurance,
        source_supplier=supplier,
        destination_supplier=to_supplier,
        disposition="in_transit",
    )
    EventLot.objects.create(event=event, lot=lot, role=EventLot.Role.OBJECT, quantity=quantity, unit=lot.unit)
    _documents(event, documents)
    _evidence(event, evidence)
    audit.record(
        actor=actor,
        action="trace.shipped",
        target=lot,
        supplier=supplier,
        changes={"quantity": quantity, "to": str(to_supplier or _("us"))},
    )
    return Recorded(event, lot)


@transaction.atomic
def declare_event_error(*, actor, event: TraceEvent, reason: str, note: str = "", corrective_event_ids=()) -> TraceEvent:
    """EPCIS errorDeclaration: the event stays as it was; a declaration row makes traces and balances skip it."""
    if reason not in epcis.ERROR_REASONS:
        raise RuleViolation(_("reason: choose did not occur or incorrect data."))
    if event.declares_error_on_id or event.error_declarations.exists():
        raise RuleViolation(_("This event is already declared wrong (or is itself a declaration)."))
    declaration = TraceEvent.objects.create(
        event_id=f"urn:uuid:{uuid.uuid4()}",
        type=event.type,
        action=event.action,
        biz_step=event.biz_step,
        event_time=event.event_time,
        supplier=event.supplier,
        declares_error_on=event,
        error_reason=reason,
        corrective_event_ids=list(corrective_event_ids),
        extra={"note": note} if note else {},
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor, action="trace.error_declared", target=event, supplier=event.supplier, changes={"reason": reason}, reason=note
    )
    return declaration


# ---------------------------------------------------------------- origin documents


@transaction.atomic
def attach_origin_document(*, actor, supplier, kind: str, upload, lot: Lot | None = None, country: str = "") -> OriginDocument:
    if kind not in OriginDocument.Kind.values:
        raise RuleViolation(_("kind: choose a kind of origin document."))
    if lot is not None and lot.supplier_id != supplier.pk:
        raise RuleViolation(_("lot: lot %(lot)s is not held by this supplier.") % {"lot": lot.identifier})
    validate_upload(upload, field="file")
    document = OriginDocument(
        supplier=supplier,
        lot=lot,
        kind=kind,
        country=country,
        original_name=upload.name[:255],
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    document.file.save(upload.name, upload, save=False)
    document.save()
    audit.record(
        actor=actor,
        action="origin_document.attached",
        target=document,
        supplier=supplier,
        changes={"kind": kind, "lot": lot.identifier if lot else ""},
    )
    return document


@transaction.atomic
def review_origin_document(*, actor, document: OriginDocument, status: str, note: str = "") -> OriginDocument:
    if status not in (OriginDocument.Status.ACCEPTED, OriginDocument.Status.REJECTED):
        raise RuleViolation(_("status: accept or reject the document."))
    if status == OriginDocument.Status.REJECTED and not note.strip():
        raise RuleViolation(_("note: say why the document is rejected, for the supplier."))
    document = OriginDocument.objects.select_for_update().get(pk=document.pk)
    before = document.status
    document.status, document.note, document.reviewer, document.reviewed_at = status, note.strip(), actor, timezone.now()
    document.save(update_fields=["status", "note", "reviewer", "reviewed_at"])
    audit.record(
        actor=actor,
        action="origin_document.reviewed",
        target=document,
        supplier=document.supplier,
        changes={"status": [before, status]},
        reason=note.strip(),
    )
    return document


# ---------------------------------------------------------------- reference data


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0


@transaction.atomic
def load_material_definitions(*, actor=None, path: Path | None = None) -> LoadResult:
    """Create or update the definitions by code from the seed file; edits to other definitions are kept."""
    data = json.loads((path or DEFINITIONS_FILE).read_text(encoding="utf-8"))
    result = LoadResult()
    by_code = {}
    for row in data["definitions"]:
        values = {
            "chain": row["chain"],
            "stage": row["stage"],
            "name": row["name"],
            "name_zh": row.get("name_zh", ""),
            "is_origin": row.get("is_origin", False),
            "is_smelter": row.get("is_smelter", False),
            "is_plant": row.get("is_plant", False),
            "metal": row.get("metal", ""),
            "unit": row.get("unit", "kg"),
            "conversion_factor": Decimal(str(row.get("conversion_factor", "1"))),
            "key_fields": row.get("key_fields", []),
            "tolerance_percent": Decimal(str(row["tolerance_percent"])) if row.get("tolerance_percent") else None,
            "source": data["source"],
            "as_of": date.fromisoformat(data["as_of"]),
        }
        definition, created = MaterialDefinition.objects.update_or_create(code=row["code"], defaults=values)
        result.created += created
        result.updated += not created
        by_code[row["code"]] = (definition, row.get("made_from", []))
    for definition, made_from in by_code.values():
        definition.made_from.set([by_code[code][0] for code in made_from])
    any_definition = next(iter(by_code.values()))[0]
    audit.record(
        actor=actor,
        action="material_definitions.loaded",
        target=any_definition,
        changes={"created": result.created, "updated": result.updated},
    )
    return result
