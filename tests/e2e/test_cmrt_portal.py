"""Browser test: a supplier uploads a CMRT with an error in the portal, reads the findings, uploads a
corrected file, and a reviewer accepts it. Both files are written by openpyxl into a tmp copy of the
blank RMI 6.5."""

import datetime as dt

import pytest

from supplyesg.core.models import Role
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.models import Submission, SubmissionRequest
from tests.e2e.conftest import login
from tests.factories import make_supplier, make_user
from tests.minerals.conftest import VALID_CMRT, TemplateWriter, fixture_file

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cmrt_files(tmp_path):
    writer = TemplateWriter(fixture_file("RMI_CMRT_6.5.xlsx"), tmp_path, VALID_CMRT)
    effective = dt.datetime.combine(dt.date.today() - dt.timedelta(days=10), dt.time())
    good = {"D8": "Huaxin Precision Cable Co., Ltd.", "D22": effective}
    return {
        "bad": writer.write({"Declaration": {**good, "D8": None}}, name="huaxin_cmrt_draft.xlsx"),
        "good": writer.write({"Declaration": good}, name="huaxin_cmrt_final.xlsx"),
    }


def test_a_supplier_corrects_its_cmrt_in_the_portal_and_a_reviewer_accepts_it(new_page, cmrt_files):
    compliance = make_user(Role.COMPLIANCE, username="carla")
    supplier = make_supplier(legal_name="Huaxin Precision Cable Co., Ltd.", status="active")
    supplier_user = make_user(Role.SUPPLIER, supplier=supplier, username="huaxin")
    campaign = campaigns.create_campaign(
        actor=compliance,
        name="Conflict minerals 2025",
        reporting_year=2025,
        template="CMRT",
        minerals=["Tin", "Gold"],
        due_date=dt.date.today() + dt.timedelta(days=30),
        tiers=[1],
    )
    campaigns.open_campaign(campaign, actor=compliance)
    request_obj = campaign.requests.get(supplier=supplier)

    # The supplier finds the request and uploads a file without a company name.
    page = new_page()
    login(page, supplier_user.username)
    page.goto("/portal/minerals/")
    page.click(f"#request-{request_obj.pk} a:has-text('Open and upload')")
    page.set_input_files("#upload input[name=file]", str(cmrt_files["bad"]))
    page.click("#upload button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("#findings").inner_text().count("Company name is required.") == 1
    assert "Declaration!D8" in page.locator("#findings").inner_text()
    first = request_obj.submissions.get()
    assert first.status == Submission.Status.INVALID

    # It uploads the corrected file.
    page.click("a:has-text('Upload a corrected file')")
    page.set_input_files("#upload input[name=file]", str(cmrt_files["good"]))
    page.click("#upload button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "no errors and is waiting for review" in page.content()
    second = request_obj.submissions.get(version=2)
    assert second.valid

    # A reviewer, in another browser, accepts it.
    reviewer = new_page()
    login(reviewer, compliance.username)
    reviewer.goto(f"/minerals/campaigns/{campaign.pk}/")
    reviewer.click(f"#request-{request_obj.pk} a:has-text('version 2')")
    reviewer.click("summary:has-text('Accept')")
    reviewer.click("button#accept")
    reviewer.wait_for_load_state("domcontentloaded")
    assert reviewer.locator("#submission-status").inner_text() == "Accepted"
    request_obj.refresh_from_db()
    assert (
        request_obj.status == SubmissionRequest.Status.ACCEPTED and request_obj.accepted_submission == second
    )

    # The supplier sees it accepted.
    page.goto(f"/portal/minerals/requests/{request_obj.pk}/")
    assert page.locator("#request-status").inner_text() == "Accepted"
