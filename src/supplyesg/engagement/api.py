"""The training JSON API: courses, sessions with attendance, the yearly figures (internal roles), and the import
of LMS completion records (Cap.REVIEW). The same access helpers and services as the pages."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from supplyesg.core.access import Cap, require_internal
from supplyesg.core.api_auth import needs
from supplyesg.core.api_schemas import error_responses as _errors
from supplyesg.engagement import access, queries
from supplyesg.engagement.models import Course, Session
from supplyesg.engagement.services import lms_import

router = Router(tags=["training"])


class CourseOut(Schema):
    id: int
    code: str
    title: str
    language: str
    hours: Decimal
    pass_mark: int | None
    area: str
    requirements: list[str]


class AttendanceOut(Schema):
    id: int
    supplier_id: int
    supplier_code: str
    person_name: str
    role: str
    status: str
    held_on: date
    hours: Decimal
    completed: bool
    score: Decimal | None
    passed: bool | None
    certificate_number: str


class SessionOut(Schema):
    id: int
    course_code: str
    mode: str
    trainer: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None


class SessionDetailOut(SessionOut):
    attendance: list[AttendanceOut]


class FiguresOut(Schema):
    year: int
    suppliers_invited: int
    suppliers_trained: int
    person_times: int
    hours: Decimal
    completion_rate: Decimal | None
    pass_rate: Decimal | None
    satisfaction: Decimal | None
    answers: int
    cascade_people: int
    cascade_subtier_suppliers: int
    cascade_reporting_suppliers: int
    cascade_hours: Decimal


class YearQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


class CompletionsIn(Schema):
    format: Literal["xapi", "moodle"]
    content: str = Field(..., min_length=1, max_length=lms_import.MAX_BYTES)


class TrainingImportOut(Schema):
    created: int
    updated: int
    skipped: int
    failed: int
    errors: list[str]


def _course(c: Course) -> dict:
    return {
        "id": c.pk,
        "code": c.code,
        "title": c.title,
        "language": c.language,
        "hours": c.hours,
        "pass_mark": c.pass_mark,
        "area": c.area,
        "requirements": [r.code for r in c.requirements.all()],
    }


def _session(s: Session) -> dict:
    return {
        "id": s.pk,
        "course_code": s.course.code,
        "mode": s.mode,
        "trainer": s.trainer,
        "venue": s.venue,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "capacity": s.capacity,
    }


@router.get(
    "/training/courses",
    response={200: list[CourseOut], **_errors(401, 404)},
    summary="Courses",
    url_name="training_courses",
    auth=needs(Cap.VIEW),
)
def list_courses(request):
    require_internal(request.user)
    return [_course(c) for c in Course.objects.prefetch_related("requirements")[:500]]


@router.get(
    "/training/courses/{course_id}",
    response={200: CourseOut, **_errors(401, 404)},
    summary="One course",
    url_name="training_course",
    auth=needs(Cap.VIEW),
)
def get_course(request, course_id: int):
    return _course(access.get_course_for_user(request.user, course_id))


@router.get(
    "/training/sessions",
    response={200: list[SessionOut], **_errors(401, 404)},
    summary="Sessions, newest first",
    url_name="training_sessions",
    auth=needs(Cap.VIEW),
)
def list_sessions(request):
    require_internal(request.user)
    return [_session(s) for s in Session.objects.select_related("course")[:500]]


@router.get(
    "/training/sessions/{session_id}",
    response={200: SessionDetailOut, **_errors(401, 404)},
    summary="One session with its attendance",
    url_name="training_session",
    auth=needs(Cap.VIEW),
)
def get_session(request, session_id: int):
    session = access.get_session_for_user(request.user, session_id)
    rows = session.attendances.select_related("supplier").order_by("supplier__legal_name", "person_name")
    return {
        **_session(session),
        "attendance": [
            {
                "id": a.pk,
                "supplier_id": a.supplier_id,
                "supplier_code": a.supplier.code,
                "person_name": a.person_name,
                "role": a.role,
                "status": a.status,
                "held_on": a.held_on,
                "hours": a.hours,
                "completed": a.completed,
                "score": a.score,
                "passed": a.passed,
                "certificate_number": a.certificate_number,
            }
            for a in rows
        ],
    }


@router.get(
    "/training/figures",
    response={200: FiguresOut, **_errors(401, 404, 422)},
    summary="A year's training figures (default: this year)",
    url_name="training_figures",
    auth=needs(Cap.VIEW),
)
def get_figures(request, filters: Query[YearQuery]):
    require_internal(request.user)
    return queries.year_figures(filters.year or timezone.localdate().year).__dict__


@router.post(
    "/training/completions",
    response={200: TrainingImportOut, **_errors(400, 401, 403, 404, 409, 422)},
    summary="Import LMS completion records (xAPI statements as JSON text, or a Moodle completion CSV)",
    url_name="training_import",
    auth=needs(Cap.REVIEW),
)
def import_completions(request, payload: CompletionsIn):
    require_internal(request.user, Cap.REVIEW)
    try:
        result = lms_import.import_completions(actor=request.user, kind=payload.format, data=payload.content.encode("utf-8"))
    except ValidationError as exc:
        items = [{"field": "content", "message": m} for m in exc.messages]
        return Status(400, {"detail": items[0]["message"], "errors": items})
    if result.rejected:
        errors = [{"field": "content", "message": e} for e in result.errors]
        return Status(400, {"detail": "Nothing was imported: correct the rows listed.", "errors": errors})
    return {"created": result.created, "updated": result.updated, "skipped": result.skipped, "failed": 0, "errors": []}
