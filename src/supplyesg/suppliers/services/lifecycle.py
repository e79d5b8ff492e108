"""The supplier lifecycle: each transition is one function with its guards, audited.

prospect -> qualification review -> certification -> qualified -> active <-> conditional -> suspended -> exited;
blacklisted beside them (see compliance.blacklist_supplier).
"""

import hashlib

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.suppliers.models import (
    AgreementType,
    BlacklistEntry,
    Certification,
    ExitRecord,
    QualificationEvidenceFile,
    QualificationItem,
    SignedAgreement,
    Supplier,
    Suspension,
    TerminationCase,
)
from supplyesg.suppliers.models.lifecycle import Verdict
from supplyesg.suppliers.services.compliance import unwaived_missing_documents
from supplyesg.suppliers.services.orders import binding_stops
from supplyesg.suppliers.services.status import write_status

S = Supplier.Status


# Every status but exited and blacklisted may end in an exit.
EXIT_FROM = (S.PROSPECT, S.QUALIFICATION, S.CERTIFICATION, S.QUALIFIED, S.ACTIVE, S.CONDITIONAL, S.SUSPENDED)


def _locked(supplier: Supplier) -> Supplier:
    return Supplier.objects.select_for_update().get(pk=supplier.pk)


def _move(supplier: Supplier, to: str, *, actor, reason: str, allowed_from, action: str, require_reason=True) -> Supplier:
    if supplier.status not in allowed_from:
        raise RuleViolation(
            _("A supplier in status %(status)s cannot be moved to %(to)s.")
            % {"status": supplier.get_status_display(), "to": S(to).label},
            code="bad_transition",
        )
    if require_reason and not (reason or "").strip():
        raise RuleViolation(_("reason: a reason is required for this change."))
    if to in Supplier.APPROVED_STATUSES:
        _refuse_while_stopped(supplier, to)
    write_status(supplier, to, actor=actor, action=action, reason=reason, fields=["admission_submitted_at"])
    return supplier


def _manual_suspensions(supplier: Supplier):
    return Suspension.objects.in_force().filter(supplier=supplier, source=TerminationCase.Source.MANUAL)


def _refuse_while_stopped(supplier: Supplier, to: str) -> None:
    """A suspension, termination or ban in force keeps the supplier out of every approved status: no lifecycle
    move ends it early. A person's own suspension ("Suspend" here) is the one "Restore" may end."""
    stops = binding_stops(supplier)
    if to == S.ACTIVE and supplier.status == S.SUSPENDED:
        stops = [stop for stop in stops if not (stop.kind == "suspension" and stop.origin == TerminationCase.Source.MANUAL)]
    if stops:
        raise RuleViolation(
            [
                _("%(supplier)s cannot be set %(to)s: %(stop)s")
                % {"supplier": supplier.legal_name, "to": S(to).label, "stop": stop.reason}
                for stop in stops
            ],
            code="orders_stopped",
        )


# ---------------------------------------------------------------- qualification review


@transaction.atomic
def start_qualification_review(supplier: Supplier, *, actor, reason: str = "") -> Supplier:
    """prospect -> qualification review; creates the basic-qualification checklist."""
    supplier = _locked(supplier)
    from supplyesg.suppliers.services.compliance import ensure_not_blacklisted

    ensure_not_blacklisted(
        legal_name=supplier.legal_name,
        country=supplier.country,
        registration_id=supplier.registration_id,
        local_name=supplier.local_name,
        exclude_supplier_id=supplier.pk,
    )
    _move(
        supplier,
        S.QUALIFICATION,
        actor=actor,
        reason=reason,
        allowed_from=[S.PROSPECT],
        action="supplier.qualification_started",
        require_reason=False,
    )
    existing = set(supplier.qualification_items.values_list("kind", flat=True))
    QualificationItem.objects.bulk_create(
        [QualificationItem(supplier=supplier, kind=k) for k in QualificationItem.Kind.values if k not in existing]
    )
    return supplier


