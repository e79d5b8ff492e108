"""One entry point for the downloads: which output, in which language, internal or public."""

from __future__ import annotations

from django.utils import translation

from supplyesg.core.exports import Output
from supplyesg.reporting.exporting import content, content_index, pdf, xlsx
from supplyesg.reporting.models import Snapshot

PDF_TYPE = "application/pdf"



def build_output(snapshot: Snapshot, kind: str, *, language: str, public: bool = False) -> Output:
    """`kind` is "xlsx", "pdf" or "index" (the GRI content index workbook)."""
    stem = f"supplyesg-report-{snapshot.period.year}-{snapshot.number}" + ("-public" if public else "")
    with translation.override(language):
        report = content.report(snapshot, language=language, public=public)
        if kind == "xlsx":
            return Output(xlsx.annual_report_xlsx(report), f"{stem}.xlsx", xlsx.XLSX_TYPE)
        if kind == "pdf":
            return Output(pdf.annual_report_pdf(report), f"{stem}.pdf", PDF_TYPE)
        if kind == "index":
            return Output(xlsx.content_index_xlsx(report), f"{stem}-gri-index.xlsx", xlsx.XLSX_TYPE)
    raise ValueError(f"unknown output {kind!r}")


def build_prepared(params: dict, *, on_progress) -> Output:
    """A snapshot's download as the worker prepares it (core/exports.py), in the requester's language (the job
    runs under it): `params` name the snapshot, the output and the edition. One step: the outputs are built whole."""
    snapshot = Snapshot.objects.select_related("period", "catalogue").get(pk=params["snapshot_id"])
    on_progress(0, 1)
    language = translation.get_language() or "en"
    output = build_output(snapshot, params["kind"], language=language, public=params.get("public", False))
    on_progress(1, 1)
    return output


def gri_index(snapshot: Snapshot, *, language: str, public: bool = False) -> list[content_index.IndexEntry]:
    with translation.override(language):
        return content_index.gri_index(content.report(snapshot, language=language, public=public))
