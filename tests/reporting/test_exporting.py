"""The report outputs of a snapshot: built from stored figures only (same bytes after the data changes), the
public edition's suppression, the GRI content index, and the files opened by LibreOffice and pdftotext."""

import io
import os
import shutil
import subprocess
from datetime import UTC

import pytest
from openpyxl import load_workbook

from supplyesg.core.models import PolicySettings
from supplyesg.reporting.exporting import content
from supplyesg.reporting.exporting.outputs import build_output, gri_index
from supplyesg.reporting.models import ManagementReview, ReviewAction, Snapshot, SnapshotFigure, SnapshotRow
from supplyesg.reporting.services import snapshots
from supplyesg.reporting.services.catalogue import current_catalogue, load_catalogue
from supplyesg.suppliers.models import Supplier
from tests.factories import make_supplier
from tests.office import CSV_ALL_SHEETS

pytestmark = pytest.mark.django_db

SUPPLIER_COLUMNS = ["Supplier code", "Supplier", "Tier", "Country"]


def _replace_rows(snapshot, code, rows):
    """A figure's frozen rows replaced behind the product's back (a crafted snapshot for an output test)."""
    figure = SnapshotFigure.objects.get(snapshot=snapshot, code=code)
    figure.frozen_rows.all().delete()
    SnapshotRow.objects.bulk_create(SnapshotRow(figure=figure, position=n, data=row) for n, row in enumerate(rows))
    SnapshotFigure.objects.filter(pk=figure.pk).update(row_count=len(rows))


def program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} (poppler-utils) is required when CI=true")
        pytest.skip(f"{name} not installed")
    return path


