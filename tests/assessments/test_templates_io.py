"""Questionnaire templates as xlsx: export, the blank, and import as a new version with cell errors."""

import io
import zipfile

import openpyxl
import pytest

from supplyesg.assessments import catalogue
from supplyesg.assessments.models import Question, QuestionnaireTemplate, Section
from supplyesg.assessments.templates_io import (
    QUESTION_COLUMNS,
    blank_template_xlsx,
    export_filename,
    export_template_xlsx,
    import_template_xlsx,
    read_template_workbook,
)
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent
from tests.hostile_workbooks import corpus


@pytest.fixture
def shipped_template(db):
    catalogue.load_catalogue_file()
    return catalogue.load_template_file().obj


def workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def save(book) -> bytes:
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()


def as_new_version(content: bytes, version="2027.1"):
    book = workbook(content)
    book["Template"]["B2"] = version
    return book


def column(name: str) -> str:
    return openpyxl.utils.get_column_letter(QUESTION_COLUMNS.index(name) + 1)


def row_of(book, code: str) -> int:
    sheet = book["Questions"]
    return next(cell.row for cell in sheet[column("code")] if cell.value == code)


def without_version(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "version"}


def test_the_export_holds_every_field_of_every_question(shipped_template):
    content = export_template_xlsx(shipped_template)
    book = workbook(content)
    assert book.sheetnames == ["Template", "Sections", "Questions", "Instructions"]
    assert [c.value for c in book["Template"][2]][:2] == ["ssr-esg-self-assessment", "2026.1"]
    questions = book["Questions"]
    assert [c.value for c in questions[1]] == list(QUESTION_COLUMNS)
    assert questions.max_row == 1 + Question.objects.count()
    row = row_of(book, "MS-05")
    assert (
        questions[f"{column('choices')}{row}"].value.splitlines()[0]
        == "iso9001=20|ISO 9001 (quality)|ISO 9001（质量）"
    )
    assert (
        questions[f"{column('choices')}{row}"].value.splitlines()[-1]
        == "none=0|None of these|以上均无|exclusive"
    )
    row = row_of(book, "LAB-05")
    # Keys are sorted: PostgreSQL's jsonb does not keep their order, and the export must not depend on it.
    assert questions[f"{column('scoring')}{row}"].value == '{"no":100,"yes":0}'
    assert questions[f"{column('requirements')}{row}"].value == "ILO-C138;ILO-C182;RBA-A2"
    assert (
        questions[f"{column('critical')}{row}"].value,
        questions[f"{column('knockout_level')}{row}"].value,
    ) == ("yes", "high")
    assert export_filename(shipped_template) == "ssr-esg-self-assessment-2026.1.xlsx"


def test_an_exported_template_reads_back_exactly(shipped_template):
    data, _locations, problems = read_template_workbook(export_template_xlsx(shipped_template))
    normalised, _catalogue, issues = catalogue.check_template(data)
    assert problems == [] and issues == []
    assert normalised == catalogue.template_to_data(shipped_template)


