from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MineralsConfig(AppConfig):
    name = "supplyesg.minerals"
    label = "minerals"
    verbose_name = _("Responsible minerals")

    def ready(self):
        # Wiring, not rules: what this app adds to global search, the inbox, notifications and the dashboard.
        from supplyesg.minerals import dashboard, inbox, search

        for module in (search, inbox, dashboard):
            module.register()