def cells(data: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def all_text(sheets: dict) -> str:
    return "\n".join(str(v) for rows in sheets.values() for row in rows for v in row if v is not None)


@pytest.fixture
def period(compliance):
    load_catalogue(actor=None)
    return snapshots.create_period(actor=compliance, year=2026, entity="Example Solar")


@pytest.fixture
def crafted(compliance, period):
    """A snapshot whose figures are written by hand: a GRI breakdown by country with a supplier named in it, a GRI
    item without data, a text figure naming a supplier, and an internal-only item."""
    snap = Snapshot.objects.create(
        period=period, number=1, catalogue=current_catalogue(), definitions=period.definitions(), figures_hash="x"
    )
    alpha = ["T000001", "Alpha Cable Co., Ltd.", 1, "CN"]
    figures = [
        dict(
            code="GRI 308-1",
            framework="gri",
            title="New suppliers screened",
            title_zh="经筛选的新供应商",
            unit="count",
            order=1,
            value={"CN": 3, "MY": 12, "Alpha Cable Co., Ltd.": 7},
            columns=SUPPLIER_COLUMNS,
            rows=[{"kind": "suppliers.supplier", "pk": 1, "cells": alpha}],
            row_count=1,
            flags=["Alpha Cable Co., Ltd. has no admission date"],
        ),
        dict(
            code="GRI 414-2",
            framework="gri",
            title="Negative social impacts",
            title_zh="负面社会影响",
            unit="count",
            order=2,
            value=None,
            flags=["No audit was conducted in the period"],
        ),
        dict(
            code="KPI-TXT",
            framework="kpi",
            title="Highlight",
            title_zh="亮点",
            unit="text",
            order=3,
            value="Alpha Cable Co., Ltd. improved",
        ),
        dict(
            code="KPI-INT",
            framework="kpi",
            title="Internal only",
            title_zh="仅内部",
            unit="count",
            order=4,
            value=9,
            public=False,
        ),
    ]
    snapshots.write_figures(snap, [{"row_count": len(f.get("rows") or []), **f} for f in figures])
    snap.figures_hash = snapshots.figures_hash(snapshots.stored_figures(snap))
    snap.save()
    return snap


def test_a_snapshots_xlsx_and_pdf_are_the_same_bytes_after_the_data_behind_them_changes(compliance, period):
    alpha = make_supplier(legal_name="Alpha Cable Co., Ltd.", status=Supplier.Status.ACTIVE)
    make_supplier(legal_name="Beta Solder Sdn. Bhd.", status=Supplier.Status.ACTIVE)
    snap = snapshots.take_snapshot(actor=compliance, period=period)
    before = {kind: build_output(snap, kind, language="en").data for kind in ("xlsx", "pdf", "index")}
    zh_before = build_output(snap, "pdf", language="zh-hans").data

    alpha.legal_name = "Alpha Renamed"
    alpha.save()
    make_supplier(legal_name="Gamma Copper Ltd.", status=Supplier.Status.ACTIVE)
    snap = Snapshot.objects.get(pk=snap.pk)
    for kind, data in before.items():
        assert build_output(snap, kind, language="en").data == data, kind
    assert build_output(snap, "pdf", language="zh-hans").data == zh_before

    sheets = cells(before["xlsx"])
    # Summary: two title lines, the heading, then KPI-SUP-1 = 2 (Alpha and Beta were approved when frozen).
    summary = next(row for row in sheets["Summary"][3:] if row[0] == "KPI-SUP-1")
    assert summary[:5] == ["KPI-SUP-1", "Company KPIs", "Suppliers on the approved list", 2, "count"]
    expected = ["KPI-SUP-1", "suppliers.supplier", alpha.pk, alpha.code, "Alpha Cable Co., Ltd.", 1, "CN"]
    assert any(row[:7] == expected for row in sheets["Rows"])
    assert "Alpha Renamed" not in all_text(sheets)
    assert {"Summary", "KPI", "Rows", "Definitions", "Management review"} <= set(sheets)
    props = load_workbook(io.BytesIO(before["xlsx"])).properties
    assert props.created == props.modified == snap.created_at.astimezone(UTC).replace(tzinfo=None, microsecond=0)


@pytest.mark.parametrize(("kind", "url", "query"), [
    ("xlsx", "reporting:snapshot_xlsx", {}), ("pdf", "reporting:snapshot_pdf", {"public": "1"}),
    ("index", "reporting:content_index_xlsx", {}),
])  # fmt: skip
def test_a_large_snapshots_downloads_are_prepared_by_the_worker_in_the_requesters_language(
    client_for, compliance, period, monkeypatch, django_capture_on_commit_callbacks, kind, url, query
):
    from django.urls import reverse

    from supplyesg.core import exports
    from supplyesg.core.models import Job

    for name in ("Alpha Cable Co., Ltd.", "Beta Solder Sdn. Bhd."):
        make_supplier(legal_name=name, status=Supplier.Status.ACTIVE)
    snap = snapshots.take_snapshot(actor=compliance, period=period)
    expected = build_output(snap, kind, language="zh-hans", public=bool(query)).data
    monkeypatch.setattr(exports, "IN_REQUEST_ROWS", 1)
    client = client_for(compliance)
    client.cookies["django_language"] = "zh-hans"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse(url, kwargs={"snapshot_pk": snap.pk}), query)
    job = Job.objects.get(kind=exports.JOB_KIND)
    assert response.status_code == 302 and response["Location"] == reverse("core:export", kwargs={"pk": job.pk})
    assert job.status == Job.Status.DONE and job.result["language"] == "zh-hans"
    assert job.result["next_label"].startswith("下载 ") and "已准备好" in job.message  # its messages in Chinese too
    assert job.result["params"] == {"snapshot_id": snap.pk, "kind": kind, "public": bool(query)}
    file = client.get(reverse("core:export_file", kwargs={"pk": job.pk}))
    assert b"".join(file.streaming_content) == expected  # the same bytes as built in the request


def test_the_xlsx_lists_the_periods_management_reviews_and_the_definitions(compliance, period):
    snap = snapshots.take_snapshot(actor=compliance, period=period)
    review = ManagementReview.objects.create(
        period=period, snapshot=snap, held_on="2026-12-01", chair="CEO", participants="CEO, CFO", decisions="Audit tier 2"
    )
    ReviewAction.objects.create(review=review, text="Plan tier-2 audits", owner=compliance, due_on="2027-03-31")
    sheets = cells(build_output(snap, "xlsx", language="en").data)
    assert sheets["Management review"][1][1] == "CEO" and sheets["Management review"][1][5] == "Plan tier-2 audits"
    assert ["Standard payment terms (days)", "60"] in sheets["Definitions"]
    assert ["Countries", "all"] in sheets["Definitions"]


