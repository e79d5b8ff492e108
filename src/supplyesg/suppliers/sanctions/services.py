"""Loading sanctions lists, screening names against them, and the decisions on hits.

Screening runs when a list is loaded (a background task for the whole registry), whenever a screened name
changes (the service functions that change names call `screen_subjects` for that one party), and from
`supplyesg screen_sanctions` for cron. Names are compared with the shared matcher (`core.matching.NameIndex`)
with no country filter: a listed party trading from another country is still a possible hit; the country
shows in the evidence. A hit waits for a compliance manager: confirming it blocks ordering, dismissing it
needs a reason, both audited.
"""

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.core.matching import IndexRecord, NameIndex
from supplyesg.core.models import PolicySettings
from supplyesg.suppliers.sanctions import lists
from supplyesg.suppliers.sanctions.models import SanctionsEntry, SanctionsHit, SanctionsList, SanctionsListVersion
from supplyesg.suppliers.sanctions.subjects import Subject, subject_sources

H = SanctionsHit.Status
UN_LIST_NAME = "UN Security Council Consolidated List"
UN_SOURCE = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


# ---------------------------------------------------------------- loading


@transaction.atomic
def load_sanctions_list(
    data: bytes, *, fmt: str, list_name: str, file_name: str, actor=None, source: str = "", version: str = ""
) -> SanctionsListVersion:
    """Store a new version of a list and make it the current one, all or nothing. The old versions stay as
    history; hits on entries no longer listed become "no longer on the list". Screening against the new
    version is the caller's choice (`screen_subjects`, or the background task the page enqueues)."""
    list_name = " ".join((list_name or "").split())[:120]
    if not list_name:
        raise RuleViolation(_("list: give the list a name."))
    try:
        parsed = lists.parse(data, fmt)
    except lists.ListFormatError as exc:
        raise RuleViolation(_("%(file)s: %(error)s Nothing was stored.") % {"file": file_name, "error": exc})
    sanctions_list, created = SanctionsList.objects.get_or_create(
        name=list_name, defaults={"source": source or (UN_SOURCE if fmt == "un-xml" else "")}
    )
    if source and sanctions_list.source != source:
        sanctions_list.source = source[:255]
        sanctions_list.save(update_fields=["source"])
    sanctions_list = SanctionsList.objects.select_for_update().get(pk=sanctions_list.pk)
    previous = sanctions_list.versions.filter(is_current=True).first()
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    sha = hashlib.sha256(data).hexdigest()
    new = SanctionsListVersion.objects.create(
        sanctions_list=sanctions_list,
        version=(version or parsed.version or timezone.now().strftime("%Y-%m-%d %H:%M"))[:60],
        format=fmt,
        file_name=(file_name or "")[:255],
        sha256=sha,
        entry_count=len(parsed.entries),
        is_current=True,
        loaded_by=_actor(actor),
    )
    SanctionsEntry.objects.bulk_create(
        [
            SanctionsEntry(
                list_version=new,
                reference=e.reference[:100],
                kind=e.kind,
                name=e.name[:500],
                aliases=e.aliases,
                countries=e.countries,
                listed_on=e.listed_on,
                programme=e.programme[:200],
            )
            for e in parsed.entries
        ],
        batch_size=1000,
    )
    delisted = _follow_entries(sanctions_list, new, actor=actor)
    audit.record(
        actor=actor,
        action="sanctions_list.loaded",
        target=new,
        changes={
            "list": [None, sanctions_list.name],
            "version": [previous.version if previous else None, new.version],
            "entries": [previous.entry_count if previous else None, new.entry_count],
            "file": [None, new.file_name],
            "hits_delisted": [None, delisted],
        },
    )
    return new


def _follow_entries(sanctions_list: SanctionsList, version: SanctionsListVersion, *, actor) -> int:
    """Point open and confirmed hits at the new version's entry; those whose entry left the list are closed."""
    entries = dict(version.entries.values_list("reference", "pk"))
    delisted = 0
    for hit in sanctions_list.hits.filter(status__in=(H.PENDING, H.CONFIRMED)):
        if hit.reference in entries:
            hit.entry_id = entries[hit.reference]
            hit.list_version = version.version
            hit.save(update_fields=["entry", "list_version"])
            continue
        old = hit.status
        hit.status = H.DELISTED
        hit.save(update_fields=["status"])
        delisted += 1
        audit.record(
            actor=actor,
            action="sanctions_hit.delisted",
            target=hit,
            supplier=hit.supplier,
            changes={"status": [old, H.DELISTED], "list_version": [hit.list_version, version.version]},
        )
    return delisted


# ---------------------------------------------------------------- screening

_INDEX: dict[tuple, tuple[NameIndex, dict[str, SanctionsEntry]]] = {}


