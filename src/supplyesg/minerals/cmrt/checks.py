"""Validation of a read Declaration: the template's own Checker rules plus reviewer checks.

``check_declaration`` is pure: pass a ``Reference`` (reference smelters, RMAP statuses, country sets)
to use data from elsewhere; by default the workbook's own Smelter Look-up is used.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import layouts as L
from .findings import Finding, has_errors, make_finding
from .reader import SHEET_DECLARATION, SHEET_MINES, SHEET_PRODUCTS, SHEET_SMELTERS, Declaration, SmelterRow
from .reference import DEFAULT_FUZZY_THRESHOLD, Match, ReferenceList, country_key, loose_key

# SEC Rule 13p-1 "covered countries": the DRC and its nine adjoining countries (names as in sheet C).
COVERED_COUNTRIES = frozenset(
    {
        "CONGO, DEMOCRATIC REPUBLIC OF THE",
        "ANGOLA",
        "BURUNDI",
        "CENTRAL AFRICAN REPUBLIC",
        "CONGO",
        "RWANDA",
        "SOUTH SUDAN",
        "TANZANIA, UNITED REPUBLIC OF",
        "UGANDA",
        "ZAMBIA",
        "CD",
        "AO",
        "BI",
        "CF",
        "CG",
        "RW",
        "SS",
        "TZ",
        "UG",
        "ZM",
    }
)
GOOD_RMAP_STATUSES = frozenset({"conformant", "active"})
SAME_WORDS = frozenset({"same", "same as above", "same as contact", "same as contact name", "ditto", "idem"})


@dataclass(frozen=True)
class Reference:
    """Data from outside the workbook. Leave ``smelters`` None to use the in-workbook look-up.

    ``rmap_status`` maps CID -> status text ("Conformant", "Active", "Non Conformant", ...);
    country sets hold upper-case names as in the template (``CHINA``) and/or ISO alpha-2 codes.
    """

    smelters: ReferenceList | None = None
    rmap_status: Mapping[str, str] | None = None
    covered_countries: frozenset[str] = COVERED_COUNTRIES
    cahra_countries: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CheckOptions:
    today: dt.date | None = None
    max_effective_date_age_days: int | None = 365
    min_versions: Mapping[str, str] = field(default_factory=lambda: {"CMRT": "6.31", "EMRT": "1.3"})
    fuzzy_threshold: float = DEFAULT_FUZZY_THRESHOLD


@dataclass
class ResolvedSmelter:
    source: SmelterRow
    metal: str | None
    name: str | None
    country: str | None
    cid: str | None
    matched_by: str | None
    score: float | None
    standard_name: str | None = None

    @property
    def row(self) -> int:
        return self.source.row

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "metal": self.metal,
            "name": self.name,
            "country": self.country,
            "cid": self.cid,
            "matched_by": self.matched_by,
            "score": self.score,
        }


@dataclass
class CheckResult:
    declaration: Declaration
    smelters: list[ResolvedSmelter]
    findings: list[Finding]

    @property
    def valid(self) -> bool:
        return not has_errors(self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        d = self.declaration
        c = d.company
        return {
            "file": d.file,
            "template": d.template,
            "version": d.version,
            "valid": self.valid,
            "company": {
                "name": c.name,
                "scope": c.scope,
                "scope_description": c.scope_description,
                "effective_date": c.effective_date.isoformat() if c.effective_date else None,
                "contact": {"name": c.contact.name, "email": c.contact.email, "phone": c.contact.phone},
                "authorizer": {
                    "name": c.authorizer.name,
                    "email": c.authorizer.email,
                    "phone": c.authorizer.phone,
                },
            },
            "minerals": {metal: dict(answers) for metal, answers in d.answers.items()},
            "company_questions": dict(d.company_answers),
            "products": len(d.products),
            "mines": [
                {"row": m.row, "metal": m.metal, "smelter": m.smelter_name, "name": m.name, "country": m.country} for m in d.mines
            ],
            "smelters": [s.to_dict() for s in self.smelters],
            "findings": [f.to_dict() for f in self.findings],
        }


# ---------------------------------------------------------------- entry point


def check_declaration(
    declaration: Declaration, reference: Reference | None = None, options: CheckOptions | None = None
) -> CheckResult:
    reference = reference or Reference()
    options = options or CheckOptions()
    findings = list(declaration.findings)
    layout = declaration.layout
    if layout is None:
        return CheckResult(declaration, [], findings)
    today = options.today or dt.date.today()
    findings += _check_version(declaration, options)
    findings += _check_company(declaration, layout, today, options)
    in_scope = _in_scope(declaration, layout)
    findings += _check_questions(declaration, layout, in_scope)
    resolved, smelter_findings = _resolve_smelters(declaration, layout, reference, options)
    findings += smelter_findings
    # AMRT: the minerals a smelter row may name are the ones this declaration put in scope.
    smelter_layout = dataclasses.replace(layout, metals=tuple(declaration.metals)) if layout.open_minerals else layout
    findings += _check_smelters(declaration, smelter_layout, in_scope, resolved, reference)
    findings = _in_smelter_columns(findings, layout)
    findings += _check_mines(declaration, layout)
    return CheckResult(declaration, resolved, findings)


def _in_smelter_columns(findings: list[Finding], layout: L.Layout) -> list[Finding]:
    """Smelter List findings name CMRT columns; move them to this layout's columns (AMRT 1.2 differs)."""
    if layout.smelter_columns == L.SMELTER_COLUMNS:
        return findings
    fallback = {"cid_input": "cid", "lookup_name": "name"}
    moved = {
        letters: layout.smelter_columns.get(key) or layout.smelter_columns.get(fallback.get(key, ""), letters)
        for key, letters in L.SMELTER_COLUMNS.items()
    }
    out = []
    for finding in findings:
        if finding.sheet == SHEET_SMELTERS and finding.cell:
            column = finding.cell.rstrip("0123456789")
            finding = dataclasses.replace(finding, cell=moved.get(column, column) + finding.cell[len(column) :])
        out.append(finding)
    return out


