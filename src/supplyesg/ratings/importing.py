"""The ERP import of business scores: an .xlsx workbook (read with python-calamine) or a CSV / tab-separated
text file (UTF-8, UTF-16 or GB18030), one supplier and quarter per row. Scores are 0-100: "92.5", "92.5 %" and
percent-formatted cells (which hold 0.925) all read as 92.5; a plain 0.925 is refused as a fraction. Every
bad cell is reported by where it is (`Scores!D7: ...` in a workbook, `row 7: ...` in a CSV file); a file with
any error changes nothing.

Columns: supplier code, the quarter (`period` such as 2026Q3, or `year` and `quarter`), quality, delivery, cost,
service, and an optional note; English or Chinese headers. Other columns (a supplier name, an ERP id) are
ignored and listed in the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supplyesg.core import audit
from supplyesg.core.models import AuditEvent
from supplyesg.core.sheets.results import ImportResult
from supplyesg.ratings import rules
from supplyesg.ratings.models import BusinessScore
from supplyesg.ratings.quarters import Quarter, QuarterError, parse_quarter, quarter_of
from supplyesg.ratings.services import (
    NOTE_MAX,
    SCORE_FRACTION,
    SCORE_MISSING,
    SCORE_NOT_NUMBER,
    SCORE_OK,
    actor_fields,
    parse_score,
)
from supplyesg.suppliers.importing.columns import blank, cell_text, column_letter, header_key
from supplyesg.suppliers.importing.reading import ImportFileError, Table, read_table
from supplyesg.suppliers.models import Supplier

SHEET = "Scores"
IN_CHUNK = 900


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # English, translated lazily
    zh: str  # the Chinese header accepted in files
    required: bool = False
    rule: Any = ""
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column(
        "supplier_code",
        gettext_lazy("Supplier code"),
        "供应商编码",
        True,
        gettext_lazy("The supplier's code in SupplyESG, e.g. S000123."),
        ("code", "supplier", "vendor code", "supplier no", "供应商代码", "供应商编号", "编码"),
    ),
    Column(
        "period",
        gettext_lazy("Period"),
        "期间",
        False,
        gettext_lazy("The quarter, e.g. 2026Q3. Or give the year and quarter columns instead."),
        ("quarter period", "评价期间", "考核期间", "季度期间"),
    ),
    Column("year", gettext_lazy("Year"), "年度", False, gettext_lazy("e.g. 2026 (with the quarter column)."), ("年份", "年")),
    Column("quarter", gettext_lazy("Quarter"), "季度", False, gettext_lazy("1, 2, 3 or 4 (with the year column)."), ("q",)),
    Column("quality", gettext_lazy("Quality"), "质量", True, gettext_lazy("A score from 0 to 100."), ("质量得分", "品质")),
    Column("delivery", gettext_lazy("Delivery"), "交付", True, gettext_lazy("A score from 0 to 100."), ("交付得分", "交期")),
    Column("cost", gettext_lazy("Cost"), "成本", True, gettext_lazy("A score from 0 to 100."), ("成本得分", "价格")),
    Column("service", gettext_lazy("Service"), "服务", True, gettext_lazy("A score from 0 to 100."), ("服务得分",)),
    Column("note", gettext_lazy("Note"), "备注", False, gettext_lazy("Optional, up to 300 characters."), ("comment", "remark")),
)


def header_aliases() -> dict[str, str]:
    from django.utils import translation

    aliases = {}
    with translation.override(None):
        for column in COLUMNS:
            for name in (column.key, str(column.label), column.zh, *column.aliases):
                aliases[header_key(name)] = column.key
    return aliases


@dataclass
class _Row:
    number: int
    refs: dict[str, str]
    code: str = ""
    period: Quarter | None = None
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append(f"{self.refs.get(column) or self.refs['_row']}: {message}")


def _ref(table: Table, row: int, col: int) -> str:
    return f"{table.sheet}!{column_letter(col)}{row}" if table.kind == "xlsx" else _("row %(row)d") % {"row": row}


def _row_ref(table: Table, row: int) -> str:
    return f"{table.sheet}!{row}:{row}" if table.kind == "xlsx" else _("row %(row)d") % {"row": row}


def _map_header(table: Table, result: ImportResult) -> dict[int, str]:
    aliases = header_aliases()
    columns: dict[int, str] = {}
    for index, text in enumerate(table.header):
        if not text:
            continue
        key = aliases.get(header_key(text))
        if key is None:
            result.ignored_columns.append(text)
        elif key in columns.values():
            result.errors.append(
                _('%(cell)s: the column "%(name)s" appears twice') % {"cell": _ref(table, table.header_row, index), "name": text}
            )
        else:
            columns[index] = key
    present = set(columns.values())
    where = _row_ref(table, table.header_row)
    for column in COLUMNS:
        if column.required and column.key not in present:
            result.errors.append(
                _('%(where)s: the required column "%(name)s" (%(zh)s) is missing')
                % {"where": where, "name": column.key, "zh": column.zh}
            )
    if "period" not in present and not {"year", "quarter"} <= present:
        result.errors.append(
            _('%(where)s: give the quarter as a "period" column (2026Q3) or as "year" and "quarter" columns') % {"where": where}
        )
    return columns


def _parse_period(row: _Row, cells: dict[str, Any], today) -> None:
    if "period" in cells and not blank(cells["period"]):
        text = cell_text(cells["period"])
        try:
            row.period = parse_quarter(text)
        except QuarterError:
            row.error("period", _('period "%(value)s" is not a quarter such as 2026Q3') % {"value": text[:20]})
            return
        column = "period"
    elif "year" in cells or "quarter" in cells:
        year, quarter = cell_text(cells.get("year")), cell_text(cells.get("quarter"))
        if not year or not quarter:
            row.error("year" if not year else "quarter", _("the year and the quarter are both required"))
            return
        try:
            row.period = quarter_of(year, quarter)
        except QuarterError:
            row.error(
                "quarter", _('"%(year)s" / "%(quarter)s" is not a year and a quarter 1-4') % {"year": year, "quarter": quarter}
            )
            return
        column = "quarter"
    else:
        row.error("period", _("the period is required, e.g. 2026Q3"))
        return
    if row.period.first_day > today:
        row.error(column, _("period %(quarter)s has not started yet") % {"quarter": row.period})
        row.period = None


def _example_percent(text: str) -> str:
    try:
        return format((Decimal(text) * 100).normalize(), "f")
    except InvalidOperation:
        return "92.5"


def _parse_rows(table: Table, columns: dict[int, str], today) -> list[_Row]:
    rows = []
    for number, cells in table.rows:
        row = _Row(number=number, refs={"_row": _row_ref(table, number)})
        values = {}
        for index, key in columns.items():
            row.refs[key] = _ref(table, number, index)
            values[key] = cells[index] if index < len(cells) else None
        row.code = cell_text(values.get("supplier_code"))
        if not row.code:
            row.error("supplier_code", _("supplier code is required"))
        _parse_period(row, values, today)
        for part in rules.PARTS:
            verdict, number_value, text = parse_score(values.get(part), allow_fraction=False)
            if verdict == SCORE_OK:
                row.values[part] = number_value
            elif verdict == SCORE_MISSING:
                row.error(part, _("%(column)s is required (a score from 0 to 100)") % {"column": part})
            elif verdict == SCORE_FRACTION:
                row.error(
                    part,
                    _("%(column)s %(value)s looks like a fraction; write the score from 0 to 100 (e.g. %(example)s)")
                    % {"column": part, "value": text[:30], "example": _example_percent(text)},
                )
            elif verdict == SCORE_NOT_NUMBER:
                row.error(part, _('%(column)s "%(value)s" is not a number') % {"column": part, "value": text[:30]})
            else:
                row.error(part, _("%(column)s %(value)s is outside 0-100") % {"column": part, "value": text[:30]})
        note = cell_text(values.get("note"))
        if len(note) > NOTE_MAX:
            row.error("note", _("note is longer than %(max)d characters") % {"max": NOTE_MAX})
        row.values["note"] = note
        rows.append(row)
    return rows


def _suppliers_by_code(codes: list[str]) -> dict[str, tuple[int, str]]:
    out = {}
    for start in range(0, len(codes), IN_CHUNK):
        for pk, code, name in Supplier.objects.filter(code__in=codes[start : start + IN_CHUNK]).values_list(
            "pk", "code", "legal_name"
        ):
            out[code] = (pk, name)
    return out


def _check_against_registry(rows: list[_Row]) -> dict[str, tuple[int, str]]:
    """Unknown supplier codes and the same supplier and quarter twice in the file."""
    known = _suppliers_by_code(sorted({r.code for r in rows if r.code}))
    seen: dict[tuple[str, Quarter], int] = {}
    for row in rows:
        if row.code and row.code not in known:
            row.error("supplier_code", _('supplier code "%(code)s" is not a known supplier') % {"code": row.code[:30]})
        if row.code and row.period:
            key = (row.code, row.period)
            if key in seen:
                row.error(
                    "supplier_code",
                    _("%(code)s already has scores for %(quarter)s in row %(row)d of this file")
                    % {"code": row.code[:30], "quarter": row.period, "row": seen[key]},
                )
            else:
                seen[key] = row.number
    return known


def _existing(plans: list[tuple[_Row, int]]) -> dict[tuple[int, int, int], BusinessScore]:
    periods = {(row.period.year, row.period.quarter) for row, _pk in plans}
    ids = sorted({pk for _row, pk in plans})
    out = {}
    for start in range(0, len(ids), IN_CHUNK):
        for score in BusinessScore.objects.filter(supplier_id__in=ids[start : start + IN_CHUNK]).filter(
            year__in={y for y, _q in periods}, quarter__in={q for _y, q in periods}
        ):
            out[(score.supplier_id, score.year, score.quarter)] = score
    return out


FIELDS = (*rules.PARTS, "note")


@transaction.atomic
def _apply(plans: list[tuple[_Row, int]], names: dict[int, str], *, actor, result: ImportResult) -> None:
    """Create and update every row in one transaction, each change with its history row."""
    existing = _existing(plans)
    now = timezone.now()
    writes: list[tuple[BusinessScore, dict]] = []
    for row, supplier_id in plans:
        key = (supplier_id, row.period.year, row.period.quarter)
        before = existing.get(key)
        old = {name: getattr(before, name) for name in FIELDS} if before else {}
        new = {name: row.values[name] for name in FIELDS}
        if before is not None and all(str(old[n]) == str(new[n]) for n in FIELDS):
            result.unchanged += 1
            continue
        changes = {n: [str(old[n]) if before else None, str(new[n])] for n in FIELDS if not before or str(old[n]) != str(new[n])}
        if before is None:
            result.created += 1
        else:
            result.updated += 1
        writes.append(
            (
                BusinessScore(
                    supplier_id=supplier_id,
                    year=row.period.year,
                    quarter=row.period.quarter,
                    source=BusinessScore.Source.IMPORT,
                    updated_by=actor if getattr(actor, "pk", None) else None,
                    updated_at=now,
                    **new,
                ),
                changes,
            )
        )
    if not writes:
        return
    scores = [score for score, _changes in writes]
    BusinessScore.objects.bulk_create(
        scores,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["supplier", "year", "quarter"],
        update_fields=[*FIELDS, "source", "updated_by", "updated_at"],
    )
    if any(score.pk is None for score in scores):  # a database that does not return ids from an upsert
        ids = {
            (s, y, q): pk
            for pk, s, y, q in BusinessScore.objects.filter(supplier_id__in={x.supplier_id for x in scores}).values_list(
                "pk", "supplier_id", "year", "quarter"
            )
        }
        for score in scores:
            score.pk = ids.get((score.supplier_id, score.year, score.quarter))
    events = [
        AuditEvent(
            at=now,
            action="business_score.imported",
            target_type=BusinessScore._meta.label_lower,
            target_id=str(score.pk),
            target_label=_("Business score %(period)s · %(supplier)s")
            % {"period": f"{score.year}Q{score.quarter}", "supplier": names.get(score.supplier_id, "")},
            supplier_id=score.supplier_id,
            changes=changes,
            reason=_("ERP import of %(file)s") % {"file": result.filename[:200]},
            **actor_fields(actor),
        )
        for score, changes in writes
    ]
    audit.record_many(events)


def import_business_scores(file, *, actor) -> ImportResult:
    """Check every cell of the file, then write all rows or, when any is wrong, nothing."""
    name = (getattr(file, "name", "") or "scores.csv").rsplit("/", 1)[-1]
    result = ImportResult(filename=name)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    try:
        table = read_table(data, name)
    except ImportFileError as exc:
        result.errors.append(str(exc))
        return result
    columns = _map_header(table, result)
    if result.errors:
        return result
    rows = _parse_rows(table, columns, timezone.localdate())
    result.rows = len(rows)
    if not rows:
        result.errors.append(_("The file has a header row but no scores."))
        return result
    known = _check_against_registry(rows)
    result.failed = sum(1 for row in rows if row.errors)
    result.errors.extend(error for row in rows for error in row.errors)
    if result.errors:
        return result
    plans = [(row, known[row.code][0]) for row in rows]
    names = {pk: name for pk, name in known.values()}
    _apply(plans, names, actor=actor, result=result)
    result.applied = True
    return result
