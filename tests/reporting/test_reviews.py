"""Management reviews: recorded with the snapshot whose figures were shown, actions with owner, due date and
status (audited, overdue flagged, in the owner's inbox), the pages with the personas, and the plain data the
snapshot export includes."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from supplyesg.core import inbox
from supplyesg.core.models import AuditEvent
from supplyesg.reporting.models import ManagementReview, ReviewAction
from supplyesg.reporting.services import reviews, snapshots
from supplyesg.reporting.services.catalogue import load_catalogue

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def period(compliance):
    load_catalogue(actor=compliance)
    return snapshots.create_period(actor=compliance, year=2026)


@pytest.fixture
def review(compliance, period):
    snapshot = snapshots.take_snapshot(actor=compliance, period=period)
    return reviews.record_review(
        actor=compliance,
        period=period,
        snapshot=snapshot,
        held_on=date(2026, 11, 20),
        chair="Wang Wei, CEO",
        participants="CEO, COO, ESG manager",
        summary="G1-6 and supplier screening reviewed.",
        decisions="Pay SMEs within 30 days.",
    )


def test_recording_a_review_and_its_actions_is_audited(compliance, procurement, review):
    action = reviews.add_review_action(
        actor=compliance, review=review, text="Shorten SME terms", owner=procurement, due_on=date(2026, 11, 30)
    )
    changed = reviews.change_review_action(
        actor=compliance, action=action, status=ReviewAction.Status.DONE, outcome="Terms set to 30 days"
    )
    assert changed.closed_at is not None
    actions = list(
        AuditEvent.objects.filter(target_type__startswith="reporting.").values_list("action", flat=True).order_by("pk")
    )
    assert actions[-3:] == ["reporting.review_recorded", "reporting.review_action_changed", "reporting.review_action_changed"]
    last = AuditEvent.objects.filter(action="reporting.review_action_changed").latest("pk")
    assert last.changes["status"] == ["open", "done"]


def test_closing_an_action_needs_an_outcome_and_the_owner_must_be_internal(compliance, supplier_a_user, review):
    action = reviews.add_review_action(
        actor=compliance, review=review, text="Audit SME payments", owner=compliance, due_on=date(2027, 1, 31)
    )
    with pytest.raises(ValidationError) as closing:
        reviews.change_review_action(actor=compliance, action=action, status=ReviewAction.Status.DROPPED)
    assert closing.value.message_dict == {"outcome": ["Say what came of the action when closing it."]}
    with pytest.raises(ValidationError) as owner:
        reviews.add_review_action(actor=compliance, review=review, text="x", owner=supplier_a_user, due_on=date(2027, 1, 31))
    assert "owner" in owner.value.message_dict


def test_a_review_cannot_name_another_periods_snapshot_or_a_future_date(compliance, period):
    other = snapshots.create_period(actor=compliance, year=2025)
    foreign = snapshots.take_snapshot(actor=compliance, period=other)
    base = {"chair": "CEO", "participants": "Board", "decisions": "None"}
    with pytest.raises(ValidationError) as wrong:
        reviews.record_review(actor=compliance, period=period, snapshot=foreign, held_on=date(2026, 11, 1), **base)
    assert "snapshot" in wrong.value.message_dict
    with pytest.raises(ValidationError) as future:
        reviews.record_review(actor=compliance, period=period, held_on=date(2026, 12, 24), **base)
    assert "held_on" in future.value.message_dict


def test_the_review_page_shows_the_figures_and_flags_overdue_actions(client_for, compliance, procurement, review):
    reviews.add_review_action(actor=compliance, review=review, text="Late one", owner=procurement, due_on=date(2026, 11, 25))
    reviews.add_review_action(actor=compliance, review=review, text="Next year", owner=procurement, due_on=date(2027, 3, 1))
    page = client_for(compliance).get(reverse("reporting:review", kwargs={"management_review_pk": review.pk}))
    assert page.status_code == 200
    assert [(row["action"].text, row["overdue"]) for row in page.context["rows"]] == [("Late one", True), ("Next year", False)]
    codes = [f.code for f in page.context["figures"]]
    assert "ESRS G1-6 a" in codes and "KPI-WF-2" in codes
    listing = client_for(compliance).get(reverse("reporting:reviews", kwargs={"year": 2026}))
    assert [(r.open_actions, r.overdue_actions) for r in listing.context["reviews"]] == [(2, 1)]


def test_the_pages_record_a_review_add_and_close_an_action_with_field_errors(client_for, compliance, procurement, period):
    client = client_for(compliance)
    url = reverse("reporting:reviews", kwargs={"year": 2026})
    missing = client.post(url, {"held_on": "2026-11-20", "chair": "CEO", "participants": "Board"})
    assert missing.status_code == 400 and "decisions" in missing.context["form"].errors
    created = client.post(url, {"held_on": "2026-11-20", "chair": "CEO", "participants": "Board", "decisions": "Go"})
    review = ManagementReview.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse(
        "reporting:review", kwargs={"management_review_pk": review.pk}
    )
    added = client.post(
        reverse("reporting:review", kwargs={"management_review_pk": review.pk}),
        {"text": "Publish terms", "owner": procurement.pk, "due_on": "2027-01-15"},
    )
    assert added.status_code == 302
    action = ReviewAction.objects.get()
    change_url = reverse("reporting:review_action", kwargs={"review_action_pk": action.pk})
    prefix = f"a{action.pk}-"
    refused = client.post(
        change_url, {prefix + "status": "done", prefix + "owner": procurement.pk, prefix + "due_on": "2027-01-15"}
    )
    assert refused.status_code == 400
    assert refused.context["rows"][0]["form"].errors["outcome"] == ["Say what came of the action when closing it."]
    closed = client.post(
        change_url,
        {
            prefix + "status": "done",
            prefix + "outcome": "Published",
            prefix + "owner": procurement.pk,
            prefix + "due_on": "2027-01-15",
        },
    )
    assert closed.status_code == 302
    assert ReviewAction.objects.get().status == ReviewAction.Status.DONE


def test_the_viewer_gets_403_on_changes_and_supplier_users_404_everywhere(
    client_for, compliance, viewer, supplier_a_user, review
):
    action = reviews.add_review_action(actor=compliance, review=review, text="x", owner=compliance, due_on=date(2027, 1, 1))
    review_url = reverse("reporting:review", kwargs={"management_review_pk": review.pk})
    list_url = reverse("reporting:reviews", kwargs={"year": 2026})
    action_url = reverse("reporting:review_action", kwargs={"review_action_pk": action.pk})
    assert client_for(viewer).get(review_url).status_code == 200
    assert (
        client_for(viewer)
        .post(list_url, {"held_on": "2026-11-20", "chair": "C", "participants": "P", "decisions": "D"})
        .status_code
        == 403
    )
    assert client_for(viewer).post(review_url, {"text": "t", "owner": viewer.pk, "due_on": "2027-01-01"}).status_code == 403
    assert client_for(viewer).post(action_url, {f"a{action.pk}-status": "dropped"}).status_code == 403
    for url in (review_url, list_url):
        assert client_for(supplier_a_user).get(url).status_code == 404
    assert client_for(supplier_a_user).post(action_url).status_code == 404
    assert client_for(supplier_a_user).get("/api/reporting/periods/2026/reviews").status_code == 404
    assert ReviewAction.objects.get().status == ReviewAction.Status.OPEN
    assert ManagementReview.objects.count() == 1


def test_an_owners_overdue_actions_are_in_their_inbox(compliance, procurement, review):
    reviews.add_review_action(actor=compliance, review=review, text="Late one", owner=procurement, due_on=date(2026, 11, 25))
    done = reviews.add_review_action(
        actor=compliance, review=review, text="Done one", owner=procurement, due_on=date(2026, 11, 26)
    )
    reviews.change_review_action(actor=compliance, action=done, status=ReviewAction.Status.DONE, outcome="ok")
    reviews.add_review_action(actor=compliance, review=review, text="Not due yet", owner=procurement, due_on=date(2027, 2, 1))
    groups = {g.kind.key: g for g in inbox.collect(procurement, TODAY, only="review_actions")}
    assert groups["review_actions"].count == 1
    assert [(i.title, i.detail) for i in groups["review_actions"].items] == [("Late one", "overdue")]
    assert inbox.collect(compliance, TODAY, only="review_actions")[0].count == 0


def test_reviews_for_export_is_plain_data(client_for, compliance, procurement, viewer, review):
    reviews.add_review_action(actor=compliance, review=review, text="Late one", owner=procurement, due_on=date(2026, 11, 25))
    exported = reviews.reviews_for_export(review.period, TODAY)
    assert exported == [
        {
            "held_on": "2026-11-20",
            "chair": "Wang Wei, CEO",
            "participants": "CEO, COO, ESG manager",
            "summary": "G1-6 and supplier screening reviewed.",
            "decisions": "Pay SMEs within 30 days.",
            "snapshot": 1,
            "actions": [
                {"text": "Late one", "owner": procurement.get_full_name() or procurement.username, "due_on": "2026-11-25",
                 "status": "open", "status_label": "open", "outcome": "", "overdue": True}
            ],
        }
    ]  # fmt: skip
    api = client_for(viewer).get("/api/reporting/periods/2026/reviews")
    assert api.status_code == 200 and api.json()[0]["actions"][0]["overdue"] is True


def test_the_review_page_reads_in_chinese_with_the_chinese_line_item_titles(client_for, compliance, procurement, review):
    from django.conf import settings

    reviews.add_review_action(actor=compliance, review=review, text="Late one", owner=procurement, due_on=date(2026, 11, 25))
    client = client_for(compliance)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(reverse("reporting:review", kwargs={"management_review_pk": review.pk})).content.decode()
    assert "2026-11-20 的管理评审" in html
    assert "自合同或法定付款期限起算的平均发票付款天数" in html  # ESRS G1-6 a's title_zh
    assert "<strong>已逾期</strong>" in html  # the overdue action flagged
