"""Accepting many declarations at once: the same rules as one by one, one transaction for the selection, every
refusal named with its reason, and the list's own access scoping."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent, Notification, Role
from supplyesg.core.services import create_api_token
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.models import Submission, SubmissionRequest
from tests.factories import make_supplier, make_user
from tests.minerals.test_submissions import cmrt_file, open_campaign_with, submit

pytestmark = pytest.mark.django_db
S = Submission.Status


@pytest.fixture
def desk(compliance, supplier_a, supplier_b, cmrt65):
    """A campaign of five suppliers: two valid files that name their supplier, one file with errors, one that
    declares another company (Beta's), and one supplier that has sent nothing."""
    gamma = make_supplier(legal_name="Gamma Cells GmbH", country="DE")
    delta = make_supplier(legal_name="Delta Magnet Ltd.", country="GB")
    quiet = make_supplier(legal_name="Epsilon Quiet Co.", country="FR")
    campaign = open_campaign_with(compliance, supplier_a, supplier_b, gamma, delta, quiet)
    req = {
        s.legal_name.split()[0].lower(): campaign.requests.get(supplier=s) for s in (supplier_a, supplier_b, gamma, delta, quiet)
    }
    files = {
        "alpha": submit(req["alpha"], cmrt_file(cmrt65, "alpha"), compliance),
        "gamma": submit(req["gamma"], cmrt_file(cmrt65, "gamma", company="Gamma Cells GmbH"), compliance),
        "delta": submit(req["delta"], cmrt_file(cmrt65, "no-company", company=None), compliance),
        "beta": submit(req["beta"], cmrt_file(cmrt65, "other-company", company="Gamma Cells GmbH"), compliance),
    }
    return {"campaign": campaign, "requests": req, "files": files}


def status(submission) -> str:
    submission.refresh_from_db()
    return submission.status


def test_valid_files_are_accepted_together_and_the_others_are_refused_with_their_reason(desk, compliance):
    files = desk["files"]
    result = campaigns.accept_submissions([s.pk for s in files.values()], actor=compliance, comment="Quarter review")
    assert sorted(s.request.supplier.legal_name for s in result.accepted) == ["Alpha Cable Co., Ltd.", "Gamma Cells GmbH"]
    refused = {s.request.supplier.legal_name: why for s, why in result.refused}
    assert "errors cannot be accepted" in refused["Delta Magnet Ltd."]
    assert "declares Gamma Cells GmbH, not Beta Solder Sdn. Bhd." in refused["Beta Solder Sdn. Bhd."]
    assert [status(files[k]) for k in ("alpha", "gamma", "delta", "beta")] == [S.ACCEPTED, S.ACCEPTED, S.INVALID, S.VALID]
    alpha = files["alpha"]
    assert alpha.reviewed_by == compliance and alpha.review_comment == "Quarter review" and alpha.reviewed_at
    for key in ("alpha", "gamma"):
        request_obj = desk["requests"][key]
        request_obj.refresh_from_db()
        assert request_obj.status == SubmissionRequest.Status.ACCEPTED
        assert request_obj.accepted_submission_id == files[key].pk
    desk["requests"]["beta"].refresh_from_db()
    assert desk["requests"]["beta"].status == SubmissionRequest.Status.RECEIVED_VALID
    events = AuditEvent.objects.filter(action="submission.accepted")
    assert sorted(int(e.target_id) for e in events) == sorted([files["alpha"].pk, files["gamma"].pk])
    assert all(e.actor == compliance and e.reason == "Quarter review" for e in events)
    assert events.get(target_id=str(alpha.pk)).changes["request_status"] == ["received_valid", "accepted"]


def test_a_new_acceptance_supersedes_the_one_that_counted_before(desk, compliance, cmrt65):
    first = desk["files"]["alpha"]
    campaigns.accept_submissions([first.pk], actor=compliance)
    second = submit(desk["requests"]["alpha"], cmrt_file(cmrt65, "alpha"), compliance)
    result = campaigns.accept_submissions([second.pk, first.pk], actor=compliance)
    assert result.accepted == [second]
    assert "awaiting review" in result.refused[0][1]
    assert status(first) == S.SUPERSEDED and status(second) == S.ACCEPTED
    assert list(desk["requests"]["alpha"].submissions.filter(status=S.ACCEPTED)) == [second]


def test_of_two_versions_selected_only_the_latest_is_accepted(desk, compliance, cmrt65):
    older = desk["files"]["alpha"]
    newer = submit(desk["requests"]["alpha"], cmrt_file(cmrt65, "alpha"), compliance)
    Submission.objects.filter(pk=older.pk).update(status=S.VALID)  # as if both still awaited review
    result = campaigns.accept_submissions([older.pk, newer.pk], actor=compliance)
    assert result.accepted == [newer]
    assert "later version" in result.refused[0][1]
    assert status(older) == S.VALID


def test_the_supplier_portal_users_are_told_as_for_a_single_acceptance(
    desk, compliance, supplier_a_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        campaigns.accept_submissions([desk["files"]["alpha"].pk, desk["files"]["gamma"].pk], actor=compliance)
    told = Notification.objects.filter(recipient=supplier_a_user)
    assert [n.event.action for n in told] == ["submission.accepted"]
    assert told.get().event.target_id == str(desk["files"]["alpha"].pk)


def test_accepting_costs_the_same_statements_for_one_file_or_many(
    desk, compliance, supplier_a_user, django_capture_on_commit_callbacks
):
    """Lock the requests with their files (one statement, with any open company-name finding), mark the files, point
    the requests, write the events, find the portal users, write their notifications (when there are any), mark the
    dashboard stale: six or seven statements inside the transaction whatever the selection's size (each statement
    is a round trip to PostgreSQL)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(accept) -> list[str]:
        with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=False):
            accept()
        return [q["sql"].split()[0] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]

    one = statements(lambda: campaigns.accept_submission(desk["files"]["gamma"], actor=compliance))  # no portal user
    assert one == ["SELECT", "UPDATE", "UPDATE", "INSERT", "SELECT", "SELECT"]
    many = statements(lambda: campaigns.accept_submissions([f.pk for f in desk["files"].values()], actor=compliance))
    assert many == ["SELECT", "UPDATE", "UPDATE", "INSERT", "SELECT", "INSERT", "SELECT"]
    assert Notification.objects.get(recipient=supplier_a_user).event.target_id == str(desk["files"]["alpha"].pk)


def test_one_acceptance_keeps_its_error_and_writes_nothing_when_refused(desk, compliance):
    with pytest.raises(RuleViolation, match="errors cannot be accepted"):
        campaigns.accept_submission(desk["files"]["delta"], actor=compliance)
    assert not AuditEvent.objects.filter(action="submission.accepted").exists()


def test_a_failure_while_writing_leaves_every_file_as_it_was(desk, compliance, monkeypatch):
    from supplyesg.core import audit

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record_many", broken)
    with pytest.raises(RuntimeError):
        campaigns.accept_submissions([desk["files"]["alpha"].pk, desk["files"]["gamma"].pk], actor=compliance)
    assert status(desk["files"]["alpha"]) == S.VALID and status(desk["files"]["gamma"]) == S.VALID
    desk["requests"]["alpha"].refresh_from_db()
    assert desk["requests"]["alpha"].accepted_submission_id is None


# ---------------------------------------------------------------- the campaign page's bulk bar


def url(desk):
    return reverse("minerals:campaign_bulk_accept", args=[desk["campaign"].pk])


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_campaign_list_offers_a_box_only_where_a_valid_file_awaits(desk, client_for, compliance, viewer):
    page = client_for(compliance).get(reverse("minerals:campaign_detail", args=[desk["campaign"].pk])).content.decode()
    assert 'id="bulk-form"' in page
    for key, ticked in (("alpha", True), ("gamma", True), ("beta", True), ("delta", False), ("epsilon", False)):
        assert (f'name="ids" value="{desk["requests"][key].pk}"' in page) is ticked, key
    assert (
        'id="bulk-form"'
        not in client_for(viewer).get(reverse("minerals:campaign_detail", args=[desk["campaign"].pk])).content.decode()
    )


def test_the_bulk_bar_and_its_summary_speak_chinese(desk, client_for, compliance):
    client = client_for(compliance)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("minerals:campaign_detail", args=[desk["campaign"].pk])).content.decode()
    assert "接受最新的有效申报" in page and "备注（适用于全部）" in page
    response = client.post(url(desk), {"ids": [desk["requests"]["alpha"].pk, desk["requests"]["epsilon"].pk]})
    messages = flashed(response)
    assert messages[0].startswith("1 项已接受")
    assert any("尚未收到任何申报" in m for m in messages)


def test_ticked_rows_are_accepted_and_each_refusal_is_named(desk, client_for, compliance):
    req = desk["requests"]
    ids = [req[k].pk for k in ("alpha", "gamma", "beta", "epsilon")]
    response = client_for(compliance).post(url(desk), {"ids": ids, "reason": "Checked in the weekly review"})
    assert response.status_code == 302 and response["Location"].endswith(f"/campaigns/{desk['campaign'].pk}/")
    messages = flashed(response)
    assert messages[0] == "2 accepted, 2 refused."
    assert any(m.startswith("Beta Solder Sdn. Bhd.") and "declares Gamma Cells GmbH" in m for m in messages)
    assert any(m.startswith("Epsilon Quiet Co.") and "No declaration has been received" in m for m in messages)
    assert status(desk["files"]["alpha"]) == S.ACCEPTED
    assert Submission.objects.get(pk=desk["files"]["gamma"].pk).review_comment == "Checked in the weekly review"


def test_all_matching_the_filter_accepts_within_the_filter_only(desk, client_for, compliance):
    response = client_for(compliance).post(url(desk), {"scope": "all", "status": "received_errors"})
    assert flashed(response)[0] == "0 accepted, 1 refused."
    assert response["Location"].endswith("?status=received_errors")
    response = client_for(compliance).post(url(desk), {"scope": "all", "status": "received_valid"})
    assert flashed(response)[0] == "2 accepted, 1 refused."
    assert status(desk["files"]["alpha"]) == S.ACCEPTED and status(desk["files"]["beta"]) == S.VALID


def test_rows_of_another_campaign_are_not_found_in_this_list(desk, client_for, compliance, supplier_a):
    other = open_campaign_with(compliance, supplier_a, name="CMRT 2026", reporting_year=2026)
    response = client_for(compliance).post(url(desk), {"ids": [other.requests.get().pk, desk["requests"]["alpha"].pk]})
    assert flashed(response)[0] == "1 accepted, 1 not found in this list."


def test_an_empty_or_bad_selection_is_a_message_and_changes_nothing(desk, client_for, compliance):
    for data in ({}, {"ids": ["x"]}, {"scope": "nonsense"}):
        response = client_for(compliance).post(url(desk), data)
        assert response.status_code == 302
        assert flashed(response)
    assert status(desk["files"]["alpha"]) == S.VALID


def test_only_reviewers_accept_in_bulk(desk, client_for, viewer, supplier_a_user):
    data = {"ids": [desk["requests"]["alpha"].pk]}
    assert client_for(None).post(url(desk), data).status_code == 302
    assert client_for(supplier_a_user).post(url(desk), data).status_code == 404
    assert client_for(viewer).post(url(desk), data).status_code == 403
    assert status(desk["files"]["alpha"]) == S.VALID


# ---------------------------------------------------------------- API


def api_post(client, user, data):
    _token, raw = create_api_token(user=user, name="erp", actor=user)
    return client.post(
        "/api/minerals/submissions/accept", data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )


def test_the_api_accepts_many_and_lists_refusals_and_unknown_ids(desk, client, compliance):
    files = desk["files"]
    response = api_post(client, compliance, {"ids": [files["alpha"].pk, files["delta"].pk, 999999], "comment": "ok"})
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == [files["alpha"].pk]
    assert body["refused"][0]["id"] == files["delta"].pk and "errors" in body["refused"][0]["detail"]
    assert body["not_found"] == [999999]
    assert status(files["alpha"]) == S.ACCEPTED


def test_the_api_refuses_an_empty_or_oversized_list_naming_the_field(desk, client, compliance):
    for ids in ([], list(range(1, 2003))):
        response = api_post(client, compliance, {"ids": ids})
        assert response.status_code == 422
        assert "ids" in response.content.decode()


def test_the_api_needs_the_review_right(desk, client, viewer):
    response = api_post(client, viewer, {"ids": [desk["files"]["alpha"].pk]})
    assert response.status_code == 403
    assert status(desk["files"]["alpha"]) == S.VALID


def test_a_supplier_token_cannot_accept_its_own_file(desk, client, supplier_a):
    user = make_user(username="alpha-portal-api", role=Role.SUPPLIER, supplier=supplier_a)
    response = api_post(client, user, {"ids": [desk["files"]["alpha"].pk]})
    assert response.status_code in (403, 404)
    assert status(desk["files"]["alpha"]) == S.VALID


def test_a_decision_reads_the_file_for_access_without_its_check_result(desk, compliance, viewer, supplier_b_user):
    """The check result is most of a row's bytes; the pages and API that decide on a file do not show it, and the
    service reads the row again under its lock. Access stays as for reading: a supplier of another file gets 404."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    alpha = desk["files"]["alpha"]
    for_decision = campaigns.get_submission_for_user(compliance, alpha.pk, write=True)
    assert "result" in for_decision.get_deferred_fields()
    assert "result" not in campaigns.get_submission_for_user(compliance, alpha.pk).get_deferred_fields()
    with pytest.raises(PermissionDenied):
        campaigns.get_submission_for_user(viewer, alpha.pk, write=True)
    with pytest.raises(Http404):
        campaigns.get_submission_for_user(supplier_b_user, alpha.pk, write=True)
