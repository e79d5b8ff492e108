"""Questionnaire templates as xlsx workbooks: export, a blank to fill in, and import as a new version.

Sheets: Template (row 2: code, version, titles, catalogue), Sections (a row per section, in order), Questions
(a row per question, in order; the section column says where it goes) and Instructions (ignored on import).
Cells:
- choices: one choice per line, `value=score|label|label_zh`; `value|label|label_zh` for a choice without a
  score; a fourth part `exclusive` for a choice that cannot be combined with others;
- scoring: compact JSON, e.g. {"yes":100,"no":0} or {"bands":[{"max":60,"score":100},{"score":0}]};
- knockout_values, show_if_values, requirements: codes separated by ";"; required, critical: yes or no.
Cells are written by `core.sheets.cells`: text as plain string cells (never evaluated, so text that looks like
a formula is written as it is), numbers as numbers. The import still removes the leading apostrophe older
exports put before such text, so those files re-import too.

An import is checked completely before anything is written; every error names its cell (`Questions!D7: ...`)
and a rejected file changes nothing.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from supplyesg.assessments.catalogue import (
    QUESTION_FIELDS,
    SECTION_FIELDS,
    TEMPLATE_FIELDS,
    LoadResult,
    check_template,
    create_template,
    refuse,
    template_to_data,
)
from supplyesg.assessments.engine.display import KINDS, KNOCKOUT_LEVELS
from supplyesg.assessments.models import QuestionnaireTemplate
from supplyesg.core.sheets.cells import xlsx_row
from supplyesg.core.workbooks import guard, isolation
from supplyesg.core.workbooks.grids import read_here
from supplyesg.core.workbooks.messages import problem_message, unsafe_message

TEMPLATE_SHEET, SECTIONS_SHEET, QUESTIONS_SHEET = "Template", "Sections", "Questions"
HELP_SHEET = "Instructions"
TEMPLATE_COLUMNS = TEMPLATE_FIELDS
SECTION_COLUMNS = SECTION_FIELDS
QUESTION_COLUMNS = ("section", *QUESTION_FIELDS)
# Older exports put an apostrophe before text starting with these (and before a leading apostrophe).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "'")
MAX_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_ROWS = 2000
# calamine allocates a sheet's whole used range at once: refuse cells past row 9,999 or column ZZ first.
# A template is a few hundred rows: a sheet past row 9,999 or column ZZ, or macros, are refused unread.
LIMITS = guard.Limits(
    max_file_bytes=MAX_BYTES, max_total_uncompressed=MAX_UNCOMPRESSED, max_rows=9999, max_columns=702,
    max_sheet_cells=1_000_000,
)
YES = {"yes", "y", "true", "1", "是"}
NO = {"no", "n", "false", "0", "否"}
_WIDTHS = {"text": 60, "text_zh": 40, "help": 40, "help_zh": 30, "choices": 45, "scoring": 40, "title": 45,
           "title_zh": 30, "description": 50, "description_zh": 40, "requirements": 24}
_WRAPPED = {"text", "text_zh", "help", "help_zh", "choices", "scoring", "description", "description_zh"}


def export_filename(template: QuestionnaireTemplate) -> str:
    return f"{template.code}-{template.version}.xlsx"


# ---------------------------------------------------------------- writing


def _number_text(value) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def choices_text(choices: list) -> str:
    lines = []
    for choice in choices:
        head = str(choice["value"])
        if choice.get("score") is not None:
            head += "=" + _number_text(choice["score"])
        parts = [head, choice.get("label", ""), choice.get("label_zh", "")]
        if choice.get("exclusive"):
            parts.append("exclusive")
        lines.append("|".join(str(p) for p in parts))
    return "\n".join(lines)


def _question_row(section_code: str, question: dict) -> list:
    cells = {
        "section": section_code, **question,
        "required": "yes" if question["required"] else "no",
        "critical": "yes" if question["critical"] else "no",
        "choices": choices_text(question["choices"]),
        "scoring": (json.dumps(question["scoring"], ensure_ascii=False, separators=(",", ":"), sort_keys=True)
                    if question["scoring"] else ""),
        "weight": Decimal(str(question["weight"])),
        "knockout_values": ";".join(question["knockout_values"]),
        "show_if_values": ";".join(question["show_if_values"]),
        "requirements": ";".join(question["requirements"]),
    }
    return [cells[name] for name in QUESTION_COLUMNS]


def _sheet(workbook: Workbook, title: str, columns, rows) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(xlsx_row(sheet, columns, font=Font(bold=True)))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    for index, name in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS.get(name, 14)
        if name in _WRAPPED:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _validations(workbook: Workbook) -> None:
    sheet = workbook[QUESTIONS_SHEET]
    for column, values in (("kind", KINDS), ("required", ("yes", "no")), ("critical", ("yes", "no")),
                           ("knockout_level", KNOCKOUT_LEVELS)):
        letter = get_column_letter(QUESTION_COLUMNS.index(column) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)


def _instructions(workbook: Workbook) -> None:
    rows = [
        (TEMPLATE_SHEET, _(
            "Row 2: the template's code (letters, digits, hyphens), a new version number, the titles and "
            "descriptions in English and Chinese, and the requirement catalogue (code and version) the "
            "requirement codes refer to. Importing creates this version beside the others; an existing "
            "version cannot be imported again.")),
        (SECTIONS_SHEET, _("One row per section, in the order shown to suppliers: code, title, title_zh.")),
        ("section", _("Questions: the code of the section on the Sections sheet.")),
        ("code", _("A code unique in the template, e.g. LAB-05.")),
        ("kind", _("One of: %(kinds)s.") % {"kinds": ", ".join(KINDS)}),
        ("required", _("yes or no (blank: yes). A hidden question is never required.")),
        ("unit", _("For numbers, e.g. MWh, tCO2e, hours.")),
        ("choices", _(
            "Single and multiple choice: one choice per line, value=score|label|label_zh, e.g. "
            "iso14001=30|ISO 14001|ISO 14001认证. Leave out =score for a choice without points; add "
            "|exclusive for a choice such as 'None of these' that cannot be combined.")),
        ("scoring", _(
            'JSON. Yes/no: {"yes":100,"no":0}. Number, percent, date: {"bands":[{"max":60,"score":100},'
            '{"score":0}]} (first matching band; a date is scored on its age in days, negative in the '
            'future), with optional "min"/"max" bounds for numbers and "past":true for dates. Text and file: '
            '{"answered":100}. Multiple choice: {"method":"sum"} (or max, min, mean).')),
        ("weight", _("A number from 0 to 1000 (default 1): the points of the answer are multiplied by it.")),
        ("critical", _(
            "yes for a knock-out question: an answer in knockout_values sets the risk to knockout_level "
            "(medium or high) whatever the rest says.")),
        ("knockout_values", _("Answers (yes, no or choice values) that knock out, separated by ;.")),
        ("show_if_code", _("Show the question only when this earlier yes/no or choice question ...")),
        ("show_if_values", _("... has one of these answers, separated by ;.")),
        ("requirements", _("Requirement codes of the catalogue, separated by ;, e.g. ILO-C138;RBA-A2.")),
    ]
    sheet = workbook.create_sheet(HELP_SHEET)
    sheet.append(xlsx_row(sheet, [_("Column"), _("How to fill it in")], font=Font(bold=True)))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 110
    for (cell,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def workbook_from_data(data: dict) -> bytes:
    """An xlsx workbook for template data in the shape of `template_to_data` (no sections: a blank)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    template_rows = [[data.get(name, "") for name in TEMPLATE_COLUMNS]] if data.get("code") else []
    _sheet(workbook, TEMPLATE_SHEET, TEMPLATE_COLUMNS, template_rows)
    sections = data.get("sections") or []
    _sheet(workbook, SECTIONS_SHEET, SECTION_COLUMNS,
           [[s[name] for name in SECTION_COLUMNS] for s in sections])
    _sheet(workbook, QUESTIONS_SHEET, QUESTION_COLUMNS,
           [_question_row(s["code"], q) for s in sections for q in s["questions"]])
    _validations(workbook)
    _instructions(workbook)
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()