def _check_mines(d: Declaration, layout: L.Layout) -> list[Finding]:
    """Mine List (AMRT): each row names a mineral in scope, the mine, and where it is."""
    out: list[Finding] = []
    columns = layout.mine_columns
    allowed = " / ".join(d.metals)
    for mine in d.mines:
        if mine.metal is None:
            out.append(
                make_finding(
                    "mine_metal_invalid",
                    sheet=SHEET_MINES,
                    cell=f"{columns['metal']}{mine.row}",
                    row=mine.row,
                    value=mine.metal_raw or "",
                    allowed=allowed,
                )
            )
        if not mine.name:
            out.append(
                make_finding(
                    "mine_name_missing", sheet=SHEET_MINES, cell=f"{columns['name']}{mine.row}", row=mine.row, metal=mine.metal
                )
            )
        if not mine.country:
            out.append(
                make_finding(
                    "mine_country_missing",
                    sheet=SHEET_MINES,
                    cell=f"{columns['country']}{mine.row}",
                    row=mine.row,
                    metal=mine.metal,
                )
            )
    return out


def _check_version(d: Declaration, options: CheckOptions) -> list[Finding]:
    minimum = (options.min_versions or {}).get(d.template or "")
    if minimum and d.version and L.version_key(d.version) < L.version_key(minimum):
        return [
            make_finding(
                "template_outdated",
                sheet=SHEET_DECLARATION,
                cell="J3",
                template=d.template,
                version=d.version,
                minimum=minimum,
                latest=L.LATEST[d.template or "CMRT"],
            )
        ]
    return []


# ---------------------------------------------------------------- company


