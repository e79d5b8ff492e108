"""Session invitations as a campaign kind of the engine in `core.campaigns`, registered from `apps.py`."""

from supplyesg.core.campaigns.registry import CampaignKind, Stage, register_campaign_kind
from supplyesg.engagement.models import Invitation, TrainingCampaign
from supplyesg.engagement.services import invitations

I = Invitation.Status  # noqa: E741

# A decline is an answer: it counts as responded, at the "submitted" stage (nothing more will come).
STAGES = {I.DRAFT: Stage.NOT_SENT, I.INVITED: Stage.SENT, I.DECLINED: Stage.SUBMITTED, I.REGISTERED: Stage.ACCEPTED}


def register() -> CampaignKind:
    return register_campaign_kind(
        CampaignKind(
            key=invitations.KIND,
            campaign_model=TrainingCampaign,
            request_model=Invitation,
            requests="invitations",
            stages=STAGES,
            sent_status=I.INVITED,
            unsent_status=I.DRAFT,
            sent_at_field="invited_at",
            responded=invitations.RESPONDED,
            suppliers_in_scope=invitations.in_scope_suppliers,
            mail=invitations.request_mail,
            visible_to=invitations.invitations_visible_to,
            todo=invitations.todo,
            audit_campaign="training_campaign",
            audit_request="training_invitation",
            not_askable=invitations.NOT_ASKABLE,
        )
    )
