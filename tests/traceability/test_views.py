"""The pages with the four personas: supplier A records its own lots in the portal and never sees B's; supplier B
never sees A's; the read-only viewer reads but cannot review; the compliance manager reviews and imports."""

import json
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supplyesg.core.models import Role
from supplyesg.suppliers.models import SupplyLink
from supplyesg.traceability import services
from supplyesg.traceability.models import Lot, MaterialDefinition, OriginDocument, Party
from tests.factories import make_supplier, make_user, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(client):
    services.load_material_definitions()
    a, b = make_supplier(legal_name="Alpha Silicon"), make_supplier(legal_name="Beta Poly")
    SupplyLink.objects.create(upstream=a, downstream=b)
    return {
        "a": a,
        "b": b,
        "compliance": make_user(Role.COMPLIANCE),
        "viewer": make_user(Role.VIEWER),
        "supplier_a": make_user(Role.SUPPLIER, supplier=a),
        "supplier_b": make_user(Role.SUPPLIER, supplier=b),
    }


def as_(client, user):
    client.force_login(user)
    return client


def a_lot(people, identifier="QZ-1"):
    quarry = Party.objects.create(kind=Party.Kind.QUARRY, name="Quarry", country="NO")
    return services.record_receipt(
        actor=people["supplier_a"],
        supplier=people["a"],
        identifier=identifier,
        material=MaterialDefinition.objects.get(code="quartzite"),
        quantity=D("1000"),
        party=quarry,
    ).lot


def test_supplier_a_records_a_receipt_of_quartzite_with_its_mine_data(client, people):
    response = as_(client, people["supplier_a"]).post(
        reverse("traceability_portal:receive"),
        {
            "identifier": "QZ-77",
            "material": MaterialDefinition.objects.get(code="quartzite").pk,
            "quantity": "27000",
            "party_kind": "quarry",
            "party_name": "Tana",
            "party_country": "NO",
            "assurance": "document_backed",
            "key_data": "mine_name: Tana\ncountry: NO\nextraction_date: 2026-03-01\nweight: 27000",
            "po": "PO-1",
        },
    )
    lot = Lot.objects.get(identifier="QZ-77")
    assert response.status_code == 302 and response["Location"] == reverse("traceability_portal:lot", args=[lot.pk])
    assert (lot.supplier, lot.country, lot.party.name, lot.key_data["extraction_date"]) == (
        people["a"],
        "NO",
        "Tana",
        "2026-03-01",
    )


def test_missing_key_data_is_named_and_nothing_is_recorded(client, people):
    response = as_(client, people["supplier_a"]).post(
        reverse("traceability_portal:receive"),
        {
            "identifier": "QZ-78",
            "material": MaterialDefinition.objects.get(code="quartzite").pk,
            "quantity": "10",
            "assurance": "self_declared",
            "key_data": "mine_name: Tana\nextraction_date: 1 March",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "country is required for Quartzite." in text and "extraction_date: “1 March” is not a date (YYYY-MM-DD)." in text
    assert not Lot.objects.filter(identifier="QZ-78").exists()


def test_shipping_more_than_held_is_answered_on_the_form(client, people):
    lot = a_lot(people)
    response = as_(client, people["supplier_a"]).post(
        reverse("traceability_portal:ship"),
        {"lot": lot.pk, "quantity": "1000.5", "to_supplier": people["b"].pk, "assurance": "self_declared"},
    )
    assert response.status_code == 400
    assert "lot QZ-1 has 1000 left with you; 1000.5 cannot leave." in response.content.decode()


def test_the_shipment_goes_only_to_suppliers_next_on_the_tier_map(client, people):
    lot = a_lot(people)
    stranger = make_supplier()
    response = as_(client, people["supplier_a"]).post(
        reverse("traceability_portal:ship"),
        {"lot": lot.pk, "quantity": "10", "to_supplier": stranger.pk, "assurance": "self_declared"},
    )
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()


def test_supplier_b_never_sees_or_uses_supplier_as_lot(client, people):
    lot = a_lot(people)
    c = as_(client, people["supplier_b"])
    assert c.get(reverse("traceability_portal:lot", args=[lot.pk])).status_code == 404
    assert "QZ-1" not in c.get(reverse("traceability_portal:home")).content.decode()
    response = c.post(reverse("traceability_portal:ship"), {"lot": lot.pk, "quantity": "1", "assurance": "self_declared"})
    assert response.status_code == 400
    assert c.get(reverse("traceability:lot", args=[lot.pk])).status_code == 404


def test_the_viewer_reads_the_trace_but_cannot_review_an_origin_document(client, people):
    lot = a_lot(people)
    document = services.attach_origin_document(
        actor=people["supplier_a"], supplier=people["a"], kind="supplier_self_declaration", upload=pdf_upload(), lot=lot
    )
    c = as_(client, people["viewer"])
    page = c.get(reverse("traceability:lot", args=[lot.pk])).content.decode()
    assert "Tana" not in page and "Quarry" in page and "Declare wrong" not in page
    response = c.post(reverse("traceability:review_origin_document", args=[document.pk]), {"status": "accepted"})
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.status == OriginDocument.Status.PENDING


def test_the_compliance_manager_accepts_an_origin_document_and_the_supplier_sees_it(client, people):
    document = services.attach_origin_document(
        actor=people["supplier_a"], supplier=people["a"], kind="country_of_origin_certificate", upload=pdf_upload()
    )
    response = as_(client, people["compliance"]).post(
        reverse("traceability:review_origin_document", args=[document.pk]),
        {"status": "accepted", "note": "Checked against the BoL"},
    )
    assert response.status_code == 302
    client.force_login(people["supplier_a"])
    assert "Accepted" in client.get(reverse("traceability_portal:home")).content.decode()


def test_a_supplier_user_sends_an_origin_document_for_review(client, people):
    response = as_(client, people["supplier_a"]).post(
        reverse("traceability_portal:upload_origin"),
        {"kind": "source_mineral_declaration", "country": "ID", "file": pdf_upload("declaration.pdf")},
    )
    assert response.status_code == 302
    assert OriginDocument.objects.get().supplier == people["a"]


def test_the_import_page_lists_each_problem_and_imports_nothing(client, people):
    document = {"type": "EPCISDocument", "schemaVersion": "2.0", "epcisBody": {"eventList": [{"type": "ObjectEvent"}]}}
    upload = SimpleUploadedFile("events.json", json.dumps(document).encode(), content_type="application/json")
    response = as_(client, people["compliance"]).post(
        reverse("traceability:epcis_import"), {"supplier": people["a"].code, "file": upload}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was imported:" in text and "event 0, eventID: is required" in text


def test_the_trace_page_finds_a_lot_by_its_purchase_order(client, people):
    lot = a_lot(people)
    services.record_shipment(
        actor=people["supplier_a"], supplier=people["a"], lot=lot, quantity=D("5"), documents={"po": "PO-991"}
    )
    response = as_(client, people["compliance"]).get(reverse("traceability:trace"), {"q": "PO-991"})
    assert response.status_code == 200 and "QZ-1" in response.content.decode()


def test_the_api_gives_the_trace_to_internal_roles_only(client, people):
    lot = a_lot(people)
    data = as_(client, people["viewer"]).get(f"/api/traceability/lots/{lot.pk}/trace").json()
    assert (data["reaches_origin"], data["countries"], data["lots"][0]["material"]) == (True, ["NO"], "quartzite")
    client.force_login(people["supplier_a"])
    assert client.get(f"/api/traceability/lots/{lot.pk}/trace").status_code == 404
