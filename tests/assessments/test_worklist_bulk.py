"""Bulk closing of risk worklist items: one note for many items, each through close_worklist_item (audited, in its
own transaction), an item closed meanwhile refused by name, and the selection as a workbook."""

import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from supplyesg.assessments.models import WorklistItem
from supplyesg.assessments.risk import services as risk
from supplyesg.core.models import AuditEvent
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db

OPEN, DONE = WorklistItem.Status.OPEN, WorklistItem.Status.DONE


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def items(n, kind="desk_review"):
    return [
        WorklistItem.objects.create(
            supplier=make_supplier(code=f"W{kind[:2].upper()}{i:04d}", legal_name=f"Worklist {kind} {i}"),
            year=2026, kind=kind, reason="Medium risk",
        )
        for i in range(n)
    ]


def test_a_reviewer_marks_many_desk_reviews_done_and_one_closed_meanwhile_is_refused_by_name(
    client_for, compliance, monkeypatch
):
    chosen = items(4)
    real = risk.close_worklist_item

    def colleague_first(item, **kwargs):
        if item.pk == chosen[2].pk:
            WorklistItem.objects.filter(pk=item.pk).update(status=DONE)
        return real(item, **kwargs)

    monkeypatch.setattr(risk, "close_worklist_item", colleague_first)
    response = client_for(compliance).post(
        reverse("risk:bulk_close_worklist"), {"reason": "Reviewed at the desk", "ids": [i.pk for i in chosen]}
    )

    shown = flashed(response)
    assert shown[0] == "3 done, 1 refused."
    assert shown[1].startswith(f"{chosen[2].supplier.code} Worklist desk_review 2 (Desk review")
    assert shown[1].endswith("2026) — This item is already Done.")
    assert AuditEvent.objects.filter(action="worklist.closed", reason="Reviewed at the desk").count() == 3


def test_all_matching_the_kind_filter_closes_only_that_kind(client_for, compliance):
    items(3, kind="desk_review")
    audit = items(1, kind="onsite_audit")[0]
    client_for(compliance).post(
        reverse("risk:bulk_close_worklist"), {"reason": "Handled", "scope": "all", "kind": "desk_review"}
    )
    assert WorklistItem.objects.filter(status=DONE).count() == 3
    assert WorklistItem.objects.get(pk=audit.pk).status == OPEN


def test_closing_without_a_note_changes_nothing(client_for, compliance):
    items(2)
    response = client_for(compliance).post(reverse("risk:bulk_close_worklist"), {"scope": "all"})
    assert flashed(response) == ["Note: say how the selected items were handled."]
    assert not WorklistItem.objects.filter(status=DONE).exists()


def test_a_viewer_exports_the_selection_but_may_not_close_it(client_for, viewer):
    chosen = items(2)
    client = client_for(viewer)
    assert client.post(reverse("risk:bulk_close_worklist"), {"reason": "x", "scope": "all"}).status_code == 403
    response = client.post(reverse("risk:bulk_export_worklist"), {"ids": [chosen[1].pk], "status": "open"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [chosen[1].supplier.code]
    page = client.get(reverse("risk:worklist")).content.decode()
    assert "Export the selection (xlsx)" in page and "Note (for all)" not in page
