"""Recording receipts, transformations and shipments: the conservation checks refuse what cannot be and change
nothing; untraced inputs are flagged; events are append-only; origin documents are reviewed with an audit row."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent
from supplyesg.suppliers.models import SupplyLink
from supplyesg.traceability import queries, services
from supplyesg.traceability.models import EventLot, Lot, MaterialDefinition, OriginDocument, Party, TraceEvent
from tests.factories import make_supplier, make_user, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def m():
    services.load_material_definitions()
    return {d.code: d for d in MaterialDefinition.objects.all()}


@pytest.fixture
def people():
    alpha, beta = make_supplier(legal_name="Alpha Silicon"), make_supplier(legal_name="Beta Poly")
    SupplyLink.objects.create(upstream=alpha, downstream=beta)
    return {"alpha": alpha, "beta": beta, "actor": make_user()}


def quartzite(m, people, quantity="1000"):
    quarry = Party.objects.create(kind=Party.Kind.QUARRY, name="Quarry", country="NO")
    return services.record_receipt(
        actor=people["actor"],
        supplier=people["alpha"],
        identifier="QZ-1",
        material=m["quartzite"],
        quantity=D(quantity),
        party=quarry,
    ).lot


def test_the_seed_definitions_load_with_their_chains_and_key_data(m):
    assert [d.code for d in MaterialDefinition.objects.filter(chain="solar").order_by("stage")] == [
        "quartzite",
        "metallurgical-silicon",
        "polysilicon",
        "silicon-ingot",
        "silicon-wafer",
        "solar-cell",
        "solar-module",
    ]
    assert list(m["polysilicon"].made_from.values_list("code", flat=True)) == ["metallurgical-silicon"]
    assert {f["name"] for f in m["tin-ore"].key_fields} >= {"country", "extraction_date", "weight"}
    again = services.load_material_definitions()
    assert (again.created, again.updated) == (0, MaterialDefinition.objects.count())


def test_shipping_more_than_is_held_is_refused_and_nothing_is_written(m, people):
    lot = quartzite(m, people)
    services.record_shipment(
        actor=people["actor"], supplier=people["alpha"], lot=lot, quantity=D("600"), to_supplier=people["beta"]
    )
    events = TraceEvent.objects.count()
    with pytest.raises(RuleViolation) as refused:
        services.record_shipment(actor=people["actor"], supplier=people["alpha"], lot=lot, quantity=D("401"))
    assert "quantity: lot QZ-1 has 400 left with you; 401 cannot leave." in refused.value.messages
    assert TraceEvent.objects.count() == events
    assert queries.held(lot, people["alpha"].pk) == D("400")
    assert queries.held_many([lot.pk], people["alpha"].pk) == {lot.pk: D("400")}


def test_an_output_outside_the_tolerance_is_refused_naming_the_quantity(m, people):
    lot = quartzite(m, people)
    with pytest.raises(RuleViolation) as refused:
        services.record_transformation(
            actor=people["actor"],
            supplier=people["alpha"],
            inputs=[(lot, D("1000"))],
            material=m["metallurgical-silicon"],
            identifier="MG-1",
            quantity=D("500"),
        )
    (message,) = refused.value.messages
    assert message.startswith("quantity: 500 made from 1000 of inputs; at a conversion factor of 0.37 about 370")
    assert not Lot.objects.filter(identifier="MG-1").exists()


def test_consuming_more_than_is_held_is_refused(m, people):
    lot = quartzite(m, people, "100")
    with pytest.raises(RuleViolation) as refused:
        services.record_transformation(
            actor=people["actor"],
            supplier=people["alpha"],
            inputs=[(lot, D("1000"))],
            material=m["metallurgical-silicon"],
            identifier="MG-1",
            quantity=D("370"),
        )
    assert refused.value.messages == ["inputs[0]: lot QZ-1 has 100 left with you; 1000 cannot leave."]


def test_another_suppliers_lot_cannot_be_used_or_shipped(m, people):
    lot = quartzite(m, people)
    with pytest.raises(RuleViolation):
        services.record_shipment(actor=people["actor"], supplier=people["beta"], lot=lot, quantity=D("1"))
    with pytest.raises(RuleViolation):
        services.record_transformation(
            actor=people["actor"],
            supplier=people["beta"],
            inputs=[(lot, D("1"))],
            material=m["metallurgical-silicon"],
            identifier="MG-9",
            quantity=D("0.37"),
        )


def test_a_lot_can_be_received_only_by_the_supplier_it_was_shipped_to(m, people):
    lot = quartzite(m, people)
    stranger = make_supplier()
    services.record_shipment(
        actor=people["actor"], supplier=people["alpha"], lot=lot, quantity=D("1000"), to_supplier=people["beta"]
    )
    with pytest.raises(RuleViolation) as refused:
        services.record_receipt(actor=people["actor"], supplier=stranger, identifier="QZ-1", quantity=D("1000"))
    assert refused.value.messages == ["identifier: lot QZ-1 exists and was not shipped to you; check the number."]
    services.record_receipt(actor=people["actor"], supplier=people["beta"], identifier="QZ-1", quantity=D("1000"))
    lot.refresh_from_db()
    assert lot.supplier == people["beta"] and queries.held(lot, people["beta"].pk) == D("1000")


def test_an_input_with_nothing_upstream_is_flagged_as_untraced_but_recorded(m, people):
    sl = services.record_receipt(
        actor=people["actor"], supplier=people["alpha"], identifier="MG-X", material=m["metallurgical-silicon"], quantity=D("100")
    ).lot
    made = services.record_transformation(
        actor=people["actor"],
        supplier=people["alpha"],
        inputs=[(sl, D("100"))],
        material=m["polysilicon"],
        identifier="PS-X",
        quantity=D("85"),
    )
    assert made.flags == ["Untraced input: nothing upstream of lot MG-X is recorded yet."]
    assert list(queries.untraced_lots(people["alpha"].pk)) == [sl]


def test_trace_events_are_never_changed_or_deleted(m, people):
    quartzite(m, people)
    event = TraceEvent.objects.get()
    event.biz_step = "shipping"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert TraceEvent.objects.get().biz_step == "receiving"


def test_an_error_declaration_frees_what_the_wrong_shipment_took(m, people):
    lot = quartzite(m, people)
    shipped = services.record_shipment(actor=people["actor"], supplier=people["alpha"], lot=lot, quantity=D("1000")).event
    assert queries.held(lot, people["alpha"].pk) == D("0")
    services.declare_event_error(actor=people["actor"], event=shipped, reason="did_not_occur")
    assert queries.held(lot, people["alpha"].pk) == D("1000")
    assert AuditEvent.objects.filter(action="trace.error_declared").count() == 1
    with pytest.raises(RuleViolation):
        services.declare_event_error(actor=people["actor"], event=shipped, reason="did_not_occur")


def test_documents_of_an_event_are_kept_by_kind(m, people):
    lot = quartzite(m, people)
    services.record_shipment(
        actor=people["actor"],
        supplier=people["alpha"],
        lot=lot,
        quantity=D("10"),
        documents={"po": "PO-77", "inv": "INV-9", "desadv": "", "bol": "BL-1"},
    )
    assert sorted(
        EventLot.objects.get(role="object", event__biz_step="shipping").event.documents.values_list("kind", "reference")
    ) == [("bol", "BL-1"), ("inv", "INV-9"), ("po", "PO-77")]


def test_an_origin_document_is_reviewed_with_a_note_and_an_audit_row(m, people):
    document = services.attach_origin_document(
        actor=people["actor"],
        supplier=people["alpha"],
        kind=OriginDocument.Kind.ORIGIN_CERTIFICATE,
        upload=pdf_upload(),
        country="NO",
    )
    assert document.status == OriginDocument.Status.PENDING
    with pytest.raises(RuleViolation):
        services.review_origin_document(actor=people["actor"], document=document, status="rejected", note="")
    services.review_origin_document(actor=people["actor"], document=document, status="rejected", note="Certificate expired")
    document.refresh_from_db()
    assert (document.status, document.note, document.reviewer) == ("rejected", "Certificate expired", people["actor"])
    assert AuditEvent.objects.filter(action="origin_document.reviewed", supplier_id=people["alpha"].pk).count() == 1
