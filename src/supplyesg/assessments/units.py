"""Units of number questions in the reader's language. A unit the table does not know is shown as written."""

from django.utils.translation import pgettext_lazy

UNIT_LABELS = {
    "workers": pgettext_lazy("unit", "workers"),
    "hours": pgettext_lazy("unit", "hours"),
    "MWh": pgettext_lazy("unit", "MWh"),
    "m²": pgettext_lazy("unit", "m²"),
    "m³": pgettext_lazy("unit", "m³"),
    "per 200,000 h": pgettext_lazy("unit", "per 200,000 h"),
    "suppliers": pgettext_lazy("unit", "suppliers"),
    "t": pgettext_lazy("unit", "t"),
    "tCO2e": pgettext_lazy("unit", "tCO2e"),
}


def unit_label(unit: str) -> str:
    unit = (unit or "").strip()
    return str(UNIT_LABELS[unit]) if unit in UNIT_LABELS else unit
