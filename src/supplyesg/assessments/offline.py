"""The offline round trip: a response as an .xlsx to fill in without a connection, and reading it back.

The workbook has a sheet "Answers" with one row per question (code, question in English and Chinese, type,
allowed values, the current answer in column E, whether it is required, section, reviewer's comment) and a
sheet "About" naming the response it belongs to. Questions shown only for some answers are listed with that
condition, so a supplier can answer them offline; on upload they count only when the condition holds.

Reading it back is cell by cell: a workbook whose layout is not ours (another sheet, changed headers, unknown
or repeated codes, values outside column E, another response) is refused whole, naming the cell, and nothing
changes. Otherwise every valid answer in column E is saved as a draft and each bad one is reported as
`Answers!E12: MS-4 Annual electricity use: Enter a number ...` and not stored. An empty cell leaves the saved
answer as it is, so nothing already saved is lost by an upload.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from supplyesg.assessments import questionnaires
from supplyesg.assessments.models import Question, Response
from supplyesg.core.errors import RuleViolation
from supplyesg.core.sheets.cells import FORMULA_PREFIXES, clean_text, xlsx_row
from supplyesg.core.sheets.formats import as_percent_cell, percent_cells
from supplyesg.core.sheets.numbers import FRACTION, NumberProblem, PercentCell, percentage
from supplyesg.core.workbooks import guard, isolation
from supplyesg.core.workbooks.grids import Grids, read_here
from supplyesg.core.workbooks.messages import problem_message, unsafe_message

SHEET = "Answers"
ABOUT = "About"
ANSWER_COLUMN = 5  # E
# Bilingual on purpose and never translated: a workbook downloaded in one language is uploaded in another.
HEADERS = (
    "Code / 编号",
    "Question",
    "问题",
    "Type / 类型",
    "Your answer / 您的回答",
    "Allowed values / 可填写的值",
    "Required / 必答",
    "Section / 部分",
    "Reviewer's comment / 审核意见",
)
INFO_COLUMNS = (2, 3, 4, 6, 7, 8, 9)  # B, C, D, F, G, H, I: written by us, compared on upload
COMMENT_COLUMN = 9
KIND_NAMES = {
    Question.Kind.YES_NO: "yes/no · 是/否",
    Question.Kind.SINGLE: "single choice · 单选",
    Question.Kind.MULTIPLE: "multiple choice · 多选",
    Question.Kind.NUMBER: "number · 数字",
    Question.Kind.PERCENT: "percentage · 百分比",
    Question.Kind.DATE: "date · 日期",
    Question.Kind.TEXT: "text · 文字",
    Question.Kind.FILE: "file · 文件",
}
MAX_UNCOMPRESSED = 50 * 1024 * 1024
# Checked before the workbook is parsed (in a limited child): no macros, no lying counts, bounded sheets.
LIMITS = guard.Limits(max_total_uncompressed=MAX_UNCOMPRESSED, max_sheet_cells=1_000_000)
EXTRA_ROWS = 200  # rows read past the last question, to find stray values
MAX_COLUMNS = 30
WIDTHS = {1: 12, 2: 48, 3: 36, 4: 18, 5: 36, 6: 40, 7: 12, 8: 24, 9: 36}


def _clean(value):
    return clean_text(value) if isinstance(value, str) else value


def _unescape(value: str) -> str:
    """Workbooks downloaded before cells were written as plain strings have an apostrophe before formula-like text."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES) else value


def _same(a, b) -> bool:
    def norm(v):
        if v is None:
            return ""
        return " ".join(_unescape(str(v)).split())

    return norm(a) == norm(b)


