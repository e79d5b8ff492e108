"""Bulk decisions on the quarter's overview: many grade recommendations confirmed at once, each through the audited
decision, a refused one named in the summary, scoped to what the list shows, and the selection as a workbook."""

import io

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from supplyesg.core.models import AuditEvent
from supplyesg.ratings.models import ImprovementAction, Rating
from tests.factories import make_supplier
from tests.ratings.factories_ratings import frozen, make_rating

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with frozen():
        yield


def grade_b_ratings(n):
    return [make_rating(make_supplier(code=f"S{i:06d}", legal_name=f"Supplier {i}"), grade="B") for i in range(1, n + 1)]


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_manager_confirms_many_recommendations_and_sees_the_one_refused_by_name(client_for, procurement):
    ratings = grade_b_ratings(5)
    grade_c = make_rating(make_supplier(code="S000123", legal_name="Corrective Co"), grade="C")
    ids = [r.pk for r in ratings] + [grade_c.pk]

    response = client_for(procurement).post(
        reverse("ratings:bulk_decide"), {"quarter": "2026Q3", "verdict": "confirm", "ids": ids}
    )

    assert response.status_code == 302
    shown = texts(response)
    assert shown[0] == "5 confirmed, 1 refused."
    assert shown[1].startswith("S000123 Corrective Co — ")
    assert "owner" in shown[1]
    assert Rating.objects.filter(decision_status=Rating.Decision.CONFIRMED).count() == 5
    assert Rating.objects.get(pk=grade_c.pk).decision_status == Rating.Decision.PENDING
    assert AuditEvent.objects.filter(action="rating.confirmed").count() == 5


def test_all_matching_the_filter_overrides_every_pending_rating_with_one_reason_and_nothing_else(client_for, procurement):
    grade_b_ratings(3)
    already = make_rating(make_supplier(code="S000900"), grade="B", decision_status=Rating.Decision.CONFIRMED,
                          decided_action="maintain")

    response = client_for(procurement).post(
        reverse("ratings:bulk_decide"),
        {"quarter": "2026Q3", "verdict": "override", "scope": "all", "action": "increase", "reason": "Strategic part",
         "decision": "pending", "grade": "B"},
    )

    assert response.status_code == 302
    # "all matching" is the filtered list: the decided rating is not pending, so it is not touched
    assert texts(response)[0] == "3 overridden."
    overridden = Rating.objects.filter(decision_status=Rating.Decision.OVERRIDDEN)
    assert overridden.count() == 3
    assert set(overridden.values_list("decision_reason", flat=True)) == {"Strategic part"}
    assert Rating.objects.get(pk=already.pk).decided_action == "maintain"


def test_an_override_without_a_reason_is_refused_for_every_item_and_changes_nothing(client_for, procurement):
    ratings = grade_b_ratings(2)
    response = client_for(procurement).post(
        reverse("ratings:bulk_decide"),
        {"quarter": "2026Q3", "verdict": "override", "action": "increase", "ids": [r.pk for r in ratings]},
    )
    assert texts(response)[0] == "0 overridden, 2 refused."
    assert not Rating.objects.exclude(decision_status=Rating.Decision.PENDING).exists()


def test_ids_outside_the_quarter_shown_are_not_decided(client_for, procurement):
    this_quarter = grade_b_ratings(1)[0]
    other = make_rating(make_supplier(code="S000777"), quarter=2, grade="B")
    response = client_for(procurement).post(
        reverse("ratings:bulk_decide"), {"quarter": "2026Q3", "verdict": "confirm", "ids": [this_quarter.pk, other.pk]}
    )
    assert texts(response)[0] == "1 confirmed, 1 not found in this list."
    assert Rating.objects.get(pk=other.pk).decision_status == Rating.Decision.PENDING


def test_an_empty_selection_is_an_error_message_not_an_error_page(client_for, procurement):
    response = client_for(procurement).post(reverse("ratings:bulk_decide"), {"quarter": "2026Q3", "verdict": "confirm"})
    assert response.status_code == 302
    assert texts(response) == ["Select at least one item."]


def test_a_viewer_may_export_but_not_decide(client_for, viewer):
    ratings = grade_b_ratings(2)
    client = client_for(viewer)
    assert client.post(reverse("ratings:bulk_decide"), {"verdict": "confirm", "ids": [r.pk for r in ratings]}).status_code == 403

    response = client.post(reverse("ratings:bulk_export"), {"quarter": "2026Q3", "ids": [ratings[1].pk]})

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Supplier code", "Supplier")
    assert [row[0] for row in rows[1:]] == ["S000002"]
    assert not Rating.objects.exclude(decision_status=Rating.Decision.PENDING).exists()


def test_the_overview_shows_the_bulk_bar_with_decision_buttons_only_to_deciders(client_for, procurement, viewer):
    grade_b_ratings(2)
    decider = client_for(procurement).get(reverse("ratings:overview") + "?quarter=2026Q3").content.decode()
    reader = client_for(viewer).get(reverse("ratings:overview") + "?quarter=2026Q3").content.decode()
    assert "Confirm the recommended actions" in decider and 'form="bulk-form"' in decider
    assert "Confirm the recommended actions" not in reader and "Export the selection (xlsx)" in reader


def test_confirming_fifty_ratings_takes_a_bounded_number_of_queries_per_rating(client_for, procurement):
    ratings = grade_b_ratings(50)
    client = client_for(procurement)
    with CaptureQueriesContext(connection) as queries:
        client.post(reverse("ratings:bulk_decide"), {"quarter": "2026Q3", "verdict": "confirm", "ids": [r.pk for r in ratings]})
    assert Rating.objects.filter(decision_status=Rating.Decision.CONFIRMED).count() == 50
    # per rating: its transaction and the service's savepoint, the locked read, the update, the audit row
    assert len(queries) <= 7 * 50 + 10, len(queries)


def test_grade_c_ratings_confirmed_in_bulk_are_assigned_to_one_owner_with_one_due_date(client_for, procurement, compliance):
    grade_c = [make_rating(make_supplier(code=f"C{i:05d}"), grade="C") for i in range(3)]

    response = client_for(procurement).post(
        reverse("ratings:bulk_decide"),
        {"quarter": "2026Q3", "verdict": "confirm", "ids": [r.pk for r in grade_c], "owner": compliance.pk,
         "due_date": "2026-12-31", "description": "Overtime above 60 hours"},
    )

    assert texts(response)[0] == "3 confirmed."
    actions = ImprovementAction.objects.filter(rating__in=grade_c)
    assert actions.count() == 3
    assert {(a.owner_id, a.due_date.isoformat()) for a in actions} == {(compliance.pk, "2026-12-31")}
