"""Reads for the figures page, the export, the supplier page and the rating page."""

from django.db.models import Count, Q
from django.utils import timezone

from supplyesg.core.models import PolicySettings
from supplyesg.engagement import figures
from supplyesg.engagement.models import Attendance, CascadeReport, Feedback, Invitation, RequiredTraining

ASKED = (Invitation.Status.INVITED, Invitation.Status.REGISTERED, Invitation.Status.DECLINED)


def year_figures(year: int) -> figures.YearFigures:
    """The year's figures (see engagement/figures.py for each definition)."""
    invited = Invitation.objects.filter(campaign__session__starts_at__year=year, status__in=ASKED).values_list(
        "supplier_id", flat=True
    )
    attendances = [
        figures.AttendanceRow(s, status == Attendance.Status.ATTENDED, completed, passed, hours)
        for s, status, completed, passed, hours in Attendance.objects.in_year(year).values_list(
            "supplier_id", "status", "completed", "passed", "hours"
        )
    ]
    ratings = list(Feedback.objects.filter(session__starts_at__year=year).values_list("rating", flat=True))
    cascades = [
        figures.CascadeRow(*row)
        for row in CascadeReport.objects.filter(period_end__year=year).values_list(
            "supplier_id", "people_trained", "subtier_people_trained", "subtier_suppliers_reached", "hours"
        )
    ]
    return figures.year_figures(
        year,
        invited_supplier_ids=list(invited),
        attendances=attendances,
        ratings=ratings,
        positive_from=PolicySettings.current().training_positive_from,
        cascades=cascades,
    )


def years_with_data() -> list[int]:
    years = {d.year for d in Attendance.objects.dates("held_on", "year")}
    years |= {d.year for d in CascadeReport.objects.dates("period_end", "year")}
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def supplier_training(supplier) -> dict:
    """What the supplier page's training tab and the rating page show."""
    today = timezone.localdate()
    required = RequiredTraining.objects.filter(supplier=supplier).select_related("course", "audit", "corrective_action")
    counts = required.aggregate(
        required=Count("pk", filter=~Q(status=RequiredTraining.Status.CANCELLED)),
        completed=Count("pk", filter=Q(status=RequiredTraining.Status.COMPLETED)),
        open=Count("pk", filter=Q(status=RequiredTraining.Status.ASSIGNED)),
        overdue=Count("pk", filter=Q(status=RequiredTraining.Status.ASSIGNED, due_date__lt=today)),
    )
    attended = Attendance.objects.filter(supplier=supplier).attended()
    return {
        **counts,
        "required_rows": list(required.order_by("status", "due_date")[:50]),
        "person_times": attended.count(),
        "completed_people": attended.filter(completed=True).count(),
        "attendances": list(attended.select_related("course").order_by("-held_on")[:20]),
        "cascades": list(CascadeReport.objects.filter(supplier=supplier)[:10]),
    }