def _check_company(d: Declaration, layout: L.Layout, today: dt.date, options: CheckOptions) -> list[Finding]:
    out: list[Finding] = []
    cells = layout.company_cells
    c = d.company
    values = {
        "name": c.name,
        "scope": c.scope_raw,
        "contact_name": c.contact.name,
        "contact_email": c.contact.email,
        "contact_phone": c.contact.phone,
        "authorizer_name": c.authorizer.name,
        "authorizer_email": c.authorizer.email,
        "effective_date": c.effective_date_raw,
    }

    def at(key: str, code: str, **params: Any) -> Finding:
        return make_finding(code, sheet=SHEET_DECLARATION, cell=cells[key], **params)

    for key in L.REQUIRED_COMPANY_FIELDS:
        if values[key] in (None, ""):
            en, zh = L.COMPANY_LABELS[key]
            out.append(at(key, "company_field_missing", field=en, field_zh=zh))
    if c.scope_raw and c.scope is None:
        out.append(at("scope", "scope_invalid", value=c.scope_raw))
    if c.scope == "C" and not c.scope_description:
        out.append(at("scope_description", "scope_description_missing"))
    if c.scope == "B" and not any(p.get("number") for p in d.products):
        out.append(make_finding("products_missing", sheet=SHEET_PRODUCTS, cell=f"B{layout.product_first_row}"))
    for key, value in (("contact_email", c.contact.email), ("authorizer_email", c.authorizer.email)):
        if value and "@" not in value:
            en, zh = L.COMPANY_LABELS[key]
            out.append(at(key, "email_invalid", field=en, field_zh=zh, value=value))
    if c.authorizer.name and " ".join(c.authorizer.name.split()).casefold().rstrip(".") in SAME_WORDS:
        out.append(at("authorizer_name", "authorizer_same", value=c.authorizer.name))
    if c.effective_date_raw not in (None, "") and c.effective_date is None:
        out.append(at("effective_date", "effective_date_invalid", value=str(c.effective_date_raw)))
    if c.effective_date:
        if c.effective_date > today:
            out.append(at("effective_date", "effective_date_future", value=c.effective_date.isoformat()))
        max_days = options.max_effective_date_age_days
        if max_days is not None and (today - c.effective_date).days > max_days:
            out.append(
                at(
                    "effective_date",
                    "effective_date_too_old",
                    value=c.effective_date.isoformat(),
                    max_days=max_days,
                )
            )
    if layout.mineral_slots and not d.metals:
        out.append(make_finding("minerals_not_selected", sheet=SHEET_DECLARATION, cell=layout.mineral_slots[0]))
    for cell in d.unnamed_other_cells:
        out.append(make_finding("mineral_other_unnamed", sheet=SHEET_DECLARATION, cell=cell))
    return out


# ---------------------------------------------------------------- questions


def _in_scope(d: Declaration, layout: L.Layout) -> dict[str, bool]:
    """A metal is in scope unless Q1 or Q2 takes it out (the Checker's F24:F27; AMRT and CRT: Q1 alone)."""
    scope = {}
    for metal in d.metals:
        answers = d.answers.get(metal, {})
        scope[metal] = all(answers.get(key) not in layout.excluded_answers for key in layout.scope_questions)
    return scope


def _question_label(key: str) -> str:
    return key[1:] if key.startswith("q") else key


def _check_answer(
    out: list[Finding],
    value: Any,
    allowed: tuple[str, ...],
    required: bool,
    *,
    cell: str,
    question: str,
    metal: str | None = None,
) -> None:
    if value in (None, ""):
        if required:
            out.append(make_finding("answer_missing", sheet=SHEET_DECLARATION, cell=cell, metal=metal, question=question))
    elif value not in allowed:
        out.append(
            make_finding(
                "answer_invalid",
                sheet=SHEET_DECLARATION,
                cell=cell,
                metal=metal,
                question=question,
                value=str(value),
                allowed=" / ".join(allowed),
            )
        )


def _check_questions(d: Declaration, layout: L.Layout, in_scope: dict[str, bool]) -> list[Finding]:
    out: list[Finding] = []
    for metal in d.metals:
        answers = d.answers[metal]
        q1 = answers.get("q1")
        for question in layout.questions:
            if question.key in layout.required_questions:
                required = True
            elif question.key == "q2":
                required = q1 not in layout.excluded_answers
            else:
                required = in_scope[metal]
            _check_answer(
                out,
                answers.get(question.key),
                question.allowed_for(metal),
                required,
                cell=d.answer_cells[(metal, question.key)],
                question=_question_label(question.key),
                metal=metal,
            )
        responded = layout.question("responded")
        if responded and in_scope[metal] and answers.get(responded.key) in L.LOW_RESPONSE:
            out.append(
                make_finding(
                    "suppliers_response_low",
                    sheet=SHEET_DECLARATION,
                    cell=d.answer_cells[(metal, responded.key)],
                    metal=metal,
                    value=answers[responded.key],
                )
            )
    any_in_scope = any(in_scope.values())
    for cq in layout.company_questions:
        value = d.company_answers.get(cq.key)
        if cq.cell:
            _check_answer(out, value, cq.allowed, any_in_scope, cell=cq.cell, question=cq.key)
        else:
            cells = d.company_answer_cells.get(cq.key, {})
            for metal, answer in (value or {}).items():
                _check_answer(
                    out,
                    answer,
                    cq.allowed_by_metal.get(metal, cq.allowed),
                    in_scope.get(metal, False),
                    cell=cells[metal],
                    question=cq.key,
                    metal=metal,
                )
    if layout.url_question and d.company_answers.get(layout.url_question) == "Yes" and len(d.policy_url or "") <= 1:
        out.append(make_finding("policy_url_missing", sheet=SHEET_DECLARATION, cell=layout.url_cell))
    return out


