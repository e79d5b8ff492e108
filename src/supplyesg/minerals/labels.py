"""How minerals events read in the history (registered with core.history from apps.py)."""

from django.utils.translation import gettext_lazy

ACTION_LABELS = {
    "campaign.created": gettext_lazy("Minerals campaign created"),
    "campaign.opened": gettext_lazy("Minerals campaign opened"),
    "campaign.closed": gettext_lazy("Minerals campaign closed"),
    "campaign.sent_to_newcomers": gettext_lazy("Minerals campaign sent to suppliers new in its scope"),
    "campaign.bulk_import_started": gettext_lazy("Reporting templates imported in bulk"),
    "campaign.bulk_file_assigned": gettext_lazy("Reporting template assigned to a supplier"),
    "submission_request.added": gettext_lazy("Supplier added to a minerals campaign"),
    "submission_request.requested": gettext_lazy("Reporting template requested"),
    "submission_request.reminded": gettext_lazy("Reporting template reminder sent"),
    "submission_request.removed": gettext_lazy("Supplier removed from a minerals campaign"),
    "submission.received": gettext_lazy("Reporting template received"),
    "submission.accepted": gettext_lazy("Reporting template accepted"),
    "submission.returned": gettext_lazy("Reporting template returned for rework"),
    "submission.reassigned": gettext_lazy("Reporting template assigned to another supplier"),
    "submission.company_name_confirmed": gettext_lazy("Company name in the template confirmed"),
    "smelter_review.confirmed": gettext_lazy("Smelter name confirmed"),
    "smelter_review.rejected": gettext_lazy("Smelter name rejected"),
    "smelter.updated": gettext_lazy("Smelter changed"),
    "smelter.alias_confirmed": gettext_lazy("Smelter alias confirmed"),
    "smelter.alias_withdrawn": gettext_lazy("Smelter alias withdrawn"),
    "smelter_list.loaded": gettext_lazy("Smelter reference list loaded"),
    "rmap.loaded": gettext_lazy("RMAP smelter list loaded"),
    "company_declaration.updated": gettext_lazy("Company declaration changed"),
    "minerals_case.proposal_dismissed": gettext_lazy("Proposed risk case dismissed"),
}