def test_the_public_edition_withholds_supplier_names_small_cells_and_internal_items(crafted):
    internal = all_text(cells(build_output(crafted, "xlsx", language="en").data))
    assert "Alpha Cable Co., Ltd." in internal and "Internal only" in internal

    PolicySettings.objects.update_or_create(pk=1, defaults={"report_public_min_cell": 5})
    sheets = cells(build_output(crafted, "xlsx", language="en", public=True).data)
    text = all_text(sheets)
    assert "Alpha Cable" not in text and "T000001" not in text  # no row, breakdown label, flag or text names it
    assert "KPI-INT" not in text and "Rows" not in sheets
    summary = {row[0]: row for row in sheets["Summary"][3:]}
    assert summary["GRI 308-1"][3] == "CN: <5; MY: 12"  # 3 < 5 shown as "<5"; 12 kept; the supplier's cell dropped
    assert summary["GRI 308-1"][5] == "[withheld] has no admission date"
    assert summary["KPI-TXT"][3] == "[withheld] improved"
    pdf = build_output(crafted, "pdf", language="en", public=True).data
    assert pdf.startswith(b"%PDF") and pdf != build_output(crafted, "pdf", language="en").data


def test_the_rows_go_on_in_a_further_sheet_when_one_is_full_and_each_row_is_written_once(crafted, monkeypatch):
    """Excel's sheet holds 1,048,576 rows, fewer than a snapshot's rows at 100,000 suppliers (about 1.8 million): a
    full sheet goes on in "Rows 2", with the header again. The limit is 4 rows here."""
    from supplyesg.reporting.exporting import xlsx

    many = [{"kind": "suppliers.supplier", "pk": n, "cells": [f"T{n:06d}", f"Supplier {n}", 1, "CN"]} for n in range(1, 8)]
    _replace_rows(crafted, "GRI 308-1", many)
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 4)
    sheets = cells(build_output(crafted, "xlsx", language="en").data)
    parts = [name for name in sheets if name.startswith("Rows")]
    assert parts == ["Rows", "Rows 2", "Rows 3"] and all(len(sheets[name]) <= 4 for name in parts)
    assert all(sheets[name][0] == ["Line item", "Record", "ID", "Cells", None, None, None] for name in parts)
    written = [row for name in parts for row in sheets[name][1:]]
    assert written[0][:4] == ["GRI 308-1", None, None, "Supplier code"]  # the figure's own heading line
    assert [row[2] for row in written[1:]] == list(range(1, 8))


def test_verifying_a_snapshot_reads_one_figure_at_a_time_and_catches_a_changed_row(crafted):
    """The hash is computed figure by figure over the same canonical text as figures_hash of the whole list."""
    assert snapshots.verify_snapshot(crafted)
    assert snapshots.figures_hash(snapshots.stored_figures(crafted)) == crafted.figures_hash
    row = SnapshotRow.objects.get(figure__snapshot=crafted, figure__code="GRI 308-1", position=0)
    row.data = {**row.data, "cells": ["T000001", "Alpha Cable Co., Ltd.", 2, "CN"]}
    row.save()  # altered behind the product's back
    assert not snapshots.verify_snapshot(crafted)


def test_a_page_listing_the_figures_reads_none_of_the_rows_behind_them(crafted):
    listed = content.report(crafted, language="en")
    assert all("rows" not in figure for figure in listed.figures)
    assert next(iter(listed.rows_of(next(f for f in listed.figures if f["code"] == "GRI 308-1"))))["pk"] == 1
    assert content.report(crafted, language="en", public=True).rows_of(listed.figures[0]) == []


