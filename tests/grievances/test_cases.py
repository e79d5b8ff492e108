"""Handlers, custodians and the identity vault; the workflow and its clocks; who sees what."""

import json
from datetime import date

import pytest
import time_machine
from django.test import Client

from supplyesg.core.models import AuditEvent, Role
from supplyesg.core.services import create_api_token
from supplyesg.grievances.models import DisclosureRequest, Report
from supplyesg.grievances.services import cases
from supplyesg.grievances.services.intake import public_thread
from tests.factories import make_designation, make_grievance, make_user

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_handler_without_custodian_approval_never_sees_the_identity_on_the_page_the_api_or_the_export(handler, compliance):
    report, _receipt = make_grievance(name="Nguyen Thi Lan", contact="+84 90 123 4567")
    page = logged_in(handler).get(f"/grievances/{report.pk}/")
    assert page.status_code == 200
    assert "Nguyen Thi Lan" not in page.content.decode() and "+84 90" not in page.content.decode()
    assert "kept sealed" in page.content.decode()
    assert logged_in(handler).get(f"/grievances/{report.pk}/identity/").status_code == 403
    token = create_api_token(user=handler, name="case tool", actor=handler)[1]
    api = Client().get(f"/api/grievances/reports/{report.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200 and "Nguyen" not in api.content.decode()
    export = logged_in(handler).get("/grievances/review.xlsx")
    assert export.status_code == 200 and b"Nguyen" not in export.content
    # A request alone is not an approval, and the requester cannot approve it.
    cases.request_disclosure(actor=handler, report=report, motivation="We must interview her about the dormitory passports.")
    assert logged_in(handler).get(f"/grievances/{report.pk}/identity/").status_code == 403
    make_designation(handler, kind="custodian")
    pending = DisclosureRequest.objects.get()
    assert logged_in(handler).post(f"/grievances/disclosures/{pending.pk}/decide/", {"decision": "approve"}).status_code == 403
    assert logged_in(handler).get(f"/grievances/{report.pk}/identity/").status_code == 403


def test_a_custodian_approval_shows_the_identity_to_that_handler_only_and_every_viewing_is_logged(handler, custodian):
    other_handler = make_user(Role.COMPLIANCE, username="otto-other-handler")
    make_designation(other_handler)
    report, _receipt = make_grievance(name="Nguyen Thi Lan", contact="+84 90 123 4567")
    cases.request_disclosure(actor=handler, report=report, motivation="We must interview her about the dormitory passports.")
    request = DisclosureRequest.objects.get()
    assert logged_in(custodian).get("/grievances/disclosures/").status_code == 200
    assert logged_in(custodian).post(f"/grievances/disclosures/{request.pk}/decide/", {"decision": "approve"}).status_code == 302
    shown = logged_in(handler).get(f"/grievances/{report.pk}/identity/")
    assert shown.status_code == 200 and "Nguyen Thi Lan" in shown.content.decode()
    logged_in(handler).get(f"/grievances/{report.pk}/identity/")
    assert AuditEvent.objects.filter(action="grievance.identity_viewed", actor=handler).count() == 2
    assert logged_in(other_handler).get(f"/grievances/{report.pk}/identity/").status_code == 403
    # The custodian is not a handler: the case itself stays closed to them.
    assert logged_in(custodian).get(f"/grievances/{report.pk}/").status_code == 404


def test_asking_for_approving_and_reading_an_identity_leave_the_stored_dashboard_figures_current(
    handler, custodian, django_capture_on_commit_callbacks
):
    """They are audited readings: none changes a figure the reporting dashboard counts, so none marks its stored
    figures stale or queues their refresh (each identity page view did, a refresh of every stored dashboard)."""
    from supplyesg.core.models import Job
    from supplyesg.reporting.models import DashboardResult
    from supplyesg.reporting.services import dashboard as stored

    report, _receipt = make_grievance(name="Nguyen Thi Lan")
    result = stored.refresh_result(DashboardResult.objects.create(year=report.received_on.year))
    with django_capture_on_commit_callbacks(execute=True):
        cases.request_disclosure(actor=handler, report=report, motivation="We must interview her about the passports.")
        decide = f"/grievances/disclosures/{DisclosureRequest.objects.get().pk}/decide/"
        logged_in(custodian).post(decide, {"decision": "approve"})
        assert logged_in(handler).get(f"/grievances/{report.pk}/identity/").status_code == 200
    assert AuditEvent.objects.filter(action__startswith="grievance.identity_").count() == 3
    result.refresh_from_db()
    assert not result.stale
    assert not Job.objects.filter(kind=stored.JOB_KIND).exists()


def test_a_role_alone_shows_no_report_and_supplier_users_never_see_one(
    handler, compliance, viewer, auditor, supplier_a_user, admin_user
):
    report, _receipt = make_grievance()
    for user in (compliance, viewer, auditor, admin_user):
        assert logged_in(user).get(f"/grievances/{report.pk}/").status_code == 404
        listing = logged_in(user).get("/grievances/")
        assert listing.status_code == 200 and str(report) not in listing.content.decode()
        assert "only the handlers an administrator designates" in listing.content.decode()
    assert logged_in(supplier_a_user).get(f"/grievances/{report.pk}/").status_code == 404
    assert logged_in(supplier_a_user).get("/grievances/").status_code == 404
    assert Client().get(f"/grievances/{report.pk}/").status_code == 302
    token = create_api_token(user=viewer, name="t", actor=viewer)[1]
    assert Client().get("/api/grievances/reports", HTTP_AUTHORIZATION=f"Bearer {token}").json() == []
    assert Client().get(f"/api/grievances/reports/{report.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 404


def test_a_read_only_viewer_designated_as_handler_reads_but_changes_nothing(viewer):
    make_designation(viewer)
    report, _receipt = make_grievance()
    client = logged_in(viewer)
    assert client.get(f"/grievances/{report.pk}/").status_code == 200
    assert client.post(f"/grievances/{report.pk}/reply/", {"text": "hi", "visibility": "public"}).status_code == 403
    assert report.messages.count() == 1  # the automatic acknowledgement only


def test_the_two_way_exchange_shares_public_messages_only(handler):
    report, receipt = make_grievance()
    client = logged_in(handler)
    client.post(f"/grievances/{report.pk}/reply/", {"text": "Which factory gate do you use?", "visibility": "public"})
    client.post(f"/grievances/{report.pk}/reply/", {"text": "Supplier ALPHA-7, Dongguan plant.", "visibility": "internal"})
    client.post(f"/grievances/{report.pk}/reply/", {"text": "Call the auditor Monday.", "visibility": "personal"})
    client.post(f"/grievances/{report.pk}/links/", {"topic": "wages_hours", "country": "CN", "severe": "on"})
    follow = Client().post("/grievance/follow/", {"receipt": receipt})
    html = follow.content.decode()
    assert "Which factory gate" in html
    assert "ALPHA-7" not in html and "auditor Monday" not in html and "China" not in html
    Client().post("/grievance/follow/", {"receipt": receipt, "text": "The north gate."})
    assert "The north gate." in logged_in(handler).get(f"/grievances/{report.pk}/").content.decode()
    report.refresh_from_db()
    assert report.first_feedback_on is not None
    assert [m["author"] for m in public_thread(report)] == ["system", "handler", "reporter"]


def test_a_personal_note_is_seen_by_its_author_only(handler):
    colleague = make_user(Role.COMPLIANCE, username="colette")
    make_designation(colleague)
    report, _receipt = make_grievance()
    logged_in(handler).post(f"/grievances/{report.pk}/reply/", {"text": "My hunch: the agency.", "visibility": "personal"})
    assert "My hunch" in logged_in(handler).get(f"/grievances/{report.pk}/").content.decode()
    assert "My hunch" not in logged_in(colleague).get(f"/grievances/{report.pk}/").content.decode()


def test_the_clocks_follow_eu_2019_1937_and_overdue_cases_are_listed(handler):
    from supplyesg.grievances.models import Channel

    Channel.objects.filter(key="supplier-workers").update(auto_acknowledge=False)
    with time_machine.travel(date(2026, 3, 2)):
        report, _receipt = make_grievance()
    assert (report.acknowledge_due, report.feedback_due) == (date(2026, 3, 9), date(2026, 6, 9))
    assert report.status == Report.Status.NEW
    assert list(Report.objects.acknowledgement_overdue(date(2026, 3, 10))) == [report]
    with time_machine.travel(date(2026, 3, 10)):
        page = logged_in(handler).get("/grievances/?show=overdue")
        assert str(report) in page.content.decode()
        cases.acknowledge_report(actor=handler, report=report)
    report.refresh_from_db()
    assert report.acknowledged_on == date(2026, 3, 10) and report.feedback_due == date(2026, 6, 10)
    assert list(Report.objects.feedback_overdue(date(2026, 6, 11))) == [report]


def test_the_auto_acknowledgement_is_written_in_the_reporters_language():
    report, _receipt = make_grievance(language="zh-hans")
    assert report.status == Report.Status.ACKNOWLEDGED
    assert "感谢" in public_thread(report)[0]["text"] or "收到" in public_thread(report)[0]["text"]


def test_the_workflow_moves_forward_and_closing_tells_the_reporter_and_sets_retention(handler):
    report, receipt = make_grievance()
    client = logged_in(handler)
    assert (
        client.post(f"/grievances/{report.pk}/move/", {"status": "investigation", "sub_status": "awaiting_supplier"}).status_code
        == 302
    )
    response = client.post(
        f"/grievances/{report.pk}/close/", {"reason": "substantiated", "measure": "corrective_action", "text": ""}
    )
    assert (
        response.status_code == 400
        and "Outcome, as the reporter will read it: This field is required." in response.content.decode()
    )
    report.refresh_from_db()
    assert report.status == "investigation"
    with time_machine.travel(date(2026, 5, 4)):
        client.post(
            f"/grievances/{report.pk}/close/",
            {"reason": "substantiated", "measure": "corrective_action", "text": "Overtime is now paid; back pay by June."},
        )
    report.refresh_from_db()
    assert (report.status, report.closure_reason, report.delete_after) == ("closed", "substantiated", date(2033, 5, 4))
    assert "back pay by June" in Client().post("/grievance/follow/", {"receipt": receipt}).content.decode()


def test_handler_api_replies_need_a_token_and_a_designation(handler, compliance):
    report, receipt = make_grievance()
    body = json.dumps({"text": "Thank you, we are checking the payroll.", "visibility": "public"})
    assert (
        Client().post(f"/api/grievances/reports/{report.pk}/messages", body, content_type="application/json").status_code == 401
    )
    outsider = create_api_token(user=compliance, name="t", actor=compliance)[1]
    assert (
        Client()
        .post(
            f"/api/grievances/reports/{report.pk}/messages",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {outsider}",
        )
        .status_code
        == 404
    )
    token = create_api_token(user=handler, name="t", actor=handler)[1]
    answer = Client().post(
        f"/api/grievances/reports/{report.pk}/messages",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 201
    thread = Client().post("/api/grievances/follow", json.dumps({"receipt": receipt}), content_type="application/json").json()
    assert thread["messages"][-1]["text"] == "Thank you, we are checking the payroll."


def test_a_handler_sees_only_the_channels_they_handle(handler):
    theirs, _r = make_grievance()
    other, _r = make_grievance(channel_key="own-staff")
    listing = logged_in(handler).get("/grievances/?show=all").content.decode()
    assert str(theirs) in listing and str(other) not in listing
    assert logged_in(handler).get(f"/grievances/{other.pk}/").status_code == 404


def test_a_case_tool_acknowledges_and_closes_through_the_api(handler):
    from supplyesg.grievances.models import Channel

    Channel.objects.filter(key="supplier-workers").update(auto_acknowledge=False)
    report, receipt = make_grievance()
    token = create_api_token(user=handler, name="case tool", actor=handler)[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/grievances/reports/{report.pk}"
    assert Client().post(f"{url}/acknowledge", "{}", content_type="application/json", **auth).json()["status"] == "acknowledged"
    assert Client().post(f"{url}/acknowledge", "{}", content_type="application/json", **auth).status_code == 409
    bad = Client().post(
        f"{url}/close",
        json.dumps({"reason": "substantiated", "measure": "party", "text": "x"}),
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "measure"
    closed = Client().post(
        f"{url}/close",
        json.dumps({"reason": "withdrawn", "text": "Closed at your request."}),
        content_type="application/json",
        **auth,
    )
    assert closed.status_code == 200 and closed.json()["closure_reason"] == "withdrawn"
    thread = Client().post("/api/grievances/follow", json.dumps({"receipt": receipt}), content_type="application/json").json()
    assert thread["status"] == "closed" and thread["messages"][-1]["text"] == "Closed at your request."
