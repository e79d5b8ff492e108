"""Forms of the traceability pages. Portal forms offer only what the supplier may use: its own lots and sites,
the suppliers next to it on its tier map. Key data is entered as "field: value" lines and checked against the
material's definition (required fields, dates, numbers, countries), each problem naming the field."""

from datetime import date
from decimal import Decimal, InvalidOperation

import pycountry
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplyesg.core.forms_errors import checked_upload
from supplyesg.minerals.models import Smelter
from supplyesg.suppliers.models import Site, Supplier, SupplyLink
from supplyesg.suppliers.models.registry import country_choices
from supplyesg.traceability.models import Assurance, BusinessDocument, Lot, MaterialDefinition, OriginDocument, Party

QUANTITY = {"max_digits": 16, "decimal_places": 3, "min_value": Decimal("0.001")}
INPUT_ROWS = 4


def parse_key_data(text: str, material: MaterialDefinition) -> tuple[dict, list[str]]:
    """("name: value" lines) -> ({name: value}, problems) against the material's key fields."""
    values, problems = {}, []
    for line in (text or "").splitlines():
        name, sep, value = line.partition(":")
        if not line.strip():
            continue
        if not sep:
            problems.append(_("“%(line)s” is not “field: value”.") % {"line": line.strip()[:60]})
            continue
        values[name.strip()] = value.strip()
    for spec in material.key_fields:
        name, kind, value = spec["name"], spec.get("type", "text"), values.get(spec["name"], "")
        if not value:
            if spec.get("required"):
                problems.append(_("%(field)s is required for %(material)s.") % {"field": name, "material": material.name})
            continue
        try:
            if kind == "date":
                date.fromisoformat(value)
            elif kind in ("decimal", "integer"):
                number = Decimal(value)
                if not number.is_finite() or number < 0 or (kind == "integer" and number != number.to_integral_value()):
                    raise InvalidOperation
            elif kind == "country" and pycountry.countries.get(alpha_2=value.upper()) is None:
                raise ValueError
        except (ValueError, InvalidOperation):
            expected = {
                "date": _("a date (YYYY-MM-DD)"),
                "decimal": _("a number"),
                "integer": _("a whole number"),
                "country": _("a two-letter country code"),
            }[kind]
            problems.append(
                _("%(field)s: “%(value)s” is not %(expected)s.") % {"field": name, "value": value[:40], "expected": expected}
            )
    return values, problems


