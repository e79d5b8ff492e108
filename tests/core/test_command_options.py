"""Every `supplyesg` command of ours builds its options as the command line does: an option that clashes with one
Django gives every command (--version, --verbosity, --settings...) made `load_disclosure_catalogue` crash before it
started, and with it `make demo`, while the tests, calling the service, passed."""

import io

import pytest
from django.core.management import call_command, get_commands, load_command_class

OURS = sorted((name, app) for name, app in get_commands().items() if app.startswith("supplyesg"))


def test_the_project_has_commands_to_check():
    assert len(OURS) > 20 and ("load_disclosure_catalogue", "supplyesg.reporting") in OURS


@pytest.mark.parametrize(("name", "app"), OURS, ids=[name for name, _app in OURS])
def test_each_command_builds_its_options_and_prints_its_help(name, app):
    parser = load_command_class(app, name).create_parser("supplyesg", name)
    assert name in parser.format_help()


@pytest.mark.django_db
def test_the_disclosure_catalogue_loads_from_the_command_line_with_its_version_option():
    out = io.StringIO()
    call_command("load_disclosure_catalogue", "--catalogue-version", "2026.1", stdout=out)
    assert out.getvalue().startswith("Catalogue 2026.1: 89 line items")


@pytest.mark.django_db
def test_analyze_database_gives_the_planner_its_statistics(django_db_setup):
    from django.db import connection

    from tests.factories import make_supplier

    for n in range(3):
        make_supplier(legal_name=f"Analyzed {n} Ltd.")
    out = io.StringIO()
    call_command("analyze_database", stdout=out)
    assert out.getvalue().startswith(f"Planner statistics of the {connection.vendor} database refreshed in")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'suppliers_supplier'")
        else:
            cursor.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'suppliers_supplier'")
        assert cursor.fetchone()[0] > 0
