"""Minerals dashboard, company smelter list and company declaration pages, with the personas."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from supplyesg.core.models import AuditEvent
from supplyesg.minerals.models import CompanyDeclaration, RiskCountry
from tests.factories import make_supplier

from .conftest import fixture_file
from .factories_minerals import (
    cmrt_answers,
    load_statuses,
    make_campaign,
    make_request,
    make_risk_country,
    make_smelter,
    make_submission,
)

pytestmark = pytest.mark.django_db

TIN = ("Tin", "CID001070", "China Tin (Hechi)", "CHINA")
CONGO_TIN = ("Tin", "CID004065", "Mining Minerals Resources SARL", "CONGO, DEMOCRATIC REPUBLIC OF THE")
DECLARATION = reverse("minerals:declaration", args=[2025, "CMRT"])
EXPORT = reverse("minerals:declaration_export", args=[2025, "CMRT"])
READ_PAGES = [
    reverse("minerals:dashboard"),
    reverse("minerals:company_smelters"),
    reverse("minerals:company_smelters_export"),
    DECLARATION,
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORM = {
    "company_name": "Acme Electronics Co., Ltd.",
    "scope": "A",
    "contact_name": "Jane Roe",
    "contact_email": "jane@acme.example",
    "contact_phone": "+86 755 0000 0000",
    "authorizer_name": "John Doe",
    "authorizer_email": "john@acme.example",
    "company_A": "Yes",
    "company_B": "No",
    "company_C": "Yes",
    "company_D": "Yes",
    "company_G": "Yes",
    "company_H": "No",
    "answer_Tin_q3": "Unknown",
}


@pytest.fixture
def data(db):
    campaign = make_campaign(reporting_year=2025, template="CMRT", minerals=["Tin"])
    make_smelter(
        "CID004065", "Tin", "Mining Minerals Resources SARL", "CONGO, DEMOCRATIC REPUBLIC OF THE", "CD"
    )
    make_risk_country("CD", RiskCountry.Kind.COVERED)
    load_statuses({"CID001070": "conformant"})
    clean = make_supplier(legal_name="Clean Tin Ltd.")
    make_submission(make_request(campaign, clean), smelters=[TIN], minerals=cmrt_answers(("Tin",)))
    risky = make_supplier(legal_name="Risky Metals Ltd.")
    make_submission(
        make_request(campaign, risky),
        smelters=[CONGO_TIN, ("Tin", "", "=cmd|' /C calc'!A0", "CHINA")],
        minerals=cmrt_answers(("Tin",)),
    )
    return campaign


@pytest.mark.parametrize("url", [*READ_PAGES, EXPORT])
def test_anonymous_visitors_are_sent_to_log_in(client_for, url):
    response = client_for(None).get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", [*READ_PAGES, EXPORT])
def test_supplier_users_get_404_on_every_output_page(supplier_a_user, supplier_b_user, client_for, data, url):
    assert client_for(supplier_a_user).get(url).status_code == 404
    assert client_for(supplier_b_user).get(url).status_code == 404
    assert client_for(supplier_a_user).post(DECLARATION, FORM).status_code == 404


def test_the_dashboard_shows_rates_charts_and_suppliers_with_red_flags(viewer, client_for, data):
    page = client_for(viewer).get(reverse("minerals:dashboard"), {"year": 2025, "template": "CMRT"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "100.0%" in html  # both suppliers asked responded
    assert html.count("<svg") == 2 and "<rect" in html
    assert "Risky Metals Ltd." in html and "smelters in covered countries (1)" in html
    assert "Clean Tin Ltd." not in html.split('id="red-flags"')[1].split("</section>")[0]
    assert "Mining Minerals Resources SARL" in html


def test_the_dashboard_falls_back_to_the_latest_year_on_a_bad_selection(viewer, client_for, data):
    page = client_for(viewer).get(reverse("minerals:dashboard"), {"year": "soon", "template": "AMRT"})

    assert page.status_code == 200
    assert "CMRT 2025" in page.content.decode()


def test_the_company_smelter_list_filters_by_metal_and_concern_and_lists_names_apart(
    viewer, client_for, data
):
    url = reverse("minerals:company_smelters")
    everything = client_for(viewer).get(url, {"year": 2025, "template": "CMRT"}).content.decode()
    assert "CID001070" in everything and "CID004065" in everything
    assert "=cmd|" in everything.split('id="unresolved"')[1]

    concern = (
        client_for(viewer).get(url, {"year": 2025, "template": "CMRT", "concern": "on"}).content.decode()
    )
    assert "CID004065" in concern and "CID001070" not in concern

    gold = client_for(viewer).get(url, {"year": 2025, "template": "CMRT", "metal": "Gold"}).content.decode()
    assert "CID001070" not in gold and "No smelter matches" in gold


def test_the_company_smelter_export_is_an_xlsx_with_formulas_escaped(viewer, client_for, data):
    response = client_for(viewer).get(
        reverse("minerals:company_smelters_export"), {"year": 2025, "template": "CMRT"}
    )

    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert 'attachment; filename="company-smelters-CMRT-2025.xlsx"' == response["Content-Disposition"]
    smelters, names = load_workbook(io.BytesIO(response.content)).worksheets
    assert {row[1] for row in smelters.iter_rows(min_row=2, values_only=True)} == {"CID001070", "CID004065"}
    assert names["B2"].value == "=cmd|' /C calc'!A0" and names["B2"].data_type == "s"


def test_internal_readers_see_the_declaration_with_proposed_answers(viewer, client_for, data):
    page = client_for(viewer).get(DECLARATION)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Proposed: Yes" in html and "Company name is required." in html
    assert "Save the declaration" not in html and "disabled" in html


def test_a_viewer_cannot_save_the_declaration(viewer, procurement, client_for, data):
    assert client_for(viewer).post(DECLARATION, FORM).status_code == 403
    assert client_for(procurement).post(DECLARATION, FORM).status_code == 403
    assert not CompanyDeclaration.objects.exists()


def test_a_compliance_manager_saves_the_declaration_and_the_change_is_audited(compliance, client_for, data):
    response = client_for(compliance).post(DECLARATION, FORM)

    assert response.status_code == 302 and response["Location"] == DECLARATION
    saved = CompanyDeclaration.objects.get(reporting_year=2025, template="CMRT")
    assert saved.answers["company"]["company_name"] == "Acme Electronics Co., Ltd."
    assert saved.answers["answers"] == {"Tin": {"q3": "Unknown"}}
    assert saved.answers["company_answers"]["H"] == "No"
    event = AuditEvent.objects.get(action="company_declaration.updated")
    assert event.actor == compliance and event.changes["answers.Tin.q3"] == [None, "Unknown"]
    page = client_for(compliance).get(DECLARATION).content.decode()
    assert 'value="Acme Electronics Co., Ltd."' in page


def test_an_auditor_may_save_the_declaration(auditor, client_for, data):
    assert client_for(auditor).post(DECLARATION, FORM).status_code == 302


def test_a_bad_declaration_form_names_the_field_and_saves_nothing(compliance, client_for, data):
    response = client_for(compliance).post(
        DECLARATION, {**FORM, "contact_email": "not an address", "authorizer_name": "same", "scope": "C"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Contact e-mail: Enter a valid email address." in html
    assert "same" in html and "Describe the scope when it is C" in html
    assert not CompanyDeclaration.objects.exists()


def test_an_unknown_template_or_year_in_the_address_is_404(viewer, client_for, data):
    assert client_for(viewer).get(reverse("minerals:declaration", args=[2025, "CRT"])).status_code == 404
    assert client_for(viewer).get(reverse("minerals:declaration", args=[99999, "CMRT"])).status_code == 404


def test_without_a_configured_blank_the_export_asks_for_an_upload(viewer, client_for, data, settings):
    settings.SUPPLYESG_CMRT_TEMPLATE = None

    page = client_for(viewer).get(EXPORT)

    assert page.status_code == 400
    assert "no blank CMRT template is configured" in page.content.decode()


def test_an_upload_that_is_not_a_workbook_is_refused_naming_the_field(viewer, client_for, data):
    upload = SimpleUploadedFile("blank.xlsx", b"not a zip", content_type="application/octet-stream")

    page = client_for(viewer).post(EXPORT, {"blank": upload})

    assert page.status_code == 400
    assert "blank template" in page.content.decode()


def test_the_declaration_downloads_from_the_configured_blank(compliance, viewer, client_for, data, settings):
    pytest.importorskip("supplyesg.minerals.cmrt.writer")
    from supplyesg.minerals.cmrt import check_file

    settings.SUPPLYESG_CMRT_TEMPLATE = str(fixture_file("RMI_CMRT_6.5.xlsx"))
    client_for(compliance).post(DECLARATION, {**FORM, "answer_Tin_q3": ""})

    response = client_for(viewer).get(EXPORT)

    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="Acme-Electronics-Co-Ltd-CMRT-2025.xlsx"'
    result = check_file(response.content)
    assert result.valid, [f.message for f in result.errors]
    assert {s.cid for s in result.smelters} == {"CID001070", "CID004065"}


def test_the_declaration_downloads_from_an_uploaded_blank(compliance, client_for, data):
    pytest.importorskip("supplyesg.minerals.cmrt.writer")
    blank = SimpleUploadedFile("RMI_CMRT_6.5.xlsx", fixture_file("RMI_CMRT_6.5.xlsx").read_bytes())
    client_for(compliance).post(DECLARATION, FORM)

    response = client_for(compliance).post(EXPORT, {"blank": blank})

    assert response.status_code == 200 and response["Content-Type"] == XLSX


def test_an_uploaded_blank_of_the_wrong_family_is_refused_with_the_reason(compliance, client_for, data):
    pytest.importorskip("supplyesg.minerals.cmrt.writer")
    blank = SimpleUploadedFile("RMI_EMRT_2.1.xlsx", fixture_file("RMI_EMRT_2.1.xlsx").read_bytes())

    response = client_for(compliance).post(EXPORT, {"blank": blank})

    assert response.status_code == 400
    assert "the file is EMRT 2.1" in response.content.decode()
