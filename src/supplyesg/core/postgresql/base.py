"""Django's PostgreSQL backend, with the parameter limit that server-side binding brings.

Why: PostgreSQL plans every statement it is sent. Our pages' reads are joins of five to seven tables (a lot with its
material, supplier, site, party and smelter; a supplier with its summary), which PostgreSQL takes 0.5-1 ms to plan
and 0.1 ms to run, and the trace is a recursive walk that takes longer to plan than to run. Against SQLite in the
same process that planning was most of the difference (bench/trace_backward.py: one lot 3.3 ms against 1.2 on
SQLite). psycopg 3 prepares a statement it has run `prepare_threshold` times on a connection, so PostgreSQL plans
it once per connection; that needs server-side binding (Django's default cursor puts the values into the
statement's text on the client, and such statements are never prepared). `settings.py` turns both on
(DATABASE_PREPARE_THRESHOLD) and points the engine here.

What this adds to Django's backend: with server-side binding a statement may hold at most 65,535 parameters,
which Django 5.2 does not know for PostgreSQL, so `bulk_update` and deletes would send any number of rows in one
statement (`bulk_create` sends one array per column). The limit is declared here, and the batch size follows from
it as on SQLite.
(`__in` with a plain list of more ids than that is turned into one array parameter by core.ids.)

And a statement with an id array marked to be planned each time (`core.ids.IdArray`, from `IdList(...,
replan=True)`) is never prepared: PostgreSQL plans a prepared statement for its values five times, then may keep
a generic plan, made without the values, in which `= ANY($1::bigint[])` as a filter tests each row against the
array value by value. For the ratings' latest audits of a batch of 1,000 suppliers that read 25 ms against 2.5 ms
(the ratings of 100,000 suppliers 13.8 s against 9.1 s, bench/ratings_quarter.py). Every other statement is
prepared as before, so the many-table reads and the risk run's batches keep their plans.
"""

from django.db.backends.postgresql import base, features, operations
from django.utils.functional import cached_property

from supplyesg.core.ids import IdArray

SERVER_SIDE_PARAMETER_LIMIT = 2**16 - 1  # the protocol's count of parameters is a 16-bit integer


def uses_server_side_binding(connection) -> bool:
    return connection.settings_dict["OPTIONS"].get("server_side_binding") is True


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self):
        return SERVER_SIDE_PARAMETER_LIMIT if uses_server_side_binding(self.connection) else None


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs):
        limit = self.connection.features.max_query_params
        if limit and fields:
            per_row = len(fields)
            if per_row > 2 and fields[1] is fields[0] and getattr(fields[0], "primary_key", False):
                # bulk_update asks with [pk, pk, *fields] but sends, per row, a WHEN pk THEN value for each
                # field and the pk once more in the IN list: 2 per field + 1.
                per_row = 2 * (per_row - 2) + 1
            return max(1, limit // per_row)
        return super().bulk_batch_size(fields, objs)


def _holds_id_array(params) -> bool:
    if isinstance(params, dict):
        params = params.values()
    return any(type(value) is IdArray for value in params)


class ServerBindingCursor(base.ServerBindingCursor):
    """Django's cursor for server-side binding; a statement with an id array is sent unprepared (see above)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        if prepare is None and params and _holds_id_array(params):
            prepare = False
        return super().execute(query, params, prepare=prepare, binary=binary)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations

    def get_connection_params(self):
        params = super().get_connection_params()
        if params.get("cursor_factory") is base.ServerBindingCursor:
            params["cursor_factory"] = ServerBindingCursor
        return params
