"""ESRS S2 Workers in the value chain (2023), S2-1 to S2-5, from the product's agreements, training, grievance
channels, corrective actions and required trainings."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from supplyesg.audits.models import CorrectiveAction
from supplyesg.engagement.models import Attendance, Invitation, RequiredTraining
from supplyesg.grievances.stats import median
from supplyesg.reporting.computations.base import Result, Row, Scope, computation, percent
from supplyesg.reporting.computations.common import SUPPLIER_COLUMNS, supplier_row, suppliers_in_scope
from supplyesg.reporting.computations.gri.remediation import (
    CAP_COLUMNS,
    REPORT_COLUMNS,
    cap_row,
    corrective_actions,
    grievances,
    report_row,
    unlinked_flag,
)
from supplyesg.reporting.computations.gri.screening import local_day
from supplyesg.suppliers.models import AgreementType, SignedAgreement, Supplier


@computation("esrs_s2_code_of_conduct_coverage")
def code_of_conduct_coverage(scope: Scope) -> Result:
    """S2-1: approved suppliers with a signed, unrevoked agreement of the item's types (`params["agreement_codes"]`:
    the code of conduct, the social-responsibility agreement), signed by the period's end, as a percent of approved
    suppliers (the approved list as it stands)."""
    codes = list(scope.params.get("agreement_codes") or ())
    flags = []
    missing = sorted(set(codes) - set(AgreementType.objects.filter(code__in=codes).values_list("code", flat=True)))
    if missing:
        flags.append(
            _("No agreement type with the code %(codes)s exists; nobody can have signed it.") % {"codes": ", ".join(missing)}
        )
    approved_qs = suppliers_in_scope(scope).filter(status__in=Supplier.APPROVED_STATUSES)
    approved = list(approved_qs.only("pk", "code", "legal_name", "tier", "country").order_by("code"))
    signed: dict[int, list[str]] = defaultdict(list)
    agreements = SignedAgreement.objects.in_force().filter(
        supplier_id__in=approved_qs.values("pk"), agreement_type__code__in=codes, signed_at__date__lte=scope.end
    )
    for supplier_id, code, signed_at in agreements.values_list("supplier_id", "agreement_type__code", "signed_at").order_by("pk"):
        signed[supplier_id].append(f"{code} {local_day(signed_at).isoformat()}")
    rows = [supplier_row(s, bool(signed.get(s.pk)), "; ".join(signed.get(s.pk, ()))) for s in approved]
    count = sum(1 for s in approved if signed.get(s.pk))
    note = _("%(count)s of %(total)s approved suppliers.") % {"count": count, "total": len(approved)}
    return Result(
        value=percent(count, len(approved)),
        columns=(*SUPPLIER_COLUMNS, "Signed", "Agreements"),
        rows=rows,
        flags=flags,
        note=note,
    )


def _in_period(field: str, scope: Scope) -> Q:
    return Q(**{f"{field}__gte": scope.start, f"{field}__lte": scope.end})


@computation("esrs_s2_suppliers_invited_to_training")
def suppliers_invited_to_training(scope: Scope) -> Result:
    """S2-2: suppliers invited to a training session within the period."""
    invitations = Invitation.objects.filter(
        supplier__in=suppliers_in_scope(scope), invited_at__date__gte=scope.start, invited_at__date__lte=scope.end
    ).exclude(status=Invitation.Status.DRAFT)
    counts: dict[int, int] = defaultdict(int)
    for supplier_id in invitations.values_list("supplier_id", flat=True):
        counts[supplier_id] += 1
    suppliers = suppliers_in_scope(scope).filter(pk__in=list(counts)).order_by("code")
    rows = [supplier_row(s, counts[s.pk]) for s in suppliers]
    return Result(value=len(rows), columns=(*SUPPLIER_COLUMNS, "Invitations"), rows=rows)


def _attended(scope: Scope):
    return (
        Attendance.objects.attended()
        .filter(supplier__in=suppliers_in_scope(scope))
        .filter(_in_period("held_on", scope))
        .select_related("supplier", "course")
        .order_by("held_on", "pk")
    )


@computation("esrs_s2_suppliers_trained")
def suppliers_trained(scope: Scope) -> Result:
    """S2-2: suppliers with at least one person who attended a training within the period."""
    people: dict[int, int] = defaultdict(int)
    suppliers = {}
    for a in _attended(scope):
        people[a.supplier_id] += 1
        suppliers[a.supplier_id] = a.supplier
    rows = sorted((supplier_row(s, people[pk]) for pk, s in suppliers.items()), key=lambda row: row.cells[0])
    return Result(value=len(rows), columns=(*SUPPLIER_COLUMNS, "Person-times"), rows=rows)


@computation("esrs_s2_training_person_times")
def training_person_times(scope: Scope) -> Result:
    """S2-2: person-times of supplier staff who attended a training within the period (one per person per course)."""
    rows = [
        Row("engagement.attendance", a.pk, (a.supplier.code, a.course.code, a.held_on, a.hours, a.completed))
        for a in _attended(scope)
    ]
    return Result(value=len(rows), columns=("Supplier code", "Course", "Date", "Hours", "Completed"), rows=rows)


def _received(scope: Scope):
    return grievances(scope).filter(_in_period("received_on", scope))


@computation("esrs_s2_channel_reports_received")
def channel_reports_received(scope: Scope) -> Result:
    """S2-3: reports received within the period through the channels of the item's audiences."""
    rows = [report_row(r) for r in _received(scope)]
    return Result(value=len(rows), columns=REPORT_COLUMNS, rows=rows, flags=unlinked_flag(scope))


