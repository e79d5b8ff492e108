"""The layers of the house (README "Layers"), as import-linter contracts in pyproject.toml.

`make test` runs `lint-imports`; these tests run the same contracts so that `pytest` alone catches an import that
runs up the house, and show that each contract bites: an import the house forbids, added to the real graph,
breaks it.
"""

import copy
from pathlib import Path

import grimp
import pytest
from importlinter import cli
from importlinter.application.use_cases import read_user_options
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
CONTRACT_TYPES = {"layers": LayersContract, "forbidden": ForbiddenContract}


@pytest.fixture(scope="module")
def options():
    return read_user_options(str(PYPROJECT))


@pytest.fixture(scope="module")
def graph(options):
    session = options.session_options
    externals = str(session.get("include_external_packages")).lower() == "true"
    return grimp.build_graph(*session["root_packages"], include_external_packages=externals, cache_dir=None)


def check(options, graph, contract_id: str, *added_imports: tuple[str, str]) -> bool:
    """Whether the contract is kept by the real import graph plus `added_imports` (importer, imported)."""
    contract_options = next(c for c in options.contracts_options if c.get("id") == contract_id)
    contract = CONTRACT_TYPES[contract_options["type"]](
        name=contract_options["name"], session_options=options.session_options, contract_options=contract_options
    )
    changed = copy.deepcopy(graph)
    for importer, imported in added_imports:
        changed.add_import(importer=importer, imported=imported)
    return contract.check(changed, verbose=False).kept


def test_the_code_keeps_every_layer_contract_as_lint_imports_reports_it(capsys):
    result = cli.lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert result == cli.EXIT_STATUS_SUCCESS, report
    assert "Contracts: 5 kept, 0 broken." in report


def test_every_contract_is_named_in_the_test_so_a_new_one_cannot_go_unchecked(options):
    assert [c.get("id") for c in options.contracts_options] == ["apps", "pure", "inside-apps", "writes-below-pages", "jobs"]


@pytest.mark.parametrize(
    "importer, imported",
    [
        ("supplyesg.suppliers.views.registry", "supplyesg.assessments.risk.services"),
        ("supplyesg.suppliers.services.registry", "supplyesg.audits.models"),
        ("supplyesg.core.history", "supplyesg.suppliers.models"),
        ("supplyesg.core.models", "supplyesg.minerals.models"),
    ],
)
def test_a_lower_app_importing_a_higher_one_breaks_the_app_layers(options, graph, importer, imported):
    assert check(options, graph, "apps")
    assert not check(options, graph, "apps", (importer, imported))


def test_the_domain_apps_may_use_one_another(options, graph):
    assert check(options, graph, "apps", ("supplyesg.ratings.services", "supplyesg.minerals.models"))


@pytest.mark.parametrize(
    "importer",
    ["supplyesg.minerals.cmrt.reader", "supplyesg.assessments.engine.scoring", "supplyesg.core.matching.companies",
     "supplyesg.ratings.rules", "supplyesg.audits.rules"],
)
def test_a_plain_python_module_importing_django_breaks_its_contract(options, graph, importer):
    assert check(options, graph, "pure")
    assert not check(options, graph, "pure", (importer, "django"))


def test_a_plain_python_module_reaching_django_through_another_module_breaks_it_too(options, graph):
    assert not check(options, graph, "pure", ("supplyesg.ratings.rules", "supplyesg.core.models"))


@pytest.mark.parametrize(
    "importer, imported",
    [
        ("supplyesg.audits.models", "supplyesg.audits.services"),
        ("supplyesg.suppliers.services.registry", "supplyesg.suppliers.views.registry"),
        ("supplyesg.ratings.services", "supplyesg.ratings.forms"),
        ("supplyesg.ratings.services", "supplyesg.ratings.tasks"),
        ("supplyesg.ratings.tasks", "supplyesg.ratings.api"),
    ],
)
def test_inside_an_app_a_lower_module_importing_a_higher_one_breaks_it(options, graph, importer, imported):
    assert check(options, graph, "inside-apps")
    assert not check(options, graph, "inside-apps", (importer, imported))


@pytest.mark.parametrize(
    "importer, imported",
    [
        ("supplyesg.ratings.services", "supplyesg.suppliers.forms.registry"),
        ("supplyesg.minerals.cases.services", "supplyesg.minerals.cases.views"),
        ("supplyesg.suppliers.models.registry", "supplyesg.api"),
        ("supplyesg.assessments.tasks", "supplyesg.audits.api"),
    ],
)
def test_models_services_and_tasks_importing_pages_of_any_app_break_it(options, graph, importer, imported):
    assert check(options, graph, "writes-below-pages")
    assert not check(options, graph, "writes-below-pages", (importer, imported))


@pytest.mark.parametrize(
    "importer, imported",
    [
        ("supplyesg.assessments.risk.jobs", "supplyesg.assessments.tasks"),
        ("supplyesg.minerals.bulk", "supplyesg.minerals.tasks"),
        ("supplyesg.ratings.services", "supplyesg.ratings.tasks"),
        ("supplyesg.audits.services.conduct", "supplyesg.suppliers.tasks"),
    ],
)
def test_a_service_importing_a_tasks_module_breaks_the_jobs_contract(options, graph, importer, imported):
    assert check(options, graph, "jobs")
    assert not check(options, graph, "jobs", (importer, imported))


def test_the_views_still_start_tasks_directly(options, graph):
    assert check(options, graph, "jobs", ("supplyesg.ratings.views", "supplyesg.ratings.tasks"))
