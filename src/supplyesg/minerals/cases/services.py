"""Minerals risk cases: opening a case per supplier and OECD Annex II risk type, and each step the Yilian policy
prescribes (一/二/五/六 suspend trade at once; 三 and 四 a plan with a six-month review; a failed review suspends
trade, for 四 at least three months with a revised plan and targets; termination recommended to procurement).
Each step is one audited service writing a RiskCaseStep row; which steps are allowed when is decided by
`case_rules`. Suspensions are suppliers' `Suspension` records (orders stop); procurement's decisions on them
come back through `on_suspension_ended`."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from supplyesg.core import audit, history
from supplyesg.core.access import Cap, can, require_internal
from supplyesg.core.errors import RuleViolation
from supplyesg.core.mail import Letter, internal_recipients, send_now
from supplyesg.core.models import PolicySettings, Role
from supplyesg.minerals.cases import rules
from supplyesg.minerals.cases.models import RiskCase, RiskCaseStep
from supplyesg.suppliers.models import Supplier, Suspension, TerminationCase
from supplyesg.suppliers.terminations import services as terminations
from supplyesg.suppliers.terminations.services import recommend_termination

Kind = RiskCaseStep.Kind
Status = RiskCase.Status


# ---------------------------------------------------------------- reading

# System reasons stored in English and shown translated (core.history.reason_text).
MINERALS_RISK = gettext_noop("Minerals risk (%(risk)s): %(note)s")
TRADE_RESUMES = gettext_noop("Minerals risk case %(pk)s: trade resumes. %(note)s")
SYSTEM_REASONS = (MINERALS_RISK, TRADE_RESUMES)


def cases_with_related():
    return RiskCase.objects.select_related("supplier", "smelter", "opened_by")


def get_case_for_user(user, pk, *, write: bool = False) -> RiskCase:
    """Risk cases are internal: 404 to supplier users and strangers, 403 to roles without Cap.REVIEW on writes."""
    require_internal(user)
    try:
        case = cases_with_related().get(pk=pk)
    except (RiskCase.DoesNotExist, ValueError, TypeError):
        raise Http404
    if write and not can(user, Cap.REVIEW):
        raise PermissionDenied
    return case


def revised_since_suspension(case: RiskCase) -> bool:
    """A revised plan with targets was recorded after the latest suspension (steps are created in order)."""
    last = case.steps.filter(kind=Kind.SUSPENDED).order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return False
    return case.steps.filter(kind=Kind.PLAN_REVISED, pk__gt=last).exists() and bool(case.targets.strip())


def step_answers(case: RiskCase, on: date | None = None) -> list[rules.StepAnswer]:
    """Every step with whether it is allowed now and, when it is not, why (untranslated message ids)."""
    return rules.allowed_steps(
        status=case.status,
        risk_type=case.risk_type,
        on=on or timezone.localdate(),
        review_due=case.review_due,
        suspended_until=case.suspended_until,
        revised=revised_since_suspension(case) if case.status == Status.SUSPENDED else False,
    )


def mitigation_text(case_or_type) -> str:
    """The prescribed mitigation explained in one translated sentence."""
    risk_type = getattr(case_or_type, "risk_type", case_or_type)
    policy = PolicySettings.current()
    sentence = rules.mitigation_sentence(
        risk_type,
        review_months=policy.minerals_plan_review_months,
        suspension_months=policy.minerals_min_suspension_months,
    )
    return _(sentence.msgid) % dict(sentence.params)


def translated_reason(answer: rules.StepAnswer) -> str:
    return _(answer.msgid) % dict(answer.params) if answer.params else _(answer.msgid)


# ---------------------------------------------------------------- helpers


def _locked(case: RiskCase) -> RiskCase:
    return RiskCase.objects.select_for_update(of=("self",)).select_related("supplier", "smelter").get(pk=case.pk)


def _require(case: RiskCase, step: str, today: date) -> None:
    answer = rules.answer_for(step_answers(case, today), step)
    if not answer.allowed:
        raise RuleViolation(translated_reason(answer), code="step_not_allowed")


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolation(f"{field}: {message}")
    return value


def _step(case: RiskCase, kind: str, *, actor, note: str = "") -> RiskCaseStep:
    return RiskCaseStep.objects.create(
        case=case, kind=kind, note=note, actor=actor if actor is not None and getattr(actor, "pk", None) else None
    )


def _audit(case: RiskCase, action: str, *, actor, old_status, reason: str = "", **changes) -> None:
    audit.record(
        actor=actor,
        action=f"minerals_case.{action}",
        target=case,
        supplier=case.supplier,
        changes={"status": [old_status, case.status], **changes} if old_status != case.status else changes,
        reason=reason,
    )


def _save(case: RiskCase, *fields: str) -> None:
    case.save(update_fields=["status", *fields])


def _reassess_on_commit(case: RiskCase, actor) -> None:
    """ "对采用风险管理计划后需要降低的风险，企业应额外进行风险评估" (Yilian 四): an ad-hoc risk assessment of this year
    after the step commits, so the open case shows in the minerals factor (assessments builds on minerals' data)."""
    from supplyesg.assessments.models import RiskAssessment
    from supplyesg.assessments.risk import services as risk

    supplier_id, year = case.supplier_id, timezone.localdate().year

    def reassess():
        risk.assess_supplier(Supplier.objects.get(pk=supplier_id), year=year, actor=actor, kind=RiskAssessment.Kind.AD_HOC)

    transaction.on_commit(reassess, robust=True)


def case_ref(case: RiskCase) -> str:
    return f"minerals_case:{case.pk}"


def suspension_in_force(case: RiskCase) -> Suspension | None:
    return (
        Suspension.objects.in_force()
        .filter(supplier_id=case.supplier_id, source=TerminationCase.Source.MINERALS, source_ref=case_ref(case))
        .first()
    )


def _suspend_trade(case: RiskCase, *, actor, reason: str, today: date) -> None:
    """Orders stop now. 四: at least the policy's minimum, ending only with a revised plan and targets; the other
    types until procurement confirms a termination or lifts the suspension."""
    ends_on = None
    condition = ""
    if rules.needs_minimum_and_revised_plan(case.risk_type):
        ends_on = rules.earliest_resume(today, PolicySettings.current().minerals_min_suspension_months)
        condition = _("a revised risk-management plan with performance targets")
    terminations.suspend_trade(
        case.supplier,
        actor=actor,
        source=TerminationCase.Source.MINERALS,
        reason=reason,
        ref=case_ref(case),
        ends_on=ends_on,
        condition=condition,
        ends_via_source=ends_on is not None,
    )
    case.status = Status.SUSPENDED
    case.suspended_on = today
    case.suspended_until = ends_on
    _save(case, "suspended_on", "suspended_until")
    _step(case, Kind.SUSPENDED, actor=actor, note=reason)


# ---------------------------------------------------------------- steps


@transaction.atomic
def open_case(
    supplier: Supplier, *, actor, risk_type: str, description: str, source: str = "", smelter=None, plan: str = ""
) -> RiskCase:
    """One open case per supplier and risk type; the mitigation comes from the policy. 一/二/五/六 suspend trade at
    once; for 三/四 a plan given with the case is adopted at once."""
    if risk_type not in RiskCase.RiskType.values:
        raise RuleViolation(_("risk_type: choose one of the listed risk types."))
    description = _required(description, "description", _("describe the risk and what points to it."))
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    existing = RiskCase.objects.open().filter(supplier=supplier, risk_type=risk_type).first()
    if existing is not None:
        raise RuleViolation(
            _("risk_type: %(supplier)s already has an open case for this risk (case %(pk)s, %(status)s).")
            % {"supplier": supplier.legal_name, "pk": existing.pk, "status": existing.get_status_display()},
            code="duplicate_case",
        )
    case = RiskCase.objects.create(
        supplier=supplier,
        risk_type=risk_type,
        mitigation=rules.mitigation_for(risk_type),
        smelter=smelter,
        source=(source or "").strip()[:200],
        description=description,
        opened_by=actor if actor is not None and getattr(actor, "pk", None) else None,
    )
    _step(case, Kind.OPENED, actor=actor, note=description)
    _audit(
        case,
        "opened",
        actor=actor,
        old_status=None,
        reason=description,
        risk_type=[None, risk_type],
        mitigation=[None, case.mitigation],
        smelter=[None, str(smelter) if smelter else None],
    )
    if rules.suspends_at_opening(risk_type):
        reason = _("Minerals risk case %(pk)s (%(risk)s), the policy suspends trade at once: %(description)s") % {
            "pk": case.pk,
            "risk": case.get_risk_type_display(),
            "description": description,
        }
        _suspend_trade(case, actor=actor, reason=reason, today=timezone.localdate())
        _audit(case, "suspended", actor=actor, old_status=Status.OPEN, reason=reason, suspended_until=[None, None])
    elif (plan or "").strip():
        return adopt_plan(case, actor=actor, plan=plan)
    _reassess_on_commit(case, actor)
    return case


@transaction.atomic
def adopt_plan(case: RiskCase, *, actor, plan: str) -> RiskCase:
    """Risk-plan cases: the plan starts today and is reviewed after the policy's months."""
    case = _locked(case)
    today = timezone.localdate()
    _require(case, rules.ADOPT_PLAN, today)
    plan = _required(plan, "plan", _("describe the risk-management plan."))
    old = case.status
    case.status = Status.PLAN
    case.plan = plan
    case.plan_revision = 1
    case.plan_started_on = today
    case.review_due = rules.review_due(today, PolicySettings.current().minerals_plan_review_months)
    _save(case, "plan", "plan_revision", "plan_started_on", "review_due")
    _step(case, Kind.PLAN_ADOPTED, actor=actor, note=plan)
    _audit(case, "plan_adopted", actor=actor, old_status=old, reason=plan, review_due=[None, case.review_due])
    _reassess_on_commit(case, actor)
    return case


@transaction.atomic
def review_plan(case: RiskCase, *, actor, effective: bool, note: str) -> RiskCase:
    """Effective: the case closes. No effect: trade is suspended for at least the policy's minimum."""
    case = _locked(case)
    today = timezone.localdate()
    _require(case, rules.REVIEW_PLAN, today)
    note = _required(note, "note", _("say what the review found."))
    old = case.status
    if effective:
        case.status = Status.CLOSED
        case.closed_on = today
        _save(case, "closed_on")
        _step(case, Kind.REVIEW_EFFECTIVE, actor=actor, note=note)
        _audit(case, "review_effective", actor=actor, old_status=old, reason=note)
        return case
    _step(case, Kind.REVIEW_NO_EFFECT, actor=actor, note=note)
    reason = _("Minerals risk case %(pk)s (%(risk)s), the plan showed no effect: %(note)s") % {
        "pk": case.pk,
        "risk": case.get_risk_type_display(),
        "note": note,
    }
    _suspend_trade(case, actor=actor, reason=reason, today=today)
    _audit(case, "review_no_effect", actor=actor, old_status=old, reason=note, suspended_until=[None, case.suspended_until])
    return case


DISENGAGE_MODES = ("suspend", "terminate")


@transaction.atomic
def disengage(case: RiskCase, *, actor, mode: str, note: str) -> RiskCase:
    """Suspend trade, or recommend termination to procurement (the case is then finished as TERMINATED)."""
    if mode not in DISENGAGE_MODES:
        raise RuleViolation(_("mode: choose suspend or terminate."))
    case = _locked(case)
    today = timezone.localdate()
    _require(case, rules.SUSPEND if mode == "suspend" else rules.TERMINATE, today)
    note = _required(note, "note", _("say why."))
    old = case.status
    risk = case.get_risk_type_display()
    if mode == "suspend":
        reason = history.system_text(MINERALS_RISK, risk=risk, note=note)
        _suspend_trade(case, actor=actor, reason=reason, today=today)
        _audit(case, "suspended", actor=actor, old_status=old, reason=note, suspended_until=[None, case.suspended_until])
        return case
    termination = recommend_termination(
        case.supplier,
        actor=actor,
        source="minerals",
        reason=history.system_text(MINERALS_RISK, risk=risk, note=note),
        ref=case_ref(case),
    )
    case.status = Status.TERMINATED
    case.closed_on = today
    _save(case, "closed_on")
    _step(case, Kind.TERMINATION, actor=actor, note=note)
    _audit(case, "termination_recommended", actor=actor, old_status=old, reason=note, termination=[None, termination.pk])
    return case


@transaction.atomic
def revise_plan(case: RiskCase, *, actor, plan: str, targets: str) -> RiskCase:
    """While trade is suspended: the revised plan and the performance targets to reach before trade resumes."""
    case = _locked(case)
    _require(case, rules.REVISE_PLAN, timezone.localdate())
    problems = []
    if not (plan or "").strip():
        problems.append(_("plan: describe the revised risk-management plan."))
    if not (targets or "").strip():
        problems.append(_("targets: state the performance targets to reach before trade resumes."))
    if problems:
        raise RuleViolation(problems)
    old_plan, old_targets = case.plan, case.targets
    case.plan, case.targets = plan.strip(), targets.strip()
    case.plan_revision += 1
    _save(case, "plan", "targets", "plan_revision")
    note = _("Plan:\n%(plan)s\n\nTargets:\n%(targets)s") % {"plan": case.plan, "targets": case.targets}
    _step(case, Kind.PLAN_REVISED, actor=actor, note=note)
    _audit(
        case,
        "plan_revised",
        actor=actor,
        old_status=case.status,
        plan=[old_plan, case.plan],
        targets=[old_targets, case.targets],
        plan_revision=[case.plan_revision - 1, case.plan_revision],
    )
    return case


@transaction.atomic
def resume_trade(case: RiskCase, *, actor, note: str) -> RiskCase:
    """On or after the minimum suspension, with a revised plan and targets: trade resumes under the plan,
    reviewed again after the policy's months. The supplier stays suspended while another case suspends it."""
    case = _locked(case)
    today = timezone.localdate()
    _require(case, rules.RESUME_TRADE, today)
    note = _required(note, "note", _("say how the targets were met."))
    suspension = suspension_in_force(case)
    if suspension is not None:
        terminations.lift_suspension(
            suspension,
            actor=actor,
            reason=history.system_text(TRADE_RESUMES, pk=case.pk, note=note),
            via_source=True,
        )
    old = case.status
    case.status = Status.PLAN
    case.plan_started_on = today
    case.review_due = rules.review_due(today, PolicySettings.current().minerals_plan_review_months)
    _save(case, "plan_started_on", "review_due")
    _step(case, Kind.RESUMED, actor=actor, note=note)
    _audit(case, "resumed", actor=actor, old_status=old, reason=note, review_due=[None, case.review_due])
    return case


@transaction.atomic
def close_case(case: RiskCase, *, actor, note: str) -> RiskCase:
    """Close a case before any mitigation (the risk was not confirmed); plans close through their review."""
    case = _locked(case)
    today = timezone.localdate()
    _require(case, rules.CLOSE_CASE, today)
    note = _required(note, "note", _("say why the case closes."))
    old = case.status
    case.status = Status.CLOSED
    case.closed_on = today
    _save(case, "closed_on")
    _step(case, Kind.CLOSED, actor=actor, note=note)
    _audit(case, "closed", actor=actor, old_status=old, reason=note)
    return case


def on_suspension_ended(suspension: Suspension, outcome: str) -> None:
    """Procurement ended a case's suspension on the order-stop pages: a confirmed termination finishes the case;
    a lifted suspension closes a 一/二/五/六 case and resumes a 三 case under its plan with a new review."""
    kind, _sep, ref = suspension.source_ref.partition(":")
    if kind != "minerals_case" or not ref.isdigit():
        return
    case = RiskCase.objects.select_for_update().select_related("supplier").filter(pk=int(ref)).first()
    if case is None or case.status != Status.SUSPENDED:
        return
    actor, note, today = suspension.ended_by, suspension.end_reason, timezone.localdate()
    old = case.status
    if outcome == Suspension.Outcome.TERMINATED:
        case.status = Status.TERMINATED
        case.closed_on = today
        _save(case, "closed_on")
        _step(case, Kind.TERMINATION_CONFIRMED, actor=actor, note=note)
        _audit(case, "termination_confirmed", actor=actor, old_status=old, reason=note)
    elif rules.mitigation_for(case.risk_type) == rules.DISENGAGE:
        case.status = Status.CLOSED
        case.closed_on = today
        _save(case, "closed_on")
        _step(case, Kind.SUSPENSION_LIFTED, actor=actor, note=note)
        _audit(case, "suspension_lifted", actor=actor, old_status=old, reason=note)
    else:
        case.status = Status.PLAN
        case.plan_started_on = today
        case.review_due = rules.review_due(today, PolicySettings.current().minerals_plan_review_months)
        _save(case, "plan_started_on", "review_due")
        _step(case, Kind.SUSPENSION_LIFTED, actor=actor, note=note)
        _audit(case, "suspension_lifted", actor=actor, old_status=old, reason=note, review_due=[None, case.review_due])


# ---------------------------------------------------------------- the daily reminder


@dataclass
class ReminderResult:
    reviews_due: int
    suspensions_over: int
    recipients: int


def send_case_reminders(on: date | None = None) -> ReminderResult:
    """One e-mail to the compliance managers listing plans whose review has come and suspensions whose minimum
    has passed (sent every day while they wait, so nothing is forgotten)."""
    on = on or timezone.localdate()
    reviews = list(RiskCase.objects.review_due(on).select_related("supplier").order_by("review_due", "pk"))
    suspensions = list(RiskCase.objects.suspension_over(on).select_related("supplier").order_by("suspended_until", "pk"))
    recipients = internal_recipients(Role.COMPLIANCE)
    if (reviews or suspensions) and recipients:

        def compose():
            lines = []
            if reviews:
                lines.append(_("Risk-management plans to review:"))
                lines += [
                    _("- %(supplier)s (%(code)s), case %(pk)s, %(risk)s: review due %(date)s")
                    % {
                        "supplier": c.supplier.legal_name,
                        "code": c.supplier.code,
                        "pk": c.pk,
                        "risk": c.get_risk_type_display(),
                        "date": c.review_due.isoformat(),
                    }
                    for c in reviews
                ]
            if suspensions:
                lines.append(_("Suspensions whose minimum has passed (trade may resume with a revised plan and targets):"))
                lines += [
                    _("- %(supplier)s (%(code)s), case %(pk)s, %(risk)s: suspended until %(date)s")
                    % {
                        "supplier": c.supplier.legal_name,
                        "code": c.supplier.code,
                        "pk": c.pk,
                        "risk": c.get_risk_type_display(),
                        "date": c.suspended_until.isoformat(),
                    }
                    for c in suspensions
                ]
            return _("Minerals risk cases to act on (%(date)s)") % {"date": on.isoformat()}, "\n".join(lines)

        send_now([Letter(recipients, compose, path=reverse("risk_cases:list"))])
    return ReminderResult(len(reviews), len(suspensions), len(recipients) if (reviews or suspensions) else 0)