def export_template_xlsx(template: QuestionnaireTemplate) -> bytes:
    return workbook_from_data(template_to_data(template))


def blank_template_xlsx() -> bytes:
    return workbook_from_data({})


# ---------------------------------------------------------------- reading


class _Sheet:
    def __init__(self, name: str, rows: list[list]):
        self.name, self.rows = name, rows
        self.columns: dict[str, int] = {}

    def ref(self, row: int, column: str) -> str:
        index = self.columns.get(column, 0)
        return f"{self.name}!{get_column_letter(index + 1)}{row}"

    def cell(self, row_cells: list, column: str):
        index = self.columns[column]
        return row_cells[index] if index < len(row_cells) else None


def cell_text(value) -> str:
    """A cell as text: whole numbers without .0, dates as YYYY-MM-DD, the export's apostrophe removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date)):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    text = str(value)
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def _is_blank_row(cells: list) -> bool:
    return all(cell_text(c).strip() == "" for c in cells)


def _open_workbook(content: bytes) -> tuple[dict[str, _Sheet], list[str]]:
    """The three sheets, or the reason the file cannot be read."""
    unreadable = _("The file is not a readable .xlsx workbook (it may be damaged).")
    if not content:
        return {}, [_("The file is empty.")]
    if len(content) > MAX_BYTES:
        return {}, [_("The file is larger than 5 MB; a questionnaire template is much smaller.")]
    _kind, problem = guard.inspect_workbook(content, LIMITS)
    if problem and problem.code == "sheet_too_large":
        return {}, [_("A sheet of the workbook reaches past row 9,999 or column ZZ; it cannot be a "
                      "questionnaire template.")]
    if problem and problem.code == "not_excel":
        return {}, [_("The file is not an .xlsx workbook.")]
    if problem and problem.code == "corrupt":
        return {}, [unreadable]
    if problem:
        return {}, [problem_message(problem)]
    wanted = (TEMPLATE_SHEET, SECTIONS_SHEET, QUESTIONS_SHEET)
    try:
        grids = isolation.call(read_here, content, wanted)
    except isolation.UnsafeFile as exc:
        return {}, [unsafe_message(exc.reason)]
    if grids.error:
        return {}, [unreadable]
    sheets, problems = {}, []
    for wanted_name in wanted:
        name = grids.find(wanted_name)
        if name is None:
            problems.append(_("The workbook has no sheet named %(sheet)s.") % {"sheet": wanted_name})
            continue
        sheets[wanted_name] = _Sheet(name, grids.sheets[name])
    return sheets, problems


def _read_header(sheet: _Sheet, columns, problems: list[str]) -> None:
    header = [cell_text(c).strip().casefold() for c in (sheet.rows[0] if sheet.rows else [])]
    for name in columns:
        if name in header:
            sheet.columns[name] = header.index(name)
        else:
            problems.append(_("%(sheet)s!1: the column %(column)s is missing from the header row.")
                            % {"sheet": sheet.name, "column": name})


def _parse_flag(text: str, default: bool):
    word = text.strip().casefold()
    if not word:
        return default
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(_("enter yes or no"))


def _parse_choices(text: str) -> list[dict]:
    choices = []
    for n, line in enumerate((line for line in text.splitlines() if line.strip()), start=1):
        parts = line.split("|")
        exclusive = len(parts) == 4 and parts[3].strip().casefold() == "exclusive"
        if len(parts) not in (3, 4) or (len(parts) == 4 and not exclusive):
            raise ValueError(_("choice line %(n)s must be value=score|label|label_zh (optionally |exclusive)")
                             % {"n": n})
        value, _sep, score = parts[0].partition("=")
        choice = {"value": value.strip(), "label": parts[1].strip(), "label_zh": parts[2].strip()}
        if score.strip():
            try:
                number = Decimal(score.strip())
                if not number.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                raise ValueError(_("choice line %(n)s: the score %(score)s is not a number")
                                 % {"n": n, "score": score.strip()})
            choice["score"] = int(number) if number == number.to_integral_value() else float(number)
        if exclusive:
            choice["exclusive"] = True
        choices.append(choice)
    return choices


def _parse_scoring(text: str) -> dict:
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ValueError(_("scoring is not valid JSON (%(error)s)") % {"error": exc})
    if not isinstance(value, dict):
        raise ValueError(_('scoring must be a JSON object such as {"yes":100,"no":0}'))
    return value


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n；]", text) if part.strip()]


def _question_from_row(sheet: _Sheet, number: int, cells: list, problems: list[str]) -> dict:
    question = {}
    for name in QUESTION_FIELDS:
        text = cell_text(sheet.cell(cells, name))
        try:
            if name in ("required", "critical"):
                question[name] = _parse_flag(text, name == "required")
            elif name == "choices":
                question[name] = _parse_choices(text)
            elif name == "scoring":
                question[name] = _parse_scoring(text)
            elif name == "weight":
                question[name] = text.strip() or 1
            elif name in ("knockout_values", "show_if_values", "requirements"):
                question[name] = _split(text)
            else:
                question[name] = text
        except ValueError as exc:
            problems.append(f"{sheet.ref(number, name)}: {exc}")
    return question


def read_template_workbook(content: bytes) -> tuple[dict, dict, list[str]]:
    """(template data in the data-file shape, {issue location: cell}, problems found reading the cells)."""
    sheets, problems = _open_workbook(content)
    if problems:
        return {}, {}, problems
    template_sheet, section_sheet = sheets[TEMPLATE_SHEET], sheets[SECTIONS_SHEET]
    question_sheet = sheets[QUESTIONS_SHEET]
    _read_header(template_sheet, TEMPLATE_COLUMNS, problems)
    _read_header(section_sheet, SECTION_COLUMNS, problems)
    _read_header(question_sheet, QUESTION_COLUMNS, problems)
    if problems:
        return {}, {}, problems
    locations: dict = {}
    values = template_sheet.rows[1] if len(template_sheet.rows) > 1 else []
    data = {name: cell_text(template_sheet.cell(values, name)) for name in TEMPLATE_COLUMNS}
    for name in TEMPLATE_COLUMNS:
        locations[(None, None, name)] = template_sheet.ref(2, name)
    data["sections"] = []
    section_index: dict[str, int] = {}
    for number, cells in enumerate(section_sheet.rows[1:], start=2):
        if _is_blank_row(cells):
            continue
        if len(data["sections"]) >= MAX_ROWS:
            return {}, {}, [_("The Sections sheet has more than %(max)d rows.") % {"max": MAX_ROWS}]
        section = {name: cell_text(section_sheet.cell(cells, name)) for name in SECTION_COLUMNS}
        index = len(data["sections"])
        code = section["code"].strip()
        if code and code in section_index:
            problems.append(_("%(cell)s: the section code %(code)s is used twice.")
                            % {"cell": section_sheet.ref(number, "code"), "code": code})
        section_index.setdefault(code, index)
        section["questions"] = []
        data["sections"].append(section)
        for name in SECTION_COLUMNS:
            locations[(index, None, name)] = section_sheet.ref(number, name)
    count = 0
    for number, cells in enumerate(question_sheet.rows[1:], start=2):
        if _is_blank_row(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            return {}, {}, [_("The Questions sheet has more than %(max)d rows.") % {"max": MAX_ROWS}]
        code = cell_text(question_sheet.cell(cells, "section")).strip()
        if code not in section_index:
            problems.append(_("%(cell)s: there is no section %(code)s on the Sections sheet.")
                            % {"cell": question_sheet.ref(number, "section"), "code": code or '""'})
            continue
        s_index = section_index[code]
        questions = data["sections"][s_index]["questions"]
        for name in QUESTION_COLUMNS:
            locations[(s_index, len(questions), name)] = question_sheet.ref(number, name)
        questions.append(_question_from_row(question_sheet, number, cells, problems))
    if not data["sections"]:
        locations[(0, None, "code")] = section_sheet.ref(2, "code")
    return data, locations, problems


def _issue_cell(issue, locations: dict) -> str:
    for key in ((issue.section, issue.question, issue.field), (issue.section, issue.question, "code")):
        if key in locations:
            return locations[key]
    if issue.section is not None and (issue.section, None, "code") in locations:
        return locations[(issue.section, None, "code")]
    return f"{TEMPLATE_SHEET}!A2"


@transaction.atomic
def import_template_xlsx(content: bytes, *, actor, filename: str = "") -> LoadResult:
    """Create a new template version from a workbook. RuleViolation naming every bad cell; nothing is written
    unless the whole file is right."""
    data, locations, problems = read_template_workbook(content)
    if data:
        # Check the template even when some cells could not be read, so every problem is reported at once;
        # a cell already reported is not reported again for the default its bad value was replaced with.
        normalised, catalogue, issues = check_template(data)
        reported = {problem.split(": ", 1)[0] for problem in problems}
        problems += [f"{cell}: {issue.message}" for issue in issues
                     if (cell := _issue_cell(issue, locations)) not in reported]
        exists = QuestionnaireTemplate.objects.filter(code=normalised["code"], version=normalised["version"])
        if not problems and exists.exists():
            problems.append(_("%(cell)s: version %(version)s of %(code)s already exists; enter a new "
                              "version.")
                            % {"cell": locations[(None, None, "version")], "version": normalised["version"],
                               "code": normalised["code"]})
    refuse(problems, _("The template was not imported; nothing was changed:"))
    template = create_template(normalised, catalogue, actor=actor, action="questionnaire_template.imported",
                               reason=filename[:200])
    questions = sum(len(s["questions"]) for s in normalised["sections"])
    label = _("Questionnaire template %(code)s %(version)s") % {"code": template.code,
                                                                "version": template.version}
    result = LoadResult("template", label, created=questions, obj=template)
    result.lines.append(_("created %(code)s %(version)s: %(sections)d sections, %(questions)d questions")
                        % {"code": template.code, "version": template.version,
                           "sections": len(normalised["sections"]), "questions": questions})
    return result
