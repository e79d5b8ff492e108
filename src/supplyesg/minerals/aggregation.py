"""Company-wide figures over the supplier declarations that count: the smelter list, the dashboard and
per-supplier minerals flags.

Everything here is set-based: each function runs a fixed number of queries whatever the number of
submissions, smelter rows or suppliers (no query per row). A declaration counts when it is the latest
accepted submission of its request ("the latest accepted declaration counts").
"""

from __future__ import annotations

import functools
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from supplyesg.core.sheets.cells import xlsx_row
from supplyesg.minerals.cmrt import layouts as L
from supplyesg.minerals.models import (
    Metal,
    RiskCountry,
    RmapStatus,
    RmapStatusUpload,
    Smelter,
    Submission,
    SubmissionRequest,
    SubmissionSmelter,
)
from supplyesg.minerals.services import country_code

ACCEPTED = Submission.Status.ACCEPTED
OK_STATUSES = (RmapStatus.Status.CONFORMANT, RmapStatus.Status.ACTIVE)
# Answers that say "yes, some of it comes from there" (EMRT 1.x adds the two "... only" options).
POSITIVE_ANSWERS = ("Yes", "DRC only", "India and/or Madagascar only")
# The question layout the company answers in, per template family (EMRT 1.x and 2.x share the keys).
LAYOUTS = {"CMRT": L.CMRT6, "EMRT": L.EMRT2, "AMRT": L.AMRT13, "CRT": L.CRT2}


def question_key(template: str, role: str) -> str | None:
    """'q6' for the CMRT "responded" question, 'q5' for the EMRT one; None when the family lacks it."""
    layout = LAYOUTS.get(template or "")
    question = layout.question(role) if layout else None
    return question.key if question else None


def metal_label(value: str) -> str:
    """The metal's name in the user's language ("Tin" -> "锡"); unknown values as they are."""
    return str(Metal(value).label) if value in Metal.values else value


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- what counts


def requests_for(year: int | None = None, template: str | None = None) -> QuerySet[SubmissionRequest]:
    qs = SubmissionRequest.objects.all()
    if year:
        qs = qs.filter(campaign__reporting_year=year)
    if template:
        qs = qs.filter(campaign__template=template)
    return qs


def counted_submissions(year: int | None = None, template: str | None = None) -> QuerySet[Submission]:
    """For each request, its latest accepted submission (a later accepted version replaces an earlier one)."""
    later_accepted = Submission.objects.filter(
        request=OuterRef("request"), status=ACCEPTED, version__gt=OuterRef("version")
    )
    qs = Submission.objects.filter(status=ACCEPTED).exclude(Exists(later_accepted))
    if year:
        qs = qs.filter(request__campaign__reporting_year=year)
    if template:
        qs = qs.filter(request__campaign__template=template)
    return qs


# ---------------------------------------------------------------- risk context


@dataclass(frozen=True)
class RiskContext:
    """Covered and CAHRA country codes and whether an RMAP status list is loaded (two queries)."""

    covered: frozenset[str]
    cahra: frozenset[str]
    rmap_loaded: bool

    @classmethod
    def load(cls) -> RiskContext:
        kinds: dict[str, set[str]] = defaultdict(set)
        for kind, code in RiskCountry.objects.values_list("kind", "country"):
            kinds[kind].add(code)
        return cls(
            covered=frozenset(kinds[RiskCountry.Kind.COVERED]),
            cahra=frozenset(kinds[RiskCountry.Kind.CAHRA]),
            rmap_loaded=RmapStatusUpload.objects.exists(),
        )


@functools.lru_cache(maxsize=1024)
def _code(country: str) -> str:
    return country_code(country)


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
    for ref in Smelter.objects.filter(cid__in=cids).values(
        "cid", "metal", "standard_name", "country", "country_code"
    ):
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
    return [
        UnresolvedName(r["metal"], r["name"], r["country"] or "", r["suppliers"], r["rows"]) for r in grouped
    ]


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


