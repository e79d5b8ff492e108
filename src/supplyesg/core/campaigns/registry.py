"""The campaign kinds, each registered once from its app's `AppConfig.ready`."""

from collections.abc import Callable
from dataclasses import dataclass, field


class Stage:
    """Where a request stands for the progress figures, whatever the kind calls its statuses."""

    NOT_SENT = "not_sent"  # in a draft campaign, or added to one and not asked yet
    SENT = "sent"  # asked; the supplier has done nothing with it yet
    IN_PROGRESS = "in_progress"  # the supplier has opened it and is working on it (a draft, a file with errors)
    RETURNED = "returned"  # sent back to the supplier for correction
    SUBMITTED = "submitted"  # waiting for a reviewer
    ACCEPTED = "accepted"

    ORDER = (NOT_SENT, SENT, IN_PROGRESS, RETURNED, SUBMITTED, ACCEPTED)


@dataclass(frozen=True)
class CampaignKind:
    """What the engine needs to know about one kind of campaign.

    Models: ``campaign_model`` (on `CampaignBase`) and ``request_model`` (on `CampaignRequest`, with
    ``campaign`` and ``supplier`` foreign keys; ``requests`` is the campaign's related name for them).

    Hooks, each given the objects it needs and returning plain values:
      suppliers_in_scope(campaign) -> Supplier QuerySet: who the campaign asks (see `scope.select_suppliers`)
      mail(request, reason) -> EmailMessage | None: reason is "requested", "before" or "overdue" (reminders)
      visible_to(user) -> request QuerySet: the kind's access helper (supplier users: their own, once asked)
      todo(request, due) -> str | None: the portal sentence for one open request of a supplier, given its `Due`
    """

    key: str
    campaign_model: type
    request_model: type
    requests: str  # related name of the requests on the campaign, e.g. "requests", "responses"
    stages: dict  # request status -> Stage
    sent_status: str  # the status a request gets when it is asked
    suppliers_in_scope: Callable
    mail: Callable
    visible_to: Callable
    todo: Callable
    unsent_status: str | None = None  # the status of a request added to a draft campaign, if it differs
    sent_at_field: str = ""  # a datetime field stamped when a request is asked (reminders count from it)
    responded: tuple = ()  # statuses counting as a response for the response rate
    audit_campaign: str = "campaign"  # audit action prefixes: "<prefix>.opened", "<prefix>.reminded", ...
    audit_request: str = "campaign_request"
    supplier_field: str = "supplier"  # the form field errors about the supplier are named after
    not_askable: tuple = ()  # supplier statuses never asked (blacklisted, exited)
    extra: dict = field(default_factory=dict)

    def requests_of(self, campaign):
        return getattr(campaign, self.requests)

    def stage(self, status: str) -> str:
        return self.stages.get(status, Stage.SENT)


_kinds: dict[str, CampaignKind] = {}


def register_campaign_kind(kind: CampaignKind) -> CampaignKind:
    """Register (or re-register, on reload) a kind under its key."""
    _kinds[kind.key] = kind
    return kind


def campaign_kind(key: str) -> CampaignKind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"no campaign kind {key!r} is registered") from None


def campaign_kinds() -> list[CampaignKind]:
    return list(_kinds.values())


def kind_of(obj) -> CampaignKind:
    """The kind a campaign or request (instance or model) belongs to."""
    model = obj if isinstance(obj, type) else type(obj)
    for kind in _kinds.values():
        if issubclass(model, (kind.campaign_model, kind.request_model)):
            return kind
    raise LookupError(f"{model.__name__} is not a registered campaign kind")
