"""Per-supplier minerals red flags (for the dashboard and the risk assessment)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.utils.translation import gettext_lazy

from supplyesg.core.ids import IdList
from supplyesg.minerals.aggregation.base import ACCEPTED, OK_STATUSES, POSITIVE_ANSWERS, RiskContext, _code, question_key
from supplyesg.minerals.cmrt import layouts as L
from supplyesg.minerals.models import (
    RmapStatus,
    Smelter,
    Submission,
    SubmissionRequest,
    SubmissionSmelter,
)

# ---------------------------------------------------------------- per-supplier flags

FLAG_LABELS = {
    "no_declaration": gettext_lazy("no declaration"),
    "errors": gettext_lazy("declaration with errors"),
    "covered_smelters": gettext_lazy("smelters in covered countries"),
    "cahra_smelters": gettext_lazy("smelters in CAHRAs"),
    "not_conformant": gettext_lazy("smelters not RMAP conformant or active"),
    "unidentified": gettext_lazy("unidentified smelters"),
    "sources_covered": gettext_lazy("sources from covered countries"),
    "sources_cahra": gettext_lazy("sources from CAHRAs"),
    "low_response": gettext_lazy("low response from its own suppliers"),
}


@dataclass(frozen=True)
class Flag:
    code: str
    template: str = ""
    count: int | None = None
    question: str = ""  # "Q3" when the flag comes from a declaration answer
    metals: tuple[str, ...] = field(default=(), compare=False)  # the metals it concerns (stored dashboard filter)

    @property
    def label(self) -> str:
        text = str(FLAG_LABELS[self.code])
        if self.question:
            text = f"{text} ({self.question})"
        elif self.count:
            text = f"{text} ({self.count})"
        return text


@dataclass
class SupplierFlags:
    supplier_id: int
    supplier_name: str
    flags: list[Flag] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return [f.label for f in self.flags]


def _smelter_key():
    """One smelter within a file: its CID, else its reported name (duplicate rows count once)."""
    return Case(When(cid="", then=Concat(Value("?"), "name")), default=F("cid"), output_field=CharField())


def _risk_filter(codes: frozenset[str], texts: set[str]) -> Q:
    """Rows whose reference smelter is in one of these countries, or (no reference smelter) whose reported
    country is one of them."""
    in_reference = Smelter.objects.values("cid")
    located = Smelter.objects.filter(country_code__in=codes).values("cid")
    return Q(cid__in=located) | (~Q(cid__in=in_reference) & Q(country__in=texts))


def _request_flags(
    requests: QuerySet[SubmissionRequest], risk: RiskContext, *, with_metals: bool = False
) -> list[tuple[dict, list[Flag]]]:
    """For each request, the flags of its accepted-or-latest submission (three queries; four ``with_metals``,
    which also says which metals each flag concerns)."""
    submissions = Submission.objects.filter(request=OuterRef("pk")).order_by("-version")
    chosen_qs = requests.annotate(
        chosen_id=Coalesce(
            Subquery(submissions.filter(status=ACCEPTED).values("pk")[:1]),
            Subquery(submissions.values("pk")[:1]),
        )
    )
    chosen = Submission.objects.filter(pk=OuterRef("chosen_id"))
    rows = list(
        chosen_qs.annotate(
            chosen_valid=Subquery(chosen.values("valid")[:1]),
            chosen_template=Subquery(chosen.values("template")[:1]),
            chosen_minerals=Subquery(chosen.values("result__minerals")[:1]),
        )
        .values(
            "pk",
            "status",
            "supplier_id",
            "supplier__legal_name",
            "supplier__country",
            "campaign__template",
            "campaign__minerals",
            "campaign__reporting_year",
            "chosen_id",
            "chosen_valid",
            "chosen_template",
            "chosen_minerals",
        )
        .order_by("supplier__legal_name", "pk")
    )
    any_chosen = any(r["chosen_id"] for r in rows)
    smelter_rows = SubmissionSmelter.objects.filter(submission_id__in=chosen_qs.values("chosen_id"))
    # Reported countries of rows the reference list does not know, mapped to codes in Python.
    texts: dict[str, set[str]] = {"covered": set(), "cahra": set()}
    if any_chosen and (risk.covered or risk.cahra):
        # order_by(): the model ordering would join the DISTINCT and return every row instead of every country.
        unknown = smelter_rows.exclude(cid__in=Smelter.objects.values("cid")).order_by().values_list("country", flat=True)
        for text in set(unknown.distinct()):
            code = _code(text or "")
            if code in risk.covered:
                texts["covered"].add(text)
            if code in risk.cahra:
                texts["cahra"].add(text)
    key = _smelter_key()
    aggregates = {}
    metals_of: dict[tuple[int, str], tuple[str, ...]] = {}
    if any_chosen:
        ok = RmapStatus.objects.current().filter(status__in=OK_STATUSES).values("cid")
        counts = {
            "unidentified": Count(key, distinct=True, filter=Q(cid="")),
            "not_ok": Count("cid", distinct=True, filter=~Q(cid="") & ~Q(cid__in=ok)),
            "covered": Count(key, distinct=True, filter=_risk_filter(risk.covered, texts["covered"])),
            "cahra": Count(key, distinct=True, filter=_risk_filter(risk.cahra, texts["cahra"])),
        }
        aggregates = {a["submission_id"]: a for a in smelter_rows.values("submission_id").annotate(**counts)}
        if with_metals:
            found: dict[tuple[int, str], list[str]] = {}
            for a in smelter_rows.values("submission_id", "metal").annotate(**counts).order_by("metal"):
                for name in counts:
                    if a[name]:
                        found.setdefault((a["submission_id"], name), []).append(a["metal"])
            metals_of = {k: tuple(v) for k, v in found.items()}
    out = []
    for row in rows:
        template = row["campaign__template"]
        asked = tuple(m for m in row["campaign__minerals"] or () if isinstance(m, str)) if with_metals else ()
        flags: list[Flag] = []
        if not row["chosen_id"]:
            if row["status"] != SubmissionRequest.Status.NOT_REQUESTED:
                flags.append(Flag("no_declaration", template, metals=asked))
            out.append((row, flags))
            continue
        if not row["chosen_valid"]:
            flags.append(Flag("errors", template, metals=asked))
        agg = aggregates.get(row["chosen_id"], {})
        chosen = row["chosen_id"]
        if agg.get("covered"):
            flags.append(Flag("covered_smelters", template, agg["covered"], metals=metals_of.get((chosen, "covered"), ())))
        if agg.get("cahra"):
            flags.append(Flag("cahra_smelters", template, agg["cahra"], metals=metals_of.get((chosen, "cahra"), ())))
        if risk.rmap_loaded and agg.get("not_ok"):
            flags.append(Flag("not_conformant", template, agg["not_ok"], metals=metals_of.get((chosen, "not_ok"), ())))
        if agg.get("unidentified"):
            flags.append(Flag("unidentified", template, agg["unidentified"], metals=metals_of.get((chosen, "unidentified"), ())))
        flags += _answer_flags(row["chosen_minerals"] or {}, row["chosen_template"] or template)
        out.append((row, flags))
    return out


def _answer_flags(minerals: dict, template: str) -> list[Flag]:
    """Flags from the supplier's own answers: covered-country or CAHRA sourcing, a low survey response."""
    if not isinstance(minerals, dict):
        return []
    checks = (
        ("covered_countries", "sources_covered", POSITIVE_ANSWERS),
        ("cahra", "sources_cahra", POSITIVE_ANSWERS),
        ("responded", "low_response", L.LOW_RESPONSE),
    )
    flags = []
    for role, code, values in checks:
        key = question_key(template, role)
        metals = tuple(sorted(m for m, a in minerals.items() if key and isinstance(a, dict) and a.get(key) in values))
        if metals:
            flags.append(Flag(code, template, question=key.upper(), metals=metals))
    return flags


