"""What audits adds to the supplier page and list (core/supplier_page.py): the Audits tab, and conditional
acceptance (the page's header badge and the list's filter)."""

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Subquery, When
from django.utils.translation import gettext_lazy as _

from supplyesg.audits.models import Audit, CorrectiveAction
from supplyesg.core import supplier_page


def with_conditional_acceptance(qs):
    """Annotate `conditionally_accepted` (ESG manual, medium risk: "conditionally accepted") and
    `conditional_plan_due`: the supplier's latest reported audit is medium risk and an improvement plan of it is not
    accepted yet. The flag ends when every plan is accepted or a later audit gives another result."""
    latest = Audit.objects.filter(
        supplier=OuterRef("pk"), status__in=[Audit.Status.REPORTED, Audit.Status.CLOSED], report_date__isnull=False
    ).order_by("-report_date", "-pk")
    qs = qs.annotate(
        latest_audit_id=Subquery(latest.values("pk")[:1]),
        latest_audit_level=Subquery(latest.values("result_level")[:1]),
        conditional_plan_due=Subquery(latest.values("improvement_plan_due")[:1]),
    )
    pending = CorrectiveAction.objects.filter(audit_id=OuterRef("latest_audit_id")).exclude(
        status__in=CorrectiveAction.PLAN_ACCEPTED_STATUSES
    )
    return qs.annotate(
        conditionally_accepted=Case(
            When(Q(latest_audit_level="medium") & Exists(pending), then=True), default=False, output_field=BooleanField()
        )
    )


def register() -> None:
    supplier_page.register_tab(supplier_page.SupplierTab("audits", _("Audits"), "audits:supplier_panel", order=10))
    supplier_page.register_annotation("conditional_acceptance", with_conditional_acceptance)
