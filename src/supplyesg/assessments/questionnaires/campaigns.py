"""Questionnaire campaigns: creating one, its scope, asking suppliers and reminding them.

Campaigns ask suppliers (by tier, category, latest risk level, or all) to fill a template. What every campaign
kind shares (asking idempotently, reminders, progress, portal to-dos) is the engine in `core.campaigns`; this
module declares the questionnaire kind's rules and hooks and wraps the engine's services.
"""

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from supplyesg.assessments.models import Question, QuestionnaireCampaign, QuestionnaireTemplate, Response, RiskLevel
from supplyesg.assessments.risk import queries as risk_queries
from supplyesg.core import audit
from supplyesg.core.campaigns import services as engine
from supplyesg.core.campaigns.registry import campaign_kind
from supplyesg.core.campaigns.scope import Scope, select_suppliers
from supplyesg.core.errors import RuleViolation
from supplyesg.core.mail import Letter, supplier_recipients
from supplyesg.suppliers.models import Category, Supplier

KIND = "questionnaires"
S = Response.Status
C = QuestionnaireCampaign.Status
ANSWERED = (S.SUBMITTED, S.RETURNED, S.ACCEPTED)
NOT_ASKABLE = (Supplier.Status.BLACKLISTED, Supplier.Status.EXITED)


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _clean_scope(*, all_suppliers, tiers, categories, risk_levels, problems) -> dict:
    tiers = sorted({int(t) for t in tiers or ()})
    if any(t not in Supplier.Tier.values for t in tiers):
        problems.append(_("tiers: unknown tier."))
    codes = sorted({c.code if isinstance(c, Category) else str(c) for c in categories or ()})
    unknown = sorted(set(codes) - set(Category.objects.filter(code__in=codes).values_list("code", flat=True)))
    if unknown:
        problems.append(_("categories: unknown categories %(list)s.") % {"list": ", ".join(unknown)})
    levels = [level for level in RiskLevel.values if level in set(risk_levels or ())]
    wrong = sorted(set(risk_levels or ()) - set(RiskLevel.values))
    if wrong:
        problems.append(_("risk_levels: unknown risk levels %(list)s.") % {"list": ", ".join(wrong)})
    if not (all_suppliers or tiers or codes or levels or wrong):
        problems.append(_("scope: choose tiers, categories, risk levels, or every approved supplier."))
    if all_suppliers:
        return {"all": True, "tiers": [], "categories": [], "risk_levels": []}
    return {"all": False, "tiers": tiers, "categories": codes, "risk_levels": levels}


@transaction.atomic
def create_campaign(
    *,
    actor,
    template: QuestionnaireTemplate,
    name: str,
    due_date: date,
    remind_days_before: int = 7,
    remind_every_days_after: int = 7,
    all_suppliers: bool = False,
    tiers=(),
    categories=(),
    risk_levels=(),
) -> QuestionnaireCampaign:
    """A draft campaign; opening it asks the suppliers in scope."""
    problems = []
    name = engine.clean_name(name, problems)
    if template is None or not template.is_active:
        problems.append(_("template: choose an active questionnaire template."))
    elif not Question.objects.filter(section__template=template).exists():
        problems.append(_("template: the template has no questions."))
    engine.clean_schedule(
        due_date=due_date,
        remind_days_before=remind_days_before,
        remind_every_days_after=remind_every_days_after,
        problems=problems,
    )
    scope = _clean_scope(
        all_suppliers=all_suppliers,
        tiers=tiers,
        categories=categories,
        risk_levels=risk_levels,
        problems=problems,
    )
    if problems:
        raise RuleViolation(problems)
    campaign = QuestionnaireCampaign.objects.create(
        template=template,
        name=name,
        due_date=due_date,
        remind_days_before=remind_days_before,
        remind_every_days_after=remind_every_days_after,
        scope=scope,
        created_by=_actor(actor),
    )
    audit.record(
        actor=actor,
        action="questionnaire_campaign.created",
        target=campaign,
        changes={
            "template": [None, f"{template.code} {template.version}"],
            "due_date": [None, due_date],
            "scope": [None, scope],
        },
    )
    return campaign


def campaign_scope(campaign: QuestionnaireCampaign) -> Scope:
    """The engine's scope of a campaign: every criterion narrows (a latest risk level: never assessed is not
    in scope)."""
    scope = campaign.scope or {}
    if scope.get("all"):
        return Scope(everyone=True)
    levels = scope.get("risk_levels") or []

    def at_level(suppliers):
        # The level of each supplier's latest assessment (override first).
        return suppliers.filter(pk__in=risk_queries.latest_assessments().filter(risk_level__in=levels).values("supplier_id"))

    return Scope(
        tiers=scope.get("tiers") or None,
        category_codes=scope.get("categories") or None,
        narrowing=(at_level,) if levels else (),
    )


