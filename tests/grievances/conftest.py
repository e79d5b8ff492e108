import pytest

from supplyesg.core.models import Role
from supplyesg.grievances import privacy
from tests.factories import make_designation, make_user


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    privacy.intake_limit.reset()
    privacy.receipt_limit.reset()
    yield
    privacy.intake_limit.reset()
    privacy.receipt_limit.reset()


@pytest.fixture
def handler(db):
    """Hana, a compliance manager designated to handle the supplier-workers channel."""
    user = make_user(Role.COMPLIANCE, username="hana-handler")
    make_designation(user)
    return user


@pytest.fixture
def custodian(db):
    """Cuong, an administrator designated identity custodian (not a handler)."""
    user = make_user(Role.ADMIN, username="cuong-custodian")
    make_designation(user, kind="custodian")
    return user
