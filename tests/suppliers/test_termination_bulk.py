"""Bulk decisions on the termination queue: many recommendations confirmed with one reason, each through
decide_termination (audited, orders stop), one already decided by a colleague refused by name."""

import io
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from supplyesg.core.models import AuditEvent
from supplyesg.suppliers.models import Supplier, TerminationCase
from supplyesg.suppliers.services.compliance import can_order
from supplyesg.suppliers.terminations import services as terminations
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db

TS = TerminationCase.Status


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def recommendations(n, source="rating"):
    out = []
    for i in range(n):
        supplier = make_supplier(code=f"T{source[:2].upper()}{i:04d}", legal_name=f"{source} supplier {i}")
        Supplier.objects.filter(pk=supplier.pk).update(status=Supplier.Status.ACTIVE)
        out.append(terminations.recommend_termination(supplier, actor=None, source=source, reason="Grade D."))
    return out


def test_procurement_confirms_many_recommendations_and_one_no_longer_in_the_queue_is_left_alone(client_for, procurement):
    cases = recommendations(4)
    terminations.decide_termination(cases[0], actor=procurement, confirm=False, reason="Sole source")

    response = client_for(procurement).post(
        reverse("terminations:bulk_decide"),
        {"verdict": "confirm", "reason": "Quarterly review", "ids": [c.pk for c in cases]},
    )

    assert flashed(response) == ["3 confirmed, 1 not found in this list."]
    assert TerminationCase.objects.filter(status=TS.CONFIRMED, decision_reason="Quarterly review").count() == 3
    assert AuditEvent.objects.filter(action="termination.confirmed").count() == 3
    assert not can_order(cases[1].supplier).can_order  # orders stop, as with a single confirmation
    assert TerminationCase.objects.get(pk=cases[0].pk).status == TS.OVERRIDDEN


def test_a_recommendation_decided_between_selection_and_action_is_refused_with_the_services_reason(
    client_for, procurement, monkeypatch
):
    cases = recommendations(3)
    real = terminations.decide_termination

    def colleague_first(case, **kwargs):
        if case.pk == cases[1].pk:
            real(case, actor=None, confirm=False, reason="Decided by a colleague")
        return real(case, **kwargs)

    monkeypatch.setattr(terminations, "decide_termination", colleague_first)
    response = client_for(procurement).post(
        reverse("terminations:bulk_decide"), {"verdict": "override", "reason": "Supply continuity", "scope": "all"}
    )

    shown = flashed(response)
    assert shown[0] == "2 overridden, 1 refused."
    refused = cases[1].supplier
    assert shown[1].startswith(f"{refused.code} {refused.legal_name} — This recommendation was already decided")
    assert TerminationCase.objects.filter(status=TS.OVERRIDDEN, decision_reason="Supply continuity").count() == 2


def test_all_matching_the_source_filter_leaves_other_sources_alone(client_for, procurement):
    recommendations(2, source="rating")
    manual = recommendations(1, source="manual")[0]
    client_for(procurement).post(
        reverse("terminations:bulk_decide"), {"verdict": "override", "reason": "x", "scope": "all", "source": "rating"}
    )
    assert TerminationCase.objects.filter(status=TS.OVERRIDDEN).count() == 2
    assert TerminationCase.objects.get(pk=manual.pk).status == TS.RECOMMENDED


def test_a_bulk_decision_without_a_reason_changes_nothing(client_for, procurement):
    cases = recommendations(2)
    response = client_for(procurement).post(reverse("terminations:bulk_decide"), {"verdict": "confirm", "scope": "all"})
    assert flashed(response) == ["reason: say why you confirm or override the selected recommendations."]
    assert not TerminationCase.objects.exclude(status=TS.RECOMMENDED).filter(pk__in=[c.pk for c in cases]).exists()


def test_a_viewer_exports_the_selection_but_may_not_decide(client_for, viewer):
    cases = recommendations(2)
    client = client_for(viewer)
    decide = client.post(reverse("terminations:bulk_decide"), {"verdict": "confirm", "reason": "x", "scope": "all"})
    assert decide.status_code == 403
    response = client.post(reverse("terminations:bulk_export"), {"ids": [cases[0].pk]})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [cases[0].supplier.code]


def suspensions(n, **kwargs):
    out = []
    for i in range(n):
        supplier = make_supplier(code=f"SU{i:04d}", legal_name=f"Suspended {i}")
        Supplier.objects.filter(pk=supplier.pk).update(status=Supplier.Status.ACTIVE)
        supplier.refresh_from_db()
        out.append(terminations.suspend_trade(supplier, actor=None, source="manual", reason="Audit finding", **kwargs))
    return out


def test_procurement_lifts_many_suspensions_and_one_not_yet_liftable_is_refused_by_name(client_for, procurement):
    liftable = suspensions(3)
    held = make_supplier(code="SU9999", legal_name="Held Ltd")
    Supplier.objects.filter(pk=held.pk).update(status=Supplier.Status.ACTIVE)
    held.refresh_from_db()
    early = terminations.suspend_trade(
        held, actor=None, source="manual", reason="Minimum three months", ends_on=timezone.localdate() + timedelta(days=90)
    )

    response = client_for(procurement).post(
        reverse("terminations:suspension_bulk_decide"), {"verdict": "lift", "reason": "Corrected", "scope": "all"}
    )

    shown = flashed(response)
    assert shown[0] == "3 lifted, 1 refused."
    assert shown[1].startswith("SU9999 Held Ltd — This suspension ends on ")
    assert all(can_order(s.supplier).can_order for s in liftable)
    assert not can_order(early.supplier).can_order
    assert AuditEvent.objects.filter(action="suspension.lifted").count() == 3