# ---------------------------------------------------------------- smelters


def _resolve_smelters(
    d: Declaration, layout: L.Layout, reference: Reference, options: CheckOptions
) -> tuple[list[ResolvedSmelter], list[Finding]]:
    lists = [ref for ref in (reference.smelters, d.lookup) if ref]
    out: list[Finding] = []
    resolved = []
    for row in d.smelters:
        metal = row.metal
        special = row.is_not_listed or row.is_not_identified

        def by_cid(cid: str, column: str, row: SmelterRow = row, metal: str | None = metal) -> Match | None:
            found = next((m for ref in lists if (m := ref.match(metal, cid=cid))), None)
            if found is None and lists:
                out.append(
                    make_finding(
                        "smelter_cid_unknown",
                        sheet=SHEET_SMELTERS,
                        cell=f"{column}{row.row}",
                        row=row.row,
                        metal=metal,
                        value=cid,
                    )
                )
            return found

        def by_name(name: str, fuzzy: bool, row: SmelterRow = row, metal: str | None = metal) -> Match | None:
            return next(
                (
                    m
                    for ref in lists
                    if (
                        m := ref.match(
                            metal,
                            name=name,
                            country=row.country,
                            fuzzy=fuzzy,
                            threshold=options.fuzzy_threshold,
                        )
                    )
                ),
                None,
            )

        match: Match | None = by_cid(row.cid_input, "A") if row.cid_input else None
        if match is None and metal and row.lookup_name and not special:
            match = by_name(row.lookup_name, False)
        if match is None and row.cid and row.cid != row.cid_input:
            match = by_cid(row.cid, "F")
        if match is None and metal:
            for name in filter(None, ([] if special else [row.lookup_name]) + [row.name]):
                if match := by_name(name, True):
                    break
        if row.cid_input and row.cid and row.cid_input != row.cid:
            out.append(
                make_finding(
                    "smelter_cid_mismatch",
                    sheet=SHEET_SMELTERS,
                    cell=f"F{row.row}",
                    row=row.row,
                    metal=metal,
                    value=row.cid_input,
                    other=row.cid,
                )
            )
        if match and metal is None and row.metal_raw is None:
            metal = match.smelter.metal
        if match and row.is_not_identified and not row.cid_input:
            match = None
        if match is None and metal and lists and not row.is_not_identified:
            label = row.name or (None if special else row.lookup_name)
            if label:
                out.append(
                    make_finding(
                        "smelter_unmatched",
                        sheet=SHEET_SMELTERS,
                        cell=f"{'D' if row.name else 'C'}{row.row}",
                        row=row.row,
                        metal=metal,
                        value=label,
                    )
                )
        smelter = match.smelter if match else None
        resolved.append(
            ResolvedSmelter(
                source=row,
                metal=metal,
                name=smelter.name if smelter else (row.name or (None if special else row.lookup_name)),
                country=row.country or (smelter.country if smelter else None) or None,
                cid=smelter.cid if smelter else None,
                matched_by=match.matched_by if match else None,
                score=match.score if match else None,
                standard_name=smelter.name if smelter else None,
            )
        )
    return resolved, out


def _metal_finding(s: ResolvedSmelter, allowed_metals: str) -> Finding | None:
    """A row without a usable metal: a metal that is not one of the template's, or none at all."""
    row, r = s.source, s.source.row
    if row.metal_raw:
        return make_finding(
            "smelter_metal_invalid", sheet=SHEET_SMELTERS, cell=f"B{r}", row=r, value=row.metal_raw, allowed=allowed_metals
        )
    if not (row.cid_input or row.cid):  # an unknown CID is already reported
        return make_finding("smelter_metal_missing", sheet=SHEET_SMELTERS, cell=f"B{r}", row=r)
    return None


