from datetime import datetime

import pytest

from supplyesg.core.models import Role
from tests.factories import make_supplier, make_user


@pytest.fixture
def chain_world(db):
    """The demo chains on five suppliers: solar (module maker = supplier A) and tin solder (supplier B)."""
    from django.utils import timezone

    from supplyesg.traceability.demo import build_chains

    compliance = make_user(Role.COMPLIANCE)
    suppliers = {
        "silicon": make_supplier(legal_name="Erdos Silicon Smelting Co., Ltd.", tier=3),
        "poly": make_supplier(legal_name="Sichuan Polysilicon Co., Ltd.", tier=3),
        "wafer": make_supplier(legal_name="Wuxi Wafer Co., Ltd.", tier=2),
        "module": make_supplier(legal_name="Alpha Module Co., Ltd."),
        "solder": make_supplier(legal_name="Beta Solder Sdn. Bhd.", country="MY"),
    }
    start = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.get_current_timezone())
    chains = build_chains(actor=compliance, start=start, **suppliers)
    return {"chains": chains, "suppliers": suppliers, "compliance": compliance}
