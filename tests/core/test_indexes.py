"""No redundant index: an index whose columns (in the same order and directions) begin another index of the same
table serves no query the longer one cannot, yet is written again for every row inserted or updated. The yearly
risk run and the quarterly ratings write 100,000 rows (issue 19), so each such index costs real time.

Read from SQLite's own catalogue (`PRAGMA index_list` / `index_xinfo`), which says which indexes are partial and
which columns are descending; the migrations are the same on PostgreSQL. Unique indexes are constraints and stay;
a partial index is deliberate and neither counts as redundant nor covers another.

The tables Django creates for a ManyToManyField without a `through` model (`suppliers_supplier_categories`,
`core_user_groups`, ...) are left out: Django gives each of their two foreign keys an index of its own, which the
unique (from, to) pair makes redundant for the first one, but dropping it would take an explicit through model for
every such field. Those tables are small (a few rows per supplier, category or user) and rarely written."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> list[dict]:
    with connection.cursor() as cursor:
        listed = cursor.execute(f'PRAGMA index_list("{table}")').fetchall()
        found = []
        for _seq, name, unique, _origin, partial in listed:
            columns = [
                (column, bool(desc))
                for _no, _cid, column, desc, _coll, key in cursor.execute(f'PRAGMA index_xinfo("{name}")').fetchall()
                if key
            ]
            found.append({"name": name, "unique": bool(unique), "partial": bool(partial), "columns": columns})
    return found


def _covers(longer: list[tuple[str, bool]], shorter: list[tuple[str, bool]]) -> bool:
    """The longer index, read forwards or backwards, starts with the shorter one."""
    if len(shorter) > len(longer) or [c for c, _ in longer[: len(shorter)]] != [c for c, _ in shorter]:
        return False
    same = [d for _, d in longer[: len(shorter)]] == [d for _, d in shorter]
    reversed_ = [not d for _, d in longer[: len(shorter)]] == [d for _, d in shorter]
    return same or reversed_


def _our_tables() -> set[str]:
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label.startswith("supplyesg") or model.__module__.startswith("supplyesg.")
        if model._meta.managed and not model._meta.auto_created  # see the module docstring
    }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's catalogue; the migrations are shared")
def test_no_index_of_ours_is_the_beginning_of_another_index_of_its_table():
    tables = _our_tables()
    assert {"suppliers_supplier", "ratings_rating", "assessments_riskassessment"} <= tables
    redundant = []
    for table in sorted(tables):
        indexes = _indexes(table)
        for short in indexes:
            if short["unique"] or short["partial"]:
                continue
            for long in indexes:
                if long is short or long["partial"] or not _covers(long["columns"], short["columns"]):
                    continue
                if long["columns"] == short["columns"] and long["name"] > short["name"] and not long["unique"]:
                    continue  # two equal indexes: report the pair once
                redundant.append(f"{table}: {short['name']} {short['columns']} begins {long['name']} {long['columns']}")
    assert not redundant, "\n".join(redundant)


def test_the_check_sees_a_redundant_index_when_there_is_one():
    assert _covers([("a", False), ("b", False)], [("a", False)])
    assert _covers([("a", False), ("b", True), ("c", True)], [("a", True), ("b", False)])  # read backwards
    assert not _covers([("a", False), ("b", False)], [("b", False)])
    assert not _covers([("a", False), ("b", True)], [("a", False), ("b", False)])
    assert not _covers([("a", False)], [("a", False), ("b", False)])
