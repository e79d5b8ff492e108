"""Demo traceability for `supplyesg load_demo_traceability`: two small deterministic chains on the demo registry.

- Solar: a quartzite mine (NO) -> metallurgical silicon -> polysilicon at a named plant -> ingot -> wafer -> cell ->
  a module lot shipped to us, by four registry suppliers linked on the tier map; supplier-a's company makes the modules.
- Tin: a tin mine (ID) -> a smelter lot with a CID (the first tin smelter of the loaded RMI list, else a demo id) ->
  refined tin -> a solder lot shipped to us; supplier-b's company makes the solder.

`build_chains` is the same chain for the browser test, on whatever suppliers it is given. Every record goes through
the services, so the checks, the audit trail and the events are the real ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit as trail
from supplyesg.core.models import AuditEvent, User
from supplyesg.minerals.models import Smelter
from supplyesg.suppliers.demo import DemoRefused, demo_is_loaded
from supplyesg.suppliers.models import Site, Supplier, SupplyLink
from supplyesg.traceability import services
from supplyesg.traceability.models import Assurance, Lot, MaterialDefinition, Party

MARKER = "demo.traceability_loaded"
D = Decimal


@dataclass
class TraceabilityOutcome:
    loaded: bool
    counts: dict = field(default_factory=dict)
    skipped: str = ""


@dataclass
class Chains:
    module: Lot
    solder: Lot
    polysilicon_plant: Party
    smelter: Smelter


def _tin_smelter() -> Smelter:
    smelter = Smelter.objects.filter(metal="Tin").order_by("cid").first()
    if smelter is None:
        smelter, _created = Smelter.objects.get_or_create(
            cid="CIDDEMO0001",
            metal="Tin",
            defaults={"standard_name": "Demo Tin Smelter (not on the RMI list)", "country_code": "ID", "source": "demo"},
        )
    return smelter


def build_chains(
    *,
    actor,
    silicon: Supplier,
    poly: Supplier,
    wafer: Supplier,
    module: Supplier,
    solder: Supplier,
    start: datetime,
    prefix: str = "DEMO",
) -> Chains:
    """Both chains, one step a day from `start`, each step through the services."""
    services.load_material_definitions(actor=actor)
    m = {d.code: d for d in MaterialDefinition.objects.all()}
    for up, down in ((silicon, poly), (poly, wafer), (wafer, module)):
        SupplyLink.objects.get_or_create(upstream=up, downstream=down, defaults={"material": "silicon"})
    day = iter(start + timedelta(days=n) for n in range(100))
    doc = iter(range(1, 100))

    def docs(kind="po"):
        return {kind: f"{prefix}-{kind.upper()}-{next(doc):03d}"}

    quarry = Party.objects.get_or_create(kind=Party.Kind.QUARRY, name="Tana Quartzite Mine (demo)", country="NO")[0]
    plant_site = Site.objects.get_or_create(
        supplier=poly, name="Leshan polysilicon plant", defaults={"country": "CN", "kind": Site.Kind.FACTORY}
    )[0]
    plant = Party.objects.get_or_create(
        kind=Party.Kind.PLANT, name="Leshan Polysilicon Plant (demo)", country="CN", supplier=poly
    )[0]

    r = services.record_receipt(
        actor=actor,
        supplier=silicon,
        identifier=f"{prefix}-QZ-001",
        material=m["quartzite"],
        quantity=D("27000"),
        party=quarry,
        key_data={"mine_name": quarry.name, "country": "NO", "extraction_date": start.date().isoformat(), "weight": "27000"},
        assurance=Assurance.DOCUMENT_BACKED,
        documents=docs("bol"),
        when=next(day),
    )
    mg = services.record_transformation(
        actor=actor,
        supplier=silicon,
        inputs=[(r.lot, D("27000"))],
        material=m["metallurgical-silicon"],
        identifier=f"{prefix}-MG-001",
        quantity=D("9990"),
        key_data={"smelter_name": silicon.legal_name, "weight": "9990"},
        assurance=Assurance.DOCUMENT_BACKED,
        when=next(day),
    ).lot
    services.record_shipment(
        actor=actor, supplier=silicon, lot=mg, quantity=D("9990"), to_supplier=poly, documents=docs("inv"), when=next(day)
    )
    services.record_receipt(
        actor=actor, supplier=poly, identifier=mg.identifier, quantity=D("9990"), documents=docs("po"), when=next(day)
    )
    ps = services.record_transformation(
        actor=actor,
        supplier=poly,
        inputs=[(mg, D("9990"))],
        material=m["polysilicon"],
        identifier=f"{prefix}-PS-001",
        quantity=D("8490"),
        site=plant_site,
        party=plant,
        key_data={"plant_name": plant.name, "process": "Siemens", "weight": "8490"},
        assurance=Assurance.THIRD_PARTY,
        when=next(day),
    ).lot
    services.record_shipment(
        actor=actor, supplier=poly, lot=ps, quantity=D("8490"), to_supplier=wafer, documents=docs("desadv"), when=next(day)
    )
    services.record_receipt(
        actor=actor, supplier=wafer, identifier=ps.identifier, quantity=D("8490"), documents=docs("po"), when=next(day)
    )
    ingot = services.record_transformation(
        actor=actor,
        supplier=wafer,
        inputs=[(ps, D("8490"))],
        material=m["silicon-ingot"],
        identifier=f"{prefix}-IN-001",
        quantity=D("8060"),
        key_data={"weight": "8060"},
        assurance=Assurance.DOCUMENT_BACKED,
        when=next(day),
    ).lot
    wf = services.record_transformation(
        actor=actor,
        supplier=wafer,
        inputs=[(ingot, D("8060"))],
        material=m["silicon-wafer"],
        identifier=f"{prefix}-WF-001",
        quantity=D("443300"),
        key_data={"format": "182 mm", "count": "443300"},
        assurance=Assurance.DOCUMENT_BACKED,
        when=next(day),
    ).lot
    services.record_shipment(
        actor=actor, supplier=wafer, lot=wf, quantity=D("443300"), to_supplier=module, documents=docs("bol"), when=next(day)
    )
    services.record_receipt(
        actor=actor, supplier=module, identifier=wf.identifier, quantity=D("443300"), documents=docs("po"), when=next(day)
    )
    cell = services.record_transformation(
        actor=actor,
        supplier=module,
        inputs=[(wf, D("443300"))],
        material=m["solar-cell"],
        identifier=f"{prefix}-CE-001",
        quantity=D("434434"),
        key_data={"count": "434434"},
        assurance=Assurance.DOCUMENT_BACKED,
        when=next(day),
    ).lot
    mod = services.record_transformation(
        actor=actor,
        supplier=module,
        inputs=[(cell, D("434434"))],
        material=m["solar-module"],
        identifier=f"{prefix}-MOD-001",
        quantity=D("3016"),
        key_data={"model": "AIKO-A-MAH72Mw", "count": "3016"},
        assurance=Assurance.DOCUMENT_BACKED,
        when=next(day),
    ).lot
    services.record_shipment(actor=actor, supplier=module, lot=mod, quantity=D("3016"), documents=docs("bol"), when=next(day))

    smelter = _tin_smelter()
    mine = Party.objects.get_or_create(kind=Party.Kind.MINE, name="Bangka tin mine (demo)", country="ID")[0]
    smelter_party = Party.objects.get_or_create(
        kind=Party.Kind.SMELTER, name=smelter.standard_name, country=smelter.country_code or "ID", smelter=smelter
    )[0]
    ore = services.record_receipt(
        actor=actor,
        supplier=solder,
        identifier=f"{prefix}-SN-ORE-001",
        material=m["tin-ore"],
        quantity=D("10000"),
        party=mine,
        key_data={"mine_name": mine.name, "country": "ID", "extraction_date": start.date().isoformat(), "weight": "10000"},
        assurance=Assurance.DOCUMENT_BACKED,
        documents=docs("cert"),
        when=next(day),
    ).lot
    sl = services.record_transformation(
        actor=actor,
        supplier=solder,
        inputs=[(ore, D("10000"))],
        material=m["tin-smelter-lot"],
        identifier=f"{prefix}-SN-SM-001",
        quantity=D("7000"),
        party=smelter_party,
        smelter=smelter,
        key_data={"cid": smelter.cid, "smelt_date": start.date().isoformat(), "weight": "7000"},
        assurance=Assurance.THIRD_PARTY,
        when=next(day),
    ).lot
    refined = services.record_transformation(
        actor=actor,
        supplier=solder,
        inputs=[(sl, D("7000"))],
        material=m["refined-tin"],
        identifier=f"{prefix}-SN-RF-001",
        quantity=D("6930"),
        key_data={"purity": "99.9", "weight": "6930"},
        assurance=Assurance.DOCUMENT_BACKED,
        when=next(day),
    ).lot
    sol = services.record_transformation(
        actor=actor,
        supplier=solder,
        inputs=[(refined, D("6930"))],
        material=m["tin-solder"],
        identifier=f"{prefix}-SOLDER-001",
        quantity=D("6860"),
        key_data={"alloy": "SAC305", "weight": "6860"},
        assurance=Assurance.DOCUMENT_BACKED,
        when=next(day),
    ).lot
    services.record_shipment(actor=actor, supplier=solder, lot=sol, quantity=D("6860"), documents=docs("inv"), when=next(day))
    return Chains(module=mod, solder=sol, polysilicon_plant=plant, smelter=smelter)


def load_demo_traceability() -> TraceabilityOutcome:
    if not demo_is_loaded():
        raise DemoRefused(_("Load the demo registry first (supplyesg load_demo)."))
    if AuditEvent.objects.filter(action=MARKER).exists():
        return TraceabilityOutcome(loaded=False)
    compliance = User.objects.get(username="compliance")
    portal = {
        u.username: u.supplier for u in User.objects.filter(username__in=("supplier-a", "supplier-b")).select_related("supplier")
    }
    taken = {s.pk for s in portal.values() if s}
    others = list(Supplier.objects.exclude(pk__in=taken).order_by("code")[:3])
    if len(others) < 3 or not portal.get("supplier-a") or not portal.get("supplier-b"):
        raise DemoRefused(_("The demo registry has no portal suppliers to build the chains on."))
    start = (timezone.now() - timedelta(days=60)).replace(hour=8, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        build_chains(
            actor=compliance,
            silicon=others[0],
            poly=others[1],
            wafer=others[2],
            module=portal["supplier-a"],
            solder=portal["supplier-b"],
            start=start,
        )
        trail.record(actor=None, action=MARKER, target=compliance, reason=_("Demo traceability loaded"))
    return TraceabilityOutcome(loaded=True, counts={"traceability": {"lots": Lot.objects.count()}})
