"""Training in the supplier portal: invitations to answer (register participants or decline), sessions to give
feedback on, cascade reports, and announcements (opening one marks it read). A supplier user sees only its own
supplier's; anything else answers 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supplyesg.core.campaigns.progress import portal_todos
from supplyesg.core.campaigns.registry import campaign_kind
from supplyesg.core.forms_errors import attach_errors
from supplyesg.core.portal import PortalSection
from supplyesg.engagement import access
from supplyesg.engagement.forms import CascadeForm, FeedbackForm, ParticipantsForm
from supplyesg.engagement.models import Announcement, Attendance, CascadeReport, Feedback, Invitation, Session
from supplyesg.engagement.services import attendance as attendance_services
from supplyesg.engagement.services import invitations, news
from supplyesg.suppliers.access import get_own_supplier
from supplyesg.suppliers.views.portal import STATUS_BADGE


def _context(request, supplier):
    return {"supplier": supplier, "section": "engagement", "status_badge": STATUS_BADGE.get(supplier.status, "")}


@require_http_methods(["GET"])
def home(request):
    supplier = get_own_supplier(request.user)
    own = invitations.invitations_visible_to(request.user).select_related("campaign__session__course")
    attended = Session.objects.filter(
        pk__in=Attendance.objects.filter(supplier=supplier, status=Attendance.Status.ATTENDED).values("session_id")
    ).select_related("course")
    answered = set(Feedback.objects.filter(submitted_by=request.user).values_list("session_id", flat=True))
    return render(
        request,
        "engagement/portal_home.html",
        {
            **_context(request, supplier),
            "invitations": own.order_by("-campaign__session__starts_at")[:50],
            "people": Attendance.objects.filter(supplier=supplier).select_related("course", "session")[:100],
            "surveys": [(s, s.pk in answered) for s in attended.order_by("-starts_at")[:30]],
            "cascades": CascadeReport.objects.filter(supplier=supplier)[:20],
            "unread": list(news.unread_for(request.user)[:20]),
            "announcements": Announcement.objects.all()[:20],
        },
    )


@require_http_methods(["GET", "POST"])
def invitation(request, invitation_pk):
    record = access.get_invitation_for_user(request.user, invitation_pk, write=request.method == "POST")
    supplier = get_own_supplier(request.user)
    form = ParticipantsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = invitations.register_participants(record, actor=request.user, people=form.people())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("%(n)s participants registered. Thank you.") % {"n": len(created)})
            return redirect("engagement_portal:invitation", record.pk)
    status = 400 if request.method == "POST" else 200
    people = Attendance.objects.filter(invitation=record).order_by("person_name")
    return render(
        request,
        "engagement/portal_invitation.html",
        {
            **_context(request, supplier),
            "invitation": record,
            "session": record.campaign.session,
            "form": form,
            "people": people,
            "can_answer": record.status in (Invitation.Status.INVITED, Invitation.Status.REGISTERED) and record.campaign.is_open,
        },
        status=status,
    )


@require_http_methods(["POST"])
def decline(request, invitation_pk):
    record = access.get_invitation_for_user(request.user, invitation_pk, write=True)
    try:
        invitations.decline_invitation(record, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Invitation declined."))
    return redirect("engagement_portal:home")


@require_http_methods(["GET", "POST"])
def survey(request, session_pk):
    session = access.get_attended_session_for_user(request.user, session_pk)
    supplier = get_own_supplier(request.user)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            attendance_services.submit_feedback(session, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("engagement_portal:home")
    status = 400 if request.method == "POST" else 200
    done = Feedback.objects.filter(session=session, submitted_by=request.user).first()
    return render(
        request,
        "engagement/portal_survey.html",
        {**_context(request, supplier), "session": session, "form": form, "done": done},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def cascade(request):
    supplier = get_own_supplier(request.user)
    form = CascadeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            attendance_services.file_cascade_report(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Cascade report filed. Thank you."))
            return redirect("engagement_portal:home")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "engagement/portal_cascade.html",
        {**_context(request, supplier), "form": form, "reports": CascadeReport.objects.filter(supplier=supplier)[:20]},
        status=status,
    )


@require_http_methods(["GET"])
def announcement(request, announcement_pk):
    supplier = get_own_supplier(request.user)
    record = access.get_announcement_for_user(request.user, announcement_pk)
    news.mark_read(record, user=request.user)
    return render(request, "engagement/announcement.html", {**_context(request, supplier), "announcement": record})


def portal_section(request, supplier):
    """The portal's Training tab; open invitations and unread announcements are things to do."""
    todo = portal_todos(campaign_kind(invitations.KIND), request.user)
    unread = news.unread_for(request.user).count()
    if unread:
        todo.append(_("%(n)s unread announcements from your customer.") % {"n": unread})
    return PortalSection(key="engagement", title=_("Training"), url=reverse("engagement_portal:home"), todo=todo)
