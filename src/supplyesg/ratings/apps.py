from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "supplyesg.ratings"
    label = "ratings"
    verbose_name = _("Quarterly ratings")

    def ready(self):
        # Wiring, not rules: what this app adds to global search, the inbox, notifications and the dashboard.
        from supplyesg.ratings import dashboard, inbox

        for module in (inbox, dashboard):
            module.register()
