"""The smelter reference list and smelter identification: CID, exact look-up name or alias, then
the shared company-name matcher (``supplyesg.core.matching``).

The reference list is plain data, so the same matcher serves the Smelter Look-up sheet inside a
workbook and a list loaded from the database. A name match abstains (returns None) when the best
score is under the threshold or when two different smelters score almost the same, so an unknown
smelter is never silently given a wrong CID. ``candidates`` gives the top five with their reasons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from supplyesg.core.matching import Candidate, NameIndex, company_key, decide, resolve_country

DEFAULT_FUZZY_THRESHOLD = 85.0
AMBIGUITY_MARGIN = 5.0

_CID_RE = re.compile(r"^CID\s*0*(\d{1,9})$", re.IGNORECASE)


def normalise_cid(value: object) -> str | None:
    """'cid 1916' / 'CID001916' / 1916 -> 'CID001916'; anything else -> None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"CID{value:06d}" if 0 < value < 10**9 else None
    text = str(value).strip()
    if text.isdigit() and len(text) <= 9:
        return f"CID{int(text):06d}"
    match = _CID_RE.match(text)
    return f"CID{int(match.group(1)):06d}" if match else None


def fold(text: str) -> str:
    """Case-insensitive, whitespace-collapsed key (exact matching)."""
    return " ".join(text.split()).casefold()


loose_key = company_key  # legal form, punctuation, abbreviations and word order removed


def country_key(value: object) -> str:
    """ISO alpha-2 where the country resolves, else the text upper-cased."""
    return resolve_country(value) or " ".join(str(value or "").split()).upper()


@dataclass(frozen=True)
class ReferenceSmelter:
    cid: str
    metal: str
    name: str
    country: str = ""
    aliases: tuple[str, ...] = ()
    city: str = ""
    state: str = ""
    source: str = ""


@dataclass(frozen=True)
class Match:
    smelter: ReferenceSmelter
    matched_by: str  # "cid", "name", "alias" or "fuzzy"
    score: float
    candidates: tuple[Candidate, ...] = ()

    @property
    def cid(self) -> str:
        return self.smelter.cid


