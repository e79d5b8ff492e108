"""Minerals declarations in the supplier portal: own requests only, upload, findings, comments, re-upload."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supplyesg.core.models import AuditEvent
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.models import Campaign, Submission, SubmissionRequest
from tests.minerals.test_submissions import cmrt_file, open_campaign_with, submit

pytestmark = pytest.mark.django_db
R = SubmissionRequest.Status


@pytest.fixture
def campaign(compliance, supplier_a, supplier_b):
    return open_campaign_with(compliance, supplier_a, supplier_b, name="Conflict minerals 2025")


@pytest.fixture
def request_a(campaign, supplier_a):
    return campaign.requests.get(supplier=supplier_a)


@pytest.fixture
def upload(cmrt65):
    def make(key="valid", **kwargs):
        path = cmrt_file(cmrt65, key, **kwargs)
        return SimpleUploadedFile(path.name, path.read_bytes())

    return make


def test_anonymous_visitors_are_sent_to_log_in(client_for, request_a):
    for url in (reverse("minerals_portal:requests"), reverse("minerals_portal:request", args=[request_a.pk])):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_internal_users_have_no_portal(client_for, compliance, request_a):
    assert client_for(compliance).get(reverse("minerals_portal:requests")).status_code == 404
    assert (
        client_for(compliance).get(reverse("minerals_portal:request", args=[request_a.pk])).status_code == 404
    )


def test_a_supplier_sees_its_own_requests_with_due_dates(client_for, supplier_a_user, request_a, compliance):
    draft = campaigns.create_campaign(
        actor=compliance,
        name="Draft EMRT",
        reporting_year=2025,
        template="EMRT",
        minerals=["Cobalt"],
        due_date=dt.date.today() + dt.timedelta(days=60),
        tiers=[1],
    )
    campaigns.add_supplier(draft, supplier_a_user.supplier, actor=compliance)
    page = client_for(supplier_a_user).get(reverse("minerals_portal:requests")).content.decode()
    assert "Conflict minerals 2025" in page and "Requested" in page
    assert "Draft EMRT" not in page  # not asked yet


def test_overdue_requests_are_flagged(client_for, supplier_a_user, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(due_date=dt.date.today() - dt.timedelta(days=3))
    page = client_for(supplier_a_user).get(reverse("minerals_portal:requests")).content.decode()
    assert "overdue by 3 days" in page


def test_supplier_b_never_sees_supplier_a_requests_or_files(
    client_for, supplier_b_user, request_a, compliance, cmrt65, upload
):
    submission = submit(request_a, cmrt_file(cmrt65, "valid"), compliance)
    client = client_for(supplier_b_user)
    assert "Alpha" not in client.get(reverse("minerals_portal:requests")).content.decode()
    assert client.get(reverse("minerals_portal:request", args=[request_a.pk])).status_code == 404
    assert (
        client.post(reverse("minerals_portal:request", args=[request_a.pk]), {"file": upload()}).status_code
        == 404
    )
    assert client.get(reverse("minerals_portal:submission", args=[submission.pk])).status_code == 404
    assert client.get(reverse("minerals_portal:file", args=[submission.pk])).status_code == 404
    assert request_a.submissions.count() == 1


def test_a_file_with_errors_shows_its_findings_and_a_corrected_one_replaces_it(
    client_for, supplier_a_user, request_a, upload
):
    client = client_for(supplier_a_user)
    url = reverse("minerals_portal:request", args=[request_a.pk])
    response = client.post(url, {"file": upload("no_company_name", company=None)}, follow=True)
    first = request_a.submissions.get()
    assert response.redirect_chain[-1][0] == reverse("minerals_portal:submission", args=[first.pk])
    page = response.content.decode()
    assert "Company name is required." in page and "Declaration!D8" in page
    assert first.channel == Submission.Channel.PORTAL and first.uploaded_by == supplier_a_user
    request_a.refresh_from_db()
    assert request_a.status == R.RECEIVED_ERRORS
    client.post(url, {"file": upload()})
    second = request_a.submissions.get(version=2)
    first.refresh_from_db()
    assert second.valid and first.status == Submission.Status.SUPERSEDED
    assert AuditEvent.objects.filter(action="submission.received", actor=supplier_a_user).count() == 2


def test_findings_are_in_chinese_for_a_chinese_supplier(client_for, supplier_a_user, request_a, upload):
    client = client_for(supplier_a_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.post(
        reverse("minerals_portal:request", args=[request_a.pk]),
        {"file": upload("no_company_name", company=None)},
        follow=True,
    )
    assert "公司名称为必填项。" in response.content.decode()


def test_a_returned_declaration_shows_the_reviewers_comment(
    client_for, supplier_a_user, request_a, compliance, cmrt65
):
    submission = submit(request_a, cmrt_file(cmrt65, "valid"), compliance)
    campaigns.return_submission(
        submission, actor=compliance, comment="Gold is in scope: list your gold refiners."
    )
    client = client_for(supplier_a_user)
    page = client.get(reverse("minerals_portal:request", args=[request_a.pk])).content.decode()
    assert "Returned for correction" in page and "Gold is in scope: list your gold refiners." in page
    listing = client.get(reverse("minerals_portal:requests")).content.decode()
    assert "returned for correction" in listing


def test_a_supplier_downloads_its_own_file(client_for, supplier_a_user, request_a, compliance, cmrt65):
    submission = submit(request_a, cmrt_file(cmrt65, "valid"), compliance)
    response = client_for(supplier_a_user).get(reverse("minerals_portal:file", args=[submission.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"


def test_a_non_excel_upload_is_refused_naming_the_field(client_for, supplier_a_user, request_a):
    response = client_for(supplier_a_user).post(
        reverse("minerals_portal:request", args=[request_a.pk]),
        {"file": SimpleUploadedFile("cmrt.pdf", b"%PDF-1.4")},
    )
    assert response.status_code == 400
    assert "files of type .pdf are not accepted" in response.content.decode()
    assert not request_a.submissions.exists()


def test_a_closed_campaign_offers_no_upload(client_for, supplier_a_user, request_a, compliance, upload):
    campaigns.close_campaign(request_a.campaign, actor=compliance)
    client = client_for(supplier_a_user)
    url = reverse("minerals_portal:request", args=[request_a.pk])
    assert "no more files can be uploaded" in client.get(url).content.decode()
    response = client.post(url, {"file": upload()})
    assert response.status_code == 400 and "is closed" in response.content.decode()
    assert not request_a.submissions.exists()


def test_the_portal_home_lists_a_returned_declaration_as_a_to_do_and_links_the_minerals_tab(client_for, db):
    from datetime import date

    from supplyesg.core.models import Role
    from supplyesg.minerals.models import Campaign, SubmissionRequest
    from tests.factories import make_supplier, make_user

    supplier = make_supplier(legal_name="Gamma Solder Ltd.", status="active")
    other = make_supplier(legal_name="Delta Cable Ltd.", status="active")
    user = make_user(Role.SUPPLIER, supplier=supplier)
    campaign = Campaign.objects.create(name="CMRT 2026 survey", reporting_year=2026, template="CMRT", minerals=["Tin"],
                                       due_date=date(2099, 1, 31), status=Campaign.Status.OPEN)
    SubmissionRequest.objects.create(campaign=campaign, supplier=supplier, status="returned")
    SubmissionRequest.objects.create(campaign=campaign, supplier=other, status="returned")
    page = client_for(user).get("/portal/").content.decode()
    assert "CMRT 2026 survey: your declaration was returned for correction." in page
    assert page.count("returned for correction") == 1  # not the other supplier's request
    assert 'href="/portal/minerals/"' in page


def test_the_portal_home_lists_every_open_request_from_the_day_it_is_sent_ordered_by_due_date(client_for, db):
    """An EMRT due in months is a thing to do at once, not only in its last two weeks (issue 13)."""
    from datetime import date

    from supplyesg.core.models import Role
    from tests.factories import make_supplier, make_user
    from tests.minerals.factories_minerals import make_campaign, make_request

    supplier = make_supplier(legal_name="Gamma Solder Ltd.", status="active")
    user = make_user(Role.SUPPLIER, supplier=supplier)
    later = make_campaign(name="EMRT 2026 survey", template="EMRT", minerals=["Cobalt"], due_date=date(2099, 6, 30))
    sooner = make_campaign(name="CMRT 2026 survey", due_date=date(2099, 3, 31))
    past = make_campaign(name="CMRT 2025 survey", due_date=date(2020, 3, 31))
    for campaign in (later, sooner, past):
        make_request(campaign, supplier)

    page = client_for(user).get("/portal/").content.decode()

    assert "Nothing to do right now" not in page
    assert "EMRT 2026 survey: please send your EMRT by" in page
    assert "CMRT 2025 survey: your CMRT was due on" in page
    assert page.index("CMRT 2025 survey") < page.index("CMRT 2026 survey") < page.index("EMRT 2026 survey")