@computation("esrs_s2_days_to_acknowledge")
def days_to_acknowledge(scope: Scope) -> Result:
    """S2-3: median days from receipt to acknowledgement of the reports received within the period."""
    reports = list(_received(scope))
    acknowledged = [r for r in reports if r.acknowledged_on]
    days = [(r.acknowledged_on - r.received_on).days for r in acknowledged]
    rows = [
        Row(
            "grievances.report",
            r.pk,
            (str(r), r.channel.key, r.received_on, r.acknowledged_on, (r.acknowledged_on - r.received_on).days),
        )
        for r in acknowledged
    ]
    flags = []
    waiting = len(reports) - len(acknowledged)
    if waiting:
        flags.append(
            ngettext(
                "%(count)s report received in the period is not acknowledged yet and is left out of the median.",
                "%(count)s reports received in the period are not acknowledged yet and are left out of the median.",
                waiting,
            )
            % {"count": waiting}
        )
    value = median(days)
    return Result(
        value=None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        columns=("Report", "Channel", "Received", "Acknowledged", "Days"),
        rows=rows,
        flags=flags + unlinked_flag(scope),
    )


@computation("esrs_s2_corrective_actions_opened")
def corrective_actions_opened(scope: Scope) -> Result:
    """S2-4: corrective actions on findings of the item's areas whose audit report (which starts the clocks) was issued
    within the period."""
    actions = corrective_actions(scope).filter(_in_period("audit__report_date", scope))
    rows = [cap_row(a, None) for a in actions]
    return Result(value=len(rows), columns=CAP_COLUMNS, rows=rows)


@computation("esrs_s2_corrective_actions_closed")
def corrective_actions_closed(scope: Scope) -> Result:
    """S2-4: corrective actions on findings of the item's areas closed within the period."""
    actions = [
        a for a in corrective_actions(scope).filter(closed_at__isnull=False) if scope.start <= local_day(a.closed_at) <= scope.end
    ]
    rows = [cap_row(a, local_day(a.closed_at) <= a.remediation_due) for a in actions]
    return Result(value=len(rows), columns=CAP_COLUMNS, rows=rows)


def overdue_at(action: CorrectiveAction, on: date) -> bool:
    """Overdue on `on`: not closed by then, and the remediation due before it, or the plan due before it with no plan
    accepted by then (an accepted plan's acceptance day is its review day)."""
    closed = local_day(action.closed_at) if action.closed_at else None
    if closed is not None and closed <= on:
        return False
    if action.remediation_due < on:
        return True
    accepted = action.status in CorrectiveAction.PLAN_ACCEPTED_STATUSES and (
        action.reviewed_at is None or local_day(action.reviewed_at) <= on
    )
    return action.plan_due < on and not accepted


@computation("esrs_s2_corrective_actions_overdue")
def corrective_actions_overdue(scope: Scope) -> Result:
    """S2-4: corrective actions on findings of the item's areas that were overdue at the period's end."""
    actions = corrective_actions(scope).filter(audit__report_date__lte=scope.end)
    rows = [cap_row(a, False) for a in actions if overdue_at(a, scope.end)]
    return Result(value=len(rows), columns=CAP_COLUMNS, rows=rows)


@computation("esrs_s2_required_trainings")
def required_trainings(scope: Scope) -> Result:
    """S2-4: trainings required of suppliers (after an audit, a corrective action or a rating) assigned within the
    period, by status."""
    trainings = (
        RequiredTraining.objects.filter(supplier__in=suppliers_in_scope(scope))
        .filter(assigned_at__date__gte=scope.start, assigned_at__date__lte=scope.end)
        .select_related("supplier")
        .order_by("assigned_at", "pk")
    )
    rows = [
        Row(
            "engagement.requiredtraining",
            t.pk,
            (t.supplier.code, t.topic, t.area, local_day(t.assigned_at), t.due_date, t.status),
        )
        for t in trainings
    ]
    return Result(value=len(rows), columns=("Supplier code", "Topic", "Area", "Assigned", "Due", "Status"), rows=rows)


@computation("esrs_s2_targets")
def targets(scope: Scope) -> Result:
    """S2-5: SupplyESG's policy settings hold no target for value-chain workers, so the item says so; it states no
    number."""
    return Result(
        value=_(
            "No time-bound, outcome-oriented target for value-chain workers is set in SupplyESG. The policy settings "
            "hold deadlines (corrective-action plans and remediation, grievance acknowledgement and feedback), not "
            "targets; the figures of ESRS S2-1 to S2-4 are reported without a target to compare against."
        )
    )
