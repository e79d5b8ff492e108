"""A batch's ids as a list that Django's `__in` lookup sends without preparing each value again, and on
PostgreSQL as one array parameter.

Why: set-based services (the yearly risk assessment, the quarterly ratings) read a batch of 1,000 suppliers with
about twenty `supplier_id__in=ids` queries. Given a plain list, Django prepares every id of every query through
the field (`get_prep_value`, `get_db_prep_value`, expression checks): about 2 ms per query of 1,000 ids, a fifth of
a risk run. An `IdList` holds ints already (checked once, when it is made).

On SQLite it compiles to `IN (%s, %s, ...)` with the ids as parameters. On PostgreSQL the same lookup compiles to
`= ANY(%s::bigint[])` with the ids as ONE parameter, the array's text ('{1,2,3}'): psycopg reads a statement's text
again for every placeholder it holds (a statement longer than 4 KB, as one with 1,000 placeholders, is not cached),
about 2.5 ms of Python per query of 1,000 ids; with one parameter the statement is short and cached. PostgreSQL
plans `IN (1, 2, ...)` as `= ANY('{1,2,...}')` anyway, so the plan is the same. Django
5.2's `in` lookup has no such form, so this module registers, for the `in` lookup of every field and of foreign
keys, a subclass that differs from Django's only for an `IdList` on PostgreSQL; every other `__in` is compiled by
Django's own code, except a plain list of integer keys too long for one statement's parameters on PostgreSQL with
server-side binding (core/postgresql/base.py), which is sent as an IdList. Everything else treats an IdList as the
list it is (providers in other apps take it as their `Sequence[int]`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models.fields.related import ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class IdList(list):
    """Integer primary keys for `field__in=`; see the module docstring. Only for integer keys."""

    # What Django asks of the right-hand side of a lookup that is an expression.
    contains_aggregate = False
    contains_over_clause = False
    contains_column_references = False
    filterable = True

    def __init__(self, ids: Iterable[int] = (), *, replan: bool = False):
        super().__init__(int(pk) for pk in ids)
        self.replan = replan  # PostgreSQL: plan the statement for these ids on every run (see IdArray)

    def resolve_expression(self, *args, **kwargs) -> IdList:
        return self

    def as_sql(self, compiler, connection) -> tuple[str, list[int]]:
        if not self:
            raise EmptyResultSet  # as Django does for an empty list: the condition matches nothing
        return "(" + ", ".join(["%s"] * len(self)) + ")", list(self)

    def get_source_expressions(self) -> list:
        return []

    def relabeled_clone(self, change_map) -> IdList:
        return self

    def get_refs(self) -> set:
        return set()

    def flatten(self):
        yield self


class IdArray(str):
    """The array text of an `IdList(..., replan=True)` as bound on PostgreSQL ('{1,2,3}'). A statement holding one
    is planned for its own ids on every run, never prepared (core/postgresql/base.py).

    Why opt-in: a prepared statement is planned for its values five times and may then keep a generic plan, made
    without knowing the array. Where `= ANY($1)` is an index condition that plan is as good, and keeping it saves
    planning each batch's statements (the yearly risk run, 20,000 suppliers on PostgreSQL: recompute 2.8-3.2 s
    prepared against 4.1-4.6 s planned every time). Where it is a filter over many rows, the generic plan tests
    each row against the array one value at a time, where a plan for the values hashes them: the ratings' latest
    audits of a batch of 1,000 suppliers read 25 ms against 2.5 ms (bench/ratings_quarter.py)."""

    __slots__ = ()


def _holds_integers(field) -> bool:
    """An integer column: any integer or auto field (Django's auto fields subclass IntegerField), or a foreign key
    to one."""
    if field.is_relation:
        field = field.target_field
    return isinstance(field, models.IntegerField)


class _AnyArrayOnPostgres:
    """`lhs = ANY(%s::type[])` with the IdList as one parameter, on PostgreSQL only; else Django's `IN`."""

    def as_postgresql(self, compiler, connection):
        ids = self.rhs if isinstance(self.rhs, IdList) else self._too_many_ints(connection)
        if ids is None:
            return self.as_sql(compiler, connection)
        if not ids:
            raise EmptyResultSet
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        if len(ids) == 1:
            # One id (a decision on one file) as `= %s`: once prepared, PostgreSQL keeps a generic plan for it, as
            # good as one made for the value. For `= ANY($1)` it guesses an array of several values, finds the
            # generic plan dearer than the plans for one, and plans the statement again on every run.
            return f"{lhs_sql} = %s", (*lhs_params, ids[0])
        db_type = self.lhs.output_field.db_type(connection)  # bigint, integer: the index's own type
        # The array as its text literal, '{1,2,3}': the ids are ints, so it needs no quoting. Given a Python list,
        # psycopg dumps it element by element in Python and types it by its largest value ('{...}'::int4[], cast
        # again on the server): 4.4 ms a query of 1,000 ids against 2.0 ms as text (bench/risk_recompute.py).
        text = "{" + ",".join(map(str, ids)) + "}"
        return f"{lhs_sql} = ANY(%s::{db_type}[])", (*lhs_params, IdArray(text) if getattr(ids, "replan", False) else text)

    def _too_many_ints(self, connection) -> IdList | None:
        """A plain list of integer keys longer than a statement may hold parameters (65,535 with server-side
        binding, core/postgresql/base.py), as an IdList: one array parameter instead of an error. Any other
        right-hand side is left to Django."""
        limit = connection.features.max_query_params
        rhs = self.rhs
        if not limit or not isinstance(rhs, (list, tuple, set, frozenset)) or len(rhs) <= limit:
            return None
        if not _holds_integers(self.lhs.output_field):
            return None
        if not all(type(value) is int for value in rhs):
            return None
        return IdList(rhs)


class IdListIn(_AnyArrayOnPostgres, In):
    pass


class IdListRelatedIn(_AnyArrayOnPostgres, RelatedIn):
    pass


models.Field.register_lookup(IdListIn, "in")
ForeignObject.register_lookup(IdListRelatedIn, "in")
