"""The supplier registry: suppliers, their categories, sites, contacts and upstream links."""

from decimal import Decimal

import pycountry
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Replace, Upper
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Characters a registration id is written with that do not change which company it names.
REGISTRATION_ID_SEPARATORS = (" ", "\t", "\n", "\r", "\u00a0", "\u3000", "-", ".", "/", "_")


def registration_key_expression(field: str):
    """'91320 400-MA1X' and '91320400ma1x' compare equal (the rule of core.matching's normalize_registration_id)."""
    expression = models.F(field)
    for separator in REGISTRATION_ID_SEPARATORS:
        expression = Replace(expression, models.Value(separator), models.Value(""))
    return Upper(expression)


def registration_key(value) -> str:
    """The same normalisation in Python, for lookups by a registration id that is not stored yet."""
    text = str(value or "")
    for separator in REGISTRATION_ID_SEPARATORS:
        text = text.replace(separator, "")
    return text.upper()


def country_choices():
    return sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda item: item[1])


class CountryField(models.CharField):
    """ISO 3166-1 alpha-2 code, validated against pycountry."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("choices", country_choices)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return name, "supplyesg.suppliers.models.registry.CountryField", args, kwargs


class Category(models.Model):
    """A commodity category (silicon wafers, tin-containing solder, ...), configurable by admins."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True)
    minerals = models.CharField(
        _("minerals involved"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated, e.g. tin,tantalum,tungsten,gold,cobalt."),
    )
    required_agreements = models.ManyToManyField(
        "suppliers.AgreementType", blank=True, related_name="categories", verbose_name=_("required agreements")
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("categories")

    def __str__(self):
        # Shown in the user's language wherever the object is printed.
        return self.display_name(get_language())

    def display_name(self, language: str | None = None) -> str:
        if language and language.startswith("zh") and self.name_zh:
            return self.name_zh
        return self.name


class SupplierQuerySet(models.QuerySet):
    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(legal_name__icontains=text)
            | Q(local_name__icontains=text)
            | Q(aliases__icontains=text)
            | Q(registration_id__icontains=text)
            | Q(code__icontains=text)
        )

    def approved(self):
        return self.filter(status__in=Supplier.APPROVED_STATUSES)

    def in_admission(self):
        return self.filter(status__in=[Supplier.Status.PROSPECT, Supplier.Status.QUALIFICATION, Supplier.Status.CERTIFICATION])

    def admission_submitted(self):
        """Suppliers whose admission file the supplier submitted in the portal, waiting for the review."""
        return self.in_admission().filter(admission_submitted_at__isnull=False)

    def visible_to(self, user):
        """Every supplier for internal roles, one's own for a supplier user, nothing otherwise."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.is_internal:
            return self
        if user.is_supplier_user and user.supplier_id:
            return self.filter(pk=user.supplier_id)
        return self.none()


class Supplier(models.Model):
    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        QUALIFICATION = "qualification", _("Qualification review")
        CERTIFICATION = "certification", _("Certification")
        QUALIFIED = "qualified", _("Qualified (approved list)")
        ACTIVE = "active", _("Active")
        CONDITIONAL = "conditional", _("Conditional")
        SUSPENDED = "suspended", _("Suspended")
        EXITED = "exited", _("Exited")
        BLACKLISTED = "blacklisted", _("Blacklisted")

    class Tier(models.IntegerChoices):
        TIER1 = 1, _("Tier 1 (direct)")
        TIER2 = 2, _("Tier 2")
        TIER3 = 3, _("Tier 3+")

    APPROVED_STATUSES = (Status.QUALIFIED, Status.ACTIVE, Status.CONDITIONAL)

    code = models.CharField(_("supplier code"), max_length=30, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=255)  # indexed with id below (the default sort)
    local_name = models.CharField(_("local-language name"), max_length=255, blank=True)
    aliases = models.TextField(_("aliases"), blank=True, help_text=_("One per line."))
    registration_id = models.CharField(
        _("registration id"),
        max_length=64,
        blank=True,
        help_text=_("e.g. the unified social credit code."),
    )  # not indexed: nothing looks it up as typed; the duplicate check reads registration_key's index (Meta)
    # The registration id as compared: without spaces, dashes, dots, slashes or case. Computed by the database, so
    # every write path (forms, API, imports, bulk demo data) fills it and the unique constraint below can hold.
    registration_key = models.GeneratedField(
        expression=registration_key_expression("registration_id"),
        output_field=models.CharField(max_length=64),
        db_persist=True,
    )
    registration_authority = models.CharField(_("registration authority"), max_length=200, blank=True)
    # country and status: no index of their own; the Meta indexes (country, legal_name) and (status, tier) serve
    # their filters (an index on a column that leads another is redundant, and every index is written again when a
    # supplier row changes; issue 19).
    country = CountryField(_("country"))
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, default=Tier.TIER1)  # (tier, id) below
    categories = models.ManyToManyField(Category, blank=True, related_name="suppliers", verbose_name=_("categories"))
    is_key = models.BooleanField(_("key supplier"), default=False)
    spend_share = models.DecimalField(
        _("spend share (%)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROSPECT)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    # Admission: the supplier filled in what admission needs in the portal and asked for the review. Cleared
    # when the review starts or the supplier is sent back.
    admission_submitted_at = models.DateTimeField(_("admission submitted by the supplier"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What the list shows of other apps' results (current risk level, latest grade) is on SupplierSummary
    # (`supplier.summary`, models/summary.py), a row per supplier kept by the services that change it.

    objects = SupplierQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name"]
        indexes = [
            models.Index(fields=["status", "tier"]),
            models.Index(fields=["country", "legal_name"]),
            # The list's sorts (ties broken by pk) and filters. By name: the list's and the API's default order, read
            # from the index alone for a page's ids (the plain legal_name index and its LIKE twin it replaces made
            # PostgreSQL sort each run of equal names again: the last page's ids 43 ms at 100,000 suppliers).
            models.Index(fields=["legal_name", "id"], name="supplier_name_order_idx"),
            models.Index(fields=["tier", "id"], name="supplier_tier_order_idx"),  # replaced the plain tier index
            models.Index(fields=["updated_at", "id"], name="supplier_updated_idx"),
            # The duplicate check: the same registration id in any country (the unique constraint below starts with
            # the country). It replaced the plain index on registration_id, which no query used (and its LIKE twin).
            models.Index(fields=["registration_key"], name="supplier_registration_key_idx"),
        ]
        constraints = [
            # One company per registration id and country: the duplicate check and the insert are one atomic step.
            models.UniqueConstraint(
                fields=["country", "registration_key"],
                condition=~Q(registration_key=""),
                name="unique_registration_id_per_country",
                violation_error_message=_("A supplier with this registration id already exists in this country."),
            ),
        ]

    def __str__(self):
        return self.legal_name

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.splitlines() if a.strip()]

    @property
    def country_name(self) -> str:
        country = pycountry.countries.get(alpha_2=self.country)
        return country.name if country else self.country


PROFILE_FIELDS = (
    "legal_name",
    "local_name",
    "aliases",
    "registration_id",
    "registration_authority",
    "country",
    "address",
    "website",
)
REGISTRY_FIELDS = PROFILE_FIELDS + ("tier", "is_key", "spend_share")


class SupplyLink(models.Model):
    """`upstream` supplies `downstream`: the edges of the tier-n chain."""

    # No index of its own: the unique (upstream, downstream) leads with it.
    upstream = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="customer_links", db_index=False)
    downstream = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="supplier_links")
    material = models.CharField(_("material"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["upstream", "downstream"], name="unique_supply_link"),
            models.CheckConstraint(condition=~Q(upstream=models.F("downstream")), name="no_self_supply"),
        ]

    def __str__(self):
        link = f"#{self.upstream_id} → #{self.downstream_id}"
        return f"{link} · {self.material}" if self.material else link


class Contact(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    is_authorised_signatory = models.BooleanField(_("authorised to sign"), default=False)

    class Meta:
        ordering = ["-is_primary", "name"]

    def __str__(self):
        return self.name


class Site(models.Model):
    class Kind(models.TextChoices):
        FACTORY = "factory", _("Factory")
        WAREHOUSE = "warehouse", _("Warehouse")
        OFFICE = "office", _("Office")
        MINE = "mine", _("Mine")
        SMELTER = "smelter", _("Smelter / refiner")
        OTHER = "other", _("Other")

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FACTORY)
    country = CountryField(_("country"))
    address = models.TextField(_("address"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class DuplicateDecision(models.Model):
    """A person's answer to "are these two the same supplier?", remembered for the pair."""

    class Verdict(models.TextChoices):
        SAME = "same", _("Same supplier")
        DIFFERENT = "different", _("Different suppliers")

    # No index of its own: the unique (supplier_a, supplier_b) leads with it.
    supplier_a = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="+", db_index=False)
    supplier_b = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["supplier_a", "supplier_b"], name="unique_duplicate_pair")]

    def __str__(self):
        return f"#{self.supplier_a_id} / #{self.supplier_b_id}: {self.verdict}"


class ProfileChangeRequest(models.Model):
    """Profile changes a supplier user proposes in the portal; they apply once approved internally."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="change_requests")
    changes = models.JSONField(_("proposed changes"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self):
        fields = ", ".join(sorted(self.changes)).replace("_", " ") if isinstance(self.changes, dict) else ""
        return f"{self.status}: {fields}" if fields else f"{self.status}"
