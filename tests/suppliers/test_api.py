"""The supplier JSON API: access per persona, validation before writes, the services' effects, can-order."""

import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from supplyesg.core.models import AuditEvent
from supplyesg.core.services import create_api_token
from supplyesg.suppliers.models import BlacklistEntry, Document, Site, Supplier
from supplyesg.suppliers.services.lifecycle import record_signed_scan
from tests.factories import (
    make_agreement_type,
    make_blacklist_entry,
    make_category,
    make_document,
    make_site,
    make_supplier,
    pdf_upload,
)
from tests.paging import assert_deep_pages_are_the_forward_pages

S = Supplier.Status


def send(client, method, url, body=None):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def fields_of(response):
    """The top-level field each error names ("categories.0" names categories).

    Multipart errors arrive as "form.title" / "file.file" until supplyesg/api.py strips those sources too.
    """
    names = set()
    for error in response.json()["errors"]:
        parts = error["field"].split(".")
        if parts[0] in ("form", "file") and len(parts) > 1:
            parts = parts[1:]
        names.add(parts[0])
    return names


def new_supplier_body(**overrides):
    body = {
        "legal_name": "Gamma Wafer Technology Co., Ltd.",
        "country": "CN",
        "tier": 1,
        "registration_id": "91310000GAMMA0001X",
    }
    body.update(overrides)
    return body


# Every write as (method, url, body); {a} is supplier A's id, {site} a site of A, {entry} a ban on B.
WRITES = [
    ("post", "/api/suppliers", new_supplier_body()),
    ("patch", "/api/suppliers/{a}", {"legal_name": "Renamed Ltd."}),
    ("post", "/api/suppliers/{a}/sites", {"name": "Plant 2", "country": "CN"}),
    ("delete", "/api/suppliers/{a}/sites/{site}", None),
    ("post", "/api/suppliers/{a}/transitions", {"transition": "start_qualification_review"}),
    (
        "post",
        "/api/suppliers/{a}/blacklist",
        {"reason": "counterfeit", "details": "Fake chips.", "permanent": True},
    ),
    ("post", "/api/blacklist/{entry}/lift", {"reason": "Court ruling overturned."}),
]

# Reads scoped to one supplier that a supplier's own portal user may make.
PORTAL_READS = [
    "/api/suppliers/{a}",
    "/api/suppliers/{a}/sites",
    "/api/suppliers/{a}/documents",
    "/api/suppliers/{a}/agreements",
]
INTERNAL_READS = [
    "/api/suppliers/{a}/history",
    "/api/suppliers/{a}/can-order",
    "/api/blacklist",
    "/api/can-order?ids={a}",
]


@pytest.fixture
def world(supplier_a, supplier_b):
    site = make_site(supplier_a)
    entry = make_blacklist_entry(supplier_b)
    return {"a": supplier_a.pk, "site": site.pk, "entry": entry.pk}


# ---------------------------------------------------------------- who may do what


@pytest.mark.parametrize(
    "url", ["/api/suppliers", "/api/suppliers/{a}", "/api/can-order?ids={a}", "/api/blacklist"]
)
def test_anonymous_requests_get_401_in_the_error_format(client_for, world, url):
    response = client_for(None).get(url.format(**world))
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required: send a valid API token.", "errors": []}


def test_anonymous_cannot_create_a_supplier(client_for, world):
    response = send(client_for(None), "post", "/api/suppliers", new_supplier_body())
    assert response.status_code == 401
    assert not Supplier.objects.filter(legal_name__startswith="Gamma").exists()


@pytest.mark.parametrize("method,url,body", WRITES)
def test_viewer_gets_403_on_every_write_and_nothing_changes(client_for, viewer, world, method, url, body):
    events = AuditEvent.objects.count()
    response = send(client_for(viewer), method, url.format(**world), body)
    assert response.status_code == 403
    assert response.json()["detail"] == "Your role does not allow this."
    assert AuditEvent.objects.count() == events
    assert Site.objects.filter(pk=world["site"]).exists()
    assert Supplier.objects.get(pk=world["a"]).status == S.PROSPECT


def test_procurement_may_move_suppliers_but_not_blacklist_them(client_for, procurement, supplier_a):
    c = client_for(procurement)
    moved = send(
        c, "post", f"/api/suppliers/{supplier_a.pk}/transitions", {"transition": "start_qualification_review"}
    )
    banned = send(
        c,
        "post",
        f"/api/suppliers/{supplier_a.pk}/blacklist",
        {"reason": "counterfeit", "details": "Fake chips.", "permanent": True},
    )
    assert moved.status_code == 200
    assert banned.status_code == 403
    assert not BlacklistEntry.objects.filter(supplier=supplier_a).exists()


