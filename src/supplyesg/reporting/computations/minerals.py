"""Responsible-minerals figures: OECD Due Diligence Guidance step 5 (the annual report on supply-chain due
diligence) and the SEC Form SD / Conflict Minerals Report tables, read from the minerals app.

Definitions (each line item's note repeats the one it uses):
- a supplier is in scope for a mineral when it has a request in a campaign of the reporting year whose minerals
  include it (the report's tier, country and category filters narrow the suppliers);
- requested: the request was sent (any status but "not requested"); received: the supplier sent a file (received
  with errors, received valid, returned for correction or accepted); accepted: the reviewer accepted it;
- smelters identified: distinct smelter ids per metal on the latest accepted declaration of each request of the
  year, the way the minerals dashboard counts them; their RMAP status is the one on the latest status list loaded;
- risk cases count by the dates of their steps, so a figure for a past year does not move when a case moves on.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from django.db.models import Count, Min
from django.utils.translation import gettext as _

from supplyesg.minerals.aggregation.base import RiskContext, counted_submissions
from supplyesg.minerals.models import Campaign, RiskCase, RiskCaseStep, RmapStatus, Smelter, SubmissionRequest, SubmissionSmelter
from supplyesg.minerals.services import country_code
from supplyesg.reporting.computations.base import Result, Row, Scope, computation, percent
from supplyesg.reporting.computations.common import SUPPLIER_COLUMNS, supplier_row, suppliers_in_scope

THREE_TG = ("Tin", "Tantalum", "Tungsten", "Gold")
RECEIVED = (
    SubmissionRequest.Status.RECEIVED_ERRORS,
    SubmissionRequest.Status.RECEIVED_VALID,
    SubmissionRequest.Status.RETURNED,
    SubmissionRequest.Status.ACCEPTED,
)
SMELTER_COLUMNS = ("Smelter or refiner", "Metal", "Country", "RMI smelter ID", "RMAP status", "Suppliers reporting it")


def _metals(scope: Scope) -> tuple[str, ...]:
    """The metals the line item covers ("metals" parameter); empty = every metal."""
    return tuple(scope.params.get("metals") or scope.item_scope.get("minerals") or ())


def _campaigns(scope: Scope) -> list[Campaign]:
    """The year's campaigns covering the item's metals (a campaign's minerals are compared case-insensitively)."""
    wanted = {m.casefold() for m in _metals(scope)}
    campaigns = Campaign.objects.filter(reporting_year=scope.year).order_by("pk")
    return [c for c in campaigns if not wanted or wanted & {str(m).casefold() for m in c.minerals or []}]


class _Supplier(NamedTuple):
    """The supplier cells a figure's row shows (supplier_row reads these attributes)."""

    pk: int
    code: str
    legal_name: str
    tier: int
    country: str


class _Request(NamedTuple):
    supplier: _Supplier
    campaign_name: str
    minerals: list
    status: str


def _requests(scope: Scope, *order: str) -> list[_Request]:
    """The year's requests of suppliers in scope, as the columns the figures read (the campaigns read once): as
    model instances, 73,000 requests with their suppliers and campaigns took most of the minerals figures' time
    in a snapshot at 100,000 suppliers (py-spy on bench/every_page.py)."""
    campaigns = {c.pk: c for c in _campaigns(scope)}
    rows = (
        SubmissionRequest.objects.filter(campaign__in=list(campaigns), supplier__in=suppliers_in_scope(scope))
        .order_by(*order)
        .values_list("supplier_id", "supplier__code", "supplier__legal_name", "supplier__tier", "supplier__country",
                     "campaign_id", "status")
    )  # fmt: skip
    return [
        _Request(_Supplier(pk, code, name, tier, country), campaigns[cid].name, campaigns[cid].minerals or [], status)
        for pk, code, name, tier, country, cid, status in rows.iterator(chunk_size=5000)
    ]


def _no_campaign_flags(scope: Scope, campaigns) -> list[str]:
    if campaigns:
        return []
    return [_("No minerals campaign of the reporting year %(year)s covers these minerals.") % {"year": scope.year}]


@computation("minerals_suppliers_in_scope")
def suppliers_per_mineral(scope: Scope) -> Result:
    """Suppliers asked for a declaration per mineral: {mineral: suppliers}."""
    campaigns = _campaigns(scope)
    wanted = set(_metals(scope))
    per_supplier: dict[int, set[str]] = defaultdict(set)
    suppliers = {}
    for request in _requests(scope, "supplier__code", "pk"):
        minerals = {str(m) for m in request.minerals}
        per_supplier[request.supplier.pk] |= minerals & wanted if wanted else minerals
        suppliers[request.supplier.pk] = request.supplier
    counts: dict[str, int] = defaultdict(int)
    for minerals in per_supplier.values():
        for mineral in minerals:
            counts[mineral] += 1
    rows = [supplier_row(s, ", ".join(sorted(per_supplier[pk]))) for pk, s in suppliers.items()]
    return Result(
        value=dict(sorted(counts.items())),
        columns=(*SUPPLIER_COLUMNS, "Minerals"),
        rows=rows,
        flags=_no_campaign_flags(scope, campaigns),
        note="A supplier is in scope for a mineral when a campaign of the year asks it about that mineral.",
    )


@computation("minerals_declarations")
def declarations(scope: Scope) -> Result:
    """Declarations requested, received or accepted (params.measure), or the response rate (received / requested)."""
    measure = scope.params.get("measure", "requested")
    campaigns = _campaigns(scope)
    requests = _requests(scope, "supplier__code", "campaign_id", "pk")
    requested = [r for r in requests if r.status != SubmissionRequest.Status.NOT_REQUESTED]
    received = [r for r in requested if r.status in RECEIVED]
    accepted = [r for r in requested if r.status == SubmissionRequest.Status.ACCEPTED]
    chosen = {"requested": requested, "received": received, "accepted": accepted, "response_rate": requested}[measure]
    rows = [supplier_row(r.supplier, r.campaign_name, r.status) for r in chosen]
    value = percent(len(received), len(requested)) if measure == "response_rate" else len(chosen)
    return Result(
        value=value,
        columns=(*SUPPLIER_COLUMNS, "Campaign", "Status"),
        rows=rows,
        flags=_no_campaign_flags(scope, campaigns),
        note="Received: the supplier sent a declaration (with or without errors, returned or accepted).",
    )


def identified_smelters(scope: Scope) -> list[dict]:
    """Distinct smelters (metal, id) on the counted declarations of the year by suppliers in scope, with the
    reference data, the RMAP status and where the smelter stands against the covered and CAHRA lists."""
    wanted = set(_metals(scope))
    submissions = counted_submissions(scope.year).filter(request__supplier__in=suppliers_in_scope(scope))
    rows_in_scope = SubmissionSmelter.objects.filter(submission__in=submissions).exclude(cid="")
    if wanted:
        rows_in_scope = rows_in_scope.filter(metal__in=wanted)
    grouped = (
        rows_in_scope.values("metal", "cid")
        .annotate(
            suppliers=Count("submission__request__supplier", distinct=True),
            reported_name=Min("name"),
            reported_country=Min("country"),
        )
        .order_by("metal", "cid")
    )
    grouped = list(grouped)
    cids = {g["cid"] for g in grouped}
    reference = {
        (s.cid, s.metal): s
        for s in Smelter.objects.filter(cid__in=cids).only("cid", "metal", "standard_name", "country", "country_code")
    }
    statuses = dict(RmapStatus.objects.current().filter(cid__in=cids).values_list("cid", "status"))
    risk = RiskContext.load()
    out = []
    for g in grouped:
        ref = reference.get((g["cid"], g["metal"]))
        code = (ref.country_code if ref else "") or country_code(g["reported_country"] or "")
        out.append(
            {
                "pk": ref.pk if ref else None,
                "metal": g["metal"],
                "cid": g["cid"],
                "name": ref.standard_name if ref else g["reported_name"] or "",
                "country": (ref.country if ref else "") or g["reported_country"] or "",
                "country_code": code,
                "status": statuses.get(g["cid"], ""),
                "suppliers": g["suppliers"],
                "covered": bool(code) and code in risk.covered,
                "cahra": bool(code) and code in risk.cahra,
            }
        )
    out.sort(key=lambda s: (s["metal"], s["name"].casefold(), s["cid"]))
    return out


def smelter_row(s: dict, *extra) -> Row:
    return Row(
        "minerals.smelter", s["pk"], (s["name"], s["metal"], s["country"], s["cid"], s["status"] or "", s["suppliers"], *extra)
    )


def _rmap_loaded_flags() -> list[str]:
    from supplyesg.minerals.models import RmapStatusUpload

    if RmapStatusUpload.objects.exists():
        return []
    return [_("No RMAP status list is loaded: conformance shares cannot be given.")]


def _unidentified_flag(scope: Scope) -> list[str]:
    submissions = counted_submissions(scope.year).filter(request__supplier__in=suppliers_in_scope(scope))
    rows = SubmissionSmelter.objects.filter(submission__in=submissions, cid="")
    if _metals(scope):
        rows = rows.filter(metal__in=_metals(scope))
    names = rows.values("metal", "name").distinct().count()
    if not names:
        return []
    return [_("%(count)s reported smelter names have no smelter ID and are not counted.") % {"count": names}]


@computation("minerals_smelters")
def smelters(scope: Scope) -> Result:
    """Smelters identified (params.measure "identified"), the share per RMAP status ("conformant", "active",
    "not_engaged": not enrolled or not on the list), those located in a CAHRA or SEC covered country ("cahra"), and
    those with any red flag ("of_concern": not conformant or active, or located in a covered country or CAHRA)."""
    measure = scope.params.get("measure", "identified")
    found = identified_smelters(scope)
    flags = _unidentified_flag(scope)
    if measure == "identified":
        return Result(len(found), SMELTER_COLUMNS, [smelter_row(s) for s in found], flags)
    if measure in ("conformant", "active", "not_engaged"):
        missing_list = _rmap_loaded_flags()
        flags += missing_list
        if measure == "not_engaged":
            chosen = [s for s in found if s["status"] in ("", RmapStatus.Status.NOT_ENROLLED)]
        else:
            chosen = [s for s in found if s["status"] == measure]
        value = None if missing_list else percent(len(chosen), len(found))
        return Result(value, SMELTER_COLUMNS, [smelter_row(s) for s in chosen], flags, note="Share of the smelters identified.")
    if measure == "cahra":
        chosen = [s for s in found if s["cahra"] or s["covered"]]
        return Result(len(chosen), SMELTER_COLUMNS, [smelter_row(s) for s in chosen], flags)
    if measure == "of_concern":
        ok = (RmapStatus.Status.CONFORMANT, RmapStatus.Status.ACTIVE)
        chosen = [s for s in found if s["cahra"] or s["covered"] or s["status"] not in ok]
        return Result(len(chosen), SMELTER_COLUMNS, [smelter_row(s) for s in chosen], flags + _rmap_loaded_flags())
    raise ValueError(f"unknown measure {measure!r}")


@computation("sec_smelter_table")
def sec_smelter_table(scope: Scope) -> Result:
    """The Conflict Minerals Report's table of facilities: every 3TG smelter or refiner identified, with its RMAP
    conformance status. The value is the number of rows."""
    scope = scope.with_item({**scope.params, "metals": list(_metals(scope) or THREE_TG)}, scope.item_scope)
    found = identified_smelters(scope)
    rows = [smelter_row(s, _("yes") if s["covered"] else "", _("yes") if s["cahra"] else "") for s in found]
    flags = _unidentified_flag(scope) + _rmap_loaded_flags()
    flags.append(_("Countries of origin of the minerals are not stored from the declarations; the table gives none."))
    return Result(len(found), (*SMELTER_COLUMNS, "Covered country", "CAHRA"), rows, flags)


@computation("sec_declaration_scope")
def declaration_scope(scope: Scope) -> Result:
    """The products the Form SD covers, as the company's own CMRT of the year declares its scope (no product model:
    scope A is the whole company, B a product list, C the user's description)."""
    from supplyesg.minerals.models import CompanyDeclaration

    declaration = CompanyDeclaration.objects.filter(reporting_year=scope.year, template="CMRT").first()
    company = (declaration.answers or {}).get("company", {}) if declaration else {}
    products = [p for p in (declaration.answers or {}).get("products", []) if p] if declaration else []
    text = {"A": "Company-wide: all products the company manufactures or contracts to manufacture"}.get(company.get("scope"), "")
    if company.get("scope") == "B":
        text = "Products: " + "; ".join(" ".join(str(c) for c in p if c) for p in products)
    if company.get("scope") == "C":
        text = str(company.get("scope_description") or "")
    flags = [] if text else [_("The company's own CMRT for %(year)s declares no scope.") % {"year": scope.year}]
    rows = [Row("minerals.companydeclaration", declaration.pk, (company.get("scope", ""), text))] if declaration else []
    return Result(text or None, ("Declaration scope", "Description"), rows, flags)


def _in_period(scope: Scope, field: str) -> dict:
    return {f"{field}__gte": scope.start, f"{field}__lte": scope.end}


def _case_row(case: RiskCase, *extra) -> Row:
    s = case.supplier
    return Row("minerals.riskcase", case.pk, (s.code, s.legal_name, s.tier, s.country, case.risk_type, case.status, *extra))


CASE_COLUMNS = (*SUPPLIER_COLUMNS, "Risk type", "Status now")


@computation("minerals_risk_cases")
def risk_cases(scope: Scope) -> Result:
    """Risk cases (OECD Annex II) "opened" in the period, "closed" (closed or terminated in it), "mitigated" (a
    risk-management plan adopted or trade suspended or terminated in it) or, with "disengaged", the suppliers
    whose trade was suspended or terminated in the period."""
    measure = scope.params.get("measure", "opened")
    cases = RiskCase.objects.filter(supplier__in=suppliers_in_scope(scope)).select_related("supplier").order_by("pk")
    kinds = {
        "mitigated": (RiskCaseStep.Kind.PLAN_ADOPTED, RiskCaseStep.Kind.SUSPENDED, RiskCaseStep.Kind.TERMINATION),
        "disengaged": (RiskCaseStep.Kind.SUSPENDED, RiskCaseStep.Kind.TERMINATION),
    }
    if measure == "opened":
        chosen = cases.filter(**_in_period(scope, "opened_at__date"))
    elif measure == "closed":
        chosen = cases.filter(status__in=[RiskCase.Status.CLOSED, RiskCase.Status.TERMINATED], **_in_period(scope, "closed_on"))
    elif measure in kinds:
        steps = RiskCaseStep.objects.filter(kind__in=kinds[measure], **_in_period(scope, "at__date"))
        chosen = cases.filter(pk__in=steps.values("case_id"))
    else:
        raise ValueError(f"unknown measure {measure!r}")
    chosen = list(chosen)
    if measure == "disengaged":
        suppliers = {}
        for case in chosen:
            suppliers.setdefault(case.supplier_id, case.supplier)
        rows = [supplier_row(s) for s in sorted(suppliers.values(), key=lambda s: s.code)]
        return Result(len(rows), SUPPLIER_COLUMNS, rows)
    return Result(len(chosen), CASE_COLUMNS, [_case_row(c) for c in chosen])
