"""The daily job of the corrective-action clocks (`supplyesg audit_clocks`).

For each open corrective action `rules.clock_action` decides one step: remind the supplier once when a plan or
remediation date comes near, or escalate once to procurement and the lead auditor when it has passed. For each
reported audit whose improvement-plan date has passed with a plan still not accepted,
`rules.improvement_plan_consequence` decides: medium risk → the ESG score becomes -1 (recorded once; the ratings
read it from the audit's data), high risk → "otherwise, the order will be terminated" (ESG manual): orders stop at
once with a suspension until procurement confirms the termination or lifts it with a reason (once per audit).

Idempotent: the stamps (last_reminded_on, *_escalated_on, Audit.escalated_at) make a second run on the same day
do nothing new. Reads are set-based: one query for the candidate actions with their supplier's recipients.
"""

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from supplyesg.audits import rules
from supplyesg.audits.models import Audit, CorrectiveAction
from supplyesg.core import audit as trail
from supplyesg.core import history
from supplyesg.core.mail import Letter, internal_recipients, send_on_commit, supplier_recipients
from supplyesg.core.models import PolicySettings, Role

S = CorrectiveAction.Status


@dataclass
class ClockReport:
    plan_reminders: int = 0
    remediation_reminders: int = 0
    plan_escalations: int = 0
    remediation_escalations: int = 0
    esg_minus_one: int = 0
    orders_stopped: int = 0

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def total(self) -> int:
        return sum(self.as_dict().values())


def _stamp(on: date) -> datetime:
    """Now, moved to the day the job runs for (the command's --date), so later runs count from it."""
    now = timezone.localtime()
    return now if on == now.date() else now.replace(year=on.year, month=on.month, day=on.day)


def candidate_actions(on: date, policy: rules.AuditPolicy):
    """Open actions of issued reports whose current date is near or past: only these can need a step today."""
    horizon = on + timedelta(days=policy.reminder_days_before)
    plan_running = Q(status__in=[S.AWAITING_PLAN, S.SUBMITTED, S.REJECTED], plan_due__lte=horizon)
    remediation_running = Q(status=S.APPROVED, remediation_due__lte=horizon)
    return (
        CorrectiveAction.objects.filter(audit__status=Audit.Status.REPORTED)
        .filter(plan_running | remediation_running)
        .select_related("finding", "audit", "audit__supplier", "audit__lead_auditor")
        .prefetch_related("audit__supplier__contacts", "audit__supplier__portal_users")
        .order_by("audit__supplier_id", "pk")
    )


def _clock(action: CorrectiveAction) -> rules.ActionClock:
    return rules.ActionClock(
        plan_due=action.plan_due,
        remediation_due=action.remediation_due,
        plan_accepted=action.status in CorrectiveAction.PLAN_ACCEPTED_STATUSES,
        done=action.status in (S.COMPLETED, S.CLOSED),
        last_reminded_on=action.last_reminded_on,
        plan_escalated_on=action.plan_escalated_on,
        remediation_escalated_on=action.remediation_escalated_on,
    )


# System reasons are stored in English (gettext_noop) and shown translated by core.history.reason_text.
CAP_SUBMIT_PLAN = gettext_noop("CAP #%(number)s (%(finding)s): submit the plan by %(plan_due)s.")
CAP_COMPLETE = gettext_noop("CAP #%(number)s (%(finding)s): complete it and send the evidence by %(remediation_due)s.")
CAP_NO_PLAN = gettext_noop("CAP #%(number)s (%(finding)s): no accepted plan; it was due on %(plan_due)s.")
CAP_NOT_DONE = gettext_noop("CAP #%(number)s (%(finding)s): not completed; remediation was due on %(remediation_due)s.")
PLANS_OVERDUE = gettext_noop("Improvement plans were due on %(date)s.")
ORDER_TERMINATED = gettext_noop(
    "High-risk audit result of %(date)s: improvement plans for every non-conformity were due on "
    "%(due)s and are not all accepted; the ESG manual terminates the order."
)
SYSTEM_REASONS = (CAP_SUBMIT_PLAN, CAP_COMPLETE, CAP_NO_PLAN, CAP_NOT_DONE, PLANS_OVERDUE, ORDER_TERMINATED)


