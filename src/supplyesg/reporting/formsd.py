"""The draft SEC Form SD (Item 1.01) and Conflict Minerals Report, written from a snapshot's frozen figures.

It reads the snapshot only (its stored figures and its period's year), never the live data, so the same snapshot
always gives the same draft, byte for byte, however the suppliers' declarations change afterwards. Form SD is
filed in English, so the text is English whatever the user's language; the page shows a Chinese working
translation of the headings next to them. The draft is a starting point for counsel, not a filing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from supplyesg.core.sheets.cells import xlsx_row
from supplyesg.reporting.models import Snapshot
from supplyesg.reporting.services.snapshots import figure_rows as figure_rows_of
from supplyesg.reporting.services.snapshots import stored_figures

METALS = "tin, tantalum, tungsten and gold (3TG)"
TABLE_CODE = "SD-CMR-TABLE"
FIGURE_CODES = (
    "SD-1.01-SCOPE",
    "SD-1.01-SUPP",
    "SD-1.01-REQ",
    "SD-1.01-RESP",
    "SD-CMR-SMELT",
    "SD-CMR-CONF",
    "SD-CMR-ACT",
    "SD-CMR-COVERED",
    "SD-CMR-CASES",
)
NOT_AVAILABLE = "[not available in this snapshot]"


@dataclass
class Section:
    heading: str
    heading_zh: str
    paragraphs: list[str]


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]


@dataclass
class Draft:
    title: str
    sections: list[Section]
    tables: list[Table]
    notes: list[str] = field(default_factory=list)  # data-quality flags of the figures used

    def text(self) -> str:
        """The draft as plain text: sections, then the tables as aligned columns, then the data notes."""
        out = [self.title, "=" * len(self.title), ""]
        for section in self.sections:
            out += [section.heading, "-" * len(section.heading), ""]
            for paragraph in section.paragraphs:
                out += [paragraph, ""]
        for table in self.tables:
            out += [table.title, "-" * len(table.title)]
            out.append(" | ".join(table.columns))
            out += [" | ".join(_text(c) for c in row) for row in table.rows] or ["(none)"]
            out.append("")
        if self.notes:
            out += ["Data notes (remove before filing)", "-" * 33]
            out += [f"- {note}" for note in self.notes]
            out.append("")
        return "\n".join(out)


def _text(value) -> str:
    if value is None or value == "":
        return ""
    return str(value)


def _number(value) -> str:
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in sorted(value.items())) or "0"
    return str(value)


def _percent(value) -> str:
    return NOT_AVAILABLE if value is None else f"{Decimal(str(value)).normalize():f} %"


def draft_for(snapshot: Snapshot) -> Draft:
    # The figures without their rows (about 1.8 million at 100,000 suppliers); the smelter table's rows alone.
    figures = {f["code"]: f for f in stored_figures(snapshot, rows=False)}

    def value(code):
        figure = figures.get(code)
        return figure["value"] if figure else None

    year = snapshot.period.year
    company = "The Company"
    scope = value("SD-1.01-SCOPE") or NOT_AVAILABLE
    surveyed = value("SD-1.01-SUPP")
    surveyed_total = sum(int(v) for v in surveyed.values() if str(v).isdigit()) if isinstance(surveyed, dict) else None
    requested = _number(value("SD-1.01-REQ"))
    response = _percent(value("SD-1.01-RESP"))
    smelters = _number(value("SD-CMR-SMELT"))
    conformant = _percent(value("SD-CMR-CONF"))
    active = _percent(value("SD-CMR-ACT"))
    covered = _number(value("SD-CMR-COVERED"))
    cases = _number(value("SD-CMR-CASES"))
    period = f"January 1 to December 31, {year}"

    item_101 = Section(
        "Item 1.01 Conflict Minerals Disclosure and Report",
        "第 1.01 项 冲突矿产披露与报告",
        [
            f"{company} has determined that {METALS} are necessary to the functionality or production of products "
            f"it manufactured or contracted to manufacture during the reporting period {period}. Products in scope: "
            f"{scope}.",
            f"{company} conducted a reasonable country of origin inquiry (RCOI) of its suppliers, as described in "
            f"the Conflict Minerals Report filed as Exhibit 1.01 to this Form SD, which is also publicly available "
            f"on {company}'s website.",
        ],
    )
    rcoi = Section(
        "1. Reasonable Country of Origin Inquiry",
        "1. 合理原产国调查",
        [
            f"{company} surveyed its suppliers of products and materials that may contain {METALS} using the "
            f"Responsible Minerals Initiative (RMI) Conflict Minerals Reporting Template (CMRT). Suppliers surveyed "
            f"per metal: {_number(surveyed)}"
            + (f" ({surveyed_total} supplier-metal pairs)" if surveyed_total is not None else "")
            + f". Declarations requested: {requested}; response rate: {response}.",
            "Each declaration received was checked for completeness and consistency and reviewed before it was "
            "accepted; declarations with errors were returned to the supplier for correction.",
        ],
    )
    measures = Section(
        "2. Due Diligence Measures (OECD five-step framework)",
        "2. 尽职调查措施（经合组织五步框架）",
        [
            "Step 1 - Establish strong company management systems: a conflict minerals policy, a responsible "
            "team, supplier agreements incorporating the policy, and a grievance mechanism open to suppliers and "
            "other stakeholders.",
            f"Step 2 - Identify and assess risks in the supply chain: {smelters} smelters and refiners were "
            f"identified from the suppliers' declarations and compared with the RMI smelter list and the RMAP "
            f"conformance status list; {covered} are located in a covered country or a conflict-affected or "
            f"high-risk area.",
            f"Step 3 - Design and implement a strategy to respond to identified risks: {cases} risk cases were "
            "opened in the reporting period and handled under the OECD Annex II model policy (risk-management "
            "plan with review, suspension or disengagement).",
            "Step 4 - Carry out independent third-party audits of smelters and refiners: as a downstream company "
            f"{company} relies on the RMI Responsible Minerals Assurance Process (RMAP) audits.",
            "Step 5 - Report annually on supply chain due diligence: this report and Form SD are filed with the "
            f"SEC and published on {company}'s website.",
        ],
    )
    results = Section(
        "3. Results of the Due Diligence",
        "3. 尽职调查结果",
        [
            f"Smelters and refiners identified: {smelters}. RMAP conformant: {conformant}; RMAP active: {active}. "
            f"Smelters in a covered country or CAHRA: {covered}. The facilities are listed in the table below.",
        ],
    )
    steps = [
        "Continue to engage suppliers to improve the response rate and the completeness of their declarations.",
        "Encourage smelters and refiners that are not RMAP conformant to participate in the RMAP.",
    ]
    improve = Section("4. Steps to Improve Due Diligence", "4. 改进尽职调查的措施", steps)

    table_figure = figures.get(TABLE_CODE)
    tables = []
    notes = []
    if table_figure:
        tables.append(
            Table(
                "Smelters and refiners",
                list(table_figure["columns"]),
                [list(r["cells"]) for r in figure_rows_of(snapshot, TABLE_CODE)],
            )
        )
    figure_rows = []
    for code in (*FIGURE_CODES, TABLE_CODE):
        figure = figures.get(code)
        if figure is None:
            notes.append(f"{code}: not in this snapshot's catalogue.")
            continue
        figure_rows.append([code, figure["title"], _number(figure["value"]) if code != "SD-1.01-SCOPE" else figure["value"]])
        notes += [f"{code}: {flag}" for flag in figure["flags"]]
    tables.append(Table("Figures", ["Line item", "Title", "Value"], figure_rows))
    title = f"Form SD and Conflict Minerals Report, reporting period {period} (draft)"
    return Draft(title, [item_101, rcoi, measures, results, improve], tables, notes)


def draft_xlsx(draft: Draft) -> bytes:
    """The draft's tables, one sheet each, as plain string and number cells (text is never read as a formula)."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in draft.tables:
        sheet = book.create_sheet(table.title[:31])
        sheet.append(xlsx_row(sheet, table.columns, font=bold))
        for row in table.rows:
            sheet.append(xlsx_row(sheet, row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