def test_importing_an_export_as_a_new_version_round_trips_exactly(shipped_template, compliance):
    content = save(as_new_version(export_template_xlsx(shipped_template)))
    result = import_template_xlsx(content, actor=compliance, filename="ssr-2027.xlsx")
    new = result.obj
    assert (new.code, new.version) == ("ssr-esg-self-assessment", "2027.1")
    assert without_version(catalogue.template_to_data(new)) == without_version(
        catalogue.template_to_data(shipped_template)
    )
    assert QuestionnaireTemplate.objects.count() == 2
    event = AuditEvent.objects.get(action="questionnaire_template.imported")
    assert event.actor == compliance and event.changes["questions"] == [None, Question.objects.count() // 2]
    again = export_template_xlsx(new)
    book = workbook(again)
    book["Template"]["B2"] = "2026.1"
    assert [[c.value for c in row] for row in book["Questions"].iter_rows()] == [
        [c.value for c in row]
        for row in workbook(export_template_xlsx(shipped_template))["Questions"].iter_rows()
    ]


def test_text_that_looks_like_a_formula_survives_the_round_trip_and_cannot_run(shipped_template, compliance):
    question = Question.objects.get(section__template=shipped_template, code="MS-01")
    question.help = '=HYPERLINK("http://evil.example","click")'
    question.help_zh = "'quoted"
    question.save()
    content = export_template_xlsx(shipped_template)
    cell = workbook(content)["Questions"][f"{column('help')}{row_of(workbook(content), 'MS-01')}"]
    assert cell.data_type == "s" and cell.value == question.help
    new = import_template_xlsx(save(as_new_version(content)), actor=compliance).obj
    imported = Question.objects.get(section__template=new, code="MS-01")
    assert (imported.help, imported.help_zh) == (question.help, "'quoted")


def test_the_blank_workbook_has_the_sheets_headers_and_instructions(db):
    book = workbook(blank_template_xlsx())
    assert book.sheetnames == ["Template", "Sections", "Questions", "Instructions"]
    assert [c.value for c in book["Questions"][1]] == list(QUESTION_COLUMNS)
    assert book["Questions"].max_row == 1
    assert any("value=score|label|label_zh" in (c.value or "") for c in book["Instructions"]["B"])
    kinds = next(v for v in book["Questions"].data_validations.dataValidation if "yes_no" in v.formula1)
    assert "C2" in str(kinds.sqref)


def test_a_filled_in_blank_imports_as_a_new_template(db, compliance):
    catalogue.load_catalogue_file()
    book = workbook(blank_template_xlsx())
    book["Template"].append(
        ["supplier-lite", "1", "Supplier lite check", "供应商简易检查", "", "", "code-of-conduct", ""]
    )
    book["Sections"].append(["LAB", "Labour", "劳工"])
    row = dict.fromkeys(QUESTION_COLUMNS, "")
    row.update(
        section="LAB",
        code="L1",
        kind="yes_no",
        text="Child labour found?",
        text_zh="发现童工？",
        scoring='{"yes":0,"no":100}',
        weight=3,
        critical="yes",
        knockout_values="yes",
        knockout_level="high",
        requirements="ILO-C138",
    )
    book["Questions"].append([row[name] for name in QUESTION_COLUMNS])
    row.update(
        code="L2",
        kind="multiple",
        text="Grievance channels",
        text_zh="申诉渠道",
        scoring="",
        weight="",
        critical="",
        knockout_values="",
        knockout_level="",
        requirements="RBA-E8;RBA-D6",
        choices="hotline=50|Hotline|热线\nbox=50|Box|意见箱\nnone|None|无|exclusive",
        required="no",
    )
    book["Questions"].append([row[name] for name in QUESTION_COLUMNS])
    template = import_template_xlsx(save(book), actor=compliance).obj
    first, second = Question.objects.filter(section__template=template).order_by("order")
    assert (first.critical, first.knockout_level, first.weight, first.required) == (True, "high", 3, True)
    assert second.choices[-1] == {"value": "none", "label": "None", "label_zh": "无", "exclusive": True}
    assert (second.required, second.weight) == (False, 1)
    assert sorted(second.requirements.values_list("code", flat=True)) == ["RBA-D6", "RBA-E8"]


def edit(book, code: str, name: str, value):
    book["Questions"][f"{column(name)}{row_of(book, code)}"] = value
    return f"Questions!{column(name)}{row_of(book, code)}"


@pytest.mark.parametrize(
    ("code", "name", "value", "message"),
    [
        ("MS-01", "kind", "dropdown", "The type must be one of yes_no"),
        ("LAB-01", "required", "maybe", "enter yes or no"),
        ("LAB-04", "choices", "original|Only two parts", "choice line 1 must be value=score|label|label_zh"),
        (
            "LAB-04",
            "choices",
            "original=lots|A|甲\nnone=0|B|乙",
            "choice line 1: the score lots is not a number",
        ),
        ("LAB-05", "scoring", '{"yes":0,', "scoring is not valid JSON"),
        ("LAB-05", "scoring", "[1, 2]", "scoring must be a JSON object"),
        ("LAB-05", "weight", "heavy", "weight must be a number with at most two decimals"),
        ("LAB-05", "knockout_values", "perhaps", "The knock-out answer perhaps is not an answer of LAB-05"),
        ("LAB-06", "show_if_code", "NOPE", "The question NOPE it depends on does not exist."),
        ("LAB-06", "show_if_values", "sometimes", "sometimes is not an answer of LAB-05"),
        ("LAB-05", "requirements", "ILO-C138;RBA-Z9", "the requirement RBA-Z9 is not in the catalogue"),
        ("LAB-05", "text_zh", "", "text_zh is required"),
        ("LAB-05", "section", "XX", "there is no section XX on the Sections sheet"),
        ("MS-02", "scoring", '{"bands":[{"max":10}]}', "Scoring band 1 needs a score from 0 to 100."),
    ],
)
def test_an_import_error_names_the_cell_and_changes_nothing(
    shipped_template, compliance, code, name, value, message
):
    book = as_new_version(export_template_xlsx(shipped_template))
    cell = edit(book, code, name, value)
    before = (
        QuestionnaireTemplate.objects.count(),
        Section.objects.count(),
        Question.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(RuleViolation) as caught:
        import_template_xlsx(save(book), actor=compliance)
    assert caught.value.messages[0] == "The template was not imported; nothing was changed:"
    assert any(m.startswith(f"{cell}: ") and message in m for m in caught.value.messages), (
        caught.value.messages
    )
    assert (
        QuestionnaireTemplate.objects.count(),
        Section.objects.count(),
        Question.objects.count(),
        AuditEvent.objects.count(),
    ) == before


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "message"),
    [
        ("Template", "B2", "2026.1", "Template!B2: version 2026.1 of ssr-esg-self-assessment already exists"),
        ("Template", "A2", "Not A Slug", "Template!A2: template: code Not A Slug must be a slug"),
        ("Template", "D2", None, "Template!D2: template: title_zh is required."),
        (
            "Template",
            "G2",
            "other-code",
            "Template!G2: The requirement catalogue other-code 2026.1 is not loaded",
        ),
        ("Sections", "A3", "MS", "Sections!A3: the section code MS is used twice."),
        ("Sections", "C4", None, "Sections!C4: section HS: title_zh is required."),
    ],
)
def test_template_and_section_errors_name_their_cell(
    shipped_template, compliance, sheet, cell, value, message
):
    book = as_new_version(export_template_xlsx(shipped_template))
    book[sheet][cell] = value
    with pytest.raises(RuleViolation) as caught:
        import_template_xlsx(save(book), actor=compliance)
    assert any(m.startswith(message) for m in caught.value.messages), caught.value.messages
    assert QuestionnaireTemplate.objects.count() == 1


