"""Risk cases proposed by CMRT red flags: a supplier declares a smelter in an SEC covered country or a CAHRA that
is not RMAP conformant (or active). Each such supplier and smelter is proposed on a worklist until staff open a
case for it or dismiss the proposal with a reason."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from supplyesg.core import audit
from supplyesg.core.errors import RuleViolation
from supplyesg.minerals.aggregation import OK_STATUSES, RiskContext, _code, counted_submissions, metal_label
from supplyesg.minerals.cases.models import CaseProposalDismissal, RiskCase
from supplyesg.minerals.models import RmapStatus, Smelter, SubmissionSmelter
from supplyesg.suppliers.models import Supplier


@dataclass
class CaseProposal:
    supplier: Supplier
    cid: str
    metal: str
    smelter_name: str
    country: str
    covered: bool
    cahra: bool
    rmap_status: str

    @property
    def metal_label(self) -> str:
        return metal_label(self.metal)

    @property
    def why(self) -> str:
        where = _("in a CAHRA") if self.cahra else _("in a covered country")
        status = str(RmapStatus.Status(self.rmap_status).label) if self.rmap_status else _("no RMAP status")
        return _("Smelter %(cid)s %(where)s (%(country)s), not RMAP conformant (%(status)s).") % {
            "cid": self.cid,
            "where": where,
            "country": self.country or "—",
            "status": status,
        }


def case_proposals(year: int | None = None) -> list[CaseProposal]:
    """Every (supplier, smelter) red flag of the counted declarations without an open case on that smelter and
    without a dismissal (a fixed number of queries)."""
    risk = RiskContext.load()
    if not (risk.covered or risk.cahra):
        return []
    pairs = (
        SubmissionSmelter.objects.filter(submission__in=counted_submissions(year))
        .exclude(cid="")
        .values_list("submission__request__supplier", "cid", "metal", "name", "country")
        .order_by("submission__request__supplier", "cid")
        .distinct()
    )
    seen: dict[tuple[int, str], tuple] = {}
    for supplier_id, cid, metal, name, country in pairs:
        seen.setdefault((supplier_id, cid), (metal, name, country))
    if not seen:
        return []
    cids = {cid for _s, cid in seen}
    reference = {}
    for row in Smelter.objects.filter(cid__in=cids).values("cid", "standard_name", "country", "country_code"):
        reference.setdefault(row["cid"], row)
    statuses = dict(RmapStatus.objects.current().filter(cid__in=cids).values_list("cid", "status"))
    supplier_ids = {s for s, _c in seen}
    cased = set(
        RiskCase.objects.open()
        .filter(supplier_id__in=supplier_ids, smelter__cid__in=cids)
        .values_list("supplier_id", "smelter__cid")
    )
    dismissed = set(CaseProposalDismissal.objects.filter(supplier_id__in=supplier_ids).values_list("supplier_id", "cid"))
    suppliers = Supplier.objects.in_bulk(supplier_ids)
    out = []
    for (supplier_id, cid), (metal, name, country) in seen.items():
        if (supplier_id, cid) in cased or (supplier_id, cid) in dismissed:
            continue
        ref = reference.get(cid)
        code = (ref or {}).get("country_code") or _code(country or "")
        covered, cahra = bool(code) and code in risk.covered, bool(code) and code in risk.cahra
        status = statuses.get(cid, "")
        if not (covered or cahra) or status in OK_STATUSES:
            continue
        out.append(
            CaseProposal(
                suppliers[supplier_id],
                cid,
                metal,
                ref["standard_name"] if ref else name,
                ref["country"] if ref else country,
                covered,
                cahra,
                status,
            )
        )
    out.sort(key=lambda p: (p.supplier.legal_name.casefold(), p.cid))
    return out


@transaction.atomic
def dismiss_case_proposal(supplier: Supplier, *, cid: str, actor, reason: str) -> CaseProposalDismissal:
    cid = (cid or "").strip().upper()
    if not cid:
        raise RuleViolation(_("cid: name the smelter."))
    if not (reason or "").strip():
        raise RuleViolation(_("reason: say why no risk case is needed."))
    if CaseProposalDismissal.objects.filter(supplier=supplier, cid=cid).exists():
        raise RuleViolation(_("cid: this proposal was already dismissed."))
    dismissal = CaseProposalDismissal.objects.create(
        supplier=supplier,
        cid=cid,
        reason=reason.strip(),
        dismissed_by=actor if actor is not None and getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="minerals_case.proposal_dismissed",
        target=dismissal,
        supplier=supplier,
        reason=dismissal.reason,
        changes={"cid": [None, cid]},
    )
    return dismissal
