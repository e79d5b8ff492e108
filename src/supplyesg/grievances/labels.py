"""How grievance events read in the audit trail. The sentences name what a handler did, never what a report says:
the trail is readable by more people than the case."""

from django.utils.translation import gettext_lazy

ACTION_LABELS = {
    "grievance.acknowledged": gettext_lazy("Grievance acknowledged"),
    "grievance.moved": gettext_lazy("Grievance moved to another stage"),
    "grievance.closed": gettext_lazy("Grievance closed"),
    "grievance.message_added": gettext_lazy("Message added to a grievance"),
    "grievance.linked": gettext_lazy("Grievance linked to a supplier or finding"),
    "grievance.identity_requested": gettext_lazy("Reporter identity requested"),
    "grievance.identity_approved": gettext_lazy("Reporter identity request approved"),
    "grievance.identity_denied": gettext_lazy("Reporter identity request denied"),
    "grievance.identity_viewed": gettext_lazy("Reporter identity viewed"),
    "grievance.deleted": gettext_lazy("Grievance deleted after its retention period"),
}
