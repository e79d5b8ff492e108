"""Training required of a supplier: after an unqualified audit result (ESG manual: "provide corresponding training
for those who are unqualified"), for a corrective action, or offered with a grade C (AIKO). It is completed by the
supplier's confirmation or, when it names a course, by a completed attendance of that course; the completion is
evidence for closing the corrective action it belongs to."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from supplyesg.assessments.models import RiskCategory
from supplyesg.core import audit as trail
from supplyesg.core.access import Cap, can
from supplyesg.core.errors import RuleViolation
from supplyesg.core.mail import Letter, send, supplier_recipients
from supplyesg.engagement.models import Attendance, Course, RequiredTraining

T = RequiredTraining.Status


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _require_planner(actor) -> None:
    if not (actor is not None and getattr(actor, "is_internal", False) and can(actor, Cap.AUDIT)):
        raise PermissionDenied


def _locked(training: RequiredTraining) -> RequiredTraining:
    return RequiredTraining.objects.select_for_update(of=("self",)).select_related("supplier", "audit").get(pk=training.pk)


def trainings_due(queryset, on: date, days: int):
    """Assigned trainings due within `days` or already late."""
    return queryset.filter(status=T.ASSIGNED, due_date__lte=on + timedelta(days=days))


def filter_trainings(queryset, *, status: str = "", supplier: str = ""):
    if status:
        queryset = queryset.filter(status=status)
    if supplier:
        term = str(supplier).strip()
        queryset = queryset.filter(Q(supplier__code__iexact=term) | Q(supplier__legal_name__icontains=term))
    return queryset


@transaction.atomic
def assign_training(
    supplier,
    *,
    actor,
    topic: str = "",
    area: str = "",
    due_date: date | None,
    audit=None,
    corrective_action=None,
    course: Course | None = None,
) -> RequiredTraining:
    _require_planner(actor)
    return record_training(
        supplier,
        actor=actor,
        topic=topic,
        area=area,
        due_date=due_date,
        audit=audit,
        corrective_action=corrective_action,
        course=course,
    )


def record_training(
    supplier,
    *,
    actor,
    topic: str = "",
    area: str = "",
    due_date: date | None,
    audit=None,
    corrective_action=None,
    course: Course | None = None,
) -> RequiredTraining:
    """Assign a training without the planner check: for a caller that checked its own right (procurement
    confirming a grade C offers training as the support AIKO promises). Runs inside the caller's transaction.
    A course, when given, names the topic and area unless they are given too."""
    topic = " ".join((topic or course and course.title or "").split())
    area = area or (course.area if course is not None else "")
    if corrective_action is not None and audit is None:
        audit = corrective_action.audit
    problems = []
    if not topic:
        problems.append(_("topic: name the training."))
    elif len(topic) > RequiredTraining._meta.get_field("topic").max_length:
        problems.append(_("topic: at most 200 characters."))
    if area and area not in RiskCategory.values:
        problems.append(_("area: choose one of the listed areas."))
    if due_date is None:
        problems.append(_("due_date: give a due date."))
    elif due_date < timezone.localdate():
        problems.append(_("due_date: the due date is in the past."))
    if audit is not None and audit.supplier_id != supplier.pk:
        problems.append(_("audit: the audit is of another supplier."))
    if corrective_action is not None and corrective_action.audit_id != audit.pk:
        problems.append(_("corrective_action: the action is of another audit."))
    if course is not None and not course.is_active:
        problems.append(_("course: this course is no longer offered."))
    if problems:
        raise RuleViolation(problems)
    training = RequiredTraining.objects.create(
        supplier=supplier,
        audit=audit,
        corrective_action=corrective_action,
        course=course,
        topic=topic,
        area=area or "",
        due_date=due_date,
        assigned_by=_actor(actor),
    )
    trail.record(
        actor=actor,
        action="training.assigned",
        target=training,
        supplier=supplier,
        changes={
            "topic": [None, topic],
            "area": [None, area or ""],
            "due_date": [None, due_date],
            "audit": [None, audit],
            **({"course": [None, course.code]} if course is not None else {}),
            **({"corrective_action": [None, corrective_action.pk]} if corrective_action is not None else {}),
        },
    )
    values = {"supplier": supplier.legal_name, "topic": topic, "due": date_format(due_date, "SHORT_DATE_FORMAT")}
    send(
        Letter(
            supplier_recipients(supplier),
            lambda: (
                _("Training assigned: %(topic)s") % values,
                _(
                    "%(supplier)s: please attend the training “%(topic)s” by %(due)s and confirm it in the "
                    "supplier portal under Audits and corrective actions."
                )
                % values,
            ),
            path=reverse("audits_portal:trainings"),
            supplier=supplier,
        )
    )
    return training


@transaction.atomic
def complete_training(training: RequiredTraining, *, actor, attendee: str) -> RequiredTraining:
    """Marked attended by the supplier's own user or by an internal user with Cap.AUDIT."""
    training = _locked(training)
    if actor is not None and getattr(actor, "is_supplier_user", False):
        if actor.supplier_id != training.supplier_id:
            raise PermissionDenied
    else:
        _require_planner(actor)
    if training.status != T.ASSIGNED:
        raise RuleViolation(
            _("This training is “%(status)s”; only an assigned one can be marked attended.")
            % {"status": training.get_status_display()}
        )
    attendee = " ".join((attendee or "").split())
    if not attendee:
        raise RuleViolation(_("attendee: name who attended."))
    if len(attendee) > RequiredTraining._meta.get_field("attendee").max_length:
        raise RuleViolation(_("attendee: at most 200 characters."))
    _mark_completed(training, actor=actor, attendee=attendee)
    return training


