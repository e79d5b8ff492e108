"""Sanctions lists (each load a version, kept as history), their entries, and screening hits to review."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SanctionsList(models.Model):
    """A named list, e.g. "UN SC Consolidated List"; its versions are the files loaded over time."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        app_label = "suppliers"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def current_version(self):
        return self.versions.filter(is_current=True).first()


class SanctionsListVersionQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)


class SanctionsListVersion(models.Model):
    class Format(models.TextChoices):
        UN_XML = "un-xml", _("UN Security Council XML")
        CSV = "csv", _("CSV")
        FTM = "ftm", _("FollowTheMoney JSON")

    sanctions_list = models.ForeignKey(SanctionsList, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(_("version"), max_length=60)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    entry_count = models.PositiveIntegerField(_("entries"), default=0)
    is_current = models.BooleanField(_("current"), default=False)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = SanctionsListVersionQuerySet.as_manager()

    class Meta:
        app_label = "suppliers"
        ordering = ["-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sanctions_list"], condition=models.Q(is_current=True), name="one_current_sanctions_version"
            )
        ]

    def __str__(self):
        return f"{self.sanctions_list.name} {self.version}"


class SanctionsEntry(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Individual")
        ENTITY = "entity", _("Entity")

    # No index of its own: the unique (list_version, reference) leads with it.
    list_version = models.ForeignKey(SanctionsListVersion, on_delete=models.CASCADE, related_name="entries", db_index=False)
    reference = models.CharField(_("reference number"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=500)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    listed_on = models.CharField(_("listed on"), max_length=10, blank=True)
    programme = models.CharField(_("programme"), max_length=200, blank=True)

    class Meta:
        app_label = "suppliers"
        ordering = ["list_version", "reference"]
        constraints = [models.UniqueConstraint(fields=["list_version", "reference"], name="unique_sanctions_reference")]

    def __str__(self):
        return f"{self.reference} {self.name}"

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class SanctionsHitQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=SanctionsHit.Status.PENDING)

    def blocking(self):
        """Confirmed hits on a supplier or its site: the supplier may not receive orders."""
        return self.filter(status=SanctionsHit.Status.CONFIRMED, supplier__isnull=False)


class SanctionsHit(models.Model):
    """A screened name close to a list entry, waiting for (or given) a person's decision.

    One per (list, entry reference, subject, subject name); the evidence is copied so it outlives reloads."""

    class Subject(models.TextChoices):
        SUPPLIER = "supplier", _("Supplier")
        SITE = "site", _("Site")
        SMELTER = "smelter", _("Smelter")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        CONFIRMED = "confirmed", _("Confirmed: sanctioned")
        DISMISSED = "dismissed", _("Dismissed: not the listed party")
        DELISTED = "delisted", _("No longer on the list")

    # No index of its own: the unique (sanctions_list, reference, subject_kind, subject_id, screened_name) leads with it.
    sanctions_list = models.ForeignKey(SanctionsList, on_delete=models.CASCADE, related_name="hits", db_index=False)
    entry = models.ForeignKey(SanctionsEntry, null=True, on_delete=models.SET_NULL, related_name="hits")
    reference = models.CharField(_("reference number"), max_length=100)
    entry_name = models.CharField(_("listed name"), max_length=500)
    entry_names = models.JSONField(_("listed names"), default=list)
    list_version = models.CharField(_("list version"), max_length=60)
    subject_kind = models.CharField(_("screened"), max_length=10, choices=Subject.choices)
    subject_id = models.PositiveIntegerField()
    subject_label = models.CharField(_("screened party"), max_length=255)
    supplier = models.ForeignKey(
        "suppliers.Supplier", null=True, blank=True, on_delete=models.CASCADE, related_name="sanctions_hits"
    )
    screened_name = models.CharField(_("screened name"), max_length=255)
    matched_name = models.CharField(_("matched listed name"), max_length=500)
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("why"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    found_at = models.DateTimeField(_("found"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    objects = SanctionsHitQuerySet.as_manager()

    class Meta:
        app_label = "suppliers"
        ordering = ["status", "-score", "-found_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sanctions_list", "reference", "subject_kind", "subject_id", "screened_name"],
                name="unique_sanctions_hit",
            )
        ]

    def __str__(self):
        return f"{self.subject_label} ~ {self.entry_name} ({self.reference})"
