from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MineralsConfig(AppConfig):
    name = "supplyesg.minerals"
    label = "minerals"
    verbose_name = _("Responsible minerals")
