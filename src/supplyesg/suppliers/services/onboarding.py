"""Fast onboarding: the whole qualification checklist in one save, several documents or signed agreements in
one upload, and the supplier's own admission file submitted from the portal.

Each batch is all or nothing: every row goes through the same audited service as a single save would (one
audit row per item), inside one transaction; if any row is refused, nothing is kept (files stored on the way
are deleted too) and the errors name the row they concern.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.suppliers.models import AgreementType, QualificationItem, Supplier
from supplyesg.suppliers.services import compliance, lifecycle

S = Supplier.Status
# Where a supplier may still put its admission file together and submit it.
ADMISSION_STATUSES = (S.PROSPECT, S.QUALIFICATION)


class BatchRefused(RuleViolation):
    """Some rows were refused; `by_row` maps a row key (an item id, a row number) to its messages."""

    def __init__(self, by_row: dict):
        self.by_row = by_row
        flat = [m for messages in by_row.values() for m in messages]
        super().__init__(flat or [_("Nothing was saved.")], code="batch_refused")


def _run_rows(rows, save_row) -> list:
    """Save each (key, row) in its own savepoint so every row's errors are collected; any error refuses all."""
    results, errors, stored = [], {}, []
    for key, row in rows:
        try:
            with transaction.atomic():
                results.append(save_row(row, stored))
        except ValidationError as exc:
            errors[key] = list(exc.messages)
    if errors:
        for fieldfile in stored:
            if fieldfile and fieldfile.name:
                fieldfile.storage.delete(fieldfile.name)
        raise BatchRefused(errors)
    return results


# ---------------------------------------------------------------- the qualification checklist


@dataclass
class ChecklistEntry:
    item: QualificationItem
    files: list = field(default_factory=list)
    note: str = ""
    verdict: str = ""  # "" keeps the current verdict
    comment: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.files or self.note.strip() or self.verdict)


@transaction.atomic
def review_qualification_checklist(supplier: Supplier, *, actor, entries: list[ChecklistEntry]) -> int:
    """Evidence, notes and verdicts for many checklist items at once; returns how many items changed."""
    if supplier.status != S.QUALIFICATION:
        raise RuleViolation(_("Qualification items are reviewed while the supplier is in qualification review."))
    entries = [e for e in entries if not e.is_empty]
    if not entries:
        raise RuleViolation(_("Attach evidence, write a note or choose a verdict for at least one item."))
    foreign = [e for e in entries if e.item.supplier_id != supplier.pk]
    if foreign:
        raise RuleViolation(_("This item belongs to another supplier."))

    def save(entry: ChecklistEntry, stored: list):
        item = entry.item
        if entry.files or entry.note.strip():
            item = lifecycle.attach_qualification_evidence(item, actor=actor, note=entry.note, files=entry.files)
            if entry.files:
                stored.append(item.evidence)
                stored += [f.file for f in item.evidence_files.order_by("-pk")[: len(entry.files) - 1]]
        if entry.verdict:
            lifecycle.review_qualification_item(item, actor=actor, verdict=entry.verdict, comment=entry.comment)
        return item

    return len(_run_rows([(e.item.pk, e) for e in entries], save))


# ---------------------------------------------------------------- documents and signed agreements


@transaction.atomic
def upload_documents(supplier: Supplier, *, actor, doc_type: str, files: list, issue_date=None, expiry_date=None,
                     title: str = "") -> list:
    """Several files of one document type at once (e.g. the licence's pages, one certificate per site); each is
    a document of its own, titled by `title` or its file name."""
    if not files:
        raise RuleViolation(_("file: choose at least one file."))

    def save(upload, stored: list):
        name = title.strip() or upload.name.rsplit(".", 1)[0]
        if title.strip() and len(files) > 1:
            name = f"{title.strip()} ({upload.name})"
        document = compliance.upload_document(
            supplier, actor=actor, doc_type=doc_type, title=name[:200], file=upload,
            issue_date=issue_date, expiry_date=expiry_date,
        )
        stored.append(document.file)
        return document

    return _run_rows([(upload.name, upload) for upload in files], save)


@dataclass
class ScanRow:
    agreement_type: AgreementType
    scan: object
    signer_name: str
    signer_title: str
    signed_at: object  # aware datetime


@transaction.atomic
def record_signed_scans(supplier: Supplier, *, actor, rows: list[ScanRow]) -> list:
    """Several signed agreements in one upload, each with its type, signer and date."""
    if not rows:
        raise RuleViolation(_("Add at least one signed agreement."))
    types = [r.agreement_type.pk for r in rows]
    if len(types) != len(set(types)):
        raise RuleViolation(_("agreement_type: each agreement may appear once in an upload."))

    def save(row: ScanRow, stored: list):
        signed = lifecycle.record_signed_scan(
            supplier, row.agreement_type, actor=actor, scan=row.scan, signer_name=row.signer_name,
            signer_title=row.signer_title, signed_at=row.signed_at,
        )
        stored.append(signed.scan)
        return signed

    return _run_rows([(index, row) for index, row in enumerate(rows)], save)


# ---------------------------------------------------------------- the supplier's own admission file


def admission_needs(supplier: Supplier, today=None) -> dict:
    """What admission still needs from the supplier: mandatory documents not held (or expired), required
    agreements not signed, and checklist items waiting for evidence."""
    today = today or timezone.localdate()
    missing_documents = compliance.unwaived_missing_documents(supplier, today)
    missing_agreements = lifecycle.missing_agreements(supplier)
    open_items = []
    if supplier.status == S.QUALIFICATION:
        open_items = [
            i for i in supplier.qualification_items.all()
            if i.verdict in ("pending", "fail") and not (i.evidence or i.evidence_note.strip() or i.evidence_files.exists())
        ]
    return {"documents": missing_documents, "agreements": missing_agreements, "items": open_items}


def admission_problems(supplier: Supplier) -> list[str]:
    needs = admission_needs(supplier)
    problems = [_("%(document)s is missing.") % {"document": m.label} for m in needs["documents"]]
    problems += [_("%(agreement)s is not signed.") % {"agreement": a.display_name()} for a in needs["agreements"]]
    problems += [_("%(item)s has no evidence yet.") % {"item": i.get_kind_display()} for i in needs["items"]]
    return problems


@transaction.atomic
def submit_admission(supplier: Supplier, *, actor, outstanding=()) -> Supplier:
    """The supplier says its admission file is complete: staff see it ready for review (supplier page, inbox).
    `outstanding`: what other capabilities still ask of the supplier (an admission questionnaire not yet
    submitted), as sentences from the portal's sections; they block the submission like a missing document."""
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if not (actor and actor.is_supplier_user and actor.supplier_id == supplier.pk):
        raise RuleViolation(_("Only a user of this supplier can submit its admission file."))
    if supplier.status not in ADMISSION_STATUSES:
        raise RuleViolation(_("The admission file can be submitted only before the review is done."))
    if supplier.admission_submitted_at is not None:
        raise RuleViolation(_("The admission file was already submitted; it is waiting for review."))
    problems = admission_problems(supplier) + [str(line) for line in outstanding]
    if problems:
        raise RuleViolation(problems, code="admission_incomplete")
    supplier.admission_submitted_at = timezone.now()
    supplier.save(update_fields=["admission_submitted_at", "updated_at"])
    audit.record(actor=actor, action="supplier.admission_submitted", target=supplier, supplier=supplier,
                 changes={"admission_submitted_at": [None, supplier.admission_submitted_at.isoformat()]})
    return supplier
