"""What assessments adds to the supplier page and list (core/supplier_page.py): the ESG risk panel, and the current
risk level the list shows, filters and sorts on."""

from django.db.models import Case, F, IntegerField, OuterRef, Subquery, When

from supplyesg.assessments.models import RiskAssessment
from supplyesg.assessments.risk.services import current_assessment
from supplyesg.core import supplier_page


def risk_panel(request, supplier) -> dict:
    return {"risk": current_assessment(supplier)}


def with_risk_level(qs):
    """Annotate `risk_level` (the current assessment's level, an override winning) and `risk_order` (for sorting)."""
    current = RiskAssessment.objects.filter(supplier=OuterRef("pk"), is_current=True).order_by("-year", "-computed_at")
    level = Case(When(override_level="", then=F("computed_level")), default=F("override_level"))
    qs = qs.annotate(risk_level=Subquery(current.annotate(level=level).values("level")[:1]))
    return qs.annotate(risk_order=Case(When(risk_level="high", then=3), When(risk_level="medium", then=2),
                                       When(risk_level="low", then=1), default=0, output_field=IntegerField()))


def register() -> None:
    supplier_page.register_panel(
        supplier_page.SupplierPanel("risk", order=10, template="assessments/_risk_panel.html", context=risk_panel)
    )
    supplier_page.register_annotation("risk_level", with_risk_level)
