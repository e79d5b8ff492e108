"""Plain factories for audits and corrective actions, building rows directly (no services), so tests of one
part do not depend on another part's services."""

from datetime import date, timedelta

from supplyesg.audits.models import Audit, CorrectiveAction, Finding
from tests.factories import make_supplier


def make_audit(supplier=None, **kwargs) -> Audit:
    defaults = {
        "supplier": supplier or make_supplier(),
        "year": 2026,
        "kind": Audit.Kind.ONSITE,
        "planned_start": date(2026, 3, 2),
        "planned_end": date(2026, 3, 3),
    }
    defaults.update(kwargs)
    return Audit.objects.create(**defaults)


def make_finding(audit, severity="major", area="labour", description="Overtime above 60 hours a week", **kwargs) -> Finding:
    return Finding.objects.create(audit=audit, severity=severity, area=area, description=description, **kwargs)


def make_reported_audit(supplier=None, *, report_date=date(2026, 3, 10), result_level="medium", severities=("major",), **kwargs):
    """An audit whose report is issued, with one corrective action per non-conformity, clocks at the defaults
    (plan 14 days, 7 for priority; remediation 30/90/180 days; improvement plan 6 months medium, 3 high)."""
    months = {"medium": 183, "high": 92}
    audit = make_audit(
        supplier,
        status=Audit.Status.REPORTED,
        report_date=report_date,
        result_level=result_level,
        improvement_plan_due=report_date + timedelta(days=months[result_level]) if result_level in months else None,
        **kwargs,
    )
    remediation = {"priority": 30, "major": 90, "minor": 180}
    for severity in severities:
        finding = make_finding(audit, severity=severity)
        if severity in remediation:
            CorrectiveAction.objects.create(
                finding=finding,
                audit=audit,
                plan_due=report_date + timedelta(days=7 if severity == "priority" else 14),
                remediation_due=report_date + timedelta(days=remediation[severity]),
            )
    return audit
