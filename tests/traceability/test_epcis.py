"""EPCIS 2.0 JSON in and out: documents shaped like GS1's examples are read; every problem names its event and field
and a rejected document writes nothing; the export has GS1's document and event shapes and reads back in."""

import copy
from decimal import Decimal as D

import pytest

from supplyesg.core.models import AuditEvent
from supplyesg.minerals.models import Smelter
from supplyesg.traceability import epcis, interchange, queries, services
from supplyesg.traceability.models import Lot, TraceEvent
from tests.factories import make_supplier, make_user

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]


def smelting_document():
    """A smelter's two events: the ore it received (commissioned here, with its mine data) and the smelting."""
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-05-04T10:00:00+07:00",
        "epcisBody": {
            "eventList": [
                {
                    "type": "ObjectEvent",
                    "eventID": "urn:uuid:6a3f0e7e-0001-4000-8000-000000000001",
                    "action": "ADD",
                    "bizStep": "commissioning",
                    "eventTime": "2026-05-01T08:00:00+07:00",
                    "eventTimeZoneOffset": "+07:00",
                    "quantityList": [{"epcClass": "urn:epc:class:lgtin:8991234.000001.ORE-7", "quantity": 10000, "uom": "KGM"}],
                    "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:8991234000001:PO-451"}],
                    "ilmd": {"supplyesg:material": "tin-ore", "supplyesg:country": "ID", "mine_name": "Bangka 7"},
                },
                {
                    "type": "TransformationEvent",
                    "eventID": "urn:uuid:6a3f0e7e-0001-4000-8000-000000000002",
                    "bizStep": "commissioning",
                    "eventTime": "2026-05-03T08:00:00+07:00",
                    "eventTimeZoneOffset": "+07:00",
                    "inputQuantityList": [
                        {"epcClass": "urn:epc:class:lgtin:8991234.000001.ORE-7", "quantity": 10000, "uom": "KGM"}
                    ],
                    "outputQuantityList": [
                        {"epcClass": "urn:epc:class:lgtin:8991234.000002.SN-7", "quantity": 7000, "uom": "KGM"}
                    ],
                    "ilmd": {"supplyesg:material": "tin-smelter-lot", "supplyesg:smelterID": "CID001070"},
                },
            ]
        },
    }


def test_a_gs1_shaped_transformation_event_is_read_with_its_quantities():
    events, problems = epcis.read_document(smelting_document())
    assert problems == []
    smelting = events[1]
    assert [(lot.role, lot.identifier, lot.quantity, lot.unit) for lot in smelting.lots] == [
        ("input", "urn:epc:class:lgtin:8991234.000001.ORE-7", D("10000"), "kg"),
        ("output", "urn:epc:class:lgtin:8991234.000002.SN-7", D("7000"), "kg"),
    ]
    assert events[0].transactions == [("po", "urn:epcglobal:cbv:bt:8991234000001:PO-451")]


def test_cbv_uris_are_read_as_their_bare_words():
    document = smelting_document()
    document["epcisBody"]["eventList"][0]["bizStep"] = "https://ref.gs1.org/cbv/BizStep-commissioning"
    events, _problems = epcis.read_document(document)
    assert events[0].biz_step == "commissioning"


def test_every_problem_names_the_event_index_and_the_field():
    document = smelting_document()
    first, second = document["epcisBody"]["eventList"]
    first["eventTime"] = "yesterday"
    first["quantityList"][0]["uom"] = "LBR"
    del second["outputQuantityList"]
    second["bizTransactionList"] = [{"type": "receipt", "bizTransaction": "R-1"}]
    _events, problems = epcis.read_document(document)
    assert [str(p) for p in problems] == [
        "event 0, eventTime: 'yesterday' is not an ISO 8601 date-time",
        "event 0, quantityList[0].uom: unit 'LBR' is not supported (KGM, TNE or GRM)",
        "event 1, outputQuantityList: a transformation must name what it made",
        "event 1, bizTransactionList[0].type: 'receipt' is not one of po, inv, desadv, bol, cert",
    ]


def test_a_document_that_is_not_epcis_2_is_refused_as_a_whole():
    _events, problems = epcis.read_document({"type": "EPCISDocument", "schemaVersion": "1.2", "epcisBody": {}})
    assert [str(p) for p in problems] == ["schemaVersion: must be 2.0", "epcisBody.eventList: is required"]


