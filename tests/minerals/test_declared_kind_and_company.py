"""A declaration of another template kind is refused on every path; a company name that is not the supplier's
becomes a finding that staff confirm (with a reason) or resolve by reassigning the file."""

import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent
from supplyesg.core.services import start_job
from supplyesg.minerals import bulk, company_names
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.models import DeclarationNameFinding, Submission, SubmissionRequest
from tests.factories import make_supplier
from tests.minerals.conftest import fixture_file
from tests.minerals.test_submissions import cmrt_file, open_campaign_with, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def emrt_request(compliance, supplier_a):
    campaign = open_campaign_with(compliance, supplier_a, name="EMRT 2025", template="EMRT", minerals=["Cobalt"])
    return campaign.requests.get(supplier=supplier_a)


@pytest.fixture
def cmrt_request(compliance, supplier_a):
    return open_campaign_with(compliance, supplier_a).requests.get(supplier=supplier_a)


def _upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes())


# ---------------------------------------------------------------- template kind


def test_a_cmrt_sent_to_an_emrt_request_is_refused_naming_both_kinds_and_nothing_is_stored(
    emrt_request, cmrt65, compliance
):
    with pytest.raises(RuleViolation) as refused:
        submit(emrt_request, cmrt_file(cmrt65, "valid"), compliance)
    message = refused.value.messages[0]
    assert "CMRT" in message and "EMRT" in message and "EMRT 2025" in message
    emrt_request.refresh_from_db()
    assert emrt_request.submissions.count() == 0
    assert emrt_request.status == SubmissionRequest.Status.REQUESTED


def test_an_emrt_sent_to_a_cmrt_request_is_refused(cmrt_request, compliance):
    with pytest.raises(RuleViolation, match="this file is the EMRT template, but CMRT 2025 asks for the CMRT"):
        submit(cmrt_request, fixture_file("RMI_EMRT_2.1.xlsx"), compliance)
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("name,kind", [("RMI_AMRT_1.3.xlsx", "AMRT"), ("RMI_CRT_2.21.xlsx", "CRT")])
def test_an_amrt_or_crt_is_refused_for_a_cmrt_or_emrt_request(cmrt_request, emrt_request, compliance, name, kind):
    for request_obj in (cmrt_request, emrt_request):
        with pytest.raises(RuleViolation) as refused:
            submit(request_obj, fixture_file(name), compliance)
        assert kind in refused.value.messages[0] and request_obj.campaign.template in refused.value.messages[0]
    assert Submission.objects.count() == 0


def test_the_portal_shows_the_refusal_and_stores_nothing(emrt_request, cmrt65, supplier_a_user, client_for):
    url = reverse("minerals_portal:request", kwargs={"campaign_request_pk": emrt_request.pk})
    response = client_for(supplier_a_user).post(url, {"file": _upload(cmrt_file(cmrt65, "valid"))})
    assert response.status_code == 400
    assert "this file is the CMRT template, but EMRT 2025 asks for the EMRT" in response.content.decode()
    assert emrt_request.submissions.count() == 0


def test_a_staff_upload_of_the_wrong_kind_is_refused_on_the_form(emrt_request, cmrt65, compliance, client_for):
    url = reverse("minerals:submission_upload", kwargs={"campaign_request_pk": emrt_request.pk})
    response = client_for(compliance).post(url, {"file": _upload(cmrt_file(cmrt65, "valid"))})
    assert response.status_code == 400
    assert "this file is the CMRT template" in response.content.decode()
    assert emrt_request.submissions.count() == 0


def test_the_api_answers_409_naming_both_kinds(emrt_request, cmrt65, compliance, client_for):
    url = f"/api/minerals/requests/{emrt_request.pk}/submissions"
    response = client_for(compliance).post(url, {"file": _upload(cmrt_file(cmrt65, "valid"))})
    assert response.status_code == 409
    assert "CMRT" in response.json()["detail"] and "EMRT" in response.json()["detail"]
    assert emrt_request.submissions.count() == 0


def test_a_bulk_import_skips_a_file_of_the_wrong_kind_with_the_reason(emrt_request, cmrt65, tmp_path):
    archive = tmp_path / "files.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(cmrt_file(cmrt65, "valid"), "alpha.xlsx")
    job = start_job(kind=bulk.JOB_KIND)
    job.result = bulk.empty_result(emrt_request.campaign)
    job.save()
    result = bulk.import_files(emrt_request.campaign, archive, job=job)
    assert result["assigned"] == [] and result["uncertain"] == [] and result["unassigned"] == []
    assert "this file is the CMRT template" in result["skipped"][0]["reason"]
    assert Submission.objects.count() == 0


# ---------------------------------------------------------------- company name


@pytest.fixture
def central_glass(compliance):
    return make_supplier(legal_name="Central Glass Co., Ltd.", country="JP")


@pytest.fixture
def foreign_submission(cmrt_request, cmrt65, compliance):
    """Supplier A's request receives a file declaring Central Glass."""
    return submit(cmrt_request, cmrt_file(cmrt65, "central", company="Central Glass Co., Ltd."), compliance)


def test_a_declaration_of_another_company_gets_a_finding_with_both_names(foreign_submission):
    finding = foreign_submission.name_finding
    assert finding.status == DeclarationNameFinding.Status.OPEN
    assert (finding.declared_name, finding.supplier_name) == ("Central Glass Co., Ltd.", "Alpha Cable Co., Ltd.")
    assert finding.score < 80


