"""Global search: each app registers what it makes searchable; core asks them all and groups the hits.

An app contributes a `SearchProvider` from its `AppConfig.ready` (e.g. `suppliers/search.py`), so core
imports nothing above it. Providers find candidates with `find()` (substring per word everywhere, pinyin of
Chinese names in Python, pg_trgm word similarity on PostgreSQL when nothing matches as typed) and rank them with
`core.textsearch`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import FloatField, Q, Value
from django.db.models.functions import Greatest

from supplyesg.core import textsearch
from supplyesg.core.access import Cap, can

PINYIN_SCAN_LIMIT = 5000  # rows with Chinese names read to match a pinyin query in Python
TRIGRAM_THRESHOLD = 0.45  # pg_trgm word similarity that counts as a near miss ("Fuchnag" for "Fuchang")
_HAN = "[\u4e00-\u9fff]"


@dataclass
class SearchHit:
    title: str
    url: str
    subtitle: str = ""
    score: float = 0.0


@dataclass
class SearchProvider:
    key: str  # e.g. "suppliers"
    label: str  # the group heading, translated lazily
    search: Callable  # (user, query: str, limit: int) -> list[SearchHit], best first
    capability: str = Cap.VIEW  # who may see this kind at all
    order: int = 100  # groups with equal best scores appear in this order


@dataclass
class SearchGroup:
    key: str
    label: str
    hits: list[SearchHit] = field(default_factory=list)


_providers: dict[str, SearchProvider] = {}


def register(provider: SearchProvider) -> None:
    _providers[provider.key] = provider


def registered() -> list[SearchProvider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.key))


def search(user, query: str, *, limit: int = 5, kind: str = "") -> list[SearchGroup]:
    """Hits the user may see, grouped by kind, the group with the best hit first."""
    if not textsearch.terms(query):
        return []
    groups = []
    for provider in registered():
        if kind and provider.key != kind:
            continue
        if not can(user, provider.capability):
            continue
        hits = provider.search(user, query, limit)
        if hits:
            groups.append(SearchGroup(provider.key, provider.label, hits))
    groups.sort(key=lambda g: -g.hits[0].score)
    return groups


def find(
    queryset,
    query: str,
    *,
    lookups: Iterable[str],
    text: Callable[[object], list[str]],
    weights: list[float] | None = None,
    trigram: Iterable[str] = (),
    chinese: Iterable[str] = (),
    limit: int = 5,
    scan: int = 300,
) -> list[tuple[object, float]]:
    """The best `limit` objects of `queryset` for `query`, with their scores.

    lookups: fields (may span relations) where every query word must appear in one of them;
    trigram: fields compared by pg_trgm word similarity on PostgreSQL (typos), when nothing else matched;
    chinese: fields whose pinyin a Latin query may match, scanned in Python;
    text: the object's searchable strings, most important first, for ranking.
    """
    words = textsearch.terms(query)
    if not words:
        return []
    lookups, trigram, chinese = list(lookups), list(trigram), list(chinese)
    every_word = Q()
    for word in words:
        any_field = Q()
        for lookup in lookups:
            any_field |= Q(**{f"{lookup}__icontains": word})
        every_word &= any_field
    found = {obj.pk: obj for obj in queryset.filter(every_word).distinct()[:scan]}
    latin = [w for w in words if textsearch.could_be_pinyin(w)]
    if chinese and latin:
        # Names with Chinese characters whose pinyin holds a Latin word: read the names only, then the rows.
        has_han = Q()
        for lookup in chinese:
            has_han |= Q(**{f"{lookup}__regex": _HAN})
        names = queryset.filter(has_han).exclude(pk__in=list(found)).values_list("pk", *chinese)[:PINYIN_SCAN_LIMIT]
        hits = {row[0] for row in names if any(textsearch.pinyin_match(w, v or "") for v in row[1:] for w in latin)}
        if hits:
            for obj in queryset.filter(pk__in=hits).distinct()[:scan]:
                found[obj.pk] = obj
    if trigram and not found and connection.vendor == "postgresql":
        # Near misses are looked for when nothing holds the words as typed (nor their pinyin): pg_trgm's word
        # similarity is worked out row by row, about 120-170 ms over 10,000 suppliers, which every keystroke paid in
        # the same query as the substring test (bench/global_search.py), to add misspelt names below the exact hits.
        from django.contrib.postgres.search import TrigramWordSimilarity

        similarity = [TrigramWordSimilarity(Value(query), f) for f in trigram]
        near = queryset.annotate(
            search_similarity=Greatest(*similarity, output_field=FloatField()) if len(similarity) > 1 else similarity[0]
        ).filter(search_similarity__gt=TRIGRAM_THRESHOLD)
        found = {obj.pk: obj for obj in near.distinct()[:scan]}
    ranked = []
    for obj in found.values():
        score = textsearch.score(query, text(obj), weights)  # typos PostgreSQL let in still need a close word
        if score > 0:
            ranked.append((obj, score))
    ranked.sort(key=lambda pair: -pair[1])
    return ranked[:limit]
