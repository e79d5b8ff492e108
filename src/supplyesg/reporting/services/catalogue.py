"""Loading a version of the disclosure catalogue from its data files.

A catalogue version is a folder of JSON files, one per framework (`reporting/data/catalogue/<version>/*.json`),
each `{"framework": ..., "framework_version": ..., "source": ..., "items": [{code, title, title_zh, unit,
computation, params?, scope?, public?}]}`. Loading validates everything first (unknown computation, unit or
framework, a duplicate code) and writes nothing when anything is wrong; reloading a version replaces its items.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from supplyesg.core import audit
from supplyesg.reporting.computations import REGISTRY
from supplyesg.reporting.models import DisclosureCatalogue, Framework, LineItem, Unit

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "catalogue"
CURRENT_VERSION = "2026.1"


class CatalogueError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class CatalogueLoad:
    version: str
    created: int = 0
    files: list[str] = field(default_factory=list)


def read_catalogue(folder: Path) -> tuple[list[dict], list[str]]:
    """Every line item of the folder's files, in file then item order, and the errors found (file:item: message)."""
    items, errors, seen = [], [], set()
    files = sorted(folder.glob("*.json"))
    if not files:
        return [], [f"{folder}: no catalogue files (*.json)"]
    for path in files:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            errors.append(f"{path.name}: not readable JSON ({exc})")
            continue
        framework = doc.get("framework")
        if framework not in Framework.values:
            errors.append(f"{path.name}: framework {framework!r} is not one of {', '.join(Framework.values)}")
            continue
        for n, raw in enumerate(doc.get("items") or [], start=1):
            where = f"{path.name}:{raw.get('code') or f'item {n}'}"
            for key in ("code", "title", "title_zh", "unit", "computation"):
                if not str(raw.get(key) or "").strip():
                    errors.append(f"{where}: {key} is required")
            if raw.get("unit") and raw["unit"] not in Unit.values:
                errors.append(f"{where}: unit {raw['unit']!r} is not one of {', '.join(Unit.values)}")
            if raw.get("computation") and raw["computation"] not in REGISTRY:
                errors.append(f"{where}: computation {raw['computation']!r} does not exist")
            if raw.get("code") in seen:
                errors.append(f"{where}: code appears twice")
            seen.add(raw.get("code"))
            items.append(
                {
                    "code": str(raw.get("code", ""))[:40],
                    "framework": framework,
                    "framework_version": str(raw.get("framework_version") or doc.get("framework_version") or "")[:60],
                    "title": str(raw.get("title", ""))[:300],
                    "title_zh": str(raw.get("title_zh", ""))[:300],
                    "unit": raw.get("unit"),
                    "computation": raw.get("computation"),
                    "params": raw.get("params") or {},
                    "scope": raw.get("scope") or {},
                    "public": bool(raw.get("public", True)),
                }
            )
    return items, errors


@transaction.atomic
def load_catalogue(
    *, actor, version: str = CURRENT_VERSION, folder: Path | None = None, make_current: bool = True
) -> CatalogueLoad:
    folder = folder or DATA_DIR / version
    items, errors = read_catalogue(folder)
    if errors:
        raise CatalogueError(errors)
    title = "SupplyESG disclosure catalogue"
    catalogue, _created = DisclosureCatalogue.objects.get_or_create(
        version=version, defaults={"title": title, "source": str(folder.name)}
    )
    catalogue.items.all().delete()
    LineItem.objects.bulk_create(LineItem(catalogue=catalogue, order=n, **item) for n, item in enumerate(items, start=1))
    if make_current:
        DisclosureCatalogue.objects.exclude(pk=catalogue.pk).filter(is_current=True).update(is_current=False)
        if not catalogue.is_current:
            catalogue.is_current = True
            catalogue.save(update_fields=["is_current"])
    audit.record(actor=actor, action="reporting.catalogue_loaded", target=catalogue, changes={"items": len(items)})
    return CatalogueLoad(version=version, created=len(items), files=sorted(p.name for p in folder.glob("*.json")))


def current_catalogue() -> DisclosureCatalogue | None:
    return DisclosureCatalogue.objects.filter(is_current=True).first()
