from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "supplyesg.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from supplyesg.core import checks  # noqa: F401 (registers the system checks)
        from supplyesg.core.middleware import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="supplyesg-idle-clock")

        # Downloads prepared by the worker: the task that builds them (apps register their builders).
        from supplyesg.core import exports, jobs, tasks

        jobs.register(exports.JOB_KIND, tasks.build_export)