def _request_flags(requests: QuerySet[SubmissionRequest], risk: RiskContext) -> list[tuple[dict, list[Flag]]]:
    """For each request, the flags of its accepted-or-latest submission (three queries)."""
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
            "campaign__template",
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
        unknown = smelter_rows.exclude(cid__in=Smelter.objects.values("cid")).values_list(
            "country", flat=True
        )
        for text in set(unknown.distinct()):
            code = _code(text or "")
            if code in risk.covered:
                texts["covered"].add(text)
            if code in risk.cahra:
                texts["cahra"].add(text)
    key = _smelter_key()
    aggregates = {}
    if any_chosen:
        ok = RmapStatus.objects.current().filter(status__in=OK_STATUSES).values("cid")
        aggregates = {
            a["submission_id"]: a
            for a in smelter_rows.values("submission_id").annotate(
                unidentified=Count(key, distinct=True, filter=Q(cid="")),
                not_ok=Count("cid", distinct=True, filter=~Q(cid="") & ~Q(cid__in=ok)),
                covered=Count(key, distinct=True, filter=_risk_filter(risk.covered, texts["covered"])),
                cahra=Count(key, distinct=True, filter=_risk_filter(risk.cahra, texts["cahra"])),
            )
        }
    out = []
    for row in rows:
        template = row["campaign__template"]
        flags: list[Flag] = []
        if not row["chosen_id"]:
            if row["status"] != SubmissionRequest.Status.NOT_REQUESTED:
                flags.append(Flag("no_declaration", template))
            out.append((row, flags))
            continue
        if not row["chosen_valid"]:
            flags.append(Flag("errors", template))
        agg = aggregates.get(row["chosen_id"], {})
        if agg.get("covered"):
            flags.append(Flag("covered_smelters", template, agg["covered"]))
        if agg.get("cahra"):
            flags.append(Flag("cahra_smelters", template, agg["cahra"]))
        if risk.rmap_loaded and agg.get("not_ok"):
            flags.append(Flag("not_conformant", template, agg["not_ok"]))
        if agg.get("unidentified"):
            flags.append(Flag("unidentified", template, agg["unidentified"]))
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
        if key and any(isinstance(a, dict) and a.get(key) in values for a in minerals.values()):
            flags.append(Flag(code, template, question=key.upper()))
    return flags


def _merge(flags: list[Flag]) -> list[Flag]:
    seen, out = set(), []
    for flag in flags:
        if flag.code not in seen:
            seen.add(flag.code)
            out.append(flag)
    return out


def supplier_minerals_flags(
    supplier_ids, year: int | None = None, *, as_codes: bool = False
) -> dict[int, list[str]]:
    """Minerals red flags per supplier for the risk assessment, e.g. ["unidentified smelters (2)"].

    Reads each supplier's requests of ``year`` (default: the latest reporting year the supplier was asked
    in) and, per request, its accepted-or-latest submission. Every id given is in the result; suppliers
    never asked have no flags. ``as_codes=True`` returns the stable codes of FLAG_LABELS instead. Five
    queries for any number of suppliers.
    """
    ids = list(supplier_ids)
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
    return {pk: [f.code if as_codes else f.label for f in _merge(flags)] for pk, flags in result.items()}


# ---------------------------------------------------------------- dashboard

STATUS_TONES = {
    SubmissionRequest.Status.NOT_REQUESTED: "muted",
    SubmissionRequest.Status.REQUESTED: "brand",
    SubmissionRequest.Status.RECEIVED_ERRORS: "bad",
    SubmissionRequest.Status.RECEIVED_VALID: "active",
    SubmissionRequest.Status.ACCEPTED: "good",
    SubmissionRequest.Status.RETURNED: "warn",
}
TONE_COLOURS = {
    "good": "#067647",
    "active": "#4c9f87",
    "brand": "#1f6f5c",
    "warn": "#b54708",
    "bad": "#b42318",
    "muted": "#9aa8a3",
}


