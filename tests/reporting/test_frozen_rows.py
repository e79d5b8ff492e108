"""A snapshot's frozen rows, one stored row each (SnapshotRow): the hash fed figure by figure and row by row is the
hash of the whole list, taking a snapshot sets the rows aside as it computes, and the migration that moved the rows
out of the figures' JSON arrays keeps every row, its place and every snapshot's hash."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from supplyesg.reporting.models import SnapshotRow
from supplyesg.reporting.services import snapshots
from supplyesg.reporting.services.catalogue import load_catalogue
from supplyesg.suppliers.models import Supplier
from tests.factories import make_supplier

FIGURES = [
    {"code": "A-1", "order": 1, "value": {"CN": 2, "台湾": 1}, "rows": [], "row_count": 0, "note": "none behind it"},
    {
        "code": "B-2",
        "order": 2,
        "value": "12.5",
        "rows": [
            {"kind": "suppliers.supplier", "pk": 1, "cells": ["T1", 'Wu & Sons "Metals"', 1, "CN"]},
            {"kind": "x.none", "pk": None, "cells": ["line\nbreak", "\u2028 separator", 2.5, None]},
            {"cells": [], "kind": "suppliers.supplier", "pk": 3},
        ],
        "row_count": 3,
        "note": "rows: [1, 2]",
    },
]
SHAPE = {"framework": "kpi", "title_zh": "", "unit": "count", "public": True, "columns": ["Code", "Name"], "flags": []}
STORED = [{**SHAPE, "title": figure["code"], **figure} for figure in FIGURES]  # every field a figure is stored with


def test_the_hash_fed_row_by_row_is_the_hash_of_the_whole_list():
    hasher = snapshots.FigureHasher()
    for figure in FIGURES:
        hasher.figure({k: v for k, v in figure.items() if k != "rows"})
        for row in figure["rows"]:
            hasher.row(snapshots._canonical(row))
        hasher.end_figure()
    assert hasher.hexdigest() == snapshots.figures_hash(FIGURES)
    assert snapshots.FigureHasher().hexdigest() == snapshots.figures_hash([])


def test_a_taken_snapshot_stores_each_row_in_its_place_and_hashes_as_its_figures(compliance):
    load_catalogue(actor=None)
    for n in range(7):
        make_supplier(legal_name=f"Supplier \u201c{n}\u201d\nLtd.", status=Supplier.Status.ACTIVE)
    period = snapshots.create_period(actor=compliance, year=2026)
    taken = snapshots.take_snapshot(actor=compliance, period=period)
    stored = snapshots.stored_figures(taken)
    assert taken.hash_matches is True and snapshots.figures_hash(stored) == taken.figures_hash
    figure = taken.figures.get(code="KPI-SUP-1")
    positions = list(SnapshotRow.objects.filter(figure=figure).order_by("position").values_list("position", flat=True))
    assert positions == list(range(figure.row_count)) and figure.row_count == 7
    assert {row["cells"][1] for row in figure.rows} == {f"Supplier \u201c{n}\u201d\nLtd." for n in range(7)}
    assert snapshots.FrozenRows(figure)[2:7:2] == [figure.rows[2], figure.rows[4], figure.rows[6]]
    assert SnapshotRow.objects.filter(figure__snapshot=taken).count() == sum(f["row_count"] for f in stored)


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_row_to_its_place_keeps_the_hash_and_goes_back():
    executor = MigrationExecutor(connection)
    before, after = [("reporting", "0004_snapshot_hash_check")], [("reporting", "0006_remove_snapshotfigure_rows")]
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        Catalogue, Period = apps.get_model("reporting", "DisclosureCatalogue"), apps.get_model("reporting", "ReportingPeriod")
        Snapshot, Figure = apps.get_model("reporting", "Snapshot"), apps.get_model("reporting", "SnapshotFigure")
        catalogue = Catalogue.objects.create(version="test", title="Test", source="test")
        period = Period.objects.create(year=2025, start="2025-01-01", end="2025-12-31")
        snapshot = Snapshot.objects.create(
            period=period, number=1, catalogue=catalogue, definitions={}, figures_hash=snapshots.figures_hash(STORED)
        )
        for figure in STORED:
            Figure.objects.create(snapshot=snapshot, **figure)
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
    from supplyesg.reporting.models import Snapshot as Current

    moved = Current.objects.get(pk=snapshot.pk)
    assert [f.rows for f in moved.figures.order_by("order")] == [f["rows"] for f in FIGURES]
    assert snapshots.verify_snapshot(moved)

    executor = MigrationExecutor(connection)  # and back: the arrays are rebuilt in order
    executor.migrate(before)
    try:
        Figure = executor.loader.project_state(before).apps.get_model("reporting", "SnapshotFigure")
        assert [f.rows for f in Figure.objects.filter(snapshot_id=snapshot.pk).order_by("order")] == [f["rows"] for f in FIGURES]
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
