"""Creating and editing suppliers, their sites, contacts and links; duplicate detection."""

import re
from collections import Counter
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, IntegerField, Max, Q, Value, When
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.core.matching import NameIndex, normalize_company
from supplyesg.core.models import PolicySettings
from supplyesg.core.services import next_counter_value
from supplyesg.suppliers.models import Contact, DuplicateDecision, Site, Supplier, SupplyLink
from supplyesg.suppliers.models.registry import REGISTRY_FIELDS, registration_key
from supplyesg.suppliers.sanctions.services import screen_subjects

# A change to one of these names screens the supplier against the sanctions lists again.
SCREENED_FIELDS = {"legal_name", "local_name", "aliases"}


@dataclass(frozen=True)
class DuplicateCandidate:
    supplier: Supplier
    reason: str  # "registration_id" or "name"
    score: float
    reasons: tuple[str, ...] = ()  # what a person reads: words matched, country, spelling


def _pair(a_id: int, b_id: int) -> tuple[int, int]:
    return (a_id, b_id) if a_id < b_id else (b_id, a_id)


# The most suppliers whose names are compared in full with a new or shown one. The SQL pre-filter keeps those
# sharing the most deciding words; without a bound a common word ("Shenzhen", "Electronics") would send tens
# of thousands of names through the fuzzy comparison on every supplier page at 100,000 suppliers.
NAME_CANDIDATES = 100


def _name_conditions(*names: str) -> list[Q]:
    """A cheap SQL pre-filter: one condition per deciding word of a name (or its first or last letters)."""
    conditions = []
    for name in names:
        if not name:
            continue
        parsed = normalize_company(name)
        words = set(parsed.core or parsed.common)
        for word in list(words):
            if len(word) >= 6:
                words.add(word[:4])
                words.add(word[-4:])
        for word in sorted(words):
            if len(word) >= 3:
                conditions.append(Q(legal_name__icontains=word) | Q(aliases__icontains=word))
        for run in re.findall(r"[\u3400-\u9fff]{2,}", name):
            conditions.append(Q(local_name__icontains=run[:2]) | Q(local_name__icontains=run[-2:]))
    return conditions


# PostgreSQL: the most suppliers read per word of the pre-filter (see _name_candidates_by_word).
ROWS_PER_WORD = 1000


def _name_candidates_by_word(conditions: list[Q], exclude_pk=None):
    """PostgreSQL: the pre-filter one word at a time, each word's matches read from the supplier search's trigram
    index (suppliers 0016) and cut at ROWS_PER_WORD, in one UNION ALL query; the suppliers matching the most words
    are kept. A word that most suppliers share ("Shenzhen", or "Bench" in the bench data) adds at most its first
    ROWS_PER_WORD matches, which tell nothing anyway, while a rare word, the kind a duplicate shares, brings every
    supplier that has it. Ranking all suppliers in one scan instead (as on SQLite) had PostgreSQL evaluate every
    condition twice on each matching row: about 300 ms on the supplier page when a word matched all 100,000."""
    parts = [
        Supplier.objects.filter(condition).exclude(pk=exclude_pk).order_by().values_list("pk", flat=True)[:ROWS_PER_WORD]
        for condition in conditions
    ]
    shared = Counter(parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0])
    best = sorted(shared, key=lambda pk: (-shared[pk], pk))[:NAME_CANDIDATES]
    return Supplier.objects.filter(pk__in=best).order_by("pk")


def _name_candidates(names: list[str], exclude_pk=None):
    """Suppliers sharing a deciding word with one of the names, those sharing the most first, at most
    NAME_CANDIDATES of them (one query)."""
    conditions = _name_conditions(*names)
    if not conditions:
        return Supplier.objects.none()
    if connection.vendor == "postgresql":
        return _name_candidates_by_word(conditions, exclude_pk)
    match = Q(pk__in=[])
    for condition in conditions:
        match |= condition
    shared = sum((Case(When(c, then=1), default=0, output_field=IntegerField()) for c in conditions), Value(0))
    return (
        Supplier.objects.filter(match)
        .exclude(pk=exclude_pk)
        .annotate(shared_words=shared)
        .order_by("-shared_words", "pk")[:NAME_CANDIDATES]
    )