@dataclass
class Segment:
    label: str
    value: int
    colour: str
    x: float = 0
    width: float = 0
    text_x: float = 0


@dataclass
class Bar:
    label: str
    total: int
    segments: list[Segment]
    y: float = 0
    value_x: float = 0
    text_y: float = 0


@dataclass
class BarChart:
    """Horizontal (stacked) bars, geometry worked out here, drawn as inline SVG by _bar_chart.html."""

    title: str
    bars: list[Bar]
    legend: list[Segment]
    width: int = 640
    label_width: int = 190
    bar_area: int = 380
    row_height: int = 28
    bar_height: int = 18

    def __post_init__(self):
        top = max((b.total for b in self.bars), default=0) or 1
        for index, bar in enumerate(self.bars):
            bar.y = 8 + index * self.row_height
            x = float(self.label_width)
            for segment in bar.segments:
                segment.x = round(x, 1)
                segment.width = round(self.bar_area * segment.value / top, 1)
                x += segment.width
            bar.value_x = round(x + 6, 1)
            bar.text_y = bar.y + self.bar_height - 4
        x = 0.0
        for item in self.legend:
            item.x = round(x, 1)
            item.text_x = round(x + 16, 1)
            x += 30 + sum(13 if ord(c) >= 0x2E80 else 7.5 for c in item.label)  # CJK glyphs are wider

    @property
    def label_x(self) -> int:
        return self.label_width - 8

    @property
    def height(self) -> int:
        return 8 + len(self.bars) * self.row_height + (30 if self.legend else 4)

    @property
    def legend_y(self) -> int:
        return 8 + len(self.bars) * self.row_height + 10

    @property
    def legend_text_y(self) -> int:
        return self.legend_y + 11

    @property
    def empty(self) -> bool:
        return not any(b.total for b in self.bars)


@dataclass
class DashboardFigures:
    year: int | None
    template: str | None
    by_status: list[tuple[str, str, int]]
    total: int
    requested: int
    received: int
    valid: int
    accepted: int
    smelters: list[SmelterSummary]
    unresolved: list[UnresolvedName]
    red_flags: list[SupplierFlags]
    rmap_loaded: bool
    status_chart: BarChart
    metal_chart: BarChart

    @property
    def response_rate(self) -> Decimal | None:
        return percent(self.received, self.requested)

    @property
    def valid_rate(self) -> Decimal | None:
        return percent(self.valid, self.received)

    @property
    def conformant_or_active(self) -> int:
        return sum(1 for s in self.smelters if s.conformant_or_active)

    @property
    def conformant_share(self) -> Decimal | None:
        return percent(self.conformant_or_active, len(self.smelters)) if self.rmap_loaded else None

    @property
    def concern(self) -> list[SmelterSummary]:
        return [s for s in self.smelters if s.of_concern]


def _request_counts(requests: QuerySet[SubmissionRequest]) -> dict[str, int]:
    """Counts by status plus requested/received/valid/accepted, in one query."""
    submissions = Submission.objects.filter(request=OuterRef("pk"))
    annotated = requests.annotate(
        any_received=Exists(submissions),
        latest_valid=Subquery(submissions.order_by("-version").values("valid")[:1]),
        any_accepted=Exists(submissions.filter(status=ACCEPTED)),
    )
    Status = SubmissionRequest.Status
    return annotated.aggregate(
        total=Count("pk"),
        requested=Count("pk", filter=~Q(status=Status.NOT_REQUESTED) | Q(any_received=True)),
        received=Count("pk", filter=Q(any_received=True)),
        valid=Count("pk", filter=Q(any_received=True, latest_valid=True)),
        accepted=Count("pk", filter=Q(any_accepted=True)),
        **{f"status_{value}": Count("pk", filter=Q(status=value)) for value in Status.values},
    )