def test_every_bad_cell_is_reported_at_once(shipped_template, compliance):
    book = as_new_version(export_template_xlsx(shipped_template))
    cells = [
        edit(book, "MS-01", "required", "maybe"),
        edit(book, "LAB-05", "scoring", "{"),
        edit(book, "PL-07", "weight", "x"),
    ]
    with pytest.raises(RuleViolation) as caught:
        import_template_xlsx(save(book), actor=compliance)
    reported = [m.split(": ", 1)[0] for m in caught.value.messages[1:]]
    assert set(cells) <= set(reported)


def test_a_missing_column_or_sheet_is_named(shipped_template, compliance):
    book = as_new_version(export_template_xlsx(shipped_template))
    book["Questions"][f"{column('weight')}1"] = "points"
    del book["Sections"]
    with pytest.raises(RuleViolation) as caught:
        import_template_xlsx(save(book), actor=compliance)
    assert "The workbook has no sheet named Sections." in caught.value.messages
    book = as_new_version(export_template_xlsx(shipped_template))
    book["Questions"][f"{column('weight')}1"] = "points"
    with pytest.raises(RuleViolation) as caught:
        import_template_xlsx(save(book), actor=compliance)
    assert "Questions!1: the column weight is missing from the header row." in caught.value.messages


def test_an_empty_blank_is_refused_naming_where_to_start(db, compliance):
    with pytest.raises(RuleViolation) as caught:
        import_template_xlsx(blank_template_xlsx(), actor=compliance)
    assert "Template!A2: template: code is required." in caught.value.messages
    assert any(m.startswith("Sections!A2: ") for m in caught.value.messages)


def _zip(members: dict) -> bytes:
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return handle.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"%PDF-1.4 not a workbook", "The file is not an .xlsx workbook."),
        (_zip({"word/document.xml": "<w/>"}), "The file is not an .xlsx workbook."),
        (
            _zip({"xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": '<c r="XFD1048576"/>'}),
            "reaches past row 9,999 or column ZZ",
        ),
        (_zip({"xl/workbook.xml": "<broken"}), "not a readable .xlsx workbook"),
    ],
)
def test_a_file_that_is_not_a_template_workbook_is_refused(db, compliance, content, message):
    with pytest.raises(RuleViolation) as caught:
        import_template_xlsx(content, actor=compliance)
    assert any(message in m for m in caught.value.messages), caught.value.messages
    assert QuestionnaireTemplate.objects.count() == 0


@pytest.mark.parametrize("name", sorted(corpus()))
def test_the_template_import_refuses_each_hostile_workbook_and_creates_nothing(db, compliance, name):
    data, _phrase = corpus()[name]
    before = QuestionnaireTemplate.objects.count()
    with pytest.raises(RuleViolation) as caught:
        import_template_xlsx(data, actor=compliance)
    assert len(caught.value.messages) >= 2  # "not imported; nothing was changed:" and the reason
    assert QuestionnaireTemplate.objects.count() == before
