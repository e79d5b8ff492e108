"""Training pages for internal users: programmes and courses, sessions with attendance entry, invitation
campaigns, the yearly figures and their export, LMS imports and announcements. Any internal role reads;
Cap.REVIEW changes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.forms_errors import attach_errors
from supplyesg.core.models import PolicySettings
from supplyesg.engagement import access, exporting, queries
from supplyesg.engagement.forms import (
    AnnouncementForm,
    AttendanceForm,
    AttendeeForm,
    CourseForm,
    ImportForm,
    InvitationForm,
    MaterialForm,
    ProgrammeForm,
    SessionForm,
    YearForm,
)
from supplyesg.engagement.models import Announcement, Attendance, Course, Feedback, Programme, Session
from supplyesg.engagement.services import attendance as attendance_services
from supplyesg.engagement.services import invitations, lms_import, news, programme
from supplyesg.suppliers.access import get_supplier_for_user


def _flash(request, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def _form_page(request, form, template, context, call, done):
    """The shape of every create page: valid form -> service -> redirect, else the form with the errors."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = call(form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return done(obj)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, **context}, status=status)


@require_http_methods(["GET"])
def home(request):
    require_internal(request.user)
    return render(
        request,
        "engagement/home.html",
        {
            "programmes": Programme.objects.prefetch_related("courses")[:20],
            "courses": Course.objects.annotate(n_sessions=Count("sessions")).order_by("code"),
            "sessions": Session.objects.select_related("course").annotate(
                n_registered=Count("attendances", filter=~Q(attendances__status=Attendance.Status.ABSENT))
            )[:30],
            "can_organise": can(request.user, Cap.REVIEW),
        },
    )


@require_http_methods(["GET", "POST"])
def create_course(request):
    require_internal(request.user, Cap.REVIEW)
    form = CourseForm(request.POST or None)
    return _form_page(
        request,
        form,
        "engagement/form.html",
        {"title": _("New course")},
        lambda d: programme.create_course(actor=request.user, **d),
        lambda course: redirect("engagement:course", course.pk),
    )


@require_http_methods(["GET"])
def course_detail(request, course_pk):
    course = access.get_course_for_user(request.user, course_pk)
    return render(
        request,
        "engagement/course.html",
        {
            "course": course,
            "sessions": course.sessions.order_by("-starts_at")[:50],
            "material_form": MaterialForm(),
            "can_organise": can(request.user, Cap.REVIEW),
        },
    )


@require_http_methods(["POST"])
def add_material(request, course_pk):
    course = access.get_course_for_user(request.user, course_pk, write=True)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            programme.add_material(
                course,
                actor=request.user,
                upload=form.cleaned_data["file"],
                version=form.cleaned_data["version"],
                issued_on=form.cleaned_data["issued_on"],
            )
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Material version added."))
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
    return redirect("engagement:course", course.pk)


@require_http_methods(["GET"])
def material_file(request, course_pk, material_pk):
    course = access.get_course_for_user(request.user, course_pk)
    material = course.materials.filter(pk=material_pk).first()
    if material is None or not material.file:
        raise Http404
    try:
        handle = material.file.storage.open(material.file.name, "rb")
    except OSError:
        raise Http404
    response = FileResponse(handle, as_attachment=True, filename=material.original_name or "material")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def create_programme(request):
    require_internal(request.user, Cap.REVIEW)
    form = ProgrammeForm(request.POST or None, initial={"year": timezone.localdate().year})
    return _form_page(
        request,
        form,
        "engagement/form.html",
        {"title": _("New programme")},
        lambda d: programme.create_programme(actor=request.user, **d),
        lambda _p: redirect("engagement:home"),
    )


@require_http_methods(["GET", "POST"])
def create_session(request):
    require_internal(request.user, Cap.REVIEW)
    form = SessionForm(request.POST or None, initial={"course": request.GET.get("course")})
    return _form_page(
        request,
        form,
        "engagement/form.html",
        {"title": _("New session")},
        lambda d: programme.schedule_session(actor=request.user, **d),
        lambda session: redirect("engagement:session", session.pk),
    )


@require_http_methods(["GET"])
def session_detail(request, session_pk):
    session = access.get_session_for_user(request.user, session_pk)
    rows = list(session.attendances.select_related("supplier").order_by("supplier__legal_name", "person_name"))
    feedback = list(Feedback.objects.filter(session=session).select_related("supplier"))
    positive_from = PolicySettings.current().training_positive_from
    campaigns = list(session.campaigns.all())
    for campaign in campaigns:
        campaign.progress = invitations.campaign_progress(campaign)
    return render(
        request,
        "engagement/session.html",
        {
            "session": session,
            "rows": rows,
            "campaigns": campaigns,
            "feedback": feedback,
            "positive": sum(1 for f in feedback if f.rating >= positive_from),
            "positive_from": positive_from,
            "attendee_form": AttendeeForm(),
            "can_organise": can(request.user, Cap.REVIEW),
        },
    )


