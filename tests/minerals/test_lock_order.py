"""Deciding on a file while someone uploads to, or reassigns, the same request, and uploads side by side in one
campaign (PostgreSQL, two connections).

Every service that changes a declaration locks the request before its files (`locked_with_requests`), the order
an upload keeps. When accepting locked the file first, an acceptance and an upload of the same request each held
what the other waited for, and PostgreSQL aborted one of them ("deadlock detected", a 500 on the page). Each test
pauses one side inside its transaction, holding its first lock, until the other side is waiting on it.

On SQLite writers are serialised by the database lock, so these races cannot happen there; the tests run in
`make test`'s PostgreSQL pass."""

import threading
import time
from unittest import mock

import pytest
from django.db import connection, connections, transaction

from supplyesg.core.errors import RuleViolation
from supplyesg.minerals import company_names
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.campaigns.services import submissions as submission_services
from supplyesg.minerals.models import Submission, SubmissionRequest
from tests.minerals.test_submissions import cmrt_file, open_campaign_with, submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no race to test"),
]
S = Submission.Status
WAIT = 0.8  # long enough for the other side to reach its lock; PostgreSQL's deadlock check runs after 1 s


def run_both(first, second, holding: threading.Event) -> dict:
    """Run `first` in a thread; once it holds its lock (`holding` set) run `second` in another. Each outcome is
    its return value or the exception it raised."""
    outcomes: dict = {}

    def run(name, fn):
        try:
            outcomes[name] = fn()
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            outcomes[name] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=("first", first), name="side-first")]
    threads[0].start()
    assert holding.wait(10), "the first side never reached its lock"
    threads.append(threading.Thread(target=run, args=("second", second), name="side-second"))
    threads[1].start()
    for thread in threads:
        thread.join(30)
    return outcomes


def paused(original, holding: threading.Event, only_in: str | None = None):
    """`original`, called after announcing the lock is held and giving the other side time to queue on it (only
    in the thread running `only_in` when given: both sides may call it). `resumed_at`: when the pause ended, with
    the lock still held; a side that waited for the lock cannot have returned before it."""

    def wrapper(*args, **kwargs):
        if only_in is None or threading.current_thread().name.endswith(only_in):
            holding.set()
            time.sleep(WAIT)
            wrapper.resumed_at = time.monotonic()
        return original(*args, **kwargs)

    wrapper.resumed_at = None
    return wrapper


class HeldUntil:
    """Wraps `original` so that, in the first side's thread only, it announces its lock is held and then waits
    (at most `longest` seconds) until the other side has finished: `released` says whether it did. The second side
    can finish only if it never waits for the first side's locks."""

    def __init__(self, original, holding: threading.Event, longest: float = 20.0):
        self.original, self.holding, self.longest = original, holding, longest
        self.other_done, self.released = threading.Event(), None

    def __call__(self, *args, **kwargs):
        if threading.current_thread().name.endswith("first"):
            self.holding.set()
            self.released = self.other_done.wait(self.longest)
        return self.original(*args, **kwargs)

    def then_done(self, fn):
        """`fn`, announcing when it has returned."""

        def run():
            try:
                return fn()
            finally:
                self.other_done.set()

        return run


def finished_at(fn):
    """`fn` returning (its result, when it returned). Compare the waiting side's time with the holder's
    `paused(...).resumed_at`, not with when the holder returned: once the holder commits, the waiting side may
    return before the holder's thread has (by microseconds, on a loaded machine)."""
    return lambda: (fn(), time.monotonic())


@pytest.fixture
def waiting_file(compliance, supplier_a, cmrt65):
    campaign = open_campaign_with(compliance, supplier_a)
    request_obj = campaign.requests.get(supplier=supplier_a)
    return request_obj, submit(request_obj, cmrt_file(cmrt65, "alpha"), compliance)


def decided_during_an_upload(request_obj, decide, actor, cmrt65) -> dict:
    """`decide()` run while an upload to the same request holds it: the upload locks the request, then (paused)
    checks its file and supersedes the waiting one. Returns both outcomes ("first": the upload)."""
    data = cmrt_file(cmrt65, "alpha").read_bytes()
    holding = threading.Event()
    with mock.patch.object(submission_services, "_accepted_check", paused(submission_services._accepted_check, holding)):
        return run_both(lambda: submit_bytes(request_obj, data, actor), decide, holding)


def test_an_upload_holding_the_request_makes_an_acceptance_wait_not_deadlock(waiting_file, compliance, cmrt65):
    request_obj, first_file = waiting_file
    outcomes = decided_during_an_upload(
        request_obj, lambda: campaigns.accept_submissions([first_file.pk], actor=compliance), compliance, cmrt65
    )
    assert isinstance(outcomes["first"], Submission), outcomes
    acceptance = outcomes["second"]
    assert not isinstance(acceptance, Exception), acceptance
    # The acceptance waited for the upload, then found the file superseded: refused with the reason, nothing lost.
    assert acceptance.accepted == []
    assert "awaiting review" in acceptance.refused[0][1]
    assert list(request_obj.submissions.order_by("version").values_list("status", flat=True)) == [S.SUPERSEDED, S.VALID]
    request_obj.refresh_from_db()
    assert request_obj.status == SubmissionRequest.Status.RECEIVED_VALID and request_obj.accepted_submission_id is None


