"""One entry point for the downloads: which output, in which language, internal or public."""

from __future__ import annotations

from django.utils import translation

from supplyesg.core.exports import Output
from supplyesg.reporting.exporting import content, content_index, pdf, xlsx
from supplyesg.reporting.models import Snapshot

PDF_TYPE = "application/pdf"



def build_output(snapshot: Snapshot, kind: str, *, language: str, public: bool = False, on_progress=None) -> Output:
    """`kind` is "xlsx", "pdf" or "index" (the GRI content index workbook). `on_progress(done, total)`: the rows
    behind the figures written so far, of those the output lists (the internal workbook lists them all)."""
    stem = f"supplyesg-report-{snapshot.period.year}-{snapshot.number}" + ("-public" if public else "")
    with translation.override(language):
        report = content.report(snapshot, language=language, public=public, on_progress=on_progress)
        if kind == "xlsx":
            return Output(xlsx.annual_report_xlsx(report), f"{stem}.xlsx", xlsx.XLSX_TYPE)
        if kind == "pdf":
            return Output(pdf.annual_report_pdf(report), f"{stem}.pdf", PDF_TYPE)
        if kind == "index":
            return Output(xlsx.content_index_xlsx(report), f"{stem}-gri-index.xlsx", xlsx.XLSX_TYPE)
    raise ValueError(f"unknown output {kind!r}")


def build_prepared(params: dict, *, on_progress) -> Output:
    """A snapshot's download as the worker prepares it (core/exports.py), in the requester's language (the job
    runs under it): `params` name the snapshot, the output and the edition. Its progress counts the rows behind the
    figures as the workbook writes them (1.8 million at 100,000 suppliers); an output listing none is one step."""
    snapshot = Snapshot.objects.select_related("period", "catalogue").get(pk=params["snapshot_id"])
    on_progress(0, 1)
    language = translation.get_language() or "en"
    output = build_output(
        snapshot, params["kind"], language=language, public=params.get("public", False), on_progress=on_progress
    )
    on_progress(1, 1)
    return output


def gri_index(snapshot: Snapshot, *, language: str, public: bool = False) -> list[content_index.IndexEntry]:
    with translation.override(language):
        return content_index.gri_index(content.report(snapshot, language=language, public=public))
