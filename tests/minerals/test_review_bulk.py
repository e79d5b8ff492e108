"""Bulk decisions on the smelter review queue: every selected name with a confident candidate confirmed at once
(each through confirm_smelter_review, audited), a name without one refused by name and left pending."""

import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from supplyesg.core.models import AuditEvent
from supplyesg.minerals.models import SmelterAlias, SmelterReview
from tests.minerals.test_review_queue import smelters  # noqa: F401  (the reference list fixture)

pytestmark = pytest.mark.django_db

PENDING = SmelterReview.Status.PENDING


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def reviews(smelters):  # noqa: F811
    return {
        "zhaojin": SmelterReview.objects.create(metal="Gold", name="Zhaojin Gold & Silver Refinery (Zhaoyuan)", country="PRC"),
        "yunnan": SmelterReview.objects.create(metal="Tin", name="Yunnan Tin Company Ltd", country="China"),
        "vague": SmelterReview.objects.create(metal="Gold", name="Shandong Refinery", country="CN"),
    }


def test_confirming_many_names_confirms_the_confident_ones_and_names_the_doubtful_one(reviews, client_for, compliance):
    response = client_for(compliance).post(
        reverse("minerals:review_bulk_decide"), {"verdict": "confirm", "ids": [r.pk for r in reviews.values()]}
    )

    shown = flashed(response)
    assert shown[0] == "2 confirmed, 1 refused."
    assert shown[1] == "Gold: “Shandong Refinery” — no candidate is certain enough; decide this name on its own."
    assert set(SmelterAlias.objects.values_list("smelter__cid", flat=True)) == {"CID001622", "CID002180"}
    assert SmelterReview.objects.get(pk=reviews["vague"].pk).status == PENDING
    assert AuditEvent.objects.filter(target_type="minerals.smelterreview").count() >= 2


def test_all_pending_names_can_be_marked_not_in_the_list(reviews, client_for, compliance):
    response = client_for(compliance).post(
        reverse("minerals:review_bulk_decide"), {"verdict": "reject", "scope": "all", "status": "pending"}
    )
    assert flashed(response) == ["3 marked not in the list."]
    assert not SmelterReview.objects.filter(status=PENDING).exists()


def test_a_viewer_exports_the_selection_with_its_best_candidate_but_may_not_decide(reviews, client_for, viewer):
    client = client_for(viewer)
    assert client.post(reverse("minerals:review_bulk_decide"), {"verdict": "reject", "scope": "all"}).status_code == 403
    response = client.post(reverse("minerals:review_bulk_export"), {"ids": [reviews["zhaojin"].pk]})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][1] == "Zhaojin Gold & Silver Refinery (Zhaoyuan)"
    assert rows[1][4].startswith("CID001622")
