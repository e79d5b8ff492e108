"""The draft Form SD and Conflict Minerals Report: written from a snapshot's frozen figures only, so it reproduces
after the data changes; the page, the .txt and the .xlsx (opened by LibreOffice) and the API give the same draft."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from supplyesg.minerals.models import Smelter, SubmissionRequest
from supplyesg.reporting import formsd
from supplyesg.reporting.services import snapshots
from supplyesg.reporting.services.catalogue import load_catalogue
from tests.factories import make_supplier
from tests.office import CSV_ALL_SHEETS
from tests.reporting.test_minerals import build_cases, build_minerals


@pytest.fixture
def snapshot(compliance):
    world = build_minerals()
    build_cases(world)
    load_catalogue(actor=compliance)
    period = snapshots.create_period(actor=compliance, year=2026, entity="Example Solar Co.")
    return snapshots.take_snapshot(actor=compliance, period=period), world


def test_the_draft_states_the_snapshots_figures(snapshot):
    snap, _world = snapshot
    text = formsd.draft_for(snap).text()
    assert text.startswith("Form SD and Conflict Minerals Report, reporting period January 1 to December 31, 2026 (draft)")
    assert "Item 1.01 Conflict Minerals Disclosure and Report" in text
    # SD-1.01-REQ 3 requested, 2 received -> 66.7 %; 2 smelters, 1 conformant (50 %), gold in the DR Congo covered.
    assert "Declarations requested: 3; response rate: 66.7 %." in text
    assert "Suppliers surveyed per metal: Gold 4, Tin 4 (8 supplier-metal pairs)" in text
    assert "Smelters and refiners identified: 2. RMAP conformant: 50 %; RMAP active: 0 %." in text
    assert "2 risk cases were opened" in text
    assert "=Kivu Gold Refinery | Gold | CONGO | CID000002 |  | 1 | yes | yes" in text
    assert "Products in scope: [not available in this snapshot]." in text
    assert "SD-1.01-SCOPE: The company's own CMRT for 2026 declares no scope." in text


def test_the_draft_reproduces_from_its_snapshot_after_the_data_changes(snapshot, compliance):
    snap, world = snapshot
    before = formsd.draft_for(snap).text()
    # New data: the gold refinery renamed, Beta's declaration accepted, another supplier asked.
    Smelter.objects.filter(pk=world["gold"].pk).update(standard_name="Renamed Refinery")
    SubmissionRequest.objects.filter(supplier=world["beta"]).update(status="accepted")
    SubmissionRequest.objects.create(campaign=world["alpha_request"].campaign, supplier=make_supplier(), status="requested")
    assert formsd.draft_for(snap).text() == before
    later = snapshots.take_snapshot(actor=compliance, period=snap.period)
    assert formsd.draft_for(later).text() != before
    assert "Declarations requested: 4; response rate: 50 %." in formsd.draft_for(later).text()


def test_the_page_and_the_text_download_show_the_draft(snapshot, client_for, compliance, viewer):
    snap, _world = snapshot
    page = client_for(viewer).get(reverse("reporting:formsd", kwargs={"snapshot_pk": snap.pk}))
    assert page.status_code == 200
    assert "Alpha Tin Smelter" in page.content.decode()
    assert "Step 2 - Identify and assess risks in the supply chain" in page.content.decode()
    text = client_for(compliance).get(reverse("reporting:formsd_text", kwargs={"snapshot_pk": snap.pk}))
    assert text["Content-Disposition"] == f'attachment; filename="form-sd-2026-{snap.number}.txt"'
    assert text.content.decode("utf-8") == formsd.draft_for(snap).text()


def test_the_chinese_page_shows_working_headings_and_keeps_the_english_text(snapshot, client_for, compliance):
    snap, _world = snapshot
    client = client_for(compliance)
    page = client.get(reverse("reporting:formsd", kwargs={"snapshot_pk": snap.pk}), HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = page.content.decode()
    assert "合理原产国调查" in body
    assert "1. Reasonable Country of Origin Inquiry" in body


def test_supplier_users_never_see_the_draft(snapshot, client_for, supplier_a_user):
    snap, _world = snapshot
    response = client_for(supplier_a_user).get(reverse("reporting:formsd_xlsx", kwargs={"snapshot_pk": snap.pk}))
    assert response.status_code == 404


def test_the_xlsx_tables_open_in_libreoffice_with_formula_like_names_as_text(snapshot, client_for, compliance, office, tmp_path):
    snap, _world = snapshot
    response = client_for(compliance).get(reverse("reporting:formsd_xlsx", kwargs={"snapshot_pk": snap.pk}))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Smelters and refiners", "Figures"]
    name_cell = book["Smelters and refiners"]["A2"]
    assert (name_cell.value, name_cell.data_type) == ("=Kivu Gold Refinery", "s")  # a string cell, never a formula
    path = tmp_path / "form-sd.xlsx"
    path.write_bytes(response.content)
    written = office.convert([path], CSV_ALL_SHEETS, tmp_path / "csv")
    smelters = next(p for p in written if "Smelters" in p.name)
    rows = list(csv.reader(smelters.read_text(encoding="utf-8").splitlines()))
    assert rows[0][:4] == ["Smelter or refiner", "Metal", "Country", "RMI smelter ID"]
    assert rows[1][:4] == ["=Kivu Gold Refinery", "Gold", "CONGO", "CID000002"]
    assert rows[2][:5] == ["Alpha Tin Smelter", "Tin", "INDONESIA", "CID000001", "conformant"]


def test_the_api_gives_the_same_draft(snapshot, client_for, viewer):
    snap, _world = snapshot
    response = client_for(viewer).get(f"/api/reporting/snapshots/{snap.pk}/form-sd")
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == formsd.draft_for(snap).text()
    assert body["tables"][0]["rows"][1][3] == "CID000001"