@pytest.mark.parametrize("url", PORTAL_READS + INTERNAL_READS[:2])
def test_supplier_b_user_gets_404_for_supplier_a(client_for, supplier_b_user, world, url):
    response = client_for(supplier_b_user).get(url.format(**world))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}


@pytest.mark.parametrize("method,url,body", WRITES)
def test_a_supplier_user_cannot_write_through_the_api(client_for, supplier_a_user, world, method, url, body):
    events = AuditEvent.objects.count()
    response = send(client_for(supplier_a_user), method, url.format(**world), body)
    assert response.status_code == 404
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("url", PORTAL_READS)
def test_a_supplier_user_reads_their_own_supplier(client_for, supplier_a_user, world, url):
    assert client_for(supplier_a_user).get(url.format(**world)).status_code == 200


@pytest.mark.parametrize("url", INTERNAL_READS)
def test_history_blacklist_and_can_order_are_internal_only(client_for, supplier_a_user, world, url):
    assert client_for(supplier_a_user).get(url.format(**world)).status_code == 404


def test_a_supplier_user_lists_only_their_own_supplier(client_for, supplier_a_user, supplier_b):
    body = client_for(supplier_a_user).get("/api/suppliers").json()
    assert body["count"] == 1
    assert [s["code"] for s in body["items"]] == [supplier_a_user.supplier.code]
    assert body["items"][0]["legal_name"] == "Alpha Cable Co., Ltd."


@pytest.mark.parametrize("url", PORTAL_READS + INTERNAL_READS)
def test_viewer_reads_everything(client_for, viewer, world, url):
    assert client_for(viewer).get(url.format(**world)).status_code == 200


# ---------------------------------------------------------------- list


def test_list_filters_by_status_tier_country_category_and_search(client_for, viewer):
    wafers = make_category(code="wafers", name="Silicon wafers")
    make_supplier(legal_name="Delta Wafer Ltd", country="TW", tier=2, status=S.ACTIVE, categories=[wafers])
    make_supplier(legal_name="Epsilon Solder", country="TW", tier=1, status=S.ACTIVE)
    make_supplier(legal_name="Zeta Cobalt", country="CD", tier=3, status=S.SUSPENDED, aliases="Zeta Mining")
    c = client_for(viewer)

    def names(query):
        response = c.get("/api/suppliers?" + query)
        assert response.status_code == 200
        return [s["legal_name"] for s in response.json()["items"]]

    assert names("status=active") == ["Delta Wafer Ltd", "Epsilon Solder"]
    assert names("tier=3") == ["Zeta Cobalt"]
    assert names("country=tw&ordering=-legal_name") == ["Epsilon Solder", "Delta Wafer Ltd"]
    assert names("category=wafers") == ["Delta Wafer Ltd"]
    assert names("q=mining") == ["Zeta Cobalt"]


def test_list_pages_with_limit_and_offset_and_gives_the_total(client_for, viewer):
    for n in range(7):
        make_supplier(legal_name=f"Paged Supplier {n}")
    body = client_for(viewer).get("/api/suppliers?q=Paged&limit=3&offset=3").json()
    assert body["count"] == 7
    assert (body["limit"], body["offset"]) == (3, 3)
    assert [s["legal_name"] for s in body["items"]] == [f"Paged Supplier {n}" for n in (3, 4, 5)]


def test_pages_in_the_second_half_are_the_pages_the_forward_reading_gives(client_for, viewer):
    """Every page of every order is checked on the paging helper itself (tests/core/test_paging.py); here the API's
    own orders, with ties on the sorted column, and a filter the tally does not count."""
    for n in range(11):
        make_supplier(legal_name=f"Halves {n % 4}", tier=1 + n % 2, country="CN" if n % 3 else "VN")
    c = client_for(viewer)
    for ordering in ("legal_name", "-legal_name", "tier", "-created_at"):
        assert_deep_pages_are_the_forward_pages(c, f"/api/suppliers?ordering={ordering}", total=11)
    assert_deep_pages_are_the_forward_pages(c, "/api/suppliers?country=CN", total=7)


@pytest.mark.parametrize(
    "query,field",
    [
        ("tier=9", "tier"),
        ("status=happy", "status"),
        ("limit=501", "limit"),
        ("offset=99999999999999999999", "offset"),
        ("country=XX", "country"),
        ("ordering=password", "ordering"),
    ],
)
def test_list_rejects_bad_filters_naming_the_parameter(client_for, viewer, query, field):
    response = client_for(viewer).get("/api/suppliers?" + query)
    assert response.status_code == 422
    assert field in fields_of(response)


def test_list_query_count_does_not_grow_with_page_size(client_for, compliance):
    categories = [make_category() for _ in range(3)]
    for n in range(40):
        make_supplier(legal_name=f"Bulk {n:02d}", categories=categories[: n % 4])
    c = client_for(compliance)
    counts = []
    for limit in (5, 40):
        with CaptureQueriesContext(connection) as queries:
            body = c.get(f"/api/suppliers?limit={limit}").json()
        assert len(body["items"]) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert {c["code"] for c in body["items"][3]["categories"]} == {cat.code for cat in categories[:3]}


