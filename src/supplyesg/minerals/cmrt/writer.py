"""Write the company's own CMRT/EMRT/AMRT into a blank RMI template (plain Python, no Django import).

    xlsx = write_declaration("RMI_CMRT_6.5.xlsx", CompanyData(company_name="Acme", ...))

The result must stay a genuine RMI template, so the workbook is never loaded and re-saved by a
library (which drops extension lists, rewrites styles and loses cached values). Instead the sheet XML
inside the zip is edited as text (sheetxml.py), the way cirscn/cm-reporting does it
(docs/cmrt-format.md §6):

- only input cells get values (Declaration company block, answers, company questions, Product List,
  Smelter List columns A-E), as inline strings or numbers keeping each cell's style;
- Smelter List B/C (and E for "smelter not listed") are overwritten exactly as a person picking from
  the dropdowns would; the other formula cells of a written row keep their formula;
- formula cells a previous user overwrote with literals (seen in the public "blank" copies) get their
  formula back, copied from a neighbouring row;
- ``xl/calcChain.xml`` is dropped and ``<calcPr fullCalcOnLoad="1"/>`` set, so Excel recalculates;
- then every formula cell we can compute gets its cached value (``formulas.py``): labels in the chosen
  language, the Smelter List's looked-up columns, the Declaration's helpers and the Checker, because
  LibreOffice does not recalculate an .xlsx on load and many tools read cached values only;
- every other zip member is copied unchanged.

Text is always written as a string cell, never a formula, so a value starting with "=" cannot execute.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from python_calamine import CalamineWorkbook

from . import layouts as L
from .formulas import cache_workbook
from .reader import (
    SHEET_DECLARATION,
    SHEET_LOOKUP,
    SHEET_PRODUCTS,
    SHEET_SMELTERS,
    mineral_name,
    read_workbook,
)
from .records import Declaration, canonical
from .reference import normalise_cid
from .safety import inspect_bytes, read_capped
from .sheetxml import SheetEditor, sheet_paths

LANGUAGE = "English"
SMELTER_NOT_LISTED = "Smelter not listed"
MAX_CELL_TEXT = 32767  # Excel's limit per cell

_SMELTER_INPUT_COLUMNS = ("A", "B", "C", "D", "E", "K", "L", "M", "N", "O", "P", "Q")
_QUESTION_COMMENT_COLUMN = "G"
_COUNTRY_SHEET = "C"


@dataclass
class CompanyData:
    """What goes into the company's declaration. Answers use the template's English option texts."""

    company_name: str
    scope: str = "A"  # "A" company, "B" product, "C" user defined
    scope_description: str = ""
    products: list[tuple[str, str]] = field(default_factory=list)  # (number, name)
    company_id: str = ""
    company_id_authority: str = ""
    address: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    authorizer_name: str = ""
    authorizer_title: str = ""
    authorizer_email: str = ""
    authorizer_phone: str = ""
    effective_date: dt.date | None = None
    minerals: list[str] = field(default_factory=list)  # EMRT/AMRT: minerals in scope; CMRT: ignored
    answers: dict[str, dict[str, str]] = field(default_factory=dict)  # {"Tin": {"q1": "Yes", ...}}
    company_answers: dict[str, str] = field(default_factory=dict)  # {"A": "Yes", ...}
    policy_url: str = ""
    smelters: list[dict] = field(default_factory=list)  # {"metal","cid","name","country","lookup_name"?}


def write_declaration(template: str | os.PathLike[str] | bytes, data: CompanyData) -> bytes:
    """Fill a blank RMI CMRT/EMRT template with ``data``; returns the new .xlsx bytes.

    Raises ValueError naming the problem when the template is not a blank CMRT/EMRT of a supported
    version, or when ``data`` does not fit it (unknown metal, answer outside the allowed list, more
    smelters or products than the template has rows).
    """
    source = _load_template_bytes(template)
    declaration = _identify(source)
    workbook = _Workbook(source)
    plan = _Plan(declaration, workbook)
    plan.fill(data)
    written = workbook.save(plan.edits)
    cached, _cells = cache_workbook(written)
    return cached


# ---------------------------------------------------------------- template checks


def _load_template_bytes(template: str | os.PathLike[str] | bytes) -> bytes:
    if isinstance(template, (bytes, bytearray)):
        data = bytes(template)
    else:
        data, problem = read_capped(template)
        if problem:
            raise ValueError(f"The template cannot be used: {problem.message}")
        assert data is not None
    report = inspect_bytes(data)
    if report.finding:
        raise ValueError(f"The template cannot be used: {report.finding.message}")
    if report.kind != "xlsx":
        raise ValueError("The template must be the .xlsx RMI CMRT 6.x or EMRT 1.x/2.x downloaded from RMI.")
    return data


def _identify(source: bytes) -> Declaration:
    declaration = read_workbook(source, filename="template.xlsx")
    template, version = declaration.template, declaration.version
    if declaration.layout is None or template is None or version is None:
        problems = "; ".join(f.message for f in declaration.findings) or "not a CMRT/EMRT"
        raise ValueError(f"The template is not a blank RMI CMRT/EMRT: {problems}")
    writable = [v for v in L.VERIFIED_VERSIONS[template] if L.layout_for(template, v).smelter_columns == L.SMELTER_COLUMNS]
    if version not in writable:
        supported = ", ".join(writable)
        raise ValueError(
            f"{template} {version} is not supported for writing (supported: {supported}); download {L.LATEST[template]} from RMI."
        )
    company, filled = declaration.company, []
    if company.name or company.contact.name or company.contact.email or company.authorizer.name:
        filled.append("the company block of the Declaration")
    if any(row.cid_input or row.name for row in declaration.smelters):
        filled.append("the Smelter List")
    if declaration.products:
        filled.append("the Product List")
    if filled:
        raise ValueError(
            f"The template is an already filled {template} {version} ({' and '.join(filled)} hold data); "
            "use the blank template downloaded from RMI."
        )
    return declaration


# ---------------------------------------------------------------- planning the edits


class _Plan:
    """Turns CompanyData into cell edits per sheet, validated against the template."""

    def __init__(self, declaration: Declaration, workbook: _Workbook):
        assert declaration.layout is not None and declaration.template and declaration.version
        self.layout = declaration.layout
        self.template = declaration.template
        self.version = declaration.version
        self.label = f"{self.template} {self.version}"
        self.workbook = workbook
        self.declaration_sheet = workbook.sheet(SHEET_DECLARATION)
        self.smelter_sheet = workbook.sheet(SHEET_SMELTERS)
        self.product_sheet = workbook.sheet(SHEET_PRODUCTS)
        self.edits: dict[str, SheetEditor] = {}

    def fill(self, data: CompanyData) -> None:
        decl = self.declaration_sheet
        declared = self._declared(data)
        self._company(decl, data)
        self._questions(decl, data, declared)
        self._products(data)
        self._smelters(data, declared)
        self.edits[SHEET_DECLARATION] = decl

    # -- declaration

    def _company(self, sheet: SheetEditor, data: CompanyData) -> None:
        cells = self.layout.company_cells
        scope = (data.scope or "").strip().upper()[:1]
        if scope not in L.SCOPES:
            raise ValueError(f'Declaration scope must be "A", "B" or "C", not "{data.scope}".')
        if not (data.company_name or "").strip():
            raise ValueError("The company name is required.")
        sheet.set_input(cells["language"], LANGUAGE)
        values = {
            "name": data.company_name,
            "scope": L.SCOPES[scope],
            "scope_description": data.scope_description,
            "unique_id": data.company_id,
            "unique_id_authority": data.company_id_authority,
            "address": data.address,
            "contact_name": data.contact_name,
            "contact_email": data.contact_email,
            "contact_phone": data.contact_phone,
            "authorizer_name": data.authorizer_name,
            "authorizer_title": data.authorizer_title,
            "authorizer_email": data.authorizer_email,
            "authorizer_phone": data.authorizer_phone,
        }
        for key, value in values.items():
            sheet.set_input(cells[key], _text_value(value, f"Declaration {key.replace('_', ' ')}"))
        date = data.effective_date
        if isinstance(date, dt.datetime):
            date = date.date()
        sheet.set_input(cells["effective_date"], _excel_serial(date) if date else None)

    def _declared(self, data: CompanyData) -> list[str]:
        """The metals the company declares: CMRT always all four; EMRT and AMRT the minerals named."""
        if self.template == "CMRT":
            return list(self.layout.metals)
        if self.layout.open_minerals:
            named = data.minerals or list(data.answers)
            chosen = {self._metal(m, "minerals").casefold(): self._metal(m, "minerals") for m in named}
            if not chosen:
                raise ValueError(f"Name the minerals in scope of the {self.label} (CompanyData.minerals).")
            if len(chosen) > len(self.layout.mineral_slots):
                raise ValueError(f"The {self.label} takes at most {len(self.layout.mineral_slots)} minerals, not {len(chosen)}.")
            return sorted(chosen.values(), key=str.casefold)
        chosen = {self._metal(m, "minerals") for m in data.minerals} or {self._metal(m, "answers") for m in data.answers}
        if not chosen:
            raise ValueError(f"Name the minerals in scope of the {self.label} (CompanyData.minerals).")
        return [m for m in self.layout.metals if m in chosen]

    def _row_metals(self, declared: list[str]) -> list[str]:
        """Metals in question-row order: fixed rows, or (EMRT 2.x) the selected minerals sorted."""
        return sorted(declared, key=str.casefold) if self.layout.mineral_slots else list(self.layout.metals)

    def _metal(self, name: Any, where: str) -> str:
        if self.layout.open_minerals:  # AMRT: any mineral, offered ones in the template's spelling
            text = _text_value(name, where) or ""
            if not text or len(text) > 60:
                raise ValueError(f'{where}: "{name}" is not a mineral name.')
            return mineral_name(text, self.layout.metals)
        by_fold = {m.casefold(): m for m in self.layout.metals}
        metal = by_fold.get(str(name or "").strip().casefold())
        if metal is None:
            raise ValueError(f'{where}: "{name}" is not a metal of the {self.label} template ({" / ".join(self.layout.metals)}).')
        return metal

    def _in_scope(self, metal: str, declared: list[str], where: str) -> str:
        if metal not in declared:
            raise ValueError(f"{where}: {metal} is not among the minerals in scope ({', '.join(declared)}).")
        return metal

    def _questions(self, sheet: SheetEditor, data: CompanyData, declared: list[str]) -> None:
        layout = self.layout
        numeric = L.uses_numeric_percent(self.template, self.version)
        answers = {
            self._in_scope(self._metal(metal, "answers"), declared, "answers"): values for metal, values in data.answers.items()
        }
        if layout.open_minerals:
            self._mineral_slots(sheet, declared)
        elif layout.mineral_slots:
            for slot, metal in zip(layout.mineral_slots, layout.metals, strict=True):
                sheet.set_input(slot, metal if metal in declared else f"(Delete {metal})")
        keys = {q.key for q in layout.questions}
        rows = self._row_metals(declared)
        for index in range(layout.max_metal_rows if layout.open_minerals else len(layout.metals)):
            metal = rows[index] if index < len(rows) else None
            given = dict(answers.get(metal, {})) if metal else {}
            unknown = set(given) - keys
            if unknown:
                raise ValueError(f"answers[{metal}]: unknown question {', '.join(sorted(unknown))}.")
            if metal and metal not in declared and not given:
                # EMRT 1.x has fixed Cobalt and Mica rows: the template's way of leaving one out.
                given = {"q1": "Not applicable for this declaration"}
            for question in layout.questions:
                row = question.header_row + 1 + index
                allowed = question.allowed_for(metal or "")
                value = self._answer(given.get(question.key), allowed, f"{metal} {question.key}")
                sheet.set_input(f"D{row}", 1 if value == "100%" and numeric else value)
                sheet.set_input(f"{_QUESTION_COMMENT_COLUMN}{row}", None)
        self._company_questions(sheet, data, declared)

    def _mineral_slots(self, sheet: SheetEditor, declared: list[str]) -> None:
        """AMRT: offered minerals picked from the list, others as "Other [specify below]" named below."""
        layout = self.layout
        for index, slot in enumerate(layout.mineral_slots):
            metal = declared[index] if index < len(declared) else None
            offered = metal is None or metal in layout.metals or not layout.other_rows_below
            sheet.set_input(slot, metal if offered else L.OTHER_MINERAL)
            if layout.other_rows_below:
                row, _col = L.split_cell(slot)
                below = f"{slot.rstrip('0123456789')}{row + 1 + layout.other_rows_below}"
                sheet.set_input(below, None if offered else metal)

    def _company_questions(self, sheet: SheetEditor, data: CompanyData, declared: list[str]) -> None:
        layout = self.layout
        given = {str(k).strip().upper(): v for k, v in data.company_answers.items()}
        unknown = set(given) - {cq.key for cq in layout.company_questions}
        if unknown:
            raise ValueError(f"company_answers: unknown question {', '.join(sorted(unknown))}.")
        rows = self._row_metals(declared)
        for cq in layout.company_questions:
            value = given.get(cq.key)
            if cq.cell:
                sheet.set_input(cq.cell, self._answer(value, cq.allowed, f"company question {cq.key}"))
                if cq.cell[1:] != layout.url_cell[1:]:
                    sheet.set_input(f"{_QUESTION_COMMENT_COLUMN}{cq.cell[1:]}", None)
                continue
            # Question C is answered per mineral (EMRT): one answer for all, or {mineral: answer}.
            per_metal = (
                {
                    self._in_scope(self._metal(m, f"company_answers[{cq.key}]"), declared, "company_answers"): v
                    for m, v in value.items()
                }
                if isinstance(value, dict)
                else None
            )
            for index, row in enumerate(cq.per_metal_rows):
                metal = rows[index] if index < len(rows) else None
                if metal is None or metal not in declared:
                    answer = None
                else:
                    answer = per_metal.get(metal) if per_metal is not None else value
                allowed = cq.allowed_by_metal.get(metal or "", cq.allowed)
                sheet.set_input(f"D{row}", self._answer(answer, allowed, f"company question {cq.key} {metal}"))
        if layout.url_cell:
            sheet.set_input(layout.url_cell, _text_value(data.policy_url, "policy URL"))

    def _answer(self, value: Any, allowed: tuple[str, ...], what: str) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        answer = canonical(value, allowed, numeric_percent=True)
        if answer not in allowed:
            raise ValueError(f'{what}: "{value}" is not one of {" / ".join(allowed)}.')
        return answer

    # -- product list

    def _products(self, data: CompanyData) -> None:
        sheet = self.product_sheet
        first = self.layout.product_first_row
        last = sheet.last_row()
        if len(data.products) > last - first + 1:
            raise ValueError(f"{len(data.products)} products do not fit the {self.label} Product List ({last - first + 1} rows).")
        columns = ("B", "C", "D", "E", "F")
        for row in sheet.rows_with_input(first, last, set(columns)):
            for column in columns:
                sheet.set_input(f"{column}{row}", None)
        for offset, product in enumerate(data.products):
            number, name = (tuple(product) + ("", ""))[:2]
            row = first + offset
            sheet.set_input(f"B{row}", _text_value(number, f"product {offset + 1} number"))
            sheet.set_input(f"C{row}", _text_value(name, f"product {offset + 1} name"))
        self.edits[SHEET_PRODUCTS] = sheet

    # -- smelter list

    def _smelters(self, data: CompanyData, declared: list[str]) -> None:
        sheet = self.smelter_sheet
        first = self.layout.smelter_first_row
        last = self.workbook.smelter_last_row(self.layout.smelter_last_row)
        capacity = last - first + 1
        if len(data.smelters) > capacity:
            raise ValueError(f"{len(data.smelters)} smelters do not fit the {self.label} Smelter List ({capacity} rows).")
        lookup = self.workbook.lookup()
        countries = self.workbook.countries()
        rows = [self._smelter_row(i, s, declared, lookup, countries) for i, s in enumerate(data.smelters)]
        written = set()
        for offset, values in enumerate(rows):
            row = first + offset
            written.add(row)
            sheet.rewrite_row(row, values, _SMELTER_INPUT_COLUMNS, first, last)
        checked = set(_SMELTER_INPUT_COLUMNS) | sheet.formula_columns(first, last)
        for row in sheet.rows_with_input(first, last, checked):
            if row not in written:
                sheet.rewrite_row(row, {}, _SMELTER_INPUT_COLUMNS, first, last)
        self.edits[SHEET_SMELTERS] = sheet

    def _smelter_row(
        self,
        index: int,
        smelter: dict,
        declared: list[str],
        lookup: _Lookup,
        countries: dict[str, str],
    ) -> dict[str, str]:
        where = f"smelter {index + 1}"
        metal = self._in_scope(self._metal(smelter.get("metal"), where), declared, where)
        cid = normalise_cid(smelter.get("cid"))
        name = _text_value(smelter.get("name"), f"{where} name") or ""
        wanted = _text_value(smelter.get("lookup_name"), f"{where} look-up name") or ""
        lookup_name = lookup.name_for(metal, cid, (wanted, name)) if cid else None
        if lookup_name:
            return {"A": cid or "", "B": metal, "C": lookup_name}
        if not cid:
            known = lookup.exact_name(metal, (wanted, name))
            if known:
                return {"B": metal, "C": known}
        country = str(smelter.get("country") or "").strip()
        if not name or not country:
            raise ValueError(
                f"{where}: {cid or 'the smelter'} is not in the template's Smelter Look-up, "
                'so it is written as "Smelter not listed", which needs a name and a country.'
            )
        return {
            "B": metal,
            "C": lookup.not_listed_label(metal),
            "D": name,
            "E": countries.get(country.casefold(), country),
        }


# ---------------------------------------------------------------- values


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text_value(value: Any, what: str) -> str | None:
    if value is None:
        return None
    text = _XML_ILLEGAL.sub("", str(value)).strip()
    if len(text) > MAX_CELL_TEXT:
        raise ValueError(f"{what} is longer than Excel's {MAX_CELL_TEXT} characters per cell.")
    return text or None


def _excel_serial(date: dt.date) -> int:
    return (date - dt.date(1899, 12, 30)).days


# ---------------------------------------------------------------- the template's own reference data


class _Lookup:
    """The Smelter Look-up rows: what column C may say for a CID, as the template's MATCH sees it."""

    def __init__(self, rows: list[list[Any]]):
        self.by_cid: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (metal, cid) -> [(name, std)]
        self.first_cid: dict[tuple[str, str], str | None] = {}  # (metal, folded name) -> CID of 1st row
        self.names: dict[tuple[str, str], str] = {}  # (metal, folded name) -> name as in the template
        self.not_listed: dict[str, str] = {}
        for row in rows:
            cells = [str(v).strip() if isinstance(v, str) else "" for v in row[:5]] + [""] * 5
            metal, name, standard = cells[0].casefold(), cells[1], cells[2]
            if not metal or not name:
                continue
            key = (metal, name.casefold())
            cid = normalise_cid(cells[4])
            self.first_cid.setdefault(key, cid)
            self.names.setdefault(key, name)
            if name.casefold() == L.NOT_LISTED:
                self.not_listed.setdefault(metal, name)
            if cid:
                self.by_cid.setdefault((metal, cid), []).append((name, standard))

    def name_for(self, metal: str, cid: str | None, preferred: tuple[str, ...]) -> str | None:
        """A look-up name of ``cid`` whose first (metal, name) row is that CID, so MATCH(B&C) finds it."""
        entries = self.by_cid.get((metal.casefold(), cid or ""))
        if not entries:
            return None
        names = [name for name, _ in entries]
        standard = entries[0][1]
        order = [p for p in preferred if p] + [standard] + names
        folded = {n.casefold(): n for n in names}
        candidates = [folded[p.casefold()] for p in order if p.casefold() in folded]
        for name in candidates:
            if self.first_cid.get((metal.casefold(), name.casefold())) == cid:
                return name
        return candidates[0]

    def exact_name(self, metal: str, names: tuple[str, ...]) -> str | None:
        for name in names:
            found = self.names.get((metal.casefold(), name.casefold())) if name else None
            if found and found.casefold() not in (L.NOT_LISTED, L.NOT_IDENTIFIED):
                return found
        return None

    def not_listed_label(self, metal: str) -> str:
        return self.not_listed.get(metal.casefold(), SMELTER_NOT_LISTED)


