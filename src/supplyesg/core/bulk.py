"""Bulk decisions on a list: the selection a user posts, the items it names inside the list's own queryset, each
item through the list's audited service function in a transaction of its own, and one summary for the person.

Why one transaction per item and not all-or-nothing: every item is an independent decision with its own audit
row, and one refused item (a grade C that needs an owner, a rating decided meanwhile by a colleague) must not
cost the user the 264 others. The refused ones are listed by name with the service's own reason, so they can be
decided one by one.

The selection is either the ticked ids (`ids`) or every item matching the list's filters (`scope=all`); either
way it is cut down to the queryset the view passes, which is the list's access-scoped queryset, so a posted id
the user may not see is simply not found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from io import BytesIO

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook
from openpyxl.styles import Font

from supplyesg.core.sheets.cells import xlsx_row

# A product limit, not a policy number: a bulk action runs in the request, so its size is bounded.
MAX_SELECTED = 2000
REFUSALS_SHOWN = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SelectionForm(forms.Form):
    """What a bulk bar posts: the ticked ids, or "every item matching the filter", and an optional reason."""

    PAGE, ALL = "page", "all"

    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)
    scope = forms.ChoiceField(choices=[(PAGE, PAGE), (ALL, ALL)], required=False)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=1000, required=False, strip=True)

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        # Any integer is accepted here; membership is decided by the list's queryset, not by a choice list.
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()

    def clean(self):
        data = super().clean()
        if data.get("scope") != self.ALL and not data.get("ids"):
            raise ValidationError(_("Select at least one item."), code="empty")
        return data


def selection(form: SelectionForm, queryset):
    """The selected items inside `queryset` (the list's visible, filtered rows), ordered as the list is.
    Raises ValidationError when the selection is larger than a request can handle."""
    data = form.cleaned_data
    if data.get("scope") != SelectionForm.ALL:
        queryset = queryset.filter(pk__in=data["ids"])
    items = list(queryset[: MAX_SELECTED + 1])
    if len(items) > MAX_SELECTED:
        raise ValidationError(
            _("At most %(limit)d items can be decided at once; narrow the filter.") % {"limit": MAX_SELECTED}
        )
    return items


@dataclass
class BulkResult:
    verb: str  # "confirmed", "overridden", ... already translated
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    missing: int = 0  # ticked ids that are not (or no longer) in the list

    def summary(self) -> str:
        parts = [
            ngettext("%(count)d %(verb)s", "%(count)d %(verb)s", len(self.done)) % {"count": len(self.done), "verb": self.verb}
        ]
        if self.refused:
            parts.append(ngettext("%(count)d refused", "%(count)d refused", len(self.refused)) % {"count": len(self.refused)})
        if self.missing:
            parts.append(
                ngettext("%(count)d not found in this list", "%(count)d not found in this list", self.missing)
                % {"count": self.missing}
            )
        return ", ".join(parts) + "."

    def refusal_lines(self) -> list[str]:
        return [f"{label} — {why}" for label, why in self.refused]

    def flash(self, request) -> None:
        """The summary and each refusal (the first REFUSALS_SHOWN) as messages on the next page."""
        (messages.warning if self.refused else messages.success)(request, self.summary())
        for line in self.refusal_lines()[:REFUSALS_SHOWN]:
            messages.error(request, line)
        if len(self.refused) > REFUSALS_SHOWN:
            messages.error(
                request,
                _("…and %(count)d more refused items.") % {"count": len(self.refused) - REFUSALS_SHOWN},
            )


def run_each(
    items: Iterable, action: Callable, *, label: Callable[[object], str], verb: str, asked: int | None = None
) -> BulkResult:
    """`action(item)` for each item, each in its own transaction; a refusal (ValidationError) rolls back that item
    only and is recorded with the item's label and the service's reasons."""
    result = BulkResult(verb=verb)
    seen = 0
    for item in items:
        seen += 1
        try:
            with transaction.atomic():
                action(item)
        except ValidationError as exc:
            result.refused.append((label(item), " ".join(exc.messages)))
        else:
            result.done.append(label(item))
    if asked is not None:
        result.missing = max(asked - seen, 0)
    return result


def xlsx_response(filename: str, sheet_title: str, headers: list[str], rows: Iterable[list], *, text_columns=()) -> HttpResponse:
    """The selection as a one-sheet workbook, cells written by the shared export helpers."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title[:31])
    sheet.append(xlsx_row(sheet, headers, font=Font(bold=True)))
    for row in rows:
        sheet.append(xlsx_row(sheet, row, text_columns=text_columns))
    out = BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