# ---------------------------------------------------------------- create and change


def test_compliance_creates_a_supplier_with_categories_and_aliases(client_for, compliance):
    make_category(code="solder", name="Tin solder")
    body = new_supplier_body(
        aliases=["Gamma Wafer", "GWT"],
        categories=["solder"],
        spend_share="12.5",
        website="https://gamma.example.com",
        tier=2,
        is_key=True,
    )
    response = send(client_for(compliance), "post", "/api/suppliers", body)
    assert response.status_code == 201, response.json()
    data = response.json()
    supplier = Supplier.objects.get(pk=data["id"])
    assert supplier.status == S.PROSPECT
    assert supplier.alias_list == ["Gamma Wafer", "GWT"]
    assert [c.code for c in supplier.categories.all()] == ["solder"]
    assert data["aliases"] == ["Gamma Wafer", "GWT"]
    assert data["categories"] == [{"code": "solder", "name": "Tin solder"}]
    assert data["transitions"][0]["name"] == "start_qualification_review"
    assert AuditEvent.objects.filter(supplier=supplier, action="supplier.created", actor=compliance).exists()


def test_a_possible_duplicate_answers_409_naming_the_candidate_until_confirmed(
    client_for, compliance, supplier_a
):
    c = client_for(compliance)
    body = new_supplier_body(legal_name="Alpha Cable Company Limited", registration_id="", country=supplier_a.country)
    refused = send(c, "post", "/api/suppliers", body)
    assert refused.status_code == 409
    assert any(supplier_a.code in e["message"] for e in refused.json()["errors"])
    assert Supplier.objects.count() == 1
    accepted = send(c, "post", "/api/suppliers", {**body, "confirmed_not_duplicate": True})
    assert accepted.status_code == 201
    assert Supplier.objects.count() == 2


def test_a_blacklisted_identity_cannot_be_created(client_for, compliance, supplier_b):
    make_blacklist_entry(supplier_b)
    body = new_supplier_body(
        legal_name=supplier_b.legal_name,
        country="MY",
        registration_id=supplier_b.registration_id,
        confirmed_not_duplicate=True,
    )
    response = send(client_for(compliance), "post", "/api/suppliers", body)
    assert response.status_code == 409
    assert "blacklisted" in response.json()["detail"]
    assert Supplier.objects.count() == 1


@pytest.mark.parametrize(
    "override,status,field",
    [
        ({"tier": "three"}, 422, "tier"),
        ({"tier": 4}, 422, "tier"),
        ({"country": "XX"}, 422, "country"),
        ({"spend_share": 150}, 422, "spend_share"),
        ({"legal_name": None}, 422, "legal_name"),
        ({"legal_name": "   "}, 422, "legal_name"),
        ({"aliases": "not a list"}, 422, "aliases"),
        ({"categories": ["no-such-category"]}, 400, "categories"),
        ({"website": "not a web address"}, 400, "website"),
    ],
)
def test_bad_supplier_input_names_the_field_and_stores_nothing(
    client_for, compliance, override, status, field
):
    body = new_supplier_body(**override)
    if override.get("legal_name", "") is None:
        del body["legal_name"]
    response = send(client_for(compliance), "post", "/api/suppliers", body)
    assert response.status_code == status
    assert field in fields_of(response)
    assert response.json()["detail"]
    assert not Supplier.objects.exists()
    assert not AuditEvent.objects.filter(action="supplier.created").exists()


def test_patch_changes_only_the_fields_sent_and_keeps_the_reason(client_for, compliance, supplier_a):
    wafers = make_category(code="wafers")
    body = {"tier": 2, "aliases": ["Alpha"], "categories": ["wafers"], "reason": "Annual review"}
    response = send(client_for(compliance), "patch", f"/api/suppliers/{supplier_a.pk}", body)
    assert response.status_code == 200, response.json()
    supplier_a.refresh_from_db()
    assert (supplier_a.tier, supplier_a.alias_list, supplier_a.legal_name) == (
        2,
        ["Alpha"],
        "Alpha Cable Co., Ltd.",
    )
    assert list(supplier_a.categories.all()) == [wafers]
    event = AuditEvent.objects.get(supplier=supplier_a, action="supplier.updated")
    assert event.reason == "Annual review"
    assert set(event.changes) == {"tier", "aliases", "categories"}


