"""Country and category risk, the reference data of the risk identification: loaded from versioned data
files (source and date), editable in the admin; reloading never overwrites an edit. Every load is
all-or-nothing and audited."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pycountry
from django.db import transaction
from django.utils.translation import gettext as _

from supplyesg.assessments.catalogue import DATA_DIR, LoadResult, _data_date, _text, refuse
from supplyesg.assessments.models import CategoryRisk, CountryRisk
from supplyesg.core import audit
from supplyesg.suppliers.models import Category

COUNTRY_RISK_FILE = DATA_DIR / "country_risk.json"
CATEGORY_RISK_FILE = DATA_DIR / "category_risk.json"


def _score(value, where: str, problems: list[str]) -> Decimal | None:
    try:
        if isinstance(value, (bool, list, dict)) or value is None:
            raise InvalidOperation
        score = Decimal(str(value))
        if not score.is_finite() or not 0 <= score <= 100 or score != score.quantize(Decimal("0.01")):
            raise InvalidOperation
        return score
    except InvalidOperation:
        problems.append(_("%(where)s: score must be a number from 0 to 100 with at most two decimals.")
                        % {"where": where})
        return None


@transaction.atomic
def load_country_risk(data: dict, *, actor=None) -> LoadResult:
    """Create missing countries; update a loaded one only when the file is newer than its "as of" date, so a
    score edited in the admin (or taken from a newer source) survives a reload."""
    problems: list[str] = []
    where = _("country risk")
    source = _text(data.get("source"), problems, where, "source", limit=255, required=True)
    as_of = _data_date(data.get("date"), where, problems)
    rows = data.get("countries")
    if not isinstance(rows, list) or not rows:
        problems.append(_("country risk: countries must be a non-empty list."))
        rows = []
    wanted: dict[str, Decimal] = {}
    for n, item in enumerate(rows, start=1):
        item_where = _("country %(n)s") % {"n": n}
        code = str(item.get("country") or "").strip().upper() if isinstance(item, dict) else ""
        if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
            problems.append(_("%(where)s: %(code)r is not an ISO 3166 two-letter country code.")
                            % {"where": item_where, "code": code})
            continue
        if code in wanted:
            problems.append(_("%(where)s: %(code)s is listed twice.") % {"where": item_where, "code": code})
        score = _score(item.get("score"), f"{item_where} ({code})", problems)
        if score is not None:
            wanted[code] = score
    refuse(problems, _("The country risk data was not loaded:"))
    result = LoadResult("country_risk", _("Country risk (%(date)s)") % {"date": as_of.isoformat()})
    existing = {row.country: row for row in CountryRisk.objects.filter(country__in=wanted)}
    fields = ("score", "source", "as_of")
    for code, score in wanted.items():
        row = existing.get(code)
        if row is None:
            row = CountryRisk.objects.create(country=code, score=score, source=source, as_of=as_of)
            audit.record(actor=actor, action="country_risk.created", target=row,
                         changes={"country": [None, code], "score": [None, score], "as_of": [None, as_of]})
            result.created += 1
        elif (row.score, row.source, row.as_of) == (score, source, as_of):
            result.unchanged += 1
        elif as_of > row.as_of:
            before = audit.snapshot(row, fields)
            row.score, row.source, row.as_of = score, source, as_of
            row.save()
            audit.record(actor=actor, action="country_risk.updated", target=row,
                         changes=audit.diff(before, audit.snapshot(row, fields)),
                         reason=_("Newer country risk data loaded"))
            result.updated += 1
            result.lines.append(_("updated %(country)s: %(before)s → %(after)s")
                                % {"country": code, "before": before["score"], "after": score})
        else:
            result.kept += 1
            result.lines.append(
                _("kept %(country)s at %(score)s (as of %(date)s; the file's %(file_score)s is not newer)")
                % {"country": code, "score": row.score, "date": row.as_of, "file_score": score})
    return result


@transaction.atomic
def load_category_risk(data: dict, *, actor=None) -> LoadResult:
    """Give each listed category without a risk the file's score and rationale; keep risks already set.
    Categories not in the registry are skipped (load the supplier reference data first)."""
    problems: list[str] = []
    rows = data.get("categories")
    if not isinstance(rows, list) or not rows:
        problems.append(_("category risk: categories must be a non-empty list."))
        rows = []
    wanted: dict[str, tuple[Decimal, str]] = {}
    for n, item in enumerate(rows, start=1):
        item_where = _("category %(n)s") % {"n": n}
        if not isinstance(item, dict):
            problems.append(_("%(where)s: must be an object.") % {"where": item_where})
            continue
        code = _text(item.get("category"), problems, item_where, "category", limit=50, required=True)
        if code in wanted:
            problems.append(_("%(where)s: %(code)s is listed twice.") % {"where": item_where, "code": code})
        score = _score(item.get("score"), f"{item_where} ({code})", problems)
        rationale = _text(item.get("rationale"), problems, item_where, "rationale")
        if score is not None and code:
            wanted[code] = (score, rationale)
    refuse(problems, _("The category risk data was not loaded:"))
    result = LoadResult("category_risk", _("Category risk"))
    categories = {c.code: c for c in Category.objects.filter(code__in=wanted).select_related("risk")}
    for code, (score, rationale) in wanted.items():
        category = categories.get(code)
        if category is None:
            result.skipped += 1
            result.lines.append(_("skipped %(code)s: no such category (load the supplier reference data "
                                  "first)") % {"code": code})
            continue
        risk = getattr(category, "risk", None)
        if risk is None:
            risk = CategoryRisk.objects.create(category=category, score=score, rationale=rationale)
            audit.record(actor=actor, action="category_risk.created", target=risk,
                         changes={"category": [None, code], "score": [None, score]})
            result.created += 1
        elif (risk.score, risk.rationale) == (score, rationale):
            result.unchanged += 1
        else:
            result.kept += 1
            result.lines.append(_("kept %(code)s at %(score)s (set before; the file says %(file_score)s)")
                                % {"code": code, "score": risk.score, "file_score": score})
    return result