def _line(action: CorrectiveAction, step: str, *, stored: bool = False) -> str:
    """The reminder line: translated for a mail, or in English (stored=True) for the audit trail."""
    values = {
        "number": action.pk,
        "finding": action.finding.description[:120],
        "plan_due": date_format(action.plan_due, "SHORT_DATE_FORMAT"),
        "remediation_due": date_format(action.remediation_due, "SHORT_DATE_FORMAT"),
    }
    template = {
        rules.REMIND_PLAN: CAP_SUBMIT_PLAN,
        rules.REMIND_REMEDIATION: CAP_COMPLETE,
        rules.ESCALATE_PLAN: CAP_NO_PLAN,
    }.get(step, CAP_NOT_DONE)
    return history.system_text(template, **values) if stored else _(template) % values


def _reminder_mail(supplier, actions: list) -> Letter | None:
    """`actions`: (corrective action, step) pairs; their lines are written in each recipient's language."""
    recipients = supplier_recipients(supplier)
    if not recipients:
        return None

    def compose():
        lines = [_line(a, s) for a, s in actions]
        return _("Reminder: corrective actions due soon"), _(
            "%(supplier)s: these corrective actions from your audit are due soon:\n%(lines)s\n"
            "Please act in the supplier portal under Audits and corrective actions."
        ) % {"supplier": supplier.legal_name, "lines": "\n".join(f"- {line}" for line in lines)}

    return Letter(recipients, compose, path=reverse("audits_portal:list"), supplier=supplier)


def _escalation_mail(audit: Audit, actions: list, procurement: list[str]) -> Letter | None:
    recipients = set(procurement)
    lead = audit.lead_auditor
    if lead is not None and lead.is_active and lead.email:
        recipients.add(lead.email)
    if not recipients:
        return None

    def compose():
        lines = [_line(a, s) for a, s in actions]
        return _("Overdue corrective actions: %(supplier)s") % {"supplier": audit.supplier.legal_name}, _(
            "%(supplier)s is late on corrective actions from the audit of %(date)s:\n%(lines)s"
        ) % {
            "supplier": audit.supplier.legal_name,
            "date": audit.report_date.isoformat() if audit.report_date else "—",
            "lines": "\n".join(f"- {line}" for line in lines),
        }

    return Letter(sorted(recipients), compose, path=reverse("audits:detail", args=[audit.pk]), supplier=audit.supplier)


def _run_actions(on: date, policy: rules.AuditPolicy, report: ClockReport, procurement: list[str]) -> list:
    steps: dict[str, list[CorrectiveAction]] = defaultdict(list)
    for action in candidate_actions(on, policy):
        step = rules.clock_action(_clock(action), on, policy)
        if step:
            steps[step].append(action)
    reminded = steps[rules.REMIND_PLAN] + steps[rules.REMIND_REMEDIATION]
    CorrectiveAction.objects.filter(pk__in=[a.pk for a in reminded]).update(last_reminded_on=on)
    CorrectiveAction.objects.filter(pk__in=[a.pk for a in steps[rules.ESCALATE_PLAN]], plan_escalated_on__isnull=True).update(
        plan_escalated_on=on
    )
    CorrectiveAction.objects.filter(
        pk__in=[a.pk for a in steps[rules.ESCALATE_REMEDIATION]], remediation_escalated_on__isnull=True
    ).update(remediation_escalated_on=on)
    report.plan_reminders = len(steps[rules.REMIND_PLAN])
    report.remediation_reminders = len(steps[rules.REMIND_REMEDIATION])
    report.plan_escalations = len(steps[rules.ESCALATE_PLAN])
    report.remediation_escalations = len(steps[rules.ESCALATE_REMEDIATION])

    by_supplier: dict[int, list] = defaultdict(list)
    by_audit: dict[int, list] = defaultdict(list)
    for step, actions in steps.items():
        for action in actions:
            if step in (rules.REMIND_PLAN, rules.REMIND_REMEDIATION):
                by_supplier[action.audit.supplier_id].append((action, step))
                trail.record(
                    actor=None,
                    action="corrective_action.reminded",
                    target=action,
                    supplier=action.audit.supplier,
                    changes={"last_reminded_on": [action.last_reminded_on, on], "reminder": [None, step]},
                )
            else:
                by_audit[action.audit_id].append((action, step))
                stamp = "plan_escalated_on" if step == rules.ESCALATE_PLAN else "remediation_escalated_on"
                trail.record(
                    actor=None,
                    action="corrective_action.escalated",
                    target=action,
                    supplier=action.audit.supplier,
                    changes={stamp: [None, on]},
                    reason=_line(action, step, stored=True),
                )
    mails = [_reminder_mail(items[0][0].audit.supplier, items) for items in by_supplier.values()]
    mails += [_escalation_mail(items[0][0].audit, items, procurement) for items in by_audit.values()]
    return mails


