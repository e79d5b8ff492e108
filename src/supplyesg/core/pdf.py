"""PDF building blocks every report shares: one embedded font for Latin and Chinese, styles, tables, page furniture.

Why a font file and not reportlab's built-in CID font STSong-Light: a CID font is only *named* in the PDF, so a
reader without Chinese fonts shows boxes and substitutes Latin metrics (spacing breaks, dates wrap). We embed a
subset of a TrueType font instead. ReportLab embeds TrueType outlines only; Noto Sans CJK ships as CFF OpenType,
which it cannot embed, so the search list starts with WenQuanYi Micro Hei (Debian `fonts-wqy-microhei`, Apache 2.0,
Latin and the whole of GB 2312/GBK) and the Droid Sans Fallback it derives from. `PDF_FONT_PATH` (a .ttf or .ttc)
overrides the search; `make browser` installs the Debian package for the tests.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

FONT_NAME = "SupplyESG-Sans"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
_registered: dict[str, str] = {}


def font_path() -> Path | None:
    """The TrueType font file the PDFs embed: `PDF_FONT_PATH`, else the first installed candidate."""
    configured = getattr(settings, "PDF_FONT_PATH", None)
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise ImproperlyConfigured(f"PDF_FONT_PATH: {path} is not a font file")
        return path
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    return None


def font() -> str:
    """Register the embedded font once per process and return its name.

    Without any TrueType CJK font installed we still produce a PDF with the CID font rather than failing the
    download; the system check `supplyesg.W010` tells the administrator, so the gap is never silent.
    """
    if "name" in _registered:
        return _registered["name"]
    from reportlab.pdfbase import pdfmetrics

    path = font_path()
    if path is not None:
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
        _registered["name"] = FONT_NAME
    else:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        log.warning("No TrueType CJK font found for PDF reports; Chinese text will not be embedded. Set PDF_FONT_PATH.")
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        _registered["name"] = "STSong-Light"
    return _registered["name"]


def styles(chinese: bool) -> dict:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    name = font()
    base = getSampleStyleSheet()
    wrap = "CJK" if chinese else None
    out = {}
    for key, parent, size in (
        ("title", "Title", 16),
        ("h2", "Heading2", 11.5),
        ("body", "BodyText", 9),
        ("cell", "BodyText", 8),
        ("small", "BodyText", 7),
    ):
        out[key] = ParagraphStyle(key, parent=base[parent], fontName=name, fontSize=size, leading=size * 1.35, wordWrap=wrap)
    # Dates, numbers and codes never break inside a cell: "2026-12-05" stays on one line.
    out["nowrap"] = ParagraphStyle("nowrap", parent=out["cell"], wordWrap=None, splitLongWords=0)
    out["label"] = ParagraphStyle("label", parent=out["cell"], textColor="#4a5a55")
    return out


def paragraph(text, style):
    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text if text is not None else "")).replace("\n", "<br/>"), style)


def table(header: list[str], rows: list[list], widths: list[float], sheet: dict, *, nowrap_columns=(), zebra=True):
    """A ruled table whose header repeats on every page; `nowrap_columns` hold dates and numbers."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    def cell(value, column):
        return paragraph(value, sheet["nowrap"] if column in nowrap_columns else sheet["cell"])

    data = [[paragraph(h, sheet["cell"]) for h in header]] + [[cell(v, n) for n, v in enumerate(row)] for row in rows]
    result = Table(data, colWidths=widths, repeatRows=1)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b8c4bf")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f3ef")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), font()),
    ]
    if zebra:
        commands += [("BACKGROUND", (0, n), (-1, n), colors.HexColor("#f7faf9")) for n in range(2, len(data), 2)]
    result.setStyle(TableStyle(commands))
    return result


def key_values(pairs: list[tuple[str, object]], width: float, sheet: dict, columns: int = 2):
    """A compact block of label/value pairs, `columns` pairs per row (the report's header)."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    cells = [(paragraph(label, sheet["label"]), paragraph(value, sheet["body"])) for label, value in pairs]
    rows = []
    for start in range(0, len(cells), columns):
        row = []
        for label, value in cells[start : start + columns]:
            row += [label, value]
        row += [""] * (2 * columns - len(row))
        rows.append(row)
    pair = width / columns
    result = Table(rows, colWidths=[pair * 0.32, pair * 0.68] * columns)
    result.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), font()),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#d5ddda")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return result


def build(
    story, *, title: str, header: str, footer: str, page_label: str, landscape_pages: bool = True, invariant: bool = False
) -> bytes:
    """Lay `story` out on A4 with a running header, a footer and "Page n of m" on every page.

    `page_label` is a translated format string with `{page}` and `{pages}`. `invariant` writes ReportLab's fixed
    creation date and file id, so the same content gives the same bytes (a frozen report downloaded twice).
    """
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as pdfcanvas
    from reportlab.platypus import SimpleDocTemplate

    name = font()
    pagesize = landscape(A4) if landscape_pages else A4

    class NumberedCanvas(pdfcanvas.Canvas):
        """Defers each page until the total is known, then draws the furniture (the usual ReportLab recipe)."""

        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = name  # else every page names Helvetica, which is never embedded
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total):
            width, height = pagesize
            self.saveState()
            self.setFont(name, 7.5)
            self.setFillColorRGB(0.29, 0.35, 0.33)
            self.drawString(15 * mm, height - 9 * mm, header)
            self.drawString(15 * mm, 8 * mm, footer)
            self.drawRightString(width - 15 * mm, 8 * mm, page_label.format(page=self._pageNumber, pages=total))
            self.setStrokeColorRGB(0.72, 0.77, 0.75)
            self.setLineWidth(0.4)
            self.line(15 * mm, height - 10.5 * mm, width - 15 * mm, height - 10.5 * mm)
            self.line(15 * mm, 11 * mm, width - 15 * mm, 11 * mm)
            self.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="SupplyESG",
        creator="SupplyESG",
        invariant=1 if invariant else None,
    )
    doc.build(story(doc.width) if callable(story) else story, canvasmaker=NumberedCanvas)
    return out.getvalue()
