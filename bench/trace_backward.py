"""Backward trace over 1,000,000 trace events: time and SQL queries, as ratios to a baseline in the same process.

Run from the repository root (the test settings' in-memory SQLite, or PostgreSQL with DATABASE_URL; the script
migrates it itself):
    DJANGO_SETTINGS_MODULE=supplyesg.settings_test .venv/bin/python -m bench.trace_backward [--events N]
BENCH_SMOKE=1 runs 10,000 events.

The world: solar chains of eight transformations each (quartzite -> ... -> module), one event per generation, so
N events make N/8 chains and about 1.1 N lots and 2 N lot links; every tenth chain's module lot is also packed
into a pallet (an AggregationEvent of 100 modules) so a trace can fan in. Measured:
- baseline: reading one lot with its material, holder and smelter (the cheapest page read there is);
- the backward trace of one module lot (8 generations, 9 lots);
- the backward trace of a pallet (100 modules: 901 lots);
- the forward trace of one quartzite lot to its module;
each a median over repeated runs, with the queries each run made. The trace must stay a constant number of
queries (one recursive walk and one read of the lots) whatever the depth and the number of events.

Seventh session (issue 19, 2026-12-06, 1,000,000 events, median ms). On PostgreSQL most of a single lot's trace was
planning: the walk and the six-table read of the lots take longer to plan than to run. Statements are now prepared
after 5 runs on a connection (core/postgresql/base.py). Measured in one process on the same PostgreSQL world,
alternating prepared and not on the same connection (40 runs each, so the machine's drift hits both alike):
                                not prepared    prepared    SQLite (this bench, in memory)
    read one lot (baseline)         3.02           1.76          1.27
    backward trace of a module      5.95           3.14          2.31
    forward trace of a lot          6.81           3.94          3.64
    backward trace of a pallet     79.2           78.4          64.4
  so 1.39x / 1.36x / 1.08x / 1.22x of SQLite prepared (2.4x / 2.6x / 1.9x before). This bench's own medians in
  separate runs drift with the machine by a third either way (the same PostgreSQL module trace measured 3.1 and
  6.2 ms an hour apart, SQLite 2.3 and 2.5).
"""

import argparse
import os
import time
import uuid
from datetime import UTC, datetime

from bench.common import measure, print_table, setup_database, sqlite_kind

EVENTS = 1_000_000
SMOKE_EVENTS = 10_000
DEPTH = 8
PALLET = 100
BATCH = 20_000


def build_world(events: int) -> dict:
    from django.db import connection, transaction

    from supplyesg.traceability import services
    from supplyesg.traceability.models import EventLot, Lot, MaterialDefinition, TraceEvent

    services.load_material_definitions()
    solar = list(MaterialDefinition.objects.filter(chain="solar").order_by("stage").values_list("pk", flat=True))
    stages = [solar[0]] + [solar[min(1 + i * 6 // DEPTH, 6)] for i in range(DEPTH)]  # origin + 8 made stages
    chains = max(1, events // DEPTH)
    when = datetime(2026, 5, 1, tzinfo=UTC)
    qn = connection.ops.quote_name
    lot_sql = (
        f"INSERT INTO {qn(Lot._meta.db_table)} (id, material_id, identifier, country, quantity, unit, key_data, "
        "assurance, made_at) VALUES (%s, %s, %s, %s, %s, 'kg', '{}', 'document_backed', %s)"
    )
    event_sql = (
        f"INSERT INTO {qn(TraceEvent._meta.db_table)} (id, event_id, type, action, biz_step, disposition, event_time, "
        "event_time_zone_offset, assurance, error_reason, corrective_event_ids, extra, recorded_at) "
        "VALUES (%s, %s, %s, '', 'commissioning', '', %s, '+00:00', 'document_backed', '', '[]', '{}', %s)"
    )
    link_sql = f"INSERT INTO {qn(EventLot._meta.db_table)} (event_id, lot_id, role, quantity, unit) VALUES (%s, %s, %s, 1, 'kg')"
    lot_id = event_id = 0
    lots, evs, links = [], [], []
    modules, origins = [], []

    def flush(force=False):
        if force or len(links) >= BATCH:
            with connection.cursor() as cursor:
                cursor.executemany(lot_sql, lots)
                cursor.executemany(event_sql, evs)
                cursor.executemany(link_sql, links)
            lots.clear(), evs.clear(), links.clear()

    with transaction.atomic():
        for c in range(chains):
            lot_id += 1
            lots.append((lot_id, stages[0], f"C{c}-0", "NO", 1000, when))
            origins.append(lot_id)
            for g in range(1, DEPTH + 1):
                lot_id += 1
                event_id += 1
                lots.append((lot_id, stages[g], f"C{c}-{g}", "CN", 1000, when))
                evs.append((event_id, f"urn:uuid:{uuid.UUID(int=event_id)}", "TransformationEvent", when, when))
                links += [(event_id, lot_id - 1, "input"), (event_id, lot_id, "output")]
            modules.append(lot_id)
            flush()
        pallets = []
        for p in range(len(modules) // (PALLET * 10) or 1):
            lot_id += 1
            event_id += 1
            lots.append((lot_id, stages[-1], f"PALLET-{p}", "CN", PALLET, when))
            evs.append((event_id, f"urn:uuid:{uuid.UUID(int=event_id)}", "AggregationEvent", when, when))
            links.append((event_id, lot_id, "parent"))
            links += [(event_id, m, "child") for m in modules[p * PALLET * 10 : (p + 1) * PALLET * 10 : 10][:PALLET]]
            pallets.append(lot_id)
        flush(force=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # both SQLite and PostgreSQL: plan the walk with the new tables' statistics
    return {
        "events": event_id,
        "lots": lot_id,
        "module": modules[len(modules) // 2],
        "pallet": pallets[0],
        "origin": origins[len(origins) // 3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    smoke = os.environ.get("BENCH_SMOKE") == "1"
    parser.add_argument("--events", type=int, default=SMOKE_EVENTS if smoke else EVENTS)
    args = parser.parse_args()
    setup_database()

    from supplyesg.traceability import queries
    from supplyesg.traceability.models import EventLot, Lot

    start = time.perf_counter()
    world = build_world(args.events)
    print(
        f"{world['events']:,} trace events, {world['lots']:,} lots, {EventLot.objects.count():,} lot links "
        f"(set up in {time.perf_counter() - start:.1f} s; {sqlite_kind()})"
    )

    def trace_module():
        trace = queries.backward([world["module"]])
        assert len(trace.lots) == DEPTH + 1 and trace.reaches_origin
        return trace

    def trace_pallet():
        trace = queries.backward([world["pallet"]])
        assert len(trace.lots) == 1 + PALLET * (DEPTH + 1) or world["events"] < PALLET * 10 * DEPTH
        return trace

    def trace_forward():
        trace = queries.forward([world["origin"]])
        assert len(trace.lots) == DEPTH + 1
        return trace

    base = measure("baseline: read one lot with its places", lambda: Lot.objects.with_places().get(pk=world["module"]))
    rows = [
        measure(f"backward trace of a module lot ({DEPTH} generations)", trace_module),
        measure(f"backward trace of a pallet ({PALLET} modules)", trace_pallet, repeat=10),
        measure("forward trace of a quartzite lot", trace_forward),
    ]
    print_table(rows, base)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
