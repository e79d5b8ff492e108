"""The minerals JSON API: the same access rules and services as the pages, errors in the project's format."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from supplyesg.core.models import AuditEvent
from supplyesg.core.services import create_api_token
from supplyesg.minerals.models import Submission, SubmissionRequest
from tests.factories import make_supplier
from tests.minerals.factories_minerals import make_campaign, make_request
from tests.minerals.test_submissions import cmrt_file, open_campaign_with, submit
from tests.paging import assert_deep_pages_are_the_forward_pages


def _mount_router():
    """Until supplyesg/api.py registers the minerals router, mount it here (before any URL is resolved)."""
    from supplyesg.api import api
    from supplyesg.minerals.campaigns.api import router

    if not any(r is router for _prefix, r in api._routers) and api._bound_routers_cache is None:
        api.add_router("/", router)


_mount_router()
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(compliance, supplier_a, supplier_b, cmrt65):
    campaign = open_campaign_with(compliance, supplier_a, supplier_b)
    request_a = campaign.requests.get(supplier=supplier_a)
    return {
        "campaign": campaign,
        "request_a": request_a,
        "request_b": campaign.requests.get(supplier=supplier_b),
        "submission": submit(request_a, cmrt_file(cmrt65, "valid"), compliance),
    }


def _file(cmrt65, key="valid", **kwargs):
    path = cmrt_file(cmrt65, key, **kwargs)
    return SimpleUploadedFile(path.name, path.read_bytes())


def post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_anonymous_callers_get_401_in_the_error_format(world, client_for):
    response = client_for(None).get("/api/minerals/campaigns")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_a_token_lists_campaigns_with_counts(world, compliance, client):
    _token, raw = create_api_token(user=compliance, name="erp", actor=compliance)
    response = client.get("/api/minerals/campaigns", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    item = response.json()["items"][0]
    assert (item["template"], item["requests"], item["responded"], item["accepted"]) == ("CMRT", 2, 1, 0)


def test_requests_of_a_campaign_with_filters(world, client_for, viewer):
    url = f"/api/minerals/campaigns/{world['campaign'].pk}/requests"
    data = client_for(viewer).get(url).json()
    assert data["count"] == 2
    assert {r["supplier_name"]: r["status"] for r in data["items"]} == {
        "Alpha Cable Co., Ltd.": "received_valid",
        "Beta Solder Sdn. Bhd.": "requested",
    }
    only = client_for(viewer).get(url, {"status": "requested"}).json()
    assert [r["supplier_code"] for r in only["items"]] == [world["request_b"].supplier.code]


def test_deep_pages_of_campaigns_and_requests_are_the_pages_the_forward_reading_gives(client_for, viewer):
    at = timezone.now()
    made = [make_campaign(reporting_year=2024 + n % 2, created_at=at - dt.timedelta(days=n % 3)) for n in range(11)]
    client = client_for(viewer)
    assert_deep_pages_are_the_forward_pages(client, "/api/minerals/campaigns", total=11)
    statuses = [SubmissionRequest.Status.REQUESTED, SubmissionRequest.Status.RECEIVED_VALID]
    for n in range(11):  # supplier names tied in fours
        make_request(made[0], make_supplier(legal_name=f"Tied Tin {n % 4}"), status=statuses[n % 2])
    url = f"/api/minerals/campaigns/{made[0].pk}/requests"
    assert_deep_pages_are_the_forward_pages(client, url, total=11)
    assert_deep_pages_are_the_forward_pages(client, f"{url}?status=requested", total=6)


def test_supplier_users_see_no_campaign(world, client_for, supplier_a_user):
    assert client_for(supplier_a_user).get("/api/minerals/campaigns").status_code == 404
    assert (
        client_for(supplier_a_user)
        .get(f"/api/minerals/campaigns/{world['campaign'].pk}/requests")
        .status_code
        == 404
    )


def test_a_submission_result_is_read_by_staff_and_its_own_supplier_only(
    world, client_for, viewer, supplier_a_user, supplier_b_user
):
    url = f"/api/minerals/submissions/{world['submission'].pk}"
    data = client_for(viewer).get(url).json()
    assert data["valid"] is True and data["version"] == 1 and data["result"]["template"] == "CMRT"
    assert {f["code"] for f in data["result"]["findings"]} >= {"smelter_unmatched"}
    assert client_for(supplier_a_user).get(url).status_code == 200
    response = client_for(supplier_b_user).get(url)
    assert response.status_code == 404 and response.json()["detail"] == "Not found."


def test_a_supplier_user_submits_for_its_own_request(
    world, client_for, supplier_a_user, supplier_b_user, cmrt65
):
    url = f"/api/minerals/requests/{world['request_a'].pk}/submissions"
    response = client_for(supplier_a_user).post(url, {"file": _file(cmrt65, "no_company_name", company=None)})
    assert response.status_code == 201
    data = response.json()
    assert (data["version"], data["valid"], data["status"], data["channel"]) == (2, False, "invalid", "api")
    assert client_for(supplier_b_user).post(url, {"file": _file(cmrt65)}).status_code == 404
    assert world["request_a"].submissions.count() == 2


def test_staff_need_the_review_right_to_submit(world, client_for, viewer, compliance, cmrt65):
    url = f"/api/minerals/requests/{world['request_b'].pk}/submissions"
    assert client_for(viewer).post(url, {"file": _file(cmrt65)}).status_code == 403
    response = client_for(compliance).post(url, {"file": _file(cmrt65)})
    assert response.status_code == 201 and response.json()["valid"] is True
    world["request_b"].refresh_from_db()
    assert world["request_b"].status == SubmissionRequest.Status.RECEIVED_VALID


def test_a_file_that_is_not_a_workbook_is_a_400_naming_the_field(world, client_for, compliance):
    url = f"/api/minerals/requests/{world['request_b'].pk}/submissions"
    missing = client_for(compliance).post(url, {})
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "file"
    response = client_for(compliance).post(url, {"file": SimpleUploadedFile("cmrt.xlsx", b"plain text")})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("file: the content of cmrt.xlsx")
    assert not world["request_b"].submissions.exists()


def test_accept_and_return_through_the_api(world, client_for, compliance, viewer, supplier_a_user, cmrt65):
    url = f"/api/minerals/submissions/{world['submission'].pk}"
    assert post_json(client_for(viewer), f"{url}/accept", {}).status_code == 403
    assert post_json(client_for(viewer), f"{url}/return", {}).status_code == 403
    assert post_json(client_for(supplier_a_user), f"{url}/accept", {}).status_code == 404
    response = post_json(client_for(compliance), f"{url}/return", {"comment": ""})
    assert response.status_code == 409 and response.json()["detail"].startswith("comment:")
    response = post_json(client_for(compliance), f"{url}/return", {"comment": "List the gold refiners too."})
    assert response.status_code == 200 and response.json()["status"] == "returned"
    response = post_json(client_for(compliance), f"{url}/accept", {})
    assert response.status_code == 409 and "awaiting review" in response.json()["detail"]
    newer = submit(world["request_a"], cmrt_file(cmrt65, "valid"), compliance)
    response = post_json(
        client_for(compliance), f"/api/minerals/submissions/{newer.pk}/accept", {"comment": "ok"}
    )
    assert response.status_code == 200 and response.json()["status"] == Submission.Status.ACCEPTED
    assert AuditEvent.objects.filter(action="submission.accepted", actor=compliance).exists()


def test_an_invalid_submission_cannot_be_accepted_through_the_api(world, client_for, compliance, cmrt65):
    bad = submit(world["request_b"], cmrt_file(cmrt65, "no_company_name", company=None), compliance)
    response = post_json(client_for(compliance), f"/api/minerals/submissions/{bad.pk}/accept", {})
    assert response.status_code == 409 and "cannot be accepted" in response.json()["detail"]
