"""Minerals reference data: the RMI smelter list with aliases, RMAP statuses, covered and CAHRA countries."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplyesg.suppliers.models.registry import CountryField


class Metal(models.TextChoices):
    TIN = "Tin", _("Tin")
    TANTALUM = "Tantalum", _("Tantalum")
    TUNGSTEN = "Tungsten", _("Tungsten")
    GOLD = "Gold", _("Gold")
    COBALT = "Cobalt", _("Cobalt")
    MICA = "Mica", _("Mica")
    COPPER = "Copper", _("Copper")
    GRAPHITE = "Graphite", _("Natural graphite")
    LITHIUM = "Lithium", _("Lithium")
    NICKEL = "Nickel", _("Nickel")
    # AMRT 1.3 offers these (and "Other"); lead, molybdenum and barite are requested as "Other".
    ALUMINUM = "Aluminum", _("Aluminium")
    IRIDIUM = "Iridium", _("Iridium")
    LIME = "Lime", _("Lime")
    MANGANESE = "Manganese", _("Manganese")
    PALLADIUM = "Palladium", _("Palladium")
    PLATINUM = "Platinum", _("Platinum")
    RARE_EARTHS = "Rare Earth Elements", _("Rare earth elements")
    RHODIUM = "Rhodium", _("Rhodium")
    RUTHENIUM = "Ruthenium", _("Ruthenium")
    SILVER = "Silver", _("Silver")
    SODA_ASH = "Soda Ash", _("Soda ash")
    ZINC = "Zinc", _("Zinc")
    LEAD = "Lead", _("Lead")
    MOLYBDENUM = "Molybdenum", _("Molybdenum")
    BARITE = "Barite", _("Barite")


class SmelterListLoad(models.Model):
    """One loading of a template's Smelter Look-up sheet: the history of the reference list."""

    template = models.CharField(_("template"), max_length=10)
    version = models.CharField(_("version"), max_length=10)
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    smelters_created = models.PositiveIntegerField(default=0)
    smelters_updated = models.PositiveIntegerField(default=0)
    aliases_added = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self):
        return f"{self.template} {self.version} · {self.file_name}"


class SmelterQuerySet(models.QuerySet):
    def for_metal(self, metal: str):
        return self.filter(metal__iexact=metal)


class Smelter(models.Model):
    cid = models.CharField(_("smelter id"), max_length=12)
    metal = models.CharField(_("metal"), max_length=20, choices=Metal.choices)
    standard_name = models.CharField(_("standard name"), max_length=255)
    country = models.CharField(_("country (as in the template)"), max_length=100, blank=True)
    country_code = CountryField(_("country"), blank=True)
    street = models.CharField(_("street"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    state = models.CharField(_("state / province"), max_length=120, blank=True)
    source = models.CharField(_("id source"), max_length=50, blank=True)
    first_seen = models.ForeignKey(SmelterListLoad, null=True, on_delete=models.SET_NULL, related_name="+")
    last_seen = models.ForeignKey(SmelterListLoad, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = SmelterQuerySet.as_manager()

    class Meta:
        ordering = ["metal", "standard_name"]
        # No index on cid alone: the unique (cid, metal) leads with it.
        constraints = [models.UniqueConstraint(fields=["cid", "metal"], name="unique_smelter_cid_metal")]

    def __str__(self):
        return f"{self.standard_name} ({self.cid})"


class SmelterAlias(models.Model):
    class Source(models.TextChoices):
        TEMPLATE = "template", _("RMI template")
        CONFIRMED = "confirmed", _("Confirmed by a reviewer")

    # No index of its own: the unique (smelter, name) leads with it.
    smelter = models.ForeignKey(Smelter, on_delete=models.CASCADE, related_name="aliases", db_index=False)
    name = models.CharField(_("name"), max_length=255)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.TEMPLATE)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["smelter", "name"], name="unique_smelter_alias")]

    def __str__(self):
        return f"{self.name} → smelter #{self.smelter_id}"


class RmapStatusUpload(models.Model):
    file_name = models.CharField(_("file"), max_length=255)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rows = models.PositiveIntegerField(default=0)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.file_name} · {self.rows} rows"


class RmapStatusQuerySet(models.QuerySet):
    def current(self):
        """The statuses of the latest upload (older uploads stay as history)."""
        latest = RmapStatusUpload.objects.order_by("-uploaded_at", "-id").values("pk")[:1]
        return self.filter(upload_id__in=latest)


class RmapStatus(models.Model):
    class Status(models.TextChoices):
        CONFORMANT = "conformant", _("Conformant")
        ACTIVE = "active", _("Active")
        NON_CONFORMANT = "non_conformant", _("Non-conformant")
        NOT_ENROLLED = "not_enrolled", _("Not enrolled")
        SUSPENDED = "suspended", _("Suspended")

    # No index of its own: the unique (upload, cid) leads with it.
    upload = models.ForeignKey(RmapStatusUpload, on_delete=models.CASCADE, related_name="statuses", db_index=False)
    cid = models.CharField(_("smelter id"), max_length=12, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    assessment_date = models.DateField(_("last assessment"), null=True, blank=True)
    next_assessment_date = models.DateField(_("next assessment"), null=True, blank=True)

    objects = RmapStatusQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["upload", "cid"], name="unique_status_per_upload")]

    def __str__(self):
        return f"{self.cid}: {self.status.replace('_', ' ')}"


class MineralTerm(models.Model):
    """A word a supplier category's "minerals involved" may use for a template mineral (reference data:
    loaded from data/mineral_terms.json by ``load_mineral_terms``, editable in the admin)."""

    term = models.CharField(_("word"), max_length=60, unique=True, help_text=_("Compared case-insensitively."))
    mineral = models.CharField(_("mineral"), max_length=20, choices=Metal.choices)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        ordering = ["mineral", "term"]

    def __str__(self):
        return f"{self.term} → {self.mineral}"


class RiskCountry(models.Model):
    """A country on the SEC covered-country list or on the CAHRA list, with where that comes from."""

    class Kind(models.TextChoices):
        COVERED = "covered", _("SEC covered country")
        CAHRA = "cahra", _("Conflict-affected or high-risk area")

    kind = models.CharField(_("list"), max_length=10, choices=Kind.choices)
    country = CountryField(_("country"))
    source = models.CharField(_("source"), max_length=255)
    as_of = models.DateField(_("as of"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["kind", "country"]
        verbose_name_plural = _("risk countries")
        constraints = [models.UniqueConstraint(fields=["kind", "country"], name="unique_risk_country")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.country}"
