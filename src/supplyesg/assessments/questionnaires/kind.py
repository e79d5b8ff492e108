"""The questionnaire as a campaign kind of the engine in `core.campaigns`, registered from `apps.py`."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from supplyesg.assessments import access
from supplyesg.assessments.models import QuestionnaireCampaign, Response
from supplyesg.assessments.questionnaires import campaigns
from supplyesg.core.campaigns.registry import CampaignKind, Stage, register_campaign_kind

S = Response.Status

STAGES = {
    S.NOT_STARTED: Stage.SENT,
    S.DRAFT: Stage.IN_PROGRESS,
    S.RETURNED: Stage.RETURNED,
    S.SUBMITTED: Stage.SUBMITTED,
    S.ACCEPTED: Stage.ACCEPTED,
}


def todo(response: Response, due) -> str | None:
    """What the supplier's portal home says about one questionnaire still to fill in or correct."""
    if not due.waiting:  # submitted, accepted, or its campaign is not open: nothing to do
        return None
    values = {"campaign": response.campaign.name, "date": date_format(response.campaign.due_date, "DATE_FORMAT")}
    if response.status == S.RETURNED:
        return _("%(campaign)s: your answers were returned for correction.") % values
    if due.state == "overdue":
        return _("%(campaign)s: the questionnaire was due on %(date)s; please submit it.") % values
    return _("%(campaign)s: please fill in and submit the questionnaire by %(date)s.") % values


def register() -> CampaignKind:
    return register_campaign_kind(
        CampaignKind(
            key=campaigns.KIND,
            campaign_model=QuestionnaireCampaign,
            request_model=Response,
            requests="responses",
            stages=STAGES,
            sent_status=S.NOT_STARTED,
            responded=campaigns.ANSWERED,
            suppliers_in_scope=campaigns.in_scope_suppliers,
            mail=campaigns.response_mail,
            visible_to=access.responses_visible_to,
            todo=todo,
            audit_campaign="questionnaire_campaign",
            audit_request="questionnaire_response",
            supplier_field="code",
            not_askable=campaigns.NOT_ASKABLE,
        )
    )