@pytest.mark.parametrize(
    "body,status,field",
    [
        ({"legal_name": None}, 422, "legal_name"),
        ({"country": "XX"}, 422, "country"),
        ({"spend_share": -1}, 422, "spend_share"),
        ({"categories": ["nope"]}, 400, "categories"),
    ],
)
def test_bad_patch_names_the_field_and_changes_nothing(
    client_for, compliance, supplier_a, body, status, field
):
    response = send(client_for(compliance), "patch", f"/api/suppliers/{supplier_a.pk}", body)
    assert response.status_code == status
    assert field in fields_of(response)
    supplier_a.refresh_from_db()
    assert (supplier_a.legal_name, supplier_a.country) == ("Alpha Cable Co., Ltd.", "CN")
    assert not AuditEvent.objects.filter(action="supplier.updated").exists()


def test_spend_share_can_be_cleared_with_null(client_for, compliance):
    supplier = make_supplier(spend_share="5.000")
    response = send(client_for(compliance), "patch", f"/api/suppliers/{supplier.pk}", {"spend_share": None})
    assert response.status_code == 200
    assert response.json()["spend_share"] is None
    supplier.refresh_from_db()
    assert supplier.spend_share is None


# ---------------------------------------------------------------- sites and documents


def test_compliance_adds_lists_and_removes_sites(client_for, compliance, supplier_a):
    c = client_for(compliance)
    added = send(
        c,
        "post",
        f"/api/suppliers/{supplier_a.pk}/sites",
        {"name": "Dongguan plant", "country": "cn", "kind": "warehouse"},
    )
    assert added.status_code == 201
    assert added.json()["kind_label"] == "Warehouse"
    site_id = added.json()["id"]
    assert [s["name"] for s in c.get(f"/api/suppliers/{supplier_a.pk}/sites").json()] == ["Dongguan plant"]
    removed = c.delete(f"/api/suppliers/{supplier_a.pk}/sites/{site_id}")
    assert removed.status_code == 204
    assert not supplier_a.sites.exists()
    actions = set(AuditEvent.objects.filter(supplier=supplier_a).values_list("action", flat=True))
    assert actions == {"site.added", "site.removed"}


def test_a_site_of_another_supplier_cannot_be_removed_through_this_one(
    client_for, compliance, supplier_a, supplier_b
):
    site_of_b = make_site(supplier_b)
    response = client_for(compliance).delete(f"/api/suppliers/{supplier_a.pk}/sites/{site_of_b.pk}")
    assert response.status_code == 404
    assert Site.objects.filter(pk=site_of_b.pk).exists()


