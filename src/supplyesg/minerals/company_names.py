"""Does a declaration name the supplier it is filed under? And the staff decision when it does not.

A file declaring "Central Glass Co., Ltd." filed under Xiamen Fuchang is either a supplier answering for a
group company (staff confirm it, with a reason) or a file under the wrong supplier (staff reassign it).
Names are compared with the shared matcher (`core.matching`) against the supplier's legal name, local name
and aliases; the threshold is a policy number.
"""

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.campaigns.services import status_while_writing
from supplyesg.core.errors import RuleViolation
from supplyesg.core.matching import compare_companies, normalize_company, normalize_registration_id
from supplyesg.core.models import PolicySettings
from supplyesg.minerals.models import (
    Campaign,
    DeclarationNameFinding,
    Submission,
    SubmissionRequest,
)
from supplyesg.suppliers.models import Supplier

R = SubmissionRequest.Status
# Submissions still waiting for a decision (the same set a new upload supersedes).
PENDING = (Submission.Status.INVALID, Submission.Status.VALID, Submission.Status.RETURNED)
NOT_ASKABLE = (Supplier.Status.BLACKLISTED, Supplier.Status.EXITED)


def _actor(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def supplier_names(supplier: Supplier) -> list[str]:
    return [n for n in (supplier.legal_name, supplier.local_name, *supplier.alias_list) if n and n.strip()]


def best_name_match(declared: str, supplier: Supplier) -> tuple[str, float, list[str]]:
    """(the supplier's closest name, its score 0-100, the matcher's reasons)."""
    best = ("", -1.0, [])
    query = normalize_company(declared)
    for name in supplier_names(supplier):
        match = compare_companies(query, normalize_company(name, supplier.country or None))
        if match.score > best[1]:
            best = (name, float(match.score), list(match.reasons))
    return best


def check_company_name(submission: Submission, supplier: Supplier, unique_id: str = "") -> DeclarationNameFinding | None:
    """Called inside `submit_declaration`'s transaction: a finding when the names do not match. A declared
    unique id equal to the supplier's registration id settles it: the name is then a trading name."""
    declared = (submission.company_name or "").strip()
    if not declared:
        return None  # the checker already reports a missing company name as an error
    registration = normalize_registration_id(supplier.registration_id)
    if registration and normalize_registration_id(unique_id) == registration:
        return None
    name, score, reasons = best_name_match(declared, supplier)
    if score >= float(PolicySettings.current().declaration_name_min_score):
        return None
    return DeclarationNameFinding.objects.create(
        submission=submission,
        declared_name=declared[:255],
        supplier_name=(name or supplier.legal_name)[:255],
        score=max(score, 0.0),
        reasons=[str(r) for r in reasons],
    )


def open_finding(submission: Submission) -> DeclarationNameFinding | None:
    return DeclarationNameFinding.objects.filter(submission=submission, status=DeclarationNameFinding.Status.OPEN).first()


def open_declared_name() -> Subquery:
    """For a submissions query (`.annotate(open_name=...)`): the company name its file declares while that name is
    an open finding, else None. Read with the submissions themselves, not by a query of its own."""
    open_ones = DeclarationNameFinding.objects.filter(submission=OuterRef("pk"), status=DeclarationNameFinding.Status.OPEN)
    return Subquery(open_ones.values("declared_name")[:1])


@transaction.atomic
def confirm_company_name(finding: DeclarationNameFinding, *, actor, reason: str) -> DeclarationNameFinding:
    """The file is this supplier's after all (a group company, a trade name): say why."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("reason: say why this declaration belongs to this supplier."))
    finding = (
        DeclarationNameFinding.objects.select_for_update(of=("self",))  # the finding only: not its file nor supplier
        .select_related("submission__request__supplier")
        .defer("submission__result")  # the file's check result, most of its bytes
        .get(pk=finding.pk)
    )
    if finding.status != DeclarationNameFinding.Status.OPEN:
        raise RuleViolation(_("This company-name finding was already decided."))
    finding.status = DeclarationNameFinding.Status.CONFIRMED
    finding.decided_by = _actor(actor)
    finding.decided_at = timezone.now()
    finding.decision_reason = reason
    finding.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit.record(
        actor=actor,
        action="submission.company_name_confirmed",
        target=finding.submission,
        supplier=finding.submission.request.supplier,
        changes={
            "declared_name": [None, finding.declared_name],
            "supplier_name": [None, finding.supplier_name],
            "finding": [DeclarationNameFinding.Status.OPEN, finding.status],
        },
        reason=reason,
    )
    return finding


def moved_meanwhile() -> str:
    """Why a file cannot be decided on: a colleague reassigned it between reading it and locking it."""
    return _("This declaration was moved to another supplier meanwhile; reload the page and decide again.")


def _restore_previous(request_obj: SubmissionRequest) -> None:
    """The request a file leaves falls back to what it had before that file arrived."""
    if request_obj.accepted_submission_id:
        request_obj.status = R.ACCEPTED
    else:
        latest = request_obj.submissions.order_by("-version").first()
        if latest is not None and latest.status == Submission.Status.SUPERSEDED:
            latest.status = Submission.Status.VALID if latest.valid else Submission.Status.INVALID
            latest.save(update_fields=["status"])
        if latest is None:
            request_obj.status = R.REQUESTED
        elif latest.status == Submission.Status.RETURNED:
            request_obj.status = R.RETURNED
        else:
            request_obj.status = R.RECEIVED_VALID if latest.valid else R.RECEIVED_ERRORS
    request_obj.save(update_fields=["status"])


@transaction.atomic
def reassign_submission(submission: Submission, *, supplier: Supplier, actor, reason: str) -> Submission:
    """Move a file awaiting review to the supplier it declares, in the same campaign (asking that supplier
    when it was not yet in the campaign). The file becomes that supplier's latest version."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("reason: say why the declaration belongs to another supplier."))
    # Requests before the file, in primary-key order (the order uploads and acceptances keep): the target too
    # when it exists, so a bulk acceptance holding both never waits on this in the opposite order.
    source_id, campaign_id = Submission.objects.values_list("request_id", "request__campaign_id").get(pk=submission.pk)
    target_ids = SubmissionRequest.objects.filter(campaign_id=campaign_id, supplier=supplier).values_list("pk", flat=True)
    list(SubmissionRequest.objects.select_for_update().filter(pk__in=[source_id, *target_ids]).order_by("pk").values("pk"))
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("request__campaign", "request__supplier")
        .get(pk=submission.pk)
    )
    if submission.request_id != source_id:  # moved by a colleague before the requests were locked
        raise RuleViolation(moved_meanwhile())
    source = submission.request
    campaign = submission.request.campaign
    campaign.status = status_while_writing(campaign)  # a close waits for this move, and this sees a close
    old_supplier = submission.request.supplier
    if campaign.status == Campaign.Status.CLOSED:
        raise RuleViolation(_("The campaign %(name)s is closed.") % {"name": campaign.name})
    if submission.status not in (Submission.Status.VALID, Submission.Status.INVALID):
        raise RuleViolation(
            _("Only a declaration awaiting review can be reassigned (this one is %(status)s).")
            % {"status": submission.get_status_display()}
        )
    if supplier.pk == old_supplier.pk:
        raise RuleViolation(_("supplier: the declaration is already filed under %(name)s.") % {"name": supplier.legal_name})
    if supplier.status in NOT_ASKABLE:
        raise RuleViolation(
            _("supplier: %(name)s is %(status)s and cannot be asked.")
            % {"name": supplier.legal_name, "status": supplier.get_status_display()}
        )
    now = timezone.now()
    target, created = SubmissionRequest.objects.select_for_update().get_or_create(
        campaign=campaign, supplier=supplier, defaults={"status": R.REQUESTED, "requested_at": now}
    )
    old_version = submission.version
    submission.request = target
    submission.version = (target.submissions.aggregate(top=Max("version"))["top"] or 0) + 1
    submission.save(update_fields=["request", "version"])
    target.submissions.exclude(pk=submission.pk).filter(status__in=PENDING).update(status=Submission.Status.SUPERSEDED)
    target_old_status = target.status
    target.status = R.RECEIVED_VALID if submission.valid else R.RECEIVED_ERRORS
    target.requested_at = target.requested_at or now
    target.save(update_fields=["status", "requested_at"])
    source_old_status = source.status
    _restore_previous(source)
    finding = DeclarationNameFinding.objects.select_for_update().filter(submission=submission).first()
    if finding is not None:
        if finding.status != DeclarationNameFinding.Status.OPEN:
            raise RuleViolation(_("This company-name finding was already decided."))
        finding.status = DeclarationNameFinding.Status.REASSIGNED
        finding.reassigned_from = old_supplier
        finding.decided_by = _actor(actor)
        finding.decided_at = now
        finding.decision_reason = reason
        finding.save(update_fields=["status", "reassigned_from", "decided_by", "decided_at", "decision_reason"])
    changes = {
        "supplier": [old_supplier.legal_name, supplier.legal_name],
        "version": [old_version, submission.version],
        "request_added": [None, created],
        "source_request_status": [source_old_status, source.status],
        "target_request_status": [None if created else target_old_status, target.status],
    }
    for party in (old_supplier, supplier):
        audit.record(
            actor=actor, action="submission.reassigned", target=submission, supplier=party, changes=changes, reason=reason
        )
    from supplyesg.minerals.aggregation import figures_changed  # the aggregation reads this module's callers' data

    figures_changed(campaign.reporting_year)
    return submission
