"""Sanctions pages and API: compliance and administrators decide, viewers read, suppliers never see screening."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supplyesg.core.services import create_api_token
from supplyesg.suppliers.models import SanctionsHit, SanctionsListVersion, Supplier
from supplyesg.suppliers.sanctions import services
from supplyesg.suppliers.services.compliance import can_order
from tests.factories import make_supplier
from tests.suppliers.sanctions_files import GOLDEN_STAR, standard_un_xml

pytestmark = pytest.mark.django_db


@pytest.fixture
def hit(db):
    make_supplier(legal_name=GOLDEN_STAR, status=Supplier.Status.ACTIVE)
    services.load_sanctions_list(standard_un_xml(), fmt="un-xml", list_name=services.UN_LIST_NAME, file_name="c.xml")
    return services.screen_subjects().new_hits[0]


def test_the_queue_shows_the_hit_with_its_evidence_to_a_viewer(hit, viewer, client_for):
    queue = client_for(viewer).get(reverse("sanctions:hits")).content.decode()
    assert GOLDEN_STAR in queue and "KPe.099" in queue
    detail = client_for(viewer).get(reverse("sanctions:hit_detail", kwargs={"hit_pk": hit.pk})).content.decode()
    assert "Golden Star Trading" in detail and services.UN_LIST_NAME in detail
    assert "Confirm: this is the listed party" not in detail


def test_a_supplier_user_never_sees_screening(hit, supplier_a_user, client_for):
    client = client_for(supplier_a_user)
    assert client.get(reverse("sanctions:hits")).status_code == 404
    assert client.get(reverse("sanctions:hit_detail", kwargs={"hit_pk": hit.pk})).status_code == 404
    assert client.get("/api/sanctions/hits").status_code == 404


def test_a_viewer_may_not_decide(hit, viewer, client_for):
    response = client_for(viewer).post(reverse("sanctions:confirm_hit", kwargs={"hit_pk": hit.pk}), {"reason": ""})
    assert response.status_code == 403
    hit.refresh_from_db()
    assert hit.status == SanctionsHit.Status.PENDING


def test_compliance_confirms_on_the_page_and_ordering_stops(hit, compliance, client_for):
    client = client_for(compliance)
    response = client.post(reverse("sanctions:confirm_hit", kwargs={"hit_pk": hit.pk}), {"reason": "same owner"})
    assert response.status_code == 302
    hit.refresh_from_db()
    assert hit.status == SanctionsHit.Status.CONFIRMED and hit.decision_reason == "same owner"
    assert can_order(hit.supplier).can_order is False


def test_a_dismissal_without_reason_on_the_page_changes_nothing(hit, compliance, client_for):
    url = reverse("sanctions:dismiss_hit", kwargs={"hit_pk": hit.pk})
    page = client_for(compliance).post(url, {"reason": ""}, follow=True).content.decode()
    assert "say why the screened party is not the listed one" in page
    hit.refresh_from_db()
    assert hit.status == SanctionsHit.Status.PENDING


def test_an_administrator_loads_a_list_on_the_page_and_screening_runs(admin_user, client_for, django_capture_on_commit_callbacks):
    make_supplier(legal_name="KOMID")
    upload = SimpleUploadedFile("consolidated.xml", standard_un_xml(), content_type="text/xml")
    data = {"file": upload, "format": "un-xml", "list_name": services.UN_LIST_NAME, "source": "", "version": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(reverse("sanctions:load_list"), data)
    assert response.status_code == 302
    assert SanctionsListVersion.objects.get().entry_count == 3
    assert SanctionsHit.objects.get().screened_name == "KOMID"


def test_a_bad_upload_is_shown_on_the_form_and_stores_nothing(admin_user, compliance, client_for):
    upload = SimpleUploadedFile("consolidated.xml", b"<CONSOLIDATED_LIST>", content_type="text/xml")
    data = {"file": upload, "format": "un-xml", "list_name": services.UN_LIST_NAME}
    response = client_for(admin_user).post(reverse("sanctions:load_list"), data)
    assert response.status_code == 400 and "not well-formed XML" in response.content.decode()
    assert SanctionsListVersion.objects.count() == 0
    assert client_for(compliance).get(reverse("sanctions:load_list")).status_code == 403


def test_the_api_lists_hits_and_decides_them_with_a_token(hit, compliance, viewer, client):
    _token, raw = create_api_token(user=compliance, name="erp", actor=compliance)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    listed = client.get("/api/sanctions/hits?status=pending", **auth).json()
    assert [(h["reference"], h["listed_name"], h["subject"]) for h in listed] == [("KPe.099", GOLDEN_STAR, GOLDEN_STAR)]
    url = f"/api/sanctions/hits/{hit.pk}/dismiss"
    refused = client.post(url, data=json.dumps({"reason": ""}), content_type="application/json", **auth)
    assert refused.status_code == 409 and "reason" in refused.json()["detail"]
    _vt, viewer_raw = create_api_token(user=viewer, name="read", actor=viewer)
    denied = client.post(
        url, data=json.dumps({"reason": "x"}), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {viewer_raw}"
    )
    assert denied.status_code == 403
    done = client.post(url, data=json.dumps({"reason": "other company"}), content_type="application/json", **auth)
    assert done.status_code == 200 and done.json()["status"] == "dismissed"
    assert done.json()["decided_by"] == compliance.get_username()