@require_http_methods(["POST"])
def add_attendee(request, session_pk):
    session = access.get_session_for_user(request.user, session_pk, write=True)
    form = AttendeeForm(request.POST)
    if form.is_valid():
        try:
            attendance_services.add_attendee(session, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Participant added."))
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
    return redirect("engagement:session", session.pk)


@require_http_methods(["GET", "POST"])
def record_attendance(request, attendance_pk):
    record = access.get_attendance_for_user(request.user, attendance_pk, write=True)
    initial = {"attended": "yes", "hours": record.hours or record.course.hours, "completed": True}
    form = AttendanceForm(request.POST or None, request.FILES or None, initial=initial)
    back = ("engagement:session", record.session_id) if record.session_id else ("engagement:home",)
    return _form_page(
        request,
        form,
        "engagement/form.html",
        {
            "title": _("Attendance of %(name)s") % {"name": record.person_name},
            "multipart": True,
            "subtitle": f"{record.supplier.legal_name} · {record.course.title}",
        },
        lambda d: attendance_services.record_attendance(record, actor=request.user, **d),
        lambda _a: redirect(*back),
    )


@require_http_methods(["GET", "POST"])
def create_campaign(request, session_pk):
    session = access.get_session_for_user(request.user, session_pk, write=True)
    form = InvitationForm(
        request.POST or None,
        initial={"name": session.course.title, "due_date": timezone.localtime(session.starts_at).date()},
    )
    return _form_page(
        request,
        form,
        "engagement/form.html",
        {"title": _("Invite suppliers"), "subtitle": str(session)},
        lambda d: invitations.create_campaign(actor=request.user, session=session, **d),
        lambda campaign: redirect("engagement:campaign", campaign.pk),
    )


@require_http_methods(["GET"])
def campaign_detail(request, training_campaign_pk):
    campaign = access.get_campaign_for_user(request.user, training_campaign_pk)
    return render(
        request,
        "engagement/campaign.html",
        {
            "campaign": campaign,
            "progress": invitations.campaign_progress(campaign),
            "rows": campaign.invitations.select_related("supplier").annotate(n_people=Count("attendances")),
            "can_organise": can(request.user, Cap.REVIEW),
        },
    )


def _campaign_write(request, training_campaign_pk, call, done):
    campaign = access.get_campaign_for_user(request.user, training_campaign_pk, write=True)
    try:
        result = call(campaign)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, done(result))
    return redirect("engagement:campaign", campaign.pk)


@require_http_methods(["POST"])
def open_campaign(request, training_campaign_pk):
    return _campaign_write(
        request,
        training_campaign_pk,
        lambda c: invitations.open_campaign(c, actor=request.user),
        lambda n: _("Invitations sent to %(n)s suppliers.") % {"n": n},
    )


@require_http_methods(["POST"])
def close_campaign(request, training_campaign_pk):
    return _campaign_write(
        request,
        training_campaign_pk,
        lambda c: invitations.close_campaign(c, actor=request.user),
        lambda _c: _("Registration closed."),
    )


@require_http_methods(["GET"])
def figures(request):
    require_internal(request.user)
    form = YearForm(request.GET or None)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or timezone.localdate().year
    data = queries.year_figures(year)
    return render(
        request,
        "engagement/figures.html",
        {
            "form": form,
            "year": year,
            "years": queries.years_with_data(),
            "lines": exporting.figure_lines(data),
            "positive_from": PolicySettings.current().training_positive_from,
        },
    )


@require_http_methods(["GET"])
def export_figures(request):
    require_internal(request.user)
    form = YearForm(request.GET or None)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or timezone.localdate().year
    response = HttpResponse(exporting.figures_workbook(queries.year_figures(year)), content_type=exporting.XLSX)
    response["Content-Disposition"] = f'attachment; filename="training-figures-{year}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
def import_completions(request):
    require_internal(request.user, Cap.REVIEW)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = lms_import.import_completions(
                actor=request.user, kind=form.cleaned_data["kind"], data=form.cleaned_data["file"].read()
            )
        except ValidationError as exc:
            attach_errors(form, exc)
    status = 400 if request.method == "POST" and (result is None or result.rejected) else 200
    return render(request, "engagement/import.html", {"form": form, "result": result}, status=status)


@require_http_methods(["GET"])
def import_template(request):
    require_internal(request.user)
    response = HttpResponse(lms_import.MOODLE_TEMPLATE.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="moodle-completions-template.csv"'
    return response


@require_http_methods(["GET", "POST"])
def announcements(request):
    require_internal(request.user, Cap.REVIEW if request.method == "POST" else Cap.VIEW)
    form = AnnouncementForm(request.POST or None)
    context = {
        "rows": Announcement.objects.annotate(n_read=Count("reads"), n_suppliers=Count("reads__supplier", distinct=True)),
        "can_organise": can(request.user, Cap.REVIEW),
    }
    return _form_page(
        request,
        form,
        "engagement/announcements.html",
        context,
        lambda d: news.publish_announcement(actor=request.user, **d),
        lambda _a: redirect("engagement:announcements"),
    )


@require_http_methods(["GET"])
def announcement_detail(request, announcement_pk):
    require_internal(request.user)
    announcement = access.get_announcement_for_user(request.user, announcement_pk)
    reads = announcement.reads.select_related("supplier", "user").order_by("-read_at")
    return render(request, "engagement/announcement.html", {"announcement": announcement, "reads": reads, "staff": True})


@require_http_methods(["GET"])
def supplier_panel(request, supplier_pk):
    """The supplier page's Training tab: required training (open, overdue, completed), attendance, cascade."""
    require_internal(request.user)
    supplier = get_supplier_for_user(request.user, supplier_pk)
    return render(request, "engagement/_supplier_panel.html", {"supplier": supplier, **queries.supplier_training(supplier)})
