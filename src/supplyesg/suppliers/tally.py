"""Exact supplier counts without counting rows, on PostgreSQL (models/tally.py says why).

`install` creates the statement triggers that append the changes to SupplierTally and rebuilds the tally from the
supplier table, under a lock that holds writers off for that moment; it runs after every `migrate` (apps.py), so
a tally is exact whatever happened before (a restored dump, a trigger dropped by hand). TRUNCATE empties it too.

`count(queryset)` answers `queryset.count()`: from the tally when the queryset is the whole supplier table or
filtered on status and tier alone (the supplier list's and the API's first pages, the registry dashboard), by
counting otherwise (a search, a country, a portal user's own supplier) and always on SQLite. It reads the
queryset's own conditions, so a filter it does not know sends it to COUNT(*) rather than to a wrong figure."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models.expressions import Col
from django.db.models.lookups import Exact
from django.db.models.sql.where import AND

from supplyesg.suppliers.models import Supplier

SUPPLIER_TABLE = "suppliers_supplier"
TALLY_TABLE = "suppliers_suppliertally"
FUNCTION = "suppliers_tally"
TRIGGERS = {"INSERT": "suppliers_tally_insert", "DELETE": "suppliers_tally_delete", "UPDATE": "suppliers_tally_update"}
TRUNCATE_TRIGGER = "suppliers_tally_truncate"
FOLD_AT = 64  # rows in the tally before a reader folds them into one per (status, tier)

# One function for the three statement triggers: the rows a statement added count +1, the rows it removed -1, an
# update only where the status or tier changed. Grouped, so a bulk insert of 100,000 suppliers appends a few rows.
_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION "{FUNCTION}"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO "{TALLY_TABLE}" (status, tier, n) SELECT status, tier, COUNT(*) FROM added GROUP BY status, tier;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO "{TALLY_TABLE}" (status, tier, n) SELECT status, tier, -COUNT(*) FROM removed GROUP BY status, tier;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO "{TALLY_TABLE}" (status, tier, n)
        SELECT status, tier, SUM(n) FROM (
            SELECT r.status, r.tier, -1 AS n FROM removed r JOIN added a ON a.id = r.id
            WHERE a.status <> r.status OR a.tier <> r.tier
            UNION ALL
            SELECT a.status, a.tier, 1 FROM removed r JOIN added a ON a.id = r.id
            WHERE a.status <> r.status OR a.tier <> r.tier
        ) moved GROUP BY status, tier HAVING SUM(n) <> 0;
    ELSE
        DELETE FROM "{TALLY_TABLE}";
    END IF;
    RETURN NULL;
END $$
"""

_TRANSITIONS = {
    "INSERT": "NEW TABLE AS added",
    "DELETE": "OLD TABLE AS removed",
    "UPDATE": "OLD TABLE AS removed NEW TABLE AS added",
}


def _statements() -> list[str]:
    out = [_FUNCTION_SQL]
    for event, name in TRIGGERS.items():
        out.append(f'DROP TRIGGER IF EXISTS "{name}" ON "{SUPPLIER_TABLE}"')
        out.append(
            f'CREATE TRIGGER "{name}" AFTER {event} ON "{SUPPLIER_TABLE}" REFERENCING {_TRANSITIONS[event]} '
            f'FOR EACH STATEMENT EXECUTE FUNCTION "{FUNCTION}"()'
        )
    out.append(f'DROP TRIGGER IF EXISTS "{TRUNCATE_TRIGGER}" ON "{SUPPLIER_TABLE}"')
    out.append(
        f'CREATE TRIGGER "{TRUNCATE_TRIGGER}" AFTER TRUNCATE ON "{SUPPLIER_TABLE}" '
        f'FOR EACH STATEMENT EXECUTE FUNCTION "{FUNCTION}"()'
    )
    return out


