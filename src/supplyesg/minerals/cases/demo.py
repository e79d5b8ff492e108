"""Three demo minerals risk cases for `supplyesg load_demo_programme` (see `audits.demo`), written through the real
services: a security-forces case whose six-month plan review is due, a bribery case whose plan was found
ineffective and revised, and a child-labour case that ended in disengagement. Services act "today"; where a
case needs a step months old, the stored dates are moved back after the service call."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.audits.rules import add_months
from supplyesg.core.models import AuditEvent, PolicySettings
from supplyesg.minerals.cases import rules as case_rules
from supplyesg.minerals.cases import services as cases
from supplyesg.minerals.cases.models import RiskCase
from supplyesg.suppliers.demo import DemoRefused
from supplyesg.suppliers.models import Supplier


def _supplier(used: set[int], site_kind: str, tier: int) -> Supplier:
    candidates = (
        Supplier.objects.filter(status=Supplier.Status.ACTIVE, tier=tier, sites__kind=site_kind)
        .exclude(pk__in=used)
        .distinct()
        .order_by("code")
    )
    supplier = (
        candidates.first()
        or Supplier.objects.filter(status=Supplier.Status.ACTIVE).exclude(pk__in=used).order_by("code").first()
    )
    if supplier is None:
        raise DemoRefused(_("The registry has no active supplier left for the demo minerals risk cases."))
    used.add(supplier.pk)
    return supplier


def _backdate_plan(case, months: int, days_over: int) -> None:
    """adopt_plan starts the plan today; the demo plan started `months` and `days_over` days ago so that its review
    has come. Only the stored dates (case, steps, audit rows) move; the service did the step."""
    started = add_months(timezone.localdate(), -months) - timedelta(days=days_over)
    moment = timezone.now() - (timezone.localdate() - started)
    RiskCase.objects.filter(pk=case.pk).update(
        plan_started_on=started, review_due=case_rules.review_due(started, months), opened_at=moment - timedelta(days=12)
    )
    case.steps.filter(kind="opened").update(at=moment - timedelta(days=12))
    case.steps.filter(kind="plan_adopted").update(at=moment)
    events = AuditEvent.objects.filter(target_type="minerals.riskcase", target_id=str(case.pk))
    events.filter(action="minerals_case.opened").update(at=moment - timedelta(days=12))
    events.filter(action="minerals_case.plan_adopted").update(at=moment)


def load_demo_cases(*, officer, used: set[int]) -> dict[str, int]:
    """Open the three demo cases for suppliers not in `used` (which it extends); the number of cases per status."""
    months = PolicySettings.current().minerals_plan_review_months
    security = cases.open_case(
        _supplier(used, "mine", 3),
        actor=officer,
        risk_type="security_forces",
        source="Site visit report",
        description="Soldiers of a public security unit collect a 'protection fee' on the mine's access road; the mine has "
        "no agreement with the security provider and no human-rights training for guards.",
    )
    cases.adopt_plan(
        security,
        actor=officer,
        plan=(
            "Written code of conduct with the security provider under the Voluntary Principles; no cash payments; monthly "
            "incident log shared with us; an independent monitor visits after three months."
        ),
    )
    _backdate_plan(security, months, days_over=5)  # the six-month review is due: the plan awaits its review

    bribery = cases.open_case(
        _supplier(used, "smelter", 3),
        actor=officer,
        risk_type="bribery_fraud",
        source="CMRT review",
        description="The CMRT declares recycled tin, but customs data of two shipments show concentrate from a "
        "conflict-affected area; the origin documents appear altered.",
    )
    cases.adopt_plan(
        bribery,
        actor=officer,
        plan="Mass-balance reconciliation per shipment; third-party assay of 10% of "
        "the lots; export documents checked with the customs broker.",
    )
    _backdate_plan(bribery, months, days_over=20)
    cases.review_plan(
        bribery,
        actor=officer,
        effective=False,
        note="Two more shipments in the review period came without origin documents; the mass balance does not close.",
    )
    cases.revise_plan(
        bribery,
        actor=officer,
        plan="Stop buying concentrate from the two traders; chain-of-custody system audited under RMAP; "
        "monthly reconciliation sent to us.",
        targets="RMAP conformant; every shipment with verified origin documents for three months in a row; "
        "mass balance within 2%.",
    )

    abuse = cases.open_case(
        _supplier(used, "mine", 3),
        actor=officer,
        risk_type="serious_abuses",
        source="NGO report and site visit",
        description="Children under 15 work at the washing ponds of the artisanal site that supplies this company.",
    )
    cases.disengage(
        abuse,
        actor=officer,
        mode="terminate",
        note="Worst forms of child labour at the source (OECD Annex II): the policy prescribes disengagement.",
    )
    rows = RiskCase.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    return {str(RiskCase.Status(status).label).lower(): n for status, n in rows}
