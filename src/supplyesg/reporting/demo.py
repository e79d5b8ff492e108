"""Demo reporting data (after the other demo loaders): the current year's reporting period, own-workforce figures
as AIKO discloses them, a year of accounts-payable records imported through the product's own importer, a
snapshot of every line item, and a management review of it with two owned actions. Deterministic; loaded once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit as trail
from supplyesg.core.models import AuditEvent, User
from supplyesg.reporting.models import AnnualFigures, PaymentRecord, ReportingPeriod, Snapshot
from supplyesg.reporting.services import reviews, snapshots
from supplyesg.reporting.services.catalogue import current_catalogue, load_catalogue
from supplyesg.reporting.services.inputs.payments import import_payments
from supplyesg.reporting.services.inputs.workforce import save_annual_figures
from supplyesg.suppliers.demo import DemoRefused, demo_is_loaded
from supplyesg.suppliers.models import Supplier

MARKER = "demo.reporting_loaded"
ENTITY = "SupplyESG Demo Electronics Co., Ltd."
# AIKO's sustainability report: 128,790 training hours, 13.92 per capita (so about 9,252 employees), satisfaction 90.
AIKO_FIGURES = {
    "headcount": 9252,
    "training_hours": Decimal("128790.46"),
    "training_person_times": 41230,
    "satisfaction_score": Decimal("90"),
    "grievances_received": 37,
    "grievances_resolved": 35,
    "source": "Demo: AIKO's disclosed own-workforce figures",
}


@dataclass
class ReportingOutcome:
    loaded: bool
    counts: dict = field(default_factory=dict)


def payments_csv(suppliers: list[Supplier], year: int) -> bytes:
    """Three invoices per supplier and quarter-ish: most paid within terms, some late, one still open."""
    lines = ["supplier_code,invoice_number,invoice_date,due_date,paid_date,amount,currency,is_sme,non_registry"]
    for s_index, supplier in enumerate(suppliers):
        for n in range(3):
            issued = date(year, 1 + (s_index + 4 * n) % 10, 5 + n)
            due = issued + timedelta(days=60 if s_index % 3 else 30)
            late_by = 12 if (s_index + n) % 5 == 0 else -3
            paid = "" if (s_index, n) == (0, 2) else (due + timedelta(days=late_by)).isoformat()
            amount = Decimal(12000 + 1750 * s_index + 430 * n).quantize(Decimal("0.01"))
            sme = "yes" if s_index % 4 == 1 else "no"
            lines.append(f"{supplier.code},INV-{year}-{s_index:03d}-{n},{issued},{due},{paid},{amount},CNY,{sme},no")
    return ("\n".join(lines) + "\n").encode("utf-8")


def load_demo_reporting() -> ReportingOutcome:
    if not demo_is_loaded():
        raise DemoRefused(_("Load the demo registry first (supplyesg load_demo)."))
    if AuditEvent.objects.filter(action=MARKER).exists():
        return ReportingOutcome(loaded=False)
    compliance = User.objects.get(username="compliance")
    year = timezone.localdate().year
    suppliers = list(Supplier.objects.approved().order_by("code")[:12])
    with transaction.atomic():
        if current_catalogue() is None:
            load_catalogue(actor=compliance)
        for figures_year, scale in ((year - 1, Decimal("0.94")), (year, Decimal("1"))):
            values = dict(AIKO_FIGURES)
            values["training_hours"] = (values["training_hours"] * scale).quantize(Decimal("0.01"))
            save_annual_figures(actor=compliance, year=figures_year, **values)
        upload = SimpleUploadedFile("accounts-payable.csv", payments_csv(suppliers, year), content_type="text/csv")
        result = import_payments(upload, actor=compliance)
        if result.errors:
            raise DemoRefused("; ".join(str(e) for e in result.errors[:5]))
        period = ReportingPeriod.objects.filter(year=year).first() or snapshots.create_period(
            actor=compliance, year=year, entity=ENTITY
        )
        snapshot = snapshots.take_snapshot(actor=compliance, period=period, note=_("Demo: year-to-date figures"))
        review = reviews.record_review(
            actor=compliance,
            period=period,
            held_on=timezone.localdate(),
            chair="Wang Wei, CEO",
            participants="CEO, COO, procurement director, ESG manager",
            summary=_("Supplier screening, corrective-action closure and payment practices reviewed."),
            decisions=_("Pay small and medium suppliers within 30 days; audit every high-risk supplier next year."),
            snapshot=snapshot,
        )
        procurement = User.objects.filter(username="procurement").first() or compliance
        reviews.add_review_action(
            actor=compliance,
            review=review,
            text=_("Shorten SME payment terms to 30 days"),
            owner=procurement,
            due_on=timezone.localdate() + timedelta(days=90),
        )
        reviews.add_review_action(
            actor=compliance,
            review=review,
            text=_("Plan audits of all high-risk suppliers"),
            owner=compliance,
            due_on=timezone.localdate() + timedelta(days=60),
        )
        trail.record(actor=None, action=MARKER, target=period, reason=_("Demo reporting loaded"))
    return ReportingOutcome(
        loaded=True,
        counts={
            "reporting": {
                "workforce_years": AnnualFigures.objects.count(),
                "invoices": PaymentRecord.objects.count(),
                "snapshot_figures": snapshot.figures.count(),
                "snapshots": Snapshot.objects.count(),
            }
        },
    )


__all__ = ["load_demo_reporting", "payments_csv"]
