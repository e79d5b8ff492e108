"""Pure smelter identification: CID, exact look-up name or alias, normalised name, fuzzy name.

The reference list is plain data, so the same matcher serves the Smelter Look-up sheet inside a
workbook and a list loaded from the database. A fuzzy match abstains (returns None) when the best
score is under the threshold or when two different smelters score almost the same, so an unknown
smelter is never silently given a wrong CID.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

DEFAULT_FUZZY_THRESHOLD = 90.0
AMBIGUITY_MARGIN = 3.0
COUNTRY_MISMATCH_PENALTY = 10.0

_CID_RE = re.compile(r"^CID\s*0*(\d{1,9})$", re.IGNORECASE)

LEGAL_SUFFIXES = frozenset(
    """co company corp corporation inc incorporated ltd limited llc plc pty pte sa sas sarl srl spa
    gmbh ag kg kgaa mbh nv bv oy ab as asa jsc pjsc ojsc cjsc oao zao ooo tbk pt bhd sdn kk lp llp
    sab cv de the and""".split()
)
_TRANSLIT = str.maketrans({"ß": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "æ": "ae", "œ": "oe", "đ": "d"})


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


def normalise_name(text: str) -> str:
    """Loose key: accents stripped, punctuation and legal suffixes removed, spacing collapsed."""
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ").replace("+", " and ")
    text = re.sub(r"(?<=\b\w)\.(?=\w\b)", "", text)  # s.a. -> sa., k.k. -> kk.
    text = re.sub(r"[^\w]+", " ", text)
    tokens = [t for t in text.split() if t not in LEGAL_SUFFIXES]
    return " ".join(tokens) or " ".join(text.split())


def normalise_country(value: object) -> str:
    return " ".join(str(value or "").split()).upper()


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
        self._choices: dict[str, list[tuple[str, ReferenceSmelter]]] = {}
        for smelter in self.smelters:
            self._add(smelter)

    def _add(self, smelter: ReferenceSmelter) -> None:
        metal = smelter.metal.casefold()
        self._by_cid.setdefault(smelter.cid, smelter)
        self._by_metal_cid.setdefault((metal, smelter.cid), smelter)
        names = [(smelter.name, "name")] + [(a, "alias") for a in smelter.aliases if a]
        seen: set[str] = set()
        for text, kind in names:
            if not text:
                continue
            self._exact.setdefault((metal, fold(text)), []).append((smelter, kind))
            loose = normalise_name(text)
            self._loose.setdefault((metal, loose), []).append((smelter, kind))
            if loose not in seen:
                seen.add(loose)
                self._choices.setdefault(metal, []).append((loose, smelter))

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
                ReferenceSmelter(
                    **{**e, "aliases": tuple(e["aliases"]), "country": normalise_country(e["country"])}
                )
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
        country_key = normalise_country(country)
        for index, text in ((self._exact, fold(name)), (self._loose, normalise_name(name))):
            hits = index.get((key, text))
            if hits:
                smelter, kind = _prefer_country(hits, country_key)
                return Match(smelter, kind, 100.0)
        if fuzzy:
            return self._fuzzy(key, normalise_name(name), country_key, threshold)
        return None

    def _fuzzy(self, metal: str, loose: str, country: str, threshold: float) -> Match | None:
        choices = self._choices.get(metal)
        if not choices or len(loose) < 3:
            return None
        results = process.extract(
            loose,
            [c[0] for c in choices],
            scorer=fuzz.token_sort_ratio,
            limit=5,
            score_cutoff=threshold - COUNTRY_MISMATCH_PENALTY - AMBIGUITY_MARGIN,
        )
        scored: list[tuple[float, ReferenceSmelter]] = []
        for _, score, index in results:
            smelter = choices[index][1]
            if country and smelter.country and smelter.country != country:
                score -= COUNTRY_MISMATCH_PENALTY
            scored.append((score, smelter))
        scored.sort(key=lambda item: -item[0])
        if not scored or scored[0][0] < threshold:
            return None
        best_score, best = scored[0]
        for score, other in scored[1:]:
            if other.cid != best.cid and best_score - score < AMBIGUITY_MARGIN:
                return None  # two different smelters look alike: abstain
        return Match(best, "fuzzy", round(best_score, 1))


def _prefer_country(hits: list[tuple[ReferenceSmelter, str]], country: str) -> tuple[ReferenceSmelter, str]:
    if country:
        for smelter, kind in hits:
            if smelter.country == country:
                return smelter, kind
    return hits[0]
