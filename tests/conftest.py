"""Named personas shared by every view and API test.

- compliance: an internal compliance manager (full write access to suppliers)
- viewer: a read-only internal user (sees everything, changes nothing: 403 on writes)
- supplier_a_user / supplier_b_user: portal users of two different suppliers; B never sees A's data (404)
"""

import os

import pytest
from django.utils import translation

from supplyesg.core.models import Role
from tests.factories import make_supplier, make_user


@pytest.fixture(autouse=True)
def english_unless_a_test_says_otherwise():
    """Each test starts in English: a request in Chinese (LocaleMiddleware) leaves its language active in the
    thread, which would otherwise leak into the next test's service calls and messages."""
    with translation.override("en"):
        yield


@pytest.fixture
def supplier_a(db):
    return make_supplier(legal_name="Alpha Cable Co., Ltd.", country="CN", registration_id="91440300MA5ALPHA01")


@pytest.fixture
def supplier_b(db):
    return make_supplier(legal_name="Beta Solder Sdn. Bhd.", country="MY", registration_id="MY-201901000123")


@pytest.fixture
def admin_user(db):
    return make_user(Role.ADMIN, username="ada-admin", is_staff=True, is_superuser=True)


@pytest.fixture
def compliance(db):
    return make_user(Role.COMPLIANCE, username="carla-compliance")


@pytest.fixture
def procurement(db):
    return make_user(Role.PROCUREMENT, username="pete-procurement")


@pytest.fixture
def auditor(db):
    return make_user(Role.AUDITOR, username="aude-auditor")


@pytest.fixture
def viewer(db):
    return make_user(Role.VIEWER, username="vic-viewer")


@pytest.fixture
def supplier_a_user(db, supplier_a):
    return make_user(Role.SUPPLIER, supplier=supplier_a, username="alice-supplier-a")


@pytest.fixture
def supplier_b_user(db, supplier_b):
    return make_user(Role.SUPPLIER, supplier=supplier_b, username="bob-supplier-b")


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as that user (None: anonymous)."""
    from django.test import Client

    def _make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return _make


@pytest.fixture(scope="session")
def office(tmp_path_factory):
    """LibreOffice headless with a private profile for this session (skips without soffice, fails with CI=true)."""
    from tests.office import Office, soffice_binary

    return Office(soffice_binary(), tmp_path_factory.mktemp("libreoffice-profile"))


# Fixtures through which a test reaches the database (directly or through a live server).
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}
)


def pytest_collection_modifyitems(config, items):
    """On the second database run (scripts/test-postgres sets SUPPLYESG_TESTS_THAT_USE_THE_DATABASE=1) only the
    tests that touch the database run again: plain-Python tests (workbook reading and checks, formulas, the
    questionnaire engine, matching) behave the same whatever the database, and already ran on SQLite. So do the
    tests that open our files in LibreOffice (the `office` fixture): what LibreOffice shows depends on the bytes we
    wrote, which the database-backed tests of the same writers check on both databases. A test marked
    `same_on_every_database` (bytes in, the same bytes out, the database only holding bookkeeping rows that other
    tests check on both databases) runs once too."""
    if os.environ.get("SUPPLYESG_TESTS_THAT_USE_THE_DATABASE") != "1":
        return
    keep, drop = [], []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        uses_db = item.get_closest_marker("django_db") or DATABASE_FIXTURES & fixtures
        same_everywhere = "office" in fixtures or item.get_closest_marker("same_on_every_database")
        (keep if uses_db and not same_everywhere else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
