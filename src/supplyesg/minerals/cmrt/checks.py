"""Validation of a read Declaration: the template's own Checker rules plus reviewer checks.

``check_declaration`` is pure: pass a ``Reference`` (reference smelters, RMAP statuses, country sets)
to use data from elsewhere; by default the workbook's own Smelter Look-up is used.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from . import layouts as L
from .findings import Finding, has_errors, make_finding
from .reader import SHEET_DECLARATION, SHEET_MINES, SHEET_PRODUCTS, SHEET_SMELTERS
from .records import Declaration
from .smelters import (
    CheckOptions,
    Reference,
    ResolvedSmelter,
    _check_smelters,
    _question_label,
    _resolve_smelters,
)

SAME_WORDS = frozenset({"same", "same as above", "same as contact", "same as contact name", "ditto", "idem"})


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
