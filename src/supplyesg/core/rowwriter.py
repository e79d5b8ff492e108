"""Writing many rows of one model in few statements, for the set-based services that write a row per supplier
(the yearly risk assessment, the quarterly ratings, their history rows).

Why not `bulk_create`: it builds a model instance per row and prepares every value through its field, about
15 µs a value, which was most of the time of rating or assessing 100,000 suppliers. Here the caller hands plain
tuples in the order of `fields`; each column's adapter (JSON, datetime, date) is chosen once per call, and the
rows go out as multi-row INSERT statements as large as the database's parameter limit allows (on PostgreSQL:
one binary array per column, unnested into rows, see `insert_rows`). Values are stored
exactly as `bulk_create` would store them (the same `connection.ops` adapters). No signals are sent and no
`pre_save` runs (no `auto_now`): pass every value the row needs. A JSON value the caller already wrote as text
(built from pieces it reuses across rows) is passed as `RawJSON(text)` and stored as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial

from django.db import connection, models

MAX_ROWS_PER_STATEMENT = 1000
# PostgreSQL: up to this many rows go as a plain VALUES list (a placeholder per value) rather than one array per
# column. A single decision's audit event took 0.56 ms as arrays (each column dumped as an array in Python and
# unnested on the server) against about 0.15 ms as a one-row INSERT (bench/cmrt_import.py, one-by-one acceptance).
# Product default.
SMALL_ROWS = 10


class RawJSON(str):
    """A JSON value already serialised by the caller (valid JSON text, as `json.dumps` writes it)."""


class _RawEncoder(json.JSONEncoder):
    """Gives a RawJSON value back as it is. Every backend's JSON adapter serialises through the encoder class it is
    given (SQLite: json.dumps; PostgreSQL: Jsonb with json.dumps), so this works on both."""

    def encode(self, o):
        return str(o) if isinstance(o, RawJSON) else super().encode(o)


def _json_adapter(field: models.Field):
    plain = partial(connection.ops.adapt_json_value, encoder=field.encoder)
    raw = partial(connection.ops.adapt_json_value, encoder=_RawEncoder)

    def adapt(value):
        return raw(value) if type(value) is RawJSON else plain(value)

    return adapt


def _json_text_adapter(field: models.Field):
    """JSON as text, serialised as Django's PostgreSQL adapter would (json.dumps with the field's encoder)."""
    dumps = partial(json.dumps, cls=field.encoder) if field.encoder else json.dumps

    def adapt(value):
        return str(value) if type(value) is RawJSON else dumps(value)

    return adapt


def _adapter(field: models.Field, as_text: bool = False):
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "JSONField":
        return _json_text_adapter(field) if as_text else _json_adapter(field)
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    return None


def _parameter_limit() -> int | None:
    """The database's real limit of parameters per statement. Django's SQLite feature says 999 (SQLite's default
    before 3.32); the library in use says its own (32,766 since 3.32), so statements carry 30 times more rows."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        getlimit = getattr(connection.connection, "getlimit", None)  # Python 3.11+
        if getlimit is not None:
            import sqlite3

            return getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params


def _server_binding_cursor_class():
    """PostgreSQL with psycopg 3: Django's cursor class that sends the parameters apart from the statement."""
    if connection.vendor != "postgresql":
        return None
    from django.db.backends.postgresql import base

    return getattr(base, "ServerBindingCursor", None) if base.is_psycopg3 else None


@contextmanager
def _cursor() -> Iterator:
    """A cursor for one INSERT, wrapped like Django's own (execute wrappers and the debug query log apply).

    On PostgreSQL the parameters are bound on the server, whatever the connection's setting: by default Django's
    psycopg 3 cursor writes every value into the statement's text on the client (an assessment batch became 3.6 MB
    of SQL with its JSON quoted, escaped here and read back by the server's parser; bench/risk_recompute.py)."""
    cursor_class = _server_binding_cursor_class()
    if cursor_class is None:
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = cursor_class(connection.connection)
    wrapped = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with wrapped as cursor:
        yield cursor


