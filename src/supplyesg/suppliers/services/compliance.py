"""Documents and their expiry, mandatory-document rules, the blacklist and the can-order answer."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.access import Cap, can
from supplyesg.core.errors import RuleViolation
from supplyesg.core.mail import Letter, send_now, supplier_recipients
from supplyesg.core.matching import NameIndex, normalize_registration_id
from supplyesg.core.models import PolicySettings
from supplyesg.suppliers.models import BlacklistEntry, Document, DocumentRule, DocumentWaiver, Supplier
from supplyesg.suppliers.models.compliance import DocumentType
from supplyesg.suppliers.services.status import write_status

# ---------------------------------------------------------------- documents


@transaction.atomic
def upload_document(supplier: Supplier, *, actor, doc_type: str, title: str, file, issue_date=None, expiry_date=None) -> Document:
    if issue_date and expiry_date and expiry_date < issue_date:
        raise RuleViolation(_("expiry_date: the expiry date is before the issue date."))
    document = Document(
        supplier=supplier,
        doc_type=doc_type,
        title=title,
        issue_date=issue_date,
        expiry_date=expiry_date,
        file=file,
        original_name=getattr(file, "name", "")[:255],
        content_type=getattr(file, "content_type", "")[:100] or "",
        uploaded_by=actor if actor and actor.pk else None,
    )
    document.full_clean()
    document.save()
    audit.record(
        actor=actor,
        action="document.uploaded",
        target=document,
        supplier=supplier,
        changes={
            "type": [None, doc_type],
            "title": [None, title],
            "issue_date": [None, issue_date],
            "expiry_date": [None, expiry_date],
            "file": [None, document.original_name],
        },
    )
    return document


@transaction.atomic
def remove_document(document: Document, *, actor, reason: str) -> None:
    if not reason.strip():
        raise RuleViolation(_("reason: say why the document is removed."))
    audit.record(
        actor=actor,
        action="document.removed",
        target=document,
        supplier=document.supplier,
        changes={"title": [document.title, None]},
        reason=reason,
    )
    document.file.delete(save=False)
    document.delete()


@dataclass
class MissingDocument:
    doc_type: str
    category: str
    yearly: bool

    @property
    def label(self) -> str:
        kind = DocumentType(self.doc_type).label
        if self.yearly:
            return _("%(kind)s issued in the last 12 months (required for %(category)s)") % {
                "kind": kind,
                "category": self.category,
            }
        return _("%(kind)s in force (required for %(category)s)") % {"kind": kind, "category": self.category}


def missing_documents(supplier: Supplier, on: date | None = None) -> list[MissingDocument]:
    """Mandatory documents the supplier lacks: none in force, or for yearly rules none issued within a year."""
    on = on or timezone.localdate()
    rules = (
        DocumentRule.objects.filter(category__suppliers=supplier)
        .select_related("category")
        .order_by("category__name", "doc_type")
    )
    docs = list(Document.objects.filter(supplier=supplier).current(on).values_list("doc_type", "issue_date", "uploaded_at"))
    missing = []
    for rule in rules:
        if rule.yearly:
            since = on - timedelta(days=365)
            ok = any(t == rule.doc_type and ((issued or uploaded.date()) >= since) for t, issued, uploaded in docs)
        else:
            ok = any(t == rule.doc_type for t, _i, _u in docs)
        if not ok:
            missing.append(MissingDocument(rule.doc_type, rule.category.name, rule.yearly))
    return missing


WAIVER_MAX_DAYS = 366


def unwaived_missing_documents(supplier: Supplier, on: date | None = None) -> list[MissingDocument]:
    """The mandatory documents the supplier lacks with no waiver in force for their type."""
    on = on or timezone.localdate()
    waived = set(DocumentWaiver.objects.in_force(on).filter(supplier=supplier).values_list("doc_type", flat=True))
    return [m for m in missing_documents(supplier, on) if m.doc_type not in waived]


@transaction.atomic
def waive_document(supplier: Supplier, *, actor, doc_type: str, reason: str, expires_on: date | None) -> DocumentWaiver:
    """AIKO admission: record that a mandatory document may be missing for now, why, and until when (at most a
    year ahead, so the waiver comes up again)."""
    today = timezone.localdate()
    reason = (reason or "").strip()
    problems = []
    required = {m.doc_type for m in missing_documents(supplier, today)}
    if doc_type not in DocumentType.values:
        problems.append(_("doc_type: choose a document type."))
    elif doc_type not in required:
        problems.append(_("doc_type: this document is not a missing mandatory document of the supplier."))
    if not reason:
        problems.append(_("reason: say why the document is waived."))
    if expires_on is None:
        problems.append(_("expires_on: give the date the waiver ends."))
    elif expires_on <= today:
        problems.append(_("expires_on: the waiver must end after today."))
    elif expires_on > today + timedelta(days=WAIVER_MAX_DAYS):
        problems.append(_("expires_on: a waiver lasts at most a year; grant a new one when it ends."))
    if problems:
        raise RuleViolation(problems)
    waiver = DocumentWaiver.objects.create(
        supplier=supplier, doc_type=doc_type, reason=reason[:2000], expires_on=expires_on, granted_by=actor
    )
    audit.record(
        actor=actor,
        action="document.waived",
        target=waiver,
        supplier=supplier,
        changes={"doc_type": [None, doc_type], "expires_on": [None, expires_on.isoformat()]},
        reason=reason[:2000],
    )
    return waiver


def send_document_expiry_reminders(on: date | None = None) -> int:
    """E-mail each supplier's contacts and the creator about documents expiring soon; once per document."""
    on = on or timezone.localdate()
    days = PolicySettings.current().document_expiry_warning_days
    sent = 0
    for document in Document.objects.expiring(days, on).filter(reminder_sent_on__isnull=True).select_related("supplier"):
        recipients = supplier_recipients(document.supplier)
        if recipients:
            values = {"supplier": document.supplier.legal_name, "title": document.title, "date": document.expiry_date}
            send_now([
                Letter(
                    recipients,
                    lambda values=values: (
                        _("Document expiring: %(title)s") % values,
                        _("%(supplier)s: %(title)s expires on %(date)s. Please upload a renewed document in the supplier portal.")
                        % values,
                    ),
                    path=reverse("portal:documents"),
                    supplier=document.supplier,
                )
            ])
            sent += 1
        Document.objects.filter(pk=document.pk).update(reminder_sent_on=on)
    return sent


