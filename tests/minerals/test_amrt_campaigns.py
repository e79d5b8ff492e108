"""AMRT and CRT through the product: campaigns ask for them, suppliers' files are stored and counted,
categories map to their minerals, and the company writes its own AMRT."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from supplyesg.core.errors import RuleViolation
from supplyesg.minerals import aggregation, declaration
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.cmrt import check_file
from supplyesg.minerals.mineral_terms import load_mineral_terms, minerals_in
from supplyesg.minerals.models import MineralTerm, Submission, SubmissionRequest
from supplyesg.suppliers.models import Category, Supplier
from tests.factories import make_supplier
from tests.minerals.conftest import TemplateWriter, fixture_file
from tests.minerals.test_amrt_crt import VALID_AMRT13, VALID_CRT
from tests.minerals.test_submissions import open_campaign_with, submit

pytestmark = pytest.mark.django_db

RECENT = dt.datetime.combine(dt.date.today() - dt.timedelta(days=30), dt.time())


@pytest.fixture(scope="module")
def amrt_file(tmp_path_factory):
    writer = TemplateWriter(fixture_file("RMI_AMRT_1.3.xlsx"), tmp_path_factory.mktemp("amrt"), VALID_AMRT13)
    return writer.write({"Declaration": {"D8": "Alpha Cable Co., Ltd.", "D27": RECENT}}, name="amrt.xlsx")


@pytest.fixture(scope="module")
def crt_file(tmp_path_factory):
    writer = TemplateWriter(fixture_file("RMI_CRT_2.21.xlsx"), tmp_path_factory.mktemp("crt"), VALID_CRT)
    return writer.write({"Declaration": {"D8": "Alpha Cable Co., Ltd.", "D22": RECENT}}, name="crt.xlsx")


def amrt_campaign(actor, *suppliers, minerals=("Aluminum", "Barite", "Zinc")):
    return open_campaign_with(actor, *suppliers, name="AMRT 2025", template="AMRT", minerals=list(minerals))


# ---------------------------------------------------------------- campaigns


def test_a_campaign_can_request_an_amrt_with_a_chosen_set_of_minerals(compliance):
    campaign = campaigns.create_campaign(
        actor=compliance,
        name="AMRT 2025",
        reporting_year=2025,
        template="AMRT",
        minerals=["Zinc", "Rare Earth Elements", "Aluminum", "Barite"],
        due_date=dt.date.today() + dt.timedelta(days=30),
        tiers=[1],
    )
    assert campaign.template == "AMRT"
    assert campaign.minerals == ["Aluminum", "Barite", "Rare Earth Elements", "Zinc"]


def test_an_amrt_campaign_takes_at_most_ten_minerals_and_only_amrt_ones(compliance):
    base = {"name": "AMRT", "reporting_year": 2025, "template": "AMRT", "due_date": dt.date.today(), "tiers": [1]}
    too_many = list(campaigns.MINERALS_BY_TEMPLATE["AMRT"])[:11]
    with pytest.raises(RuleViolation, match="at most 10 minerals"):
        campaigns.create_campaign(actor=compliance, minerals=too_many, **base)
    with pytest.raises(RuleViolation, match="Tin are not in this template"):
        campaigns.create_campaign(actor=compliance, minerals=["Tin", "Zinc"], **base)


def test_the_campaign_form_offers_amrt_and_crt_with_their_minerals(compliance, client_for):
    page = client_for(compliance).get(reverse("minerals:campaign_create")).content.decode()
    assert 'value="AMRT"' in page and 'value="CRT"' in page
    assert 'value="Rare Earth Elements"' in page and 'value="Barite"' in page


# ---------------------------------------------------------------- supplier files


def test_an_amrt_sent_to_an_amrt_request_is_stored_valid_with_its_smelters(compliance, supplier_a, amrt_file):
    request_obj = amrt_campaign(compliance, supplier_a).requests.get(supplier=supplier_a)

    submission = submit(request_obj, amrt_file, compliance)

    assert submission.status == Submission.Status.VALID, submission.result.get("findings")
    assert (submission.template, submission.template_version) == ("AMRT", "1.3")
    assert set(submission.result["minerals"]) == {"Aluminum", "Barite", "Zinc"}
    request_obj.refresh_from_db()
    assert request_obj.status == SubmissionRequest.Status.RECEIVED_VALID
    campaigns.accept_submission(submission, actor=compliance)
    smelters = aggregation.company_smelters(2025, "AMRT")
    assert {(s.metal, s.cid) for s in smelters if s.cid} == {("Aluminum", "CID004629")}


def test_a_crt_is_accepted_for_a_crt_request_and_refused_for_an_amrt_one(compliance, supplier_a, crt_file):
    crt_request = open_campaign_with(compliance, supplier_a, name="CRT 2025", template="CRT", minerals=["Cobalt"]).requests.get(
        supplier=supplier_a
    )
    assert submit(crt_request, crt_file, compliance).status == Submission.Status.VALID

    amrt_request = amrt_campaign(compliance, supplier_a).requests.get(supplier=supplier_a)
    with pytest.raises(RuleViolation, match="this file is the CRT template, but AMRT 2025 asks for the AMRT"):
        submit(amrt_request, crt_file, compliance)


def test_the_dashboard_covers_amrt_minerals(compliance, supplier_a, amrt_file, viewer, client_for):
    request_obj = amrt_campaign(compliance, supplier_a).requests.get(supplier=supplier_a)
    campaigns.accept_submission(submit(request_obj, amrt_file, compliance), actor=compliance)

    page = client_for(viewer).get(reverse("minerals:dashboard"), {"year": 2025, "template": "AMRT"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "Aluminerie Alouette Inc." in html or "Aluminium" in html


# ---------------------------------------------------------------- categories -> minerals


def test_categories_map_to_amrt_minerals_by_the_reference_words(compliance):
    load_mineral_terms()
    foil = Category.objects.create(code="foil", name="Aluminium foil", minerals="aluminium, 稀土")
    Category.objects.create(code="paint", name="Paint", minerals="baryte")
    Category.objects.create(code="solder", name="Solder", minerals="tin")

    assert set(campaigns.mineral_categories(["Aluminum"])) == {foil.pk}
    assert len(campaigns.mineral_categories(["Barite", "Rare Earth Elements"])) == 2
    assert minerals_in(foil.minerals) == ["Aluminum", "Rare Earth Elements"]


def test_a_word_added_in_the_admin_maps_a_category_and_reloading_keeps_it(compliance):
    load_mineral_terms()
    MineralTerm.objects.create(term="alumina", mineral="Aluminum", source="our buyers")
    category = Category.objects.create(code="ceramics", name="Ceramics", minerals="alumina")

    assert campaigns.mineral_categories(["Aluminum"]) == [category.pk]
    second = load_mineral_terms()
    assert second.created == 0 and second.unchanged > 50
    assert MineralTerm.objects.filter(term="alumina").exists()


def test_an_amrt_campaign_by_minerals_asks_the_suppliers_of_those_categories(compliance):
    load_mineral_terms()
    foil = Category.objects.create(code="foil", name="Aluminium foil", minerals="Aluminium")
    supplier = make_supplier(legal_name="Foil Works Ltd.", status=Supplier.APPROVED_STATUSES[0], categories=[foil])
    make_supplier(legal_name="Unrelated Ltd.", status=Supplier.APPROVED_STATUSES[0])
    campaign = campaigns.create_campaign(
        actor=compliance,
        name="AMRT 2025",
        reporting_year=2025,
        template="AMRT",
        minerals=["Aluminum"],
        due_date=dt.date.today() + dt.timedelta(days=30),
        scope_by_minerals=True,
    )
    assert list(campaigns.in_scope_suppliers(campaign)) == [supplier]


def test_load_mineral_terms_command_reports_what_it_did(capsys):
    call_command("load_mineral_terms")
    assert "created" in capsys.readouterr().out
    assert MineralTerm.objects.get(term="稀土").mineral == "Rare Earth Elements"


# ---------------------------------------------------------------- the company's own AMRT


COMPANY = {
    "company_name": "Yilian Technology Co., Ltd.",
    "scope": "A",
    "contact_name": "Li Wei",
    "contact_email": "li.wei@yilian.example",
    "contact_phone": "+86 755 0000 0000",
    "authorizer_name": "Zhang Min",
    "authorizer_email": "zhang.min@yilian.example",
    "effective_date": dt.date.today().isoformat(),
}


def test_the_company_amrt_takes_its_minerals_from_the_campaigns_and_is_written_into_the_blank(compliance, supplier_a, amrt_file):
    request_obj = amrt_campaign(compliance, supplier_a).requests.get(supplier=supplier_a)
    campaigns.accept_submission(submit(request_obj, amrt_file, compliance), actor=compliance)
    declaration.save_company_declaration(2025, "AMRT", {"company": COMPANY}, actor=compliance)

    effective = declaration.effective_declaration(2025, "AMRT")
    assert effective.metals == ["Aluminum", "Barite", "Zinc"]
    assert effective.answers["Aluminum"]["q1"] == "Yes" and effective.answers["Aluminum"]["q2"] == "100%"
    # the supplier's zinc smelter has no id, so the company cannot list it yet
    assert declaration.declaration_problems(effective) == ["Zinc is in scope but no identified smelter is listed for it."]
    declaration.save_company_declaration(
        2025, "AMRT", {"company": COMPANY, "answers": {"Zinc": {"q1": "Unknown"}}}, actor=compliance
    )
    assert declaration.declaration_problems(declaration.effective_declaration(2025, "AMRT")) == []

    result = check_file(declaration.export_declaration(2025, "AMRT", fixture_file("RMI_AMRT_1.3.xlsx")))

    assert result.valid, [f.message for f in result.errors]
    assert (result.declaration.template, result.declaration.version) == ("AMRT", "1.3")
    assert result.declaration.metals == ["Aluminum", "Barite", "Zinc"]  # Barite went in as "Other"
    assert ("Aluminum", "CID004629") in {(s.metal, s.cid) for s in result.smelters}


def test_the_company_amrt_refuses_a_mineral_campaigns_cannot_ask(compliance):
    with pytest.raises(RuleViolation, match="Tin is not in the AMRT"):
        declaration.save_company_declaration(2025, "AMRT", {"minerals": ["Tin"]}, actor=compliance)


def test_the_amrt_declaration_page_opens_and_a_crt_one_does_not(viewer, client_for):
    assert client_for(viewer).get(reverse("minerals:declaration", args=[2025, "AMRT"])).status_code == 200
    assert client_for(viewer).get(reverse("minerals:declaration", args=[2025, "CRT"])).status_code == 404
