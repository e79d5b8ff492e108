"""In-app notifications: made from the audit trail for the supplier's portal users and the internal owner."""

import datetime as dt

import pytest
import time_machine

from supplyesg.audits.services import corrective
from supplyesg.core.models import Notification
from tests.audits.factories_audits import make_reported_audit
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _march():
    with time_machine.travel(dt.datetime(2026, 3, 12, 9, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def action(supplier_a, auditor):
    audit = make_reported_audit(supplier_a, lead_auditor=auditor)
    return audit.corrective_actions.get()


PLAN = {
    "root_cause": "No working-hours monitoring.",
    "corrective_action": "Cap overtime at 60 hours.",
    "preventive_action": "Monthly HR audit.",
    "owner": "Li Wei",
    "completion_date": dt.date(2026, 5, 31),
}


def test_a_submitted_plan_notifies_the_lead_auditor_with_a_link(
    action, supplier_a_user, auditor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        corrective.submit_plan(action, actor=supplier_a_user, **PLAN)
    note = Notification.objects.get()
    assert note.recipient == auditor and note.url == f"/corrective-actions/{action.pk}/" and note.read_at is None
    assert not Notification.objects.filter(recipient=supplier_a_user).exists()  # the one who acted is not told


def test_an_approved_plan_notifies_every_portal_user_of_that_supplier_only(
    action, supplier_a, supplier_a_user, supplier_b_user, auditor, django_capture_on_commit_callbacks
):
    colleague = make_user("supplier", supplier=supplier_a, username="alice-colleague")
    with django_capture_on_commit_callbacks(execute=True):
        corrective.submit_plan(action, actor=supplier_a_user, **PLAN)
        corrective.approve_plan(action, actor=auditor)
    told = set(Notification.objects.filter(event__action="corrective_action.plan_approved").values_list("recipient", flat=True))
    assert told == {supplier_a_user.pk, colleague.pk}
    assert Notification.objects.get(recipient=colleague).url == f"/portal/audits/actions/{action.pk}/"


def test_a_change_rolled_back_notifies_nobody(action, supplier_a_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Exception):  # noqa: B017,PT011
            corrective.submit_plan(action, actor=supplier_a_user, **{**PLAN, "root_cause": ""})
    assert Notification.objects.count() == 0 and callbacks == []


def _notified(action, supplier_a_user, auditor, capture):
    with capture(execute=True):
        corrective.submit_plan(action, actor=supplier_a_user, **PLAN)
        corrective.approve_plan(action, actor=auditor)


def test_the_list_shows_unread_first_and_the_bell_counts_them(
    client_for, action, supplier_a_user, auditor, django_capture_on_commit_callbacks
):
    _notified(action, supplier_a_user, auditor, django_capture_on_commit_callbacks)
    client = client_for(supplier_a_user)
    html = client.get("/notifications/").content.decode()
    assert "A corrective-action plan was approved" in html and 'class="unread"' in html
    assert 'id="unread-count" aria-label="1 unread notification">1<' in client.get("/header-counts/").content.decode()


def test_marking_one_read_and_all_read(client_for, action, supplier_a_user, auditor, django_capture_on_commit_callbacks):
    _notified(action, supplier_a_user, auditor, django_capture_on_commit_callbacks)
    note = Notification.objects.get(recipient=supplier_a_user)
    client = client_for(supplier_a_user)
    response = client.post("/notifications/read/", {"notification": note.pk})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    Notification.objects.filter(pk=note.pk).update(read_at=None)
    client.post("/notifications/read/", {"all": "1"})
    assert Notification.objects.for_user(supplier_a_user).unread().count() == 0


def test_nobody_can_mark_someone_elses_notification(
    client_for, action, supplier_a_user, supplier_b_user, auditor, django_capture_on_commit_callbacks
):
    _notified(action, supplier_a_user, auditor, django_capture_on_commit_callbacks)
    note = Notification.objects.get(recipient=supplier_a_user)
    client_for(supplier_b_user).post("/notifications/read/", {"notification": note.pk})
    client_for(auditor).post("/notifications/read/", {"all": "1"})
    note.refresh_from_db()
    assert note.read_at is None
    assert "A corrective-action plan was approved" not in client_for(supplier_b_user).get("/notifications/").content.decode()


def test_marking_read_needs_a_post_with_a_csrf_token(client_for, supplier_a_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(supplier_a_user)
    assert client.post("/notifications/read/", {"all": "1"}).status_code == 403
    assert client_for(supplier_a_user).get("/notifications/read/").status_code == 405


def test_marking_read_without_a_choice_says_what_is_missing(client_for, supplier_a_user):
    response = client_for(supplier_a_user).post("/notifications/read/", {}, follow=True)
    assert "notification: choose a notification to mark as read." in response.content.decode()


def test_the_list_costs_a_bounded_number_of_queries(
    client_for, action, supplier_a_user, auditor, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    _notified(action, supplier_a_user, auditor, django_capture_on_commit_callbacks)
    client = client_for(supplier_a_user)
    with django_assert_max_num_queries(8):
        assert client.get("/notifications/").status_code == 200


def test_many_events_in_one_transaction_reach_each_suppliers_own_users(
    supplier_a, supplier_b, supplier_a_user, supplier_b_user, auditor, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from supplyesg.core.audit import record

    actions = [make_reported_audit(s, lead_auditor=auditor).corrective_actions.get() for s in (supplier_a, supplier_b)]
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            for action in actions:
                record(actor=None, action="corrective_action.reminded", target=action, supplier=action.audit.supplier)
    assert Notification.objects.get(recipient=supplier_a_user).url == f"/portal/audits/actions/{actions[0].pk}/"
    assert Notification.objects.get(recipient=supplier_b_user).url == f"/portal/audits/actions/{actions[1].pk}/"


def test_events_written_together_get_their_own_ids_and_notify_each_supplier(
    supplier_a, supplier_b, supplier_a_user, supplier_b_user, auditor, django_capture_on_commit_callbacks
):
    """`record_many(notify=True)` (a bulk decision) writes the rows in one statement that gives the ids back in no
    promised order: each event gets the id of its own row, even two events on one target that differ only by
    supplier (a file reassigned between suppliers is recorded for both), and each supplier's users are told."""
    from supplyesg.core import audit
    from supplyesg.core.models import AuditEvent

    shared_target = make_reported_audit(supplier_a, lead_auditor=auditor).corrective_actions.get()
    events = [
        audit.event(
            actor=auditor,
            action="corrective_action.plan_approved",
            target=shared_target,
            supplier=supplier,
            changes={"status": ["plan_submitted", "plan_approved"], "n": n},
            reason=f"approved for {supplier.legal_name}",
        )
        for n, supplier in enumerate([supplier_b, supplier_a, supplier_b])
    ]
    with django_capture_on_commit_callbacks(execute=True):
        audit.record_many(events, notify=True)
    assert len({e.pk for e in events}) == 3 and None not in {e.pk for e in events}
    for event in events:
        stored = AuditEvent.objects.get(pk=event.pk)
        assert (stored.supplier_id, stored.action, stored.target_id) == (event.supplier_id, event.action, event.target_id)
        assert stored.actor == auditor and stored.at == event.at and stored.changes == event.changes
    told = Notification.objects.values_list("recipient", "event__supplier")
    assert sorted(told) == sorted([(supplier_b_user.pk, supplier_b.pk)] * 2 + [(supplier_a_user.pk, supplier_a.pk)])


def test_ids_given_back_out_of_order_still_reach_the_event_of_their_row(supplier_a, supplier_b):
    from supplyesg.core import audit
    from supplyesg.core.models import AuditEvent

    events = [
        AuditEvent(action="x.done", target_type="t", target_id=str(n), supplier_id=s.pk)
        for n, s in enumerate([supplier_a, supplier_b, supplier_a])
    ]
    # In order: ids ascend with the events.
    audit._give_ids(
        events,
        [
            (12, "x.done", "t", "2", supplier_a.pk),
            (10, "x.done", "t", "0", supplier_a.pk),
            (11, "x.done", "t", "1", supplier_b.pk),
        ],
    )
    assert [e.pk for e in events] == [10, 11, 12]
    # Ids that do not ascend with the events (a database that numbered the rows otherwise): each by its row's key.
    audit._give_ids(
        events,
        [(7, "x.done", "t", "0", supplier_a.pk), (5, "x.done", "t", "1", supplier_b.pk), (6, "x.done", "t", "2", supplier_a.pk)],
    )
    assert [e.pk for e in events] == [7, 5, 6] and not events[0]._state.adding


def test_a_batch_notifies_in_its_own_transaction_and_a_rollback_takes_both_away(
    supplier_a, supplier_a_user, auditor, django_capture_on_commit_callbacks
):
    """A bulk decision's notifications are written with its events: nothing is left for after the commit (no
    check that the events still exist), and a transaction that rolls back afterwards removes both."""
    from django.db import transaction

    from supplyesg.core import audit
    from supplyesg.core.models import AuditEvent

    target = make_reported_audit(supplier_a, lead_auditor=auditor).corrective_actions.get()

    def batch():
        return [audit.event(actor=auditor, action="corrective_action.plan_approved", target=target, supplier=supplier_a)]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            audit.record_many(batch(), notify=True)
            assert Notification.objects.filter(recipient=supplier_a_user).count() == 1  # written with the event
            raise RuntimeError("a later step of the same transaction failed")
    assert not AuditEvent.objects.filter(action="corrective_action.plan_approved").exists()
    assert Notification.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        audit.record_many(batch(), notify=True)
    assert [c for c in callbacks if "notifications" in getattr(c, "__module__", "")] == []
    assert Notification.objects.get().recipient == supplier_a_user