def find_duplicates(
    *,
    legal_name: str,
    country: str,
    registration_id: str = "",
    local_name: str = "",
    exclude_pk=None,
    threshold: float | None = None,
    limit: int = 5,
) -> list[DuplicateCandidate]:
    """Suppliers that may be the same company: the same registration id (spaces, dashes and case aside), or
    the same name in any of its forms. The same name in another country is shown too, with that reason.

    Pairs a person already marked "different" are left out.
    """
    if threshold is None:
        threshold = float(PolicySettings.current().duplicate_name_threshold)
    found: dict[int, DuplicateCandidate] = {}
    reg = registration_key(registration_id)
    if reg:
        for supplier in Supplier.objects.filter(registration_key=reg).exclude(pk=exclude_pk):
            found[supplier.pk] = DuplicateCandidate(supplier, "registration_id", 100.0, (_("same registration id"),))
    names = [n for n in dict.fromkeys((legal_name, local_name)) if n and n.strip()]
    if names:
        rows = _name_candidates(names, exclude_pk)
        index = NameIndex(
            {"key": str(s.pk), "name": s.legal_name, "country": s.country, "aliases": [s.local_name, *s.alias_list]}
            for s in rows.only("pk", "legal_name", "local_name", "aliases", "country")
        )
        for name in names:
            for candidate in index.search(name, country=country or None, limit=limit):
                pk = int(candidate.key)
                if pk not in found and (candidate.name_score or 0) >= threshold:
                    found[pk] = DuplicateCandidate(
                        Supplier.objects.get(pk=pk), "name", candidate.name_score, tuple(candidate.reasons)
                    )
    if exclude_pk and found:
        different = {
            _pair(a, b)
            for a, b in DuplicateDecision.objects.filter(verdict=DuplicateDecision.Verdict.DIFFERENT).values_list(
                "supplier_a", "supplier_b"
            )
        }
        found = {pk: c for pk, c in found.items() if _pair(exclude_pk, pk) not in different}
    return sorted(found.values(), key=lambda c: -c.score)[:limit]


def _highest_code_number() -> int:
    last = Supplier.objects.filter(code__regex=r"^S[0-9]+$").aggregate(m=Max("code"))["m"]
    return int(last[1:]) if last else 0


def next_supplier_code() -> str:
    """S000001, S000002, ... from a locked counter: concurrent creations never get the same code. Codes set by
    hand or by an import are skipped."""
    number = next_counter_value(
        "supplier_code",
        start_after=_highest_code_number,
        taken=lambda n: Supplier.objects.filter(code=f"S{n:06d}").exists(),
    )
    return f"S{number:06d}"


def _same_registration(country: str, registration_id: str, exclude_pk=None):
    key = registration_key(registration_id)
    if not key or not country:
        return None
    return Supplier.objects.filter(country=country, registration_key=key).exclude(pk=exclude_pk).first()


def _registration_taken(existing: Supplier) -> RuleViolation:
    return RuleViolation(
        _("%(name)s (%(code)s) already has this registration id in this country: one company is one supplier.")
        % {"name": existing.legal_name, "code": existing.code},
        code="duplicate",
    )


def _save_unique(supplier: Supplier) -> None:
    """Save; a registration id another transaction took meanwhile is a 409 naming that supplier, not a 500."""
    try:
        with transaction.atomic():
            supplier.save()
    except IntegrityError:
        existing = _same_registration(supplier.country, supplier.registration_id, exclude_pk=supplier.pk)
        if existing is None:
            raise
        raise _registration_taken(existing) from None


