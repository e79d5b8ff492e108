"""CMRT red flags propose minerals risk cases: a declared smelter in a covered country or a CAHRA without RMAP
conformance is on the worklist until staff open a case for it or dismiss it with a reason."""

import pytest
from django.urls import reverse

from supplyesg.core.models import AuditEvent
from supplyesg.minerals.cases import services as cases
from supplyesg.minerals.cases.models import RiskCase
from supplyesg.minerals.cases.proposals import case_proposals
from supplyesg.minerals.models import RiskCountry, RmapStatus, Smelter
from tests.minerals.factories_minerals import (
    load_statuses,
    make_campaign,
    make_request,
    make_risk_country,
    make_smelter,
    make_submission,
)

pytestmark = pytest.mark.django_db

CONGO_TIN = ("Tin", "CID004065", "Mining Minerals Resources SARL", "CONGO, DEMOCRATIC REPUBLIC OF THE")
RWANDA_TIN = ("Tin", "CID002158", "Rwanda Tin Smelter", "RWANDA")
CHINA_TIN = ("Tin", "CID001070", "China Tin (Hechi)", "CHINA")


@pytest.fixture
def declared(supplier_a, supplier_b):
    make_smelter("CID004065", "Tin", "Mining Minerals Resources SARL", "CONGO, DEMOCRATIC REPUBLIC OF THE", "CD")
    make_smelter("CID002158", "Tin", "Rwanda Tin Smelter", "RWANDA", "RW")
    make_smelter("CID001070", "Tin", "China Tin (Hechi)", "CHINA", "CN")
    make_risk_country("CD")
    make_risk_country("RW", RiskCountry.Kind.CAHRA)
    load_statuses({"CID002158": RmapStatus.Status.CONFORMANT})
    campaign = make_campaign(reporting_year=2025, template="CMRT", minerals=["Tin"])
    make_submission(make_request(campaign, supplier_a), smelters=[CONGO_TIN, RWANDA_TIN, CHINA_TIN])
    make_submission(make_request(campaign, supplier_b), smelters=[CONGO_TIN])


@pytest.mark.parametrize(
    ("action", "left"),
    [
        ("nothing", {("A", "CID004065"), ("B", "CID004065")}),
        ("open a case on the smelter", {("B", "CID004065")}),
        ("dismiss with a reason", {("B", "CID004065")}),
    ],
)
def test_yilian_cmrt_red_flag_in_a_covered_country_without_rmap_conformance_proposes_a_case(
    declared, supplier_a, supplier_b, compliance, client_for, action, left
):
    """Only the Congo smelter is a red flag: Rwanda's is conformant, China's is in neither list."""
    names = {supplier_a.pk: "A", supplier_b.pk: "B"}
    if action == "open a case on the smelter":
        smelter = Smelter.objects.get(cid="CID004065")
        cases.open_case(
            supplier_a, actor=compliance, risk_type=RiskCase.RiskType.ARMED_GROUPS, description="Taxes.", smelter=smelter
        )
    elif action == "dismiss with a reason":
        client = client_for(compliance)
        refused = client.post(
            reverse("risk_cases:dismiss_proposal"), {"supplier": supplier_a.pk, "cid": "CID004065", "reason": ""}
        )
        assert refused.status_code == 400
        dismissed = client.post(
            reverse("risk_cases:dismiss_proposal"),
            {"supplier": supplier_a.pk, "cid": "CID004065", "reason": "The smelter left the supply chain in 2025."},
        )
        assert dismissed.status_code == 302
        assert AuditEvent.objects.filter(action="minerals_case.proposal_dismissed", supplier_id=supplier_a.pk).exists()
    assert {(names[p.supplier.pk], p.cid) for p in case_proposals()} == left


def test_the_worklist_page_offers_opening_a_case_with_the_smelter_filled_in(declared, supplier_a, client_for, compliance, viewer):
    page = client_for(compliance).get(reverse("risk_cases:proposals")).content.decode()
    assert "Mining Minerals Resources SARL" in page and "not RMAP conformant" in page
    assert f"?supplier={supplier_a.pk}&amp;smelter=CID004065" in page
    form = (
        client_for(compliance).get(reverse("risk_cases:open") + f"?supplier={supplier_a.pk}&smelter=CID004065").content.decode()
    )
    assert 'value="CID004065"' in form and "CMRT red flag" in form
    assert "Dismiss the proposal" not in client_for(viewer).get(reverse("risk_cases:proposals")).content.decode()