def install(conn=None) -> None:
    """PostgreSQL: (re)create the triggers and rebuild the tally from the suppliers. SQLite: nothing to do."""
    conn = conn or connection
    if conn.vendor == "sqlite":
        return
    if conn.vendor != "postgresql":
        raise ImproperlyConfigured(f"SupplyESG runs on SQLite or PostgreSQL, not {conn.vendor}")
    from django.db import transaction

    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        # SHARE: suppliers can be read but not written until the tally is rebuilt and the triggers are in place.
        cursor.execute(f'LOCK TABLE "{SUPPLIER_TABLE}" IN SHARE MODE')
        for sql in _statements():
            cursor.execute(sql)
        cursor.execute(f'DELETE FROM "{TALLY_TABLE}"')
        cursor.execute(
            f'INSERT INTO "{TALLY_TABLE}" (status, tier, n) '
            f'SELECT status, tier, COUNT(*) FROM "{SUPPLIER_TABLE}" GROUP BY status, tier'
        )


def uninstall(conn=None) -> None:
    conn = conn or connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        for name in [*TRIGGERS.values(), TRUNCATE_TRIGGER]:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{SUPPLIER_TABLE}"')
        cursor.execute(f'DROP FUNCTION IF EXISTS "{FUNCTION}"()')


def installed(conn=None) -> bool:
    conn = conn or connection
    if conn.vendor != "postgresql":
        return False
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_trigger WHERE tgname = ANY(%s) AND NOT tgisinternal",
            [[*TRIGGERS.values(), TRUNCATE_TRIGGER]],
        )
        return cursor.fetchone()[0] == len(TRIGGERS) + 1


def after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: reinstall when both tables exist (not while migrating back before the tally)."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor == "postgresql" and {SUPPLIER_TABLE, TALLY_TABLE} <= set(conn.introspection.table_names()):
        install(conn)


def _conditions(queryset) -> dict | None:
    """{"status": ..., "tier": ...} (either or both) when the queryset is the supplier table filtered by equality on
    those alone; None when it is anything else."""
    query = queryset.query
    if (
        query.model is not Supplier
        or query.distinct
        or query.combinator
        or query.low_mark
        or query.high_mark is not None
        or query.extra
        or query.annotations
        or len(query.alias_map) > 1
        or query.where.negated
        or query.where.connector != AND
    ):
        return None
    found: dict = {}
    for child in query.where.children:
        if not isinstance(child, Exact) or not isinstance(child.lhs, Col) or hasattr(child.rhs, "resolve_expression"):
            return None
        field = child.lhs.target
        if field.model is not Supplier or field.name not in ("status", "tier") or field.name in found:
            return None
        found[field.name] = child.rhs
    return found


def count(queryset) -> int:
    """`queryset.count()`, read from the tally where it can be (see the module docstring)."""
    if connection.vendor != "postgresql":
        return queryset.count()
    conditions = _conditions(queryset)
    if conditions is None:
        return queryset.count()
    where = " AND ".join(f"{name} = %s" for name in conditions) or "TRUE"
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(SUM(n), 0), COUNT(*) FROM "{TALLY_TABLE}" WHERE {where}', list(conditions.values()))
        total, rows = cursor.fetchone()
    if rows > FOLD_AT:
        fold()
    return int(total)


def by_status_and_tier() -> dict[tuple[str, int], int] | None:
    """{(status, tier): suppliers} from the tally on PostgreSQL; None on SQLite (count there)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT status, tier, SUM(n), COUNT(*) FROM "{TALLY_TABLE}" GROUP BY status, tier')
        rows = cursor.fetchall()
    if sum(r[3] for r in rows) > FOLD_AT:
        fold()
    return {(status, tier): int(n) for status, tier, n, _rows in rows if n}


def fold() -> None:
    """Replace the tally's rows by one per (status, tier). One statement: the rows it deletes are those its snapshot
    sees, and their sums go back in; rows other transactions append meanwhile are left as they are, and a second
    fold at the same time waits for the first and then finds its rows gone, so no change is lost or counted twice."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'WITH gone AS (DELETE FROM "{TALLY_TABLE}" RETURNING status, tier, n) '
            f'INSERT INTO "{TALLY_TABLE}" (status, tier, n) '
            "SELECT status, tier, SUM(n) FROM gone GROUP BY status, tier HAVING SUM(n) <> 0"
        )
