"""Demo audits, corrective actions, trainings and minerals risk cases behind `supplyesg load_demo_programme`.

Runs on top of the demo registry (`supplyesg load_demo`) and writes everything through the real services, so the
audit trail, the clocks and the e-mails are the ones people would cause: the year's programme from policy, about
25 audits conducted and reported on past dates (the services accept a past start and report date), plans
submitted, approved, rejected, completed and closed, one run of the daily clock job, trainings, the quarterly
ratings (`ratings.demo`) and three minerals risk cases. A fixed seed picks the same audits and texts every time;
dates are whole days before today. Services that only act "today" (plan dates, case steps) act today; where a case
needs a step months old, the stored dates are moved back after the service call (commented where it happens).

The demo companies are fictitious: the e-mails the services queue go to a dummy backend, not to the console.
The minerals risk cases come from `minerals/cases/demo.py`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.assessments.models import RiskCategory
from supplyesg.audits.models import Audit, ChecklistItem, CorrectiveAction, Finding, Severity
from supplyesg.audits.services import clocks, conduct, corrective, programme
from supplyesg.core import audit as trail
from supplyesg.core.models import AuditEvent, User
from supplyesg.engagement.models import RequiredTraining
from supplyesg.engagement.services import required as training
from supplyesg.minerals.cases.demo import load_demo_cases
from supplyesg.suppliers.demo import SEED, DemoRefused, demo_is_loaded, pdf_bytes
from supplyesg.suppliers.models import Contact

MARKER = "demo.programme_loaded"  # the audit action of the row a load leaves behind
STAFF = ("admin", "compliance", "procurement", "auditor", "supplier-a", "supplier-b")
P, MA, MI, OB = Severity.PRIORITY, Severity.MAJOR, Severity.MINOR, Severity.OBSERVATION
AWAIT, SUBMIT, REJECT, APPROVE, COMPLETE, CLOSE = "awaiting", "submitted", "rejected", "approved", "completed", "closed"
STEPS = {AWAIT: 0, SUBMIT: 1, REJECT: 2, APPROVE: 2, COMPLETE: 3, CLOSE: 4}

# Reported audits: (who, report days ago, findings as (severity, state of its corrective action)). The report
# dates respect the services: a plan can be submitted only before the finding's remediation date (30/90/180 days).
# "A"/"B" are the suppliers of the two demo portal users; "vap" becomes a third-party RBA VAP audit.
REPORTED = (
    ("A", 10, ((MA, REJECT), (MI, AWAIT), (MI, APPROVE), (OB, None))),
    ("B", 60, ((MI, CLOSE), (MI, CLOSE), (OB, None))),
    ("vap", 45, ((MA, APPROVE), (MI, SUBMIT), (MI, CLOSE), (OB, None))),
    ("onsite", 100, ((P, AWAIT), (MA, AWAIT))),  # high risk, improvement plans 3 months late: termination recommended
    ("any", 200, ((MA, AWAIT),)),  # medium risk, no plan after 6 months: ESG score -1
    ("onsite", 25, ((P, APPROVE), (MA, SUBMIT), (MA, REJECT))),
    ("any", 150, ((MI, CLOSE), (MI, CLOSE))),
    ("any", 120, ((OB, None),)),
    ("any", 80, ()),
    ("any", 30, ((MA, AWAIT), (MI, AWAIT))),
    ("any", 5, ((MA, AWAIT), (MI, AWAIT), (OB, None))),
    ("any", 12, ((MI, AWAIT), (MI, SUBMIT))),
    ("any", 40, ((MI, COMPLETE), (MI, APPROVE))),
    ("any", 70, ((MA, COMPLETE), (MI, CLOSE), (MI, APPROVE))),
    ("any", 170, ((MI, CLOSE), (MI, CLOSE), (MI, CLOSE), (MI, APPROVE), (MI, APPROVE))),
    ("any", 90, ((MI, CLOSE), (OB, None))),
    ("onsite", 50, ((MA, APPROVE), (MA, APPROVE), (MA, SUBMIT))),
    ("any", 20, ((MI, APPROVE),)),
    ("any", 15, ((MA, SUBMIT), (OB, None))),
    ("any", 130, ()),
    ("any", 60, ((MI, CLOSE),)),
    ("any", 35, ((MA, APPROVE), (MI, COMPLETE))),
    ("any", 8, ((MI, AWAIT), (OB, None))),
    ("any", 100, ()),
    ("any", 55, ((MA, REJECT), (MI, APPROVE))),
)
IN_PROGRESS = (2, 3, 20)  # started this many days ago; the last one is past its planned end without a report
DESK_AREAS = ["labour", "health_safety", "environment", "ethics", "management_system", "minerals"]
VAP_FIRM = "Meridian Social Compliance Services (RBA-approved audit firm)"

FINDINGS = {
    "labour": (
        "Working hours exceeded 60 hours a week for 12 of 40 sampled production workers in the peak season; "
        "no weekly rest day in 3 of the last 8 weeks.",
        "Foreign contract workers paid recruitment fees of about one month's wage to a labour agent; no reimbursement procedure.",
        "Holiday overtime paid at 200% instead of the legal 300% in the sampled month.",
        "The dormitory office holds the identity documents of 6 residents.",
        "No age verification records for 2 workers hired through the staffing agency.",
    ),
    "health_safety": (
        "Emergency exit of the SMT workshop blocked by stacked cartons; the exit sign light does not work.",
        "Machine guarding missing on two punching presses; the interlock of one is bypassed.",
        "Chemical store without secondary containment; safety data sheets missing for 4 of 11 chemicals.",
        "No occupational health examinations for noise-exposed workers hired this year.",
    ),
    "environment": (
        "Spent solvent stored as hazardous waste beyond the one-year legal limit; transfer manifests incomplete.",
        "The wastewater discharge permit expired two months ago; no renewal applied for.",
        "No inventory of greenhouse-gas emissions and no energy-saving targets.",
    ),
    "ethics": (
        "No anti-bribery training for the purchasing team; no register of gifts and hospitality.",
        "The grievance channel is not made known to workers; the procedure does not protect against retaliation.",
    ),
    "management_system": (
        "No procedure to pass the code of conduct on to the supplier's own sub-suppliers.",
        "The social-responsibility management system had no internal audit in the last 12 months.",
        "Last year's corrective actions were closed without checking that they worked.",
    ),
    "minerals": (
        "The CMRT smelter list is incomplete: 3 tin suppliers name no smelter.",
        "No responsible-minerals policy is published; the due-diligence procedure does not cover cobalt.",
    ),
    "product_liability": ("RoHS test reports of two cable assemblies are older than 12 months.",),
}
OBSERVATIONS = (
    "Fire drills are held every half year, but attendance sheets are not signed.",
    "Good practice: a worker committee elected this year meets monthly with management.",
    "Canteen hygiene checks are recorded daily; the water test certificate is due for renewal next month.",
)
PLANS = {  # area -> (root cause, corrective action, preventive action)
    "labour": (
        "Peak-season orders were accepted without a capacity check, so the production plan did not cap overtime.",
        "Cap overtime at 36 hours a month, hire 20 temporary workers through a licensed agency, pay back owed wages.",
        "Monthly working-hours report to the general manager; capacity check before every order above 50k units.",
    ),
    "health_safety": (
        "Safety inspections covered only the assembly lines; the warehouse and press shop had no owner.",
        "Clear every exit, repair the signs, refit guards and interlocks, and train the press operators.",
        "Weekly EHS walk-through with a checklist covering every workshop, signed by the workshop head.",
    ),
    "environment": (
        "The environmental permits and waste contracts were tracked by one person who left the company.",
        "Renew the permit, hand the stored waste to a licensed contractor, complete the manifests.",
        "Permit and waste register in the ERP with reminders 90 days before every expiry.",
    ),
    "ethics": (
        "The ethics policy was issued but never trained; purchasing staff did not know the gift rules.",
        "Train all purchasing staff, open a gift register, publish the grievance hotline in every workshop.",
        "Yearly ethics training for every new and existing office employee, with a signed attendance list.",
    ),
    "management_system": (
        "The social-responsibility system had no owner after the reorganisation.",
        "Name a CSR manager, run the internal audit, write the sub-supplier procedure.",
        "Management review of the CSR system every six months, minutes kept.",
    ),
    "minerals": (
        "Sub-suppliers were not asked for their smelters; the CMRT was filled in from old data.",
        "Survey every tin and cobalt sub-supplier, complete the smelter list, publish the minerals policy.",
        "Yearly CMRT campaign to all sub-suppliers with a reminder after 30 days.",
    ),
    "product_liability": (
        "Test reports were renewed only when a customer asked.",
        "Re-test both cable assemblies at an accredited laboratory.",
        "Test-report register with yearly renewal dates per part number.",
    ),
}
REJECTION = (
    "The root cause only says the workers did not follow the rule. Explain why the system let it happen, and add how "
    "you will check every month that the fix works."
)
TRAININGS = (  # (which reported audit, topic, area, due in days, attended by)
    (0, "Working-hours management and fair overtime pay", "labour", 30, ""),
    (3, "Machine guarding and lock-out/tag-out for press operators", "health_safety", 45, ""),
    (5, "Emergency preparedness and fire safety", "health_safety", 20, "Safety officer and 12 line leaders"),
)


@dataclass
class ProgrammeOutcome:
    loaded: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # section -> what -> how many


def programme_is_loaded() -> bool:
    return AuditEvent.objects.filter(action=MARKER).exists()


@dataclass
class _Cast:
    users: dict[str, User]
    today: date
    rng: random.Random
    used: set[int] = field(default_factory=set)  # suppliers the demo already gave a story to
    counters: dict[str, int] = field(default_factory=dict)

    def portal_user(self, supplier_id: int) -> User | None:
        for name in ("supplier-a", "supplier-b"):
            if self.users[name].supplier_id == supplier_id:
                return self.users[name]
        return None

    def next_text(self, key: str, texts) -> str:
        n = self.counters.get(key, 0)
        self.counters[key] = n + 1
        return texts[n % len(texts)]


def load_demo_programme(seed: int = SEED) -> ProgrammeOutcome:
    """Write the demo audits, ratings and minerals cases once, all or nothing."""
    if programme_is_loaded():
        return ProgrammeOutcome(False)
    if not demo_is_loaded():
        raise DemoRefused(_("Load the demo suppliers first: supplyesg load_demo."))
    users = {u.username: u for u in User.objects.filter(username__in=STAFF, is_active=True)}
    missing = sorted(set(STAFF) - set(users))
    if missing:
        raise DemoRefused(
            _("The demo users %(users)s are missing or inactive; load the demo into an empty database.")
            % {"users": ", ".join(missing)}
        )
    if conduct.current_catalogue() is None:
        call_command("load_assessment_reference", stdout=StringIO())
    cast = _Cast(users=users, today=timezone.localdate(), rng=random.Random(seed + 5))
    # Fictitious suppliers: the e-mails the services queue (on commit) go nowhere.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        return _write(cast, seed)


def _write(cast: _Cast, seed: int) -> ProgrammeOutcome:
    from supplyesg.ratings import demo as ratings_demo

    outcome = ProgrammeOutcome(True)
    year = cast.today.year
    # The programme is drawn up for the weeks ahead (from next Monday), so no generated audit starts on a day
    # already past; the audits conducted below are moved back to the weeks they happened.
    next_monday = cast.today + timedelta(days=7 - cast.today.weekday())
    result = programme.generate_programme(
        year, actor=cast.users["compliance"], on=next_monday if next_monday.year == year else cast.today
    )
    reported = _conduct(cast, year)
    report = clocks.run_clocks(cast.today)
    _trainings(cast, reported)
    rated, decided = ratings_demo.load_ratings(cast.users, today=cast.today, rng=random.Random(seed + 6))
    cast.used |= decided
    cases = load_demo_cases(officer=cast.users["compliance"], used=cast.used)
    trail.record(
        actor=None,
        action=MARKER,
        target=cast.users["admin"],
        changes={"seed": [None, seed]},
        reason="Demo audits, corrective actions, ratings and minerals risk cases loaded by supplyesg load_demo_programme.",
    )
    outcome.counts = _counts(year, result, report, rated, cases)
    return outcome


# ---------------------------------------------------------------- conducting audits


def _pick(cast: _Cast, year: int) -> list[Audit]:
    """One planned audit of the programme per story in REPORTED, then the running and cancelled ones."""
    planned = list(
        Audit.objects.for_year(year)
        .filter(status=Audit.Status.PLANNED)
        .select_related("supplier")
        .order_by("supplier__code", "pk")
    )
    by_supplier = {a.supplier_id: a for a in planned}
    chosen: list[Audit] = []
    for username in ("supplier-a", "supplier-b"):
        supplier = cast.users[username].supplier
        audit = by_supplier.get(supplier.pk) or programme.plan_audit(
            actor=cast.users["compliance"], supplier=supplier, year=year, kind=Audit.Kind.DESK
        )
        cast.used.add(supplier.pk)
        chosen.append(audit)
    pool = [a for a in planned if a.supplier_id not in cast.used]
    cast.rng.shuffle(pool)
    picks = []
    for who, _days, _findings in REPORTED[2:]:
        onsite = who in ("vap", "onsite")  # the other stories are desk reviews where the programme has enough
        audit = next((a for a in pool if (a.kind != Audit.Kind.DESK) == onsite), None) or pool[0]
        pool.remove(audit)
        picks.append(audit)
    extra = pool[: len(IN_PROGRESS) + 1]  # running audits and one cancelled
    for audit in [*picks, *extra]:
        cast.used.add(audit.supplier_id)
    return [*chosen, *picks, *extra]


def _schedule(cast: _Cast, audit: Audit, *, started: date, vap: bool = False, ends: date | None = None) -> Audit:
    """A planner moves the audit to the week it happened, names the lead auditor and narrows a desk review."""
    changes = {
        "planned_start": started,
        "planned_end": ends or started + timedelta(days=programme.PLANNED_DAYS[audit.kind]),
        "lead_auditor": cast.users["auditor"],
    }
    if vap:
        changes.update(
            kind=Audit.Kind.THIRD_PARTY, scheme=Audit.Scheme.RBA_VAP, audit_firm=VAP_FIRM, planned_end=started + timedelta(days=2)
        )
    elif audit.kind == Audit.Kind.DESK:
        changes["scope"] = sorted(cast.rng.sample(DESK_AREAS, 2))
    return programme.update_audit(audit, actor=cast.users["compliance"], **changes)


def _conduct(cast: _Cast, year: int) -> list[Audit]:
    audits = _pick(cast, year)
    auditor = cast.users["auditor"]
    reported = []
    for audit, (who, days_ago, findings) in zip(audits, REPORTED, strict=False):
        report_date = cast.today - timedelta(days=days_ago)
        started = report_date - timedelta(days=cast.rng.randint(3, 9))
        audit = _schedule(cast, audit, started=started, vap=who == "vap")
        audit = conduct.start_audit(audit, actor=auditor, on=started)
        if who == "vap":
            upload = SimpleUploadedFile(
                f"RBA-VAP-report-{audit.supplier.code}.pdf",
                pdf_bytes(f"RBA VAP audit report {audit.supplier.code} {started.isoformat()}"),
                content_type="application/pdf",
            )
            conduct.upload_report_file(audit, actor=auditor, upload=upload)
        _check(cast, audit, findings)
        audit = conduct.issue_report(audit, actor=auditor, report_date=report_date, summary=_summary(audit, findings))
        _answer(cast, audit, [state for _severity, state in findings if state])
        if not audit.corrective_actions.exists():
            conduct.close_audit_if_done(audit, actor=auditor)
        reported.append(audit)
    rest = audits[len(REPORTED) :]
    for audit, days_ago in zip(rest, IN_PROGRESS, strict=False):
        started = cast.today - timedelta(days=days_ago)
        ends = cast.today + timedelta(days=2) if days_ago < 7 else None  # running to plan, or past its end unreported
        audit = conduct.start_audit(_schedule(cast, audit, started=started, ends=ends), actor=auditor, on=started)
        items = list(audit.checklist.order_by("order", "pk"))
        for item in items[: len(items) // 3]:
            conduct.record_verdict(item, actor=auditor, verdict=ChecklistItem.Verdict.CONFORMING)
    if len(rest) > len(IN_PROGRESS):
        programme.cancel_audit(
            rest[len(IN_PROGRESS)],
            actor=cast.users["compliance"],
            reason="The supplier moves production to a new site in January; audited there next year.",
        )
    _follow_up(cast, reported[3])
    return reported


def _check(cast: _Cast, audit: Audit, findings) -> None:
    """Findings first (each non-conformity marks its checklist item), then a verdict on every other item."""
    auditor = cast.users["auditor"]
    items = list(audit.checklist.order_by("order", "pk"))
    by_area: dict[str, list[ChecklistItem]] = {}
    for item in items:
        by_area.setdefault(item.risk_category, []).append(item)
    areas = sorted(by_area) or list(RiskCategory.values)
    taken: set[int] = set()
    for severity, _state in findings:
        area = cast.rng.choice(areas)
        if severity == OB:
            conduct.add_finding(
                audit, actor=auditor, severity=severity, area=area, description=cast.next_text("observation", OBSERVATIONS)
            )
            continue
        free = [i for i in by_area.get(area, []) if i.pk not in taken]
        item = free[0] if free else None
        if item is not None:
            taken.add(item.pk)
        conduct.add_finding(
            audit,
            actor=auditor,
            severity=severity,
            area=area,
            checklist_item=item,
            description=cast.next_text(area, FINDINGS[area]),
        )
    for n, item in enumerate(items):
        if item.pk in taken:
            continue
        verdict = (
            ChecklistItem.Verdict.NOT_APPLICABLE
            if item.risk_category == "product_liability" and n % 2
            else (ChecklistItem.Verdict.CONFORMING)
        )
        conduct.record_verdict(item, actor=auditor, verdict=verdict)


def _summary(audit: Audit, findings) -> str:
    counts = {s: sum(1 for f, _ in findings if f == s) for s in Severity.values}
    found = ", ".join(f"{n} {Severity(s).label.lower()}" for s, n in counts.items() if n) or "no findings"
    where = "on site" if audit.kind != Audit.Kind.DESK else "from the documents sent"
    return (
        f"{audit.get_kind_display()} of {audit.supplier.legal_name}, checked {where} against "
        f"{audit.get_scheme_display()}: {found}. Management was told the results at the closing meeting."
    )


def _answer(cast: _Cast, audit: Audit, states: list[str]) -> None:
    """Take each corrective action as far as its story says: plan, review, completion, closure."""
    auditor = cast.users["auditor"]
    writer = cast.portal_user(audit.supplier_id) or auditor  # suppliers without a portal user answer by e-mail
    contact = Contact.objects.filter(supplier_id=audit.supplier_id).order_by("-is_primary", "pk").first()
    owner = f"{contact.name}, {contact.title}" if contact else "Plant manager"
    actions = list(audit.corrective_actions.select_related("finding").order_by("pk"))
    for action, state in zip(actions, states, strict=True):
        steps = STEPS[state]
        if steps == 0:
            continue
        cause, fix, prevent = PLANS[action.finding.area]
        completion = min(action.remediation_due, cast.today + timedelta(days=30))
        action = corrective.submit_plan(
            action,
            actor=writer,
            root_cause=cause,
            corrective_action=fix,
            preventive_action=prevent,
            owner=owner,
            completion_date=completion,
        )
        if state == SUBMIT:
            continue
        if state == REJECT:
            corrective.reject_plan(action, actor=auditor, reason=REJECTION)
            continue
        action = corrective.approve_plan(action, actor=auditor, comment="Plan accepted; keep the records for the follow-up.")
        if steps < 3:
            continue
        evidence = SimpleUploadedFile(
            f"evidence-cap-{action.pk}.pdf",
            pdf_bytes(f"CAP {action.pk} evidence: records and photos"),
            content_type="application/pdf",
        )
        action = corrective.submit_completion(action, actor=writer, note=f"Done: {fix}", files=[evidence])
        if state == CLOSE:
            corrective.close_action(
                action,
                actor=auditor,
                closure=CorrectiveAction.Closure.EVIDENCE,
                note="Evidence reviewed: the records and photos show the fix in place.",
            )


def _follow_up(cast: _Cast, audit: Audit) -> Audit:
    """The high-risk audit whose plans are late gets an on-site follow-up audit in the programme."""
    start = cast.today + timedelta(days=14 - cast.today.weekday())
    areas = sorted(set(audit.findings.values_list("area", flat=True)))
    return programme.plan_audit(
        actor=cast.users["compliance"],
        supplier=audit.supplier,
        year=start.year,
        kind=Audit.Kind.ONSITE,
        planned_start=start,
        planned_end=start + timedelta(days=1),
        lead_auditor=cast.users["auditor"],
        scope=areas,
        reason=Audit.Reason.FOLLOW_UP,
        follow_up_of=audit,
    )


def _trainings(cast: _Cast, reported: list[Audit]) -> None:
    for index, topic, area, due_in, attendee in TRAININGS:
        audit = reported[index]
        assigned = training.assign_training(
            audit.supplier,
            actor=cast.users["compliance"],
            topic=topic,
            area=area,
            due_date=cast.today + timedelta(days=due_in),
            audit=audit,
        )
        if attendee:
            training.complete_training(assigned, actor=cast.users["compliance"], attendee=attendee)


# ---------------------------------------------------------------- counts


def _counts(year: int, result, report, rated: dict, cases: dict) -> dict[str, dict[str, int]]:
    """What the command prints, by section."""
    from supplyesg.suppliers.models import TerminationCase

    statuses = dict(Audit.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    actions = dict(CorrectiveAction.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    today = timezone.localdate()
    return {
        _("audits"): {
            _("planned by the %(year)s programme") % {"year": year}: result.created,
            **{str(status.label).lower(): statuses.get(status, 0) for status in Audit.Status},
            _("findings"): Finding.objects.count(),
            _("trainings"): RequiredTraining.objects.count(),
        },
        _("corrective actions"): {
            **{str(status.label).lower(): actions.get(status, 0) for status in CorrectiveAction.Status},
            _("overdue"): CorrectiveAction.objects.overdue(today).count(),
            _("reminders sent by the clock job"): report.plan_reminders + report.remediation_reminders,
            _("escalated by the clock job"): report.plan_escalations + report.remediation_escalations,
        },
        _("ratings"): rated,
        _("minerals risk cases and terminations"): {
            **{_("case: %(status)s") % {"status": status}: n for status, n in cases.items()},
            _("terminations awaiting procurement"): TerminationCase.objects.pending().count(),
            _("terminations confirmed"): TerminationCase.objects.in_force().count(),
        },
    }
