"""CMRT/EMRT campaigns: creating one, its scope, asking suppliers, reminders and progress.

What every campaign kind shares (asking idempotently, reminders, progress, portal to-dos) is the engine in
`core.campaigns`; this module declares the CMRT/EMRT kind's rules and hooks and wraps the engine's services.
"""

from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.campaigns import progress as engine_progress
from supplyesg.core.campaigns import services as engine
from supplyesg.core.campaigns.registry import campaign_kind
from supplyesg.core.campaigns.scope import Scope, select_suppliers
from supplyesg.core.errors import RuleViolation
from supplyesg.core.mail import Letter, supplier_recipients
from supplyesg.minerals.mineral_terms import words_for
from supplyesg.minerals.models import Campaign, SubmissionRequest, TemplateType
from supplyesg.suppliers.models import Category, Supplier

KIND = "minerals"
MINERALS_BY_TEMPLATE = {
    TemplateType.CMRT: ("Tin", "Tantalum", "Tungsten", "Gold"),
    TemplateType.EMRT: ("Cobalt", "Mica", "Copper", "Graphite", "Lithium", "Nickel"),
    # AMRT: the requester's choice (the template has ten slots); the last three go in as "Other".
    TemplateType.AMRT: (
        "Aluminum",
        "Barite",
        "Iridium",
        "Lead",
        "Lime",
        "Manganese",
        "Molybdenum",
        "Palladium",
        "Platinum",
        "Rare Earth Elements",
        "Rhodium",
        "Ruthenium",
        "Silver",
        "Soda Ash",
        "Zinc",
    ),
    TemplateType.CRT: ("Cobalt",),
}
MAX_MINERALS = {TemplateType.AMRT: 10}
R = SubmissionRequest.Status
RESPONDED = (R.RECEIVED_ERRORS, R.RECEIVED_VALID, R.ACCEPTED, R.RETURNED)
REMINDED = tuple(s for s in SubmissionRequest.OPEN_STATUSES if s != R.NOT_REQUESTED)
NOT_ASKABLE = (Supplier.Status.BLACKLISTED, Supplier.Status.EXITED)


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


@transaction.atomic
def create_campaign(
    *,
    actor,
    name: str,
    reporting_year: int,
    template: str,
    minerals,
    due_date: date,
    remind_days_before: int = 14,
    remind_every_days_after: int = 7,
    categories=(),
    tiers=(),
    scope_by_minerals: bool = False,
) -> Campaign:
    """A draft campaign. Scope: suppliers in the categories (or whose categories involve the minerals),
    limited to the tiers when tiers are given; tiers alone take every approved supplier of those tiers."""
    problems = []
    name = engine.clean_name(name, problems)
    if template not in MINERALS_BY_TEMPLATE:
        problems.append(_("template: choose CMRT, EMRT, AMRT or CRT."))
    allowed = MINERALS_BY_TEMPLATE.get(template, ())
    given = set(minerals or ())
    wrong = sorted(given - set(allowed))
    minerals = [m for m in allowed if m in given]
    if wrong:
        problems.append(_("minerals: %(list)s are not in this template.") % {"list": ", ".join(wrong)})
    elif not minerals:
        problems.append(_("minerals: choose at least one mineral of the template."))
    elif len(minerals) > MAX_MINERALS.get(template, len(allowed)):
        problems.append(
            _("minerals: the %(template)s takes at most %(n)s minerals.") % {"template": template, "n": MAX_MINERALS[template]}
        )
    tiers = sorted({int(t) for t in tiers or ()})
    if any(t not in Supplier.Tier.values for t in tiers):
        problems.append(_("tiers: unknown tier."))
    categories = list(categories or ())
    if not (categories or tiers or scope_by_minerals):
        problems.append(
            _("scope: choose categories, tiers, or every supplier whose categories involve these minerals.")
        )
    engine.clean_schedule(
        due_date=due_date,
        remind_days_before=remind_days_before,
        remind_every_days_after=remind_every_days_after,
        problems=problems,
    )
    if problems:
        raise RuleViolation(problems)
    campaign = Campaign.objects.create(
        name=name,
        reporting_year=reporting_year,
        template=template,
        minerals=minerals,
        due_date=due_date,
        remind_days_before=remind_days_before,
        remind_every_days_after=remind_every_days_after,
        scope_tiers=tiers,
        scope_by_minerals=scope_by_minerals,
        created_by=_actor(actor),
    )
    campaign.scope_categories.set(categories)
    audit.record(
        actor=actor,
        action="campaign.created",
        target=campaign,
        changes={
            "template": [None, template],
            "reporting_year": [None, reporting_year],
            "minerals": [None, minerals],
            "due_date": [None, due_date],
            "categories": [None, sorted(c.code for c in categories)],
            "tiers": [None, tiers],
            "scope_by_minerals": [None, scope_by_minerals],
        },
    )
    return campaign


def mineral_categories(minerals) -> list[int]:
    """Ids of categories whose comma-separated `minerals` text names one of these minerals (any case),
    by the mineral's own name or a word mapped to it (MineralTerm reference data: aluminium, rare earths...)."""
    wanted = words_for(minerals)
    out = []
    for pk, text in Category.objects.exclude(minerals="").values_list("pk", "minerals"):
        words = {w.strip().casefold() for w in text.split(",")}
        if words & wanted:
            out.append(pk)
    return out


def campaign_scope(campaign: Campaign) -> Scope:
    """Suppliers in the categories (or whose categories involve the minerals), limited to the tiers when tiers
    are given; tiers alone take every approved supplier of those tiers."""
    category_ids = set(campaign.scope_categories.values_list("pk", flat=True))
    if campaign.scope_by_minerals:
        category_ids.update(mineral_categories(campaign.minerals))
    by_category = bool(category_ids) or campaign.scope_by_minerals or not campaign.scope_tiers
    return Scope(
        tiers=campaign.scope_tiers or None,
        category_ids=sorted(category_ids) if by_category else None,
    )


