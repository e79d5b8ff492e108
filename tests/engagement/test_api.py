"""The training API: courses and sessions with attendance for internal roles, the year's figures, and the LMS
import (Cap.REVIEW) with the same result and refusals as the page."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine

from supplyesg.core.services import create_api_token
from supplyesg.engagement.models import Attendance
from tests.engagement.factories_engagement import make_attendance, make_course, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def bearer(user) -> dict:
    raw = create_api_token(user=user, name="api test", actor=user)[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_viewer_reads_a_session_with_its_attendance_and_the_years_figures(client, viewer, supplier_a):
    session = make_session(make_course(code="RBA-101", pass_mark=80), on=dt.date(2026, 3, 10))
    make_attendance(session, supplier_a, person_name="Li Wei", completed=True, score=Decimal("90"), passed=True)
    body = client.get(f"/api/training/sessions/{session.pk}", **bearer(viewer)).json()
    assert body["course_code"] == "RBA-101"
    assert [(a["person_name"], a["passed"], a["supplier_code"]) for a in body["attendance"]] == [
        ("Li Wei", True, supplier_a.code)
    ]
    figures = client.get("/api/training/figures?year=2026", **bearer(viewer)).json()
    assert (figures["person_times"], figures["suppliers_trained"], figures["pass_rate"]) == (1, 1, "100.0")


def test_the_import_creates_attendances_and_a_bad_file_is_refused_whole_naming_the_rows(
    client, compliance, viewer, supplier_a_user
):
    make_course(code="ISO-RBA-01", pass_mark=80)
    statement = {
        "id": "s1",
        "actor": {"mbox": f"mailto:{supplier_a_user.email}", "name": "Alice"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://lms.example.com/course/ISO-RBA-01"},
        "timestamp": "2026-03-31T08:00:00Z",
        "result": {"score": {"scaled": 0.85}},
    }
    body = {"format": "xapi", "content": json.dumps([statement])}
    refused = client.post("/api/training/completions", body, content_type="application/json", **bearer(viewer))
    assert refused.status_code == 403
    ok = client.post("/api/training/completions", body, content_type="application/json", **bearer(compliance))
    assert ok.status_code == 200 and ok.json()["created"] == 1
    assert Attendance.objects.get().passed is True
    bad = {"format": "xapi", "content": json.dumps([{**statement, "id": "s2", "object": {"id": "x/NOPE"}}])}
    response = client.post("/api/training/completions", bad, content_type="application/json", **bearer(compliance))
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "statement 1: object.id: no course with code “NOPE”"
    assert Attendance.objects.count() == 1