@transaction.atomic
def attach_qualification_evidence(
    item: QualificationItem, *, actor, evidence=None, note: str = "", files=()
) -> QualificationItem:
    """`evidence` replaces the item's main file; `files` (several in one upload) are added beside it, the first
    becoming the main file when no `evidence` is given."""
    files = list(files)
    if evidence is None and files:
        evidence = files.pop(0)
    if actor is not None and getattr(actor, "is_supplier_user", False):
        # Suppliers add evidence only during the review, to their own items, and not to items already settled.
        if actor.supplier_id != item.supplier_id:
            raise RuleViolation(_("This item belongs to another supplier."))
        if item.supplier.status != S.QUALIFICATION:
            raise RuleViolation(_("Evidence can be added only while the qualification review is open."))
        if item.verdict in (Verdict.PASS, Verdict.NOT_APPLICABLE):
            raise RuleViolation(_("%(item)s has already been reviewed.") % {"item": item.get_kind_display()})
    if evidence is None and not files and not note.strip():
        raise RuleViolation(_("evidence: attach a file or write a note."))
    if evidence is not None:
        item.evidence = evidence
    if note.strip():
        item.evidence_note = note
    item.save()
    uploader = actor if actor is not None and actor.pk else None
    added = [
        QualificationEvidenceFile.objects.create(
            supplier_id=item.supplier_id, item=item, file=f, original_name=f.name[:255], uploaded_by=uploader
        )
        for f in files
    ]
    audit.record(
        actor=actor,
        action="qualification.evidence",
        target=item,
        supplier=item.supplier,
        changes={
            "item": [None, item.kind],
            "evidence": [None, item.evidence.name if item.evidence else note],
            **({"files": [None, [a.original_name for a in added]]} if added else {}),
        },
    )
    return item


@transaction.atomic
def review_qualification_item(item: QualificationItem, *, actor, verdict: str, comment: str = "") -> QualificationItem:
    if item.supplier.status != S.QUALIFICATION:
        raise RuleViolation(_("Qualification items are reviewed while the supplier is in qualification review."))
    if verdict not in Verdict.values or verdict == Verdict.PENDING:
        raise RuleViolation(_("verdict: choose pass, fail or not applicable."))
    if verdict == Verdict.NOT_APPLICABLE and item.kind not in QualificationItem.OPTIONAL_KINDS:
        raise RuleViolation(_("verdict: %(item)s cannot be marked not applicable.") % {"item": item.get_kind_display()})
    has_evidence = item.evidence or item.evidence_note.strip() or item.evidence_files.exists()
    if verdict == Verdict.PASS and not has_evidence:
        raise RuleViolation(_("verdict: %(item)s cannot pass without evidence.") % {"item": item.get_kind_display()})
    if verdict == Verdict.FAIL and not comment.strip():
        raise RuleViolation(_("comment: say why the item fails."))
    old = item.verdict
    item.verdict = verdict
    item.comment = comment
    item.reviewer = actor
    item.reviewed_at = timezone.now()
    item.save()
    audit.record(
        actor=actor,
        action="qualification.reviewed",
        target=item,
        supplier=item.supplier,
        reason=comment,
        changes={"item": [None, item.kind], "verdict": [old, verdict]},
    )
    return item


def qualification_problems(supplier: Supplier) -> list[str]:
    problems = []
    items = {i.kind: i for i in supplier.qualification_items.all()}
    for kind, label in QualificationItem.Kind.choices:
        item = items.get(kind)
        if item is None or item.verdict == Verdict.PENDING:
            problems.append(_("%(item)s has not been reviewed.") % {"item": label})
        elif item.verdict == Verdict.FAIL:
            problems.append(_("%(item)s failed.") % {"item": label})
    return problems


@transaction.atomic
def complete_qualification_review(supplier: Supplier, *, actor, reason: str = "") -> Supplier:
    """qualification review -> certification, when every checklist item has passed (ISO items may be n/a)."""
    supplier = _locked(supplier)
    if supplier.status == S.QUALIFICATION:
        problems = qualification_problems(supplier)
        if problems:
            raise RuleViolation(problems, code="qualification_incomplete")
    supplier.admission_submitted_at = None
    return _move(
        supplier,
        S.CERTIFICATION,
        actor=actor,
        reason=reason,
        allowed_from=[S.QUALIFICATION],
        action="supplier.qualification_passed",
        require_reason=False,
    )


@transaction.atomic
def reject_qualification(supplier: Supplier, *, actor, reason: str) -> Supplier:
    """qualification review or certification -> back to prospect, with the reason recorded."""
    supplier = _locked(supplier)
    supplier.admission_submitted_at = None
    return _move(
        supplier,
        S.PROSPECT,
        actor=actor,
        reason=reason,
        allowed_from=[S.QUALIFICATION, S.CERTIFICATION],
        action="supplier.admission_rejected",
    )


# ---------------------------------------------------------------- certification and agreements


