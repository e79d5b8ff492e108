"""What every campaign kind does the same way: asking suppliers, adding and removing one, closing, reminding.

Each write is one transaction with its audit rows; e-mails go out on commit. Kinds wrap these in their own
verb_noun services (`minerals.campaigns.services.open_campaign`, ...) and pass their `CampaignKind`.
"""

from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.campaigns.registry import CampaignKind, Stage
from supplyesg.core.campaigns.reminders import reminder_due
from supplyesg.core.errors import RuleViolation
from supplyesg.core.mail import send_on_commit


def clean_name(name, problems: list) -> str:
    """The campaign's name with its spaces tidied; a problem named after the field when there is none."""
    name = " ".join((name or "").split())
    if not name:
        problems.append(_("name: give the campaign a name."))
    return name[:200]


def clean_schedule(*, due_date, remind_days_before, remind_every_days_after, problems: list) -> None:
    """A due date from today on, and reminder days from 0 (no reminder) to 365, each problem naming its field."""
    if due_date is None:
        problems.append(_("due_date: give a due date."))
    elif due_date < timezone.localdate():
        problems.append(_("due_date: the due date is in the past."))
    for label, value in (
        ("remind_days_before", remind_days_before),
        ("remind_every_days_after", remind_every_days_after),
    ):
        try:
            days = int(value)
        except (TypeError, ValueError):
            days = -1
        if not 0 <= days <= 365:
            problems.append(_("%(field)s: give a number of days from 0 to 365.") % {"field": label})


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def _lock(kind: CampaignKind, campaign):
    return kind.campaign_model.objects.select_for_update().get(pk=campaign.pk)


