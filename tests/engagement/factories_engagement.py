"""make_<model> factories for engagement tests."""

import datetime as dt
import itertools
from decimal import Decimal

from supplyesg.engagement.models import Attendance, CascadeReport, Course, Feedback, Invitation, Session, TrainingCampaign

_seq = itertools.count(1)


def make_course(**kwargs) -> Course:
    n = next(_seq)
    kwargs.setdefault("code", f"C-{n:03d}")
    kwargs.setdefault("title", f"Course {n}")
    kwargs.setdefault("hours", Decimal("2"))
    return Course.objects.create(**kwargs)


def make_session(course=None, *, on=dt.date(2026, 3, 10), hours=2, **kwargs) -> Session:
    starts = dt.datetime.combine(on, dt.time(9, 0), tzinfo=dt.UTC)
    return Session.objects.create(
        course=course or make_course(), starts_at=starts, ends_at=starts + dt.timedelta(hours=hours), **kwargs
    )


def make_campaign(session, *, status="open", due_date=None, **kwargs) -> TrainingCampaign:
    due = due_date or session.starts_at.date()
    return TrainingCampaign.objects.create(session=session, name=f"Invite {session.pk}", due_date=due, status=status, **kwargs)


def make_invitation(campaign, supplier, status="invited") -> Invitation:
    return Invitation.objects.create(campaign=campaign, supplier=supplier, status=status)


def make_attendance(session, supplier, **kwargs) -> Attendance:
    kwargs.setdefault("person_name", f"Person {next(_seq)}")
    kwargs.setdefault("status", Attendance.Status.ATTENDED)
    kwargs.setdefault("hours", session.course.hours)
    kwargs.setdefault("held_on", session.starts_at.date())
    return Attendance.objects.create(course=session.course, session=session, supplier=supplier, **kwargs)


def make_feedback(session, supplier, rating, user=None) -> Feedback:
    return Feedback.objects.create(session=session, supplier=supplier, rating=rating, submitted_by=user)


def make_cascade(supplier, *, end, people=0, subtier_people=0, subtier_suppliers=0, hours="0") -> CascadeReport:
    return CascadeReport.objects.create(
        supplier=supplier,
        period_start=end.replace(day=1),
        period_end=end,
        topic="RBA code",
        people_trained=people,
        subtier_people_trained=subtier_people,
        subtier_suppliers_reached=subtier_suppliers,
        hours=Decimal(hours),
    )