@transaction.atomic
def record_certification(
    supplier: Supplier, *, actor, kind: str, verdict: str, category=None, note: str = "", evidence=None
) -> Certification:
    if supplier.status != S.CERTIFICATION:
        raise RuleViolation(_("Certifications are recorded while the supplier is in certification."))
    if verdict not in (Verdict.PASS, Verdict.FAIL):
        raise RuleViolation(_("verdict: choose pass or fail."))
    if kind == Certification.Kind.MATERIAL:
        if category is None:
            raise RuleViolation(_("category: a material certification is for one of the supplier's categories."))
        if not supplier.categories.filter(pk=category.pk).exists():
            raise RuleViolation(_("category: %(category)s is not one of this supplier's categories.") % {"category": category})
    elif kind == Certification.Kind.SYSTEM:
        category = None
    else:
        raise RuleViolation(_("kind: choose system or material certification."))
    if verdict == Verdict.FAIL and not note.strip():
        raise RuleViolation(_("note: say why the certification fails."))
    cert = Certification.objects.create(
        supplier=supplier, kind=kind, verdict=verdict, category=category, note=note, reviewer=actor, evidence=evidence or ""
    )
    audit.record(
        actor=actor,
        action="certification.recorded",
        target=cert,
        supplier=supplier,
        reason=note,
        changes={"kind": [None, kind], "category": [None, str(category) if category else None], "verdict": [None, verdict]},
    )
    return cert


def required_agreement_types(supplier: Supplier):
    return AgreementType.objects.filter(Q(required_for_all=True) | Q(categories__suppliers=supplier)).distinct()


def missing_agreements(supplier: Supplier) -> list[AgreementType]:
    """Required agreement types without a signature in force on the current version."""
    signed = {
        (type_id, version)
        for type_id, version in SignedAgreement.objects.in_force()
        .filter(supplier=supplier)
        .values_list("agreement_type_id", "version")
    }
    return [t for t in required_agreement_types(supplier) if (t.pk, t.version) not in signed]


def certification_problems(supplier: Supplier) -> list[str]:
    problems = []
    latest = {}
    for cert in supplier.certifications.all().order_by("certified_on", "id"):
        latest[(cert.kind, cert.category_id)] = cert.verdict
    if latest.get((Certification.Kind.SYSTEM, None)) != Verdict.PASS:
        problems.append(_("System certification (quality, environment, occupational health and safety) has not passed."))
    for category in supplier.categories.all():
        if latest.get((Certification.Kind.MATERIAL, category.pk)) != Verdict.PASS:
            problems.append(_("Material certification for %(category)s has not passed.") % {"category": category})
    if not supplier.categories.exists():
        problems.append(_("The supplier has no category, so no material certification can be made."))
    for agreement_type in missing_agreements(supplier):
        problems.append(
            _("%(agreement)s (version %(version)s) is not signed.")
            % {"agreement": agreement_type.name, "version": agreement_type.version}
        )
    return problems


@transaction.atomic
def sign_agreement_in_portal(
    supplier: Supplier, agreement_type: AgreementType, *, actor, signer_name: str, signer_title: str, accepted_hash: str
) -> SignedAgreement:
    """The supplier's authorised person signs the exact text shown to them; that text is kept as evidence."""
    if not (actor and actor.is_supplier_user and actor.supplier_id == supplier.pk):
        raise RuleViolation(_("Only a user of this supplier can sign in the portal."))
    problems = []
    if not signer_name.strip():
        problems.append(_("signer_name: the signer's name is required."))
    if not signer_title.strip():
        problems.append(_("signer_title: the signer's title is required."))
    if accepted_hash != agreement_type.text_hash:
        problems.append(_("The agreement text changed while you were reading it; please read it again."))
    if problems:
        raise RuleViolation(problems)
    return _store_signature(
        supplier,
        agreement_type,
        actor=actor,
        method=SignedAgreement.Method.PORTAL,
        signer_name=signer_name,
        signer_title=signer_title,
        signed_at=timezone.now(),
    )


@transaction.atomic
def record_signed_scan(
    supplier: Supplier, agreement_type: AgreementType, *, actor, scan, signer_name: str, signer_title: str, signed_at
) -> SignedAgreement:
    problems = []
    if not signer_name.strip():
        problems.append(_("signer_name: the signer's name is required."))
    if not signer_title.strip():
        problems.append(_("signer_title: the signer's title is required."))
    if signed_at and signed_at > timezone.now():
        problems.append(_("signed_at: the signing date is in the future."))
    if problems:
        raise RuleViolation(problems)
    return _store_signature(
        supplier,
        agreement_type,
        actor=actor,
        method=SignedAgreement.Method.SCAN,
        scan=scan,
        signer_name=signer_name,
        signer_title=signer_title,
        signed_at=signed_at or timezone.now(),
    )


