"""Inputs of the risk assessment, gathered set-based for a batch of suppliers, and the providers through which
audits and grievances will add theirs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cached_property

from django.utils import timezone

from supplyesg.assessments.models import (
    CategoryRisk,
    CountryRisk,
    Response,
)
from supplyesg.assessments.risk import facts, rules
from supplyesg.assessments.risk.assessor import Assessor
from supplyesg.core.ids import IdList
from supplyesg.core.models import PolicySettings
from supplyesg.suppliers.models import Category, Document, DocumentRule, Supplier

COUNTED_RESPONSE_STATUSES = (Response.Status.ACCEPTED, Response.Status.SUBMITTED)
IN_CHUNK = 900  # ids per IN (...) list where callers may pass many
_NEVER = datetime.min.replace(tzinfo=UTC)


# ---------------------------------------------------------------- input providers (audits, grievances)

InputProvider = Callable[[Sequence[int], int], dict]


def no_audit_data(supplier_ids: Sequence[int], year: int) -> dict[int, rules.AuditInput]:
    """Until the audits capability exists there is no audit result for anyone."""
    return {}


def no_grievance_data(supplier_ids: Sequence[int], year: int) -> dict[int, rules.GrievanceInput]:
    """Until the grievances capability exists there are no grievances for anyone."""
    return {}


_PROVIDERS: dict[str, InputProvider] = {"audit": no_audit_data, "grievances": no_grievance_data}


def register_input_provider(factor: str, provider: InputProvider) -> InputProvider:
    """Plug in where a factor's input comes from; returns the provider it replaces (tests put it back).

    A provider takes a batch of supplier ids and the year and returns {supplier_id: input} for the suppliers
    it has data for, in a fixed number of queries. Called once per batch."""
    if factor not in _PROVIDERS:
        raise ValueError(f"no input provider slot for {factor!r}; slots: {sorted(_PROVIDERS)}")
    previous = _PROVIDERS[factor]
    _PROVIDERS[factor] = provider
    return previous


def input_provider(factor: str) -> InputProvider:
    return _PROVIDERS[factor]


# ---------------------------------------------------------------- context and inputs


def policy_from_settings(settings: PolicySettings) -> rules.Policy:
    return rules.Policy(
        weights={factor: getattr(settings, f"risk_weight_{factor}") for factor in facts.FACTORS},
        medium_from=Decimal(settings.risk_medium_from),
        high_from=Decimal(settings.risk_high_from),
        onsite_audit_cycle_years=settings.onsite_audit_cycle_years,
    )


@dataclass
class Context:
    """Reference data loaded once per run (a few hundred rows at most), shared by every batch."""

    policy: rules.Policy
    today: date
    countries: dict[str, rules.CountryInput]
    category_names: dict[int, str]
    category_scores: dict[int, Decimal]
    rules_by_category: dict[int, list[tuple[str, bool]]] = field(default_factory=dict)

    @cached_property
    def assessor(self) -> Assessor:
        """The run's assessor: factor results and explanation lines computed once per distinct input."""
        return Assessor(self.policy)

    @property
    def required_doc_types(self) -> set[str]:
        return {doc_type for pairs in self.rules_by_category.values() for doc_type, _y in pairs}


def load_context(today: date | None = None) -> Context:
    """Five queries: the policy, the country index, categories, their risk, the document rules."""
    countries = {
        code: rules.CountryInput(code, score, source, as_of.isoformat() if as_of else "")
        for code, score, source, as_of in CountryRisk.objects.values_list("country", "score", "source", "as_of")
    }
    rules_by_category: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for category_id, doc_type, yearly in DocumentRule.objects.values_list("category_id", "doc_type", "yearly"):
        rules_by_category[category_id].append((doc_type, yearly))
    return Context(
        policy=policy_from_settings(PolicySettings.current()),
        today=today or timezone.localdate(),
        countries=countries,
        category_names=dict(Category.objects.values_list("pk", "name")),
        category_scores=dict(CategoryRisk.objects.values_list("category_id", "score")),
        rules_by_category=dict(rules_by_category),
    )


