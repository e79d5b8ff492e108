"""Reads: backward and forward traces (one recursive query each, on SQLite and PostgreSQL), lot balances, and the
four coverage figures per material and period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal

from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone

from supplyesg.core.ids import IdList
from supplyesg.traceability import rules
from supplyesg.traceability.models import ASSURANCE_ORDER, BusinessDocument, EventLot, Lot, MaterialDefinition, TraceEvent

MAX_DEPTH = 64  # generations; a genealogy deeper than this is a loop in the data

# One generation per step: from the lots reached, through the events that made them (a transformation's outputs,
# an aggregation's parent), to that event's inputs or children. Events declared wrong, and the declarations
# themselves, are skipped. Forward is the same walk the other way.
_WALK = """
WITH RECURSIVE walk(seed_id, lot_id, depth) AS (
    SELECT id, id, 0 FROM {lot} WHERE id IN ({seeds})
    UNION
    SELECT walk.seed_id, other.lot_id, walk.depth + 1
    FROM walk
    JOIN {link} here ON here.lot_id = walk.lot_id AND here.role IN ({here_roles})
    JOIN {event} ev ON ev.id = here.event_id AND ev.declares_error_on_id IS NULL
    JOIN {link} other ON other.event_id = here.event_id AND other.role IN ({other_roles})
    WHERE {depth_guard}
      AND NOT EXISTS (SELECT 1 FROM {event} d WHERE d.declares_error_on_id = here.event_id)
)
SELECT seed_id, lot_id, MIN(depth) FROM walk GROUP BY seed_id, lot_id
"""

BACKWARD = ("'output', 'parent'", "'input', 'child'")
FORWARD = ("'input', 'child'", "'output', 'parent'")


def _depth_guard() -> str:
    """SQLite plans the recursive step for a walk of about a million rows (its guess for a CTE); once ANALYZE has
    run it then builds Bloom filters over the link and event tables, which scans them whole on every step (100 ms at
    100,000 events instead of 0.2 ms). Telling it the depth test rarely passes keeps the step to index lookups."""
    if connection.vendor == "sqlite":
        return "likelihood(walk.depth < %s, 0.000001)"
    return "walk.depth < %s"


def _walk(seed_ids, direction) -> list[tuple[int, int, int]]:
    seed_ids = [int(pk) for pk in seed_ids]
    if not seed_ids:
        return []
    qn = connection.ops.quote_name
    sql = _WALK.format(
        lot=qn(Lot._meta.db_table),
        link=qn(EventLot._meta.db_table),
        event=qn(TraceEvent._meta.db_table),
        seeds=", ".join(["%s"] * len(seed_ids)),
        here_roles=direction[0],
        other_roles=direction[1],
        depth_guard=_depth_guard(),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*seed_ids, MAX_DEPTH])
        return cursor.fetchall()


@dataclass
class Trace:
    seeds: list[Lot]
    generations: list[list[Lot]] = field(default_factory=list)  # [0] the seeds, [1] their inputs...

    @property
    def lots(self) -> list[Lot]:
        return [lot for generation in self.generations for lot in generation]

    @property
    def upstream(self) -> list[Lot]:
        return [lot for generation in self.generations[1:] for lot in generation]

    @property
    def countries(self) -> list[str]:
        return sorted({lot.country for lot in self.lots if lot.country})

    @property
    def origin_lots(self) -> list[Lot]:
        return [lot for lot in self.lots if lot.material.is_origin]

    @property
    def smelters(self) -> list:
        found = {lot.smelter_id: lot.smelter for lot in self.lots if lot.smelter_id}
        return list(found.values())

    @property
    def plants(self) -> list[Lot]:
        return [lot for lot in self.lots if lot.material.is_plant]

    @property
    def holders(self) -> list[str]:
        return sorted({lot.holder for lot in self.lots if lot.holder})

    @property
    def reaches_origin(self) -> bool:
        return bool(self.origin_lots)

    @property
    def weakest_assurance(self) -> str | None:
        return rules.weakest((lot.assurance for lot in self.lots), [str(level) for level in ASSURANCE_ORDER])


def _trace(seed_ids, direction) -> Trace:
    rows = _walk(seed_ids, direction)
    # IdList: the ids are ints already; Django would prepare each of them again (a pallet's trace reaches 900 lots).
    lots = {lot.pk: lot for lot in Lot.objects.with_places().filter(pk__in=IdList({lot_id for _s, lot_id, _d in rows}))}
    depth_of: dict[int, int] = {}
    for _seed, lot_id, depth in rows:
        depth_of[lot_id] = min(depth, depth_of.get(lot_id, depth))
    generations: dict[int, list[Lot]] = defaultdict(list)
    for lot_id, depth in depth_of.items():
        generations[depth].append(lots[lot_id])
    ordered = [sorted(generations[d], key=lambda lot: (lot.material.stage, lot.identifier)) for d in sorted(generations)]
    return Trace(seeds=[lots[pk] for pk in seed_ids if pk in lots], generations=ordered)


def backward(seed_ids) -> Trace:
    """Every upstream lot of these lots, generation by generation, down to mine or quartzite."""
    return _trace(seed_ids, BACKWARD)


def forward(seed_ids) -> Trace:
    """Every downstream lot made from these lots."""
    return _trace(seed_ids, FORWARD)


def end_lots(trace: Trace) -> list[Lot]:
    """Downstream lots nothing has been made from yet: the customer lots a flagged source reaches."""
    ids = [lot.pk for lot in trace.lots]
    used = set(
        EventLot.objects.filter(lot_id__in=ids, role__in=(EventLot.Role.INPUT, EventLot.Role.CHILD))
        .filter(event__declares_error_on__isnull=True, event__error_declarations__isnull=True)
        .values_list("lot_id", flat=True)
    )
    return [lot for lot in trace.lots if lot.pk not in used]


def lots_for_document(reference: str) -> list[int]:
    """The lots an effective event with this PO, invoice, packing list or bill of lading moved or made."""
    events = BusinessDocument.objects.filter(reference__iexact=reference.strip()).values("event_id")
    return list(
        EventLot.objects.filter(event_id__in=events, role__in=(EventLot.Role.OBJECT, EventLot.Role.OUTPUT, EventLot.Role.PARENT))
        .filter(event__error_declarations__isnull=True)
        .values_list("lot_id", flat=True)
        .distinct()
    )


# ---------------------------------------------------------------- holding


IN_STEPS = Q(role=EventLot.Role.OUTPUT) | Q(role=EventLot.Role.OBJECT, event__biz_step__in=("receiving", "commissioning"))
OUT_STEPS = Q(role=EventLot.Role.INPUT) | Q(role=EventLot.Role.OBJECT, event__biz_step="shipping")


def held(lot: Lot, supplier_id) -> Decimal:
    """What a supplier still holds of a lot: received or made, less shipped or consumed (effective events)."""
    links = EventLot.objects.filter(lot=lot, event__supplier_id=supplier_id, quantity__isnull=False).filter(
        event__declares_error_on__isnull=True, event__error_declarations__isnull=True
    )
    got = links.filter(IN_STEPS).aggregate(s=Sum("quantity"))["s"] or Decimal("0")
    gone = links.filter(OUT_STEPS).aggregate(s=Sum("quantity"))["s"] or Decimal("0")
    return rules.balance([("in", got), ("out", gone)])


def held_many(lot_ids, supplier_id) -> dict[int, Decimal]:
    """held() for many lots in one query: {lot id: quantity still held by the supplier}."""
    links = EventLot.objects.filter(lot_id__in=list(lot_ids), event__supplier_id=supplier_id, quantity__isnull=False).filter(
        event__declares_error_on__isnull=True, event__error_declarations__isnull=True
    )
    rows = links.values("lot_id").annotate(got=Sum("quantity", filter=IN_STEPS), gone=Sum("quantity", filter=OUT_STEPS))
    out = {pk: Decimal("0") for pk in lot_ids}
    for row in rows:
        out[row["lot_id"]] = rules.balance([("in", row["got"] or Decimal("0")), ("out", row["gone"] or Decimal("0"))])
    return out


def has_upstream(lot_ids) -> set[int]:
    """The lots some effective transformation made or aggregation packed."""
    return set(
        EventLot.objects.filter(lot_id__in=lot_ids, role__in=(EventLot.Role.OUTPUT, EventLot.Role.PARENT))
        .filter(event__type__in=(TraceEvent.Type.TRANSFORMATION, TraceEvent.Type.AGGREGATION))
        .filter(event__declares_error_on__isnull=True, event__error_declarations__isnull=True)
        .values_list("lot_id", flat=True)
    )


def untraced_lots(supplier_id=None):
    """Lots used as inputs that nothing upstream made and that are not origin lots: flagged untraced inputs."""
    inputs = EventLot.objects.filter(role=EventLot.Role.INPUT, event__error_declarations__isnull=True)
    if supplier_id is not None:
        inputs = inputs.filter(event__supplier_id=supplier_id)
    ids = set(inputs.values_list("lot_id", flat=True))
    traced = has_upstream(ids)
    return Lot.objects.with_places().filter(pk__in=ids - traced, material__is_origin=False)


# ---------------------------------------------------------------- coverage


def _bounds(year, quarter):
    start, end = rules.period_bounds(year, quarter)
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(end, time.min, tz)


@dataclass
class Coverage:
    material: MaterialDefinition
    suppliers_in_scope: int
    suppliers_responding: int
    smelters_identified: int
    smelters_conformant: int
    smelters_applicable: bool
    volume: list[rules.VolumeRow]
    total_quantity: Decimal
    balances: list[rules.MassBalance]

    @property
    def responding_share(self):
        return rules.percent(self.suppliers_responding, self.suppliers_in_scope)

    @property
    def conformant_share(self):
        return rules.percent(self.smelters_conformant, self.smelters_identified)


def coverage(material: MaterialDefinition, year: int, quarter: int | None, tolerance: Decimal) -> Coverage:
    start, end = _bounds(year, quarter)
    period_lots = list(Lot.objects.filter(material=material, made_at__gte=start, made_at__lt=end).values_list("pk", "quantity"))
    lot_ids = [pk for pk, _q in period_lots]

    # 1. Suppliers responding: of the suppliers holding lots of this material (any time), those who recorded an
    # effective event on such a lot in the period.
    scope = set(Lot.objects.filter(material=material, supplier__isnull=False).values_list("supplier_id", flat=True))
    responding = set(
        TraceEvent.objects.effective()
        .filter(event_time__gte=start, event_time__lt=end, supplier_id__in=scope, lot_links__lot__material=material)
        .values_list("supplier_id", flat=True)
    )

    # 3 (and the smelters of 2): one backward walk from every lot of the period.
    rows = _walk(lot_ids, BACKWARD)
    upstream_ids = {lot_id for _seed, lot_id, _d in rows}
    facts = {
        pk: (assurance, is_origin, smelter_cid)
        for pk, assurance, is_origin, smelter_cid in Lot.objects.filter(pk__in=upstream_ids).values_list(
            "pk", "assurance", "material__is_origin", "smelter__cid"
        )
    }
    per_seed: dict[int, list[int]] = defaultdict(list)
    for seed, lot_id, _d in rows:
        per_seed[seed].append(lot_id)
    order = [str(level) for level in ASSURANCE_ORDER]
    volume_input = []
    cids = set()
    for pk, quantity in period_lots:
        reached = [facts[i] for i in per_seed.get(pk, [pk]) if i in facts]
        traced = any(is_origin for _a, is_origin, _c in reached)
        cids |= {cid for _a, _o, cid in reached if cid}
        volume_input.append((quantity, traced, rules.weakest((a for a, _o, _c in reached), order)))

    # 2. Smelters and refiners identified in those traces, and conformant on the current RMAP status list.
    from supplyesg.minerals.models import RmapStatus

    conformant = set(
        RmapStatus.objects.current().filter(cid__in=cids, status=RmapStatus.Status.CONFORMANT).values_list("cid", flat=True)
    )
    applicable = material.chain != "solar"

    return Coverage(
        material=material,
        suppliers_in_scope=len(scope),
        suppliers_responding=len(responding),
        smelters_identified=len(cids),
        smelters_conformant=len(conformant),
        smelters_applicable=applicable,
        volume=rules.volume_by_level(volume_input, order),
        total_quantity=sum((q for _pk, q in period_lots), Decimal("0")),
        balances=mass_balances(material, start, end, tolerance),
    )


def mass_balances(material: MaterialDefinition, start, end, tolerance: Decimal) -> list[rules.MassBalance]:
    """4. Per account (the supplier that transformed, and the output material) in the period: inputs consumed and
    outputs made by its effective transformations into this material."""
    events = (
        TraceEvent.objects.effective()
        .filter(
            type=TraceEvent.Type.TRANSFORMATION,
            event_time__gte=start,
            event_time__lt=end,
            lot_links__role=EventLot.Role.OUTPUT,
            lot_links__lot__material=material,
        )
        .values("pk")
    )
    sums = (
        EventLot.objects.filter(event_id__in=events, role__in=(EventLot.Role.INPUT, EventLot.Role.OUTPUT))
        .values("event__supplier__legal_name", "event__party__name", "role")
        .annotate(total=Sum("quantity"))
    )
    accounts: dict[str, dict[str, Decimal]] = defaultdict(lambda: {"input": Decimal("0"), "output": Decimal("0")})
    for row in sums:
        name = row["event__supplier__legal_name"] or row["event__party__name"] or "—"
        accounts[name][row["role"]] += row["total"] or Decimal("0")
    tol = material.tolerance_percent if material.tolerance_percent is not None else tolerance
    return [
        rules.MassBalance(f"{name} · {material.name}", v["input"], v["output"], material.conversion_factor, tol)
        for name, v in sorted(accounts.items())
    ]
