"""LMS completion imports (a rejected file changes nothing; a second import updates rather than doubles) and
announcements with read tracking in the portal."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from supplyesg.core.errors import RuleViolation
from supplyesg.engagement.lms import MOODLE_COLUMNS
from supplyesg.engagement.models import Attendance, RequiredTraining
from supplyesg.engagement.services import lms_import, news, required
from tests.engagement.factories_engagement import make_course
from tests.factories import make_contact

pytestmark = pytest.mark.django_db
ADL = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def statement(sid, email, verb="passed", course="ISO-RBA-01", scaled=0.9):
    return {
        "id": sid,
        "actor": {"mbox": f"mailto:{email}", "name": "Alice A"},
        "verb": {"id": ADL + verb},
        "object": {"id": f"https://lms.example.com/course/{course}"},
        "timestamp": "2026-03-31T08:00:00Z",
        "result": {"score": {"scaled": scaled}, "duration": "PT1H30M"},
    }


@pytest.fixture
def course():
    return make_course(code="ISO-RBA-01", title="ISO and the RBA Code", pass_mark=80)


def test_xapi_statements_become_attendances_of_the_learners_supplier_and_complete_required_training(
    course, supplier_a, supplier_a_user, compliance
):
    need = required.assign_training(supplier_a, actor=compliance, course=course, due_date=dt.date(2026, 4, 30))
    data = json.dumps([statement("s1", supplier_a_user.email), statement("s2", supplier_a_user.email, "experienced")])
    result = lms_import.import_completions(actor=compliance, kind="xapi", data=data.encode())
    assert (result.created, result.updated, result.skipped, result.failed) == (1, 0, 0, 0)
    row = Attendance.objects.get()
    assert (row.supplier, row.score, row.passed, row.hours, row.held_on, row.source) == (
        supplier_a,
        Decimal("90.00"),
        True,
        Decimal("1.50"),
        dt.date(2026, 3, 31),
        "xapi",
    )
    need.refresh_from_db()
    assert need.status == RequiredTraining.Status.COMPLETED
    again = lms_import.import_completions(actor=compliance, kind="xapi", data=data.encode())
    assert (again.created, again.skipped) == (0, 1)
    changed = json.dumps([statement("s1", supplier_a_user.email, "failed", scaled=0.5)])
    updated = lms_import.import_completions(actor=compliance, kind="xapi", data=changed.encode())
    assert updated.updated == 1 and Attendance.objects.get().passed is False


def test_a_file_with_one_bad_row_is_rejected_whole_and_each_problem_names_its_row_and_field(course, supplier_a_user, compliance):
    data = json.dumps([statement("ok", supplier_a_user.email), statement("x", "nobody@example.com", course="NOPE")]).encode()
    result = lms_import.import_completions(actor=compliance, kind="xapi", data=data)
    assert result.rejected and result.failed == 1
    assert result.errors == [
        "statement 2: object.id: no course with code “NOPE”",
        "statement 2: actor.mbox: no supplier user or registered participant has the e-mail nobody@example.com",
    ]
    assert not Attendance.objects.exists()


def test_a_moodle_report_matches_participants_registered_before(course, supplier_b, compliance):
    Attendance.objects.create(
        course=course, supplier=supplier_b, person_name="Hui Chen", email="chen@beta.example", held_on=dt.date(2026, 3, 1)
    )
    text = ",".join(MOODLE_COLUMNS) + "\nISO-RBA-01,Hui,Chen,chen@beta.example,2026-03-31,75,3\n"
    result = lms_import.import_completions(actor=compliance, kind="moodle", data=text.encode())
    assert result.created == 1
    row = Attendance.objects.get(source="moodle")
    assert (row.supplier, row.passed, row.completed, row.hours) == (supplier_b, False, True, Decimal("3"))


def test_an_unreadable_file_is_refused_and_a_viewer_cannot_import(course, compliance, viewer):
    with pytest.raises(RuleViolation, match="file: not JSON"):
        lms_import.import_completions(actor=compliance, kind="xapi", data=b"<xml/>")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        lms_import.import_completions(actor=viewer, kind="xapi", data=b"[]")


def test_the_import_page_shows_the_rejected_rows_and_offers_a_template(course, compliance, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(compliance)
    upload = SimpleUploadedFile("c.json", json.dumps([statement("x", "nobody@example.com")]).encode())
    response = c.post("/training/import/", {"kind": "xapi", "file": upload})
    assert response.status_code == 400 and "statement 1: actor.mbox" in response.content.decode()
    template = c.get("/training/import/template/")
    assert template.content.decode("utf-8-sig").startswith("Course,First name,Last name,Email address")


def test_an_announcement_is_mailed_to_approved_suppliers_and_marked_read_when_opened_in_the_portal(
    supplier_a, supplier_a_user, supplier_b, compliance, client_for, django_capture_on_commit_callbacks
):
    supplier_a.status = "active"
    supplier_a.save(update_fields=["status"])
    make_contact(supplier_a, email="esg@alpha.example")
    make_contact(supplier_b, email="esg@beta.example")  # prospect: not on the list
    with django_capture_on_commit_callbacks(execute=True):
        notice = news.publish_announcement(actor=compliance, title="eNews: forum records", body="Human rights forum notes.")
    assert [sorted(m.to) for m in mail.outbox] == [sorted(["esg@alpha.example", supplier_a_user.email])]
    portal = client_for(supplier_a_user)
    assert "eNews: forum records" in portal.get("/portal/training/").content.decode()
    assert "1 unread announcements" in portal.get("/portal/").content.decode()
    assert "Human rights forum notes." in portal.get(f"/portal/training/announcements/{notice.pk}/").content.decode()
    assert 'id="unread"' not in portal.get("/portal/training/").content.decode()
    staff = client_for(compliance).get("/training/announcements/").content.decode()
    assert "1 people at 1 suppliers" in staff
