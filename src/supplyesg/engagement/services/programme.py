"""Courses, their material versions, programmes and sessions."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from supplyesg.assessments.models import RiskCategory
from supplyesg.core import audit as trail
from supplyesg.core.access import Cap, can
from supplyesg.core.errors import RuleViolation
from supplyesg.engagement.models import Course, CourseMaterial, Programme, Session

LANGUAGES = ("en", "zh-hans")


def require_organiser(actor) -> None:
    if not (actor is not None and getattr(actor, "is_internal", False) and can(actor, Cap.REVIEW)):
        raise PermissionDenied


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _text(value) -> str:
    return " ".join(str(value or "").split())


@transaction.atomic
def create_course(
    *,
    actor,
    code: str,
    title: str,
    language: str,
    hours: Decimal | None,
    pass_mark: int | None = None,
    area: str = "",
    description: str = "",
    requirements=(),
) -> Course:
    require_organiser(actor)
    code, title = _text(code), _text(title)
    problems = []
    if not code:
        problems.append(_("code: give the course code (the LMS's short name)."))
    elif len(code) > 40:
        problems.append(_("code: at most 40 characters."))
    elif Course.objects.filter(code__iexact=code).exists():
        problems.append(_("code: a course with this code exists."))
    if not title:
        problems.append(_("title: name the course."))
    elif len(title) > 200:
        problems.append(_("title: at most 200 characters."))
    if language not in LANGUAGES:
        problems.append(_("language: choose English or Simplified Chinese."))
    if hours is None or hours <= 0 or hours > 1000:
        problems.append(_("hours: give the course length in hours (above 0, at most 1000)."))
    if pass_mark is not None and not 0 <= pass_mark <= 100:
        problems.append(_("pass_mark: a percentage from 0 to 100, or empty for no test."))
    if area and area not in RiskCategory.values:
        problems.append(_("area: choose one of the listed areas."))
    if problems:
        raise RuleViolation(problems)
    course = Course.objects.create(
        code=code,
        title=title,
        language=language,
        hours=hours,
        pass_mark=pass_mark,
        area=area,
        description=(description or "").strip(),
    )
    course.requirements.set(requirements)
    trail.record(
        actor=actor,
        action="course.created",
        target=course,
        changes={"code": [None, code], "requirements": [None, [r.code for r in course.requirements.all()]]},
    )
    return course


@transaction.atomic
def add_material(course: Course, *, actor, version: str, issued_on: date | None, upload) -> CourseMaterial:
    require_organiser(actor)
    version = _text(version)
    problems = []
    if not version or len(version) > 30:
        problems.append(_("version: give the material's version (at most 30 characters)."))
    elif course.materials.filter(version=version).exists():
        problems.append(_("version: this version exists; give the new one a new number."))
    if issued_on is None:
        problems.append(_("issued_on: give the material's date."))
    if upload is None:
        problems.append(_("file: choose the material's file."))
    if problems:
        raise RuleViolation(problems)
    material = CourseMaterial(course=course, version=version, issued_on=issued_on, uploaded_by=_actor(actor))
    material.original_name = upload.name[:255]
    material.file.save(upload.name, upload, save=False)
    material.save()
    trail.record(actor=actor, action="course.material_added", target=course, changes={"version": [None, version]})
    return material


@transaction.atomic
def create_programme(*, actor, name: str, year: int | None, courses=(), description: str = "") -> Programme:
    require_organiser(actor)
    name = _text(name)
    problems = []
    if not name or len(name) > 200:
        problems.append(_("name: name the programme (at most 200 characters)."))
    if year is None or not 2000 <= year <= 2100:
        problems.append(_("year: give the programme's year."))
    if problems:
        raise RuleViolation(problems)
    programme = Programme.objects.create(name=name, year=year, description=(description or "").strip())
    programme.courses.set(courses)
    trail.record(actor=actor, action="programme.created", target=programme, changes={"name": [None, name]})
    return programme


@transaction.atomic
def schedule_session(
    *,
    actor,
    course: Course | None,
    mode: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    trainer: str = "",
    venue: str = "",
    capacity: int | None = None,
    programme: Programme | None = None,
) -> Session:
    require_organiser(actor)
    problems = []
    if course is None:
        problems.append(_("course: choose the course."))
    if mode not in Session.Mode.values:
        problems.append(_("mode: choose online, on site or webinar."))
    if starts_at is None or ends_at is None:
        problems.append(_("starts_at: give the start and the end."))
    elif ends_at <= starts_at:
        problems.append(_("ends_at: the session must end after it starts."))
    if mode == Session.Mode.ON_SITE and not _text(venue):
        problems.append(_("venue: an on-site session needs a venue."))
    if capacity is not None and capacity < 1:
        problems.append(_("capacity: at least 1, or empty for no limit."))
    if problems:
        raise RuleViolation(problems)
    session = Session.objects.create(
        course=course,
        programme=programme,
        mode=mode,
        starts_at=starts_at,
        ends_at=ends_at,
        trainer=_text(trainer)[:200],
        venue=_text(venue)[:300],
        capacity=capacity,
        created_by=_actor(actor),
    )
    trail.record(
        actor=actor,
        action="session.scheduled",
        target=session,
        changes={"course": [None, course.code], "starts_at": [None, starts_at], "mode": [None, mode]},
    )
    return session
