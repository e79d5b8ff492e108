from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "supplyesg.engagement"
    label = "engagement"
    verbose_name = _("Supplier engagement and training")

    def ready(self):
        # Wiring, not rules: the invitation campaign kind, the supplier page's training tab, history labels.
        from supplyesg.core import history
        from supplyesg.engagement import kind, supplier_page
        from supplyesg.engagement.labels import ACTION_LABELS

        kind.register()
        supplier_page.register()
        history.register_actions(ACTION_LABELS)
