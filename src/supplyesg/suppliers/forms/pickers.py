"""Form fields that name approved suppliers by their codes.

A select of every approved supplier is one option per supplier in the page: at 100,000 suppliers a training
session's page took 20 seconds to build and weighed megabytes (bench/every_page.py). These fields take the codes a
buyer copies from the supplier list or a spreadsheet, and answer with the codes they could not use, by name.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from supplyesg.suppliers.models import Supplier

SEPARATORS = re.compile(r"[\s,;，；、]+")  # spaces, new lines, commas and semicolons, Chinese ones too
MAX_CODES = 5000


def _approved_by_code(codes: list[str]) -> list[Supplier]:
    """The approved suppliers of `codes` in the order given; an error naming every code that is not one."""
    approved = Supplier.objects.approved().only("pk", "code", "legal_name")
    found = {s.code.upper(): s for s in approved.filter(code__in=codes)}  # as written: the code's index
    missing = [c.upper() for c in codes if c.upper() not in found]
    if missing:  # then without regard to case
        for supplier in approved.annotate(code_upper=Upper("code")).filter(code_upper__in=missing):
            found.setdefault(supplier.code.upper(), supplier)
    unknown = [c for c in codes if c.upper() not in found]
    if unknown:
        raise ValidationError(
            _("Not the code of an approved supplier: %(codes)s"), params={"codes": ", ".join(unknown[:20])}, code="unknown"
        )
    return [found[c.upper()] for c in codes]


class SupplierCodesField(forms.CharField):
    """Approved suppliers by code, separated by spaces, new lines, commas or semicolons; cleans to a list."""

    widget = forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Supplier codes as on the supplier list, separated by spaces, commas or new lines."))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        codes = list(dict.fromkeys(c for c in SEPARATORS.split(text or "") if c))
        if len(codes) > MAX_CODES:
            raise ValidationError(_("At most %(max)s codes at a time."), params={"max": f"{MAX_CODES:,}"}, code="too_many")
        return _approved_by_code(codes) if codes else []


class SupplierCodeField(forms.CharField):
    """One approved supplier by its code; cleans to the supplier."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", Supplier._meta.get_field("code").max_length)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def clean(self, value):
        code = super().clean(value).strip()
        return _approved_by_code([code])[0] if code else None