def test_compliance_uploads_a_document_and_lists_it_with_a_download_link(client_for, compliance, supplier_a):
    c = client_for(compliance)
    expiry = date.today() + timedelta(days=300)
    response = c.post(
        f"/api/suppliers/{supplier_a.pk}/documents",
        {
            "doc_type": "rohs",
            "title": "RoHS test report",
            "issue_date": "",
            "expiry_date": expiry.isoformat(),
            "file": pdf_upload("rohs.pdf"),
        },
    )
    assert response.status_code == 201, response.json()
    document = Document.objects.get(supplier=supplier_a)
    assert (document.title, document.expiry_date, document.original_name) == (
        "RoHS test report",
        expiry,
        "rohs.pdf",
    )
    listed = c.get(f"/api/suppliers/{supplier_a.pk}/documents").json()
    assert listed[0]["download_url"] == f"/suppliers/files/document/{document.pk}/"
    download = c.get(listed[0]["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert listed[0]["doc_type_label"] == "RoHS report"
    assert listed[0]["expired"] is False
    assert AuditEvent.objects.filter(supplier=supplier_a, action="document.uploaded").exists()


@pytest.mark.parametrize(
    "fields,status,field",
    [
        ({"file": SimpleUploadedFile("fake.pdf", b"MZ not a pdf at all")}, 400, ""),
        ({"file": SimpleUploadedFile("tool.exe", b"MZ")}, 400, ""),
        ({"title": ""}, 422, "title"),
        ({"doc_type": "passport"}, 422, "doc_type"),
        ({"issue_date": "2025-13-45"}, 422, "issue_date"),
        ({"issue_date": "2025-06-01", "expiry_date": "2024-06-01"}, 409, ""),
    ],
)
def test_a_bad_document_upload_is_refused_and_stores_nothing(
    client_for, compliance, supplier_a, fields, status, field
):
    data = {"doc_type": "licence", "title": "Business licence", "file": pdf_upload(), **fields}
    response = client_for(compliance).post(f"/api/suppliers/{supplier_a.pk}/documents", data)
    assert response.status_code == status
    assert field in fields_of(response)
    if "file" in fields:
        assert "file:" in response.json()["detail"]
    assert not Document.objects.exists()


def test_an_upload_without_a_file_names_the_file_field(client_for, compliance, supplier_a):
    response = client_for(compliance).post(
        f"/api/suppliers/{supplier_a.pk}/documents", {"doc_type": "licence", "title": "Business licence"}
    )
    assert response.status_code == 422
    assert "file" in fields_of(response)


def test_a_supplier_user_sees_their_own_documents(client_for, supplier_a_user, supplier_a):
    make_document(supplier_a, title="Licence 2025")
    listed = client_for(supplier_a_user).get(f"/api/suppliers/{supplier_a.pk}/documents").json()
    assert [d["title"] for d in listed] == ["Licence 2025"]


def test_agreements_list_required_types_and_signatures(client_for, viewer, compliance, supplier_a):
    conduct = make_agreement_type(code="conduct", name="Code of conduct", required_for_all=True)
    make_agreement_type(code="minerals", name="Responsible minerals", required_for_all=True)
    signed = record_signed_scan(
        supplier_a,
        conduct,
        actor=compliance,
        scan=pdf_upload("signed.pdf"),
        signer_name="Li Wei",
        signer_title="CEO",
        signed_at=None,
    )
    body = client_for(viewer).get(f"/api/suppliers/{supplier_a.pk}/agreements").json()
    assert {r["code"]: r["signed"] for r in body["required"]} == {"conduct": True, "minerals": False}
    assert [(s["agreement"], s["signer_name"], s["in_force"]) for s in body["signatures"]] == [
        ("conduct", "Li Wei", True)
    ]
    assert body["signatures"][0]["scan_url"] == f"/suppliers/files/scan/{signed.pk}/"


# ---------------------------------------------------------------- lifecycle and history


def test_compliance_moves_a_prospect_into_qualification_review(client_for, compliance, supplier_a):
    response = send(
        client_for(compliance),
        "post",
        f"/api/suppliers/{supplier_a.pk}/transitions",
        {"transition": "start_qualification_review"},
    )
    assert response.status_code == 200
    assert response.json()["status"] == S.QUALIFICATION
    assert [t["name"] for t in response.json()["transitions"]] == [
        "complete_qualification_review",
        "reject_qualification",
    ]
    supplier_a.refresh_from_db()
    assert supplier_a.status == S.QUALIFICATION
    assert supplier_a.qualification_items.count() == 9
    assert AuditEvent.objects.filter(supplier=supplier_a, action="supplier.qualification_started").exists()


def test_a_transition_not_offered_in_the_current_status_answers_409(client_for, compliance, supplier_a):
    response = send(
        client_for(compliance),
        "post",
        f"/api/suppliers/{supplier_a.pk}/transitions",
        {"transition": "suspend_supplier", "reason": "Late deliveries"},
    )
    assert response.status_code == 409
    assert "start_qualification_review" in response.json()["detail"]
    supplier_a.refresh_from_db()
    assert supplier_a.status == S.PROSPECT


def test_an_unknown_transition_name_names_the_field(client_for, compliance, supplier_a):
    response = send(
        client_for(compliance),
        "post",
        f"/api/suppliers/{supplier_a.pk}/transitions",
        {"transition": "delete_everything"},
    )
    assert response.status_code == 422
    assert fields_of(response) == {"transition"}


def test_a_transition_that_needs_a_reason_is_refused_without_one(client_for, compliance):
    supplier = make_supplier(status=S.ACTIVE)
    response = send(
        client_for(compliance),
        "post",
        f"/api/suppliers/{supplier.pk}/transitions",
        {"transition": "suspend_supplier"},
    )
    assert response.status_code == 409
    assert "reason" in response.json()["detail"]
    supplier.refresh_from_db()
    assert supplier.status == S.ACTIVE


def test_qualification_cannot_pass_with_unreviewed_items(client_for, compliance, supplier_a):
    c = client_for(compliance)
    send(
        c, "post", f"/api/suppliers/{supplier_a.pk}/transitions", {"transition": "start_qualification_review"}
    )
    response = send(
        c,
        "post",
        f"/api/suppliers/{supplier_a.pk}/transitions",
        {"transition": "complete_qualification_review"},
    )
    assert response.status_code == 409
    assert len(response.json()["errors"]) == 9
    supplier_a.refresh_from_db()
    assert supplier_a.status == S.QUALIFICATION


def test_history_lists_the_audit_trail_newest_first(client_for, compliance, supplier_a):
    c = client_for(compliance)
    send(
        c, "post", f"/api/suppliers/{supplier_a.pk}/transitions", {"transition": "start_qualification_review"}
    )
    send(
        c,
        "post",
        f"/api/suppliers/{supplier_a.pk}/transitions",
        {"transition": "reject_qualification", "reason": "Licence is forged"},
    )
    body = c.get(f"/api/suppliers/{supplier_a.pk}/history").json()
    assert body["count"] == 2
    latest = body["items"][0]
    assert (latest["action"], latest["actor"], latest["reason"]) == (
        "supplier.admission_rejected",
        "carla-compliance",
        "Licence is forged",
    )
    assert latest["changes"] == {"status": ["qualification", "prospect"]}


def test_deep_pages_of_the_history_are_the_pages_the_forward_reading_gives(client_for, compliance, supplier_a):
    at = timezone.now()
    for n in range(11):  # three at each time: the newest first, then the last recorded
        AuditEvent.objects.create(
            supplier=supplier_a, action="supplier.updated", target_type="supplier", target_id=n, at=at - timedelta(hours=n % 3)
        )
    assert_deep_pages_are_the_forward_pages(client_for(compliance), f"/api/suppliers/{supplier_a.pk}/history", total=11)


# ---------------------------------------------------------------- blacklist


def test_compliance_blacklists_a_supplier_and_then_lifts_the_ban(client_for, compliance, supplier_a):
    c = client_for(compliance)
    until = date.today() + timedelta(days=365)
    banned = send(
        c,
        "post",
        f"/api/suppliers/{supplier_a.pk}/blacklist",
        {
            "reason": "false_materials",
            "details": "Declared conflict-free tin was not.",
            "until": until.isoformat(),
        },
    )
    assert banned.status_code == 201, banned.json()
    entry_id = banned.json()["id"]
    assert banned.json()["in_force"] is True
    supplier_a.refresh_from_db()
    assert supplier_a.status == S.BLACKLISTED
    in_force = c.get("/api/blacklist?in_force=true").json()
    assert [e["supplier_code"] for e in in_force["items"]] == [supplier_a.code]

    lifted = send(c, "post", f"/api/blacklist/{entry_id}/lift", {"reason": "Audit cleared the supplier."})
    assert lifted.status_code == 200
    assert lifted.json()["in_force"] is False
    supplier_a.refresh_from_db()
    assert supplier_a.status == S.EXITED
    assert c.get("/api/blacklist?in_force=true").json()["count"] == 0
    assert [e["id"] for e in c.get("/api/blacklist?in_force=false").json()["items"]] == [entry_id]
    actions = set(AuditEvent.objects.filter(supplier=supplier_a).values_list("action", flat=True))
    assert {"supplier.blacklisted", "supplier.blacklist_lifted"} <= actions


def test_deep_pages_of_the_blacklist_are_the_pages_the_forward_reading_gives(client_for, viewer):
    entries = [make_blacklist_entry(make_supplier()) for _ in range(11)]
    decided = timezone.now()
    for n, entry in enumerate(entries):  # decided at the same moment in threes: the latest entry first among them
        BlacklistEntry.objects.filter(pk=entry.pk).update(decided_at=decided - timedelta(days=n % 3))
    c = client_for(viewer)
    assert_deep_pages_are_the_forward_pages(c, "/api/blacklist", total=11)
    assert [e["id"] for e in c.get("/api/blacklist?limit=3").json()["items"]] == [entries[n].pk for n in (9, 6, 3)]


@pytest.mark.parametrize(
    "body,status",
    [
        ({"reason": "counterfeit", "details": "Fake chips."}, 409),  # temporary without an end date
        ({"reason": "counterfeit", "details": "Fake chips.", "permanent": True, "until": "2099-01-01"}, 409),
        ({"reason": "bad vibes", "details": "Fake chips.", "permanent": True}, 422),
        ({"reason": "counterfeit", "details": "", "permanent": True}, 422),
    ],
)
def test_a_bad_blacklist_request_changes_nothing(client_for, compliance, supplier_a, body, status):
    response = send(client_for(compliance), "post", f"/api/suppliers/{supplier_a.pk}/blacklist", body)
    assert response.status_code == status
    assert not BlacklistEntry.objects.exists()
    supplier_a.refresh_from_db()
    assert supplier_a.status == S.PROSPECT


def test_a_lifted_ban_cannot_be_lifted_again(client_for, compliance, supplier_b):
    entry = make_blacklist_entry(supplier_b)
    c = client_for(compliance)
    assert send(c, "post", f"/api/blacklist/{entry.pk}/lift", {"reason": "Appeal won."}).status_code == 200
    again = send(c, "post", f"/api/blacklist/{entry.pk}/lift", {"reason": "Appeal won."})
    assert again.status_code == 409
    assert again.json()["detail"] == "This blacklist entry was already lifted."


# ---------------------------------------------------------------- can order


def test_can_order_answers_yes_for_an_active_supplier(client_for, viewer):
    supplier = make_supplier(status=S.ACTIVE)
    body = client_for(viewer).get(f"/api/suppliers/{supplier.pk}/can-order").json()
    assert body == {"supplier_id": supplier.pk, "code": supplier.code, "can_order": True, "reasons": []}


def test_can_order_gives_the_reasons_for_no(client_for, viewer, supplier_a, supplier_b):
    make_blacklist_entry(supplier_b)
    c = client_for(viewer)
    prospect = c.get(f"/api/suppliers/{supplier_a.pk}/can-order").json()
    banned = c.get(f"/api/suppliers/{supplier_b.pk}/can-order").json()
    assert prospect["can_order"] is False
    assert prospect["reasons"] == [
        "Status is Prospect; orders need a qualified, active or conditional supplier."
    ]
    assert banned["can_order"] is False
    assert banned["reasons"][0].startswith("Blacklisted: Counterfeit products")


def test_can_order_list_by_ids_and_by_codes_reports_unknown_ones(client_for, viewer, supplier_a):
    active = make_supplier(status=S.ACTIVE, code="S000777")
    c = client_for(viewer)
    by_ids = c.get(f"/api/can-order?ids={active.pk},{supplier_a.pk},999999,0{active.pk}").json()
    assert [(r["code"], r["can_order"]) for r in by_ids["results"]] == [
        ("S000777", True),
        (supplier_a.code, False),
    ]
    assert by_ids["not_found"] == ["999999"]
    by_codes = c.get(f"/api/can-order?codes=S000777,{supplier_a.code},NOPE").json()
    assert [r["supplier_id"] for r in by_codes["results"]] == [active.pk, supplier_a.pk]
    assert by_codes["results"][1]["reasons"]
    assert by_codes["not_found"] == ["NOPE"]


@pytest.mark.parametrize(
    "query,field",
    [
        ("", "ids"),
        ("ids=1,two", "ids"),
        ("ids=%C2%B2", "ids"),
        ("ids=99999999999999999999", "ids"),
        ("ids=1&codes=S1", "ids"),
        ("ids=" + ",".join(str(n) for n in range(1, 502)), "ids"),
        ("codes=" + ",".join(f"S{n}" for n in range(501)), "codes"),
    ],
)
def test_can_order_list_rejects_bad_requests_naming_the_parameter(client_for, viewer, query, field):
    response = client_for(viewer).get("/api/can-order?" + query)
    assert response.status_code == 400
    assert fields_of(response) == {field}


def test_can_order_list_takes_a_constant_number_of_queries(client_for, viewer):
    # Five blacklisted, five still in admission (their answer names the lifecycle status and its date), the rest active:
    # every kind of answer is in the big batch and none may cost a query per supplier.
    suppliers = [make_supplier(status=S.ACTIVE) for _ in range(30)]
    for supplier in suppliers[:5]:
        make_blacklist_entry(supplier)
    for supplier in suppliers[5:10]:
        Supplier.objects.filter(pk=supplier.pk).update(status=S.QUALIFICATION)
    c = client_for(viewer)
    counts = []
    for batch in (suppliers[:3], suppliers):
        with CaptureQueriesContext(connection) as queries:
            body = c.get("/api/can-order?ids=" + ",".join(str(s.pk) for s in batch)).json()
        assert len(body["results"]) == len(batch)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert sum(not r["can_order"] for r in body["results"]) == 10


# ---------------------------------------------------------------- documentation


def test_the_openapi_schema_lists_the_supplier_endpoints(client_for, viewer):
    paths = client_for(viewer).get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/suppliers",
        "/api/suppliers/{supplier_id}",
        "/api/suppliers/{supplier_id}/sites",
        "/api/suppliers/{supplier_id}/sites/{site_id}",
        "/api/suppliers/{supplier_id}/documents",
        "/api/suppliers/{supplier_id}/agreements",
        "/api/suppliers/{supplier_id}/transitions",
        "/api/suppliers/{supplier_id}/history",
        "/api/blacklist",
        "/api/suppliers/{supplier_id}/blacklist",
        "/api/blacklist/{entry_id}/lift",
        "/api/suppliers/{supplier_id}/can-order",
        "/api/can-order",
    ):
        assert path in paths
    assert set(paths["/api/suppliers/{supplier_id}"]) == {"get", "patch"}


def test_the_api_docs_page_opens_for_an_internal_user(client_for, compliance):
    response = client_for(compliance).get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


@pytest.mark.parametrize(
    "method,url,body,field",
    [
        ("post", "/api/suppliers", new_supplier_body(legal_name="Nul\u0000Ltd"), "legal_name"),
        ("post", "/api/suppliers", new_supplier_body(categories=["a\u0000"]), "categories"),
        ("patch", "/api/suppliers/{a}", {"address": "Road\u00001"}, "address"),
        ("post", "/api/suppliers/{a}/sites", {"name": "Plant\u0000", "country": "CN"}, "name"),
        ("get", "/api/suppliers?q=%00", None, "q"),
        ("get", "/api/can-order?codes=S1%00", None, "codes"),
    ],
)
def test_text_with_a_nul_character_is_refused_naming_the_field(
    client_for, compliance, world, method, url, body, field
):
    events = AuditEvent.objects.count()
    response = send(client_for(compliance), method, url.format(**world), body)
    assert response.status_code in (400, 422)
    assert field in fields_of(response)
    assert AuditEvent.objects.count() == events


# ---------------------------------------------------------------- added by the lead: file download, exit, docs


def test_a_token_client_downloads_a_document_file(compliance, supplier_a):
    from django.test import Client

    from supplyesg.core.services import create_api_token
    from tests.factories import make_document

    document = make_document(supplier_a)
    _token, raw = create_api_token(user=compliance, name="erp", actor=compliance)
    url = f"/api/suppliers/{supplier_a.pk}/documents/{document.pk}/file"
    response = Client().get(url, headers={"authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_supplier_b_cannot_download_supplier_a_files_through_the_api(supplier_a, supplier_b_user, client_for):
    from tests.factories import make_document

    document = make_document(supplier_a)
    response = client_for(supplier_b_user).get(f"/api/suppliers/{supplier_a.pk}/documents/{document.pk}/file")
    assert response.status_code == 404


def test_exit_through_the_api_records_reason_and_open_items(compliance, supplier_a, client_for):
    import json

    response = client_for(compliance).post(
        f"/api/suppliers/{supplier_a.pk}/exit",
        json.dumps({"reason": "Business moved", "exit_date": "2026-12-31", "open_items": "keep"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    supplier_a.refresh_from_db()
    assert supplier_a.status == "exited"
    assert supplier_a.exits.get().open_items == "keep"


def test_exit_with_a_bad_choice_names_the_field_and_changes_nothing(compliance, supplier_a, client_for):
    import json

    response = client_for(compliance).post(
        f"/api/suppliers/{supplier_a.pk}/exit",
        json.dumps({"reason": "x", "exit_date": "2026-12-31", "open_items": "shred"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "open_items"
    supplier_a.refresh_from_db()
    assert supplier_a.status != "exited"


def test_the_api_docs_need_an_internal_login(supplier_a_user, viewer, client_for):
    from django.test import Client

    assert Client().get("/api/docs").status_code == 302
    assert client_for(supplier_a_user).get("/api/docs").status_code == 404
    assert client_for(viewer).get("/api/docs").status_code == 200


INTERNAL_SUPPLIER_FIELDS = {"spend_share", "is_key", "transitions", "url", "tier", "status_changed_at"}


def test_a_supplier_users_token_sees_the_fields_of_its_portal_not_the_buyers(client_for, supplier_a_user, supplier_a, compliance):
    raw = create_api_token(user=supplier_a_user, name="erp", actor=supplier_a_user)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    one = client.get(f"/api/suppliers/{supplier_a.pk}").json()
    listed = client.get("/api/suppliers").json()["items"]
    staff = client_for(compliance).get(f"/api/suppliers/{supplier_a.pk}").json()

    assert one["code"] == supplier_a.code and one["legal_name"] == supplier_a.legal_name
    assert not INTERNAL_SUPPLIER_FIELDS & set(one)
    assert [s["code"] for s in listed] == [supplier_a.code] and not INTERNAL_SUPPLIER_FIELDS & set(listed[0])
    assert INTERNAL_SUPPLIER_FIELDS <= set(staff)


def test_can_order_finds_supplier_codes_whatever_their_case(client_for, viewer, supplier_a, supplier_b):
    lower = supplier_a.code.lower()
    body = client_for(viewer).get("/api/can-order", {"codes": f"{lower}, {supplier_b.code},nope"}).json()

    assert [r["code"] for r in body["results"]] == [supplier_a.code, supplier_b.code]
    assert body["not_found"] == ["nope"]


@pytest.mark.parametrize("written", ["{reg}", "{reg_lower}", "{reg_spaced}"])
def test_the_same_registration_id_in_the_same_country_is_refused_even_when_confirmed(client_for, compliance, supplier_a, written):
    reg = supplier_a.registration_id
    spaced = f"{reg[:4]} {reg[4:8]}-{reg[8:]}"
    body = new_supplier_body(
        legal_name="Completely Other Name GmbH",
        country=supplier_a.country,
        registration_id=written.format(reg=reg, reg_lower=reg.lower(), reg_spaced=spaced),
        confirmed_not_duplicate=True,
    )
    response = send(client_for(compliance), "post", "/api/suppliers", body)

    assert response.status_code == 409
    assert supplier_a.code in response.json()["detail"]
    assert Supplier.objects.count() == 1


def test_changing_a_registration_id_to_another_suppliers_is_refused(client_for, compliance, supplier_a):
    other = make_supplier(legal_name="Other Co.", country=supplier_a.country, registration_id="OTHER-1")
    body = {"registration_id": supplier_a.registration_id}
    response = send(client_for(compliance), "patch", f"/api/suppliers/{other.pk}", body)

    assert response.status_code == 409
    other.refresh_from_db()
    assert other.registration_id == "OTHER-1"
