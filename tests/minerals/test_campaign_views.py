"""Internal campaign pages: who may do what, and that each action does what it says."""

import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supplyesg.core.models import AuditEvent, Job
from supplyesg.core.services import start_job
from supplyesg.minerals import bulk
from supplyesg.minerals.models import (
    Campaign,
    Smelter,
    SmelterAlias,
    SmelterReview,
    Submission,
    SubmissionRequest,
)
from tests.factories import PDF_BYTES, make_category, make_supplier
from tests.minerals.test_submissions import UNKNOWN_SMELTER, cmrt_file, open_campaign_with, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(compliance, supplier_a, supplier_b, cmrt65):
    Smelter.objects.create(
        cid="CID001070", metal="Tin", standard_name="China Tin Group Co., Ltd.", country="CHINA"
    )
    campaign = open_campaign_with(compliance, supplier_a, supplier_b)
    request_a = campaign.requests.get(supplier=supplier_a)
    submission = submit(request_a, cmrt_file(cmrt65, "valid"), compliance)
    job = start_job(kind=bulk.JOB_KIND)
    job.result = bulk.empty_result(campaign)
    job.save()
    return {
        "campaign": campaign,
        "request_a": request_a,
        "request_b": campaign.requests.get(supplier=supplier_b),
        "submission": submission,
        "review": SmelterReview.objects.get(name=UNKNOWN_SMELTER),
        "job": job,
    }


def urls(world):
    c, s = world["campaign"].pk, world["submission"].pk
    return {
        "reads": [
            reverse("minerals:campaigns"),
            reverse("minerals:campaign_detail", args=[c]),
            reverse("minerals:submission_detail", args=[s]),
            reverse("minerals:submission_file", args=[s]),
            reverse("minerals:review_queue"),
            reverse("minerals:bulk_result", args=[c, world["job"].pk]),
        ],
        "write_pages": [
            reverse("minerals:campaign_create"),
            reverse("minerals:submission_upload", args=[world["request_b"].pk]),
            reverse("minerals:bulk_upload", args=[c]),
        ],
        "posts": [
            reverse("minerals:campaign_open", args=[c]),
            reverse("minerals:campaign_close", args=[c]),
            reverse("minerals:campaign_add_supplier", args=[c]),
            reverse("minerals:campaign_bulk_accept", args=[c]),
            reverse("minerals:request_remove", args=[world["request_b"].pk]),
            reverse("minerals:submission_accept", args=[s]),
            reverse("minerals:submission_return", args=[s]),
            reverse("minerals:review_confirm", args=[world["review"].pk]),
            reverse("minerals:review_reject", args=[world["review"].pk]),
            reverse("minerals:bulk_confirm", args=[c, world["job"].pk]),
        ],
    }


def every_url(world):
    groups = urls(world)
    return [("get", u) for u in groups["reads"] + groups["write_pages"]] + [
        ("post", u) for u in groups["posts"]
    ]