def _store_signature(supplier, agreement_type, *, actor, method, signer_name, signer_title, signed_at, scan=None):
    snapshot = f"{agreement_type.name} {agreement_type.version}\n\n{agreement_type.body}"
    if agreement_type.body_zh:
        snapshot += f"\n\n{agreement_type.name_zh}\n\n{agreement_type.body_zh}"
    # Earlier signatures of the same type are superseded, not deleted.
    SignedAgreement.objects.in_force().filter(supplier=supplier, agreement_type=agreement_type).update(revoked_at=timezone.now())
    signed = SignedAgreement.objects.create(
        supplier=supplier,
        agreement_type=agreement_type,
        method=method,
        version=agreement_type.version,
        text_snapshot=snapshot,
        text_hash=hashlib.sha256(snapshot.encode()).hexdigest(),
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        signed_at=signed_at,
        signed_by_user=actor if actor and actor.pk else None,
        scan=scan or "",
    )
    audit.record(
        actor=actor,
        action="agreement.signed",
        target=signed,
        supplier=supplier,
        changes={
            "agreement": [None, agreement_type.code],
            "version": [None, agreement_type.version],
            "method": [None, method],
            "signer": [None, f"{signer_name}, {signer_title}"],
        },
    )
    return signed


@transaction.atomic
def approve_supplier(supplier: Supplier, *, actor, reason: str = "") -> Supplier:
    """certification -> qualified (approved list): both certifications passed, every agreement signed and (AIKO
    admission) every mandatory document of its categories held, or waived with a reason until a date."""
    supplier = _locked(supplier)
    if supplier.status == S.CERTIFICATION:
        problems = certification_problems(supplier)
        for missing in unwaived_missing_documents(supplier):
            problems.append(_("%(document)s is missing and not waived.") % {"document": missing.label})
        if BlacklistEntry.objects.in_force().filter(supplier=supplier).exists():
            problems.append(_("The supplier is blacklisted."))
        problems += [stop.reason for stop in binding_stops(supplier) if stop.kind != "blacklist"]
        if problems:
            raise RuleViolation(problems, code="certification_incomplete")
    return _move(
        supplier,
        S.QUALIFIED,
        actor=actor,
        reason=reason,
        allowed_from=[S.CERTIFICATION],
        action="supplier.approved",
        require_reason=False,
    )


# ---------------------------------------------------------------- operation


@transaction.atomic
def activate_supplier(supplier: Supplier, *, actor, reason: str = "") -> Supplier:
    supplier = _locked(supplier)
    return _move(
        supplier,
        S.ACTIVE,
        actor=actor,
        reason=reason,
        allowed_from=[S.QUALIFIED],
        action="supplier.activated",
        require_reason=False,
    )


@transaction.atomic
def make_conditional(supplier: Supplier, *, actor, reason: str) -> Supplier:
    supplier = _locked(supplier)
    return _move(
        supplier,
        S.CONDITIONAL,
        actor=actor,
        reason=reason,
        allowed_from=[S.ACTIVE, S.QUALIFIED],
        action="supplier.made_conditional",
    )


@transaction.atomic
def restore_supplier(supplier: Supplier, *, actor, reason: str) -> Supplier:
    """conditional or suspended -> active. Ends a person's own suspension; refuses while any suspension decided
    by a policy rule, a termination or a ban is in force, naming when it ends and why."""
    supplier = _locked(supplier)
    supplier = _move(
        supplier, S.ACTIVE, actor=actor, reason=reason, allowed_from=[S.CONDITIONAL, S.SUSPENDED], action="supplier.restored"
    )
    for suspension in _manual_suspensions(supplier):
        suspension.ended_at = timezone.now()
        suspension.ended_by = actor if actor is not None and getattr(actor, "pk", None) else None
        suspension.end_reason = reason
        suspension.outcome = Suspension.Outcome.LIFTED
        suspension.save(update_fields=["ended_at", "ended_by", "end_reason", "outcome"])
    return supplier


