"""Reporting JSON API: the snapshots part. Internal roles read snapshots, their figures and the rows behind a
figure (paginated); the same access helpers as the pages (supplier users: 404)."""

from datetime import datetime
from typing import Any

from ninja import Query, Router, Schema
from pydantic import Field

from supplyesg.core.access import Cap
from supplyesg.core.api_auth import needs
from supplyesg.core.api_schemas import Offset, Year
from supplyesg.core.api_schemas import error_responses as _errors
from supplyesg.reporting.access import get_figure_for_user, get_snapshot_for_user, require_reporting
from supplyesg.reporting.models import Snapshot
from supplyesg.reporting.services.snapshots import FrozenRows

router = Router(tags=["reporting"])


class SnapshotOut(Schema):
    id: int
    year: int
    number: int
    status: str
    catalogue_version: str
    figures_hash: str
    definitions: dict[str, Any]
    filters: dict[str, Any]
    note: str
    created_at: datetime
    published_at: datetime | None
    hash_checked_at: datetime | None = Field(None, description="When the stored figures were last hashed again")


class FigureOut(Schema):
    code: str
    framework: str
    title: str
    title_zh: str
    unit: str
    public: bool
    value: Any
    flags: list[str]
    row_count: int


class SnapshotDetailOut(SnapshotOut):
    verified: bool | None = Field(
        None,
        description="Whether the stored figures matched their hash at the last check (hash_checked_at); null: not "
        "checked yet. The check reads every frozen row, so it runs in the worker after a snapshot is frozen, on "
        "request from the snapshot page, and when it is published",
    )
    figures: list[FigureOut]


class SnapshotList(Schema):
    count: int
    items: list[SnapshotOut]


class SnapshotFilters(Schema):
    year: Year | None = None


class RowOut(Schema):
    kind: str
    id: int | None
    cells: list[Any]


class RowPage(Schema):
    code: str
    columns: list[str]
    count: int
    limit: int
    offset: int
    items: list[RowOut]


class RowFilters(Schema):
    limit: int = Field(100, ge=1, le=1000)
    offset: Offset = 0


def _snapshot(snapshot: Snapshot) -> dict:
    return {
        "id": snapshot.pk,
        "year": snapshot.period.year,
        "number": snapshot.number,
        "status": snapshot.status,
        "catalogue_version": snapshot.catalogue.version,
        "figures_hash": snapshot.figures_hash,
        "definitions": snapshot.definitions,
        "filters": snapshot.filters,
        "note": snapshot.note,
        "created_at": snapshot.created_at,
        "published_at": snapshot.published_at,
        "hash_checked_at": snapshot.hash_checked_at,
    }


@router.get(
    "/reporting/snapshots",
    response={200: SnapshotList, **_errors(401, 404, 422)},
    summary="Report snapshots, newest first (optionally of one year)",
    url_name="reporting_snapshots",
    auth=needs(Cap.VIEW),
)
def list_snapshots(request, filters: Query[SnapshotFilters]):
    require_reporting(request.user)
    qs = Snapshot.objects.select_related("period", "catalogue")
    if filters.year is not None:
        qs = qs.filter(period__year=filters.year)
    items = [_snapshot(s) for s in qs]
    return {"count": len(items), "items": items}


@router.get(
    "/reporting/snapshots/{snapshot_id}",
    response={200: SnapshotDetailOut, **_errors(401, 404)},
    summary="A snapshot with its frozen figures and whether they still match their hash",
    url_name="reporting_snapshot",
    auth=needs(Cap.VIEW),
)
def read_snapshot(request, snapshot_id: int):
    snapshot = get_snapshot_for_user(request.user, snapshot_id)
    figures = snapshot.figures.order_by("order", "code").values(
        "code", "framework", "title", "title_zh", "unit", "public", "value", "flags", "row_count"
    )
    return {**_snapshot(snapshot), "verified": snapshot.hash_matches, "figures": list(figures)}


@router.get(
    "/reporting/snapshots/{snapshot_id}/figures/{figure_code}/rows",
    response={200: RowPage, **_errors(401, 404, 422)},
    summary="The frozen rows behind one figure of a snapshot, paginated",
    url_name="reporting_figure_rows",
    auth=needs(Cap.VIEW),
)
def figure_rows(request, snapshot_id: int, figure_code: str, page: Query[RowFilters]):
    figure = get_figure_for_user(request.user, snapshot_id, figure_code)
    rows = FrozenRows(figure)[page.offset : page.offset + page.limit]
    return {
        "code": figure.code,
        "columns": figure.columns,
        "count": figure.row_count,
        "limit": page.limit,
        "offset": page.offset,
        "items": [{"kind": r.get("kind") or "", "id": r.get("pk"), "cells": r.get("cells") or []} for r in rows],
    }