@dataclass(frozen=True)
class SupplierRow:
    pk: int
    country: str
    name: str


def _categories_of(ids: Sequence[int]) -> dict[int, list[int]]:
    through = Supplier.categories.through
    out: dict[int, list[int]] = defaultdict(list)
    for supplier_id, category_id in through.objects.filter(supplier_id__in=ids).values_list("supplier_id", "category_id"):
        out[supplier_id].append(category_id)
    return out


def latest_responses(ids: Sequence[int]) -> dict[int, rules.QuestionnaireInput]:
    """The latest accepted or submitted response per supplier (latest submitted, then highest pk), reading only
    the score keys. Two queries whose cost follows the batch, not the table: the batch's counted responses
    (through the supplier index) to pick each supplier's latest, then the score keys of those alone."""
    latest: dict[int, tuple[bool, datetime, int]] = {}
    candidates = Response.objects.filter(supplier_id__in=ids, status__in=COUNTED_RESPONSE_STATUSES).order_by()
    for supplier_id, pk, submitted in candidates.values_list("supplier_id", "pk", "submitted_at"):
        # Submitted-at descending with nulls last, then the higher pk: a bigger rank wins.
        rank = (submitted is not None, submitted or _NEVER, pk)
        if supplier_id not in latest or rank > latest[supplier_id]:
            latest[supplier_id] = rank
    if not latest:
        return {}
    rows = Response.objects.filter(pk__in=IdList(rank[2] for rank in latest.values())).values(
        "supplier_id",
        "status",
        "submitted_at",
        "campaign__name",
        "scores__overall",
        "scores__risk_categories",
        "scores__knockout",
    )
    out = {}
    for row in rows:
        submitted = row["submitted_at"]
        out[row["supplier_id"]] = rules.QuestionnaireInput(
            scores={
                "overall": row["scores__overall"],
                "risk_categories": row["scores__risk_categories"] or {},
                "knockout": row["scores__knockout"] or {},
            },
            campaign=row["campaign__name"],
            status=row["status"],
            submitted_on=timezone.localdate(submitted).isoformat() if submitted else "",
        )
    return out


def _minerals_flags(ids: Sequence[int]) -> dict[int, tuple[str, ...] | None]:
    """Flag codes per supplier; None for a supplier never asked for a declaration (at most six queries)."""
    from supplyesg.minerals.aggregation import supplier_minerals_flags
    from supplyesg.minerals.models import SubmissionRequest

    flags = supplier_minerals_flags(ids, as_codes=True)
    asked = set(
        SubmissionRequest.objects.filter(supplier_id__in=ids)
        .exclude(status=SubmissionRequest.Status.NOT_REQUESTED)
        .order_by()
        .values_list("supplier_id", flat=True)
        .distinct()
    )
    return {pk: tuple(flags.get(pk) or ()) if (flags.get(pk) or pk in asked) else None for pk in ids}


def _minerals_cases(ids: Sequence[int]) -> dict[int, tuple[tuple[str, Decimal], ...]]:
    """Open minerals risk cases per supplier as (code, risk) with the policy's risk per mitigation (one query)."""
    from supplyesg.minerals.cases.models import RiskCase

    policy = PolicySettings.current()
    risk = {
        RiskCase.Mitigation.DISENGAGE: Decimal(policy.risk_minerals_grave_case),
        RiskCase.Mitigation.RISK_PLAN: Decimal(policy.risk_minerals_plan_case),
    }
    out: dict[int, list] = {}
    rows = (
        RiskCase.objects.open().filter(supplier_id__in=ids).order_by("pk").values_list("supplier_id", "risk_type", "mitigation")
    )
    for supplier_id, risk_type, mitigation in rows:
        out.setdefault(supplier_id, []).append((f"open_case:{risk_type}", risk[mitigation]))
    return {pk: tuple(cases) for pk, cases in out.items()}