@transaction.atomic
def create_supplier(
    *, actor, categories=(), confirmed_not_duplicate: bool = False, blacklist_override_reason: str = "", **fields
) -> Supplier:
    """Create a prospect. Refuses blacklisted identities (a doubtful hit needs the reason of a blacklist
    decider); asks for confirmation when it looks like a duplicate."""
    from supplyesg.suppliers.services.compliance import ensure_not_blacklisted

    ensure_not_blacklisted(
        legal_name=fields.get("legal_name", ""),
        country=fields.get("country", ""),
        registration_id=fields.get("registration_id", ""),
        local_name=fields.get("local_name", ""),
        override_reason=blacklist_override_reason,
        actor=actor,
    )
    # The same registration id in the same country is the same company: no confirmation creates a second one.
    existing = _same_registration(fields.get("country", ""), fields.get("registration_id", ""))
    if existing is not None:
        raise _registration_taken(existing)
    if not confirmed_not_duplicate:
        candidates = find_duplicates(
            legal_name=fields.get("legal_name", ""),
            country=fields.get("country", ""),
            registration_id=fields.get("registration_id", ""),
            local_name=fields.get("local_name", ""),
        )
        if candidates:
            raise RuleViolation(
                [
                    _("Possible duplicate of %(name)s (%(code)s): %(why)s.")
                    % {
                        "name": c.supplier.legal_name,
                        "code": c.supplier.code,
                        "why": "; ".join(c.reasons)
                        if c.reasons
                        else (_("same registration id") if c.reason == "registration_id" else c.reason),
                    }
                    for c in candidates
                ],
                code="duplicate",
            )
    fields.setdefault("code", next_supplier_code())
    supplier = Supplier(**fields, created_by=actor if actor and actor.pk else None)
    supplier.full_clean(validate_constraints=False)  # the database's unique constraint is checked on save
    _save_unique(supplier)
    if categories:
        supplier.categories.set(categories)
    screen_subjects("supplier", [supplier.pk], actor=actor)
    audit.record(
        actor=actor,
        action="supplier.created",
        target=supplier,
        supplier=supplier,
        changes={**{k: [None, v] for k, v in fields.items()}, "categories": [None, sorted(str(c) for c in categories)]},
    )
    return supplier