def test_an_upload_holding_the_request_makes_a_return_wait_not_deadlock(waiting_file, compliance, cmrt65):
    request_obj, first_file = waiting_file
    outcomes = decided_during_an_upload(
        request_obj,
        lambda: campaigns.return_submission(first_file, actor=compliance, comment="Tin smelters missing"),
        compliance,
        cmrt65,
    )
    assert isinstance(outcomes["first"], Submission), outcomes
    refused = outcomes["second"]
    assert "awaiting review" in str(refused), refused  # a RuleViolation, not a deadlock
    assert Submission.objects.get(pk=first_file.pk).status == S.SUPERSEDED


def test_a_file_reassigned_while_an_acceptance_waits_is_refused_as_moved(waiting_file, compliance, supplier_b):
    request_obj, first_file = waiting_file
    holding = threading.Event()
    # The reassignment holds both requests and the file; paused before it restores the source request.
    with mock.patch.object(company_names, "_restore_previous", paused(company_names._restore_previous, holding)):
        outcomes = run_both(
            lambda: company_names.reassign_submission(first_file, supplier=supplier_b, actor=compliance, reason="Beta's file"),
            lambda: campaigns.accept_submissions([first_file.pk], actor=compliance),
            holding,
        )
    assert isinstance(outcomes["first"], Submission), outcomes
    acceptance = outcomes["second"]
    assert not isinstance(acceptance, Exception), acceptance
    assert acceptance.accepted == []
    assert acceptance.refused[0][1] == company_names.moved_meanwhile()
    moved = Submission.objects.select_related("request__supplier").get(pk=first_file.pk)
    assert moved.request.supplier == supplier_b and moved.status == S.VALID


def test_uploads_to_one_campaign_run_side_by_side(compliance, supplier_a, supplier_b, cmrt65):
    """Two suppliers' uploads share the campaign: the second does not wait for the first to commit (the campaign
    row is share-locked, not locked for update, and the supplier row not at all)."""
    campaign = open_campaign_with(compliance, supplier_a, supplier_b)
    alpha, beta = campaign.requests.get(supplier=supplier_a), campaign.requests.get(supplier=supplier_b)
    data = cmrt_file(cmrt65, "alpha").read_bytes()
    holding = threading.Event()
    check = HeldUntil(submission_services._accepted_check, holding)
    with mock.patch.object(submission_services, "_accepted_check", check):
        outcomes = run_both(
            lambda: submit_bytes(alpha, data, compliance),
            check.then_done(lambda: submit_bytes(beta, data, compliance)),
            holding,
        )
    assert isinstance(outcomes["first"], Submission) and isinstance(outcomes["second"], Submission), outcomes
    assert check.released  # the second upload finished while the first still held its request


def test_closing_a_campaign_waits_for_an_upload_in_flight_and_then_refuses_uploads(compliance, supplier_a, supplier_b, cmrt65):
    campaign = open_campaign_with(compliance, supplier_a, supplier_b)
    alpha, beta = campaign.requests.get(supplier=supplier_a), campaign.requests.get(supplier=supplier_b)
    data = cmrt_file(cmrt65, "alpha").read_bytes()
    holding = threading.Event()
    check = paused(submission_services._accepted_check, holding, only_in="first")
    with mock.patch.object(submission_services, "_accepted_check", check):
        outcomes = run_both(
            finished_at(lambda: submit_bytes(alpha, data, compliance)),
            finished_at(lambda: campaigns.close_campaign(campaign, actor=compliance)),
            holding,
        )
    (stored, _stored_at), (closed, closed_at) = outcomes["first"], outcomes["second"]
    assert isinstance(stored, Submission) and closed.status == campaign.Status.CLOSED
    assert check.resumed_at is not None and check.resumed_at <= closed_at  # the close waited for the upload
    with pytest.raises(RuleViolation, match="is closed"):
        submit_bytes(beta, data, compliance)
    assert not beta.submissions.exists()


def submit_bytes(request_obj, data: bytes, actor) -> Submission:
    return campaigns.submit_declaration(request_obj, data=data, file_name="cmrt.xlsx", actor=actor, channel="staff")


def test_an_acceptance_waiting_for_its_file_already_holds_the_request(waiting_file, compliance):
    """One statement locks the request and its file (`locked_with_requests`): the request first. While a colleague's
    transaction holds the file, the waiting acceptance holds the request, so an upload to it (request, then files)
    waits behind the acceptance instead of taking the request and deadlocking with it."""
    request_obj, first_file = waiting_file
    holding, probed = threading.Event(), {}

    def hold_the_file():
        with transaction.atomic():
            list(Submission.objects.select_for_update(of=("self",)).filter(pk=first_file.pk).values("pk"))
            holding.set()
            time.sleep(WAIT)  # the acceptance queues on the file meanwhile
            probed["request_taken"] = request_is_locked(request_obj.pk)
        return "released"

    outcomes = run_both(hold_the_file, lambda: campaigns.accept_submissions([first_file.pk], actor=compliance), holding)
    assert outcomes["first"] == "released", outcomes
    assert probed["request_taken"] is True  # taken by the acceptance before it queued on the file
    acceptance = outcomes["second"]
    assert not isinstance(acceptance, Exception), acceptance
    assert [s.pk for s in acceptance.accepted] == [first_file.pk]


def request_is_locked(request_pk: int) -> bool:
    """Whether another transaction holds this request row, asked on a connection of its own (NOWAIT)."""
    import psycopg
    from django.db import connections as conns

    params = conns["default"].get_connection_params()
    keys = ("dbname", "user", "password", "host", "port")
    with psycopg.connect(**{k: params[k] for k in keys if params.get(k)}, autocommit=True) as probe:
        try:
            probe.execute("SELECT 1 FROM minerals_submissionrequest WHERE id = %s FOR UPDATE NOWAIT", [request_pk])
        except psycopg.errors.LockNotAvailable:
            return True
    return False