def in_scope_suppliers(campaign: QuestionnaireCampaign):
    """Approved suppliers matching every criterion of the scope (or all approved ones)."""
    return select_suppliers(Supplier.objects.approved(), campaign_scope(campaign))


def scope_summary(campaign: QuestionnaireCampaign) -> str:
    scope = campaign.scope or {}
    if scope.get("all"):
        return _("every approved supplier")
    parts = []
    if scope.get("tiers"):
        labels = dict(Supplier.Tier.choices)
        parts.append(", ".join(str(labels.get(t, t)) for t in scope["tiers"]))
    if scope.get("categories"):
        names = {c.code: str(c) for c in Category.objects.filter(code__in=scope["categories"])}
        parts.append(", ".join(names.get(c, c) for c in scope["categories"]))
    if scope.get("risk_levels"):
        labels = dict(RiskLevel.choices)
        parts.append(_("risk %(levels)s") % {"levels": ", ".join(str(labels.get(v, v)) for v in scope["risk_levels"])})
    return "; ".join(parts) or "—"


def response_mail(response: Response, kind: str) -> Letter | None:
    recipients = supplier_recipients(response.supplier)
    if not recipients:
        return None

    def compose():
        campaign = response.campaign
        values = {
            "supplier": response.supplier.legal_name,
            "campaign": campaign.name,
            "due": date_format(campaign.due_date, "SHORT_DATE_FORMAT"),
        }
        if kind == "requested":
            subject = _("Self-assessment questionnaire: %(campaign)s") % values
            body = (
                _(
                    "%(supplier)s: please fill in the self-assessment questionnaire %(campaign)s by %(due)s. "
                    "Open it in the supplier portal under Questionnaires; you can save a draft and come back, "
                    "or download it as a spreadsheet and upload it when filled."
                )
                % values
            )
        elif kind == "returned":
            subject = _("Questionnaire returned for correction: %(campaign)s") % values
            body = (
                _(
                    "%(supplier)s: your answers to %(campaign)s were returned for correction. The reviewer's "
                    "comments are beside the answers that need work in the supplier portal under Questionnaires."
                )
                % values
            )
        elif kind == "accepted":
            subject = _("Questionnaire accepted: %(campaign)s") % values
            body = _("%(supplier)s: your answers to %(campaign)s were accepted. Thank you.") % values
        elif kind == "overdue":
            subject = _("Questionnaire overdue: %(campaign)s") % values
            body = (
                _(
                    "%(supplier)s: the self-assessment questionnaire %(campaign)s was due on %(due)s. "
                    "Please fill it in and submit it in the supplier portal under Questionnaires."
                )
                % values
            )
        else:
            subject = _("Reminder: questionnaire due %(due)s") % values
            body = (
                _(
                    "%(supplier)s: the self-assessment questionnaire %(campaign)s is due on %(due)s. "
                    "Please submit it in the supplier portal under Questionnaires."
                )
                % values
            )
        return subject, body

    return Letter(recipients, compose, path=reverse("assessments_portal:fill", args=[response.pk]), supplier=response.supplier)


def open_campaign(campaign: QuestionnaireCampaign, *, actor) -> int:
    """One response per in-scope supplier (and those added by hand), each e-mailed on commit."""
    return engine.open_campaign(campaign_kind(KIND), campaign, actor=actor)


def send_to_newcomers(campaign: QuestionnaireCampaign, *, actor) -> int:
    """Ask the suppliers that came into scope since the campaign opened; nobody is asked twice."""
    return engine.send_to_newcomers(campaign_kind(KIND), campaign, actor=actor)


def close_campaign(campaign: QuestionnaireCampaign, *, actor) -> QuestionnaireCampaign:
    return engine.close_campaign(campaign_kind(KIND), campaign, actor=actor)


def add_supplier(campaign: QuestionnaireCampaign, supplier: Supplier, *, actor) -> Response:
    """Add one supplier by hand; in an open campaign it is asked (and e-mailed) at once."""
    return engine.add_supplier(campaign_kind(KIND), campaign, supplier, actor=actor)


# ---------------------------------------------------------------- reminders


def reminder_kind(response: Response, on: date) -> str | None:
    return engine.reminder_kind(campaign_kind(KIND), response, on)


def send_questionnaire_reminders(on: date | None = None) -> int:
    """E-mail suppliers whose questionnaire is due soon or overdue and not submitted; returns how many."""
    return engine.send_reminders(campaign_kind(KIND), on)
