"""A searchable list of company names (smelters, suppliers, listed parties).

Blocking keeps search fast: a record is only scored against a query when they share a deciding
word, a run-together form of them, or the first/last letters of a long word (so one typo still
finds it). rapidfuzz does the string distances inside ``compare_companies``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .companies import CompanyName, compare_companies, normalize_company, place_words

MAX_SCORED = 25  # records scored in full per query, the ones sharing most blocking keys


@dataclass(frozen=True)
class IndexRecord:
    key: str
    name: str
    country: str = ""
    city: str = ""
    province: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    key: str
    name: str  # the record's main name
    score: float
    reasons: list[str] = field(default_factory=list)
    matched_name: str = ""  # the name or alias that scored best
    country: str = ""
    city: str = ""
    name_score: float | None = None  # before the country penalty: the same name registered in another country

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "score": self.score,
            "reasons": list(self.reasons),
            "matched_name": self.matched_name,
            "name_score": self.name_score,
        }


def _blocking_keys(name: CompanyName) -> set[str]:
    keys: set[str] = set()
    words = name.distinctive or (name.places + name.common)
    for word in words:
        keys.add("w:" + word)
        if 5 <= len(word) <= 8 and word in name.distinctive:
            # one deletion each side meets any single typo (symmetric-delete blocking)
            keys.update("d:" + word[:i] + word[i + 1 :] for i in range(len(word)))
        if len(word) >= 7:
            keys.add("p:" + word[:4])
            keys.add("s:" + word[-4:])
    if len(name.core) > 1:
        keys.add("w:" + name.compact)
    for word in name.core:
        # a run-together pinyin word ("zhaojin") is found by its halves' key and vice versa
        if len(word) >= 6:
            keys.add("p:" + word[:4])
    return keys


def _as_record(record: IndexRecord | Mapping[str, Any] | tuple) -> IndexRecord:
    if isinstance(record, IndexRecord):
        return record
    if isinstance(record, Mapping):
        aliases = record.get("aliases") or ()
        if isinstance(aliases, str):
            aliases = (aliases,)
        return IndexRecord(
            key=str(record["key"]),
            name=str(record.get("name") or ""),
            country=str(record.get("country") or ""),
            city=str(record.get("city") or ""),
            province=str(record.get("province") or record.get("state") or ""),
            aliases=tuple(str(a) for a in aliases if a),
        )
    return IndexRecord(*record)


class NameIndex:
    """Records (key, name, country, city, province, aliases) searchable by name."""

    def __init__(self, records: Iterable[IndexRecord | Mapping[str, Any] | tuple] = ()):
        self.records: dict[str, IndexRecord] = {}
        recs = [_as_record(r) for r in records]
        places: set[str] = set()
        for rec in recs:
            for text in (rec.city, rec.province):
                places.update(w for w in place_words(text) if len(w) > 3 and w.isalpha())
        self.places = frozenset(places)
        self._names: list[tuple[str, CompanyName]] = []
        self._originals: dict[str, set[str]] = defaultdict(set)  # texts indexed per key: adding stays linear
        self._blocks: dict[str, list[int]] = defaultdict(list)
        self._cache: dict[tuple[str, str | None, str | None], CompanyName] = {}
        for rec in recs:
            self.add(rec)

    def __len__(self) -> int:
        return len(self.records)

    def add(self, record: IndexRecord | Mapping[str, Any] | tuple) -> None:
        rec = _as_record(record)
        if rec.key in self.records:
            old = self.records[rec.key]
            rec = IndexRecord(
                old.key,
                old.name or rec.name,
                old.country or rec.country,
                old.city or rec.city,
                old.province or rec.province,
                tuple(dict.fromkeys(old.aliases + (rec.name,) + rec.aliases)),
            )
        self.records[rec.key] = rec
        seen = self._originals[rec.key]
        for text in (rec.name, *rec.aliases):
            if not text or text in seen:
                continue
            seen.add(text)
            name = normalize_company(text, rec.country or None, city=rec.city, province=rec.province, places=self.places)
            position = len(self._names)
            self._names.append((rec.key, name))
            for key in _blocking_keys(name):
                self._blocks[key].append(position)

    def normalize(self, name: str, country: str | None = None, city: str | None = None) -> CompanyName:
        cache_key = (name, country, city)
        found = self._cache.get(cache_key)
        if found is None:
            found = normalize_company(name, country, city=city, places=self.places)
            if len(self._cache) < 100_000:
                self._cache[cache_key] = found
        return found

    def search(self, name: str, country: str | None = None, city: str | None = None, limit: int = 5) -> list[Candidate]:
        """The best ``limit`` records for a name, best first, one per key, each with its reasons."""
        if not name or not name.strip():
            return []
        query = self.normalize(name, country, city)
        hits: dict[int, int] = defaultdict(int)
        for key in _blocking_keys(query):
            for position in self._blocks.get(key, ()):
                hits[position] += 1
        ranked = sorted(hits, key=lambda p: -hits[p])[: MAX_SCORED * 4]
        best: dict[str, Candidate] = {}
        scored = 0
        for position in ranked:
            key, listed = self._names[position]
            match = compare_companies(query, listed)
            scored += 1
            current = best.get(key)
            if current is None or match.score > current.score:
                rec = self.records[key]
                best[key] = Candidate(
                    key, rec.name, match.score, match.reasons, listed.original, rec.country, rec.city, match.name_score
                )
        return sorted(best.values(), key=lambda c: (-c.score, -(c.name_score or 0), c.key))[:limit]


def decide(candidates: list[Candidate], threshold: float, margin: float = 5.0) -> Candidate | None:
    """The top candidate when it clears ``threshold`` and leads the next key by ``margin``."""
    if not candidates or candidates[0].score < threshold:
        return None
    if len(candidates) > 1 and candidates[0].score - candidates[1].score < margin:
        return None
    return candidates[0]
