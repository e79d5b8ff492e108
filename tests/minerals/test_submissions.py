"""Submissions: checked and stored all or nothing, versioned, accepted only when valid, returned with a
comment.

Also home of the CMRT file builders the other campaign test modules import: real blank 6.5 templates with
company data and smelter rows written by openpyxl into a tmp copy (built once per test session).
"""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied

from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent
from supplyesg.minerals import workbooks
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.models import (
    Campaign,
    Smelter,
    SmelterReview,
    Submission,
    SubmissionRequest,
    SubmissionSmelter,
)
from tests.factories import make_contact
from tests.minerals.conftest import fixture_file

UNKNOWN_SMELTER = "Totally Unknown Smelting Works"
FUZZY_SMELTER = "China Tin Groupp Co., Ltd."  # one letter off China Tin Group Co., Ltd. (CID001070)
_BUILT: dict[tuple[int, str], Path] = {}


def smelter_rows() -> dict:
    """Row 5 (from the base) names CID001070 in column A; row 6 an unknown smelter; row 7 a near miss."""
    return {
        "B6": "Tin",
        "C6": "Smelter not listed",
        "D6": UNKNOWN_SMELTER,
        "E6": "CHINA",
        "B7": "Tin",
        "C7": "Smelter not listed",
        "D7": FUZZY_SMELTER,
        "E7": "CHINA",
    }


def cmrt_file(
    writer, name: str, *, company: str | None = "Alpha Cable Co., Ltd.", unique_id: str | None = None
) -> Path:
    """A CMRT 6.5 declaring tin; `company=None` leaves the company name empty (an error)."""
    key = (id(writer), name)
    if key not in _BUILT:
        effective = dt.datetime.combine(dt.date.today() - dt.timedelta(days=30), dt.time())
        declaration = {"D8": company, "D12": unique_id, "D22": effective}
        _BUILT[key] = writer.write(
            {"Declaration": declaration, "Smelter List": smelter_rows()}, name=f"{name}.xlsx"
        )
    return _BUILT[key]


def open_campaign_with(actor, *suppliers, **overrides) -> Campaign:
    """An open CMRT campaign asking exactly these suppliers (added by hand)."""
    values = {
        "name": "CMRT 2025",
        "reporting_year": 2025,
        "template": "CMRT",
        "minerals": ["Tin", "Gold"],
        "due_date": dt.date.today() + dt.timedelta(days=30),
        "tiers": [1],
    }
    values.update(overrides)
    campaign = campaigns.create_campaign(actor=actor, **values)
    for supplier in suppliers:
        campaigns.add_supplier(campaign, supplier, actor=actor)
    campaigns.open_campaign(campaign, actor=actor)
    return campaign


@pytest.fixture
def valid_file(cmrt65):
    return cmrt_file(cmrt65, "valid")


@pytest.fixture
def invalid_file(cmrt65):
    return cmrt_file(cmrt65, "no_company_name", company=None)


@pytest.fixture
def request_a(compliance, supplier_a):
    campaign = open_campaign_with(compliance, supplier_a)
    return campaign.requests.get(supplier=supplier_a)


def submit(request_obj, path: Path, actor, channel=Submission.Channel.STAFF):
    return campaigns.submit_declaration(
        request_obj, data=path.read_bytes(), file_name=path.name, actor=actor, channel=channel
    )


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT) / "minerals"
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


pytestmark = pytest.mark.django_db


def test_a_valid_file_is_stored_with_its_result_rows_and_the_request_status(
    request_a, valid_file, compliance
):
    submission = submit(request_a, valid_file, compliance)
    request_a.refresh_from_db()
    assert submission.version == 1
    assert submission.valid and submission.status == Submission.Status.VALID
    assert (submission.template, submission.template_version) == ("CMRT", "6.5")
    assert submission.company_name == "Alpha Cable Co., Ltd."
    assert submission.result["valid"] is True
    assert workbooks.submission_bytes(submission) == valid_file.read_bytes()  # kept byte for byte
    assert request_a.status == SubmissionRequest.Status.RECEIVED_VALID
    rows = {r.row: r for r in submission.smelter_rows.all()}
    assert rows[5].cid == "CID001070" and rows[5].matched_by == "cid"
    assert rows[6].cid == "" and rows[6].name == UNKNOWN_SMELTER
    assert rows[7].matched_by == "fuzzy" and rows[7].name == FUZZY_SMELTER
    event = AuditEvent.objects.get(action="submission.received")
    assert event.supplier_id == request_a.supplier_id and event.changes["valid"] == [None, True]


def test_a_file_with_errors_is_kept_with_its_findings_but_cannot_be_accepted(
    request_a, invalid_file, compliance
):
    submission = submit(request_a, invalid_file, compliance)
    request_a.refresh_from_db()
    assert submission.status == Submission.Status.INVALID and not submission.valid
    assert request_a.status == SubmissionRequest.Status.RECEIVED_ERRORS
    codes = {(f["code"], f["cell"]) for f in submission.result["findings"] if f["severity"] == "error"}
    assert ("company_field_missing", "D8") in codes
    with pytest.raises(RuleViolation, match="cannot be accepted"):
        campaigns.accept_submission(submission, actor=compliance)
    request_a.refresh_from_db()
    assert (
        request_a.accepted_submission is None and request_a.status == SubmissionRequest.Status.RECEIVED_ERRORS
    )


