"""What is screened: suppliers (legal, local and alias names) and their sites here; higher apps plug in more
kinds (minerals registers smelters in its AppConfig.ready), because suppliers may not import them."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from supplyesg.suppliers.models import Site, Supplier


@dataclass(frozen=True)
class Subject:
    kind: str  # SanctionsHit.Subject value
    id: int
    label: str
    names: tuple[str, ...]
    country: str = ""
    supplier_id: int | None = None  # whose ordering a confirmed hit blocks


# A source yields the subjects with these ids (None: all of them) in a fixed number of queries.
SubjectSource = Callable[[Iterable[int] | None], Iterator[Subject]]


def supplier_subjects(ids=None) -> Iterator[Subject]:
    rows = Supplier.objects.all() if ids is None else Supplier.objects.filter(pk__in=list(ids))
    for pk, legal, local, aliases, country in rows.values_list("pk", "legal_name", "local_name", "aliases", "country"):
        names = tuple(n.strip() for n in (legal, local, *aliases.splitlines()) if n and n.strip())
        yield Subject("supplier", pk, legal, names, country or "", pk)


def site_subjects(ids=None) -> Iterator[Subject]:
    rows = Site.objects.all() if ids is None else Site.objects.filter(pk__in=list(ids))
    for pk, name, country, supplier_id, supplier_name in rows.values_list(
        "pk", "name", "country", "supplier_id", "supplier__legal_name"
    ):
        if name and name.strip():
            yield Subject("site", pk, f"{name} ({supplier_name})", (name.strip(),), country or "", supplier_id)


_SOURCES: dict[str, SubjectSource] = {"supplier": supplier_subjects, "site": site_subjects}


def register_subject_source(kind: str, source: SubjectSource) -> SubjectSource | None:
    """Plug in another kind of screened party; returns the source it replaces (tests put it back)."""
    previous = _SOURCES.get(kind)
    _SOURCES[kind] = source
    return previous


def subject_sources() -> dict[str, SubjectSource]:
    return dict(_SOURCES)