def _mark_completed(training: RequiredTraining, *, actor, attendee: str, attendance: Attendance | None = None) -> None:
    training.status = T.COMPLETED
    training.attendee = attendee
    training.attendance = attendance
    training.completed_at = timezone.now()
    training.save(update_fields=["status", "attendee", "attendance", "completed_at"])
    changes = {"status": [T.ASSIGNED, T.COMPLETED], "attendee": ["", attendee]}
    if attendance is not None:
        changes["attendance"] = [None, attendance.pk]
    trail.record(actor=actor, action="training.completed", target=training, supplier=training.supplier, changes=changes)


def fulfil_by_attendance(attendance: Attendance, *, actor) -> list[RequiredTraining]:
    """A completed (and, where the course has a test, passed) attendance completes the supplier's open required
    trainings of that course. Runs inside the caller's transaction."""
    if not (attendance.status == Attendance.Status.ATTENDED and attendance.completed and attendance.passed is not False):
        return []
    done = []
    for training in (
        RequiredTraining.objects.select_for_update(of=("self",))
        .select_related("supplier")
        .filter(supplier_id=attendance.supplier_id, course_id=attendance.course_id, status=T.ASSIGNED)
    ):
        _mark_completed(training, actor=actor, attendee=attendance.person_name, attendance=attendance)
        done.append(training)
    return done


@transaction.atomic
def cancel_training(training: RequiredTraining, *, actor, reason: str = "") -> RequiredTraining:
    training = _locked(training)
    _require_planner(actor)
    if training.status != T.ASSIGNED:
        raise RuleViolation(
            _("This training is “%(status)s”; only an assigned one can be cancelled.") % {"status": training.get_status_display()}
        )
    training.status = T.CANCELLED
    training.save(update_fields=["status"])
    trail.record(
        actor=actor,
        action="training.cancelled",
        target=training,
        supplier=training.supplier,
        changes={"status": [T.ASSIGNED, T.CANCELLED]},
        reason=(reason or "").strip(),
    )
    return training


def training_evidence(corrective_action) -> tuple[list[str], int]:
    """For closing a corrective action: the topics of its required trainings still open, and how many are
    completed (completion is evidence)."""
    rows = RequiredTraining.objects.filter(corrective_action=corrective_action).exclude(status=T.CANCELLED)
    open_topics = [r.topic for r in rows if r.status == T.ASSIGNED]
    return open_topics, sum(1 for r in rows if r.status == T.COMPLETED)


def training_status(supplier, on: date) -> dict:
    """Required training of a supplier as the supplier page and the rating show it."""
    rows = RequiredTraining.objects.filter(supplier=supplier)
    return {
        "required": rows.exclude(status=T.CANCELLED).count(),
        "completed": rows.filter(status=T.COMPLETED).count(),
        "open": rows.open().count(),
        "overdue": rows.overdue(on).count(),
    }
