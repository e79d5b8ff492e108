"""Raw-material traceability: material definitions per chain stage, parties outside the registry, lots, and the
append-only trace events (EPCIS 2.0 semantics) that link lots into a genealogy from mine to product.

A lot keeps its identity when it is shipped and received; it only changes into other lots through a
TransformationEvent (inputs consumed, outputs made) or is packed into a parent through an AggregationEvent.
Events are never updated or deleted: a wrong event is corrected by an error declaration (EPCIS
`errorDeclaration`), a new row naming the event it declares wrong; traces and balances skip declared events.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplyesg.suppliers.models.registry import CountryField


class Chain(models.TextChoices):
    THREE_TG = "3tg", _("Tin, tantalum, tungsten and gold")
    BATTERY = "battery", _("Battery minerals")
    SOLAR = "solar", _("Solar silicon")


class Assurance(models.TextChoices):
    """How well a lot's or event's data is evidenced, weakest first (the order is used: a trace is as strong as
    its weakest lot)."""

    SELF_DECLARED = "self_declared", _("Self-declared")
    DOCUMENT_BACKED = "document_backed", _("Document-backed")
    THIRD_PARTY = "third_party_verified", _("Third-party verified")


ASSURANCE_ORDER = [Assurance.SELF_DECLARED, Assurance.DOCUMENT_BACKED, Assurance.THIRD_PARTY]


class MaterialDefinition(models.Model):
    """One stage of a chain (a mine's ore, a smelter lot, polysilicon...), with the key data a lot of it carries.
    Seed data from data/material_definitions.json (`supplyesg load_material_definitions`), editable in the admin."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    chain = models.CharField(_("chain"), max_length=10, choices=Chain.choices)
    stage = models.PositiveSmallIntegerField(_("stage"), help_text=_("1 is the origin (mine or quartzite)."))
    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True)
    made_from = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="used_in", verbose_name=_("made from"))
    is_origin = models.BooleanField(
        _("origin stage"), default=False, help_text=_("A trace that reaches this stage reaches origin.")
    )
    is_smelter = models.BooleanField(_("smelter or refiner stage"), default=False, help_text=_("Lots carry a smelter id (CID)."))
    is_plant = models.BooleanField(_("processing plant stage"), default=False, help_text=_("e.g. the polysilicon plant (UFLPA)."))
    metal = models.CharField(_("metal"), max_length=30, blank=True)
    unit = models.CharField(_("unit"), max_length=10, default="kg")
    conversion_factor = models.DecimalField(
        _("output per unit of input"),
        max_digits=9,
        decimal_places=4,
        default=Decimal("1"),
        help_text=_("Expected output quantity for one unit of inputs (yield)."),
    )
    tolerance_percent = models.DecimalField(
        _("tolerance (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Blank: the tolerance in the policy settings."),
    )
    key_fields = models.JSONField(_("key data"), default=list, blank=True)
    source = models.TextField(_("source"), blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)

    class Meta:
        ordering = ["chain", "stage", "code"]

    def __str__(self):
        return self.name


