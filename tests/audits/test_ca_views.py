"""Internal corrective-action pages: the list with filters and clocks, one action with its plan, files, history
and review forms, the per-audit fragment, and supplier training. Personas: anonymous → log in, supplier users →
404, viewer → 403 on writes, auditors and compliance do the work."""

import datetime as dt
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from supplyesg.audits.models import AuditFile, CorrectiveAction
from supplyesg.audits.services import corrective
from supplyesg.engagement.models import RequiredTraining
from supplyesg.engagement.services import required as training
from tests.audits.factories_audits import make_reported_audit
from tests.factories import make_supplier, pdf_upload

pytestmark = pytest.mark.django_db
S = CorrectiveAction.Status


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def audit(supplier_a, auditor):
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        return make_reported_audit(supplier_a, lead_auditor=auditor, severities=("major", "minor"))


@pytest.fixture
def action(audit):
    return audit.corrective_actions.get(finding__severity="major")


@pytest.fixture
def submitted(action, supplier_a_user):
    return corrective.submit_plan(
        action,
        actor=supplier_a_user,
        root_cause="No monitoring.",
        corrective_action="Cap overtime.",
        preventive_action="Monthly HR audit.",
        owner="Li Wei",
        completion_date=date(2026, 5, 31),
    )


@pytest.fixture
def evidence(submitted, supplier_a_user, auditor):
    corrective.approve_plan(submitted, actor=auditor)
    corrective.submit_completion(submitted, actor=supplier_a_user, note="Done.", files=[pdf_upload("records.pdf")])
    return AuditFile.objects.get(corrective_action=submitted)


@pytest.fixture
def assigned(supplier_a, compliance):
    return training.assign_training(supplier_a, actor=compliance, topic="Working hours", due_date=date(2026, 5, 1))


def read_urls(action, audit, file_pk=None):
    urls = [
        reverse("corrective:list"),
        reverse("corrective:detail", kwargs={"action_pk": action.pk}),
        reverse("corrective:audit_actions", kwargs={"audit_pk": audit.pk}),
        reverse("corrective:trainings"),
    ]
    if file_pk:
        urls.append(reverse("corrective:file", kwargs={"action_pk": action.pk, "file_pk": file_pk}))
    return urls


def write_urls(action, training_pk):
    return [
        reverse(name, kwargs={"action_pk": action.pk})
        for name in (
            "corrective:approve",
            "corrective:reject",
            "corrective:reject_completion",
            "corrective:close",
            "corrective:enter_plan",
        )
    ] + [
        reverse("corrective:assign_training"),
        reverse("corrective:complete_training", kwargs={"training_pk": training_pk}),
        reverse("corrective:cancel_training", kwargs={"training_pk": training_pk}),
    ]


# ---------------------------------------------------------------- who may see what


def test_anonymous_visitors_are_sent_to_log_in(client_for, action, audit, evidence, assigned):
    for url in read_urls(action, audit, evidence.pk) + write_urls(action, assigned.pk):
        response = client_for(None).post(url) if url in write_urls(action, assigned.pk) else client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_supplier_users_have_no_internal_pages(client_for, supplier_a_user, supplier_b_user, action, audit, evidence, assigned):
    for user in (supplier_a_user, supplier_b_user):
        for url in read_urls(action, audit, evidence.pk):
            assert client_for(user).get(url).status_code == 404, url
        for url in write_urls(action, assigned.pk):
            assert client_for(user).post(url, {"reason": "x"}).status_code == 404, url


def test_a_viewer_reads_everything_and_changes_nothing(client_for, viewer, action, audit, submitted, evidence, assigned):
    for url in read_urls(action, audit, evidence.pk):
        assert client_for(viewer).get(url).status_code == 200, url
    for url in write_urls(action, assigned.pk):
        assert client_for(viewer).post(url, {"reason": "No.", "closure": "evidence", "attendee": "Li"}).status_code == 403, url
    assert client_for(viewer).get(reverse("corrective:assign_training")).status_code == 403
    action.refresh_from_db()
    assert action.status == S.COMPLETED
    assigned.refresh_from_db()
    assert assigned.status == RequiredTraining.Status.ASSIGNED


def test_a_viewer_sees_no_review_forms(client_for, viewer, submitted):
    page = client_for(viewer).get(reverse("corrective:detail", kwargs={"action_pk": submitted.pk})).content.decode()
    assert 'id="review"' not in page and "No monitoring." in page


