"""Reading LMS completion records: xAPI statements and Moodle's completion report (no database)."""

import json
from datetime import date
from decimal import Decimal

import pytest

from supplyesg.engagement.lms import MOODLE_COLUMNS, iso_duration_hours, read_moodle, read_xapi

ADL = "http://adlnet.gov/expapi/verbs/"


def statement(verb="completed", **extra):
    body = {
        "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "actor": {"mbox": "mailto:Li.Wei@alpha.example", "name": "Li  Wei"},
        "verb": {"id": ADL + verb},
        "object": {"id": "https://lms.example.com/course/ISO-RBA-01"},
        "timestamp": "2026-03-31T08:00:00Z",
        "result": {"score": {"scaled": 0.86}, "duration": "PT1H30M", "completion": True},
    }
    body.update(extra)
    return body


@pytest.mark.parametrize(
    ("text", "hours"), [("PT1H30M", "1.50"), ("PT45M", "0.75"), ("P1DT2H", "26.00"), ("PT90S", "0.03"), ("PT2H", "2.00")]
)
def test_iso_8601_durations_become_hours(text, hours):
    assert iso_duration_hours(text) == Decimal(hours)


@pytest.mark.parametrize("text", ["1h", "PT", "P", "", "PT1.5X"])
def test_a_duration_that_is_not_iso_8601_is_refused(text):
    with pytest.raises(ValueError):
        iso_duration_hours(text)


def test_a_completed_statement_gives_the_learner_course_score_and_hours():
    (row,) = read_xapi(json.dumps([statement()]).encode())
    assert (row.email, row.name, row.course_code) == ("li.wei@alpha.example", "Li Wei", "ISO-RBA-01")
    assert (row.held_on, row.completed, row.score, row.hours, row.passed) == (
        date(2026, 3, 31),
        True,
        Decimal("86.00"),
        Decimal("1.50"),
        None,
    )
    assert row.external_id == "xapi:6690e6c9-3ef0-4ed3-8b37-7f3964730bee" and row.errors == []


def test_passed_and_failed_verbs_decide_the_result_and_other_verbs_are_not_completions():
    rows = read_xapi(
        json.dumps([statement("passed", id="a"), statement("failed", id="b"), statement("experienced", id="c")]).encode()
    )
    assert [(r.external_id, r.passed, r.completed) for r in rows] == [("xapi:a", True, True), ("xapi:b", False, True)]


def test_a_statement_result_from_an_lrs_is_read_too():
    assert len(read_xapi(json.dumps({"statements": [statement()], "more": ""}).encode())) == 1


def test_each_problem_names_the_statement_field():
    bad = statement(actor={"name": ""}, timestamp="yesterday", result={"score": {"scaled": 1.5}, "duration": "90 minutes"})
    (row,) = read_xapi(json.dumps([bad]).encode())
    assert [e.split(":")[0] for e in row.errors] == [
        "actor.mbox",
        "actor.name",
        "timestamp",
        "result.score.scaled",
        "result.duration",
    ]


def test_a_file_that_is_not_a_list_of_statements_is_refused():
    with pytest.raises(ValueError, match="not JSON"):
        read_xapi(b"{not json")
    with pytest.raises(ValueError, match="list"):
        read_xapi(b'{"verb": "completed"}')


def test_moodle_rows_completed_are_read_and_rows_not_completed_are_left_out():
    text = (
        ",".join(MOODLE_COLUMNS)
        + "\n"
        + "\n".join(
            [
                "ISO-RBA-01,Wei,Li,LI.WEI@alpha.example,2026-03-31,86,2",
                "ISO-RBA-01,Mei,Wang,wang.mei@alpha.example,,,",
                "ISO-RBA-01,Hui,Chen,chen@beta.example,31/03/2026,85%,",
            ]
        )
    )
    rows = read_moodle(text)
    assert [(r.line, r.email, r.name, r.score, r.hours, r.held_on) for r in rows] == [
        (2, "li.wei@alpha.example", "Wei Li", Decimal("86"), Decimal("2"), date(2026, 3, 31)),
        (4, "chen@beta.example", "Hui Chen", Decimal("85"), None, date(2026, 3, 31)),
    ]
    assert rows[0].external_id == "moodle:ISO-RBA-01:li.wei@alpha.example"


def test_moodle_problems_name_the_line_and_column():
    text = ",".join(MOODLE_COLUMNS) + "\n" + ",Wei,Li,,2026-13-45,120,many\n"
    (row,) = read_moodle(text)
    assert [e.split(":")[0] for e in row.errors] == ["Course", "Email address", "Date completed", "Grade", "Hours"]


def test_a_moodle_file_without_the_report_columns_is_refused():
    with pytest.raises(ValueError, match="missing columns: Course"):
        read_moodle("Name,Email\nLi,li@example.com\n")
