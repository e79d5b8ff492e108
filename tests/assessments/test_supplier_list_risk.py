"""The supplier list's risk column is kept by the risk services: the yearly run, an ad-hoc assessment and an
override move a supplier in the list at once, and nothing else does."""

import pytest
from django.urls import reverse
from django.utils import timezone

from supplyesg.assessments.risk import queries as risk_queries
from supplyesg.assessments.risk import services as risk
from supplyesg.suppliers.models import Supplier, SupplierSummary
from tests.assessments.test_risk import high_risk_supplier, low_risk_supplier
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
LIST = reverse("suppliers:list")


def shown(client, **params) -> list[str]:
    return [s.legal_name for s in client.get(LIST, params).context["page"]]


def test_the_yearly_run_puts_each_level_on_the_list_and_leaves_last_updated_alone(client_for, viewer, compliance):
    high = high_risk_supplier(legal_name="Congo Tin Trading")
    low = low_risk_supplier(legal_name="Dresden Parts GmbH")
    never = make_supplier(legal_name="Exited Ltd.", status=Supplier.Status.EXITED)
    updated = dict(Supplier.objects.values_list("pk", "updated_at"))

    risk.assess_all(YEAR, actor=compliance)

    rows = {s.pk: (s.summary.risk_level, s.summary.risk_order) for s in Supplier.objects.select_related("summary")}
    assert rows == {high.pk: ("high", 3), low.pk: ("low", 1), never.pk: (None, 0)}
    assert dict(Supplier.objects.values_list("pk", "updated_at")) == updated
    client = client_for(viewer)
    assert shown(client, risk="high") == ["Congo Tin Trading"]
    assert shown(client, risk="none") == ["Exited Ltd."]
    assert shown(client, sort="-risk") == ["Congo Tin Trading", "Dresden Parts GmbH", "Exited Ltd."]


def test_an_override_moves_the_supplier_in_the_list_at_once(client_for, viewer, compliance):
    supplier = low_risk_supplier(legal_name="Dresden Parts GmbH")
    assessment = risk.assess_supplier(supplier, year=YEAR, actor=compliance)
    assert shown(client_for(viewer), risk="high") == []

    risk.override_level(assessment, level="high", justification="Forced labour allegation in the press.", actor=compliance)
    assert shown(client_for(viewer), risk="high") == ["Dresden Parts GmbH"]

    risk.override_level(assessment, level="low", justification="Allegation investigated and refuted.", actor=compliance)
    supplier.summary.refresh_from_db()
    assert (supplier.summary.risk_level, supplier.summary.risk_order) == ("low", 1)


def test_assessing_an_earlier_year_leaves_the_current_level_alone(compliance):
    supplier = high_risk_supplier()
    risk.assess_all(YEAR, actor=compliance)
    risk.override_level(
        risk_queries.current_assessment(supplier, YEAR), level="medium", justification="Mitigated by our audit.", actor=compliance
    )
    risk.assess_all(YEAR - 1, actor=compliance)
    supplier.summary.refresh_from_db()
    assert supplier.summary.risk_level == "medium"


def test_recomputing_the_year_keeps_a_carried_override_on_the_list_and_sets_the_others_from_the_new_levels(compliance):
    overridden = high_risk_supplier(legal_name="Congo Tin Trading")
    other = high_risk_supplier(legal_name="Kivu Metals")
    risk.assess_all(YEAR, actor=compliance)
    risk.override_level(
        risk_queries.current_assessment(overridden, YEAR), level="low", justification="Audit closed.", actor=compliance
    )
    SupplierSummary.objects.filter(supplier=other).update(risk_level="low", risk_order=1)  # out of date, as after a restore

    risk.assess_all(YEAR, actor=compliance)

    rows = {s.pk: (s.summary.risk_level, s.summary.risk_order) for s in Supplier.objects.select_related("summary")}
    assert rows == {overridden.pk: ("low", 1), other.pk: ("high", 3)}