def in_scope_suppliers(campaign: Campaign):
    """Approved suppliers the campaign asks, by its scope."""
    return select_suppliers(Supplier.objects.approved(), campaign_scope(campaign))


def request_mail(request_obj: SubmissionRequest, kind: str) -> Letter | None:
    recipients = supplier_recipients(request_obj.supplier)
    if not recipients:
        return None

    def compose():
        campaign = request_obj.campaign
        values = {
            "supplier": request_obj.supplier.legal_name,
            "campaign": campaign.name,
            "template": campaign.template,
            "minerals": ", ".join(campaign.minerals),
            "due": date_format(campaign.due_date, "SHORT_DATE_FORMAT"),
        }
        if kind == "requested":
            subject = _("%(template)s requested: %(campaign)s") % values
            body = (
                _(
                    "%(supplier)s: please send your %(template)s (%(minerals)s) for %(campaign)s by %(due)s. "
                    "Upload it in the supplier portal under Minerals declarations."
                )
                % values
            )
        elif kind == "returned":
            subject = _("%(template)s returned for correction: %(campaign)s") % values
            body = (
                _(
                    "%(supplier)s: your %(template)s for %(campaign)s was returned for correction. The findings "
                    "and the reviewer's comment are in the supplier portal under Minerals declarations."
                )
                % values
            )
        elif kind == "overdue":
            subject = _("%(template)s overdue: %(campaign)s") % values
            body = (
                _(
                    "%(supplier)s: your %(template)s for %(campaign)s was due on %(due)s. Please upload it in "
                    "the supplier portal under Minerals declarations."
                )
                % values
            )
        else:
            subject = _("Reminder: %(template)s due %(due)s") % values
            body = (
                _(
                    "%(supplier)s: your %(template)s (%(minerals)s) for %(campaign)s is due on %(due)s. "
                    "Please upload it in the supplier portal under Minerals declarations."
                )
                % values
            )
        return subject, body

    path = reverse("minerals_portal:request", args=[request_obj.pk])
    return Letter(recipients, compose, path=path, supplier=request_obj.supplier)


def _figures_changed(campaign: Campaign) -> None:
    from supplyesg.minerals.aggregation import figures_changed  # the aggregation reads campaigns' models

    figures_changed(campaign.reporting_year)


def open_campaign(campaign: Campaign, *, actor) -> int:
    """Ask every in-scope supplier (and those added by hand): one request each, e-mailed on commit."""
    asked = engine.open_campaign(campaign_kind(KIND), campaign, actor=actor)
    _figures_changed(campaign)
    return asked


def send_to_newcomers(campaign: Campaign, *, actor) -> int:
    """Ask the suppliers that came into scope since the campaign opened; nobody is asked twice."""
    asked = engine.send_to_newcomers(campaign_kind(KIND), campaign, actor=actor)
    _figures_changed(campaign)
    return asked


def close_campaign(campaign: Campaign, *, actor) -> Campaign:
    return engine.close_campaign(campaign_kind(KIND), campaign, actor=actor)


def add_supplier(campaign: Campaign, supplier: Supplier, *, actor) -> SubmissionRequest:
    """Add one supplier by hand; in an open campaign it is asked (and e-mailed) at once."""
    request_obj = engine.add_supplier(campaign_kind(KIND), campaign, supplier, actor=actor)
    _figures_changed(campaign)
    return request_obj


@transaction.atomic
def remove_supplier(request_obj: SubmissionRequest, *, actor) -> None:
    """Take a supplier out of a campaign; refused once it has sent a file (files are kept)."""
    request_obj = (
        SubmissionRequest.objects.select_for_update()
        .select_related("campaign", "supplier")
        .get(pk=request_obj.pk)
    )
    if request_obj.campaign.status == Campaign.Status.CLOSED:
        raise RuleViolation(_("The campaign is closed."))
    if request_obj.submissions.exists():
        raise RuleViolation(
            _("%(name)s has already sent a declaration for this campaign; it stays in the campaign.")
            % {"name": request_obj.supplier.legal_name}
        )
    audit.record(
        actor=actor,
        action="submission_request.removed",
        target=request_obj,
        supplier=request_obj.supplier,
        changes={"campaign": [request_obj.campaign.name, None], "status": [request_obj.status, None]},
    )
    request_obj.delete()
    _figures_changed(request_obj.campaign)




# ---------------------------------------------------------------- reminders


def reminder_kind(request_obj: SubmissionRequest, on: date) -> str | None:
    return engine.reminder_kind(campaign_kind(KIND), request_obj, on)


def send_cmrt_reminders(on: date | None = None) -> int:
    """E-mail suppliers whose declaration is due soon or overdue; returns how many requests were reminded."""
    return engine.send_reminders(campaign_kind(KIND), on)


# ---------------------------------------------------------------- read side


def campaigns_with_counts():
    return Campaign.objects.annotate(
        request_count=Count("requests", filter=~Q(requests__status=R.NOT_REQUESTED)),
        responded_count=Count("requests", filter=Q(requests__status__in=RESPONDED)),
        accepted_count=Count("requests", filter=Q(requests__status=R.ACCEPTED)),
    )


def campaign_progress(campaign: Campaign, on: date | None = None) -> dict:
    """The engine's figures; "asked" is what the campaign pages call the requests sent."""
    figures = engine_progress.campaign_progress(campaign_kind(KIND), campaign, on)
    return {**figures, "asked": figures["sent"]}