def _consequence_mail(audit: Audit, consequence: str, procurement: list[str]) -> Letter | None:
    recipients = set(procurement)
    lead = audit.lead_auditor
    if lead is not None and lead.is_active and lead.email:
        recipients.add(lead.email)
    if not recipients:
        return None
    values = {
        "supplier": audit.supplier.legal_name,
        "due": date_format(audit.improvement_plan_due, "SHORT_DATE_FORMAT"),
    }

    def compose():
        if consequence == rules.RECOMMEND_TERMINATION:
            body = _(
                "%(supplier)s had a high-risk audit result and did not provide accepted improvement plans by %(due)s. "
                "Purchase orders are stopped (ESG manual); please confirm the termination or lift the suspension in SupplyESG."
            )
        else:
            body = _(
                "%(supplier)s had a medium-risk audit result and did not provide accepted improvement plans by %(due)s. "
                "Its ESG score becomes -1 in the quarterly rating."
            )
        return _("Improvement plan overdue: %(supplier)s") % values, body % values

    return Letter(sorted(recipients), compose, path=reverse("audits:detail", args=[audit.pk]), supplier=audit.supplier)


def _run_audits(on: date, report: ClockReport, procurement: list[str]) -> list:
    from supplyesg.suppliers.terminations.services import suspend_trade

    mails = []
    stamp = _stamp(on)
    audits = (
        Audit.objects.improvement_plan_overdue(on)
        .filter(escalated_at__isnull=True)
        .select_related("supplier", "lead_auditor")
        .order_by("pk")
    )
    for audit in audits:
        consequence = rules.improvement_plan_consequence(audit.result_level, audit.improvement_plan_due, False, on)
        if consequence is None:
            continue
        if not Audit.objects.filter(pk=audit.pk, escalated_at__isnull=True).update(escalated_at=stamp):
            continue  # another run got there first
        trail.record(
            actor=None,
            action="audit.improvement_plan_overdue",
            target=audit,
            supplier=audit.supplier,
            changes={"escalated_at": [None, stamp], "consequence": [None, consequence]},
            reason=history.system_text(PLANS_OVERDUE, date=audit.improvement_plan_due.isoformat()),
        )
        if consequence == rules.RECOMMEND_TERMINATION:
            suspend_trade(
                audit.supplier,
                actor=None,
                source="audit",
                ref=f"audit:{audit.pk}",
                reason=history.system_text(
                    ORDER_TERMINATED,
                    date=audit.report_date.isoformat() if audit.report_date else "—",
                    due=audit.improvement_plan_due.isoformat(),
                ),
            )
            report.orders_stopped += 1
        else:
            report.esg_minus_one += 1
        mails.append(_consequence_mail(audit, consequence, procurement))
    return mails


@transaction.atomic
def run_clocks(on: date | None = None) -> ClockReport:
    on = on or timezone.localdate()
    policy = rules.AuditPolicy.from_settings(PolicySettings.current())
    procurement = internal_recipients(Role.PROCUREMENT)
    report = ClockReport()
    mails = _run_actions(on, policy, report, procurement)
    mails += _run_audits(on, report, procurement)
    send_on_commit(mails)
    return report