def test_anonymous_visitors_are_sent_to_log_in(world, client_for):
    for method, url in every_url(world):
        response = getattr(client_for(None), method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_supplier_users_find_no_internal_page(world, client_for, supplier_a_user):
    for method, url in every_url(world):
        assert getattr(client_for(supplier_a_user), method)(url).status_code == 404, url


def test_a_viewer_reads_but_changes_nothing(world, client_for, viewer):
    client = client_for(viewer)
    groups = urls(world)
    for url in groups["reads"]:
        assert client.get(url).status_code == 200, url
    for url in groups["write_pages"]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    for url in groups["posts"]:
        assert client.post(url, {}).status_code == 403, url
    world["submission"].refresh_from_db()
    assert world["submission"].status == Submission.Status.VALID
    assert Campaign.objects.get().status == Campaign.Status.OPEN


def test_an_auditor_may_review(world, client_for, auditor):
    response = client_for(auditor).post(reverse("minerals:submission_accept", args=[world["submission"].pk]))
    assert response.status_code == 302
    world["submission"].refresh_from_db()
    assert world["submission"].status == Submission.Status.ACCEPTED


def test_empty_posts_answer_with_a_message_not_an_error(world, client_for, compliance):
    client = client_for(compliance)
    for url in urls(world)["posts"]:
        assert client.post(url, {}).status_code in (302, 400), url


# ---------------------------------------------------------------- campaigns


def test_a_compliance_manager_creates_a_campaign(client_for, compliance):
    category = make_category(code="solder", name="Solder", minerals="tin")
    response = client_for(compliance).post(
        reverse("minerals:campaign_create"),
        {
            "name": "Conflict minerals 2025",
            "reporting_year": 2025,
            "template": "CMRT",
            "minerals": ["Tin", "Gold"],
            "due_date": "2099-03-31",
            "remind_days_before": 14,
            "remind_every_days_after": 7,
            "categories": [category.pk],
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "minerals:campaign_detail", args=[campaign.pk]
    )
    assert campaign.status == Campaign.Status.DRAFT and campaign.minerals == ["Tin", "Gold"]
    assert list(campaign.scope_categories.all()) == [category]
    assert AuditEvent.objects.filter(action="campaign.created", actor=compliance).exists()


def test_a_campaign_form_with_a_wrong_mineral_names_the_field(client_for, compliance):
    response = client_for(compliance).post(
        reverse("minerals:campaign_create"),
        {
            "name": "EMRT 2025",
            "reporting_year": 2025,
            "template": "EMRT",
            "minerals": ["Tin"],
            "due_date": "2099-03-31",
            "remind_days_before": 14,
            "remind_every_days_after": 7,
            "tiers": [1],
        },
    )
    assert response.status_code == 400
    assert "Minerals in scope: Tin are not in this template." in response.content.decode()
    assert Campaign.objects.count() == 0


def test_opening_a_draft_asks_the_suppliers_in_scope(client_for, compliance):
    category = make_category(code="solder", name="Solder", minerals="tin")
    supplier = make_supplier(status="active", categories=[category])
    client = client_for(compliance)
    client.post(
        reverse("minerals:campaign_create"),
        {
            "name": "CMRT 2025",
            "reporting_year": 2025,
            "template": "CMRT",
            "minerals": ["Tin"],
            "due_date": "2099-03-31",
            "remind_days_before": 14,
            "remind_every_days_after": 7,
            "scope_by_minerals": "on",
        },
    )
    campaign = Campaign.objects.get()
    assert (
        "1 approved supplier is in scope."
        in client.get(reverse("minerals:campaign_detail", args=[campaign.pk])).content.decode()
    )
    response = client.post(reverse("minerals:campaign_open", args=[campaign.pk]))
    assert response.status_code == 302
    assert campaign.requests.get().supplier == supplier


def test_the_campaign_page_shows_status_counts_overdue_and_filters(world, client_for, viewer):
    campaign = world["campaign"]
    Campaign.objects.filter(pk=campaign.pk).update(due_date="2020-01-01")
    client = client_for(viewer)
    page = client.get(reverse("minerals:campaign_detail", args=[campaign.pk])).content.decode()
    assert "Received valid: 1" in page and "Requested: 1" in page
    assert "50%" in page  # response rate
    assert 'id="overdue"' in page and "Beta Solder Sdn. Bhd." in page.split('id="overdue"')[1]
    fragment = client.get(
        reverse("minerals:campaign_detail", args=[campaign.pk]),
        {"status": "received_valid"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="requests",
    ).content.decode()
    assert fragment.startswith('<div id="requests">')
    assert "Alpha Cable" in fragment and "Beta Solder" not in fragment


def test_a_supplier_is_added_and_removed_by_hand(world, client_for, compliance):
    gamma = make_supplier(code="GAMMA1", legal_name="Gamma Copper Ltd.", status="active")
    client = client_for(compliance)
    campaign = world["campaign"]
    client.post(reverse("minerals:campaign_add_supplier", args=[campaign.pk]), {"code": "gamma1"})
    request_obj = campaign.requests.get(supplier=gamma)
    assert request_obj.status == SubmissionRequest.Status.REQUESTED
    response = client.post(
        reverse("minerals:campaign_add_supplier", args=[campaign.pk]), {"code": "NOPE"}, follow=True
    )
    assert "No supplier has the code NOPE." in response.content.decode()
    client.post(reverse("minerals:request_remove", args=[request_obj.pk]))
    assert not campaign.requests.filter(supplier=gamma).exists()
    response = client.post(reverse("minerals:request_remove", args=[world["request_a"].pk]), follow=True)
    assert "already sent a declaration" in response.content.decode()


def test_closing_a_campaign_stops_uploads(world, client_for, compliance, cmrt65):
    client = client_for(compliance)
    client.post(reverse("minerals:campaign_close", args=[world["campaign"].pk]))
    path = cmrt_file(cmrt65, "valid")
    response = client.post(
        reverse("minerals:submission_upload", args=[world["request_b"].pk]),
        {"file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    assert response.status_code == 400 and "is closed" in response.content.decode()


# ---------------------------------------------------------------- submissions


def test_staff_upload_a_suppliers_file(world, client_for, compliance, cmrt65):
    path = cmrt_file(cmrt65, "no_company_name", company=None)
    response = client_for(compliance).post(
        reverse("minerals:submission_upload", args=[world["request_b"].pk]),
        {"file": SimpleUploadedFile("beta.xlsx", path.read_bytes())},
    )
    submission = world["request_b"].submissions.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("minerals:submission_detail", args=[submission.pk])
    assert submission.channel == Submission.Channel.STAFF and submission.status == Submission.Status.INVALID


def test_a_macro_enabled_xlsm_is_refused_before_anything_is_stored(world, client_for, compliance, cmrt65):
    path = cmrt_file(cmrt65, "valid")
    response = client_for(compliance).post(
        reverse("minerals:submission_upload", args=[world["request_b"].pk]),
        {"file": SimpleUploadedFile("beta.xlsm", path.read_bytes())},
    )
    assert response.status_code == 400
    assert "macro-enabled workbooks (.xlsm) are not accepted" in response.content.decode()
    assert not world["request_b"].submissions.exists()


def test_a_pdf_named_xlsx_is_refused_before_anything_is_stored(world, client_for, compliance):
    response = client_for(compliance).post(
        reverse("minerals:submission_upload", args=[world["request_b"].pk]),
        {"file": SimpleUploadedFile("cmrt.xlsx", PDF_BYTES)},
    )
    assert response.status_code == 400
    assert "(.xlsx): the content of cmrt.xlsx is not a .xlsx file." in response.content.decode()
    assert not world["request_b"].submissions.exists()


def test_the_submission_page_shows_findings_smelters_and_versions(world, client_for, viewer):
    page = (
        client_for(viewer)
        .get(reverse("minerals:submission_detail", args=[world["submission"].pk]))
        .content.decode()
    )
    assert "smelter_unmatched" in page and "Smelter List!D6" in page
    assert UNKNOWN_SMELTER in page and "CID001070" in page
    assert "version 1" in page
    assert 'action="/minerals/submissions/' not in page  # a viewer gets no accept/return forms


def test_findings_are_shown_in_chinese_to_a_chinese_reader(world, client_for, viewer):
    client = client_for(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("minerals:submission_detail", args=[world["submission"].pk])).content.decode()
    assert f"无法在参考清单中识别冶炼厂“{UNKNOWN_SMELTER}”" in page


def test_the_file_is_served_to_internal_users_only(world, client_for, viewer):
    response = client_for(viewer).get(reverse("minerals:submission_file", args=[world["submission"].pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="valid.xlsx"')
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_accept_and_return_from_the_page(world, client_for, compliance, cmrt65):
    client = client_for(compliance)
    submission = world["submission"]
    response = client.post(
        reverse("minerals:submission_return", args=[submission.pk]), {"comment": ""}, follow=True
    )
    assert "say what the supplier must correct" in response.content.decode()
    client.post(
        reverse("minerals:submission_return", args=[submission.pk]), {"comment": "Add your gold smelters."}
    )
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    response = client.post(reverse("minerals:submission_accept", args=[submission.pk]), follow=True)
    assert "awaiting review" in response.content.decode()
    newer = submit(world["request_a"], cmrt_file(cmrt65, "valid"), compliance)
    client.post(reverse("minerals:submission_accept", args=[newer.pk]), {"comment": "Thanks"})
    world["request_a"].refresh_from_db()
    assert world["request_a"].accepted_submission == newer
    assert AuditEvent.objects.filter(action="submission.accepted", actor=compliance).exists()


# ---------------------------------------------------------------- review queue


def test_the_review_queue_confirms_and_rejects_names(world, client_for, compliance):
    client = client_for(compliance)
    page = client.get(reverse("minerals:review_queue")).content.decode()
    assert UNKNOWN_SMELTER in page and "China Tin Groupp Co., Ltd." in page
    review = world["review"]
    response = client.post(
        reverse("minerals:review_confirm", args=[review.pk]), {"cid": "CID001070"}, follow=True
    )
    assert "is now an alias; 1 stored row(s) were identified." in response.content.decode()
    assert SmelterAlias.objects.filter(name=UNKNOWN_SMELTER).exists()
    other = SmelterReview.objects.get(status=SmelterReview.Status.PENDING)
    client.post(reverse("minerals:review_reject", args=[other.pk]))
    other.refresh_from_db()
    assert other.status == SmelterReview.Status.REJECTED
    decided = client.get(reverse("minerals:review_queue"), {"status": "confirmed"}).content.decode()
    assert UNKNOWN_SMELTER in decided


def test_a_wrong_cid_in_the_review_queue_is_explained(world, client_for, compliance):
    response = client_for(compliance).post(
        reverse("minerals:review_confirm", args=[world["review"].pk]), {"cid": "CID999999"}, follow=True
    )
    assert "CID999999 is not a Tin smelter of the loaded reference list." in response.content.decode()


# ---------------------------------------------------------------- bulk


def test_a_bulk_zip_runs_in_the_background_and_uncertain_files_are_confirmed(
    world, client_for, compliance, cmrt65, django_capture_on_commit_callbacks, supplier_a
):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.write(
            cmrt_file(cmrt65, "bulk_by_id", company="Beta Solder Malaysia", unique_id="MY-201901000123"),
            "beta.xlsx",
        )
        zf.write(cmrt_file(cmrt65, "bulk_uncertain", company="Alhpa Cable Company"), "alpha.xlsx")
    client = client_for(compliance)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("minerals:bulk_upload", args=[world["campaign"].pk]),
            {"file": SimpleUploadedFile("batch.zip", buffer.getvalue())},
        )
    job = Job.objects.filter(kind=bulk.JOB_KIND).latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("minerals:bulk_result", args=[world["campaign"].pk, job.pk])
    assert job.status == Job.Status.DONE
    page = client.get(response["Location"]).content.decode()
    assert 'id="job-' in page and "Uncertain: which supplier sent this file?" in page and "alpha.xlsx" in page
    assert world["request_b"].submissions.get().channel == Submission.Channel.BULK
    item = job.result["uncertain"][0]["id"]
    client.post(
        reverse("minerals:bulk_confirm", args=[world["campaign"].pk, job.pk]),
        {"item": item, "supplier": supplier_a.pk},
    )
    assert world["request_a"].submissions.count() == 2
    assert "stored for" in client.get(response["Location"]).content.decode()


def test_a_bulk_upload_that_is_not_a_zip_names_the_field(world, client_for, compliance):
    response = client_for(compliance).post(
        reverse("minerals:bulk_upload", args=[world["campaign"].pk]),
        {"file": SimpleUploadedFile("batch.zip", b"not a zip")},
    )
    assert response.status_code == 400
    assert "templates: the content of batch.zip is not a .zip archive." in response.content.decode()


def test_a_job_of_another_campaign_is_not_found(world, client_for, compliance):
    other = open_campaign_with(compliance, name="Another")
    url = reverse("minerals:bulk_result", args=[other.pk, world["job"].pk])
    assert client_for(compliance).get(url).status_code == 404