@pytest.fixture
def setting(db):
    services.load_material_definitions()
    Smelter.objects.create(cid="CID001070", metal="Tin", standard_name="China Tin Group Co., Ltd.")
    return {"supplier": make_supplier(legal_name="Beta Solder"), "actor": make_user()}


def test_an_imported_smelting_traces_back_to_the_mine_country_and_a_second_import_changes_nothing(setting):
    result = interchange.import_epcis(actor=setting["actor"], document=smelting_document(), **{"supplier": setting["supplier"]})
    assert (result.created, result.skipped, result.errors) == (2, 0, [])
    smelter_lot = Lot.objects.get(identifier__endswith="SN-7")
    trace = queries.backward([smelter_lot.pk])
    assert [s.cid for s in trace.smelters] == ["CID001070"] and trace.countries == ["ID"]
    again = interchange.import_epcis(actor=setting["actor"], supplier=setting["supplier"], document=smelting_document())
    assert (again.created, again.skipped) == (0, 2)
    assert TraceEvent.objects.count() == 2


def test_a_rejected_document_writes_nothing_at_all(setting):
    document = smelting_document()
    document["epcisBody"]["eventList"][1]["outputQuantityList"][0]["quantity"] = 9000  # 10 t ore cannot give 9 t tin
    result = interchange.import_epcis(actor=setting["actor"], supplier=setting["supplier"], document=document)
    assert len(result.errors) == 1 and result.errors[0].startswith("event 1, outputQuantityList: 9000 made from 10000")
    assert (Lot.objects.count(), TraceEvent.objects.count(), AuditEvent.objects.filter(action="trace.imported").count()) == (
        0,
        0,
        0,
    )


def test_an_unknown_input_lot_without_material_data_is_named(setting):
    document = smelting_document()
    document["epcisBody"]["eventList"].pop(0)
    result = interchange.import_epcis(actor=setting["actor"], supplier=setting["supplier"], document=document)
    assert result.errors == ["event 0, input: lot urn:epc:class:lgtin:8991234.000001.ORE-7 is not known"]


def test_an_error_declaration_in_a_document_declares_the_stored_event_wrong(setting):
    interchange.import_epcis(actor=setting["actor"], supplier=setting["supplier"], document=smelting_document())
    document = smelting_document()
    smelting = copy.deepcopy(document["epcisBody"]["eventList"][1])
    smelting["errorDeclaration"] = {
        "declarationTime": "2026-05-05T00:00:00+07:00",
        "reason": "incorrect_data",
        "correctiveEventIDs": [],
    }
    document["epcisBody"]["eventList"] = [smelting]
    result = interchange.import_epcis(actor=setting["actor"], supplier=setting["supplier"], document=document)
    assert result.declared == 1
    assert not queries.backward([Lot.objects.get(identifier__endswith="SN-7").pk]).reaches_origin


def test_the_export_has_gs1s_document_and_event_shapes_and_reads_back(chain_world):
    lots = [lot.pk for lot in queries.backward([chain_world["chains"].solder.pk]).lots]
    document = interchange.export_epcis(lots)
    assert document["@context"][0] == "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
    assert (document["type"], document["schemaVersion"]) == ("EPCISDocument", "2.0")
    events = document["epcisBody"]["eventList"]
    assert {e["type"] for e in events} == {"ObjectEvent", "TransformationEvent"}
    for event in events:
        assert {"type", "eventID", "eventTime", "eventTimeZoneOffset"} <= set(event)
    smelting = next(e for e in events if e.get("ilmd", {}).get("supplyesg:material") == "tin-smelter-lot")
    assert smelting["inputQuantityList"] == [{"epcClass": "DEMO-SN-ORE-001", "quantity": 10000.0, "uom": "KGM"}]
    assert smelting["ilmd"]["supplyesg:smelterID"] == chain_world["chains"].smelter.cid
    shipping = next(e for e in events if e.get("bizStep") == "shipping")
    assert shipping["action"] == "OBSERVE" and shipping["bizTransactionList"][0]["type"] == "inv"
    parsed, problems = epcis.read_document(document)
    assert problems == [] and len(parsed) == len(events)
