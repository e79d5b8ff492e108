"""Every model names its objects: the audit trail keeps `str(target)` as the event's label (core.audit.event), and
auditors read it on the history pages. Django's default ("SignedAgreement object (1480)") says nothing.

A label is built from the object's own fields and `*_id` values (a related object only when it is already loaded),
so printing one never queries, and it never raises, not even for an unsaved instance with empty fields. Grievance
labels carry the case reference, ids and kinds only: nothing a reporter could be known by."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models

from supplyesg.assessments.models import CountryRisk
from supplyesg.core import audit
from supplyesg.core.models import AuditEvent, Job
from supplyesg.grievances.models import Attachment, DisclosureRequest, Message, ReporterIdentity
from supplyesg.minerals.campaigns.models import Submission, SubmissionRequest
from supplyesg.suppliers.models import Certification, ExitRecord, ProfileChangeRequest, SignedAgreement, Supplier
from supplyesg.suppliers.models.lifecycle import AgreementType
from tests.factories import make_agreement_type
from tests.suppliers.test_lifecycle_services import sign_scan

DEFAULT_LABEL = "object ("
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # the history pages show no codes (tests/core/test_history_reading.py)


def our_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("supplyesg")]


def label_in_the_trail(target) -> str:
    """The label an audit event about `target` stores (an unsaved event: no database)."""
    return audit.event(actor=None, action="test.labelled", target=target).target_label


def test_every_model_of_ours_has_a_label_of_its_own():
    models_ = our_models()
    assert len(models_) > 100
    assert [m._meta.label for m in models_ if m.__str__ is models.Model.__str__] == []


# (instance with typical values, what its label must show)
KEY_LABELS = {
    "signed agreement": (
        SignedAgreement(
            agreement_type=AgreementType(code="code-of-conduct", name="Supplier code of conduct", version="2.1"),
            version="2.1",
            signer_name="Wang Fang",
            signer_title="General manager",
        ),
        "Supplier code of conduct v2.1 · Wang Fang",
    ),
    "certification": (
        Certification(kind="material", verdict="pass", certified_on=date(2025, 3, 14), category_id=7),
        "material · pass · 2025-03-14 · category #7",
    ),
    "submission": (Submission(original_name="CMRT_6.5_Alpha_2025.xlsx", version=3), "CMRT_6.5_Alpha_2025.xlsx v3"),
    "submission request": (
        SubmissionRequest(supplier=Supplier(code="S000123", legal_name="Alpha Cable Co., Ltd."), campaign_id=12),
        "S000123 / campaign #12",
    ),
    "submission request, supplier not loaded": (SubmissionRequest(supplier_id=45, campaign_id=12), "#45 / campaign #12"),
    "country risk": (
        CountryRisk(country="CD", score=Decimal("87.50"), source="Verisk Maplecroft", as_of=date(2025, 1, 1)),
        "CD: 87.50",
    ),
    "exit record": (
        ExitRecord(exit_date=date(2025, 6, 30), open_items="transfer", reason="Repeated forced-labour findings"),
        "2025-06-30 · transfer",
    ),
    "job": (Job(pk=41, kind="risk_recompute", status="running"), "risk recompute #41"),
    "profile change request": (
        ProfileChangeRequest(changes={"registration_id": "91440300MA5ALPHA01", "legal_name": "Alpha Cable"}),
        "pending: legal name, registration id",
    ),
}


@pytest.mark.parametrize("name", KEY_LABELS)
def test_an_audited_object_is_named_by_its_own_data_in_the_trail(name):
    target, expected = KEY_LABELS[name]
    label = label_in_the_trail(target)
    assert label == expected
    assert DEFAULT_LABEL not in label
    assert not CODE.search(label)


def test_grievance_labels_carry_the_case_reference_and_kinds_never_what_the_reporter_wrote():
    motivation = "Need to call Zhang San on +86 138 0000 0000 about the dormitory."
    labels = [
        label_in_the_trail(Message(pk=9, report_id=42, author_kind="reporter", body=b"Zhang San", sent_on=date(2025, 5, 2))),
        label_in_the_trail(Attachment(pk=3, report_id=42, name=b"zhang-san-payslip.pdf", content_type="application/pdf")),
        label_in_the_trail(ReporterIdentity(report_id=42, sealed=b"Zhang San, +86 138 0000 0000")),
        label_in_the_trail(DisclosureRequest(pk=5, report_id=42, motivation=motivation, decision_note="Zhang San")),
    ]
    assert labels == [
        "GR-000042 · message #9 · reporter",
        "GR-000042 · attachment #3",
        "GR-000042 · identity",
        "GR-000042 · disclosure request #5 · pending",
    ]
    assert not any(word in label for label in labels for word in ("Zhang", "138", "payslip", "2025"))


# Labels written before these that name a related object (a supplier, a course, a channel, ...): an unsaved
# instance gets unsaved related objects, as a real one has them. The labels added with this test use only the
# object's own fields and *_id values, so they print for a bare `Model()`.
NAMES_A_RELATED_OBJECT = {
    "suppliers.DocumentRule",
    "suppliers.SanctionsListVersion",
    "suppliers.TerminationCase",
    "suppliers.Suspension",
    "minerals.RiskCase",
    "minerals.CaseProposalDismissal",
    "audits.Audit",
    "audits.CorrectiveAction",
    "ratings.Rating",
    "ratings.ImprovementAction",
    "grievances.ChannelText",
    "grievances.RulesOfProcedure",
    "grievances.Designation",
    "engagement.Session",
    "engagement.Attendance",
    "reporting.Snapshot",
}
# Labels written before these that format a required value (a date, a signed number).
FORMATS_A_REQUIRED_VALUE = {
    "traceability.TraceEvent": {"event_time": datetime(2025, 5, 2, 8, 30, tzinfo=UTC)},
    "engagement.Session": {"starts_at": datetime(2025, 5, 2, 8, 30, tzinfo=UTC)},
    "suppliers.SupplierTally": {"n": 1},
}


def unsaved(model: type[models.Model]) -> models.Model:
    instance = model(**FORMATS_A_REQUIRED_VALUE.get(model._meta.label, {}))
    if model._meta.label in NAMES_A_RELATED_OBJECT:
        for field in model._meta.concrete_fields:
            if field.many_to_one or field.one_to_one:
                if not field.null:
                    setattr(instance, field.name, field.related_model())
    return instance


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_a_label_prints_for_an_unsaved_instance_with_empty_fields_without_the_database(model):
    label = str(unsaved(model))  # no `db` fixture: a query would fail the test
    assert isinstance(label, str)
    assert DEFAULT_LABEL not in label


@pytest.mark.django_db
def test_a_signature_is_named_in_the_trail_and_printing_it_again_costs_no_query(
    compliance, supplier_a, django_assert_num_queries
):
    conduct = make_agreement_type(code="code-of-conduct", name="Supplier code of conduct", version="2.1")
    signed = sign_scan(supplier_a, conduct, compliance, signer_name="Li Wei")
    event = AuditEvent.objects.get(action="agreement.signed", target_id=str(signed.pk))
    assert event.target_label == "Supplier code of conduct v2.1 · Li Wei"

    again = SignedAgreement.objects.get(pk=signed.pk)
    with django_assert_num_queries(0):
        assert str(again) == f"#{conduct.pk} v2.1 · Li Wei"
