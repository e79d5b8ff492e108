"""Browser test: a compliance manager filters a campaign's suppliers to the valid files awaiting review (the list
is swapped in by htmx), selects all matching the filter, accepts them with one comment, and reads the summary
naming the file that was refused (it declares another company)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from supplyesg.core.models import AuditEvent, Role
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.models import Submission
from tests.e2e.conftest import login
from tests.factories import make_supplier, make_user
from tests.minerals.conftest import VALID_CMRT, TemplateWriter, fixture_file

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = ["Huaxin Precision Cable Co., Ltd.", "Jinlong Solder Co., Ltd.", "Kunshan Magnet Co., Ltd."]


def test_compliance_accepts_every_valid_declaration_of_a_campaign_at_once(new_page, tmp_path):
    compliance = make_user(Role.COMPLIANCE, username="carla")
    writer = TemplateWriter(fixture_file("RMI_CMRT_6.5.xlsx"), tmp_path, VALID_CMRT)
    effective = dt.datetime.combine(dt.date.today() - dt.timedelta(days=10), dt.time())
    suppliers = [make_supplier(legal_name=name, status="active") for name in NAMES]
    stranger = make_supplier(legal_name="Lanxi Plastics Co., Ltd.", status="active")
    silent = make_supplier(legal_name="Anhui Quiet Parts Co., Ltd.", status="active")
    campaign = campaigns.create_campaign(
        actor=compliance, name="Conflict minerals 2025", reporting_year=2025, template="CMRT",
        minerals=["Tin", "Gold"], due_date=dt.date.today() + dt.timedelta(days=30), tiers=[1],
    )
    for supplier in [*suppliers, stranger, silent]:
        campaigns.add_supplier(campaign, supplier, actor=compliance)
    campaigns.open_campaign(campaign, actor=compliance)
    for i, supplier in enumerate([*suppliers, stranger]):
        declared = supplier.legal_name if supplier != stranger else "Somebody Else Trading Ltd."
        path = writer.write({"Declaration": {"D8": declared, "D22": effective}}, name=f"cmrt_{i}.xlsx")
        campaigns.submit_declaration(
            campaign.requests.get(supplier=supplier), data=path.read_bytes(), file_name=path.name,
            actor=compliance, channel=Submission.Channel.STAFF,
        )

    page = new_page()
    login(page, "carla")
    page.goto(f"/minerals/campaigns/{campaign.pk}/")
    page.get_by_label("Status").select_option("received_valid")
    expect(page.locator("#requests tbody tr")).to_have_count(4)  # the silent supplier is filtered out
    bar = page.locator("#bulk-form")
    accept = bar.get_by_role("button", name="Accept the latest valid declarations")
    expect(accept).to_be_disabled()
    bar.get_by_label("All 4 matching the filter").check()
    expect(bar.locator("[data-bulk-count]")).to_have_text("4 selected (all matching)")
    bar.get_by_label("Comment (for all)").fill("Checked in the monthly review")
    with page.expect_navigation():
        accept.click()

    expect(page.get_by_text("3 accepted, 1 refused.")).to_be_visible()
    expect(page.get_by_text("Lanxi Plastics Co., Ltd.", exact=False).first).to_be_visible()
    expect(page.get_by_text("declares Somebody Else Trading Ltd.", exact=False)).to_be_visible()
    accepted = Submission.objects.filter(status=Submission.Status.ACCEPTED)
    assert sorted(s.request.supplier.legal_name for s in accepted) == NAMES
    assert {s.review_comment for s in accepted} == {"Checked in the monthly review"}
    assert AuditEvent.objects.filter(action="submission.accepted").count() == 3
