"""The offline round trip: download a response as .xlsx, fill it in, upload it, validated cell by cell."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from supplyesg.assessments import offline, questionnaires
from supplyesg.assessments.models import Response
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent
from tests.assessments.factories_assessments import make_campaign, make_question, make_response, make_template
from tests.hostile_workbooks import corpus

pytestmark = pytest.mark.django_db
ROW = {
    "MS-1": 2,
    "MS-2": 3,
    "MS-3": 4,
    "MS-4": 5,
    "MS-5": 6,
    "MS-6": 7,
    "MS-7": 8,
    "LAB-1": 9,
    "LAB-2": 10,
    "LAB-3": 11,
}


@pytest.fixture
def response(supplier_a):
    return make_response(supplier_a, make_campaign(make_template()))


def edit_workbook(data: bytes, edit) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    edit(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def workbook_with(response, answers: dict) -> bytes:
    """The downloaded workbook with `answers` typed into column E."""

    def fill(workbook):
        sheet = workbook[offline.SHEET]
        for code, value in answers.items():
            assert sheet[f"A{ROW[code]}"].value == code
            sheet[f"E{ROW[code]}"] = value

    return edit_workbook(offline.build_workbook(response), fill)


def values(response):
    return questionnaires.answer_values(response)


def test_the_workbook_has_one_row_per_question_with_both_languages_and_the_current_answer(
    response, supplier_a_user
):
    questionnaires.save_draft(
        response, {"MS-2": "iso9001", "MS-3": ["discharge", "hazwaste"]}, actor=supplier_a_user
    )
    sheet = load_workbook(io.BytesIO(offline.build_workbook(response)))[offline.SHEET]
    assert [c.value for c in sheet[1]] == list(offline.HEADERS)
    assert [sheet[f"A{n}"].value for n in range(2, 12)] == list(ROW)
    assert (
        sheet["B3"].value == "Which management system is certified?"
        and sheet["C3"].value == "哪个管理体系已获认证？"
    )
    assert sheet["E3"].value == "iso9001" and sheet["E4"].value == "discharge; hazwaste"
    assert "iso14001 = ISO 14001 / ISO 14001" in sheet["F3"].value
    assert "only if LAB-1 = yes" in sheet["F10"].value  # a conditional question, listed with its condition


def test_text_that_looks_like_a_formula_is_escaped(response, supplier_a_user):
    questionnaires.save_draft(response, {"LAB-3": '=HYPERLINK("http://evil")'}, actor=supplier_a_user)
    sheet = load_workbook(io.BytesIO(offline.build_workbook(response)))[offline.SHEET]
    assert sheet["E11"].value == '=HYPERLINK("http://evil")' and sheet["E11"].data_type == "s"


def test_a_filled_workbook_round_trips_into_a_draft(response, supplier_a_user):
    data = workbook_with(
        response,
        {
            "MS-1": "yes",
            "MS-2": "ISO 14001",
            "MS-3": "discharge; hazwaste",
            "MS-4": 800,
            "MS-5": 62.5,
            "MS-6": dt.datetime(2025, 3, 1),
            "LAB-1": "否",
            "LAB-3": "'=not a formula",
        },
    )
    result = offline.read_upload(response, data, actor=supplier_a_user)
    assert result.errors == []
    assert values(response) == {
        "MS-1": "yes",
        "MS-2": "iso14001",
        "MS-3": ["discharge", "hazwaste"],
        "MS-4": 800,
        "MS-5": 62.5,
        "MS-6": "2025-03-01",
        "LAB-1": "no",
        "LAB-3": "=not a formula",
    }
    response.refresh_from_db()
    assert response.status == Response.Status.DRAFT
    assert AuditEvent.objects.filter(
        action="questionnaire_response.saved", supplier=response.supplier
    ).exists()


def test_bad_cells_are_named_and_not_stored_while_the_rest_is_saved(response, supplier_a_user):
    questionnaires.save_draft(response, {"MS-4": "800", "MS-5": "20"}, actor=supplier_a_user)
    data = workbook_with(response, {"MS-1": "maybe", "MS-4": "a lot", "MS-5": 150, "MS-2": "iso9001"})
    result = offline.read_upload(response, data, actor=supplier_a_user)
    assert result.saved == ["MS-2"]
    assert result.errors == [
        "Answers!E2: MS-1 Do you have a written code of conduct?: Answer yes or no.",
        "Answers!E5: MS-4 Annual electricity use: Enter a number, for example 1250 or 12.5.",
        "Answers!E6: MS-5 Share of waste recycled: Enter a percentage between 0 and 100.",
    ]
    assert values(response) == {"MS-4": 800, "MS-5": 20, "MS-2": "iso9001"}  # nothing saved is lost


def test_an_empty_cell_leaves_the_saved_answer(response, supplier_a_user):
    questionnaires.save_draft(response, {"MS-1": "yes", "MS-4": "800"}, actor=supplier_a_user)
    data = workbook_with(response, {"MS-4": None, "MS-1": "  "})
    result = offline.read_upload(response, data, actor=supplier_a_user)
    assert result.saved == [] and result.errors == []
    assert values(response) == {"MS-1": "yes", "MS-4": 800}


def test_a_file_name_typed_in_the_workbook_is_not_evidence(response, supplier_a_user):
    result = offline.read_upload(
        response, workbook_with(response, {"MS-7": "policy.pdf"}), actor=supplier_a_user
    )
    assert result.errors == [
        "Answers!E8: MS-7 Upload your environmental policy: attach files in the portal; "
        "a file name in the workbook is not evidence."
    ]


def test_a_conditional_answer_counts_only_when_its_condition_holds(response, supplier_a_user):
    result = offline.read_upload(
        response, workbook_with(response, {"LAB-1": "no", "LAB-2": "n/a"}), actor=supplier_a_user
    )
    assert result.errors == [] and values(response) == {"LAB-1": "no"}
    offline.read_upload(
        response, workbook_with(response, {"LAB-1": "yes", "LAB-2": "Sent to school"}), actor=supplier_a_user
    )
    assert values(response) == {"LAB-1": "yes", "LAB-2": "Sent to school"}


@pytest.mark.parametrize(
    ("edit", "cell"),
    [
        (lambda wb: setattr(wb[offline.SHEET], "title", "Sheet1"), "file: the workbook has no sheet Answers"),
        (lambda wb: wb[offline.SHEET].__setitem__("E1", "Answer"), "Answers!E1:"),
        (lambda wb: wb[offline.SHEET].__setitem__("A5", "MS-99"), "Answers!A5: MS-99 is not a question"),
        (
            lambda wb: wb[offline.SHEET].__setitem__("A6", "MS-4"),
            "Answers!A6: the question MS-4 is listed twice",
        ),
        (
            lambda wb: wb[offline.SHEET].__setitem__("F5", "800"),
            "Answers!F5: this column is for reading only",
        ),
        (lambda wb: wb[offline.SHEET].__setitem__("D5", 800), "Answers!D5: this column is for reading only"),
        (
            lambda wb: wb[offline.SHEET].__setitem__("J5", 800),
            "Answers!J5: there is a value outside the table",
        ),
        (
            lambda wb: wb[offline.SHEET].__setitem__("E30", "yes"),
            "Answers!E30: there is a value in a row without",
        ),
        (
            lambda wb: wb[offline.ABOUT].__setitem__("B1", 999999),
            "About!B1: this workbook belongs to another",
        ),
    ],
)
def test_a_workbook_whose_layout_is_not_ours_is_refused_whole_naming_the_cell(
    response, supplier_a_user, edit, cell
):
    questionnaires.save_draft(response, {"MS-4": "800"}, actor=supplier_a_user)

    def change(workbook):
        workbook[offline.SHEET]["E2"] = "no"  # a valid answer that must not be saved either
        edit(workbook)

    data = edit_workbook(offline.build_workbook(response), change)
    with pytest.raises(RuleViolation) as caught:
        offline.read_upload(response, data, actor=supplier_a_user)
    assert caught.value.messages[0].startswith(cell), caught.value.messages
    assert values(response) == {"MS-4": 800}


def test_a_workbook_of_another_template_version_is_refused(response, supplier_a_user, supplier_b):
    other = make_response(supplier_b, make_campaign(make_template()))
    make_question(other.campaign.template.sections.get(code="LAB"), "LAB-9", text="Extra question")
    data = offline.build_workbook(other)
    with pytest.raises(RuleViolation) as caught:
        offline.read_upload(response, data, actor=supplier_a_user)
    assert caught.value.messages[0].startswith("About!B1:")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 broken", "not a readable .xlsx"),
        (b"", "not a readable .xlsx"),
    ],
)
def test_damaged_files_are_refused(response, supplier_a_user, data, message):
    with pytest.raises(RuleViolation, match=message):
        offline.read_upload(response, data, actor=supplier_a_user)


def test_a_zip_bomb_is_refused_before_it_is_opened(response, supplier_a_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (offline.MAX_UNCOMPRESSED + 1))
    with pytest.raises(RuleViolation, match="expands to more than 50 MB"):
        offline.read_upload(response, buffer.getvalue(), actor=supplier_a_user)


def test_an_upload_to_a_submitted_questionnaire_is_refused(response, supplier_a_user):
    data = workbook_with(response, {"MS-1": "yes"})
    Response.objects.filter(pk=response.pk).update(status=Response.Status.SUBMITTED)
    with pytest.raises(RuleViolation, match="cannot be changed now"):
        offline.read_upload(response, data, actor=supplier_a_user)
    assert values(response) == {}


def test_a_percentage_typed_with_a_percent_format_is_saved_as_typed(response, supplier_a_user):
    def fill(workbook):
        sheet = workbook[offline.SHEET]
        sheet["E6"] = 0.35  # what a spreadsheet stores for 35 % typed into MS-5
        sheet["E6"].number_format = "0%"

    result = offline.read_upload(response, edit_workbook(offline.build_workbook(response), fill), actor=supplier_a_user)
    assert result.errors == []
    assert values(response)["MS-5"] == 35


def test_percent_text_is_saved_and_a_bare_fraction_is_refused_naming_the_cell(response, supplier_a_user):
    result = offline.read_upload(response, workbook_with(response, {"MS-5": "62.5 %"}), actor=supplier_a_user)
    assert result.errors == [] and values(response)["MS-5"] == 62.5
    result = offline.read_upload(response, workbook_with(response, {"MS-5": 0.35}), actor=supplier_a_user)
    assert len(result.errors) == 1 and result.errors[0].startswith("Answers!E6: MS-5 ")
    assert "0.35 looks like a fraction" in result.errors[0]
    assert values(response)["MS-5"] == 62.5  # the saved answer is kept


@pytest.mark.parametrize("name", sorted(corpus()))
def test_the_questionnaire_workbook_import_refuses_each_hostile_workbook(response, supplier_a_user, name):
    data, _phrase = corpus()[name]
    before = values(response)
    with pytest.raises(RuleViolation) as caught:
        offline.read_upload(response, data, actor=supplier_a_user)
    assert caught.value.messages[0].startswith("file: ")
    assert values(response) == before


def test_a_questionnaire_workbook_read_by_the_child_keeps_its_answers(response, supplier_a_user):
    """Values come back from the isolated reader as openpyxl gave them: whole numbers, text, empty cells."""
    result = offline.read_upload(response, workbook_with(response, {"MS-1": "yes"}), actor=supplier_a_user)
    assert not result.errors, result.errors
    assert values(response)["MS-1"] in (True, "yes")
