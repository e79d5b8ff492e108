"""Attendance (staff record who came, hours, completion, score, certificate), the survey after a session, and the
supplier's cascade report. A completed attendance completes the supplier's required training of that course."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit as trail
from supplyesg.core.errors import RuleViolation
from supplyesg.engagement import figures
from supplyesg.engagement.models import Attendance, CascadeReport, Feedback, Session
from supplyesg.engagement.services.programme import require_organiser
from supplyesg.engagement.services.required import fulfil_by_attendance

A = Attendance.Status


def check_result(course, *, hours, score, problems: list, prefix: str = "") -> None:
    if hours is not None and not Decimal(0) <= hours <= Decimal(1000):
        problems.append(prefix + _("hours: from 0 to 1000."))
    if score is not None and not Decimal(0) <= score <= Decimal(100):
        problems.append(prefix + _("score: a percentage from 0 to 100."))


@transaction.atomic
def record_attendance(
    attendance: Attendance,
    *,
    actor,
    attended: bool,
    hours: Decimal | None = None,
    completed: bool = False,
    score: Decimal | None = None,
    certificate_number: str = "",
    certificate=None,
) -> Attendance:
    """Staff record how a registered person did: attended or absent, hours (the course's by default), completion,
    the test score (passed against the course's pass mark) and the certificate."""
    require_organiser(actor)
    attendance = Attendance.objects.select_for_update(of=("self",)).select_related("course", "supplier").get(pk=attendance.pk)
    course = attendance.course
    problems = []
    check_result(course, hours=hours, score=score, problems=problems)
    certificate_number = " ".join((certificate_number or "").split())
    if len(certificate_number) > 60:
        problems.append(_("certificate_number: at most 60 characters."))
    if not attended and (completed or score is not None or certificate_number):
        problems.append(_("attended: an absent person cannot complete, score or be certified."))
    if problems:
        raise RuleViolation(problems)
    before = trail.snapshot(attendance, ("status", "hours", "completed", "score", "passed", "certificate_number"))
    attendance.status = A.ATTENDED if attended else A.ABSENT
    attendance.hours = (hours if hours is not None else course.hours) if attended else Decimal(0)
    attendance.completed = bool(completed) if attended else False
    attendance.score = score if attended else None
    attendance.passed = figures.passed(attendance.score, course.pass_mark)
    attendance.certificate_number = certificate_number
    if certificate is not None:
        attendance.certificate_file.save(certificate.name, certificate, save=False)
    attendance.save()
    trail.record(
        actor=actor,
        action="attendance.recorded",
        target=attendance,
        supplier=attendance.supplier,
        changes=trail.diff(
            before, trail.snapshot(attendance, ("status", "hours", "completed", "score", "passed", "certificate_number"))
        ),
    )
    fulfil_by_attendance(attendance, actor=actor)
    return attendance


@transaction.atomic
def add_attendee(session: Session, *, actor, supplier, person_name: str, role: str = "", email: str = "") -> Attendance:
    """Staff add someone who was not registered through an invitation (a walk-in, a phone registration)."""
    require_organiser(actor)
    name = " ".join((person_name or "").split())
    problems = []
    if supplier is None:
        problems.append(_("supplier: choose the supplier."))
    if not name or len(name) > 200:
        problems.append(_("person_name: give the person's name (at most 200 characters)."))
    if problems:
        raise RuleViolation(problems)
    attendance = Attendance.objects.create(
        course=session.course,
        session=session,
        supplier=supplier,
        person_name=name,
        role=" ".join(role.split())[:100],
        email=(email or "").strip().lower()[:254],
        held_on=timezone.localtime(session.starts_at).date(),
        hours=session.course.hours,
        source=Attendance.Source.STAFF,
    )
    trail.record(
        actor=actor, action="attendance.added", target=attendance, supplier=supplier, changes={"person_name": [None, name]}
    )
    return attendance


@transaction.atomic
def submit_feedback(session: Session, *, actor, rating, comment: str = "") -> Feedback:
    """A supplier user answers the survey after a session its supplier attended: once per person."""
    if not (getattr(actor, "is_supplier_user", False) and actor.supplier_id):
        raise PermissionDenied
    if not Attendance.objects.filter(session=session, supplier_id=actor.supplier_id, status=A.ATTENDED).exists():
        raise RuleViolation(_("session: your company has no attendance recorded for this session yet."))
    problems = []
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        problems.append(_("rating: choose from 1 (poor) to 5 (very good)."))
    comment = (comment or "").strip()
    if len(comment) > 2000:
        problems.append(_("comment: at most 2000 characters."))
    if Feedback.objects.filter(session=session, submitted_by=actor).exists():
        problems.append(_("rating: you already answered this survey."))
    if problems:
        raise RuleViolation(problems)
    feedback = Feedback.objects.create(
        session=session, supplier_id=actor.supplier_id, rating=rating, comment=comment, submitted_by=actor
    )
    trail.record(
        actor=actor,
        action="training_feedback.submitted",
        target=feedback,
        supplier=actor.supplier,
        changes={"rating": [None, rating]},
    )
    return feedback


@transaction.atomic
def file_cascade_report(
    *,
    actor,
    period_start: date | None,
    period_end: date | None,
    topic: str,
    people_trained,
    subtier_people_trained=0,
    subtier_suppliers_reached=0,
    hours=Decimal(0),
    note: str = "",
) -> CascadeReport:
    """The supplier reports the training it passed on, in-house and to its own suppliers."""
    if not (getattr(actor, "is_supplier_user", False) and actor.supplier_id):
        raise PermissionDenied
    problems = []
    topic = " ".join((topic or "").split())
    if not topic or len(topic) > 200:
        problems.append(_("topic: say what the training was about (at most 200 characters)."))
    if period_start is None or period_end is None:
        problems.append(_("period_start: give the period's first and last day."))
    elif period_end < period_start:
        problems.append(_("period_end: the period ends before it starts."))
    elif period_end > timezone.localdate():
        problems.append(_("period_end: report a period that has ended."))
    counts = {}
    for field, value in (
        ("people_trained", people_trained),
        ("subtier_people_trained", subtier_people_trained),
        ("subtier_suppliers_reached", subtier_suppliers_reached),
    ):
        try:
            counts[field] = int(value)
            if not 0 <= counts[field] <= 1_000_000:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(_("%(field)s: a whole number from 0.") % {"field": field})
    if counts.get("subtier_people_trained") and not counts.get("subtier_suppliers_reached"):
        problems.append(_("subtier_suppliers_reached: how many of your suppliers were the people at?"))
    if sum(counts.values()) == 0 and len(counts) == 3:
        problems.append(_("people_trained: report at least one person trained."))
    if hours is None or not Decimal(0) <= Decimal(hours) <= Decimal(10_000_000):
        problems.append(_("hours: from 0."))
    if problems:
        raise RuleViolation(problems)
    report = CascadeReport.objects.create(
        supplier_id=actor.supplier_id,
        period_start=period_start,
        period_end=period_end,
        topic=topic,
        hours=hours,
        note=(note or "").strip()[:2000],
        submitted_by=actor,
        **counts,
    )
    trail.record(
        actor=actor,
        action="cascade_report.filed",
        target=report,
        supplier=actor.supplier,
        changes={k: [None, v] for k, v in counts.items()},
    )
    return report