@transaction.atomic
def update_supplier(supplier: Supplier, *, actor, categories=None, reason: str = "", **fields) -> Supplier:
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    unknown = set(fields) - set(REGISTRY_FIELDS)
    if unknown:
        raise RuleViolation(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    before = audit.snapshot(supplier, fields)
    for name, value in fields.items():
        setattr(supplier, name, value)
    supplier.full_clean(validate_constraints=False)  # the database's unique constraint is checked on save
    if {"registration_id", "country"} & set(fields):
        existing = _same_registration(supplier.country, supplier.registration_id, exclude_pk=supplier.pk)
        if existing is not None:
            raise _registration_taken(existing)
    changes = audit.diff(before, audit.snapshot(supplier, fields))
    if categories is not None:
        old = sorted(str(c) for c in supplier.categories.all())
        new = sorted(str(c) for c in categories)
        if old != new:
            supplier.categories.set(categories)
            changes["categories"] = [old, new]
    if changes:
        _save_unique(supplier)
        audit.record(actor=actor, action="supplier.updated", target=supplier, supplier=supplier, changes=changes, reason=reason)
        if changes.keys() & SCREENED_FIELDS:
            screen_subjects("supplier", [supplier.pk], actor=actor)
    return supplier


@transaction.atomic
def add_site(supplier: Supplier, *, actor, **fields) -> Site:
    site = Site(supplier=supplier, **fields)
    site.full_clean()
    site.save()
    audit.record(
        actor=actor, action="site.added", target=site, supplier=supplier, changes={k: [None, v] for k, v in fields.items()}
    )
    screen_subjects("site", [site.pk], actor=actor)
    return site


@transaction.atomic
def remove_site(site: Site, *, actor) -> None:
    supplier = site.supplier
    audit.record(actor=actor, action="site.removed", target=site, supplier=supplier, changes={"name": [site.name, None]})
    site.delete()


@transaction.atomic
def add_contact(supplier: Supplier, *, actor, **fields) -> Contact:
    contact = Contact(supplier=supplier, **fields)
    contact.full_clean()
    contact.save()
    audit.record(
        actor=actor, action="contact.added", target=contact, supplier=supplier, changes={k: [None, v] for k, v in fields.items()}
    )
    return contact


@transaction.atomic
def remove_contact(contact: Contact, *, actor) -> None:
    audit.record(
        actor=actor, action="contact.removed", target=contact, supplier=contact.supplier, changes={"name": [contact.name, None]}
    )
    contact.delete()


def _upstream_ids(supplier_id: int) -> set[int]:
    """Every supplier upstream of this one, any depth (breadth-first, one query per level)."""
    seen: set[int] = set()
    frontier = {supplier_id}
    while frontier:
        ups = set(SupplyLink.objects.filter(downstream_id__in=frontier).values_list("upstream_id", flat=True)) - seen
        seen |= ups
        frontier = ups
    return seen


@transaction.atomic
def link_suppliers(*, upstream: Supplier, downstream: Supplier, actor, material: str = "") -> SupplyLink:
    """Record that `upstream` supplies `downstream`. Refuses cycles."""
    if upstream.pk == downstream.pk:
        raise RuleViolation(_("A supplier cannot supply itself."))
    if downstream.pk in _upstream_ids(upstream.pk):
        raise RuleViolation(
            _("%(up)s is already downstream of %(down)s: the link would make a cycle.") % {"up": upstream, "down": downstream}
        )
    link, created = SupplyLink.objects.get_or_create(upstream=upstream, downstream=downstream, defaults={"material": material})
    if created:
        audit.record(
            actor=actor,
            action="link.added",
            target=link,
            supplier=downstream,
            changes={"upstream": [None, str(upstream)], "material": [None, material]},
        )
    return link


@transaction.atomic
def unlink_suppliers(link: SupplyLink, *, actor) -> None:
    audit.record(
        actor=actor,
        action="link.removed",
        target=link,
        supplier=link.downstream,
        changes={"upstream": [str(link.upstream), None]},
    )
    link.delete()


def supply_chain(supplier: Supplier, max_depth: int = 5) -> list[dict]:
    """The tier-n chain upstream of a supplier as a nested list, for display."""
    links = {}
    frontier = {supplier.pk}
    seen = {supplier.pk}
    for _depth in range(max_depth):
        rows = list(SupplyLink.objects.filter(downstream_id__in=frontier).select_related("upstream"))
        if not rows:
            break
        frontier = set()
        for link in rows:
            links.setdefault(link.downstream_id, []).append(link)
            if link.upstream_id not in seen:
                seen.add(link.upstream_id)
                frontier.add(link.upstream_id)

    def build(pk, depth, path):
        return [
            {
                "supplier": link.upstream,
                "material": link.material,
                "depth": depth,
                "children": build(link.upstream_id, depth + 1, path | {link.upstream_id}) if link.upstream_id not in path else [],
            }
            for link in links.get(pk, [])
        ]

    return build(supplier.pk, 1, {supplier.pk})


@transaction.atomic
def decide_duplicate(*, supplier: Supplier, other: Supplier, verdict: str, actor) -> DuplicateDecision:
    """Remember whether two records are the same company, so the question is not asked again."""
    if supplier.pk == other.pk:
        raise RuleViolation(_("A supplier cannot be compared with itself."))
    a, b = _pair(supplier.pk, other.pk)
    decision, _created = DuplicateDecision.objects.update_or_create(
        supplier_a_id=a, supplier_b_id=b, defaults={"verdict": verdict, "decided_by": actor if actor and actor.pk else None}
    )
    for target in (supplier, other):
        audit.record(
            actor=actor,
            action="duplicate.decided",
            target=decision,
            supplier=target,
            changes={"verdict": [None, verdict], "pair": [None, [supplier.code, other.code]]},
        )
    return decision
