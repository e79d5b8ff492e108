"""Assessing many suppliers in one run: the same results as `rules.assess` and the same explanation as
`Result.explanation`, already written as JSON text. Pure Python: no Django import.

Why: most factor inputs repeat across suppliers (a country's index entry, a set of categories, the state of the
mandatory documents, the minerals flags, no audit yet, no grievances). Assessing 100,000 suppliers one at a time
built the same factor results and the same explanation lines (Decimals, dicts, then JSON) 100,000 times, about
half of a yearly run. An `Assessor` computes each distinct input's factor result once per run, and each such
result's explanation line (as JSON text) once per total weight; what differs per supplier (the questionnaire,
the weighting, the knock-out and the level line) is computed for each supplier as before.

Inputs are looked up by equality, with the type of their scores added to the key (an int 50 and a Decimal 50 are
equal but are written differently in the explanation; True equals 1 but is no score). Decimals equal in value but
written differently (10 and 10.00) give the same results: every number leaves a factor rounded, normalised or as
a float. Inputs holding a dict (a questionnaire's scores, an audit's category scores) are not cached. Each cache
holds at most CACHE_LIMIT entries and starts afresh when full, so memory stays flat whatever the run's size.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping
from decimal import Decimal

from supplyesg.assessments.risk.facts import (
    FACTOR_CATEGORIES,
    FACTORS,
    LOW,
    RISK_CATEGORIES,
    ZERO,
    FactorResult,
    Policy,
    Result,
    SupplierInputs,
    _q,
    factor_line,
    higher_level,
)
from supplyesg.assessments.risk.rules import (
    audit_risk,
    category_risk,
    country_risk,
    documents_risk,
    grievance_risk,
    knockout_floor,
    level_for,
    minerals_risk,
    questionnaire_risk,
)

CACHE_LIMIT = 4096  # distinct inputs kept per factor


class _Entry:
    """A factor result and its explanation line as JSON text per total weight."""

    __slots__ = ("result", "lines")

    def __init__(self, result: FactorResult):
        self.result = result
        self.lines: dict[int, str] = {}


class Assessor:
    """`assess(inputs)` for every supplier of a run under one policy. Not thread-safe; one per run."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.weights = {factor: policy.weight(factor) for factor in FACTORS}
        self._caches: dict[str, dict] = {factor: {} for factor in FACTORS}

    def _entry(self, factor: str, key: Hashable, compute: Callable[[], FactorResult]) -> _Entry:
        cache = self._caches[factor]
        try:
            return cache[key]
        except KeyError:
            pass
        except TypeError:  # a dict inside the input: not cached
            return _Entry(compute())
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        entry = cache[key] = _Entry(compute())
        return entry

    def _line(self, entry: _Entry, total: int) -> str:
        text = entry.lines.get(total)
        if text is None:
            result = entry.result
            text = entry.lines[total] = json.dumps(factor_line(result, self.weights[result.factor], total))
        return text

    def _entries(self, inputs: SupplierInputs) -> list[_Entry]:
        country, categories, questionnaire = inputs.country, inputs.categories, inputs.questionnaire
        audit, grievances, documents = inputs.audit, inputs.grievances, inputs.documents
        flags, cases = inputs.minerals_flags, inputs.minerals_cases
        return [
            self._entry(
                "country",
                (country, type(country.score)) if country is not None else None,
                lambda: country_risk(country),
            ),
            self._entry(
                "category",
                (categories, tuple(type(c.score) for c in categories)),
                lambda: category_risk(categories),
            ),
            self._entry("questionnaire", questionnaire, lambda: questionnaire_risk(questionnaire)),
            self._entry("audit", (audit, type(audit.score)) if audit is not None else None, lambda: audit_risk(audit)),
            self._entry("grievances", grievances, lambda: grievance_risk(grievances)),
            self._entry("minerals", (flags, cases), lambda: minerals_risk(flags, cases)),
            self._entry(
                "documents",
                (documents, type(documents.required)) if documents is not None else None,
                lambda: documents_risk(documents),
            ),
        ]

    def weigh(self, factors: list[FactorResult]) -> tuple[Decimal, dict[str, Decimal], int]:
        """`rules.weigh` with the same arithmetic in the same order: each weighted risk is computed once and
        added to the categories it feeds, instead of asking every factor about every category."""
        weights = self.weights
        total = 0
        overall_sum = 0
        sums = dict.fromkeys(RISK_CATEGORIES, 0)
        category_weights = dict.fromkeys(RISK_CATEGORIES, 0)
        for f in factors:
            weight = weights[f.factor]
            if f.risk is None or weight <= 0:
                continue
            total += weight
            weighted = Decimal(weight) * f.risk
            overall_sum += weighted
            if f.category_risks:
                for category in RISK_CATEGORIES:
                    risk = f.category_risks.get(category)
                    if risk is not None:
                        sums[category] += Decimal(weight) * risk
                        category_weights[category] += weight
            else:
                for category in FACTOR_CATEGORIES[f.factor]:
                    sums[category] += weighted
                    category_weights[category] += weight
        overall = _q(overall_sum / total) if total else ZERO
        per_category = {
            category: _q(sums[category] / category_weights[category])
            for category in RISK_CATEGORIES
            if category_weights[category]
        }
        return overall, per_category, total

    def assess(self, inputs: SupplierInputs) -> tuple[Result, str]:
        """(`rules.assess(inputs, policy)`, `json.dumps(that result.explanation(policy))`)."""
        entries = self._entries(inputs)
        factors = [entry.result for entry in entries]
        overall, per_category, total = self.weigh(factors)
        policy = self.policy
        threshold_level = level_for(overall, policy) if total else LOW
        questionnaire = inputs.questionnaire
        knockout = knockout_floor(
            questionnaire.scores.get("knockout") if questionnaire and isinstance(questionnaire.scores, Mapping) else None
        )
        level = higher_level(threshold_level, knockout.level)
        result = Result(overall, threshold_level, level, per_category, factors, knockout, total)
        lines = [self._line(entry, total) for entry in entries]
        lines += [json.dumps(line) for line in result.closing_lines(policy, self.weights)]
        return result, "[" + ", ".join(lines) + "]"
