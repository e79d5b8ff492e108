"""Units of number questions are words of the reader's language, not the English of the data file."""

import json
from pathlib import Path

from supplyesg.assessments import units

DATA = Path(units.__file__).resolve().parent / "data"


def shipped_units() -> set[str]:
    found = set()
    for path in DATA.glob("questionnaire_*.json"):
        for section in json.loads(path.read_text(encoding="utf-8")).get("sections", []):
            found |= {q["unit"] for q in section.get("questions", []) if q.get("unit")}
    return found


def test_every_unit_of_the_shipped_questionnaires_has_a_translatable_label():
    assert {"workers", "hours", "MWh"} <= shipped_units()
    assert shipped_units() <= set(units.UNIT_LABELS)


def test_a_unit_the_table_does_not_know_is_shown_as_written():
    assert units.unit_label("kg CO2 per part") == "kg CO2 per part"
    assert units.unit_label("") == ""