# ---------------------------------------------------------------- the zip package


class _Workbook:
    """The template zip: sheet parts by name, and the rewrite with edited parts."""

    def __init__(self, source: bytes):
        self.source = source
        self.zip = zipfile.ZipFile(io.BytesIO(source))
        self.names = set(self.zip.namelist())
        self.workbook_xml = self.zip.read("xl/workbook.xml").decode("utf-8")
        rels = self.zip.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        self.paths = sheet_paths(self.workbook_xml, rels)
        self._calamine: CalamineWorkbook | None = None

    def sheet(self, name: str) -> SheetEditor:
        path = self.paths.get(name)
        if not path or path not in self.names:
            raise ValueError(f'The template has no "{name}" sheet.')
        return SheetEditor(name, self.zip.read(path).decode("utf-8"))

    def _rows(self, sheet: str) -> list[list[Any]]:
        if self._calamine is None:
            self._calamine = CalamineWorkbook.from_filelike(io.BytesIO(self.source))
        if sheet not in self._calamine.sheet_names:
            return []
        return self._calamine.get_sheet_by_name(sheet).to_python(skip_empty_area=False)

    def lookup(self) -> _Lookup:
        return _Lookup(self._rows(SHEET_LOOKUP)[4:])

    def countries(self) -> dict[str, str]:
        """Hidden sheet C: ISO code and upper-case name -> the name the country dropdown offers."""
        out: dict[str, str] = {}
        for row in self._rows(_COUNTRY_SHEET)[1:]:
            if len(row) >= 2 and isinstance(row[1], str) and row[1].strip():
                name = row[1].strip()
                out[name.casefold()] = name
                if isinstance(row[0], str) and row[0].strip():
                    out.setdefault(row[0].strip().casefold(), name)
        return out

    def smelter_last_row(self, default: int) -> int:
        """From the template's own name 'Smelter List'!$B$5:$B$2497 (EMRT 2.1 stops before 2504)."""
        match = re.search(
            r'<definedName name="SmelterIdetifiedForMetal"[^>]*>[^<]*\$B\$\d+:\$B\$(\d+)</definedName>',
            self.workbook_xml,
        )
        return int(match.group(1)) if match else default

    def save(self, editors: dict[str, SheetEditor]) -> bytes:
        replaced = {self.paths[name]: editor.render().encode("utf-8") for name, editor in editors.items()}
        replaced["xl/workbook.xml"] = _full_calc_on_load(self.workbook_xml).encode("utf-8")
        dropped = {name for name in self.names if name.lower() == "xl/calcchain.xml"}
        if dropped:
            types = self.zip.read("[Content_Types].xml").decode("utf-8")
            replaced["[Content_Types].xml"] = re.sub(
                r'<Override\b[^>]*PartName="/xl/calcChain\.xml"[^>]*/>', "", types, flags=re.IGNORECASE
            ).encode("utf-8")
            rels = self.zip.read("xl/_rels/workbook.xml.rels").decode("utf-8")
            replaced["xl/_rels/workbook.xml.rels"] = re.sub(
                r'<Relationship\b[^>]*Target="[^"]*calcChain\.xml"[^>]*/>', "", rels, flags=re.IGNORECASE
            ).encode("utf-8")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in self.zip.infolist():
                if info.filename in dropped:
                    continue
                data = replaced.get(info.filename)
                if data is None:
                    data = self.zip.read(info.filename)
                copy = zipfile.ZipInfo(info.filename, info.date_time)
                copy.external_attr = info.external_attr
                copy.create_system = info.create_system
                copy.compress_type = zipfile.ZIP_STORED if info.is_dir() else zipfile.ZIP_DEFLATED
                target.writestr(copy, data)
        self.zip.close()
        return out.getvalue()


def _full_calc_on_load(workbook_xml: str) -> str:
    match = re.search(r"<calcPr\b([^>]*?)(/?)>", workbook_xml)
    if match:
        attrs = re.sub(r'\s+fullCalcOnLoad="[^"]*"', "", match.group(1))
        tag = f'<calcPr{attrs} fullCalcOnLoad="1"{match.group(2)}>'
        return workbook_xml[: match.start()] + tag + workbook_xml[match.end() :]
    follower = re.search(
        r"<(?:oleSize|customWorkbookViews|pivotCaches|smartTagPr|smartTagTypes|webPublishing|"
        r"fileRecoveryPr|webPublishObjects|extLst)\b|</workbook>",
        workbook_xml,
    )
    assert follower is not None
    return workbook_xml[: follower.start()] + '<calcPr fullCalcOnLoad="1"/>' + workbook_xml[follower.start() :]
