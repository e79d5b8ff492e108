"""The annual report of a snapshot as a PDF in the reader's language: a cover, the figures by framework, the
definitions and filters, the management reviews. Laid out with `core.pdf` (embedded Latin + Chinese font) in
ReportLab's invariant mode, so the same snapshot gives the same bytes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from supplyesg.core import pdf
from supplyesg.reporting.exporting.content import Report, as_text, unit_label


def _value(figure: dict) -> str:
    if figure["value"] is None:
        return _("no data")
    return as_text(figure["value"])


def annual_report_pdf(report: Report) -> bytes:
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Spacer

    snapshot = report.snapshot
    sheet = pdf.styles(report.chinese)
    title = _("Annual report %(year)s") % {"year": snapshot.period.year}
    edition = _("public edition") if report.public else _("internal edition")

    def story(width):
        parts = [
            Spacer(1, 30 * mm),
            pdf.paragraph(title, sheet["title"]),
            pdf.paragraph(snapshot.period.entity, sheet["h2"]),
            pdf.key_values(
                [
                    (_("Period"), f"{snapshot.period.start.isoformat()} – {snapshot.period.end.isoformat()}"),
                    (_("Snapshot"), f"#{snapshot.number} ({snapshot.get_status_display()})"),
                    (_("Taken at"), snapshot.created_at.strftime("%Y-%m-%d %H:%M UTC")),
                    (_("Edition"), edition),
                    (_("Figures"), str(len(report.figures))),
                    ("SHA-256", snapshot.figures_hash),
                ],
                width,
                sheet,
                columns=1,
            ),
            PageBreak(),
        ]
        header = [_("Line item"), _("Title"), _("Value"), _("Unit"), _("Data-quality flags")]
        widths = [width * f for f in (0.13, 0.37, 0.22, 0.08, 0.20)]
        for _code, label, figures in report.frameworks():
            parts.append(pdf.paragraph(label, sheet["h2"]))
            rows = [
                [
                    f["code"],
                    report.title_of(f),
                    _value(f),
                    unit_label(f["unit"]),
                    "; ".join(_(str(flag)) for flag in f.get("flags") or []),
                ]
                for f in figures
            ]
            parts += [pdf.table(header, rows, widths, sheet, nowrap_columns=(0,)), Spacer(1, 4 * mm)]
        parts.append(pdf.paragraph(_("Definitions"), sheet["h2"]))
        parts.append(
            pdf.table([_("Definition"), _("Value")], [list(p) for p in report.definitions()], [width * 0.45, width * 0.55], sheet)
        )
        parts.append(pdf.paragraph(_("Management review"), sheet["h2"]))
        if not report.reviews:
            parts.append(pdf.paragraph(_("No management review is recorded for this period."), sheet["body"]))
        for review in report.reviews:
            parts.append(
                pdf.key_values(
                    [
                        (_("Held on"), review["held_on"]),
                        (_("Chaired by"), review["chair"]),
                        (_("Participants"), review["participants"]),
                        (_("Results reviewed"), review["summary"]),
                        (_("Decisions"), review["decisions"]),
                    ],
                    width,
                    sheet,
                    columns=1,
                )
            )
            if review["actions"]:
                rows = [[a["text"], a["owner"], a["due_on"], a["status_label"], a["outcome"]] for a in review["actions"]]
                parts.append(
                    pdf.table(
                        [_("Action"), _("Owner"), _("Due on"), _("Status"), _("Outcome")],
                        rows,
                        [width * f for f in (0.36, 0.16, 0.12, 0.1, 0.26)],
                        sheet,
                        nowrap_columns=(2,),
                    )
                )
            parts.append(Spacer(1, 4 * mm))
        return parts

    return pdf.build(
        story,
        title=title,
        header=f"{title} · #{snapshot.number}",
        footer=f"SupplyESG · {edition} · SHA-256 {snapshot.figures_hash[:16]}",
        page_label=_("Page {page} of {pages}"),
        invariant=True,
    )
