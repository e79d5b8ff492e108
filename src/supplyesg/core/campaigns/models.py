"""Abstract bases of every campaign kind: the columns they share, so each kind keeps its own tables."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplyesg.core.model_names import loaded_or_id


class CampaignBase(models.Model):
    """A campaign: a name, a due date, when to remind, and draft → open → closed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    due_date = models.DateField(_("due date"))
    remind_days_before = models.PositiveSmallIntegerField(_("remind this many days before the due date"), default=7)
    remind_every_days_after = models.PositiveSmallIntegerField(_("then remind every this many days when overdue"), default=7)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CampaignRequestQuerySet(models.QuerySet):
    """Query vocabulary of every kind's requests (the model names its OPEN_STATUSES)."""

    def open(self):
        return self.filter(status__in=self.model.OPEN_STATUSES)

    def overdue(self, on=None):
        on = on or timezone.localdate()
        return self.open().filter(campaign__due_date__lt=on)

    def matching(self, filters: dict):
        """The requests a campaign's list shows for its filter form's cleaned data (status, overdue only)."""
        qs = self
        if filters.get("status"):
            qs = qs.filter(status=filters["status"])
        if filters.get("overdue"):
            qs = qs.overdue()
        return qs

    def in_open_campaigns(self):
        return self.filter(campaign__status=CampaignBase.Status.OPEN)


class CampaignRequest(models.Model):
    """One supplier asked in one campaign. A kind adds `campaign` and `supplier` foreign keys (its own related
    names), a `status` with its choices, and names which statuses are still waiting for the supplier."""

    OPEN_STATUSES: tuple = ()

    last_reminded_at = models.DateTimeField(null=True, blank=True)

    objects = CampaignRequestQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        # "<supplier code> / campaign #<id>". The code only when the supplier is already loaded (the services that
        # record a request's events hold it), else the supplier's id: printing a request never queries.
        return f"{loaded_or_id(self, 'supplier', 'code')} / campaign #{self.campaign_id}"