def _current_index() -> tuple[NameIndex, dict[str, SanctionsEntry]] | None:
    """One matcher index over the entries of every list's current version, kept while they stay current."""
    # Keyed by content too: test databases roll back and hand out the same primary keys again.
    versions = tuple(
        SanctionsListVersion.objects.current()
        .order_by("pk")
        .annotate(first=Min("entries__pk"), last=Max("entries__pk"))
        .values_list("pk", "sha256", "first", "last")
    )
    if not versions:
        return None
    if versions not in _INDEX:
        rows = SanctionsEntry.objects.filter(list_version_id__in=[v[0] for v in versions])
        entries = {str(e.pk): e for e in rows.select_related("list_version__sanctions_list")}
        index = NameIndex(
            IndexRecord(key=str(pk), name=e.name, aliases=tuple(e.aliases), country=(e.countries or [""])[0])
            for pk, e in entries.items()
        )
        _INDEX.clear()
        _INDEX[versions] = (index, entries)
    return _INDEX[versions]


@dataclass
class ScreeningResult:
    screened: int = 0
    new_hits: list[SanctionsHit] = field(default_factory=list)


def screen_subjects(kind: str | None = None, ids=None, *, actor=None) -> ScreeningResult:
    """Screen the subjects of one kind with these ids (or everything when kind is None) against the current
    lists. New hits are stored once; a hit already decided is not asked again. Returns what was found."""
    result = ScreeningResult()
    current = _current_index()
    if current is None:
        return result
    index, entries = current
    threshold = float(PolicySettings.current().sanctions_min_score)
    sources = subject_sources()
    kinds = [kind] if kind else list(sources)
    with transaction.atomic():
        for each in kinds:
            for subject in sources[each](ids if kind else None):
                result.screened += 1
                result.new_hits.extend(_screen_one(subject, index, entries, threshold, actor))
    return result


def _screen_one(subject: Subject, index, entries, threshold: float, actor) -> list[SanctionsHit]:
    found = []
    for name in subject.names:
        for candidate in index.search(name, limit=5):
            if candidate.score < threshold:
                continue
            entry = entries[candidate.key]
            sanctions_list = entry.list_version.sanctions_list
            hit, created = SanctionsHit.objects.get_or_create(
                sanctions_list=sanctions_list,
                reference=entry.reference,
                subject_kind=subject.kind,
                subject_id=subject.id,
                screened_name=name[:255],
                defaults={
                    "entry": entry,
                    "entry_name": entry.name,
                    "entry_names": entry.names,
                    "list_version": entry.list_version.version,
                    "subject_label": subject.label[:255],
                    "supplier_id": subject.supplier_id,
                    "matched_name": (candidate.matched_name or candidate.name)[:500],
                    "score": round(float(candidate.score), 1),
                    "reasons": [str(r) for r in candidate.reasons]
                    + ([_("listed countries: %(list)s") % {"list": ", ".join(entry.countries)}] if entry.countries else []),
                },
            )
            if not created and hit.status == H.DELISTED:
                # Listed again: the earlier decision no longer holds.
                hit.status, hit.entry, hit.list_version = H.PENDING, entry, entry.list_version.version
                hit.save(update_fields=["status", "entry", "list_version"])
                created = True
            if created:
                audit.record(
                    actor=actor,
                    action="sanctions_hit.found",
                    target=hit,
                    supplier=hit.supplier,
                    changes={"score": [None, hit.score], "reference": [None, hit.reference], "list": [None, sanctions_list.name]},
                )
                found.append(hit)
    return found


# ---------------------------------------------------------------- decisions


def _pending(hit: SanctionsHit) -> SanctionsHit:
    hit = SanctionsHit.objects.select_for_update(of=("self",)).select_related("sanctions_list", "supplier").get(pk=hit.pk)
    if hit.status != H.PENDING:
        raise RuleViolation(_("This hit was already decided (%(status)s).") % {"status": hit.get_status_display()})
    return hit


@transaction.atomic
def confirm_hit(hit: SanctionsHit, *, actor, reason: str = "") -> SanctionsHit:
    """The screened party is the listed one: its supplier may no longer receive orders."""
    hit = _pending(hit)
    return _decide(hit, H.CONFIRMED, actor, (reason or "").strip(), "sanctions_hit.confirmed")


@transaction.atomic
def dismiss_hit(hit: SanctionsHit, *, actor, reason: str) -> SanctionsHit:
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("reason: say why the screened party is not the listed one."))
    hit = _pending(hit)
    return _decide(hit, H.DISMISSED, actor, reason, "sanctions_hit.dismissed")


def _decide(hit: SanctionsHit, status: str, actor, reason: str, action: str) -> SanctionsHit:
    hit.status = status
    hit.decided_by = _actor(actor)
    hit.decided_at = timezone.now()
    hit.decision_reason = reason
    hit.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit.record(
        actor=actor,
        action=action,
        target=hit,
        supplier=hit.supplier,
        changes={"status": [H.PENDING, status], "list": [None, hit.sanctions_list.name], "reference": [None, hit.reference]},
        reason=reason,
    )
    return hit


def blocking_hits(supplier_ids) -> dict[int, SanctionsHit]:
    """The first confirmed hit per supplier, for the can-order answer. One query."""
    out: dict[int, SanctionsHit] = {}
    for hit in SanctionsHit.objects.blocking().filter(supplier_id__in=list(supplier_ids)).select_related("sanctions_list"):
        out.setdefault(hit.supplier_id, hit)
    return out
