"""CMRT/EMRT campaign services, one import for views, the API, commands and tests:
`from supplyesg.minerals.campaigns import services as campaigns`.

campaigns: creating a campaign, its scope, asking suppliers, reminders, progress (on the `core.campaigns` engine)
submissions: checking and storing a file, accepting or returning it
reviews: the smelter name review queue
The access helpers live in `minerals.campaigns.access` and are re-exported here for the same callers.
"""

from supplyesg.minerals.campaigns.access import (
    get_campaign_for_user,
    get_request_for_user,
    get_submission_for_user,
    requests_visible_to,
    submissions_visible_to,
)
from supplyesg.minerals.campaigns.services.campaigns import (
    KIND,
    MAX_MINERALS,
    MINERALS_BY_TEMPLATE,
    NOT_ASKABLE,
    REMINDED,
    RESPONDED,
    add_supplier,
    campaign_progress,
    campaign_scope,
    campaigns_with_counts,
    close_campaign,
    create_campaign,
    in_scope_suppliers,
    mineral_categories,
    open_campaign,
    reminder_kind,
    remove_supplier,
    request_mail,
    send_cmrt_reminders,
    send_to_newcomers,
)
from supplyesg.minerals.campaigns.services.reviews import (
    SUGGESTION_THRESHOLD,
    confirm_smelter_review,
    queue_reviews,
    reject_smelter_review,
    reported_name,
)
from supplyesg.minerals.campaigns.services.submissions import (
    PENDING_SUBMISSIONS,
    Acceptance,
    accept_submission,
    accept_submissions,
    campaign_requests,
    declared_kind,
    findings_for,
    kind_mismatch,
    latest_submissions,
    return_submission,
    submit_declaration,
)

__all__ = [
    "KIND",
    "MINERALS_BY_TEMPLATE",
    "MAX_MINERALS",
    "NOT_ASKABLE",
    "PENDING_SUBMISSIONS",
    "REMINDED",
    "RESPONDED",
    "SUGGESTION_THRESHOLD",
    "Acceptance",
    "accept_submission",
    "accept_submissions",
    "add_supplier",
    "campaign_progress",
    "campaign_requests",
    "campaign_scope",
    "campaigns_with_counts",
    "close_campaign",
    "confirm_smelter_review",
    "create_campaign",
    "declared_kind",
    "findings_for",
    "get_campaign_for_user",
    "get_request_for_user",
    "get_submission_for_user",
    "in_scope_suppliers",
    "kind_mismatch",
    "latest_submissions",
    "mineral_categories",
    "open_campaign",
    "queue_reviews",
    "reject_smelter_review",
    "remove_supplier",
    "reminder_kind",
    "reported_name",
    "request_mail",
    "requests_visible_to",
    "return_submission",
    "send_cmrt_reminders",
    "send_to_newcomers",
    "submissions_visible_to",
    "submit_declaration",
]
