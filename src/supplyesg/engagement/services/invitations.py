"""Invitations to a session: a campaign kind of the engine in `core.campaigns` (scope by tier, category, country
or by hand; reminders before the registration deadline and when it is overdue). The supplier answers in the
portal by registering participants, or declines."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from supplyesg.core import audit as trail
from supplyesg.core.campaigns import services as engine
from supplyesg.core.campaigns.progress import campaign_progress as engine_progress
from supplyesg.core.campaigns.registry import campaign_kind
from supplyesg.core.campaigns.scope import Scope, select_suppliers
from supplyesg.core.errors import RuleViolation
from supplyesg.core.mail import Letter, supplier_recipients
from supplyesg.engagement.models import Attendance, Invitation, Session, TrainingCampaign
from supplyesg.engagement.services.programme import require_organiser
from supplyesg.suppliers.models import Supplier

KIND = "training"
I = Invitation.Status  # noqa: E741
RESPONDED = (I.REGISTERED, I.DECLINED)
NOT_ASKABLE = (Supplier.Status.BLACKLISTED, Supplier.Status.EXITED)
MAX_PEOPLE = 50


def _kind():
    return campaign_kind(KIND)


# ---------------------------------------------------------------- the kind's hooks


def campaign_scope(campaign: TrainingCampaign) -> Scope:
    categories = list(campaign.scope_categories.values_list("pk", flat=True))
    return Scope(
        everyone=campaign.scope_everyone,
        tiers=campaign.scope_tiers or None,
        countries=campaign.scope_countries or None,
        category_ids=categories or None,
        supplier_ids=list(campaign.invitations.values_list("supplier_id", flat=True)),
    )


def in_scope_suppliers(campaign: TrainingCampaign):
    return select_suppliers(Supplier.objects.approved(), campaign_scope(campaign))


def request_mail(invitation: Invitation, reason: str) -> Letter | None:
    recipients = supplier_recipients(invitation.supplier)
    if not recipients:
        return None

    def compose():
        session = invitation.campaign.session
        values = {
            "supplier": invitation.supplier.legal_name,
            "course": session.course.title,
            "when": date_format(timezone.localtime(session.starts_at), "SHORT_DATETIME_FORMAT"),
            "mode": session.get_mode_display(),
            "due": date_format(invitation.campaign.due_date, "SHORT_DATE_FORMAT"),
        }
        subject = _("Training invitation: %(course)s") % values
        if reason == "overdue":
            subject = _("Reminder, registration closed: %(course)s") % values
        elif reason == "before":
            subject = _("Reminder: %(course)s") % values
        body = (
            _(
                "%(supplier)s: you are invited to “%(course)s” (%(mode)s) on %(when)s. Please register your participants "
                "in the supplier portal under Training by %(due)s, or decline."
            )
            % values
        )
        return subject, body

    return Letter(recipients, compose, path=reverse("engagement_portal:home"), supplier=invitation.supplier)


def invitations_visible_to(user):
    if not (user and user.is_authenticated and user.is_active):
        return Invitation.objects.none()
    if user.is_internal:
        return Invitation.objects.all()
    if user.is_supplier_user and user.supplier_id:
        return Invitation.objects.filter(supplier_id=user.supplier_id).exclude(campaign__status=TrainingCampaign.Status.DRAFT)
    return Invitation.objects.none()


def todo(invitation: Invitation, due) -> str | None:
    values = {"course": invitation.campaign.session.course.title, "date": invitation.campaign.due_date}
    if invitation.status != I.INVITED:
        return None
    if due.state == "overdue":
        return _("Training “%(course)s”: registration was due on %(date)s; register participants or decline.") % values
    return _("Training “%(course)s”: please register participants by %(date)s.") % values


# ---------------------------------------------------------------- staff


@transaction.atomic
def create_campaign(
    *,
    actor,
    session: Session,
    name: str,
    due_date: date | None,
    tiers=(),
    countries=(),
    categories=(),
    everyone: bool = False,
    suppliers=(),
    remind_days_before: int = 7,
    remind_every_days_after: int = 3,
) -> TrainingCampaign:
    """A draft invitation campaign for one session; registration closes on `due_date` (before the session)."""
    require_organiser(actor)
    problems = []
    name = engine.clean_name(name, problems)
    engine.clean_schedule(
        due_date=due_date,
        remind_days_before=remind_days_before,
        remind_every_days_after=remind_every_days_after,
        problems=problems,
    )
    if due_date is not None and due_date > timezone.localtime(session.starts_at).date():
        problems.append(_("due_date: registration must close by the day of the session."))
    tiers = sorted({int(t) for t in tiers or ()})
    if any(t not in Supplier.Tier.values for t in tiers):
        problems.append(_("tiers: unknown tier."))
    countries = sorted({str(c).upper() for c in countries or () if str(c).strip()})
    suppliers = list(suppliers or ())
    categories = list(categories or ())
    if not (everyone or tiers or countries or categories or suppliers):
        problems.append(_("scope: choose every supplier, tiers, categories, countries or suppliers by code."))
    if problems:
        raise RuleViolation(problems)
    campaign = TrainingCampaign.objects.create(
        session=session,
        name=name,
        due_date=due_date,
        remind_days_before=remind_days_before,
        remind_every_days_after=remind_every_days_after,
        scope_tiers=tiers,
        scope_countries=countries,
        scope_everyone=everyone,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    campaign.scope_categories.set(categories)
    for supplier in suppliers:
        Invitation.objects.create(campaign=campaign, supplier=supplier, status=I.DRAFT)
    trail.record(
        actor=actor,
        action="training_campaign.created",
        target=campaign,
        changes={"session": [None, session.pk], "tiers": [None, tiers], "countries": [None, countries]},
    )
    return campaign


def open_campaign(campaign: TrainingCampaign, *, actor) -> int:
    require_organiser(actor)
    return engine.open_campaign(_kind(), campaign, actor=actor)


def close_campaign(campaign: TrainingCampaign, *, actor):
    require_organiser(actor)
    return engine.close_campaign(_kind(), campaign, actor=actor)


def add_supplier(campaign: TrainingCampaign, supplier, *, actor):
    require_organiser(actor)
    return engine.add_supplier(_kind(), campaign, supplier, actor=actor)


def send_reminders(on: date | None = None) -> int:
    return engine.send_reminders(_kind(), on)


def campaign_progress(campaign: TrainingCampaign, on: date | None = None) -> dict:
    return engine_progress(_kind(), campaign, on)


# ---------------------------------------------------------------- the supplier


def _own(invitation: Invitation, actor) -> Invitation:
    if not (getattr(actor, "is_supplier_user", False) and actor.supplier_id == invitation.supplier_id):
        raise PermissionDenied
    return Invitation.objects.select_for_update(of=("self",)).select_related("campaign__session__course").get(pk=invitation.pk)


@transaction.atomic
def register_participants(invitation: Invitation, *, actor, people: list[dict]) -> list[Attendance]:
    """The supplier names who will attend (name, role, e-mail); each becomes a registered attendance of the
    session. Capacity counts every supplier's registrations."""
    invitation = _own(invitation, actor)
    campaign = invitation.campaign
    session = campaign.session
    if campaign.status != TrainingCampaign.Status.OPEN or invitation.status == I.DECLINED:
        raise RuleViolation(_("This invitation is closed."))
    problems, clean = [], []
    for number, person in enumerate(people, start=1):
        name = " ".join(str(person.get("name", "")).split())
        role = " ".join(str(person.get("role", "")).split())
        email = str(person.get("email", "")).strip().lower()
        if not (name or role or email):
            continue
        values = {"n": number}
        if not name or len(name) > 200:
            problems.append(_("participant %(n)s, name: give the person's name (at most 200 characters).") % values)
        if len(role) > 100:
            problems.append(_("participant %(n)s, role: at most 100 characters.") % values)
        if email and ("@" not in email or len(email) > 254):
            problems.append(_("participant %(n)s, email: not an e-mail address.") % values)
        clean.append((name, role, email))
    if not clean and not problems:
        problems.append(_("participants: name at least one participant."))
    if len(clean) > MAX_PEOPLE:
        problems.append(_("participants: at most %(n)s at a time.") % {"n": MAX_PEOPLE})
    taken = Attendance.objects.filter(session=session).exclude(status=Attendance.Status.ABSENT).count()
    if session.capacity is not None and taken + len(clean) > session.capacity:
        problems.append(_("participants: the session has %(left)s places left.") % {"left": max(session.capacity - taken, 0)})
    if problems:
        raise RuleViolation(problems)
    held_on = timezone.localtime(session.starts_at).date()
    created = [
        Attendance.objects.create(
            course=session.course,
            session=session,
            supplier_id=invitation.supplier_id,
            invitation=invitation,
            person_name=name,
            role=role,
            email=email,
            held_on=held_on,
            source=Attendance.Source.PORTAL,
            hours=session.course.hours,
        )
        for name, role, email in clean
    ]
    old = invitation.status
    invitation.status = I.REGISTERED
    invitation.save(update_fields=["status"])
    trail.record(
        actor=actor,
        action="training_invitation.registered",
        target=invitation,
        supplier=invitation.supplier,
        changes={"status": [old, I.REGISTERED], "participants": [None, [c[0] for c in clean]]},
    )
    return created


@transaction.atomic
def decline_invitation(invitation: Invitation, *, actor, reason: str = "") -> Invitation:
    invitation = _own(invitation, actor)
    if invitation.status != I.INVITED or invitation.campaign.status != TrainingCampaign.Status.OPEN:
        raise RuleViolation(_("Only an open invitation without registrations can be declined."))
    invitation.status = I.DECLINED
    invitation.save(update_fields=["status"])
    trail.record(
        actor=actor,
        action="training_invitation.declined",
        target=invitation,
        supplier=invitation.supplier,
        changes={"status": [I.INVITED, I.DECLINED]},
        reason=(reason or "").strip()[:500],
    )
    return invitation
