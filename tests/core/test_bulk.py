"""The shared bulk helper: a selection is cut to the list's queryset and bounded, each item runs in its own
transaction so a refusal undoes that item only, and the summary counts what happened."""

import pytest
from django.core.exceptions import ValidationError

from supplyesg.core import bulk
from supplyesg.suppliers.models import Supplier
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db


def form(data):
    f = bulk.SelectionForm(data)
    assert f.is_valid(), f.errors
    return f


def test_a_selection_keeps_only_ids_inside_the_lists_queryset():
    a, b, c = (make_supplier(code=f"B{i}") for i in range(3))
    chosen = bulk.selection(form({"ids": [a.pk, c.pk, 999999]}), Supplier.objects.exclude(pk=c.pk).order_by("pk"))
    assert chosen == [a]


def test_all_matching_takes_the_whole_filtered_list_and_refuses_more_than_the_limit(monkeypatch):
    for i in range(3):
        make_supplier(code=f"L{i}")
    assert len(bulk.selection(form({"scope": "all"}), Supplier.objects.order_by("pk"))) == 3
    monkeypatch.setattr(bulk, "MAX_SELECTED", 2)
    with pytest.raises(ValidationError, match="At most 2 items"):
        bulk.selection(form({"scope": "all"}), Supplier.objects.order_by("pk"))


def test_an_empty_or_garbled_selection_is_a_form_error_not_a_crash():
    assert bulk.SelectionForm({}).errors["__all__"] == ["Select at least one item."]
    assert "ids" in bulk.SelectionForm({"ids": ["1; drop table"]}).errors


def test_a_refused_item_is_rolled_back_alone_and_named_in_the_summary():
    suppliers = [make_supplier(code=f"R{i}", legal_name=f"Name {i}") for i in range(3)]

    def rename(supplier):
        Supplier.objects.filter(pk=supplier.pk).update(legal_name="Renamed")
        if supplier.code == "R1":
            raise ValidationError("the registry refuses this one")

    result = bulk.run_each(suppliers, rename, label=lambda s: s.code, verb="renamed", asked=4)

    assert result.summary() == "2 renamed, 1 refused, 1 not found in this list."
    assert result.refusal_lines() == ["R1 — the registry refuses this one"]
    assert Supplier.objects.get(code="R1").legal_name == "Name 1"
    assert Supplier.objects.filter(legal_name="Renamed").count() == 2