def _allowed(question: Question) -> str:
    lines = []
    kind = question.kind
    if kind == Question.Kind.YES_NO:
        lines.append("yes = Yes / 是 · no = No / 否")
    elif kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        for choice in question.choices or []:
            lines.append(f"{choice.get('value')} = {choice.get('label', '')} / {choice.get('label_zh', '')}")
        if kind == Question.Kind.MULTIPLE:
            lines.append("; between several values · 多个值用 ; 分隔")
    elif kind == Question.Kind.NUMBER:
        lines.append(f"number · 数字{f' ({question.unit})' if question.unit else ''}")
    elif kind == Question.Kind.PERCENT:
        lines.append("0-100 (%)")
    elif kind == Question.Kind.DATE:
        lines.append("YYYY-MM-DD")
    elif kind == Question.Kind.TEXT:
        lines.append("text · 文字")
    else:
        lines.append("upload the file in the portal · 请在门户网站上传文件")
    if question.show_if_code:
        values = ", ".join(str(v) for v in question.show_if_values)
        lines.append(
            f"only if {question.show_if_code} = {values} · 仅当 {question.show_if_code} = {values} 时回答"
        )
    return "\n".join(lines)


def _cell_answer(question: Question, answer):
    if answer is None:
        return None
    if question.kind == Question.Kind.FILE:
        return answer.evidence_name or None
    value = answer.value
    if value is None:
        return None
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if question.kind == Question.Kind.DATE and isinstance(value, str):
        try:
            return date.fromisoformat(value)  # a real date cell
        except ValueError:
            return value
    return value


def _row(question: Question, answer) -> list:
    return [
        question.code,
        question.text,
        question.text_zh,
        KIND_NAMES.get(question.kind, question.kind),
        _cell_answer(question, answer),
        _allowed(question),
        "yes · 是" if question.required else "no · 否",
        f"{question.section.title} / {question.section.title_zh}",
        (answer.reviewer_comment if answer is not None and answer.needs_work else "") or None,
    ]


def _expected_rows(response: Response):
    questions = questionnaires.template_questions(response.campaign.template)
    answers = {a.question_id: a for a in response.answers.all()}
    return [(q, answers.get(q.pk), [_clean(v) for v in _row(q, answers.get(q.pk))]) for q in questions]


def build_workbook(response: Response) -> bytes:
    """The response as an .xlsx: column E is for the answers, the other columns are for reading."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    bold = Font(bold=True)
    answer_fill = PatternFill("solid", fgColor="FFF7D6")
    sheet.append(xlsx_row(sheet, HEADERS, font=bold))
    rows = _expected_rows(response)
    for _question, _answer, cells in rows:
        sheet.append(xlsx_row(sheet, cells, text_columns={0}))
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2, max_row=len(rows) + 1):
        for cell in row:
            cell.alignment = wrap
        row[ANSWER_COLUMN - 1].fill = answer_fill
        row[ANSWER_COLUMN - 1].protection = Protection(locked=False)
    for column, width in WIDTHS.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "B2"
    for index, (question, _answer, _cells) in enumerate(rows, start=2):
        values = None
        if question.kind == Question.Kind.YES_NO:
            values = ["yes", "no"]
        elif question.kind == Question.Kind.SINGLE:
            values = [str(c.get("value")) for c in question.choices or []]
        if values and len(",".join(values)) < 250:
            validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
            validation.error = _("Choose one of the allowed values in column F.")
            sheet.add_data_validation(validation)
            validation.add(f"E{index}")
    about = workbook.create_sheet(ABOUT)
    campaign = response.campaign
    template = campaign.template
    for label, value in (
        ("response", response.pk),
        ("supplier", f"{response.supplier.code} {response.supplier.legal_name}"),
        ("campaign", campaign.name),
        ("template", f"{template.code} {template.version}"),
        ("due date", campaign.due_date),
        (
            "how to",
            _("Write your answers in column E of the sheet Answers, then upload this file in the portal."),
        ),
    ):
        about.append(xlsx_row(about, [label, value]))
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_name(response: Response) -> str:
    return f"questionnaire-{response.supplier.code}-{response.campaign_id}.xlsx"


# ---------------------------------------------------------------- upload


@dataclass
class UploadResult:
    """Cells read, answers saved, and per cell the sentence saying why it was not."""

    saved: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    read: int = 0


def _open(data: bytes) -> "_GridBook":
    _kind, problem = guard.inspect_workbook(data, LIMITS)
    if problem and problem.code in ("corrupt", "not_excel", "empty"):
        raise RuleViolation(_("file: the file is not a readable .xlsx workbook (it may be damaged)."))
    if problem and problem.code == "zip_bomb":
        raise RuleViolation(_("file: the workbook expands to more than 50 MB; it is not a filled questionnaire."))
    if problem:
        raise RuleViolation(_("file: %(problem)s") % {"problem": problem_message(problem)})
    try:
        grids = isolation.call(read_here, data, (SHEET, ABOUT))
    except isolation.UnsafeFile as exc:
        raise RuleViolation(_("file: %(problem)s") % {"problem": unsafe_message(exc.reason)}) from None
    if grids.error:
        raise RuleViolation(_("file: the file is not a readable .xlsx workbook (it may be damaged)."))
    return _GridBook(grids)


def _plain(value):
    """calamine's value as the read-only openpyxl workbook gave it: None for empty, whole numbers as int."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _GridSheet:
    def __init__(self, rows: list[list]):
        self.rows = rows
        self.max_column = max((len(row) for row in rows), default=0)

    def iter_rows(self, *, min_row: int, max_row: int, max_col: int, values_only: bool = True):
        for row in self.rows[min_row - 1 : max_row]:
            yield tuple(_plain(value) for value in row[:max_col])


