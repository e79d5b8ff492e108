"""Every supplier has its SupplierSummary row (models/summary.py), whatever inserts the supplier: a form, the API, an
import, or the demo and scale data written in bulk past the ORM. A database trigger adds the row in the same
statement; the supplier list then joins the summary as an inner join and reads its risk and grade sorts from the
summary's indexes.

`install` creates the trigger and adds any missing rows. It is idempotent and runs after every `migrate`
(apps.py), because on SQLite Django rebuilds a table to alter it (a new table copied and renamed), which drops the
table's triggers: a later migration of the supplier table would otherwise lose it silently. Both databases we
support are covered; any other is refused."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

SUPPLIER_TABLE = "suppliers_supplier"
SUMMARY_TABLE = "suppliers_suppliersummary"
TRIGGER = "suppliers_summary_row"


def _statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f'CREATE TRIGGER IF NOT EXISTS "{TRIGGER}" AFTER INSERT ON "{SUPPLIER_TABLE}" FOR EACH ROW '
            f'BEGIN INSERT INTO "{SUMMARY_TABLE}" ("supplier_id", "risk_order", "latest_grade") VALUES (NEW."id", 0, \'\'); END'
        ]
    if vendor == "postgresql":
        # One INSERT per statement, not per row: a bulk insert of 100,000 suppliers adds their rows at once.
        return [
            f'CREATE OR REPLACE FUNCTION "{TRIGGER}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
            f'INSERT INTO "{SUMMARY_TABLE}" ("supplier_id", "risk_order", "latest_grade") SELECT "id", 0, \'\' FROM inserted; '
            f"RETURN NULL; END $$",
            f'DROP TRIGGER IF EXISTS "{TRIGGER}" ON "{SUPPLIER_TABLE}"',
            f'CREATE TRIGGER "{TRIGGER}" AFTER INSERT ON "{SUPPLIER_TABLE}" REFERENCING NEW TABLE AS inserted '
            f'FOR EACH STATEMENT EXECUTE FUNCTION "{TRIGGER}"()',
        ]
    raise ImproperlyConfigured(f"SupplyESG runs on SQLite or PostgreSQL, not {vendor}")


def install(connection) -> None:
    """Create the trigger (if missing) and a summary row for every supplier without one."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor):
            cursor.execute(sql)
        cursor.execute(
            f'INSERT INTO "{SUMMARY_TABLE}" ("supplier_id", "risk_order", "latest_grade") '
            f'SELECT s."id", 0, \'\' FROM "{SUPPLIER_TABLE}" s '
            f'WHERE NOT EXISTS (SELECT 1 FROM "{SUMMARY_TABLE}" m WHERE m."supplier_id" = s."id")'
        )


def uninstall(connection) -> None:
    """Drop the trigger (migrating back before the summary table existed)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'DROP TRIGGER IF EXISTS "{TRIGGER}" ON "{SUPPLIER_TABLE}"')
            cursor.execute(f'DROP FUNCTION IF EXISTS "{TRIGGER}"()')
        else:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{TRIGGER}"')


def installed(connection) -> bool:
    """Whether the trigger is there."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s AND NOT tgisinternal", [TRIGGER])
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [TRIGGER])
        return cursor.fetchone() is not None


def after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: reinstall when both tables exist (not while migrating back before the summary)."""
    from django.db import connections

    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if {SUPPLIER_TABLE, SUMMARY_TABLE} <= tables:
        install(connection)