# ---------------------------------------------------------------- blacklist


@dataclass(frozen=True)
class BlacklistHit:
    entry: BlacklistEntry
    certain: bool  # same registration id, or the same name in the same (or an unstated) country
    score: float
    reasons: list[str]


def blacklist_hits(
    *,
    legal_name: str,
    country: str,
    registration_id: str = "",
    local_name: str = "",
    exclude_supplier_id=None,
    on: date | None = None,
) -> list[BlacklistHit]:
    """Bans in force that this identity may fall under. Every form of the name counts (legal form, place
    in brackets, Chinese characters, abbreviations, a typo); the same name in another country is a
    doubtful hit that a person who decides the blacklist must clear."""
    threshold = float(PolicySettings.current().duplicate_name_threshold)
    entries = BlacklistEntry.objects.in_force(on).select_related("supplier")
    if exclude_supplier_id:
        entries = entries.exclude(supplier_id=exclude_supplier_id)
    entries = list(entries)
    reg = normalize_registration_id(registration_id)
    hits: dict[int, BlacklistHit] = {}
    for entry in entries:
        if reg and normalize_registration_id(entry.registration_id) == reg:
            hits[entry.pk] = BlacklistHit(entry, True, 100.0, [_("same registration id")])
    index = NameIndex(
        {
            "key": str(entry.pk),
            "name": entry.legal_name,
            "country": entry.country,
            "aliases": [entry.supplier.local_name, *entry.supplier.alias_list],
        }
        for entry in entries
    )
    by_pk = {entry.pk: entry for entry in entries}
    for name in dict.fromkeys(n for n in (legal_name, local_name) if n and n.strip()):
        for candidate in index.search(name, country=country or None, limit=10):
            pk = int(candidate.key)
            if pk in hits or (candidate.name_score or 0) < threshold:
                continue
            certain = candidate.score >= threshold
            hits[pk] = BlacklistHit(by_pk[pk], certain, candidate.name_score, candidate.reasons)
    return sorted(hits.values(), key=lambda h: (not h.certain, -h.score))


def matching_blacklist_entries(**identity) -> list[BlacklistEntry]:
    """Every ban the identity may fall under, certain or doubtful (imports refuse both)."""
    return [hit.entry for hit in blacklist_hits(**identity)]


def _ban_term(entry: BlacklistEntry) -> str:
    return _("permanent") if entry.permanent else _("until %(date)s") % {"date": entry.until}


