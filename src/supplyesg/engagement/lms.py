"""Completion records from a learning-management system, read into plain rows: xAPI statements (a JSON list)
and Moodle's course completion report (CSV). No Django here; the import service matches rows to courses and
suppliers and writes them. Every problem names the row and the field, so a person can fix the file."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

VERBS = {"completed": "completed", "passed": "passed", "failed": "failed"}
MOODLE_COLUMNS = ("Course", "First name", "Last name", "Email address", "Date completed", "Grade", "Hours")
_DURATION = re.compile(
    r"^P(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


@dataclass
class CompletionRow:
    line: int  # statement number (1-based) or CSV line
    external_id: str
    course_code: str
    email: str
    name: str
    held_on: date | None
    completed: bool
    passed: bool | None  # from the verb (xAPI passed/failed); None: judge by the course's pass mark
    score: Decimal | None  # percentage 0–100
    hours: Decimal | None
    errors: list[str] = field(default_factory=list)


def iso_duration_hours(text: str) -> Decimal:
    """Hours in an ISO 8601 duration (PT1H30M -> 1.5); ValueError when it is not one."""
    match = _DURATION.match(text or "")
    if not match or text in ("P", "PT"):
        raise ValueError(text)
    parts = {k: Decimal(v) if v else Decimal(0) for k, v in match.groupdict().items()}
    hours = parts["days"] * 24 + parts["hours"] + parts["minutes"] / 60 + parts["seconds"] / 3600
    return hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _date(text: str) -> date:
    text = (text or "").strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return datetime.strptime(text, "%d/%m/%Y").date()


def read_xapi(data: bytes) -> list[CompletionRow]:
    """Statements with verb completed/passed/failed; other verbs (experienced, attempted) are not completions
    and are left out. Raises ValueError when the file is not a JSON list of statements."""
    try:
        statements = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if isinstance(statements, dict) and isinstance(statements.get("statements"), list):
        statements = statements["statements"]  # a Statement Result from an LRS
    if not isinstance(statements, list):
        raise ValueError("expected a JSON list of xAPI statements")
    rows = []
    for number, statement in enumerate(statements, start=1):
        if not isinstance(statement, dict):
            rows.append(_bad(number, "statement: not an object"))
            continue
        verb_id = str((statement.get("verb") or {}).get("id", ""))
        verb = VERBS.get(verb_id.rstrip("/").rsplit("/", 1)[-1])
        if verb is None:
            continue
        row = _bad(number)
        actor = statement.get("actor") or {}
        row.email = str(actor.get("mbox", "")).removeprefix("mailto:").strip().lower()
        row.name = " ".join(str(actor.get("name", "")).split())
        if not row.email:
            row.errors.append("actor.mbox: the learner's e-mail is missing")
        if not row.name:
            row.errors.append("actor.name: the learner's name is missing")
        object_id = str((statement.get("object") or {}).get("id", "")).rstrip("/")
        row.course_code = object_id.rsplit("/", 1)[-1]
        if not row.course_code:
            row.errors.append("object.id: the course is missing")
        row.external_id = "xapi:" + str(statement.get("id") or f"{object_id}|{row.email}|{statement.get('timestamp', '')}")
        try:
            row.held_on = _date(str(statement.get("timestamp") or statement.get("stored") or ""))
        except ValueError:
            row.errors.append("timestamp: not an ISO 8601 date and time")
        result = statement.get("result") or {}
        scaled = (result.get("score") or {}).get("scaled")
        if scaled is not None:
            try:
                value = Decimal(str(scaled))
                if not Decimal(0) <= value <= Decimal(1):
                    raise InvalidOperation
                row.score = (value * 100).quantize(Decimal("0.01"))
            except InvalidOperation:
                row.errors.append("result.score.scaled: a number from 0 to 1")
        if result.get("duration"):
            try:
                row.hours = iso_duration_hours(str(result["duration"]))
            except ValueError:
                row.errors.append("result.duration: not an ISO 8601 duration (e.g. PT1H30M)")
        row.passed = {"passed": True, "failed": False}.get(verb)
        if verb == "completed" and result.get("success") is not None:
            row.passed = bool(result["success"])
        row.completed = verb in ("completed", "passed") or bool(result.get("completion"))
        rows.append(row)
    return rows


def read_moodle(text: str) -> list[CompletionRow]:
    """Moodle's course completion report as CSV with the columns in MOODLE_COLUMNS (Grade and Hours may be
    empty; a row without "Date completed" is not completed yet and is left out)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in MOODLE_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError("missing columns: " + ", ".join(missing))
    rows = []
    for record in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in record.items() if k}
        if not any(values.values()) or not values["Date completed"]:
            continue
        row = _bad(line)
        row.course_code = values["Course"]
        row.email = values["Email address"].lower()
        row.name = " ".join(f"{values['First name']} {values['Last name']}".split())
        row.external_id = f"moodle:{row.course_code}:{row.email}"
        row.completed = True
        for column, attribute in (("Course", "course_code"), ("Email address", "email")):
            if not getattr(row, attribute):
                row.errors.append(f"{column}: required")
        if not row.name:
            row.errors.append("First name: required")
        try:
            row.held_on = _date(values["Date completed"])
        except ValueError:
            row.errors.append("Date completed: a date such as 2026-03-31")
        for column, attribute, high in (("Grade", "score", Decimal(100)), ("Hours", "hours", Decimal(1000))):
            if values[column]:
                try:
                    number = Decimal(values[column].rstrip("%").strip())
                    if not Decimal(0) <= number <= high:
                        raise InvalidOperation
                    setattr(row, attribute, number)
                except InvalidOperation:
                    row.errors.append(f"{column}: a number from 0 to {high}")
        rows.append(row)
    return rows


def _bad(line: int, error: str = "") -> CompletionRow:
    return CompletionRow(
        line=line,
        external_id="",
        course_code="",
        email="",
        name="",
        held_on=None,
        completed=False,
        passed=None,
        score=None,
        hours=None,
        errors=[error] if error else [],
    )
