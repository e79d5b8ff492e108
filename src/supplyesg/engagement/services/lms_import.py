"""Completion records from an LMS (xAPI statements or Moodle's completion report) as attendances.

Each row is matched to a course by its code and to a supplier by the learner's e-mail (a portal user of the
supplier, or a person it registered before). Every row is checked before anything is written: a file with any
failed row changes nothing and the result lists each problem by row and field. Rows seen before (same statement
id, or same course and learner for Moodle) update their attendance instead of adding a person-time twice."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from supplyesg.core import audit as trail
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import User
from supplyesg.core.sheets.text import TextFileError, decode_text
from supplyesg.engagement import figures, lms
from supplyesg.engagement.models import Attendance, Course
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


def _supplier_for(email: str, known: dict) -> int | None:
    if email in known:
        return known[email]
    user = User.objects.filter(email__iexact=email, supplier__isnull=False, is_active=True).first()
    supplier_id = (
        user.supplier_id
        if user
        else (Attendance.objects.filter(email__iexact=email).order_by("-pk").values_list("supplier_id", flat=True).first())
    )
    known[email] = supplier_id
    return supplier_id


@transaction.atomic
def import_completions(*, actor, kind: str, data: bytes) -> ImportResult:
    require_organiser(actor)
    rows = _read(kind, data)
    result = ImportResult()
    courses = {c.code.lower(): c for c in Course.objects.all()}
    known: dict = {}
    planned = []
    label = _("statement") if kind == "xapi" else _("line")
    for row in rows:
        errors = list(row.errors)
        course = courses.get(row.course_code.lower()) if row.course_code else None
        if row.course_code and course is None:
            values = {"field": _course_field(kind), "code": row.course_code}
            errors.append(_("%(field)s: no course with code “%(code)s”") % values)
        supplier_id = _supplier_for(row.email, known) if row.email else None
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
    for row, course, supplier_id in planned:
        passed = row.passed if row.passed is not None else figures.passed(row.score, course.pass_mark)
        values = {
            "course": course,
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
        existing = Attendance.objects.select_for_update().filter(external_id=row.external_id[:200]).first()
        if existing is None:
            attendance = Attendance.objects.create(external_id=row.external_id[:200], **values)
            result.created += 1
        elif all(getattr(existing, k) == v for k, v in values.items() if k not in ("course", "supplier_id")) and (
            existing.course_id == course.pk and existing.supplier_id == supplier_id
        ):
            result.skipped += 1
            continue
        else:
            for key, value in values.items():
                setattr(existing, key, value)
            existing.save()
            attendance = existing
            result.updated += 1
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