def _merge(flags: list[Flag]) -> list[Flag]:
    seen, out = set(), []
    for flag in flags:
        if flag.code not in seen:
            seen.add(flag.code)
            out.append(flag)
    return out


def supplier_minerals_flags(supplier_ids, year: int | None = None, *, as_codes: bool = False) -> dict[int, list[str]]:
    """Minerals red flags per supplier for the risk assessment, e.g. ["unidentified smelters (2)"].

    Reads each supplier's requests of ``year`` (default: the latest reporting year the supplier was asked
    in) and, per request, its accepted-or-latest submission. Every id given is in the result; suppliers
    never asked have no flags. ``as_codes=True`` returns the stable codes of FLAG_LABELS instead. Five
    queries for any number of suppliers.
    """
    ids = IdList(supplier_ids)
    result: dict[int, list[Flag]] = {pk: [] for pk in ids}
    if not ids:
        return {}
    requests = SubmissionRequest.objects.filter(supplier_id__in=ids)
    if year:
        requests = requests.filter(campaign__reporting_year=year)
    else:
        latest_year = (
            SubmissionRequest.objects.filter(supplier=OuterRef("supplier"))
            .order_by("-campaign__reporting_year")
            .values("campaign__reporting_year")[:1]
        )
        requests = requests.filter(campaign__reporting_year=Subquery(latest_year))
    for row, flags in _request_flags(requests, RiskContext.load()):
        result[row["supplier_id"]] += flags
    return {pk: [f.code if as_codes else f.label for f in _merge(flags)] if flags else [] for pk, flags in result.items()}
