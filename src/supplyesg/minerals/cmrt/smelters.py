"""The Smelter List: each row resolved against the reference lists (by CID, else by name), and the checks on
the resolved rows (metal, duplicates, RMAP status, covered and CAHRA countries, totals per metal).
Plain Python, like the rest of the package; `checks.check_declaration` runs these steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import layouts as L
from .findings import Finding, make_finding
from .reader import SHEET_DECLARATION, SHEET_SMELTERS
from .records import Declaration, SmelterRow
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


def _question_label(key: str) -> str:
    return key[1:] if key.startswith("q") else key


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