def test_the_supplier_s_own_name_in_another_form_or_an_alias_raises_no_finding(cmrt_request, cmrt65, compliance, supplier_a):
    assert company_names.open_finding(submit(cmrt_request, cmrt_file(cmrt65, "valid"), compliance)) is None
    supplier_a.aliases = "Alpha Wire Harness Ltd."
    supplier_a.save()
    upload = cmrt_file(cmrt65, "alias", company="ALPHA WIRE HARNESS LIMITED")
    assert company_names.open_finding(submit(cmrt_request, upload, compliance)) is None


def test_a_trading_name_with_the_supplier_s_registration_id_raises_no_finding(cmrt_request, cmrt65, compliance):
    upload = cmrt_file(cmrt65, "trading", company="Sunrise Wire Trading", unique_id="91440300-ma5alpha01")
    assert company_names.open_finding(submit(cmrt_request, upload, compliance)) is None


def test_the_finding_blocks_acceptance_until_staff_confirm_it_with_a_reason(foreign_submission, compliance):
    with pytest.raises(RuleViolation, match="declares Central Glass Co., Ltd., not Alpha Cable"):
        campaigns.accept_submission(foreign_submission, actor=compliance)
    finding = foreign_submission.name_finding
    with pytest.raises(RuleViolation, match="reason"):
        company_names.confirm_company_name(finding, actor=compliance, reason="  ")
    company_names.confirm_company_name(finding, actor=compliance, reason="Central Glass is Alpha's parent company")
    finding.refresh_from_db()
    assert finding.status == DeclarationNameFinding.Status.CONFIRMED and finding.decided_by == compliance
    campaigns.accept_submission(foreign_submission, actor=compliance)
    event = AuditEvent.objects.get(action="submission.company_name_confirmed")
    assert event.reason == "Central Glass is Alpha's parent company"
    assert event.changes["declared_name"] == [None, "Central Glass Co., Ltd."]


def test_reassigning_moves_the_file_to_the_declared_supplier_and_restores_the_first_request(
    cmrt_request, foreign_submission, central_glass, compliance, supplier_a
):
    company_names.reassign_submission(
        foreign_submission, supplier=central_glass, actor=compliance, reason="Central Glass sent it to Alpha's contact"
    )
    foreign_submission.refresh_from_db()
    cmrt_request.refresh_from_db()
    target = foreign_submission.request
    assert target.supplier == central_glass and target.campaign == cmrt_request.campaign
    assert foreign_submission.version == 1 and target.status == SubmissionRequest.Status.RECEIVED_VALID
    assert cmrt_request.status == SubmissionRequest.Status.REQUESTED and cmrt_request.submissions.count() == 0
    finding = DeclarationNameFinding.objects.get(submission=foreign_submission)
    assert finding.status == DeclarationNameFinding.Status.REASSIGNED and finding.reassigned_from == supplier_a
    events = AuditEvent.objects.filter(action="submission.reassigned")
    assert {e.supplier_id for e in events} == {supplier_a.pk, central_glass.pk}
    assert events[0].changes["supplier"] == ["Alpha Cable Co., Ltd.", "Central Glass Co., Ltd."]


def test_reassigning_brings_back_the_supplier_s_own_earlier_file(cmrt_request, cmrt65, central_glass, compliance):
    own = submit(cmrt_request, cmrt_file(cmrt65, "valid"), compliance)
    foreign = submit(cmrt_request, cmrt_file(cmrt65, "central", company="Central Glass Co., Ltd."), compliance)
    own.refresh_from_db()
    assert own.status == Submission.Status.SUPERSEDED
    company_names.reassign_submission(foreign, supplier=central_glass, actor=compliance, reason="wrong supplier")
    own.refresh_from_db()
    cmrt_request.refresh_from_db()
    assert own.status == Submission.Status.VALID and cmrt_request.status == SubmissionRequest.Status.RECEIVED_VALID


def test_reassigning_needs_a_reason_and_another_supplier(foreign_submission, compliance, supplier_a, central_glass):
    with pytest.raises(RuleViolation, match="reason"):
        company_names.reassign_submission(foreign_submission, supplier=central_glass, actor=compliance, reason="")
    with pytest.raises(RuleViolation, match="already filed under"):
        company_names.reassign_submission(foreign_submission, supplier=supplier_a, actor=compliance, reason="x")


def test_staff_confirm_and_reassign_from_the_submission_page_and_a_viewer_may_not(
    foreign_submission, central_glass, compliance, viewer, client_for
):
    detail = reverse("minerals:submission_detail", kwargs={"submission_pk": foreign_submission.pk})
    page = client_for(compliance).get(detail).content.decode()
    assert "Central Glass Co., Ltd." in page and "Reassign to another supplier" in page
    url = reverse("minerals:submission_reassign", kwargs={"submission_pk": foreign_submission.pk})
    assert client_for(viewer).post(url, {"supplier": central_glass.pk, "reason": "x"}).status_code == 403
    response = client_for(compliance).post(url, {"supplier": central_glass.pk, "reason": "declared company"})
    assert response.status_code == 302
    foreign_submission.refresh_from_db()
    assert foreign_submission.request.supplier == central_glass


def test_confirming_from_the_page_needs_a_reason(foreign_submission, compliance, client_for):
    url = reverse("minerals:submission_confirm_company", kwargs={"submission_pk": foreign_submission.pk})
    client_for(compliance).post(url, {"reason": ""})
    assert company_names.open_finding(foreign_submission) is not None
    client_for(compliance).post(url, {"reason": "group company"})
    assert company_names.open_finding(foreign_submission) is None
