"""SupplierSummary: every supplier has its row (risk level and latest grade for the list), whatever inserted the
supplier, from a database trigger that `migrate` reinstalls; the list filters and sorts on it as it did on the
supplier's own columns."""

import pytest
from django.db import connection
from django.urls import reverse

from supplyesg.core.rowwriter import insert_rows
from supplyesg.suppliers import summary_rows
from supplyesg.suppliers.models import Supplier, SupplierSummary
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db


def summaries() -> dict[int, tuple]:
    return {
        pk: (level, order, grade)
        for pk, level, order, grade in SupplierSummary.objects.values_list(
            "supplier_id", "risk_level", "risk_order", "latest_grade"
        )
    }


def test_every_way_of_inserting_a_supplier_gives_it_an_empty_summary():
    created = make_supplier(legal_name="Made By The ORM Ltd.")
    bulk = Supplier.objects.bulk_create(
        [Supplier(code=f"BULK{n}", legal_name=f"Bulk {n} Ltd.", country="VN") for n in range(3)]
    )
    # The row writer (imports, scale data): every column given, as a bulk import writes them.
    fields = [
        f.name for f in Supplier._meta.concrete_fields if not f.primary_key and not f.generated and f.name != "created_by"
    ]
    values = {"legal_name": "Row Writer GmbH", "country": "DE", "updated_at": created.updated_at}
    written = insert_rows(
        Supplier,
        fields,
        [tuple({**values, "code": f"ROW{n}"}.get(name, Supplier._meta.get_field(name).get_default()) for name in fields)
         for n in range(2)],
        returning=["id"],
    )
    ids = {created.pk, *(s.pk for s in bulk if s.pk), *(row[0] for row in written)}
    assert len(ids) >= 4 and Supplier.objects.count() == 6
    assert summaries() == {pk: (None, 0, "") for pk in Supplier.objects.values_list("pk", flat=True)}
    assert Supplier.objects.get(pk=created.pk).summary.risk_order == 0


def test_deleting_a_supplier_deletes_its_summary():
    kept, gone = make_supplier(), make_supplier()
    gone.delete()
    assert list(summaries()) == [kept.pk]


def test_migrate_reinstalls_a_lost_trigger_and_adds_the_missing_rows():
    """As after a migration rebuilt the supplier table on SQLite, which drops its triggers."""
    before = make_supplier()
    summary_rows.uninstall(connection)
    assert not summary_rows.installed(connection)
    orphan = make_supplier()
    assert not SupplierSummary.objects.filter(supplier=orphan).exists()

    summary_rows.after_migrate(sender=None, using=connection.alias)

    assert summary_rows.installed(connection)
    assert set(summaries()) == {before.pk, orphan.pk}
    after = make_supplier()
    assert SupplierSummary.objects.filter(supplier=after).exists()
    summary_rows.after_migrate(sender=None, using=connection.alias)  # again: nothing doubled
    assert len(summaries()) == 3


def test_the_trigger_is_installed_by_the_migrations():
    assert summary_rows.installed(connection)


def test_the_list_filters_and_sorts_on_the_summary(client_for, viewer):
    high, low, never = make_supplier(legal_name="High Ltd."), make_supplier(legal_name="Low Ltd."), make_supplier(
        legal_name="Never Ltd."
    )
    SupplierSummary.objects.filter(supplier=high).update(risk_level="high", risk_order=3, latest_grade="D")
    SupplierSummary.objects.filter(supplier=low).update(risk_level="low", risk_order=1, latest_grade="A")
    client = client_for(viewer)

    def names(**params):
        return [s.legal_name for s in client.get(reverse("suppliers:list"), params).context["page"]]

    assert names(sort="-risk") == ["High Ltd.", "Low Ltd.", "Never Ltd."]
    assert names(sort="risk") == ["Never Ltd.", "Low Ltd.", "High Ltd."]
    assert names(sort="grade") == ["Never Ltd.", "Low Ltd.", "High Ltd."]  # not rated first, on both databases
    assert names(sort="-grade") == ["High Ltd.", "Low Ltd.", "Never Ltd."]
    assert names(risk="high") == ["High Ltd."]
    assert names(risk="none") == ["Never Ltd."]
    assert names(risk="bogus") == ["High Ltd.", "Low Ltd.", "Never Ltd."]
    assert names(grade="A") == ["Low Ltd."] and names(grade="none") == ["Never Ltd."]
    html = client.get(reverse("suppliers:list"), {"sort": "-risk"}).content.decode()
    assert "grade-D" in html and never.legal_name in html
