"""Bulk decisions on the profile changes proposed in the portal: many approved at once, each through
review_profile_change (audited, applied to the supplier), one that can no longer be applied refused by name."""

import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from supplyesg.core.models import AuditEvent
from supplyesg.suppliers.models import ProfileChangeRequest, Supplier
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db

PENDING = ProfileChangeRequest.Status.PENDING


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def proposals(n):
    return [
        ProfileChangeRequest.objects.create(
            supplier=make_supplier(code=f"P{i:05d}", legal_name=f"Portal supplier {i}"),
            changes={"website": f"https://supplier{i}.example.com"},
        )
        for i in range(n)
    ]


def test_a_reviewer_approves_many_changes_and_one_that_cannot_be_applied_is_refused_by_name(client_for, compliance):
    changes = proposals(3)
    broken = ProfileChangeRequest.objects.create(
        supplier=make_supplier(code="P09999", legal_name="Broken Ltd"), changes={"website": "not a web address"}
    )

    response = client_for(compliance).post(
        reverse("suppliers:bulk_review_changes"), {"verdict": "approve", "ids": [c.pk for c in [*changes, broken]]}
    )

    shown = flashed(response)
    assert shown[0] == "3 approved, 1 refused."
    assert shown[1].startswith("P09999 Broken Ltd — ")
    assert Supplier.objects.get(code="P00001").website == "https://supplier1.example.com"
    assert ProfileChangeRequest.objects.get(pk=broken.pk).status == PENDING
    assert Supplier.objects.get(code="P09999").website != "not a web address"
    assert AuditEvent.objects.filter(action="profile_change.reviewed").count() == 3


def test_rejecting_all_needs_one_comment_and_records_it_for_each(client_for, compliance):
    proposals(2)
    client = client_for(compliance)
    refused = client.post(reverse("suppliers:bulk_review_changes"), {"verdict": "reject", "scope": "all"})
    assert flashed(refused)[0] == "0 rejected, 2 refused."
    assert ProfileChangeRequest.objects.filter(status=PENDING).count() == 2
    client.post(reverse("suppliers:bulk_review_changes"), {"verdict": "reject", "scope": "all", "reason": "Send the licence"})
    assert not ProfileChangeRequest.objects.filter(status=PENDING).exists()


def test_a_viewer_exports_the_selection_but_may_not_decide(client_for, viewer):
    changes = proposals(2)
    client = client_for(viewer)
    assert client.post(reverse("suppliers:bulk_review_changes"), {"verdict": "approve", "scope": "all"}).status_code == 403
    response = client.post(reverse("suppliers:bulk_export_changes"), {"ids": [changes[0].pk]})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "P00000" and rows[1][5] == "https://supplier0.example.com"
