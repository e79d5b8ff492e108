"""Staff training pages: creating a course, a session and invitations from the forms, recording attendance, and the
training status on the supplier page and the rating page. Read-only viewers look and change nothing."""

import datetime as dt
from datetime import date

import pytest
import time_machine

from supplyesg.assessments.models import Requirement, RequirementCatalogue
from supplyesg.engagement.models import Course, RequiredTraining, Session, TrainingCampaign
from supplyesg.engagement.services import required
from tests.engagement.factories_engagement import make_attendance, make_course, make_session
from tests.ratings.factories_ratings import make_rating

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_compliance_creates_a_course_mapped_to_requirements_and_a_viewer_is_refused(client_for, compliance, viewer):
    catalogue = RequirementCatalogue.objects.create(code="coc", version="2026", title="Code", is_current=True)
    requirement = Requirement.objects.create(
        catalogue=catalogue,
        code="RBA-A1",
        framework="RBA",
        title="Freely chosen employment",
        title_zh="自由择业",
        pillar="S",
        risk_category="labour",
    )
    form = {
        "code": "RBA-101",
        "title": "RBA Code",
        "language": "zh-hans",
        "hours": "2",
        "pass_mark": "80",
        "area": "labour",
        "requirements": [requirement.pk],
    }
    assert client_for(viewer).post("/training/courses/new/", form).status_code == 403
    response = client_for(compliance).post("/training/courses/new/", form)
    course = Course.objects.get()
    assert response.status_code == 302 and list(course.requirements.all()) == [requirement]
    duplicate = client_for(compliance).post("/training/courses/new/", {**form, "code": "rba-101"})
    assert duplicate.status_code == 400 and "a course with this code exists" in duplicate.content.decode()


def test_a_session_and_its_invitations_are_created_from_the_forms(client_for, compliance, supplier_a):
    course = make_course()
    c = client_for(compliance)
    bad = c.post(
        "/training/sessions/new/",
        {"course": course.pk, "mode": "on_site", "starts_at": "2026-03-20T09:00", "ends_at": "2026-03-20T08:00"},
    )
    assert bad.status_code == 400 and "the session must end after it starts" in bad.content.decode()
    ok = c.post(
        "/training/sessions/new/",
        {
            "course": course.pk,
            "mode": "webinar",
            "starts_at": "2026-03-20T09:00",
            "ends_at": "2026-03-20T11:00",
            "trainer": "RBA auditor",
        },
    )
    session = Session.objects.get()
    assert ok.status_code == 302 and session.trainer == "RBA auditor"
    invite = c.post(
        f"/training/sessions/{session.pk}/invite/",
        {"name": "Q1 support meeting", "due_date": "2026-03-18", "suppliers": supplier_a.code},
    )
    assert invite.status_code == 400  # supplier A is a prospect: not an approved supplier's code, and it says so
    assert f"Not the code of an approved supplier: {supplier_a.code}" in invite.content.decode()
    supplier_a.status = "active"
    supplier_a.save(update_fields=["status"])
    invite = c.post(
        f"/training/sessions/{session.pk}/invite/",
        {"name": "Q1 support meeting", "due_date": "2026-03-18", "suppliers": f" {supplier_a.code.lower()},\n"},
    )
    campaign = TrainingCampaign.objects.get()
    assert invite.status_code == 302 and campaign.invitations.get().supplier == supplier_a
    c.post(f"/training/invitations/{campaign.pk}/open/")
    assert "Invited" in c.get(f"/training/invitations/{campaign.pk}/").content.decode()


def test_staff_record_attendance_on_its_page_and_the_session_shows_the_result(client_for, compliance, viewer, supplier_a):
    session = make_session(make_course(pass_mark=80), on=date(2026, 3, 1))
    person = make_attendance(session, supplier_a, status="registered", person_name="Li Wei")
    url = f"/training/attendance/{person.pk}/"
    assert client_for(viewer).get(url).status_code == 403
    response = client_for(compliance).post(
        url, {"attended": "yes", "hours": "2", "completed": "on", "score": "88", "certificate_number": "CERT-001"}
    )
    assert response.status_code == 302
    page = client_for(viewer).get(f"/training/sessions/{session.pk}/").content.decode()
    assert "CERT-001" in page and "passed" in page


def test_the_supplier_page_tab_and_the_rating_page_show_required_completed_and_overdue_training(
    client_for, viewer, compliance, supplier_a
):
    required.assign_training(supplier_a, actor=compliance, topic="Fire safety", due_date=date(2026, 3, 5))
    done = required.assign_training(supplier_a, actor=compliance, topic="Ethics", due_date=date(2026, 4, 5))
    required.complete_training(done, actor=compliance, attendee="Li Wei")
    make_rating(supplier_a)
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        panel = client_for(viewer).get(f"/training/suppliers/{supplier_a.pk}/panel/").content.decode()
        rating = client_for(viewer).get(f"/ratings/suppliers/{supplier_a.pk}/").content.decode()
    assert "Fire safety" in panel and "Ethics" in panel
    assert "Required 2, completed 1, open 1, overdue 1." in rating
    assert RequiredTraining.objects.count() == 2


def test_a_certificate_or_material_of_a_type_not_accepted_is_refused_on_the_form(client_for, compliance, supplier_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    session = make_session(make_course(), on=date(2026, 3, 1))
    person = make_attendance(session, supplier_a, status="registered")
    script = SimpleUploadedFile("certificate.exe", b"MZ")
    response = client_for(compliance).post(f"/training/attendance/{person.pk}/", {"attended": "yes", "certificate": script})
    assert response.status_code == 400 and "files of type .exe are not accepted" in response.content.decode()
    person.refresh_from_db()
    assert person.status == "registered" and not person.certificate_file
