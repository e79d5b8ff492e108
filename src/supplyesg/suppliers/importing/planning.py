"""Planning an import against the registry, and applying it in one transaction through the services."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from supplyesg.core.matching import company_key, normalize_registration_id
from supplyesg.suppliers.importing.columns import COLUMNS
from supplyesg.suppliers.importing.reading import ImportFileError, RowPlan, parse_table, read_table

IDENTITY_FIELDS = ("legal_name", "local_name", "registration_id", "country")

# ---------------------------------------------------------------- result


@dataclass
class ImportResult:
    filename: str
    file_errors: list[str] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)
    applied: bool = False
    confirmation_missing: bool = False  # apply refused: possible duplicates were not confirmed

    @property
    def errors(self) -> list[str]:
        return self.file_errors + [e for row in self.rows for e in row.errors]

    @property
    def duplicates(self) -> list[str]:
        return [d for row in self.rows for d in row.duplicates]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def needs_confirmation(self) -> bool:
        return self.ok and bool(self.duplicates)

    def _count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action and not r.errors)

    @property
    def created(self) -> int:
        return self._count("create")

    @property
    def updated(self) -> int:
        return self._count("update")

    @property
    def skipped(self) -> int:
        return self._count("unchanged")

    @property
    def failed(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def changes(self) -> list[RowPlan]:
        return [r for r in self.rows if r.action in ("create", "update")]



# ---------------------------------------------------------------- planning against the registry


def plan_import(data: bytes, filename: str) -> ImportResult:
    """Everything the import would do, and every reason it cannot; writes nothing."""
    result = ImportResult(filename)
    try:
        table = read_table(data, filename)
    except ImportFileError as exc:
        result.file_errors.append(str(exc))
        return result
    parsed = parse_table(table)
    result.file_errors.extend(parsed.errors)
    result.rows = parsed.rows
    if not parsed.rows:
        result.file_errors.append(_("The file has a header row but no supplier rows."))
    missing_required = any(c.required and c.key not in parsed.columns.values() for c in COLUMNS)
    if parsed.rows and not missing_required:
        _plan_rows(result.rows)
    return result


def _same(key: str, old, new) -> bool:
    if key == "aliases":
        return [a.strip() for a in (old or "").splitlines() if a.strip()] == new.split("\n") if new else not (old or "").strip()
    if key in ("tier", "is_key", "spend_share"):
        return old == new
    return (old or "").strip() == new


def _plan_rows(rows: list[RowPlan]) -> None:
    from supplyesg.suppliers.models import Category, Supplier, SupplyLink

    all_codes = set(Supplier.objects.values_list("code", flat=True))
    folded = {code.casefold(): code for code in all_codes}
    first_with_code: dict[str, RowPlan] = {}
    for row in rows:
        if row.code and row.code not in all_codes:
            row.code = folded.get(row.code.casefold(), row.code)  # s000123 means S000123
        if row.code and row.code in first_with_code:
            row.error("code", _('code "%(code)s" is also used in %(other)s')
                      % {"code": row.code, "other": first_with_code[row.code].cells["_row"]})
        elif row.code:
            first_with_code[row.code] = row
    existing = {s.code: s for s in Supplier.objects.filter(code__in=list(first_with_code)).prefetch_related("categories")}
    numbers = [int(c[1:]) for c in all_codes | set(first_with_code) if re.fullmatch(r"S\d{1,12}", c)]
    next_number = max(numbers, default=0) + 1
    for row in rows:
        if not row.code:
            row.code, row.code_generated = f"S{next_number:06d}", True
            next_number += 1

    categories = {}
    for category in Category.objects.all():
        for name in (category.code, category.name, category.name_zh):
            if name:
                categories.setdefault(name.casefold(), category)
    for row in rows:
        if row.categories is None:
            continue
        row.category_ids = []
        for token in row.categories:
            category = categories.get(token.casefold())
            if category is None:
                row.error("categories", _('category "%(value)s" does not exist') % {"value": token})
            elif category.pk not in row.category_ids:
                row.category_ids.append(category.pk)

    for row in rows:
        supplier = existing.get(row.code) if not row.code_generated else None
        if supplier is None or first_with_code.get(row.code) is not row:
            row.action = "create"
            continue
        row.action, row.supplier_id = "update", supplier.pk
        row.changed = [k for k, v in row.fields.items() if not _same(k, getattr(supplier, k), v)]
        if row.category_ids is not None and set(row.category_ids) != {c.pk for c in supplier.categories.all()}:
            row.changed.append("categories")

    file_codes = {r.code for r in rows}
    links = set(SupplyLink.objects.filter(downstream__code__in=file_codes).values_list("upstream__code", "downstream__code"))
    for row in rows:
        row.upstream = [token if token in all_codes else folded.get(token.casefold(), token) for token in row.upstream]
        for token in row.upstream:
            if token == row.code:
                row.error("upstream_codes", _("a supplier cannot supply itself"))
            elif token not in all_codes and token not in file_codes:
                row.error("upstream_codes", _('upstream supplier "%(code)s" is not in the registry or in this file')
                          % {"code": token})
            elif (token, row.code) not in links:
                row.new_upstream.append(token)
    if any(row.new_upstream for row in rows):
        _check_cycles(rows)
    for row in rows:
        if row.action == "update" and not row.changed and not row.new_upstream:
            row.action = "unchanged"
    _check_duplicates_and_blacklist(rows, existing)


def _check_cycles(rows: list[RowPlan]) -> None:
    from supplyesg.suppliers.models import SupplyLink

    upstream_of: dict[str, set[str]] = {}
    for up, down in SupplyLink.objects.values_list("upstream__code", "downstream__code"):
        upstream_of.setdefault(down, set()).add(up)
    for row in rows:
        for up in row.new_upstream:
            seen, frontier = set(), {up}
            while frontier and row.code not in seen:
                frontier = {u for node in frontier for u in upstream_of.get(node, ())} - seen
                seen |= frontier
            if row.code in seen or row.code == up:
                row.error("upstream_codes", _('upstream supplier "%(code)s" is already downstream of this supplier: '
                                              'the link would make a cycle') % {"code": up})
            else:
                upstream_of.setdefault(row.code, set()).add(up)


def _identity(row: RowPlan, supplier) -> dict[str, str]:
    return {k: row.fields[k] if k in row.fields else (getattr(supplier, k) if supplier else "") for k in IDENTITY_FIELDS}


def _check_duplicates_and_blacklist(rows: list[RowPlan], existing: dict) -> None:
    """Same rule as services.registry.find_duplicates (registration id, or name similarity in the country),
    batched: one pass over the registry for the whole file, plus pairs within the file."""
    from supplyesg.core.models import PolicySettings
    from supplyesg.suppliers.models import BlacklistEntry, DuplicateDecision, Supplier
    from supplyesg.suppliers.services.compliance import matching_blacklist_entries

    check = [r for r in rows if not r.errors and (r.action == "create" or set(r.changed) & set(IDENTITY_FIELDS))]
    if not check:
        return
    threshold = float(PolicySettings.current().duplicate_name_threshold)
    identities = {id(r): _identity(r, existing.get(r.code) if r.supplier_id else None) for r in check}
    regs = {normalize_registration_id(i["registration_id"]) for i in identities.values()} - {""}
    by_reg: dict[str, list[tuple[int, str, str]]] = {}
    labels: dict[int, tuple[str, str]] = {}
    if regs:  # registration ids compare without spaces, dashes and case
        for pk, code, name, reg in Supplier.objects.exclude(registration_id="").values_list(
                "pk", "code", "legal_name", "registration_id"):
            if normalize_registration_id(reg) in regs:
                by_reg.setdefault(normalize_registration_id(reg), []).append((pk, code, name))
                labels[pk] = (code, name)
    countries = {i["country"] for i in identities.values()}
    names: dict[str, dict] = {}
    for pk, code, name, local, aliases, country in Supplier.objects.filter(country__in=countries).values_list(
            "pk", "code", "legal_name", "local_name", "aliases", "country"):
        labels[pk] = (code, name)
        for index, candidate in enumerate([name, local, *aliases.splitlines()]):
            key = company_key(candidate) if candidate else ""
            if key:
                names.setdefault(country, {})[(pk, index)] = key
    different = set()
    if any(r.supplier_id for r in check):
        different = {tuple(sorted(p)) for p in DuplicateDecision.objects.filter(
            verdict=DuplicateDecision.Verdict.DIFFERENT).values_list("supplier_a", "supplier_b")}
    file_regs: dict[str, RowPlan] = {}
    file_names: dict[str, dict[int, str]] = {}
    rows_by_index: dict[int, RowPlan] = {}
    for n, row in enumerate(check):
        ident = identities[id(row)]
        reg = normalize_registration_id(ident["registration_id"])
        key = company_key(ident["legal_name"]) if ident["legal_name"] else ""
        hits: dict[int, tuple[str, float]] = {}
        for pk, _code, _name in by_reg.get(reg, []) if reg else []:
            hits[pk] = ("registration_id", 100.0)
        if key:
            for _match, score, (pk, _i) in process.extract(key, names.get(ident["country"], {}), scorer=fuzz.ratio,
                                                            score_cutoff=threshold, limit=15):
                hits.setdefault(pk, ("name", round(score, 1)))
        hits.pop(row.supplier_id, None)
        if row.supplier_id:
            hits = {pk: h for pk, h in hits.items() if tuple(sorted((pk, row.supplier_id))) not in different}
        for pk, (why, score) in sorted(hits.items(), key=lambda item: -item[1][1])[:5]:
            code, name = labels[pk]
            _duplicate(row, why, score, _("%(code)s “%(name)s”") % {"code": code, "name": name}, code)
        other = file_regs.get(reg) if reg else None
        if other is not None:
            _duplicate(row, "registration_id", 100.0, _("row %(row)d of this file") % {"row": other.number}, other.code)
        elif key:
            found = process.extractOne(key, file_names.get(ident["country"], {}), scorer=fuzz.ratio, score_cutoff=threshold)
            if found:
                other = rows_by_index[found[2]]
                _duplicate(row, "name", round(found[1], 1), _("row %(row)d of this file") % {"row": other.number},
                           other.code)
        if reg:
            file_regs.setdefault(reg, row)
        if key:
            file_names.setdefault(ident["country"], {})[n] = key
            rows_by_index[n] = row

    if BlacklistEntry.objects.in_force().exists():
        for row in check:
            ident = identities[id(row)]
            for entry in matching_blacklist_entries(exclude_supplier_id=row.supplier_id, **ident):
                row.error("legal_name", _("%(name)s is blacklisted (%(reason)s, %(term)s): it cannot be admitted")
                          % {"name": entry.legal_name, "reason": entry.get_reason_display(),
                             "term": _("permanent") if entry.permanent else _("until %(date)s") % {"date": entry.until}})


def _duplicate(row: RowPlan, why: str, score: float, other: str, other_code: str) -> None:
    reason = _("same registration id") if why == "registration_id" else _("name %(score)s%% similar") % {"score": score}
    column = "registration_id" if why == "registration_id" and "registration_id" in row.cells else "legal_name"
    row.duplicates.append(_("%(cell)s: possible duplicate of %(other)s (%(reason)s)")
                          % {"cell": row.cells.get(column) or row.cells["_row"], "other": other, "reason": reason})
    row.duplicate_codes.append(other_code)


# ---------------------------------------------------------------- applying


class _WriteFailed(Exception):
    def __init__(self, row: RowPlan, column: str, messages: list[str]):
        super().__init__(messages)
        self.row, self.column, self.messages = row, column, messages


def apply_import(data: bytes, filename: str, *, actor, confirm_duplicates: bool = False) -> ImportResult:
    """Plan again (the registry may have changed since the preview), then write all rows or none."""
    result = plan_import(data, filename)
    if not result.ok:
        return result
    if result.duplicates and not confirm_duplicates:
        result.confirmation_missing = True
        return result
    try:
        with transaction.atomic():
            _write(result.rows, actor=actor, filename=filename, confirm_duplicates=confirm_duplicates)
    except _WriteFailed as failure:
        for message in failure.messages:
            failure.row.error(failure.column, message)
        return result
    except IntegrityError:
        result.file_errors.append(_("The registry changed while the file was being imported; nothing was "
                                    "imported. Please try again."))
        return result
    result.applied = True
    return result


def _write(rows: list[RowPlan], *, actor, filename: str, confirm_duplicates: bool) -> None:
    from supplyesg.suppliers.models import Category, DuplicateDecision, Supplier
    from supplyesg.suppliers.services.registry import create_supplier, decide_duplicate, link_suppliers, update_supplier

    def attempt(row, column, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except ValidationError as exc:
            raise _WriteFailed(row, column, list(exc.messages))

    categories = {c.pk: c for c in Category.objects.all()}
    suppliers: dict[str, Supplier] = {}
    reason = _("Imported from %(file)s") % {"file": filename}
    for row in rows:
        chosen = [categories[pk] for pk in row.category_ids or []]
        if row.action == "create":
            fields = {"local_name": "", "aliases": "", "registration_id": "", "registration_authority": "",
                      "address": "", "website": "", "is_key": False, "spend_share": None, **row.fields}
            suppliers[row.code] = attempt(row, "legal_name", create_supplier, actor=actor, categories=chosen,
                                          confirmed_not_duplicate=True, code=row.code, **fields)
        elif row.action == "update" and row.changed:
            supplier = Supplier.objects.get(pk=row.supplier_id)
            suppliers[row.code] = attempt(
                row, "legal_name", update_supplier, supplier, actor=actor, reason=reason,
                categories=chosen if row.category_ids is not None else None,
                **{k: v for k, v in row.fields.items() if k in row.changed},
            )
    wanted = {code for row in rows for code in (*row.new_upstream, *row.duplicate_codes, row.code)} - set(suppliers)
    suppliers.update({s.code: s for s in Supplier.objects.filter(code__in=wanted)})
    for row in rows:
        for code in row.new_upstream:
            attempt(row, "upstream_codes", link_suppliers, upstream=suppliers[code], downstream=suppliers[row.code],
                    actor=actor)
    if confirm_duplicates:
        for row in rows:
            for code in row.duplicate_codes:
                attempt(row, "legal_name", decide_duplicate, supplier=suppliers[row.code], other=suppliers[code],
                        verdict=DuplicateDecision.Verdict.DIFFERENT, actor=actor)
