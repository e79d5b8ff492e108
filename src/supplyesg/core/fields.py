"""Model fields shared by several apps."""

from __future__ import annotations

from django.db import models


class JSONTextField(models.JSONField):
    """A JSONField stored on PostgreSQL as `json` (the text as written, checked to be JSON) instead of `jsonb`.

    For a document written once per row and read whole, never searched inside: the risk assessment's explanation
    (about 3.4 KB per assessment, 100,000 written per yearly run). jsonb parses every value into its binary form
    on the way in: about 30 ms of server time per 1,000 explanations, against about 5 ms for json (issue 19,
    bench/risk_recompute.py). What jsonb would give is not used on such a column: key and containment lookups
    (`field__key=`, `__contains`, `__has_key`) and equality, which json has not (no `=` operator: no `filter(field=)`,
    no DISTINCT over the column). Key transforms (`->`) work on both. On every other database it is exactly a
    JSONField (SQLite stores JSON as text anyway)."""

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def from_db_value(self, value, expression, connection):
        # psycopg loads a json column into Python values itself (Django has it hand jsonb over as text only).
        if value is not None and not isinstance(value, str | bytes | bytearray):
            return value
        return super().from_db_value(value, expression, connection)