def _duplicate_finding(s: ResolvedSmelter, seen: dict[tuple[str, str], int]) -> Finding | None:
    """The same smelter (by CID, else by name and country) listed again for the same metal."""
    r = s.source.row
    key = s.cid or (loose_key(s.name or "") + "|" + country_key(s.country))
    if not key or key == "|":
        return None
    first = seen.setdefault((s.metal, key), r)
    if first == r:
        return None
    return make_finding("smelter_duplicate", sheet=SHEET_SMELTERS, cell=f"A{r}", row=r, metal=s.metal, other=first)


def _rmap_finding(s: ResolvedSmelter, reference: Reference) -> Finding | None:
    """A listed smelter whose RMAP status is not conformant (or unknown), when the statuses are loaded."""
    if not s.cid or reference.rmap_status is None:
        return None
    status = reference.rmap_status.get(s.cid)
    if status and status.strip().casefold() in GOOD_RMAP_STATUSES:
        return None
    r = s.source.row
    return make_finding(
        "smelter_not_conformant",
        sheet=SHEET_SMELTERS,
        cell=f"A{r}",
        row=r,
        metal=s.metal,
        value=s.cid,
        name=s.name or "",
        status=status or "unknown",
    )


def _country_finding(s: ResolvedSmelter, reference: Reference) -> Finding | None:
    """A smelter in a covered country or, failing that, in a conflict-affected or high-risk area."""
    country = country_key(s.country)
    if not country:
        return None
    written = " ".join(str(s.country or "").split()).upper()
    if {country, written} & reference.covered_countries:
        code = "smelter_in_covered_country"
    elif {country, written} & reference.cahra_countries:
        code = "smelter_in_cahra"
    else:
        return None
    r = s.source.row
    return make_finding(code, sheet=SHEET_SMELTERS, cell=f"E{r}", row=r, metal=s.metal, name=s.name or s.cid or "", value=written)


def _metal_totals_findings(
    d: Declaration, layout: L.Layout, in_scope: dict[str, bool], counted: dict[str, int], not_identified: dict[str, int]
) -> list[Finding]:
    """Per metal: an in-scope metal with no smelter, and "all smelters identified" answered Yes while some are not."""
    out: list[Finding] = []
    identified = layout.question("all_identified")
    for metal in d.metals:
        if in_scope.get(metal) and not counted.get(metal):
            out.append(make_finding("smelter_missing_for_metal", sheet=SHEET_SMELTERS, metal=metal))
        if identified and not_identified.get(metal) and d.answers[metal].get(identified.key) == "Yes":
            out.append(
                make_finding(
                    "smelters_identified_contradiction",
                    sheet=SHEET_DECLARATION,
                    cell=d.answer_cells[(metal, identified.key)],
                    metal=metal,
                    question=_question_label(identified.key),
                    count=not_identified[metal],
                )
            )
    return out


def _check_smelters(
    d: Declaration,
    layout: L.Layout,
    in_scope: dict[str, bool],
    resolved: list[ResolvedSmelter],
    reference: Reference,
) -> list[Finding]:
    out: list[Finding] = []
    allowed_metals = " / ".join(layout.metals)
    counted: dict[str, int] = {}
    not_identified: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    for s in resolved:
        row = s.source
        r = row.row
        if s.metal is None:
            out += filter(None, [_metal_finding(s, allowed_metals)])
            continue
        if row.lookup_name or s.cid:
            counted[s.metal] = counted.get(s.metal, 0) + 1
        if s.metal in in_scope and not in_scope[s.metal]:
            out.append(make_finding("smelter_metal_out_of_scope", sheet=SHEET_SMELTERS, cell=f"B{r}", row=r, metal=s.metal))
        if row.is_not_listed and (not row.name or not row.country):
            cell = f"{'D' if not row.name else 'E'}{r}"
            out.append(make_finding("smelter_not_listed_incomplete", sheet=SHEET_SMELTERS, cell=cell, row=r, metal=s.metal))
        if row.is_not_identified and not s.cid:
            not_identified[s.metal] = not_identified.get(s.metal, 0) + 1
            out.append(make_finding("smelter_not_identified", sheet=SHEET_SMELTERS, cell=f"C{r}", row=r, metal=s.metal))
            continue
        out += filter(None, [_duplicate_finding(s, seen), _rmap_finding(s, reference), _country_finding(s, reference)])
    return out + _metal_totals_findings(d, layout, in_scope, counted, not_identified)