class _Recording(forms.Form):
    po = forms.CharField(label=_("Purchase order"), max_length=200, required=False)
    invoice = forms.CharField(label=_("Invoice"), max_length=200, required=False)
    packing_list = forms.CharField(label=_("Packing list"), max_length=200, required=False)
    bill_of_lading = forms.CharField(label=_("Bill of lading"), max_length=200, required=False)
    assurance = forms.ChoiceField(label=_("Evidence level"), choices=Assurance.choices, initial=Assurance.SELF_DECLARED)
    evidence = forms.FileField(label=_("Evidence file"), required=False)
    when = forms.DateTimeField(
        label=_("When"), required=False, help_text=_("Blank: now."), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def clean_evidence(self):
        return checked_upload(self.cleaned_data.get("evidence"), "evidence")

    def clean_when(self):
        when = self.cleaned_data.get("when")
        if when and when > timezone.now():
            raise forms.ValidationError(_("The event cannot be in the future."))
        return when

    def documents(self) -> dict:
        d = self.cleaned_data
        return {
            BusinessDocument.Kind.PO: d.get("po"),
            BusinessDocument.Kind.INVOICE: d.get("invoice"),
            BusinessDocument.Kind.PACKING_LIST: d.get("packing_list"),
            BusinessDocument.Kind.BILL_OF_LADING: d.get("bill_of_lading"),
        }


class _MadeLot(_Recording):
    material = forms.ModelChoiceField(label=_("Material"), queryset=MaterialDefinition.objects.all())
    identifier = forms.CharField(label=_("Lot number"), max_length=200)
    quantity = forms.DecimalField(label=_("Quantity"), **QUANTITY)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)
    smelter_cid = forms.CharField(label=_("Smelter id (CID)"), max_length=12, required=False)
    key_data = forms.CharField(
        label=_("Key data"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One “field: value” per line, e.g. “extraction_date: 2026-03-01”."),
    )

    def __init__(self, *args, supplier, **kwargs):
        super().__init__(*args, **kwargs)
        self.supplier = supplier
        self.fields["site"].queryset = Site.objects.filter(supplier=supplier)

    def clean(self):
        data = super().clean()
        material = data.get("material")
        cid = (data.get("smelter_cid") or "").strip().upper()
        data["smelter"] = None
        if cid:
            data["smelter"] = Smelter.objects.filter(cid=cid).first()
            if data["smelter"] is None:
                self.add_error("smelter_cid", _("%(cid)s is not on the smelter list.") % {"cid": cid})
        elif material is not None and material.is_smelter:
            self.add_error("smelter_cid", _("A smelter lot needs its smelter id."))
        if material is not None:
            values, problems = parse_key_data(data.get("key_data", ""), material)
            for problem in problems:
                self.add_error("key_data", problem)
            data["key_values"] = values
        return data


class ReceiptForm(_MadeLot):
    """A lot arriving: one an upstream supplier shipped (its number is enough), or new from an outside party."""

    material = forms.ModelChoiceField(
        label=_("Material"),
        queryset=MaterialDefinition.objects.all(),
        required=False,
        help_text=_("Blank when the lot was shipped to you under this number."),
    )
    from_supplier = forms.ModelChoiceField(label=_("From supplier (tier map)"), queryset=Supplier.objects.none(), required=False)
    party_kind = forms.ChoiceField(label=_("Or from an outside party"), choices=[("", "—"), *Party.Kind.choices], required=False)
    party_name = forms.CharField(label=_("Party name"), max_length=200, required=False)
    party_country = forms.ChoiceField(label=_("Party country"), choices=[("", "—")], required=False)

    def __init__(self, *args, supplier, **kwargs):
        super().__init__(*args, supplier=supplier, **kwargs)
        upstream = SupplyLink.objects.filter(downstream=supplier).values("upstream_id")
        self.fields["from_supplier"].queryset = Supplier.objects.filter(pk__in=upstream)
        self.fields["party_country"].choices = [("", "—"), *country_choices()]

    def clean(self):
        data = super().clean()
        existing = Lot.objects.filter(identifier=(data.get("identifier") or "").strip()).exists()
        if not existing and not data.get("material"):
            self.add_error("material", _("Say what the lot is (it was not shipped to you under this number)."))
        if data.get("party_kind") and not (data.get("party_name") and data.get("party_country")):
            self.add_error("party_name", _("Name the party and its country."))
        return data

    def party(self):
        d = self.cleaned_data
        if not d.get("party_kind"):
            return None
        party, _created = Party.objects.get_or_create(
            kind=d["party_kind"], name=d["party_name"].strip(), country=d["party_country"]
        )
        return party


class TransformationForm(_MadeLot):
    """Inputs held become one output lot."""

    def __init__(self, *args, supplier, **kwargs):
        super().__init__(*args, supplier=supplier, **kwargs)
        held = Lot.objects.filter(supplier=supplier).select_related("material")
        for n in range(INPUT_ROWS):
            self.fields[f"input_{n}"] = forms.ModelChoiceField(
                label=_("Input lot %(n)s") % {"n": n + 1}, queryset=held, required=n == 0
            )
            self.fields[f"input_{n}_quantity"] = forms.DecimalField(label=_("Quantity used"), required=n == 0, **QUANTITY)
        self.order_fields(
            ["material", "identifier", "quantity"] + [f for n in range(INPUT_ROWS) for f in (f"input_{n}", f"input_{n}_quantity")]
        )

    def clean(self):
        data = super().clean()
        inputs = []
        for n in range(INPUT_ROWS):
            lot, quantity = data.get(f"input_{n}"), data.get(f"input_{n}_quantity")
            if lot and not quantity:
                self.add_error(f"input_{n}_quantity", _("How much of the lot was used?"))
            elif lot:
                inputs.append((lot, quantity))
        data["inputs"] = inputs
        return data

    def input_rows(self):
        return [(self[f"input_{n}"], self[f"input_{n}_quantity"]) for n in range(INPUT_ROWS)]


class ShipmentForm(_Recording):
    lot = forms.ModelChoiceField(label=_("Lot"), queryset=Lot.objects.none())
    quantity = forms.DecimalField(label=_("Quantity"), **QUANTITY)
    to_supplier = forms.ModelChoiceField(
        label=_("To (tier map)"), queryset=Supplier.objects.none(), required=False, empty_label=_("Us (the buying company)")
    )

    def __init__(self, *args, supplier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = Lot.objects.filter(supplier=supplier).select_related("material")
        downstream = SupplyLink.objects.filter(upstream=supplier).values("downstream_id")
        self.fields["to_supplier"].queryset = Supplier.objects.filter(pk__in=downstream)


class OriginDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=OriginDocument.Kind.choices)
    lot = forms.ModelChoiceField(label=_("Lot (optional)"), queryset=Lot.objects.none(), required=False)
    country = forms.ChoiceField(label=_("Country of origin"), choices=[("", "—")], required=False)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, supplier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = Lot.objects.filter(supplier=supplier)
        self.fields["country"].choices = [("", "—"), *country_choices()]

    def clean_file(self):
        return checked_upload(self.cleaned_data.get("file"), "file")


class ReviewForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[(OriginDocument.Status.ACCEPTED, _("Accept")), (OriginDocument.Status.REJECTED, _("Reject"))],
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeclareErrorForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("incorrect_data", _("Incorrect data")), ("did_not_occur", _("Did not occur"))]
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class TraceForm(forms.Form):
    q = forms.CharField(label=_("Lot number, PO, invoice, packing list or bill of lading"), max_length=200, required=False)


class ForwardForm(forms.Form):
    cid = forms.CharField(label=_("Smelter id (CID)"), max_length=12, required=False)
    party = forms.ModelChoiceField(label=_("Or a plant or other party"), queryset=Party.objects.all(), required=False)


class CoverageForm(forms.Form):
    material = forms.ModelChoiceField(label=_("Material"), queryset=MaterialDefinition.objects.all(), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("Whole year")), *[(q, f"Q{q}") for q in range(1, 5)]],
    )


class EpcisImportForm(forms.Form):
    supplier = forms.CharField(label=_("Supplier code (whose events these are)"), max_length=30)
    file = forms.FileField(label=_("EPCIS 2.0 JSON document"), widget=forms.ClearableFileInput(attrs={"accept": ".json,.jsonld"}))

    def clean_supplier(self):
        supplier = Supplier.objects.filter(code__iexact=self.cleaned_data["supplier"].strip()).first()
        if supplier is None:
            raise forms.ValidationError(_("No supplier has this code."))
        return supplier


def lot_filter(queryset, q: str):
    q = (q or "").strip()
    if not q:
        return queryset
    return queryset.filter(Q(identifier__icontains=q) | Q(event_links__event__documents__reference__iexact=q)).distinct()
