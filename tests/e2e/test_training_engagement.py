"""Browser test: staff invite a supplier to a session, the supplier's user registers a participant in the portal,
staff record the attendance, the supplier answers the survey and files a cascade report, and the figures page
counts all of it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from supplyesg.core.models import Role
from supplyesg.engagement.models import Attendance, Course, Session
from tests.e2e.conftest import login
from tests.factories import make_contact, make_supplier, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def figure(page, label: str) -> str:
    return page.locator("#figures tr", has_text=label).locator("td").inner_text().strip()


def test_invite_register_attend_survey_and_cascade_show_in_the_figures(new_page):
    compliance = make_user(Role.COMPLIANCE, username="carla")
    supplier = make_supplier(legal_name="Huaxin Precision Cable Co., Ltd.", status="active")
    make_contact(supplier, email="esg@huaxin.example")
    supplier_user = make_user(Role.SUPPLIER, supplier=supplier, username="huaxin")
    today = timezone.localdate()
    day = today + dt.timedelta(days=3) if (today + dt.timedelta(days=3)).year == today.year else today
    course = Course.objects.create(code="RBA-101", title="RBA Code of Conduct", hours=Decimal("2"), pass_mark=80)
    starts = dt.datetime.combine(day, dt.time(22, 0), tzinfo=dt.UTC)
    session = Session.objects.create(
        course=course, mode="webinar", starts_at=starts, ends_at=starts + dt.timedelta(hours=2), trainer="RBA auditor"
    )

    # Staff invite the supplier to the session and send the invitations.
    staff = new_page()
    login(staff, compliance.username)
    staff.goto(f"/training/sessions/{session.pk}/")
    staff.click("text=Invite suppliers")
    staff.fill("#id_name", "Quarterly support meeting")
    staff.fill("#id_due_date", day.isoformat())
    staff.fill("#id_suppliers", supplier.code)
    staff.get_by_role("button", name="Save").click()
    staff.wait_for_load_state("domcontentloaded")
    staff.click("text=Send the invitations")
    staff.wait_for_load_state("domcontentloaded")
    assert "Invitations sent to 1 suppliers." in staff.content()

    # The supplier's user sees the invitation in the portal and registers a participant.
    portal = new_page()
    login(portal, supplier_user.username)
    portal.goto("/portal/training/")
    portal.click("#invitations a")
    portal.fill("#id_name_1", "Li Wei")
    portal.fill("#id_role_1", "HR manager")
    portal.click("form button[type=submit] >> text=Register")
    portal.wait_for_load_state("domcontentloaded")
    assert "1 participants registered" in portal.content()

    # Staff record that Li Wei attended, completed and passed the test.
    staff.goto(f"/training/sessions/{session.pk}/")
    staff.click(f"#attendance-{Attendance.objects.get().pk} >> text=Record")
    staff.check("#id_completed")
    staff.fill("#id_score", "90")
    staff.fill("#id_certificate_number", "RBA-2026-001")
    staff.get_by_role("button", name="Save").click()
    staff.wait_for_load_state("domcontentloaded")
    assert "RBA-2026-001" in staff.locator(f"#attendance-{Attendance.objects.get().pk}").inner_text()

    # The supplier answers the survey and files a cascade report.
    portal.goto("/portal/training/")
    portal.click("#surveys >> text=Give feedback")
    portal.check("input[name=rating][value='5']")
    portal.fill("#id_comment", "Clear cases from the auditor.")
    portal.click("form button[type=submit] >> text=Send")
    portal.wait_for_load_state("domcontentloaded")
    assert "answered, thank you" in portal.locator("#surveys").inner_text()
    portal.click("text=File a cascade report")
    portal.fill("#id_topic", "RBA code for line leaders")
    portal.fill("#id_period_start", today.replace(day=1).isoformat())
    portal.fill("#id_period_end", today.isoformat())
    portal.fill("#id_people_trained", "40")
    portal.fill("#id_subtier_people_trained", "120")
    portal.fill("#id_subtier_suppliers_reached", "6")
    portal.fill("#id_hours", "80")
    portal.click("form button[type=submit] >> text=File the report")
    portal.wait_for_load_state("domcontentloaded")
    assert "RBA code for line leaders" in portal.locator("#cascade").inner_text()

    # The figures page counts the invitation, the training, the survey and the cascade.
    staff.goto(f"/training/figures/?year={day.year}")
    assert figure(staff, "Suppliers invited") == "1"
    assert figure(staff, "Suppliers trained") == "1"
    assert figure(staff, "Person-times") == "1"
    assert figure(staff, "Pass rate") == "100.0%"
    assert figure(staff, "Satisfaction (share positive)") == "100.0%"
    if today.year == day.year:
        assert figure(staff, "Cascade: people trained by suppliers") == "160"
        assert figure(staff, "Cascade: sub-tier suppliers reached") == "6"
