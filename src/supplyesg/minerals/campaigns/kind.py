"""The CMRT/EMRT request as a campaign kind of the engine in `core.campaigns`, registered from `apps.py`."""

from django.utils.translation import gettext as _

from supplyesg.core.campaigns.registry import CampaignKind, Stage, register_campaign_kind
from supplyesg.minerals.campaigns import access
from supplyesg.minerals.campaigns.services import campaigns
from supplyesg.minerals.models import Campaign, SubmissionRequest

R = SubmissionRequest.Status

STAGES = {
    R.NOT_REQUESTED: Stage.NOT_SENT,
    R.REQUESTED: Stage.SENT,
    R.RECEIVED_ERRORS: Stage.IN_PROGRESS,
    R.RETURNED: Stage.RETURNED,
    R.RECEIVED_VALID: Stage.SUBMITTED,
    R.ACCEPTED: Stage.ACCEPTED,
}


def todo(request_obj: SubmissionRequest, due) -> str | None:
    """What the supplier's portal home says about one request: corrections first, then what is due."""
    values = {
        "campaign": request_obj.campaign.name,
        "template": request_obj.campaign.template,
        "date": request_obj.campaign.due_date,
    }
    if request_obj.status == R.RETURNED:
        return _("%(campaign)s: your declaration was returned for correction.") % values
    if request_obj.status == R.RECEIVED_ERRORS:
        return _("%(campaign)s: your declaration has errors; please upload a corrected file.") % values
    if due.state == "overdue":
        return _("%(campaign)s: your %(template)s was due on %(date)s; please send it.") % values
    if due.waiting:  # every open request from the day it is sent, not only near its due date
        return _("%(campaign)s: please send your %(template)s by %(date)s.") % values
    return None


def register() -> CampaignKind:
    return register_campaign_kind(
        CampaignKind(
            key=campaigns.KIND,
            campaign_model=Campaign,
            request_model=SubmissionRequest,
            requests="requests",
            stages=STAGES,
            sent_status=R.REQUESTED,
            unsent_status=R.NOT_REQUESTED,
            sent_at_field="requested_at",
            responded=campaigns.RESPONDED,
            suppliers_in_scope=campaigns.in_scope_suppliers,
            mail=campaigns.request_mail,
            visible_to=access.requests_visible_to,
            todo=todo,
            audit_campaign="campaign",
            audit_request="submission_request",
            supplier_field="supplier",
            not_askable=campaigns.NOT_ASKABLE,
        )
    )