def status_while_writing(campaign) -> str:
    """The status of `campaign` (read inside the current transaction) for a supplier's write into it (a file,
    an answer), which then stands until the write commits. On PostgreSQL the row is share-locked: writes into
    one campaign hold it side by side, and closing the campaign (`_lock`, for update) waits for those in
    flight, so nothing lands in a closed campaign. Locking the campaign for update instead made every
    supplier's write wait for the one before. On SQLite a transaction (IMMEDIATE) holds the database's one
    write lock from its start: the status read is already final."""
    if connection.vendor != "postgresql":
        return campaign.status
    table = connection.ops.quote_name(type(campaign)._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status FROM {table} WHERE id = %s FOR SHARE", [campaign.pk])
        return cursor.fetchone()[0]


def with_recipients(queryset):
    """Requests with what their e-mails need, in two extra queries for any number of them."""
    return queryset.select_related("campaign", "supplier").prefetch_related(
        "supplier__contacts", "supplier__portal_users"
    )


def _asked_fields(kind: CampaignKind, now) -> dict:
    fields = {"status": kind.sent_status}
    if kind.sent_at_field:
        fields[kind.sent_at_field] = now
    return fields


def ask_newcomers(kind: CampaignKind, campaign, *, now=None) -> list[int]:
    """Create a request for every in-scope supplier not yet in the campaign; never a second one for anybody.

    Requests added by hand to the draft are asked too. Returns the ids of the requests asked now."""
    now = now or timezone.now()
    requests = kind.requests_of(campaign)
    existing = set(requests.values_list("supplier_id", flat=True))
    newcomers = [
        pk for pk in kind.suppliers_in_scope(campaign).order_by().values_list("pk", flat=True) if pk not in existing
    ]
    kind.request_model.objects.bulk_create(
        [kind.request_model(campaign=campaign, supplier_id=pk, **_asked_fields(kind, now)) for pk in newcomers],
        batch_size=500,
        ignore_conflicts=True,  # a concurrent run added the same supplier: the unique constraint keeps one
    )
    waiting = requests.filter(supplier_id__in=newcomers)
    if kind.unsent_status is not None:
        waiting = waiting | requests.filter(status=kind.unsent_status)
    ids = list(waiting.values_list("pk", flat=True))
    if kind.unsent_status is not None:
        requests.filter(status=kind.unsent_status).update(**_asked_fields(kind, now))
    return ids


def _record_asked(kind: CampaignKind, asked: list, *, actor, reason: str) -> None:
    for request_obj in asked:
        audit.record(
            actor=actor,
            action=f"{kind.audit_request}.requested",
            target=request_obj,
            supplier=request_obj.supplier,
            changes={"status": [kind.unsent_status, request_obj.status]},
            reason=reason,
        )
    send_on_commit([kind.mail(r, "requested") for r in asked])


@transaction.atomic
def open_campaign(kind: CampaignKind, campaign, *, actor) -> int:
    """Ask every in-scope supplier (and those added by hand): one request each, e-mailed on commit."""
    campaign = _lock(kind, campaign)
    if campaign.status != campaign.Status.DRAFT:
        raise RuleViolation(_("Only a draft campaign can be opened."))
    if campaign.due_date < timezone.localdate():
        raise RuleViolation(_("due_date: the due date is in the past; the campaign cannot be opened."))
    ask_newcomers(kind, campaign)
    campaign.status = campaign.Status.OPEN
    campaign.save(update_fields=["status"])
    asked = list(with_recipients(kind.requests_of(campaign).all()))
    _record_asked(kind, asked, actor=actor, reason=campaign.name)
    audit.record(
        actor=actor,
        action=f"{kind.audit_campaign}.opened",
        target=campaign,
        changes={"status": [campaign.Status.DRAFT, campaign.Status.OPEN], kind.requests: [None, len(asked)]},
    )
    return len(asked)


@transaction.atomic
def send_to_newcomers(kind: CampaignKind, campaign, *, actor) -> int:
    """In an open campaign, ask the suppliers that came into scope since it was opened (newly approved, newly
    in a category); those already asked are not asked or e-mailed again. Returns how many were asked."""
    campaign = _lock(kind, campaign)
    if campaign.status != campaign.Status.OPEN:
        raise RuleViolation(_("Only an open campaign can be sent to newcomers."))
    ids = ask_newcomers(kind, campaign)
    asked = list(with_recipients(kind.request_model.objects.filter(pk__in=ids)))
    _record_asked(kind, asked, actor=actor, reason=campaign.name)
    if asked:
        audit.record(
            actor=actor,
            action=f"{kind.audit_campaign}.sent_to_newcomers",
            target=campaign,
            changes={kind.requests: [None, len(asked)]},
        )
    return len(asked)


@transaction.atomic
def close_campaign(kind: CampaignKind, campaign, *, actor):
    campaign = _lock(kind, campaign)
    if campaign.status == campaign.Status.CLOSED:
        raise RuleViolation(_("The campaign is already closed."))
    old = campaign.status
    campaign.status = campaign.Status.CLOSED
    campaign.save(update_fields=["status"])
    audit.record(
        actor=actor, action=f"{kind.audit_campaign}.closed", target=campaign, changes={"status": [old, campaign.status]}
    )
    return campaign


@transaction.atomic
def add_supplier(kind: CampaignKind, campaign, supplier, *, actor):
    """Add one supplier by hand; in an open campaign it is asked (and e-mailed) at once."""
    campaign = _lock(kind, campaign)
    values = {"field": kind.supplier_field, "name": supplier.legal_name}
    if campaign.status == campaign.Status.CLOSED:
        raise RuleViolation(_("The campaign is closed."))
    if supplier.status in kind.not_askable:
        raise RuleViolation(
            _("%(field)s: %(name)s is %(status)s and cannot be asked.")
            % {**values, "status": supplier.get_status_display()}
        )
    if kind.requests_of(campaign).filter(supplier=supplier).exists():
        raise RuleViolation(_("%(field)s: %(name)s is already in this campaign.") % values)
    is_open = campaign.status == campaign.Status.OPEN
    fields = _asked_fields(kind, timezone.now()) if is_open or kind.unsent_status is None else {}
    if not fields:
        fields = {"status": kind.unsent_status}
    request_obj = kind.request_model.objects.create(campaign=campaign, supplier=supplier, **fields)
    audit.record(
        actor=actor,
        action=f"{kind.audit_request}.added",
        target=request_obj,
        supplier=supplier,
        changes={"campaign": [None, campaign.name], "status": [None, request_obj.status]},
    )
    if is_open:
        send_on_commit([kind.mail(request_obj, "requested")])
    return request_obj


def reminder_kind(kind: CampaignKind, request_obj, on: date) -> str | None:
    """"before", "overdue" or None: the shared rule, counting from the last reminder or the request."""
    campaign = request_obj.campaign
    stamps = [request_obj.last_reminded_at]
    if kind.sent_at_field:
        stamps.append(getattr(request_obj, kind.sent_at_field))
    seen = [timezone.localdate(t) for t in stamps if t]
    return reminder_due(
        on=on,
        due_date=campaign.due_date,
        days_before=campaign.remind_days_before,
        every_days_after=campaign.remind_every_days_after,
        last=max(seen) if seen else None,
    )


@transaction.atomic
def send_reminders(kind: CampaignKind, on: date | None = None) -> int:
    """E-mail suppliers whose request is due soon or overdue and still waiting for them; returns how many."""
    on = on or timezone.localdate()
    waiting = [s for s, stage in kind.stages.items() if stage != Stage.NOT_SENT]
    requests = with_recipients(
        kind.request_model.objects.in_open_campaigns().open().filter(status__in=waiting).order_by("pk")
    )
    mails, reminded = [], []
    for request_obj in requests:
        reason = reminder_kind(kind, request_obj, on)
        if reason is None:
            continue
        reminded.append(request_obj.pk)
        mails.append(kind.mail(request_obj, reason))
        audit.record(
            actor=None,
            action=f"{kind.audit_request}.reminded",
            target=request_obj,
            supplier=request_obj.supplier,
            changes={"reminder": [None, reason]},
            reason=request_obj.campaign.name,
        )
    # Stamped with the day reminded for (the commands' --date), so a run for a later day counts from it.
    now = timezone.localtime()
    stamp = now if on == now.date() else now.replace(year=on.year, month=on.month, day=on.day)
    kind.request_model.objects.filter(pk__in=reminded).update(last_reminded_at=stamp)
    send_on_commit(mails)
    return len(reminded)