class _GridBook:
    """The sheets read in the isolated child, shaped like the read-only openpyxl workbook this module used."""

    def __init__(self, grids: Grids):
        self.grids = grids
        self.sheetnames = grids.sheet_names

    def __getitem__(self, name: str) -> _GridSheet:
        return _GridSheet(self.grids.sheets.get(name, []))

    def close(self) -> None:
        self.grids = Grids([])


def _read_rows(sheet, max_row: int) -> list[tuple[int, list]]:
    width = min(max(sheet.max_column or len(HEADERS), len(HEADERS)), MAX_COLUMNS)
    out = []
    for index, row in enumerate(
        sheet.iter_rows(min_row=1, max_row=max_row, max_col=width, values_only=True), 1
    ):
        cells = list(row) + [None] * (width - len(row))
        out.append((index, cells))
    return out


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_value(value):
    """A cell as the engine reads answers: text, a plain number, an ISO date, yes/no for booleans."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, PercentCell):
        return value.stored
    if isinstance(value, str):
        return _unescape(value.strip())
    return value


def _check_layout(workbook, response: Response, expected) -> list[tuple[int, Question, object]]:
    """(row, question, cell value) per filled answer cell; RuleViolation naming the cell if foreign."""
    if SHEET not in workbook.sheetnames:
        raise RuleViolation(
            _(
                "file: the workbook has no sheet %(sheet)s; download the questionnaire again and write your "
                "answers in column E."
            )
            % {"sheet": SHEET}
        )
    if ABOUT in workbook.sheetnames:
        about = workbook[ABOUT]
        cells = [list(r) for r in about.iter_rows(min_row=1, max_row=1, max_col=2, values_only=True)]
        marker = cells[0][1] if cells and len(cells[0]) > 1 else None
        if marker is not None and str(marker).strip() != str(response.pk):
            raise RuleViolation(
                _("%(cell)s: this workbook belongs to another questionnaire; download this one again.")
                % {"cell": f"{ABOUT}!B1"}
            )
    rows = _read_rows(workbook[SHEET], len(expected) + 1 + EXTRA_ROWS)
    header = rows[0][1] if rows else []
    for column, title in enumerate(HEADERS, start=1):
        found = header[column - 1] if column - 1 < len(header) else None
        if not _same(found, title):
            raise RuleViolation(
                _(
                    "%(cell)s: the header should be “%(expected)s” but is “%(found)s”; this is not the "
                    "questionnaire workbook as downloaded."
                )
                % {"cell": f"{SHEET}!{get_column_letter(column)}1", "expected": title, "found": found or ""}
            )
    by_code = {question.code: (question, cells) for question, _answer, cells in expected}
    seen: dict[str, int] = {}
    filled = []
    for index, cells in rows[1:]:
        code = cells[0]
        for column in range(len(HEADERS) + 1, len(cells) + 1):
            if not _blank(cells[column - 1]):
                raise RuleViolation(
                    _("%(cell)s: there is a value outside the table; answers belong in column E only.")
                    % {"cell": f"{SHEET}!{get_column_letter(column)}{index}"}
                )
        if _blank(code):
            for column in range(2, len(HEADERS) + 1):
                if not _blank(cells[column - 1]):
                    raise RuleViolation(
                        _("%(cell)s: there is a value in a row without a question code in column A.")
                        % {"cell": f"{SHEET}!{get_column_letter(column)}{index}"}
                    )
            continue
        code = str(code).strip()
        if code not in by_code:
            raise RuleViolation(
                _("%(cell)s: %(code)s is not a question of this questionnaire.")
                % {"cell": f"{SHEET}!A{index}", "code": code}
            )
        if code in seen:
            raise RuleViolation(
                _("%(cell)s: the question %(code)s is listed twice (also in row %(row)s).")
                % {"cell": f"{SHEET}!A{index}", "code": code, "row": seen[code]}
            )
        seen[code] = index
        question, expected_cells = by_code[code]
        for column in INFO_COLUMNS:
            if column == COMMENT_COLUMN and _blank(cells[column - 1]):
                continue  # downloaded before the answers were returned
            if not _same(cells[column - 1], expected_cells[column - 1]):
                raise RuleViolation(
                    _(
                        "%(cell)s: this column is for reading only and was changed; write the answer to "
                        "%(code)s in column E."
                    )
                    % {"cell": f"{SHEET}!{get_column_letter(column)}{index}", "code": code}
                )
        value = cells[ANSWER_COLUMN - 1]
        if not _blank(value):
            filled.append((index, question, value))
    return filled


def _percent_answer(value):
    """A percentage question's cell as typed: 35, "35 %" and a percent-formatted 35 % (0.35) all give 35."""
    if isinstance(value, str) and not value.strip().endswith(("%", "％")):
        return _unescape(value.strip())  # other text: the engine explains what it expects
    number = percentage(value, low=Decimal("-Infinity"), high=Decimal("Infinity"))
    return int(number) if number == number.to_integral_value() else number