def test_an_unknown_action_or_file_is_404(client_for, compliance, action, audit, evidence):
    other = audit.corrective_actions.get(finding__severity="minor")
    assert client_for(compliance).get(reverse("corrective:detail", kwargs={"action_pk": 999999})).status_code == 404
    url = reverse("corrective:file", kwargs={"action_pk": other.pk, "file_pk": evidence.pk})
    assert client_for(compliance).get(url).status_code == 404


# ---------------------------------------------------------------- the list


def test_the_list_shows_days_late_and_filters(client_for, compliance, supplier_b, action, audit):
    # On 1 April the major and minor plans (due 24 March) are 8 days late; escalate one, and add another supplier's.
    CorrectiveAction.objects.filter(pk=action.pk).update(plan_escalated_on=date(2026, 3, 25))
    with time_machine.travel(dt.datetime(2026, 3, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        fresh = make_reported_audit(supplier_b, report_date=date(2026, 3, 30), severities=("priority",))
    client = client_for(compliance)
    page = client.get(reverse("corrective:list")).content.decode()
    assert "8 days late" in page and f'id="ca-{fresh.corrective_actions.get().pk}"' in page

    def ids(**query):
        html = client.get(reverse("corrective:list"), query).content.decode()
        return {a.pk for a in CorrectiveAction.objects.all() if f'id="ca-{a.pk}"' in html}

    minor = audit.corrective_actions.get(finding__severity="minor")
    assert ids(overdue="on") == {action.pk, minor.pk}
    assert ids(escalated="on") == {action.pk}
    assert ids(severity="minor") == {minor.pk}
    assert ids(supplier="beta") == {fresh.corrective_actions.get().pk}
    assert ids(supplier=audit.supplier.code) == {action.pk, minor.pk}
    assert ids(status="awaiting_plan", severity="priority") == {fresh.corrective_actions.get().pk}


def test_the_list_takes_the_same_queries_for_many_rows(client_for, compliance, audit, django_assert_max_num_queries):
    client = client_for(compliance)
    client.get(reverse("corrective:list"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("corrective:list"))
    for _n in range(10):
        make_reported_audit(make_supplier(), severities=("major", "minor", "priority"))
    with django_assert_max_num_queries(len(few)):
        assert client.get(reverse("corrective:list")).status_code == 200


def test_the_audit_fragment_lists_its_actions_with_clocks(client_for, auditor, audit, action):
    html = client_for(auditor).get(reverse("corrective:audit_actions", kwargs={"audit_pk": audit.pk})).content.decode()
    assert "<html" not in html and f'id="audit-ca-{action.pk}"' in html and "8 days late" in html
    assert "Assign training" in html


# ---------------------------------------------------------------- the review


def test_the_detail_shows_the_plan_files_and_history(client_for, compliance, evidence, action):
    html = client_for(compliance).get(reverse("corrective:detail", kwargs={"action_pk": action.pk})).content.decode()
    assert "No monitoring." in html and "records.pdf" in html
    assert "Corrective-action plan submitted" in html and "corrective_action.plan_submitted" not in html
    assert "Awaiting the supplier&#x27;s plan → Plan submitted, awaiting review" in html
    assert reverse("corrective:file", kwargs={"action_pk": action.pk, "file_pk": evidence.pk}) in html


def test_an_auditor_downloads_the_evidence(client_for, auditor, action, evidence):
    response = client_for(auditor).get(reverse("corrective:file", kwargs={"action_pk": action.pk, "file_pk": evidence.pk}))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert "records.pdf" in response["Content-Disposition"]


def test_an_auditor_approves_a_plan(client_for, auditor, submitted):
    response = client_for(auditor).post(reverse("corrective:approve", kwargs={"action_pk": submitted.pk}), {"comment": "OK"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED and submitted.review_comment == "OK"


def test_a_rejection_without_reasons_is_refused_on_the_page(client_for, auditor, submitted):
    response = client_for(auditor).post(reverse("corrective:reject", kwargs={"action_pk": submitted.pk}), {"reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    ok = client_for(auditor).post(reverse("corrective:reject", kwargs={"action_pk": submitted.pk}), {"reason": "Too vague."})
    assert ok.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_comment) == (S.REJECTED, "Too vague.")


def test_a_decision_the_state_forbids_is_shown_not_crashed(client_for, auditor, action):
    response = client_for(auditor).post(reverse("corrective:approve", kwargs={"action_pk": action.pk}), {})
    assert response.status_code == 400 and "Only a submitted plan can be approved" in response.content.decode()


def test_completion_evidence_is_rejected_then_the_action_closed_on_evidence(
    client_for, compliance, evidence, action, monkeypatch
):
    client = client_for(compliance)
    url = reverse("corrective:reject_completion", kwargs={"action_pk": action.pk})
    assert client.post(url, {"reason": "Payroll missing."}).status_code == 302
    action.refresh_from_db()
    assert action.status == S.APPROVED
    CorrectiveAction.objects.filter(pk=action.pk).update(status=S.COMPLETED)
    response = client.post(reverse("corrective:close", kwargs={"action_pk": action.pk}), {"closure": "evidence"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == S.CLOSED and action.closure == "evidence"


def test_closing_by_follow_up_needs_one_of_the_listed_audits(client_for, compliance, supplier_a, action):
    client = client_for(compliance)
    url = reverse("corrective:close", kwargs={"action_pk": action.pk})
    response = client.post(url, {"closure": "follow_up"})
    assert response.status_code == 400 and "choose the follow-up audit" in response.content.decode()
    follow_up = make_reported_audit(supplier_a, report_date=date(2026, 3, 31), severities=(), result_level="low")
    page = client.get(reverse("corrective:detail", kwargs={"action_pk": action.pk})).content.decode()
    assert f'value="{follow_up.pk}"' in page
    assert client.post(url, {"closure": "follow_up", "follow_up_audit": follow_up.pk}).status_code == 302
    action.refresh_from_db()
    assert action.status == S.CLOSED and action.follow_up_audit == follow_up


def test_staff_enter_a_plan_on_the_suppliers_behalf_with_the_same_checks(client_for, compliance, action):
    url = reverse("corrective:enter_plan", kwargs={"action_pk": action.pk})
    data = {
        "root_cause": "Piece rates.",
        "corrective_action": "Hourly pay.",
        "preventive_action": "Review.",
        "owner": "Li",
        "completion_date": "2026-03-31",
    }
    response = client_for(compliance).post(url, data)
    assert response.status_code == 400 and "the date is in the past." in response.content.decode()
    assert client_for(compliance).post(url, {**data, "completion_date": "2026-05-01"}).status_code == 302
    action.refresh_from_db()
    assert action.status == S.SUBMITTED and action.submitted_by == compliance


# ---------------------------------------------------------------- training


def test_training_is_assigned_from_an_audit(client_for, auditor, audit):
    url = reverse("corrective:assign_training") + f"?audit={audit.pk}"
    page = client_for(auditor).get(url).content.decode()
    assert audit.supplier.code in page
    bad = client_for(auditor).post(url, {"supplier_code": audit.supplier.code, "topic": "Overtime", "due_date": "2026-03-01"})
    assert bad.status_code == 400 and "in the past" in bad.content.decode()
    ok = client_for(auditor).post(
        url,
        {
            "supplier_code": audit.supplier.code,
            "topic": "Overtime",
            "area": "labour",
            "due_date": "2026-05-01",
            "audit": audit.pk,
        },
    )
    assert ok.status_code == 302
    record = RequiredTraining.objects.get()
    assert (record.supplier, record.audit, record.area) == (audit.supplier, audit, "labour")


def test_training_needs_a_known_supplier(client_for, compliance):
    response = client_for(compliance).post(
        reverse("corrective:assign_training"), {"supplier_code": "NOPE", "topic": "Ethics", "due_date": "2026-05-01"}
    )
    assert response.status_code == 400 and "No supplier has the code NOPE." in response.content.decode()


def test_the_training_list_and_its_actions(client_for, compliance, assigned, supplier_a):
    client = client_for(compliance)
    assert "Working hours" in client.get(reverse("corrective:trainings"), {"supplier": supplier_a.code}).content.decode()
    assert "Working hours" not in client.get(reverse("corrective:trainings"), {"supplier": "nobody"}).content.decode()
    url = reverse("corrective:complete_training", kwargs={"training_pk": assigned.pk})
    assert client.post(url, {"attendee": ""}).status_code == 302  # refused with a message
    assigned.refresh_from_db()
    assert assigned.status == RequiredTraining.Status.ASSIGNED
    client.post(url, {"attendee": "Li Wei"})
    assigned.refresh_from_db()
    assert assigned.status == RequiredTraining.Status.COMPLETED