def _metal_chart(smelters: list[SmelterSummary], rmap_loaded: bool) -> BarChart:
    series = (
        ("conformant", _("Conformant"), TONE_COLOURS["good"]),
        ("active", _("Active"), TONE_COLOURS["active"]),
        ("other", _("Not conformant or active"), TONE_COLOURS["bad"]),
        ("unknown", _("No RMAP status list loaded"), TONE_COLOURS["muted"]),
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for s in smelters:
        if not rmap_loaded:
            bucket = "unknown"
        elif s.rmap_status in ("conformant", "active"):
            bucket = s.rmap_status
        else:
            bucket = "other"
        counts[s.metal][bucket] += 1
    used = [item for item in series if any(c.get(item[0]) for c in counts.values())]
    bars = [
        Bar(
            label=metal_label(metal),
            total=sum(counts[metal].values()),
            segments=[
                Segment(label, counts[metal][key], colour)
                for key, label, colour in used
                if counts[metal][key]
            ],
        )
        for metal in sorted(counts)
    ]
    return BarChart(
        _("Smelters by metal and RMAP status"),
        bars,
        [Segment(label, 0, colour) for _k, label, colour in used],
    )


def dashboard_figures(year: int | None, template: str | None) -> DashboardFigures:
    """Everything the minerals dashboard shows, in a fixed number of queries."""
    risk = RiskContext.load()
    requests = requests_for(year, template)
    counts = _request_counts(requests)
    by_status = [
        (value, str(label), counts[f"status_{value}"]) for value, label in SubmissionRequest.Status.choices
    ]
    smelters = company_smelters(year, template, risk=risk)
    red_flags: dict[int, SupplierFlags] = {}
    for row, flags in _request_flags(requests, risk):
        if flags:
            entry = red_flags.setdefault(
                row["supplier_id"], SupplierFlags(row["supplier_id"], row["supplier__legal_name"])
            )
            entry.flags = _merge(entry.flags + flags)
    status_chart = BarChart(
        _("Responses by status"),
        [
            Bar(label, n, [Segment(label, n, TONE_COLOURS[STATUS_TONES[value]])])
            for value, label, n in by_status
        ],
        [],
    )
    return DashboardFigures(
        year=year,
        template=template,
        by_status=by_status,
        total=counts["total"],
        requested=counts["requested"],
        received=counts["received"],
        valid=counts["valid"],
        accepted=counts["accepted"],
        smelters=smelters,
        unresolved=unresolved_names(year, template),
        red_flags=sorted(red_flags.values(), key=lambda s: s.supplier_name.casefold()),
        rmap_loaded=risk.rmap_loaded,
        status_chart=status_chart,
        metal_chart=_metal_chart(smelters, risk.rmap_loaded),
    )


# ---------------------------------------------------------------- export

def smelters_workbook(smelters: list[SmelterSummary], unresolved: list[UnresolvedName]) -> bytes:
    """The company smelter list as .xlsx: identified smelters, then the unresolved names apart.

    Names come from suppliers' files: `xlsx_row` writes them as plain string cells, control characters removed.
    """
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    sheet = book.create_sheet(_("Smelters"))
    sheet.append(
        xlsx_row(
            sheet,
            [
                _("Metal"),
                _("Smelter id"),
                _("Smelter name"),
                _("Country"),
                _("Suppliers naming it"),
                _("RMAP status"),
                _("Covered country"),
                _("CAHRA"),
                _("Concerns"),
            ],
            font=bold,
        )
    )
    yes, no = _("Yes"), _("No")
    for s in smelters:
        sheet.append(
            xlsx_row(
                sheet,
                [
                    s.metal,
                    s.cid,
                    s.name,
                    s.country,
                    s.suppliers,
                    s.rmap_label,
                    yes if s.covered else no,
                    yes if s.cahra else no,
                    "; ".join(s.concern_labels),
                ],
                text_columns={1},
            )
        )
    names = book.create_sheet(_("Unresolved names"))
    names.append(
        xlsx_row(names, [_("Metal"), _("Name as reported"), _("Country as reported"), _("Suppliers naming it")], font=bold)
    )
    for u in unresolved:
        names.append(xlsx_row(names, [u.metal, u.name, u.country, u.suppliers]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