class Party(models.Model):
    """A mine, smelter, plant or company that is not (or not only) in the supplier registry."""

    class Kind(models.TextChoices):
        MINE = "mine", _("Mine")
        QUARRY = "quarry", _("Quartzite mine")
        SMELTER = "smelter", _("Smelter / refiner")
        PLANT = "plant", _("Processing plant")
        MANUFACTURER = "manufacturer", _("Manufacturer")
        TRADER = "trader", _("Trader")
        CUSTOMER = "customer", _("Customer")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"))
    gln = models.CharField(_("GLN"), max_length=13, blank=True)
    supplier = models.ForeignKey("suppliers.Supplier", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    smelter = models.ForeignKey("minerals.Smelter", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("parties")

    def __str__(self):
        return self.name


class LotQuerySet(models.QuerySet):
    def held_by(self, supplier_id):
        return self.filter(supplier_id=supplier_id)

    def with_places(self):
        return self.select_related("material", "supplier", "site", "party", "smelter")


class Lot(models.Model):
    # material and supplier: no index of their own; the Meta indexes (material, made_at) and (supplier, material)
    # lead with them.
    material = models.ForeignKey(
        MaterialDefinition, on_delete=models.PROTECT, related_name="lots", verbose_name=_("material"), db_index=False
    )
    identifier = models.CharField(_("lot number"), max_length=200, unique=True)
    supplier = models.ForeignKey(
        "suppliers.Supplier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trace_lots",
        verbose_name=_("supplier"),
        db_index=False,
    )
    site = models.ForeignKey(
        "suppliers.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("site")
    )
    party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.PROTECT, related_name="lots", verbose_name=_("party")
    )
    country = CountryField(_("country"), blank=True)
    smelter = models.ForeignKey(
        "minerals.Smelter", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("smelter")
    )
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=10, default="kg")
    key_data = models.JSONField(_("key data"), default=dict, blank=True)
    assurance = models.CharField(_("assurance"), max_length=24, choices=Assurance.choices, default=Assurance.SELF_DECLARED)
    made_at = models.DateTimeField(_("made or received"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = LotQuerySet.as_manager()

    class Meta:
        ordering = ["-made_at", "-pk"]
        indexes = [models.Index(fields=["material", "made_at"]), models.Index(fields=["supplier", "material"])]

    def __str__(self):
        return self.identifier

    @property
    def holder(self) -> str:
        if self.party_id:
            return self.party.name
        return self.supplier.legal_name if self.supplier_id else ""


class TraceEventQuerySet(models.QuerySet):
    def effective(self):
        """Events that stand: not error declarations themselves, and not declared wrong by one."""
        return self.filter(declares_error_on__isnull=True, error_declarations__isnull=True)


class TraceEvent(models.Model):
    """An EPCIS 2.0 event. Append-only: save() refuses to update, delete() refuses."""

    class Type(models.TextChoices):
        OBJECT = "ObjectEvent", _("Object event")
        AGGREGATION = "AggregationEvent", _("Aggregation event")
        TRANSACTION = "TransactionEvent", _("Transaction event")
        TRANSFORMATION = "TransformationEvent", _("Transformation event")

    class Action(models.TextChoices):
        ADD = "ADD", _("Add")
        OBSERVE = "OBSERVE", _("Observe")
        DELETE = "DELETE", _("Delete")

    class BizStep(models.TextChoices):
        COMMISSIONING = "commissioning", _("Commissioning")
        RECEIVING = "receiving", _("Receiving")
        SHIPPING = "shipping", _("Shipping")
        ASSEMBLING = "assembling", _("Assembling")
        PACKING = "packing", _("Packing")
        INSPECTING = "inspecting", _("Inspecting")
        OTHER = "other", _("Other")

    event_id = models.CharField(_("event id"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices, blank=True)
    biz_step = models.CharField(_("business step"), max_length=120, blank=True)
    disposition = models.CharField(_("disposition"), max_length=120, blank=True)
    event_time = models.DateTimeField(_("event time"))
    event_time_zone_offset = models.CharField(max_length=6, default="+00:00")
    # No index of its own: the Meta index (supplier, event_time) leads with it.
    supplier = models.ForeignKey(
        "suppliers.Supplier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trace_events",
        verbose_name=_("recorded for"),
        db_index=False,
    )
    site = models.ForeignKey("suppliers.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_supplier = models.ForeignKey("suppliers.Supplier", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    destination_supplier = models.ForeignKey(
        "suppliers.Supplier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assurance = models.CharField(_("assurance"), max_length=24, choices=Assurance.choices, default=Assurance.SELF_DECLARED)
    declares_error_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="error_declarations",
        verbose_name=_("declares wrong"),
    )
    error_reason = models.CharField(_("error reason"), max_length=40, blank=True)
    corrective_event_ids = models.JSONField(default=list, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = TraceEventQuerySet.as_manager()

    class Meta:
        ordering = ["event_time", "pk"]
        indexes = [models.Index(fields=["supplier", "event_time"])]

    def __str__(self):
        return f"{self.get_type_display()} {self.biz_step} {self.event_time:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Trace events are never changed: declare an error on the event instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Trace events are never deleted: declare an error on the event instead."))


class EventLot(models.Model):
    """A lot in an event: what the event observed, consumed (input), made (output), packed (child into parent)."""

    class Role(models.TextChoices):
        OBJECT = "object", _("Object")
        INPUT = "input", _("Input")
        OUTPUT = "output", _("Output")
        PARENT = "parent", _("Parent")
        CHILD = "child", _("Child")

    # No index of their own: the Meta indexes (lot, role, event) and (event, role, lot) lead with them.
    event = models.ForeignKey(TraceEvent, on_delete=models.PROTECT, related_name="lot_links", db_index=False)
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="event_links", db_index=False)
    role = models.CharField(max_length=8, choices=Role.choices)
    quantity = models.DecimalField(max_digits=16, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=10, blank=True)

    class Meta:
        # The trace walks lot -> event -> other lots of the event: both directions are covered by an index.
        indexes = [
            models.Index(fields=["lot", "role", "event"], name="trace_lot_role_event"),
            models.Index(fields=["event", "role", "lot"], name="trace_event_role_lot"),
        ]

    def __str__(self):
        return f"event #{self.event_id} · {self.role} · lot #{self.lot_id}"


class BusinessDocument(models.Model):
    """A business transaction an event refers to (EPCIS bizTransactionList, CBV types)."""

    class Kind(models.TextChoices):
        PO = "po", _("Purchase order")
        INVOICE = "inv", _("Invoice")
        PACKING_LIST = "desadv", _("Packing list (despatch advice)")
        BILL_OF_LADING = "bol", _("Bill of lading")
        CERTIFICATE = "cert", _("Certificate")

    event = models.ForeignKey(TraceEvent, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    reference = models.CharField(_("reference"), max_length=200, db_index=True)

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"


class EvidenceFile(models.Model):
    event = models.ForeignKey(TraceEvent, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to="traceability/evidence/%Y/%m/")
    original_name = models.CharField(max_length=255)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.original_name


class OriginDocument(models.Model):
    """AIKO: a source-mineral declaration, a supplier self-declaration or a country-of-origin certificate, on a
    supplier and optionally one lot, reviewed by compliance."""

    class Kind(models.TextChoices):
        SOURCE_MINERAL = "source_mineral_declaration", _("Source-mineral declaration")
        SELF_DECLARATION = "supplier_self_declaration", _("Supplier self-declaration")
        ORIGIN_CERTIFICATE = "country_of_origin_certificate", _("Country-of-origin certificate")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, related_name="origin_documents")
    lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="origin_documents", verbose_name=_("lot")
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    country = CountryField(_("country of origin"), blank=True)
    file = models.FileField(upload_to="traceability/origin/%Y/%m/")
    original_name = models.CharField(_("file"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.original_name}"