def ensure_not_blacklisted(
    *,
    legal_name: str,
    country: str,
    registration_id: str = "",
    local_name: str = "",
    exclude_supplier_id=None,
    override_reason: str = "",
    actor=None,
    target=None,
) -> None:
    """Refuse a banned identity. A doubtful hit (the same name in another country) passes only with the
    reason of a user allowed to decide the blacklist, recorded in the audit trail."""
    hits = blacklist_hits(
        legal_name=legal_name,
        country=country,
        registration_id=registration_id,
        local_name=local_name,
        exclude_supplier_id=exclude_supplier_id,
    )
    certain = [h for h in hits if h.certain]
    if certain:
        raise RuleViolation(
            [
                _("%(name)s is blacklisted (%(reason)s, %(term)s): it cannot be admitted.")
                % {
                    "name": h.entry.legal_name,
                    "reason": h.entry.get_reason_display(),
                    "term": _ban_term(h.entry),
                }
                for h in certain
            ],
            code="blacklisted",
        )
    if not hits:
        return
    reason = " ".join((override_reason or "").split())
    if reason and actor is not None and can(actor, Cap.BLACKLIST):
        audit.record(
            actor=actor,
            action="blacklist.possible_match_cleared",
            target=target or hits[0].entry,
            changes={"blacklist_entries": [None, [h.entry.pk for h in hits]], "legal_name": [None, legal_name]},
            reason=reason,
        )
        return
    raise RuleViolation(
        [
            _(
                "%(name)s may be the blacklisted %(banned)s (%(reason)s, %(term)s): %(why)s. "
                "Only a user who decides the blacklist can admit it, giving the reason it is another company."
            )
            % {
                "name": legal_name,
                "banned": h.entry.legal_name,
                "reason": h.entry.get_reason_display(),
                "term": _ban_term(h.entry),
                "why": "; ".join(h.reasons),
            }
            for h in hits
        ],
        code="blacklist_doubt",
    )


@transaction.atomic
def blacklist_supplier(
    supplier: Supplier, *, actor, reason: str, details: str, permanent: bool, until=None, evidence=None
) -> BlacklistEntry:
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    problems = []
    if reason not in BlacklistEntry.Reason.values:
        problems.append(_("reason: choose one of the listed reasons."))
    if not (details or "").strip():
        problems.append(_("details: describe what happened."))
    if permanent and until:
        problems.append(_("until: a permanent ban has no end date."))
    if not permanent and not until:
        problems.append(_("until: a temporary ban needs an end date."))
    if not permanent and until and until <= timezone.localdate():
        problems.append(_("until: the end date must be in the future."))
    if BlacklistEntry.objects.in_force().filter(supplier=supplier).exists():
        problems.append(_("This supplier is already blacklisted."))
    if problems:
        raise RuleViolation(problems)
    entry = BlacklistEntry.objects.create(
        supplier=supplier,
        legal_name=supplier.legal_name,
        registration_id=supplier.registration_id,
        country=supplier.country,
        reason=reason,
        details=details,
        permanent=permanent,
        until=until,
        evidence=evidence or "",
        status_before=supplier.status,
        decided_by=actor if actor and actor.pk else None,
    )
    write_status(
        supplier,
        Supplier.Status.BLACKLISTED,
        actor=actor,
        action="supplier.blacklisted",
        reason=details,
        changes={"blacklist_reason": [None, reason], "until": [None, "permanent" if permanent else until]},
    )
    return entry


@transaction.atomic
def lift_blacklist(entry: BlacklistEntry, *, actor, reason: str) -> BlacklistEntry:
    """End a ban early. The supplier leaves the blacklist as exited and must be admitted afresh."""
    entry = BlacklistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.lifted_at:
        raise RuleViolation(_("This blacklist entry was already lifted."))
    if not (reason or "").strip():
        raise RuleViolation(_("reason: say why the ban is lifted."))
    entry.lifted_at = timezone.now()
    entry.lifted_by = actor if actor and actor.pk else None
    entry.lift_reason = reason
    entry.save()
    supplier = entry.supplier
    if supplier.status == Supplier.Status.BLACKLISTED:
        supplier.status = Supplier.Status.EXITED
        supplier.status_changed_at = timezone.now()
        supplier.save(update_fields=["status", "status_changed_at", "updated_at"])
    audit.record(
        actor=actor,
        action="supplier.blacklist_lifted",
        target=supplier,
        supplier=supplier,
        reason=reason,
        changes={"status": [Supplier.Status.BLACKLISTED, supplier.status]},
    )
    return entry


# ---------------------------------------------------------------- can order

# The answer is computed in one place (services/orders.py); these names stay the public API.
from supplyesg.suppliers.services.orders import OrderAnswer, can_order, can_order_many  # noqa: E402, F401