@dataclass
class ReferenceList:
    """Smelters keyed for matching. Build with ``from_records`` or ``from_lookup_rows``."""

    smelters: list[ReferenceSmelter] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_cid: dict[str, ReferenceSmelter] = {}
        self._by_metal_cid: dict[tuple[str, str], ReferenceSmelter] = {}
        self._exact: dict[tuple[str, str], list[tuple[ReferenceSmelter, str]]] = {}
        self._loose: dict[tuple[str, str], list[tuple[ReferenceSmelter, str]]] = {}
        self._indexes: dict[str, NameIndex] = {}
        for smelter in self.smelters:
            self._add(smelter)

    def _add(self, smelter: ReferenceSmelter) -> None:
        metal = smelter.metal.casefold()
        self._by_cid.setdefault(smelter.cid, smelter)
        self._by_metal_cid.setdefault((metal, smelter.cid), smelter)
        names = [(smelter.name, "name")] + [(a, "alias") for a in smelter.aliases if a]
        for text, kind in names:
            if not text:
                continue
            self._exact.setdefault((metal, fold(text)), []).append((smelter, kind))
            self._loose.setdefault((metal, loose_key(text)), []).append((smelter, kind))

    def __len__(self) -> int:
        return len(self._by_cid)

    def __bool__(self) -> bool:
        return bool(self._by_cid)

    @property
    def metals(self) -> set[str]:
        return {s.metal for s in self.smelters}

    def get(self, cid: str | None, metal: str | None = None) -> ReferenceSmelter | None:
        if not cid:
            return None
        if metal:
            found = self._by_metal_cid.get((metal.casefold(), cid))
            if found:
                return found
        return self._by_cid.get(cid)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any] | ReferenceSmelter]) -> ReferenceList:
        """Records with keys cid, metal, name, country and optional aliases, city, state, source.

        Records sharing (cid, metal) are merged, so one row per alias is fine.
        """
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for record in records:
            if isinstance(record, ReferenceSmelter):
                record = record.__dict__
            cid = normalise_cid(record.get("cid"))
            metal = str(record.get("metal") or "").strip()
            if not cid or not metal:
                continue
            entry = merged.setdefault(
                (cid, metal.casefold()),
                {
                    "cid": cid,
                    "metal": metal,
                    "name": "",
                    "country": "",
                    "aliases": [],
                    "city": "",
                    "state": "",
                    "source": "",
                },
            )
            for key in ("name", "country", "city", "state", "source"):
                if not entry[key] and record.get(key):
                    entry[key] = str(record[key]).strip()
            aliases = record.get("aliases") or ()
            if isinstance(aliases, str):
                aliases = (aliases,)
            for alias in aliases:
                alias = str(alias).strip()
                if alias and alias not in entry["aliases"] and alias != entry["name"]:
                    entry["aliases"].append(alias)
        return cls(
            [
                ReferenceSmelter(**{**e, "aliases": tuple(e["aliases"]), "country": " ".join(str(e["country"]).split()).upper()})
                for e in merged.values()
            ]
        )

    @classmethod
    def from_lookup_rows(cls, rows: Iterable[list[Any]]) -> ReferenceList:
        """Rows of the Smelter Look-up sheet from row 5: A metal, B look-up name, C standard name,
        D country, E CID, F source, G street, H city, I state."""
        records = []
        for row in rows:
            if len(row) < 5:
                continue
            cid = normalise_cid(row[4])
            if not cid:
                continue
            text = [str(v).strip() if isinstance(v, str) else "" for v in row[:9]] + [""] * 9
            records.append(
                {
                    "cid": cid,
                    "metal": text[0],
                    "name": text[2] or text[1],
                    "aliases": (text[1],),
                    "country": text[3],
                    "source": text[5],
                    "city": text[7],
                    "state": text[8],
                }
            )
        return cls.from_records(records)

    def index(self, metal: str) -> NameIndex:
        """The name index of one metal's smelters, built on first use."""
        key = metal.casefold()
        if key not in self._indexes:
            self._indexes[key] = NameIndex(
                {
                    "key": s.cid,
                    "name": s.name,
                    "country": s.country,
                    "city": s.city,
                    "province": s.state,
                    "aliases": s.aliases,
                }
                for s in self.smelters
                if s.metal.casefold() == key
            )
        return self._indexes[key]

    def candidates(self, metal: str | None, name: str | None, country: str | None = None, limit: int = 5) -> list[Candidate]:
        """The ``limit`` best smelters of the metal for a name, each with its score and reasons."""
        if not metal or not name or not name.strip():
            return []
        return self.index(metal).search(name, country=country or None, limit=limit)

    def match(
        self,
        metal: str | None,
        *,
        cid: str | None = None,
        name: str | None = None,
        country: str | None = None,
        fuzzy: bool = True,
        threshold: float = DEFAULT_FUZZY_THRESHOLD,
    ) -> Match | None:
        if cid:
            found = self.get(normalise_cid(cid), metal)
            if found:
                return Match(found, "cid", 100.0)
        if not name or not metal:
            return None
        key = metal.casefold()
        wanted = country_key(country) if country else ""
        for index, text in ((self._exact, fold(name)), (self._loose, loose_key(name))):
            hits = index.get((key, text))
            if hits:
                smelter, kind = _prefer_country(hits, wanted)
                if not wanted or not smelter.country or country_key(smelter.country) == wanted or index is self._exact:
                    return Match(smelter, kind, 100.0)
        if not fuzzy:
            return None
        candidates = self.candidates(metal, name, country)
        best = decide(candidates, threshold, AMBIGUITY_MARGIN)
        if best is None:
            return None
        return Match(self.get(best.key, metal), "fuzzy", best.score, tuple(candidates))


def _prefer_country(hits: list[tuple[ReferenceSmelter, str]], country: str) -> tuple[ReferenceSmelter, str]:
    if country:
        for smelter, kind in hits:
            if country_key(smelter.country) == country:
                return smelter, kind
    return hits[0]
