"""The company smelter list: identified smelters over the counted declarations, and names without an id."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Count,
    Min,
)
from django.utils.translation import gettext_lazy

from supplyesg.minerals.aggregation.base import OK_STATUSES, RiskContext, _code, counted_submissions, metal_label
from supplyesg.minerals.models import (
    RmapStatus,
    Smelter,
    SubmissionSmelter,
)

# ---------------------------------------------------------------- the company smelter list


CONCERN_LABELS = {
    "not_conformant": gettext_lazy("not RMAP conformant or active"),
    "covered": gettext_lazy("in a covered country"),
    "cahra": gettext_lazy("in a CAHRA"),
}


@dataclass
class SmelterSummary:
    metal: str
    cid: str
    name: str
    country: str
    country_code: str
    suppliers: int
    rows: int
    in_reference: bool
    rmap_status: str  # an RmapStatus.Status value, or "" when the smelter is not on the loaded list
    covered: bool
    cahra: bool
    rmap_checked: bool  # an RMAP status list is loaded, so a missing status means "not conformant"

    @property
    def metal_label(self) -> str:
        return metal_label(self.metal)

    @property
    def rmap_label(self) -> str:
        return str(RmapStatus.Status(self.rmap_status).label) if self.rmap_status else ""

    @property
    def conformant_or_active(self) -> bool:
        return self.rmap_status in OK_STATUSES

    @property
    def concerns(self) -> list[str]:
        codes = []
        if self.rmap_checked and not self.conformant_or_active:
            codes.append("not_conformant")
        if self.covered:
            codes.append("covered")
        if self.cahra:
            codes.append("cahra")
        return codes

    @property
    def concern_labels(self) -> list[str]:
        return [str(CONCERN_LABELS[c]) for c in self.concerns]

    @property
    def of_concern(self) -> bool:
        return bool(self.concerns)


@dataclass
class UnresolvedName:
    """A reported smelter name without a CID, with how many suppliers report it."""

    metal: str
    name: str
    country: str
    suppliers: int
    rows: int

    @property
    def metal_label(self) -> str:
        return metal_label(self.metal)


def company_smelters(
    year: int | None = None, template: str | None = None, *, risk: RiskContext | None = None
) -> list[SmelterSummary]:
    """Distinct smelters by CID per metal over the counted declarations (five queries)."""
    risk = risk or RiskContext.load()
    rows_in_scope = SubmissionSmelter.objects.filter(submission__in=counted_submissions(year, template))
    grouped = (
        rows_in_scope.exclude(cid="")
        .values("metal", "cid")
        .annotate(
            suppliers=Count("submission__request__supplier", distinct=True),
            rows=Count("pk"),
            reported_name=Min("name"),
            reported_country=Min("country"),
        )
        .order_by("metal", "cid")
    )
    cids = rows_in_scope.values("cid")
    reference: dict[tuple[str, str], dict] = {}
    by_cid: dict[str, dict] = {}
    for ref in Smelter.objects.filter(cid__in=cids).values("cid", "metal", "standard_name", "country", "country_code"):
        reference[(ref["cid"], ref["metal"])] = ref
        by_cid.setdefault(ref["cid"], ref)
    statuses = dict(RmapStatus.objects.current().filter(cid__in=cids).values_list("cid", "status"))
    out = []
    for row in grouped:
        ref = reference.get((row["cid"], row["metal"])) or by_cid.get(row["cid"])
        country = ref["country"] if ref else (row["reported_country"] or "")
        code = ref["country_code"] if ref and ref["country_code"] else _code(row["reported_country"] or "")
        out.append(
            SmelterSummary(
                metal=row["metal"] or (ref["metal"] if ref else ""),
                cid=row["cid"],
                name=ref["standard_name"] if ref else (row["reported_name"] or ""),
                country=country,
                country_code=code,
                suppliers=row["suppliers"],
                rows=row["rows"],
                in_reference=ref is not None,
                rmap_status=statuses.get(row["cid"], ""),
                covered=bool(code) and code in risk.covered,
                cahra=bool(code) and code in risk.cahra,
                rmap_checked=risk.rmap_loaded,
            )
        )
    out.sort(key=lambda s: (s.metal, s.name.casefold(), s.cid))
    return out


def unresolved_names(year: int | None = None, template: str | None = None) -> list[UnresolvedName]:
    """Reported smelter names without a CID, grouped by metal and name (one query)."""
    grouped = (
        SubmissionSmelter.objects.filter(submission__in=counted_submissions(year, template), cid="")
        .values("metal", "name")
        .annotate(
            suppliers=Count("submission__request__supplier", distinct=True),
            rows=Count("pk"),
            country=Min("country"),
        )
        .order_by("metal", "name")
    )
    return [UnresolvedName(r["metal"], r["name"], r["country"] or "", r["suppliers"], r["rows"]) for r in grouped]