@transaction.atomic
def suspend_supplier(supplier: Supplier, *, actor, reason: str) -> Supplier:
    """A person suspends trade: recorded as a suspension (orders stop) that "Restore" ends."""
    from supplyesg.suppliers.terminations.services import suspend_trade

    supplier = _locked(supplier)
    if supplier.status not in (S.QUALIFIED, S.ACTIVE, S.CONDITIONAL):
        raise RuleViolation(
            _("A supplier in status %(status)s cannot be moved to %(to)s.")
            % {"status": supplier.get_status_display(), "to": S.SUSPENDED.label},
            code="bad_transition",
        )
    if not (reason or "").strip():
        raise RuleViolation(_("reason: a reason is required for this change."))
    suspend_trade(supplier, actor=actor, source=TerminationCase.Source.MANUAL, reason=reason)
    supplier.refresh_from_db()
    return supplier


@transaction.atomic
def exit_supplier(supplier: Supplier, *, actor, reason: str, exit_date, open_items: str, open_items_note: str = "") -> ExitRecord:
    supplier = _locked(supplier)
    if open_items not in ExitRecord.OpenItems.values:
        raise RuleViolation(_("open_items: choose what happens to open items."))
    if open_items == ExitRecord.OpenItems.TRANSFER and not open_items_note.strip():
        raise RuleViolation(_("open_items_note: say where open items are transferred."))
    _move(
        supplier,
        S.EXITED,
        actor=actor,
        reason=reason,
        allowed_from=EXIT_FROM,
        action="supplier.exited",
    )
    record = ExitRecord.objects.create(
        supplier=supplier,
        reason=reason,
        exit_date=exit_date,
        open_items=open_items,
        open_items_note=open_items_note,
        decided_by=actor if actor and actor.pk else None,
    )
    SignedAgreement.objects.in_force().filter(supplier=supplier).update(revoked_at=timezone.now())
    audit.record(
        actor=actor,
        action="supplier.exit_recorded",
        target=record,
        supplier=supplier,
        reason=reason,
        changes={"exit_date": [None, exit_date], "open_items": [None, open_items], "note": [None, open_items_note]},
    )
    return record


@transaction.atomic
def readmit_supplier(supplier: Supplier, *, actor, reason: str) -> Supplier:
    """exited -> prospect, unless a ban is in force on its identity."""
    supplier = _locked(supplier)
    from supplyesg.suppliers.services.compliance import ensure_not_blacklisted

    ensure_not_blacklisted(
        legal_name=supplier.legal_name,
        country=supplier.country,
        registration_id=supplier.registration_id,
        local_name=supplier.local_name,
    )
    return _move(supplier, S.PROSPECT, actor=actor, reason=reason, allowed_from=[S.EXITED], action="supplier.readmitted")


# The transitions offered on the detail page, by current status: (service name, label, needs reason).
TRANSITIONS = {
    S.PROSPECT: [("start_qualification_review", gettext_lazy("Start qualification review"), False)],
    S.QUALIFICATION: [
        ("complete_qualification_review", gettext_lazy("Pass qualification review"), False),
        ("reject_qualification", gettext_lazy("Reject back to prospect"), True),
    ],
    S.CERTIFICATION: [
        ("approve_supplier", gettext_lazy("Approve (qualified list)"), False),
        ("reject_qualification", gettext_lazy("Reject back to prospect"), True),
    ],
    S.QUALIFIED: [
        ("activate_supplier", gettext_lazy("Activate"), False),
        ("make_conditional", gettext_lazy("Make conditional"), True),
        ("suspend_supplier", gettext_lazy("Suspend"), True),
    ],
    S.ACTIVE: [("make_conditional", gettext_lazy("Make conditional"), True), ("suspend_supplier", gettext_lazy("Suspend"), True)],
    S.CONDITIONAL: [
        ("restore_supplier", gettext_lazy("Restore to active"), True),
        ("suspend_supplier", gettext_lazy("Suspend"), True),
    ],
    S.SUSPENDED: [("restore_supplier", gettext_lazy("Restore to active"), True)],
    S.EXITED: [("readmit_supplier", gettext_lazy("Readmit as prospect"), True)],
    S.BLACKLISTED: [],
}
TRANSITION_FUNCTIONS = {
    "start_qualification_review": start_qualification_review,
    "complete_qualification_review": complete_qualification_review,
    "reject_qualification": reject_qualification,
    "approve_supplier": approve_supplier,
    "activate_supplier": activate_supplier,
    "make_conditional": make_conditional,
    "restore_supplier": restore_supplier,
    "suspend_supplier": suspend_supplier,
    "readmit_supplier": readmit_supplier,
}
