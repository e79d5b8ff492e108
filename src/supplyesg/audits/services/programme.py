"""The yearly audit programme: generated from policy, then adjusted by planners.

ESG manual: an annual ESG audit of every first-tier supplier and key sub-supplier, and an on-site audit of
every high-risk supplier at least once every `onsite_audit_cycle_years`. AIKO: key suppliers are audited on
site every year. The generator proposes one audit per supplier and year (the stronger need wins: on-site
over desk, high risk over annual) and never duplicates an audit of the year; planners then move dates,
name auditors, add audits by hand or cancel them, each change audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.assessments.models import RiskCategory
from supplyesg.assessments.risk import queries as risk_queries
from supplyesg.assessments.risk import rules as risk_rules
from supplyesg.assessments.risk import services as risk
from supplyesg.audits import rules as audit_rules
from supplyesg.audits.models import Audit
from supplyesg.core import audit as trail
from supplyesg.core.access import Cap, can
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent, PolicySettings
from supplyesg.suppliers.models import Site, Supplier

K, R, S = Audit.Kind, Audit.Reason, Audit.Status
GENERATED_REASONS = (R.ANNUAL_TIER1, R.ANNUAL_KEY, R.HIGH_RISK)
EDITABLE_STATUSES = Audit.EDITABLE_STATUSES
NOT_AUDITABLE = (Supplier.Status.EXITED, Supplier.Status.BLACKLISTED)
EDIT_FIELDS = ("kind", "scheme", "planned_start", "planned_end", "lead_auditor", "audit_firm", "scope", "site")
# Days from the Monday of the planned week: on site Monday and Tuesday, a desk review over the week.
PLANNED_DAYS = {K.ONSITE: 1, K.THIRD_PARTY: 1, K.DESK: 4}


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


# ---------------------------------------------------------------- generating the programme


@dataclass
class ProgrammeResult:
    year: int
    created: int = 0
    upgraded: int = 0  # planned annual audits turned into on-site audits for high risk
    already_planned: int = 0  # suppliers in scope that had an audit of the year
    over_capacity: int = 0  # audits planned in weeks already at the auditors' weekly capacity
    by_reason: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Need:
    supplier_id: int
    name: str
    kind: str
    reason: str
    worklist_item_id: int | None = None


def _booked_weeks(year: int, since: date) -> dict[date, int]:
    """{Monday: audits of the year not cancelled that start in that week}, from `since` on. One query."""
    booked: dict[date, int] = {}
    starts = (
        Audit.objects.for_year(year)
        .exclude(status=S.CANCELLED)
        .filter(planned_start__gte=audit_rules.week_of(since))
        .values_list("planned_start", flat=True)
    )
    for start in starts:
        week = audit_rules.week_of(start)
        booked[week] = booked.get(week, 0) + 1
    return booked


def _needs(year: int, settings: PolicySettings, today: date) -> dict[int, _Need]:
    """What each approved supplier needs this year, in three queries."""
    approved = Supplier.objects.approved()
    needs: dict[int, _Need] = {}
    rows = approved.values_list("pk", "legal_name", "tier", "is_key")
    for pk, name, tier, is_key in rows:
        if tier == Supplier.Tier.TIER1 and settings.annual_audit_tier1:
            needs[pk] = _Need(pk, name, K.ONSITE if is_key else K.DESK, R.ANNUAL_TIER1)
        elif tier > Supplier.Tier.TIER1 and is_key and settings.annual_audit_key:
            needs[pk] = _Need(pk, name, K.ONSITE, R.ANNUAL_KEY)
    requirements = (
        risk_queries.open_audit_requirements()
        .filter(supplier__in=approved, year__lte=year)
        .order_by("supplier_id", "-year", "-pk")
        .values_list("supplier_id", "pk", "supplier__legal_name")
    )
    last_onsite = dict(
        Audit.objects.reported()
        .onsite()
        .filter(supplier__in=approved)
        .values("supplier_id")
        .annotate(last=Max("report_date"))
        .values_list("supplier_id", "last")
    )
    seen = set()
    for supplier_id, item_id, name in requirements:
        if supplier_id in seen:
            continue
        seen.add(supplier_id)
        due = risk_rules.onsite_audit_due(
            last_onsite.get(supplier_id), cycle_years=settings.onsite_audit_cycle_years, today=today
        )
        if due:
            needs[supplier_id] = _Need(supplier_id, name, K.ONSITE, R.HIGH_RISK, item_id)
    return needs


def _event(actor, action: str, audit: Audit, label: str, changes: dict, now) -> AuditEvent:
    real = _actor(actor)
    return AuditEvent(
        at=now,
        actor=real,
        actor_label=real.get_username() if real else "system",
        action=action,
        target_type=Audit._meta.label_lower,
        target_id=str(audit.pk),
        target_label=label[:300],
        supplier_id=audit.supplier_id,
        changes=changes,
    )


def _label(kind: str, name: str, year: int) -> str:
    return f"{Audit.Kind(kind).label} · {name} · {year}"


@transaction.atomic
def generate_programme(year, *, actor, on: date | None = None) -> ProgrammeResult:
    """Plan the year's audits from policy, starting no earlier than tomorrow and spread over the remaining weeks
    within the auditors' weekly capacity (`audit_capacity_per_week`), high risk first. Idempotent: a supplier with
    an audit of the year (or a generated one a planner cancelled) gets no second one; a planned annual audit of a
    supplier that has since become high risk turns into the on-site audit its worklist item asks for. About seven
    queries whatever the number of suppliers, plus the inserts."""
    year = risk.check_year(year)
    today = on or timezone.localdate()
    settings = PolicySettings.current()
    needs = _needs(year, settings, today)
    result = ProgrammeResult(year=year)
    existing = Audit.objects.for_year(year).filter(supplier_id__in=Supplier.objects.approved().values("pk"))
    covered: set[int] = set()
    upgrades: list[Audit] = []
    now = timezone.now()
    events: list[AuditEvent] = []
    for audit in existing.only("pk", "supplier_id", "status", "reason", "kind", "worklist_item_id"):
        if audit.status == S.CANCELLED and audit.reason not in GENERATED_REASONS:
            continue
        covered.add(audit.supplier_id)
        need = needs.get(audit.supplier_id)
        if (
            need is not None
            and need.reason == R.HIGH_RISK
            and audit.status == S.PLANNED
            and audit.reason in (R.ANNUAL_TIER1, R.ANNUAL_KEY)
        ):
            changes = {"reason": [audit.reason, R.HIGH_RISK]}
            if audit.kind == K.DESK:
                changes["kind"] = [audit.kind, K.ONSITE]
                audit.kind = K.ONSITE
            audit.reason = R.HIGH_RISK
            audit.worklist_item_id = need.worklist_item_id
            upgrades.append(audit)
            events.append(_event(actor, "audit.upgraded", audit, _label(audit.kind, need.name, year), changes, now))
    if upgrades:
        Audit.objects.bulk_update(upgrades, ["kind", "reason", "worklist_item"])
    result.upgraded = len(upgrades)
    result.already_planned = len(covered & set(needs))
    # High risk first (earliest weeks), then by name.
    todo = sorted(
        (n for pk, n in needs.items() if pk not in covered),
        key=lambda n: (n.reason != R.HIGH_RISK, n.name.lower(), n.supplier_id),
    )
    weeks = audit_rules.programme_weeks(year, today)
    if todo and not weeks:
        raise RuleViolation(
            _("year: no working day is left in %(year)s to plan an audit; audits are never planned in the past.") % {"year": year}
        )
    booked = _booked_weeks(year, weeks[0] if weeks else today)
    capacity = settings.audit_capacity_per_week
    starts = audit_rules.spread_over_capacity(len(todo), weeks, booked, capacity)
    result.over_capacity = audit_rules.over_capacity(len(todo), weeks, booked, capacity)
    audits = [
        Audit(
            supplier_id=n.supplier_id,
            year=year,
            kind=n.kind,
            reason=n.reason,
            status=S.PLANNED,
            planned_start=start,
            planned_end=start + timedelta(days=PLANNED_DAYS[n.kind]),
            worklist_item_id=n.worklist_item_id,
            created_by=_actor(actor),
            created_at=now,
        )
        for n, start in zip(todo, starts, strict=True)
    ]
    created = Audit.objects.bulk_create(audits, batch_size=500)
    if created and created[0].pk is None:  # a backend that does not return keys
        created = list(Audit.objects.filter(year=year, created_at=now, supplier_id__in=[a.supplier_id for a in audits]))
    by_name = {n.supplier_id: n.name for n in todo}
    for audit in created:
        result.by_reason[audit.reason] = result.by_reason.get(audit.reason, 0) + 1
        result.by_kind[audit.kind] = result.by_kind.get(audit.kind, 0) + 1
        events.append(
            _event(
                actor,
                "audit.planned",
                audit,
                _label(audit.kind, by_name.get(audit.supplier_id, ""), year),
                {"status": [None, S.PLANNED], "reason": [None, audit.reason], "planned_start": [None, str(audit.planned_start)]},
                now,
            )
        )
    result.created = len(created)
    trail.record_many(events)
    return result


# ---------------------------------------------------------------- planning by hand


def _clean(
    *,
    supplier: Supplier | None,
    kind,
    scheme,
    planned_start,
    planned_end,
    lead_auditor,
    audit_firm,
    scope,
    site,
    problems: list[str],
) -> dict:
    if kind not in K.values:
        problems.append(_("kind: choose desk review, on-site audit or third-party audit."))
    if scheme not in Audit.Scheme.values:
        problems.append(_("scheme: choose a standard from the list."))
    if planned_start and planned_end and planned_end < planned_start:
        problems.append(_("planned_end: the end is before the start."))
    if lead_auditor is not None and not (getattr(lead_auditor, "is_internal", False) and can(lead_auditor, Cap.AUDIT)):
        problems.append(_("lead_auditor: choose one of our staff who may conduct audits."))
    audit_firm = " ".join((audit_firm or "").split())[:200]
    if kind == K.THIRD_PARTY and not audit_firm:
        problems.append(_("audit_firm: name the audit firm of a third-party audit."))
    scope = list(dict.fromkeys(str(c) for c in (scope or ())))
    unknown = [c for c in scope if c not in RiskCategory.values]
    if unknown:
        problems.append(_("scope: unknown risk categories %(list)s.") % {"list": ", ".join(unknown)})
    if site is not None and supplier is not None and site.supplier_id != supplier.pk:
        problems.append(_("site: the site belongs to another supplier."))
    return {
        "kind": kind,
        "scheme": scheme,
        "planned_start": planned_start,
        "planned_end": planned_end,
        "lead_auditor": lead_auditor,
        "audit_firm": audit_firm,
        "scope": [c for c in RiskCategory.values if c in scope],
        "site": site,
    }


@transaction.atomic
def plan_audit(
    *,
    actor,
    supplier: Supplier,
    year,
    kind: str,
    scheme: str = Audit.Scheme.INTERNAL,
    planned_start: date | None = None,
    planned_end: date | None = None,
    lead_auditor=None,
    audit_firm: str = "",
    scope=(),
    site: Site | None = None,
    reason: str = R.MANUAL,
    follow_up_of: Audit | None = None,
) -> Audit:
    """Add an audit to the programme by hand (or a follow-up audit of corrective actions)."""
    problems: list[str] = []
    try:
        year = risk.check_year(year)
    except RuleViolation as exc:
        problems.extend(exc.messages)
    if supplier is None:
        problems.append(_("supplier: choose a supplier."))
    elif supplier.status in NOT_AUDITABLE:
        problems.append(
            _("supplier: %(name)s is %(status)s and is not audited.")
            % {"name": supplier.legal_name, "status": supplier.get_status_display()}
        )
    if reason not in (R.MANUAL, R.FOLLOW_UP):
        problems.append(_("reason: audits added by hand are manual or follow-up audits."))
    if follow_up_of is not None and supplier is not None and follow_up_of.supplier_id != supplier.pk:
        problems.append(_("follow_up_of: that audit is of another supplier."))
    fields = _clean(
        supplier=supplier,
        kind=kind,
        scheme=scheme,
        planned_start=planned_start,
        planned_end=planned_end,
        lead_auditor=lead_auditor,
        audit_firm=audit_firm,
        scope=scope,
        site=site,
        problems=problems,
    )
    if problems:
        raise RuleViolation(problems)
    audit = Audit.objects.create(
        supplier=supplier,
        year=year,
        reason=reason,
        follow_up_of=follow_up_of,
        created_by=_actor(actor),
        **fields,
    )
    trail.record(
        actor=actor,
        action="audit.planned",
        target=audit,
        supplier=supplier,
        changes={"status": [None, S.PLANNED], "reason": [None, reason], **{k: [None, v] for k, v in fields.items() if v}},
    )
    return audit


def _lock(audit: Audit) -> Audit:
    return Audit.objects.select_for_update(of=("self",)).select_related("supplier", "lead_auditor", "site").get(pk=audit.pk)


@transaction.atomic
def update_audit(audit: Audit, *, actor, **changes) -> Audit:
    """Change what a planner may change while the audit is planned or under way; the scope is fixed once the
    checklist exists. Unnamed fields keep their values."""
    audit = _lock(audit)
    if audit.status not in EDITABLE_STATUSES:
        raise RuleViolation(
            _("Only a planned or running audit can be changed (this one is %(status)s).") % {"status": audit.get_status_display()}
        )
    unknown = sorted(set(changes) - set(EDIT_FIELDS))
    if unknown:
        raise ValueError(f"update_audit cannot change {unknown}")
    before = trail.snapshot(audit, EDIT_FIELDS)
    merged = {**before, **changes}
    problems: list[str] = []
    fields = _clean(supplier=audit.supplier, problems=problems, **merged)
    if audit.status == S.IN_PROGRESS and fields["scope"] != list(audit.scope or []):
        problems.append(_("scope: the checklist was generated when the audit started; the scope can no longer change."))
    if problems:
        raise RuleViolation(problems)
    for name, value in fields.items():
        setattr(audit, name, value)
    diff = trail.diff(before, fields)
    if diff:
        audit.save(update_fields=list(EDIT_FIELDS))
        trail.record(actor=actor, action="audit.changed", target=audit, supplier=audit.supplier, changes=diff)
    return audit


@transaction.atomic
def cancel_audit(audit: Audit, *, actor, reason: str) -> Audit:
    """Take an audit out of the programme, saying why. A worklist item it was to settle stays open."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("reason: say why the audit is cancelled."))
    audit = _lock(audit)
    if audit.status not in EDITABLE_STATUSES:
        raise RuleViolation(
            _("Only a planned or running audit can be cancelled (this one is %(status)s).")
            % {"status": audit.get_status_display()}
        )
    old = audit.status
    audit.status = S.CANCELLED
    audit.save(update_fields=["status"])
    trail.record(
        actor=actor,
        action="audit.cancelled",
        target=audit,
        supplier=audit.supplier,
        changes={"status": [old, S.CANCELLED]},
        reason=reason[:2000],
    )
    return audit


def auditor_choices():
    """Internal users who may lead an audit."""
    from supplyesg.core.access import ROLE_CAPABILITIES
    from supplyesg.core.models import User

    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Cap.AUDIT in caps]
    return User.objects.filter(is_active=True, role__in=roles).order_by("username")