def missing_documents_many(categories_by_supplier: dict[int, list[int]], ctx: Context) -> dict[int, rules.DocumentsInput | None]:
    """The set-based `services.compliance.missing_documents`: for each supplier, the mandatory document types
    of its categories that have no document in force (or, for a yearly rule, none issued within a year).
    One query for the whole batch. A document type two categories require counts once (yearly if either
    rule is). None for a supplier no rule applies to."""
    on = ctx.today
    since = on - timedelta(days=365)
    required: dict[int, dict[str, tuple[bool, str]]] = {}
    for supplier_id, category_ids in categories_by_supplier.items():
        needs: dict[str, tuple[bool, str]] = {}
        for category_id in sorted(category_ids, key=lambda pk: ctx.category_names.get(pk, "")):
            for doc_type, yearly in ctx.rules_by_category.get(category_id, ()):
                was_yearly, first_category = needs.get(doc_type, (False, ctx.category_names.get(category_id, "")))
                needs[doc_type] = (was_yearly or yearly, first_category)
        if needs:
            required[supplier_id] = needs
    held: dict[tuple[int, str], list[tuple[date | None, date, date | None]]] = defaultdict(list)
    if required:
        docs = Document.objects.filter(supplier_id__in=IdList(required), doc_type__in=sorted(ctx.required_doc_types)).values_list(
            "supplier_id", "doc_type", "issue_date", "uploaded_at", "expiry_date"
        )
        for supplier_id, doc_type, issued, uploaded, expiry in docs:
            held[(supplier_id, doc_type)].append((issued, timezone.localdate(uploaded), expiry))
    out: dict[int, rules.DocumentsInput | None] = {pk: None for pk in categories_by_supplier}
    for supplier_id, needs in required.items():
        missing = []
        for doc_type, (yearly, category) in sorted(needs.items()):
            docs = held.get((supplier_id, doc_type), [])
            in_force = [(issued or uploaded) for issued, uploaded, expiry in docs if expiry is None or expiry >= on]
            if yearly and any(day >= since for day in in_force):
                continue
            if not yearly and in_force:
                continue
            status = "not_renewed" if in_force else "expired" if docs else "missing"
            missing.append(facts.MissingDocument(doc_type, category, status))
        out[supplier_id] = rules.DocumentsInput(required=len(needs), missing=tuple(missing))
    return out


@dataclass
class BatchInputs:
    inputs: dict[int, rules.SupplierInputs]
    last_onsite_audit: dict[int, date | None]


def gather_inputs(suppliers: Sequence[SupplierRow], *, year: int, ctx: Context) -> BatchInputs:
    """Every factor's input for a batch of suppliers, in a fixed number of queries (no query per supplier)."""
    ids = IdList(s.pk for s in suppliers)  # written into each query's IN list as they are (core.ids)
    categories = _categories_of(ids)
    for pk in ids:
        categories.setdefault(pk, [])
    responses = latest_responses(ids)
    minerals = _minerals_flags(ids)
    minerals_cases = _minerals_cases(ids)
    documents = missing_documents_many(categories, ctx)
    audits = input_provider("audit")(ids, year) or {}
    grievances = input_provider("grievances")(ids, year) or {}
    inputs = {}
    category_inputs: dict[tuple[int, ...], tuple[rules.CategoryInput, ...]] = {}  # one tuple per set of categories
    for s in suppliers:
        country = ctx.countries.get(s.country) if s.country else None
        category_ids = tuple(sorted(categories[s.pk]))
        category_input = category_inputs.get(category_ids)
        if category_input is None:
            category_input = category_inputs[category_ids] = tuple(
                rules.CategoryInput(ctx.category_names.get(c, str(c)), ctx.category_scores.get(c)) for c in category_ids
            )
        inputs[s.pk] = rules.SupplierInputs(
            country=country or (rules.CountryInput(s.country, None) if s.country else None),
            categories=category_input,
            questionnaire=responses.get(s.pk),
            audit=audits.get(s.pk),
            grievances=grievances.get(s.pk),
            minerals_flags=minerals.get(s.pk),
            minerals_cases=minerals_cases.get(s.pk, ()),
            documents=documents.get(s.pk),
        )
    return BatchInputs(inputs, {pk: getattr(audits.get(pk), "last_onsite_audit", None) for pk in ids})
