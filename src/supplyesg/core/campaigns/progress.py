"""How far a campaign has got, and what a supplier still has to do: read-only, the same for every kind."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.utils import timezone

from supplyesg.core.campaigns.registry import CampaignKind, Stage


def campaign_progress(kind: CampaignKind, campaign, on: date | None = None) -> dict:
    """Counts per status and per stage, and the figures a compliance team follows.

    sent: asked (the campaign is open or closed and the request is not waiting to be sent); opened: the
    supplier has done something with it (draft, file, submission, correction); in_progress: started and not
    handed in (including returned for correction); submitted: waiting for a reviewer; accepted; overdue: still
    with the supplier after the due date; response_rate: responses (the kind's `responded` statuses) per 100
    sent, None before anything is sent.
    """
    on = on or timezone.localdate()
    requests = kind.requests_of(campaign)
    counts = dict(requests.order_by().values_list("status").annotate(n=Count("pk")))
    # Read from the database: callers often hold the instance they passed to open_campaign, still a draft.
    status = kind.campaign_model.objects.filter(pk=campaign.pk).values_list("status", flat=True).first()
    draft = status == campaign.Status.DRAFT
    stages = dict.fromkeys(Stage.ORDER, 0)
    for status, n in counts.items():
        stages[Stage.NOT_SENT if draft else kind.stage(status)] += n
    sent = sum(n for stage, n in stages.items() if stage != Stage.NOT_SENT)
    responded = 0 if draft else sum(counts.get(s, 0) for s in kind.responded)
    overdue = 0 if draft else requests.overdue(on).count()
    return {
        "statuses": [(value, label, counts.get(value, 0)) for value, label in kind.request_model.Status.choices],
        "stages": stages,
        "total": sum(counts.values()),
        "sent": sent,
        "opened": sent - stages[Stage.SENT],
        "in_progress": stages[Stage.IN_PROGRESS] + stages[Stage.RETURNED],
        "submitted": stages[Stage.SUBMITTED],
        "accepted": stages[Stage.ACCEPTED],
        "responded": responded,
        "overdue": overdue,
        "response_rate": round(100 * responded / sent) if sent else None,
    }


@dataclass(frozen=True)
class Due:
    """Where an open request stands against its due date: state "overdue", "due" (inside the reminder
    window) or "" (later, or nothing to do), and days late or left (None when nothing is waiting)."""

    state: str
    days: int | None

    @property
    def waiting(self) -> bool:
        return self.days is not None


def due(request_obj, today: date | None = None) -> Due:
    campaign = request_obj.campaign
    if request_obj.status not in request_obj.OPEN_STATUSES or campaign.status != campaign.Status.OPEN:
        return Due("", None)
    days = (campaign.due_date - (today or timezone.localdate())).days
    if days < 0:
        return Due("overdue", -days)
    if days <= campaign.remind_days_before:
        return Due("due", days)
    return Due("", days)


def portal_todos(kind: CampaignKind, user, today: date | None = None) -> list[str]:
    """The portal home's sentences for this user's requests of one kind, soonest due first.

    Only what `kind.visible_to(user)` returns is read, so a supplier user never sees another supplier's."""
    today = today or timezone.localdate()
    out = []
    for request_obj in kind.visible_to(user).order_by("campaign__due_date", "pk"):
        sentence = kind.todo(request_obj, due(request_obj, today))
        if sentence:
            out.append(str(sentence))
    return out