def _rows_per_statement(columns: int) -> int:
    limit = _parameter_limit()
    if not limit:
        return MAX_ROWS_PER_STATEMENT
    return max(1, min(MAX_ROWS_PER_STATEMENT, limit // columns))


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence],
    *,
    conflict_fields: Sequence[str] = (),
    update_fields: Sequence[str] = (),
    ignore_conflicts: bool = False,
    returning: Sequence[str] = (),
) -> list[tuple]:
    """INSERT `rows` (tuples of values in the order of `fields`, model field names) into `model`'s table.

    With `conflict_fields` and `update_fields`: an upsert (`ON CONFLICT (...) DO UPDATE SET f = EXCLUDED.f`), as
    `bulk_create(update_conflicts=True)`; with `ignore_conflicts`, rows that would break a unique constraint are
    left out (`ON CONFLICT DO NOTHING`), as `bulk_create(ignore_conflicts=True)`. With `returning`: the values of
    those fields of every written row, in no promised order (return a key with them). Call inside the caller's
    transaction."""
    meta = model._meta
    chosen = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    by_columns = _server_binding_cursor_class() is not None
    adapters = [(i, fn) for i, field in enumerate(chosen) if (fn := _adapter(field, as_text=by_columns)) is not None]
    columns = ", ".join(quote(field.column) for field in chosen)
    suffix = ""
    if conflict_fields and update_fields:
        conflict = ", ".join(quote(meta.get_field(name).column) for name in conflict_fields)
        updates = ", ".join(
            f"{quote(column)} = EXCLUDED.{quote(column)}" for column in (meta.get_field(name).column for name in update_fields)
        )
        suffix = f" ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    elif ignore_conflicts:
        suffix = " ON CONFLICT DO NOTHING"
    if returning:
        suffix += " RETURNING " + ", ".join(quote(meta.get_field(name).column) for name in returning)
    placeholder = "(" + ", ".join(["%s"] * len(chosen)) + ")"
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) "
    values_head = head + "VALUES "  # SQLite always; PostgreSQL for a few rows (SMALL_ROWS)
    # PostgreSQL: one array parameter per column, unnested into rows, instead of a placeholder per value. psycopg
    # reads every placeholder of a statement again on each call (statements this long are not cached): about 66 ms
    # of Python for a 13,000-placeholder batch of assessments, more than the server took to store it. The server
    # plans 13 parameters instead of 13,000 too.
    # Arrays go in psycopg's binary format (%b): as text, every value was quoted and escaped into an array literal
    # and parsed back on the server, 300 ms for 1,000 explanations against 73 ms. JSON goes as text[] and is cast
    # per value.
    if by_columns:
        json_columns = {i for i, field in enumerate(chosen) if field.get_internal_type() == "JSONField"}
        arrays = ", ".join(
            f"%b::{'text' if i in json_columns else field.db_type(connection)}[]" for i, field in enumerate(chosen)
        )
        # cast to the column's own type: jsonb, or json for a core.fields.JSONTextField
        values = ", ".join(
            f"c{i}::{field.db_type(connection)}" if i in json_columns else f"c{i}" for i, field in enumerate(chosen)
        )
        names = ", ".join(f"c{i}" for i in range(len(chosen)))
        per_statement = MAX_ROWS_PER_STATEMENT
        # a few rows: a placeholder per value, JSON cast from its text as in the arrays
        placeholder = (
            "("
            + ", ".join(f"%s::{field.db_type(connection)}" if i in json_columns else "%s" for i, field in enumerate(chosen))
            + ")"
        )
        head += f"SELECT {values} FROM unnest({arrays}) AS r({names})"
    else:
        per_statement = _rows_per_statement(len(chosen))
    out: list[tuple] = []

    # The last value adapted per column and what it became: the set-based services write the same timestamp object
    # in every row of a batch, adapted once instead of once per row. Only for dates and times (immutable).
    last: dict[int, tuple[object, object]] = {i: (None, None) for i, _fn in adapters}
    immutable = {i for i, field in enumerate(chosen) if field.get_internal_type() in ("DateTimeField", "DateField")}

    def flush(chunk: list[Sequence]) -> None:
        params: list = []
        adapted: list[Sequence] = []
        for row in chunk:
            if adapters:
                row = list(row)
                for i, fn in adapters:
                    value = row[i]
                    if value is None:
                        continue
                    before, after = last[i]
                    if value is before:
                        row[i] = after
                        continue
                    row[i] = fn(value)
                    if i in immutable:
                        last[i] = (value, row[i])
            adapted.append(row)
        if by_columns and len(chunk) > SMALL_ROWS:
            sql = head + suffix
            params = [list(column) for column in zip(*adapted, strict=True)]
        else:
            sql = values_head + ", ".join([placeholder] * len(chunk)) + suffix
            for row in adapted:
                params.extend(row)
        with _cursor() as cursor:
            cursor.execute(sql, params)
            if returning:
                out.extend(tuple(r) for r in cursor.fetchall())

    chunk: list[Sequence] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == per_statement:
            flush(chunk)
            chunk = []
    if chunk:
        flush(chunk)
    return out