def _percent_error(question: Question, problem: NumberProblem) -> str:
    text = {"code": question.code, "text": questionnaires.question_text(question), "value": problem.text}
    if problem.kind == FRACTION:
        return _(
            "%(code)s %(text)s: %(value)s looks like a fraction; write the percentage from 0 to 100 "
            "(35 or 35 %%, not 0.35)."
        ) % text
    return _("%(code)s %(text)s: “%(value)s” is not a percentage; write a number from 0 to 100.") % text


def read_upload(response: Response, data: bytes, *, actor) -> UploadResult:
    """Save an uploaded workbook's valid answers as a draft, report each bad cell; refuse a foreign file."""
    expected = _expected_rows(response)
    workbook = _open(data)
    try:
        filled = _check_layout(workbook, response, expected)
    finally:
        workbook.close()
    answers_by_code = {q.code: a for q, a, _cells in expected}
    result = UploadResult(read=len(filled))
    raw, cell_of = {}, {}
    percent = percent_cells(data, SHEET)
    for index, question, value in filled:
        ref = f"{SHEET}!{get_column_letter(ANSWER_COLUMN)}{index}"
        if (index, ANSWER_COLUMN - 1) in percent:
            value = as_percent_cell(value)  # a cell showing 35 % holds 0.35
        if question.kind == Question.Kind.PERCENT:
            try:
                value = _percent_answer(value)
            except NumberProblem as problem:
                result.errors.append(f"{ref}: " + _percent_error(question, problem))
                continue
        if question.kind == Question.Kind.FILE:
            current = answers_by_code.get(question.code)
            if not _same(value, current.evidence_name if current is not None else ""):
                result.errors.append(
                    f"{ref}: "
                    + _(
                        "%(code)s %(text)s: attach files in the portal; "
                        "a file name in the workbook is not evidence."
                    )
                    % {"code": question.code, "text": questionnaires.question_text(question)}
                )
            continue
        raw[question.code] = _cell_value(value)
        cell_of[question.code] = ref
    if not raw:
        return result
    draft = questionnaires.save_draft(response, raw, actor=actor)
    result.saved = draft.saved
    for code, message in draft.errors.items():
        result.errors.append(f"{cell_of.get(code, SHEET)}: {message}")
    return result