def test_the_gri_content_index_gives_each_locations_value_or_omission(crafted):
    entries = gri_index(crafted, language="en")
    assert [(e.code, e.value, e.omission) for e in entries] == [
        ("GRI 308-1", "CN: 3; MY: 12; Alpha Cable Co., Ltd.: 7 count", ""),
        ("GRI 414-2", "", "Information unavailable: No audit was conducted in the period"),
    ]
    # The GRI sheet lists the framework's figures under its heading row: 308-1 in row 2, 414-2 in row 3.
    assert entries[1].location == "Annual report, section GRI; workbook sheet GRI, row 3"
    assert cells(build_output(crafted, "xlsx", language="en").data)["GRI"][2][0] == "GRI 414-2"
    index = cells(build_output(crafted, "index", language="zh-hans").data)
    assert index[next(iter(index))][1][1] == "经筛选的新供应商"


def test_suppression_leaves_breakdowns_at_or_above_the_threshold_alone():
    figures = [
        {
            "code": "X",
            "public": True,
            "value": {"CN": 5, "MY": {"tin": 1, "gold": 6}},
            "rows": [],
            "columns": [],
            "flags": [],
            "note": "",
        }
    ]
    # 5 is not below 5; the nested 1 is; nested 6 is not.
    assert content.suppress(figures, min_cell=5)[0]["value"] == {"CN": 5, "MY": {"tin": "<5", "gold": 6}}


def test_libreoffice_opens_the_workbook_with_formula_like_names_as_text(compliance, period, office, tmp_path):
    make_supplier(legal_name='=HYPERLINK("http://evil.example","x")', status=Supplier.Status.ACTIVE)
    snap = snapshots.take_snapshot(actor=compliance, period=period)
    source = tmp_path / "report.xlsx"
    source.write_bytes(build_output(snap, "xlsx", language="zh-hans").data)
    office.convert([source], CSV_ALL_SHEETS, tmp_path / "csv")
    rows_csv = next((tmp_path / "csv").glob("report-*.csv"))
    written = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "csv").glob("*.csv")}
    assert rows_csv.exists()
    summary = next(text for name, text in written.items() if "合格供应商名录中的供应商数量" in text)
    assert "KPI-SUP-1" in summary
    assert any('=HYPERLINK(""http://evil.example"",""x"")' in text for text in written.values())
    book = load_workbook(source)
    cell = next(c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"  # a string cell, never evaluated as a formula


def test_pdftotext_reads_the_chinese_report_with_its_hash(compliance, period, tmp_path):
    make_supplier(legal_name="Alpha Cable Co., Ltd.", status=Supplier.Status.ACTIVE)
    snap = snapshots.take_snapshot(actor=compliance, period=period)
    path = tmp_path / "report.pdf"
    path.write_bytes(build_output(snap, "pdf", language="zh-hans").data)
    text = subprocess.run([program("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "合格供应商名录中的供应商数量" in text
    assert snap.figures_hash in text.replace("\n", "").replace(" ", "")
    assert "KPI-SUP-1" in text


def test_a_prepared_workbooks_progress_counts_the_rows_it_writes(crafted, monkeypatch):
    """The worker's progress moves with the rows behind the figures as the workbook writes them, up to all of
    them; the public edition lists none, so its progress is the build's own one step."""
    from supplyesg.reporting.exporting import outputs

    many = [{"kind": "suppliers.supplier", "pk": n, "cells": [f"T{n:06d}", f"Supplier {n}", 1, "CN"]} for n in range(1, 8)]
    _replace_rows(crafted, "GRI 308-1", many)
    monkeypatch.setattr(content, "PROGRESS_ROWS", 2)
    listed = sum(f["row_count"] for f in snapshots.stored_figures(crafted, rows=False))
    seen = []

    def record(done, total):
        seen.append((done, total))

    built = outputs.build_prepared({"snapshot_id": crafted.pk, "kind": "xlsx"}, on_progress=record)
    assert seen[0] == (0, 1) and seen[-1] == (1, 1)
    assert [d for d, _t in seen[1:-1]] == list(range(2, listed + 1, 2)) and {t for _d, t in seen[1:-1]} == {listed}
    assert built.data == build_output(crafted, "xlsx", language="en").data
    seen.clear()
    outputs.build_prepared({"snapshot_id": crafted.pk, "kind": "xlsx", "public": True}, on_progress=record)
    assert seen == [(0, 1), (1, 1)]
