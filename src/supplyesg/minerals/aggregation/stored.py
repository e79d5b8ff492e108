"""The dashboard figures kept in the database: the worker recomputes a year's figures once after declarations or
reference data change (on commit, one pending refresh per year and template), the pages only read them.

A page never aggregates the year's smelter rows (471,000 at 20,000 declarations) nor works out every request's
red flags; it reads one snapshot row and one page of stored red flags, a fixed number of queries whatever
the number of submissions.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import asdict

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from supplyesg.core import derived, jobs, rowwriter
from supplyesg.core.ids import IdList
from supplyesg.minerals.aggregation.base import RiskContext, requests_for
from supplyesg.minerals.aggregation.dashboard import DashboardFigures, build_figures, dashboard_figures
from supplyesg.minerals.aggregation.flags import Flag, SupplierFlags, _request_flags
from supplyesg.minerals.aggregation.smelters import SmelterSummary, UnresolvedName
from supplyesg.minerals.models import DashboardSnapshot, SupplierRedFlags

RED_FLAGS_PER_PAGE = 50
FIGURES_STORED = "minerals.dashboard_refreshed"  # announced to core.derived
REFRESH_KIND = "minerals.dashboard"  # the task (core.jobs registry) takes (year, template), no Job record
ALL = (0, "")  # the snapshot over every year and template (the home dashboard's panel)
_deferred = threading.local()


def _key(year: int | None, template: str | None) -> tuple[int, str]:
    return (year or 0, template or "")


RED_FLAG_FIELDS = ("snapshot", "supplier", "supplier_name", "sort_name", "country", "codes", "metals", "flags")


def _red_flag_rows(snapshot: DashboardSnapshot, year: int | None, template: str | None) -> list[tuple]:
    """Every supplier's flags over its requests of the year and template, merged per kind (metals united), as
    rows of RED_FLAG_FIELDS."""
    merged: dict[int, tuple[dict, dict[str, Flag]]] = {}
    for row, flags in _request_flags(requests_for(year, template), RiskContext.load(), with_metals=True):
        if not flags:
            continue
        _row, by_code = merged.setdefault(row["supplier_id"], (row, {}))
        for flag in flags:
            known = by_code.get(flag.code)
            if known is None:
                by_code[flag.code] = flag
            else:
                metals = tuple(sorted(set(known.metals) | set(flag.metals)))
                by_code[flag.code] = Flag(known.code, known.template, known.count, known.question, metals)
    out = []
    for supplier_id, (row, by_code) in merged.items():
        name = row["supplier__legal_name"] or ""
        metals = sorted({m for f in by_code.values() for m in f.metals})
        out.append(
            (
                snapshot.pk,
                supplier_id,
                name[:255],
                name.casefold()[:255],
                row["supplier__country"] or "",
                "," + ",".join(by_code) + ",",
                ("," + ",".join(metals) + ",") if metals else "",
                [
                    {"code": f.code, "template": f.template, "count": f.count, "question": f.question, "metals": f.metals}
                    for f in by_code.values()
                ],
            )
        )
    return out


def _store_red_flags(snapshot: DashboardSnapshot, rows: list[tuple]) -> None:
    """Make the snapshot's stored red flags equal `rows` (RED_FLAG_FIELDS), writing only the suppliers whose flags
    changed: a refresh after one accepted declaration rewrites one or two rows, not 12,500. Rewriting them all left
    as many dead rows each time for the pages to step over until PostgreSQL's vacuum came (the dashboard page went
    from 16 to 33 ms after four refreshes at 20,000 declarations)."""
    wanted = {row[1]: (row[2], row[3], row[4], row[5], row[6], json.loads(json.dumps(row[7]))) for row in rows}
    stale: list[int] = []
    for pk, supplier_id, *values in snapshot.red_flags.order_by().values_list("pk", "supplier_id", *RED_FLAG_FIELDS[2:]):
        if wanted.get(supplier_id) == tuple(values):
            del wanted[supplier_id]  # stored as it is
        else:
            stale.append(pk)  # changed or no longer flagged
    if stale:
        SupplierRedFlags.objects.filter(pk__in=IdList(stale)).delete()
    # core.rowwriter, not bulk_create: building 12,500 instances and adapting their JSON one by one cost about 55 ms
    # of Python per 1,000 rows on PostgreSQL, against 7 ms for the server to store them.
    rowwriter.insert_rows(SupplierRedFlags, RED_FLAG_FIELDS, [row for row in rows if row[1] in wanted])


@transaction.atomic
def refresh_dashboard(year: int | None, template: str | None) -> DashboardSnapshot:
    """Recompute and store the figures of one year and template (what the worker runs)."""
    year_key, template_key = _key(year, template)
    snapshot, _created = DashboardSnapshot.objects.select_for_update().get_or_create(
        year=year_key, template=template_key, defaults={"computed_at": timezone.now()}
    )
    # Cleared first: a change committed while this runs marks it stale again and queues another refresh.
    DashboardSnapshot.objects.filter(pk=snapshot.pk).update(stale=False)
    figures = dashboard_figures(year, template, red_flags=False)
    red_flags = _red_flag_rows(snapshot, year, template)
    snapshot.figures = {
        "counts": {
            "total": figures.total,
            "requested": figures.requested,
            "received": figures.received,
            "valid": figures.valid,
            "accepted": figures.accepted,
            "by_status": [[value, n] for value, _label, n in figures.by_status],
        },
        "rmap_loaded": figures.rmap_loaded,
        "smelters": [asdict(s) for s in figures.smelters],
        "unresolved": [asdict(u) for u in figures.unresolved],
        # What the red-flag list needs before its first row, kept here so a page does not count the rows or
        # gather their countries (on PostgreSQL both walk every row of the snapshot, about 4 ms at 20,000).
        "red_flags": {"count": len(red_flags), "countries": sorted({r[4] for r in red_flags if r[4]})},
    }
    if year and template:
        # What the company's own declaration of the year proposes (declaration.derive), from the same smelters.
        from supplyesg.minerals.declaration.derive import derive_answers  # the declaration builds on this package

        answers = asdict(derive_answers(year, template, smelters=figures.smelters, unresolved=figures.unresolved))
        del answers["smelters"], answers["unresolved"]  # the figures' own, kept above
        snapshot.figures["derived"] = json.loads(json.dumps(answers))
    snapshot.computed_at = timezone.now()
    snapshot.stale = False
    snapshot.save(update_fields=["figures", "computed_at", "stale"])
    _store_red_flags(snapshot, red_flags)
    derived.changed(FIGURES_STORED)  # figures other apps read (the reporting dashboard's smelter counts)
    return snapshot


def stored_snapshot(year: int | None, template: str | None) -> DashboardSnapshot:
    """The stored snapshot; computed here only the first time (no worker has run for it yet)."""
    year_key, template_key = _key(year, template)
    snapshot = DashboardSnapshot.objects.filter(year=year_key, template=template_key).first()
    return snapshot if snapshot is not None else refresh_dashboard(year, template)


def stored_derived(year: int, template: str) -> dict | None:
    """The declaration answers kept with the year's figures (`refresh_dashboard`), with the figures' smelters and
    unresolved names; None when those figures are being updated or were stored before the answers were kept (the
    caller then computes them now)."""
    snapshot = DashboardSnapshot.objects.filter(year=year, template=template, stale=False).values_list("figures", flat=True)
    figures = snapshot.first() or {}
    if "derived" not in figures:
        return None
    return {**figures["derived"], "smelters": figures.get("smelters") or [], "unresolved": figures.get("unresolved") or []}


def fresh_snapshot(year: int | None, template: str | None) -> DashboardSnapshot | None:
    """The stored snapshot when it is up to date (None while a change waits for the worker's refresh)."""
    snapshot = stored_snapshot(year, template)
    return None if snapshot.stale else snapshot


def stored_figures(snapshot: DashboardSnapshot) -> DashboardFigures:
    """The dashboard figures of a snapshot (red flags are read page by page with `red_flag_page`)."""
    data = snapshot.figures or {}
    counts = data.get("counts") or {}
    return build_figures(
        year=snapshot.year or None,
        template=snapshot.template or None,
        counts={**counts, **{f"status_{value}": n for value, n in counts.get("by_status") or ()}},
        smelters=[SmelterSummary(**s) for s in data.get("smelters") or ()],
        unresolved=[UnresolvedName(**u) for u in data.get("unresolved") or ()],
        red_flags=[],
        rmap_loaded=bool(data.get("rmap_loaded")),
    )


def red_flag_countries(snapshot: DashboardSnapshot) -> list[str]:
    """The countries the snapshot's red-flag suppliers are in, for the filter: kept with the figures; read from the
    rows for a snapshot stored before they were. Without `order_by()` the model's ordering joins the DISTINCT and
    every row comes back (16,700 at 20,000 submissions)."""
    kept = (snapshot.figures or {}).get("red_flags")
    if kept is not None:
        return list(kept["countries"])
    return sorted(snapshot.red_flags.exclude(country="").order_by().values_list("country", flat=True).distinct())


def red_flag_page(snapshot: DashboardSnapshot, filters: dict, page_number) -> Page:
    """One page of the snapshot's suppliers with red flags, filtered by kind, metal, supplier name and country."""
    rows = snapshot.red_flags.all()
    if filters.get("kind"):
        rows = rows.filter(codes__contains=f",{filters['kind']},")
    if filters.get("metal"):
        rows = rows.filter(metals__contains=f",{filters['metal']},")
    if filters.get("country"):
        rows = rows.filter(country=filters["country"])
    if filters.get("supplier"):
        text = filters["supplier"].strip()
        rows = rows.filter(Q(supplier_name__icontains=text) | Q(sort_name__contains=text.casefold()))
    paginator = Paginator(rows.order_by("sort_name", "supplier_id"), RED_FLAGS_PER_PAGE)
    kept = (snapshot.figures or {}).get("red_flags")
    if kept is not None and not any(filters.get(name) for name in ("kind", "metal", "country", "supplier")):
        paginator.count = kept["count"]  # the unfiltered count, kept with the figures (a cached property)
    page = paginator.get_page(page_number)
    page.object_list = [
        SupplierFlags(
            r.supplier_id,
            r.supplier_name,
            [Flag(f["code"], f["template"], f["count"], f["question"], tuple(f.get("metals") or ())) for f in r.flags],
        )
        for r in page.object_list
    ]
    return page


# ---------------------------------------------------------------- keeping them up to date


def figures_changed(year: int | None = None) -> None:
    """Declarations or requests of `year` (None: reference data, so every year) changed: their snapshots and
    the all-years one are marked stale and one refresh each is queued on commit (none when already queued)."""
    pending = getattr(_deferred, "years", None)
    if pending is not None:
        pending.add(year)
        return
    snapshots = DashboardSnapshot.objects.filter(stale=False)
    if year is not None:
        snapshots = snapshots.filter(Q(year=year) | Q(year=0))
    keys = list(snapshots.values_list("year", "template"))
    if not keys:
        return
    DashboardSnapshot.objects.filter(stale=False, pk__in=snapshots.values("pk")).update(stale=True)
    task = jobs.task_for(REFRESH_KIND)
    for year_key, template_key in keys:
        transaction.on_commit(lambda y=year_key, t=template_key: task.enqueue(y, t))


@contextlib.contextmanager
def figures_deferred():
    """Within it (a bulk import of thousands of files), changes are collected and announced once at the end."""
    outer = getattr(_deferred, "years", None)
    if outer is not None:
        yield
        return
    _deferred.years = set()
    try:
        yield
    finally:
        years, _deferred.years = _deferred.years, None
        if None in years:
            figures_changed(None)
        else:
            for year in sorted(years):
                figures_changed(year)