def test_a_resubmission_gets_the_next_version_and_supersedes_the_pending_one(
    request_a, invalid_file, valid_file, compliance
):
    first = submit(request_a, invalid_file, compliance)
    second = submit(request_a, valid_file, compliance)
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.status == Submission.Status.SUPERSEDED
    assert second.status == Submission.Status.VALID


def test_returning_needs_a_comment_and_the_supplier_is_told(
    request_a, valid_file, compliance, supplier_a, django_capture_on_commit_callbacks
):
    make_contact(supplier_a, email="cmrt@alpha.example.com")
    submission = submit(request_a, valid_file, compliance)
    with pytest.raises(RuleViolation, match="comment"):
        campaigns.return_submission(submission, actor=compliance, comment="  ")
    with django_capture_on_commit_callbacks(execute=True):
        campaigns.return_submission(
            submission, actor=compliance, comment="Gold is in scope: list your gold smelters."
        )
    submission.refresh_from_db()
    request_a.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    assert submission.review_comment == "Gold is in scope: list your gold smelters."
    assert request_a.status == SubmissionRequest.Status.RETURNED
    assert mail.outbox[-1].to == ["cmrt@alpha.example.com"] and "已退回修改" in mail.outbox[-1].subject
    assert AuditEvent.objects.filter(action="submission.returned", supplier=supplier_a).exists()


def test_return_then_resubmit_then_accept_keeps_one_accepted_declaration(request_a, valid_file, compliance):
    first = submit(request_a, valid_file, compliance)
    campaigns.accept_submission(first, actor=compliance)
    second = submit(request_a, valid_file, compliance)
    campaigns.return_submission(second, actor=compliance, comment="Please update the effective date.")
    third = submit(request_a, valid_file, compliance)
    second.refresh_from_db()
    assert second.status == Submission.Status.SUPERSEDED
    request_a.refresh_from_db()
    assert request_a.accepted_submission == first  # still the one that counts until another is accepted
    campaigns.accept_submission(third, actor=compliance)
    first.refresh_from_db()
    request_a.refresh_from_db()
    assert first.status == Submission.Status.SUPERSEDED
    assert request_a.accepted_submission == third and request_a.status == SubmissionRequest.Status.ACCEPTED
    assert list(request_a.submissions.filter(status=Submission.Status.ACCEPTED)) == [third]


def test_an_accepted_declaration_cannot_be_accepted_twice(request_a, valid_file, compliance):
    submission = submit(request_a, valid_file, compliance)
    campaigns.accept_submission(submission, actor=compliance)
    with pytest.raises(RuleViolation, match="awaiting review"):
        campaigns.accept_submission(submission, actor=compliance)


def test_a_failure_midway_stores_nothing(request_a, valid_file, compliance, monkeypatch):
    before = media_files()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(SubmissionSmelter.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        submit(request_a, valid_file, compliance)
    request_a.refresh_from_db()
    assert Submission.objects.count() == 0
    assert SmelterReview.objects.count() == 0
    assert not AuditEvent.objects.filter(action="submission.received").exists()
    assert request_a.status == SubmissionRequest.Status.REQUESTED
    assert media_files() == before


def test_a_legacy_xls_is_stored_as_invalid_with_the_unsupported_finding(request_a, compliance):
    path = fixture_file("legacy/CMRT_3.01_empty.xls")
    submission = submit(request_a, path, compliance)
    assert submission.status == Submission.Status.INVALID
    codes = {f["code"] for f in submission.result["findings"]}
    assert codes & {"unsupported_file_format", "unsupported_version", "file_password_protected"}
    assert submission.original_name == "CMRT_3.01_empty.xls"


def test_unidentified_and_fuzzy_names_go_to_the_review_queue_once_per_name(request_a, valid_file, compliance):
    Smelter.objects.create(
        cid="CID001070", metal="Tin", standard_name="China Tin Group Co., Ltd.", country="CHINA"
    )
    submit(request_a, valid_file, compliance)
    submit(request_a, valid_file, compliance)
    unknown = SmelterReview.objects.get(name=UNKNOWN_SMELTER)
    fuzzy = SmelterReview.objects.get(name=FUZZY_SMELTER)
    assert (unknown.metal, unknown.country, unknown.occurrences, unknown.suggested) == (
        "Tin",
        "CHINA",
        2,
        None,
    )
    assert fuzzy.suggested.cid == "CID001070" and fuzzy.score >= 90 and fuzzy.occurrences == 2
    assert SmelterReview.objects.count() == 2  # the row identified by its CID is not queued


def test_a_closed_campaign_takes_no_more_files(request_a, valid_file, compliance):
    campaigns.close_campaign(request_a.campaign, actor=compliance)
    with pytest.raises(RuleViolation, match="closed"):
        submit(request_a, valid_file, compliance)
    assert Submission.objects.count() == 0


def test_a_supplier_user_cannot_submit_for_another_supplier(request_a, valid_file, supplier_b_user):
    with pytest.raises(PermissionDenied):
        submit(request_a, valid_file, supplier_b_user, channel=Submission.Channel.PORTAL)
    assert Submission.objects.count() == 0
