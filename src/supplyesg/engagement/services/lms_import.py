"""Completion records from an LMS (xAPI statements or Moodle's completion report) as attendances.

Each row is matched to a course by its code and to a supplier by the learner's e-mail (a portal user of the
supplier, or a person it registered before). Every row is checked before anything is written: a file with any
failed row changes nothing and the result lists each problem by row and field. Rows seen before (same statement
id, or same course and learner for Moodle) update their attendance instead of adding a person-time twice."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from supplyesg.core import audit as trail
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import User
from supplyesg.core.sheets.text import TextFileError, decode_text
from supplyesg.engagement import figures, lms
from supplyesg.engagement.models import Attendance, Course, RequiredTraining
from supplyesg.engagement.services.programme import require_organiser
from supplyesg.engagement.services.required import fulfil_by_attendance

FORMATS = ("xapi", "moodle")
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return self.failed > 0


def _read(kind: str, data: bytes) -> list[lms.CompletionRow]:
    if kind not in FORMATS:
        raise RuleViolation(_("format: choose xAPI statements or a Moodle completion report."))
    if not data:
        raise RuleViolation(_("file: the file is empty."))
    if len(data) > MAX_BYTES:
        raise RuleViolation(_("file: at most 5 MB."))
    try:
        if kind == "xapi":
            return lms.read_xapi(data)
        return lms.read_moodle(decode_text(data))
    except (ValueError, TextFileError) as exc:
        raise RuleViolation(_("file: %(problem)s") % {"problem": exc}) from None


CHUNK = 500


def _chunks(values: list):
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _suppliers_by_email(emails: set[str]) -> dict[str, int]:
    """Each learner's supplier: an active portal user with the e-mail, else the latest participant registered with
    it. A few queries for the whole file, not one per row."""
    found: dict[str, int] = {}
    wanted = sorted(emails)
    for chunk in _chunks(wanted):
        for email, supplier_id in (
            Attendance.objects.annotate(e=Lower("email")).filter(e__in=chunk).order_by("pk").values_list("e", "supplier_id")
        ):
            found[email] = supplier_id  # the latest registration wins
        for email, supplier_id in (
            User.objects.annotate(e=Lower("email"))
            .filter(e__in=chunk, supplier__isnull=False, is_active=True)
            .values_list("e", "supplier_id")
        ):
            found[email] = supplier_id  # a portal user wins over a registration
    return found


@transaction.atomic
def import_completions(*, actor, kind: str, data: bytes) -> ImportResult:
    require_organiser(actor)
    rows = _read(kind, data)
    result = ImportResult()
    courses = {c.code.lower(): c for c in Course.objects.all()}
    suppliers = _suppliers_by_email({r.email for r in rows if r.email})
    planned = []
    label = _("statement") if kind == "xapi" else _("line")
    for row in rows:
        errors = list(row.errors)
        course = courses.get(row.course_code.lower()) if row.course_code else None
        if row.course_code and course is None:
            values = {"field": _course_field(kind), "code": row.course_code}
            errors.append(_("%(field)s: no course with code “%(code)s”") % values)
        supplier_id = suppliers.get(row.email) if row.email else None
        if row.email and supplier_id is None:
            errors.append(
                _("%(field)s: no supplier user or registered participant has the e-mail %(email)s")
                % {"field": "actor.mbox" if kind == "xapi" else "Email address", "email": row.email}
            )
        if errors:
            result.failed += 1
            result.errors.extend(f"{label} {row.line}: {e}" for e in errors)
            continue
        planned.append((row, course, supplier_id))
    if result.failed:
        return result  # a rejected file changes nothing
    source = Attendance.Source.XAPI if kind == "xapi" else Attendance.Source.MOODLE
    keys = [row.external_id[:200] for row, _c, _s in planned]
    existing = {}
    for chunk in _chunks(keys):
        existing.update({a.external_id: a for a in Attendance.objects.select_for_update().filter(external_id__in=chunk)})
    created, touched = [], []
    for row, course, supplier_id in planned:
        key = row.external_id[:200]
        passed = row.passed if row.passed is not None else figures.passed(row.score, course.pass_mark)
        values = {
            "course_id": course.pk,
            "supplier_id": supplier_id,
            "person_name": row.name[:200],
            "email": row.email[:254],
            "status": Attendance.Status.ATTENDED,
            "held_on": row.held_on,
            "completed": row.completed,
            "score": row.score,
            "passed": passed,
            "hours": row.hours if row.hours is not None else course.hours,
            "source": source,
        }
        attendance = existing.get(key)
        if attendance is None:
            attendance = Attendance(external_id=key, **values)
            existing[key] = attendance  # the same statement twice in one file counts once
            created.append(attendance)
            result.created += 1
        elif all(getattr(attendance, k) == v for k, v in values.items()):
            result.skipped += 1
            continue
        else:
            for name, value in values.items():
                setattr(attendance, name, value)
            attendance.save()
            result.updated += 1
        touched.append(attendance)
    Attendance.objects.bulk_create(created, batch_size=CHUNK)
    # Only attendances of a supplier with open required training of that course can complete one.
    pairs = set(
        RequiredTraining.objects.open()
        .filter(course_id__in={a.course_id for a in touched}, supplier_id__in={a.supplier_id for a in touched})
        .values_list("supplier_id", "course_id")
    )
    for attendance in touched:
        if (attendance.supplier_id, attendance.course_id) in pairs:
            if attendance.pk is None:
                attendance = Attendance.objects.get(external_id=attendance.external_id)
            fulfil_by_attendance(attendance, actor=actor)
    trail.record(
        actor=actor,
        action="attendance.imported",
        target=actor,
        changes={"format": [None, kind], "created": [None, result.created], "updated": [None, result.updated]},
    )
    return result


def _course_field(kind: str) -> str:
    return "object.id" if kind == "xapi" else "Course"


MOODLE_TEMPLATE = ",".join(lms.MOODLE_COLUMNS) + "\r\nISO-RBA-01,Wei,Li,li.wei@alpha.example,2026-03-31,86,2\r\n"
