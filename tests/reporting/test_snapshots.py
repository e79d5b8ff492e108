"""Periods, definitions and snapshots: a snapshot freezes what the catalogue's computations returned, so it reads the
same, and hashes the same, after the data behind it changes."""

import pytest
from django.core.exceptions import ValidationError

from supplyesg.reporting.models import Snapshot
from supplyesg.reporting.services import snapshots
from supplyesg.reporting.services.catalogue import load_catalogue
from supplyesg.suppliers.models import Supplier
from tests.factories import make_supplier


@pytest.fixture
def catalogue(db):
    return load_catalogue(actor=None)


def test_a_new_period_starts_from_the_previous_periods_definitions(compliance):
    first = snapshots.create_period(actor=compliance, year=2025)
    snapshots.change_definitions(actor=compliance, period=first, impact_sources=["grade_d"], standard_payment_days=45)
    second = snapshots.create_period(actor=compliance, year=2026)
    assert second.impact_sources == ["grade_d"]
    assert second.standard_payment_days == 45
    with pytest.raises(ValidationError):
        snapshots.create_period(actor=compliance, year=2026)


def test_a_snapshot_reads_the_same_after_the_data_changes(compliance, catalogue):
    a = make_supplier(legal_name="Alpha Cable", status=Supplier.Status.ACTIVE)
    make_supplier(legal_name="Beta Solder", status=Supplier.Status.PROSPECT)
    period = snapshots.create_period(actor=compliance, year=2026)
    first = snapshots.take_snapshot(actor=compliance, period=period)
    figure = first.figures.get(code="KPI-SUP-1")
    assert figure.value == 1
    assert figure.rows[0]["cells"][1] == "Alpha Cable"

    make_supplier(legal_name="Gamma Cells", status=Supplier.Status.ACTIVE)
    a.legal_name = "Alpha Cable Renamed"
    a.save()
    before = snapshots.stored_figures(first)
    second = snapshots.take_snapshot(actor=compliance, period=period)

    assert second.number == 2
    assert second.figures.get(code="KPI-SUP-1").value == 2
    assert snapshots.stored_figures(Snapshot.objects.get(pk=first.pk)) == before
    assert snapshots.verify_snapshot(first)
    assert first.figures_hash != second.figures_hash
    published = snapshots.publish_snapshot(actor=compliance, snapshot=first)
    assert published.status == Snapshot.Status.PUBLISHED


def test_a_filtered_snapshot_counts_only_the_filtered_suppliers(compliance, catalogue):
    make_supplier(legal_name="Alpha Cable", status=Supplier.Status.ACTIVE, country="CN")
    make_supplier(legal_name="Beta Solder", status=Supplier.Status.ACTIVE, country="MY")
    period = snapshots.create_period(actor=compliance, year=2026)
    snap = snapshots.take_snapshot(actor=compliance, period=period, filters={"countries": ["MY"], "tiers": []})
    assert snap.filters == {"countries": ["MY"]}
    assert snap.figures.get(code="KPI-SUP-1").value == 1


def test_year_over_year_compares_with_the_previous_period_only(compliance, catalogue):
    older = snapshots.take_snapshot(actor=compliance, period=snapshots.create_period(actor=compliance, year=2024))
    snapshots.create_period(actor=compliance, year=2025)  # the previous period, without a snapshot
    current = snapshots.take_snapshot(actor=compliance, period=snapshots.create_period(actor=compliance, year=2026))
    assert snapshots.previous_snapshot(current) is None  # 2024 is not the previous period of 2026
    assert snapshots.previous_snapshot(older) is None
    draft_2025 = snapshots.take_snapshot(actor=compliance, period=snapshots.ReportingPeriod.objects.get(year=2025))
    assert snapshots.previous_snapshot(current) == draft_2025
