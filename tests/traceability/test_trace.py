"""Backward and forward traces over the demo chains: a module lot back to its polysilicon plant and quartzite mine, a
solder lot back to its smelter and mine country, a smelter forward to the customer lots; one query per walk."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supplyesg.traceability import queries, services
from supplyesg.traceability.models import Lot

pytestmark = pytest.mark.django_db


def test_a_module_lot_traces_back_to_its_polysilicon_plant_and_quartzite_mine(chain_world):
    trace = queries.backward([chain_world["chains"].module.pk])
    materials = [lot.material.code for lot in trace.lots]
    assert materials[0] == "solar-module"
    assert {"polysilicon", "metallurgical-silicon", "quartzite"} <= set(materials)
    assert [lot.holder for lot in trace.plants] == ["Leshan Polysilicon Plant (demo)"]
    assert trace.reaches_origin and trace.origin_lots[0].party.name == "Tana Quartzite Mine (demo)"
    assert "NO" in trace.countries and "CN" in trace.countries
    assert len(trace.generations) == 7  # module, cell, wafer, ingot, polysilicon, silicon, quartzite


def test_a_solder_lot_traces_back_to_its_smelter_and_mine_country(chain_world):
    trace = queries.backward([chain_world["chains"].solder.pk])
    assert [s.cid for s in trace.smelters] == [chain_world["chains"].smelter.cid]
    origin = trace.origin_lots
    assert [lot.country for lot in origin] == ["ID"]
    assert origin[0].key_data["mine_name"] == "Bangka tin mine (demo)"


def test_the_backward_trace_is_two_queries_however_deep_the_chain(chain_world):
    silicon = Lot.objects.get(identifier="DEMO-MG-001").pk
    with CaptureQueriesContext(connection) as deep:
        queries.backward([chain_world["chains"].module.pk])
    with CaptureQueriesContext(connection) as short:
        queries.backward([silicon])
    assert len(deep) == len(short) == 2


def test_a_purchase_order_traces_back_like_the_lot_it_delivered(chain_world):
    seeds = queries.lots_for_document("demo-po-007")  # the module maker's receipt of the wafers, any case
    assert [Lot.objects.get(pk=pk).identifier for pk in seeds] == ["DEMO-WF-001"]
    assert {lot.material.code for lot in queries.backward(seeds).lots} >= {"polysilicon", "quartzite"}


def test_the_bill_of_lading_of_the_module_shipment_to_us_traces_back_to_the_plant(chain_world):
    trace = queries.backward(queries.lots_for_document("DEMO-BOL-008"))
    assert trace.seeds[0].identifier == "DEMO-MOD-001"
    assert [lot.holder for lot in trace.plants] == ["Leshan Polysilicon Plant (demo)"]


def test_a_flagged_smelter_traces_forward_to_the_solder_lot_we_received(chain_world):
    smelter_lots = Lot.objects.filter(smelter=chain_world["chains"].smelter).values_list("pk", flat=True)
    trace = queries.forward(list(smelter_lots))
    assert [lot.identifier for lot in queries.end_lots(trace)] == ["DEMO-SOLDER-001"]


def test_a_flagged_polysilicon_plant_traces_forward_to_the_module_lot(chain_world):
    plant_lots = Lot.objects.filter(party=chain_world["chains"].polysilicon_plant).values_list("pk", flat=True)
    ends = queries.end_lots(queries.forward(list(plant_lots)))
    assert [lot.identifier for lot in ends] == ["DEMO-MOD-001"]


def test_an_event_declared_wrong_drops_out_of_the_trace_but_stays_on_record(chain_world):
    from supplyesg.traceability.models import TraceEvent

    making = TraceEvent.objects.get(lot_links__lot__identifier="DEMO-PS-001", lot_links__role="output")
    services.declare_event_error(actor=chain_world["compliance"], event=making, reason="incorrect_data", note="Wrong input lot")
    trace = queries.backward([chain_world["chains"].module.pk])
    assert "quartzite" not in {lot.material.code for lot in trace.lots}
    assert not trace.reaches_origin
    assert TraceEvent.objects.filter(pk=making.pk).exists()
