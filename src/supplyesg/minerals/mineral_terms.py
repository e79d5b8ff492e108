"""Which template mineral a word in a supplier category's "minerals involved" means.

Reference data: ``data/mineral_terms.json`` (with its source and date) is loaded into ``MineralTerm`` by
``supplyesg load_mineral_terms`` and edited in the admin; until it is loaded the shipped file is used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import transaction

from supplyesg.minerals.models import Metal, MineralTerm

DATA = Path(__file__).resolve().parent / "data" / "mineral_terms.json"


@cache
def shipped() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def words_for(minerals) -> set[str]:
    """Folded words that name any of these minerals (the mineral's own name always counts)."""
    minerals = list(minerals)
    words = {m.casefold() for m in minerals}
    if MineralTerm.objects.exists():
        words.update(t.casefold() for t in MineralTerm.objects.filter(mineral__in=minerals).values_list("term", flat=True))
    else:
        for mineral in minerals:
            words.update(t.casefold() for t in shipped()["terms"].get(mineral, ()))
    return words


def minerals_in(text: str) -> list[str]:
    """The template minerals a category's comma-separated text names, in Metal order."""
    said = {w.strip().casefold() for w in (text or "").split(",") if w.strip()}
    return [m for m in Metal.values if said & words_for([m])]


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def load_mineral_terms(path: Path | None = None) -> LoadResult:
    """Load (or refresh) the words from the data file; words added in the admin are kept. Raises
    ValueError naming the entry when the file names a mineral that is not a template mineral."""
    data = json.loads((path or DATA).read_text(encoding="utf-8")) if path else shipped()
    source = f"{data.get('source', '')} ({data.get('as_of', '')})"[:255]
    result = LoadResult()
    for mineral, terms in data["terms"].items():
        if mineral not in Metal.values:
            raise ValueError(f"terms.{mineral}: not a template mineral ({', '.join(Metal.values)}).")
        for term in terms:
            term = " ".join(str(term).split())[:60]
            found = MineralTerm.objects.filter(term__iexact=term).first()
            if found is None:
                MineralTerm.objects.create(term=term, mineral=mineral, source=source)
                result.created += 1
            elif (found.mineral, found.source) != (mineral, source):
                found.mineral, found.source = mineral, source
                found.save(update_fields=["mineral", "source"])
                result.updated += 1
            else:
                result.unchanged += 1
    return result
