"""The guards of the lifecycle, compliance (documents, blacklist, can-order) and portal services, one test each."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent, PolicySettings
from supplyesg.suppliers.models import (
    BlacklistEntry,
    Certification,
    Document,
    ExitRecord,
    ProfileChangeRequest,
    QualificationItem,
    SignedAgreement,
    Supplier,
)
from supplyesg.suppliers.models.lifecycle import Verdict
from supplyesg.suppliers.services import compliance as compliance_service
from supplyesg.suppliers.services import lifecycle, portal
from tests.factories import (
    make_agreement_type,
    make_blacklist_entry,
    make_category,
    make_document,
    make_document_rule,
    make_supplier,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

S = Supplier.Status
K = QualificationItem.Kind


def refused(func, *args, **kwargs) -> list[str]:
    with pytest.raises(RuleViolation) as caught:
        func(*args, **kwargs)
    return caught.value.messages


def in_status(status, **kwargs) -> Supplier:
    return make_supplier(status=status, **kwargs)


def in_qualification(actor, **kwargs) -> Supplier:
    return lifecycle.start_qualification_review(make_supplier(**kwargs), actor=actor)


def pass_checklist(supplier, actor) -> None:
    for item in supplier.qualification_items.all():
        lifecycle.attach_qualification_evidence(item, actor=actor, note="Checked against the registry.")
        lifecycle.review_qualification_item(item, actor=actor, verdict=Verdict.PASS)


def in_certification(actor, **kwargs) -> Supplier:
    supplier = in_qualification(actor, **kwargs)
    pass_checklist(supplier, actor)
    return lifecycle.complete_qualification_review(supplier, actor=actor)


def item(supplier, kind) -> QualificationItem:
    return supplier.qualification_items.get(kind=kind)


def sign_scan(supplier, agreement_type, actor, **kwargs):
    kwargs.setdefault("signer_name", "Wang Fang")
    kwargs.setdefault("signer_title", "General manager")
    kwargs.setdefault("signed_at", timezone.now() - timedelta(days=1))
    return lifecycle.record_signed_scan(supplier, agreement_type, actor=actor, scan=pdf_upload("signed.pdf"), **kwargs)


# ---------------------------------------------------------------- transitions in general

# (function, a status it does not start from, needs a reason)
TRANSITION_CASES = [
    (lifecycle.start_qualification_review, S.ACTIVE, False),
    (lifecycle.complete_qualification_review, S.PROSPECT, False),
    (lifecycle.reject_qualification, S.ACTIVE, True),
    (lifecycle.approve_supplier, S.QUALIFICATION, False),
    (lifecycle.activate_supplier, S.CERTIFICATION, False),
    (lifecycle.make_conditional, S.SUSPENDED, True),
    (lifecycle.restore_supplier, S.QUALIFIED, True),
    (lifecycle.suspend_supplier, S.PROSPECT, True),
    (lifecycle.readmit_supplier, S.ACTIVE, True),
]


@pytest.mark.parametrize(("func", "wrong_status", "_needs_reason"), TRANSITION_CASES,
                         ids=[c[0].__name__ for c in TRANSITION_CASES])
def test_each_transition_refuses_a_status_it_does_not_start_from(compliance, func, wrong_status, _needs_reason):
    supplier = in_status(wrong_status)
    messages = refused(func, supplier, actor=compliance, reason="Because.")
    assert "cannot be moved to" in messages[0]
    supplier.refresh_from_db()
    assert supplier.status == wrong_status
    assert not AuditEvent.objects.filter(supplier=supplier).exists()


REASON_CASES = [
    (lifecycle.reject_qualification, S.QUALIFICATION),
    (lifecycle.make_conditional, S.ACTIVE),
    (lifecycle.restore_supplier, S.SUSPENDED),
    (lifecycle.suspend_supplier, S.ACTIVE),
    (lifecycle.readmit_supplier, S.EXITED),
]


@pytest.mark.parametrize(("func", "status"), REASON_CASES, ids=[c[0].__name__ for c in REASON_CASES])
def test_each_transition_that_needs_a_reason_refuses_a_blank_one(compliance, func, status):
    supplier = in_status(status)
    assert refused(func, supplier, actor=compliance, reason="   ") == ["reason: a reason is required for this change."]
    supplier.refresh_from_db()
    assert supplier.status == status


@pytest.mark.parametrize(("func", "start", "end"), [
    (lifecycle.activate_supplier, S.QUALIFIED, S.ACTIVE),
    (lifecycle.make_conditional, S.QUALIFIED, S.CONDITIONAL),
    (lifecycle.restore_supplier, S.CONDITIONAL, S.ACTIVE),
    (lifecycle.suspend_supplier, S.CONDITIONAL, S.SUSPENDED),
    (lifecycle.readmit_supplier, S.EXITED, S.PROSPECT),
])
def test_an_operating_transition_moves_the_status_and_records_who_and_why(compliance, func, start, end):
    supplier = in_status(start)
    func(supplier, actor=compliance, reason="Agreed in the supplier review meeting.")
    supplier.refresh_from_db()
    assert supplier.status == end
    event = AuditEvent.objects.get(supplier=supplier, action__startswith="supplier.")
    assert event.changes == {"status": [start, end]}
    assert event.actor == compliance and event.reason == "Agreed in the supplier review meeting."


# ---------------------------------------------------------------- qualification review


def test_starting_qualification_creates_the_whole_checklist(compliance):
    supplier = in_qualification(compliance)
    assert supplier.status == S.QUALIFICATION
    assert sorted(supplier.qualification_items.values_list("kind", flat=True)) == sorted(K.values)
    assert AuditEvent.objects.filter(supplier=supplier, action="supplier.qualification_started").exists()


def test_starting_qualification_is_refused_when_the_identity_is_blacklisted(compliance):
    banned = make_supplier(legal_name="Gamma Metals Co., Ltd.", registration_id="91110000GAMMA")
    make_blacklist_entry(banned)
    # The same registration id (a second record in another country: one per country is a database rule).
    again = make_supplier(legal_name="Gamma Metals Company Limited", registration_id="91110000GAMMA", country="HK")
    messages = refused(lifecycle.start_qualification_review, again, actor=compliance)
    assert "Gamma Metals Co., Ltd. is blacklisted (Counterfeit products, permanent): it cannot be admitted." in messages
    again.refresh_from_db()
    assert again.status == S.PROSPECT
    assert not again.qualification_items.exists()


def test_evidence_needs_a_file_or_a_note(compliance):
    supplier = in_qualification(compliance)
    messages = refused(lifecycle.attach_qualification_evidence, item(supplier, K.LABOUR), actor=compliance, note="  ")
    assert messages == ["evidence: attach a file or write a note."]


def test_evidence_file_and_note_are_kept_on_the_item(compliance):
    supplier = in_qualification(compliance)
    labour = lifecycle.attach_qualification_evidence(item(supplier, K.LABOUR), actor=compliance,
                                                     evidence=pdf_upload("social-insurance.pdf"), note="2024 records")
    labour.refresh_from_db()
    assert labour.evidence.read().startswith(b"%PDF-")
    assert labour.evidence_note == "2024 records"


@pytest.mark.parametrize("verdict", [Verdict.PENDING, "maybe"])
def test_a_verdict_must_be_pass_fail_or_not_applicable(compliance, verdict):
    supplier = in_qualification(compliance)
    messages = refused(lifecycle.review_qualification_item, item(supplier, K.LABOUR), actor=compliance, verdict=verdict)
    assert messages == ["verdict: choose pass, fail or not applicable."]


def test_only_iso_items_may_be_marked_not_applicable(compliance):
    supplier = in_qualification(compliance)
    messages = refused(lifecycle.review_qualification_item, item(supplier, K.BUSINESS_LICENCE), actor=compliance,
                       verdict=Verdict.NOT_APPLICABLE)
    assert messages == ["verdict: Business licence cannot be marked not applicable."]


def test_an_iso_item_may_be_marked_not_applicable_without_evidence(compliance):
    supplier = in_qualification(compliance)
    iso = lifecycle.review_qualification_item(item(supplier, K.ISO45001), actor=compliance,
                                              verdict=Verdict.NOT_APPLICABLE)
    assert iso.verdict == Verdict.NOT_APPLICABLE and iso.reviewer == compliance


def test_an_item_cannot_pass_without_evidence(compliance):
    supplier = in_qualification(compliance)
    messages = refused(lifecycle.review_qualification_item, item(supplier, K.ANTI_CORRUPTION), actor=compliance,
                       verdict=Verdict.PASS)
    assert messages == ["verdict: Anti-corruption cannot pass without evidence."]
    assert item(supplier, K.ANTI_CORRUPTION).verdict == Verdict.PENDING


def test_a_failing_item_needs_a_comment(compliance):
    supplier = in_qualification(compliance)
    messages = refused(lifecycle.review_qualification_item, item(supplier, K.LEGAL_DISPUTES), actor=compliance,
                       verdict=Verdict.FAIL, comment=" ")
    assert messages == ["comment: say why the item fails."]


def test_qualification_cannot_pass_while_an_item_is_unreviewed(compliance):
    supplier = in_qualification(compliance)
    pass_checklist(supplier, compliance)
    QualificationItem.objects.filter(supplier=supplier, kind=K.ISO9001).update(verdict=Verdict.PENDING)
    messages = refused(lifecycle.complete_qualification_review, supplier, actor=compliance)
    assert messages == ["ISO 9001 quality management has not been reviewed."]
    supplier.refresh_from_db()
    assert supplier.status == S.QUALIFICATION


def test_qualification_cannot_pass_while_an_item_failed(compliance):
    supplier = in_qualification(compliance)
    pass_checklist(supplier, compliance)
    lifecycle.review_qualification_item(item(supplier, K.ENVIRONMENTAL_HISTORY), actor=compliance,
                                        verdict=Verdict.FAIL, comment="Fined for waste water in 2023.")
    messages = refused(lifecycle.complete_qualification_review, supplier, actor=compliance)
    assert messages == ["Historical environmental performance failed."]


def test_qualification_passes_when_every_item_passed_or_is_not_applicable(compliance):
    supplier = in_qualification(compliance)
    pass_checklist(supplier, compliance)
    lifecycle.review_qualification_item(item(supplier, K.ISO14001), actor=compliance, verdict=Verdict.NOT_APPLICABLE)
    supplier = lifecycle.complete_qualification_review(supplier, actor=compliance)
    assert supplier.status == S.CERTIFICATION


def test_rejecting_admission_sends_the_supplier_back_to_prospect_with_the_reason(compliance):
    supplier = in_qualification(compliance)
    lifecycle.reject_qualification(supplier, actor=compliance, reason="Licence is forged.")
    supplier.refresh_from_db()
    assert supplier.status == S.PROSPECT
    assert AuditEvent.objects.get(supplier=supplier, action="supplier.admission_rejected").reason == "Licence is forged."


# ---------------------------------------------------------------- certification and agreements


def test_certifications_are_recorded_only_in_certification(compliance):
    supplier = in_qualification(compliance)
    messages = refused(lifecycle.record_certification, supplier, actor=compliance, kind=Certification.Kind.SYSTEM,
                       verdict=Verdict.PASS)
    assert messages == ["Certifications are recorded while the supplier is in certification."]


def test_a_certification_verdict_must_be_pass_or_fail(compliance):
    supplier = in_certification(compliance)
    messages = refused(lifecycle.record_certification, supplier, actor=compliance, kind=Certification.Kind.SYSTEM,
                       verdict=Verdict.NOT_APPLICABLE)
    assert messages == ["verdict: choose pass or fail."]


def test_a_material_certification_needs_a_category(compliance):
    supplier = in_certification(compliance, categories=[make_category()])
    messages = refused(lifecycle.record_certification, supplier, actor=compliance, kind=Certification.Kind.MATERIAL,
                       verdict=Verdict.PASS)
    assert messages == ["category: a material certification is for one of the supplier's categories."]


def test_a_material_certification_must_be_for_one_of_the_suppliers_categories(compliance):
    supplier = in_certification(compliance, categories=[make_category()])
    other = make_category(name="Cobalt hydroxide")
    messages = refused(lifecycle.record_certification, supplier, actor=compliance, kind=Certification.Kind.MATERIAL,
                       verdict=Verdict.PASS, category=other)
    assert messages == ["category: Cobalt hydroxide is not one of this supplier's categories."]


def test_a_certification_kind_must_be_system_or_material(compliance):
    supplier = in_certification(compliance)
    messages = refused(lifecycle.record_certification, supplier, actor=compliance, kind="product",
                       verdict=Verdict.PASS)
    assert messages == ["kind: choose system or material certification."]


def test_a_failing_certification_needs_a_note(compliance):
    supplier = in_certification(compliance)
    messages = refused(lifecycle.record_certification, supplier, actor=compliance, kind=Certification.Kind.SYSTEM,
                       verdict=Verdict.FAIL)
    assert messages == ["note: say why the certification fails."]
    assert not supplier.certifications.exists()


def test_a_system_certification_is_not_tied_to_a_category(compliance):
    category = make_category()
    supplier = in_certification(compliance, categories=[category])
    cert = lifecycle.record_certification(supplier, actor=compliance, kind=Certification.Kind.SYSTEM,
                                          verdict=Verdict.PASS, category=category)
    assert cert.category is None
    assert AuditEvent.objects.filter(supplier=supplier, action="certification.recorded").count() == 1


def test_certification_problems_list_every_missing_step(compliance):
    solder = make_category(name="Tin solder")
    agreement = make_agreement_type(name="Code of conduct", required_for_all=True)
    supplier = in_certification(compliance, categories=[solder])
    assert lifecycle.certification_problems(supplier) == [
        "System certification (quality, environment, occupational health and safety) has not passed.",
        "Material certification for Tin solder has not passed.",
        f"Code of conduct (version {agreement.version}) is not signed.",
    ]


def test_certification_problems_flag_a_supplier_without_category(compliance):
    supplier = in_certification(compliance)
    assert "The supplier has no category, so no material certification can be made." in \
        lifecycle.certification_problems(supplier)


def test_the_latest_certification_verdict_is_the_one_that_counts(compliance):
    supplier = in_certification(compliance)
    lifecycle.record_certification(supplier, actor=compliance, kind=Certification.Kind.SYSTEM, verdict=Verdict.PASS)
    lifecycle.record_certification(supplier, actor=compliance, kind=Certification.Kind.SYSTEM, verdict=Verdict.FAIL,
                                   note="ISO 9001 certificate withdrawn.")
    assert "System certification (quality, environment, occupational health and safety) has not passed." in \
        lifecycle.certification_problems(supplier)


def test_required_agreements_are_those_for_everyone_and_those_of_the_suppliers_categories():
    for_all = make_agreement_type(name="Code of conduct", required_for_all=True)
    minerals = make_agreement_type(name="Responsible minerals")
    make_agreement_type(name="Unrelated")
    tin = make_category(name="Tin solder")
    tin.required_agreements.add(minerals)
    supplier = make_supplier(categories=[tin])
    assert set(lifecycle.required_agreement_types(supplier)) == {for_all, minerals}


def test_a_signature_on_an_older_version_does_not_count(compliance):
    agreement = make_agreement_type(required_for_all=True, version="1.0")
    supplier = make_supplier()
    sign_scan(supplier, agreement, compliance)
    assert lifecycle.missing_agreements(supplier) == []
    agreement.version = "2.0"
    agreement.save()
    assert lifecycle.missing_agreements(supplier) == [agreement]


def test_only_a_user_of_the_supplier_can_sign_in_the_portal(compliance, supplier_a, supplier_b_user):
    agreement = make_agreement_type()
    for actor in (compliance, supplier_b_user):
        messages = refused(lifecycle.sign_agreement_in_portal, supplier_a, agreement, actor=actor, signer_name="Li",
                           signer_title="CEO", accepted_hash=agreement.text_hash)
        assert messages == ["Only a user of this supplier can sign in the portal."]
    assert not SignedAgreement.objects.exists()


def test_a_portal_signature_needs_the_signers_name_and_title(supplier_a, supplier_a_user):
    agreement = make_agreement_type()
    messages = refused(lifecycle.sign_agreement_in_portal, supplier_a, agreement, actor=supplier_a_user,
                       signer_name=" ", signer_title="", accepted_hash=agreement.text_hash)
    assert messages == ["signer_name: the signer's name is required.", "signer_title: the signer's title is required."]


def test_a_portal_signature_is_refused_when_the_text_changed_while_reading(supplier_a, supplier_a_user):
    agreement = make_agreement_type()
    shown = agreement.text_hash
    agreement.body += "\nNew clause on forced labour."
    agreement.save()
    messages = refused(lifecycle.sign_agreement_in_portal, supplier_a, agreement, actor=supplier_a_user,
                       signer_name="Li Na", signer_title="CEO", accepted_hash=shown)
    assert messages == ["The agreement text changed while you were reading it; please read it again."]


def test_a_portal_signature_keeps_the_exact_text_signed(supplier_a, supplier_a_user):
    agreement = make_agreement_type(name="Code of conduct", body="Do no harm.", body_zh="不作恶。")
    signed = lifecycle.sign_agreement_in_portal(supplier_a, agreement, actor=supplier_a_user, signer_name="Li Na",
                                                signer_title="CEO", accepted_hash=agreement.text_hash)
    assert "Do no harm." in signed.text_snapshot and "不作恶。" in signed.text_snapshot
    assert signed.method == SignedAgreement.Method.PORTAL and signed.signed_by_user == supplier_a_user
    assert AuditEvent.objects.filter(supplier=supplier_a, action="agreement.signed").exists()


def test_a_signed_scan_needs_the_signers_name_and_title(compliance, supplier_a):
    messages = refused(sign_scan, supplier_a, make_agreement_type(), compliance, signer_name="", signer_title=" ")
    assert messages == ["signer_name: the signer's name is required.", "signer_title: the signer's title is required."]


def test_a_signed_scan_cannot_be_dated_in_the_future(compliance, supplier_a):
    messages = refused(sign_scan, supplier_a, make_agreement_type(), compliance,
                       signed_at=timezone.now() + timedelta(days=2))
    assert messages == ["signed_at: the signing date is in the future."]
    assert not SignedAgreement.objects.exists()


def test_signing_again_supersedes_the_earlier_signature(compliance, supplier_a):
    agreement = make_agreement_type()
    first = sign_scan(supplier_a, agreement, compliance)
    second = sign_scan(supplier_a, agreement, compliance)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert list(SignedAgreement.objects.in_force().filter(supplier=supplier_a)) == [second]


def test_approval_is_refused_until_certification_is_complete(compliance):
    supplier = in_certification(compliance, categories=[make_category(name="Wafers")])
    lifecycle.record_certification(supplier, actor=compliance, kind=Certification.Kind.SYSTEM, verdict=Verdict.PASS)
    messages = refused(lifecycle.approve_supplier, supplier, actor=compliance)
    assert messages == ["Material certification for Wafers has not passed."]
    supplier.refresh_from_db()
    assert supplier.status == S.CERTIFICATION


def test_approval_is_refused_while_a_ban_is_in_force(compliance):
    supplier = in_certification(compliance, categories=[make_category()])
    lifecycle.record_certification(supplier, actor=compliance, kind=Certification.Kind.SYSTEM, verdict=Verdict.PASS)
    lifecycle.record_certification(supplier, actor=compliance, kind=Certification.Kind.MATERIAL, verdict=Verdict.PASS,
                                   category=supplier.categories.get())
    # A ban recorded outside the services (e.g. imported) while the status still says certification.
    BlacklistEntry.objects.create(supplier=supplier, legal_name=supplier.legal_name, country=supplier.country,
                                  reason=BlacklistEntry.Reason.BRIBERY, details="Kickbacks.", permanent=True)
    assert refused(lifecycle.approve_supplier, supplier, actor=compliance) == ["The supplier is blacklisted."]


def test_approval_moves_a_fully_certified_and_signed_supplier_to_qualified(compliance):
    agreement = make_agreement_type(required_for_all=True)
    supplier = in_certification(compliance, categories=[make_category()])
    lifecycle.record_certification(supplier, actor=compliance, kind=Certification.Kind.SYSTEM, verdict=Verdict.PASS)
    lifecycle.record_certification(supplier, actor=compliance, kind=Certification.Kind.MATERIAL, verdict=Verdict.PASS,
                                   category=supplier.categories.get())
    sign_scan(supplier, agreement, compliance)
    assert lifecycle.approve_supplier(supplier, actor=compliance).status == S.QUALIFIED


def certified_battery_supplier(compliance, *documents):
    """A supplier of battery modules, certified and signed, whose category needs a yearly RoHS and REACH report."""
    battery = make_category(name="Battery modules")
    make_document_rule(battery, doc_type="rohs", yearly=True)
    make_document_rule(battery, doc_type="reach", yearly=True)
    supplier = in_certification(compliance, categories=[battery])
    lifecycle.record_certification(supplier, actor=compliance, kind=Certification.Kind.SYSTEM, verdict=Verdict.PASS)
    lifecycle.record_certification(supplier, actor=compliance, kind=Certification.Kind.MATERIAL, verdict=Verdict.PASS,
                                   category=battery)
    for doc_type, issued in documents:
        make_document(supplier, doc_type=doc_type, issue_date=issued)
    return supplier


TODAY_FOR_DOCS = timezone.localdate()
RECENT, OLD = TODAY_FOR_DOCS - timedelta(days=30), TODAY_FOR_DOCS - timedelta(days=400)
NO_REACH = "REACH report issued in the last 12 months (required for Battery modules) is missing and not waived."
NO_ROHS = "RoHS report issued in the last 12 months (required for Battery modules) is missing and not waived."


@pytest.mark.parametrize(
    ("documents", "waived", "problems"),
    [
        ((("rohs", RECENT), ("reach", RECENT)), (), []),
        ((("rohs", RECENT),), (), [NO_REACH]),
        # last year's report does not count for a yearly rule
        ((("rohs", OLD), ("reach", RECENT)), (), [NO_ROHS]),
        # a waiver in force stands in for the document
        ((("rohs", RECENT),), ("reach",), []),
        ((), ("rohs", "reach"), []),
    ],
)
def test_aiko_admission_approval_needs_every_mandatory_document_or_a_recorded_waiver(compliance, documents, waived, problems):
    supplier = certified_battery_supplier(compliance, *documents)
    for doc_type in waived:
        compliance_service.waive_document(supplier, actor=compliance, doc_type=doc_type, reason="Lab report due in May.",
                                          expires_on=TODAY_FOR_DOCS + timedelta(days=90))
    if problems:
        assert refused(lifecycle.approve_supplier, supplier, actor=compliance) == problems
        supplier.refresh_from_db()
        assert supplier.status == S.CERTIFICATION
    else:
        assert lifecycle.approve_supplier(supplier, actor=compliance).status == S.QUALIFIED


def test_aiko_admission_an_expired_waiver_no_longer_stands_in_for_the_document(compliance):
    supplier = certified_battery_supplier(compliance, ("rohs", RECENT))
    waiver = compliance_service.waive_document(supplier, actor=compliance, doc_type="reach", reason="Lab backlog.",
                                               expires_on=TODAY_FOR_DOCS + timedelta(days=10))
    type(waiver).objects.filter(pk=waiver.pk).update(expires_on=TODAY_FOR_DOCS - timedelta(days=1))
    assert len(refused(lifecycle.approve_supplier, supplier, actor=compliance)) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": " "}, "reason: say why the document is waived."),
        ({"expires_on": None}, "expires_on: give the date the waiver ends."),
        ({"expires_on": TODAY_FOR_DOCS}, "expires_on: the waiver must end after today."),
        (
            {"expires_on": TODAY_FOR_DOCS + timedelta(days=400)},
            "expires_on: a waiver lasts at most a year; grant a new one when it ends.",
        ),
        ({"doc_type": "licence"}, "doc_type: this document is not a missing mandatory document of the supplier."),
    ],
)
def test_a_waiver_needs_a_reason_and_an_expiry_and_a_missing_mandatory_document(compliance, changes, message):
    supplier = certified_battery_supplier(compliance)
    kwargs = {"doc_type": "reach", "reason": "Lab backlog.", "expires_on": TODAY_FOR_DOCS + timedelta(days=30), **changes}
    assert refused(compliance_service.waive_document, supplier, actor=compliance, **kwargs) == [message]
    assert not supplier.document_waivers.exists()


def test_a_waiver_is_recorded_in_the_supplier_history(compliance):
    supplier = certified_battery_supplier(compliance)
    compliance_service.waive_document(supplier, actor=compliance, doc_type="rohs", reason="Lab backlog.",
                                      expires_on=TODAY_FOR_DOCS + timedelta(days=30))
    event = AuditEvent.objects.get(action="document.waived")
    assert event.supplier == supplier and event.reason == "Lab backlog." and event.changes["doc_type"] == [None, "rohs"]


# ---------------------------------------------------------------- exit and readmission


def exit_kwargs(**kwargs):
    kwargs.setdefault("reason", "Plant closed.")
    kwargs.setdefault("exit_date", date(2025, 3, 31))
    kwargs.setdefault("open_items", ExitRecord.OpenItems.CLOSE)
    return kwargs


def test_exit_needs_a_known_choice_for_open_items(compliance):
    supplier = in_status(S.ACTIVE)
    messages = refused(lifecycle.exit_supplier, supplier, actor=compliance, **exit_kwargs(open_items="forget"))
    assert messages == ["open_items: choose what happens to open items."]


def test_exit_transferring_open_items_needs_a_note(compliance):
    supplier = in_status(S.ACTIVE)
    messages = refused(lifecycle.exit_supplier, supplier, actor=compliance,
                       **exit_kwargs(open_items=ExitRecord.OpenItems.TRANSFER))
    assert messages == ["open_items_note: say where open items are transferred."]


def test_exit_needs_a_reason(compliance):
    supplier = in_status(S.ACTIVE)
    assert refused(lifecycle.exit_supplier, supplier, actor=compliance, **exit_kwargs(reason="")) == [
        "reason: a reason is required for this change."]
    assert not ExitRecord.objects.exists()


@pytest.mark.parametrize("status", [S.EXITED, S.BLACKLISTED])
def test_an_exited_or_blacklisted_supplier_cannot_exit(compliance, status):
    supplier = in_status(status)
    assert "cannot be moved to" in refused(lifecycle.exit_supplier, supplier, actor=compliance, **exit_kwargs())[0]


def test_exit_ends_the_agreements_in_force_and_records_the_exit(compliance):
    supplier = in_status(S.ACTIVE)
    signed = sign_scan(supplier, make_agreement_type(), compliance)
    record = lifecycle.exit_supplier(supplier, actor=compliance, **exit_kwargs(
        open_items=ExitRecord.OpenItems.TRANSFER, open_items_note="Moved to Beta Solder."))
    supplier.refresh_from_db()
    signed.refresh_from_db()
    assert supplier.status == S.EXITED and signed.revoked_at is not None
    assert record.open_items_note == "Moved to Beta Solder." and record.decided_by == compliance
    assert AuditEvent.objects.filter(supplier=supplier, action="supplier.exit_recorded").exists()


def test_readmission_is_refused_while_the_identity_is_banned(compliance):
    make_blacklist_entry(make_supplier(legal_name="Delta Tin", registration_id="DT-1"))
    exited = in_status(S.EXITED, legal_name="Delta Tin Ltd.", registration_id="DT-1", country="HK")
    messages = refused(lifecycle.readmit_supplier, exited, actor=compliance, reason="New owner.")
    assert messages[0].startswith("Delta Tin is blacklisted")
    exited.refresh_from_db()
    assert exited.status == S.EXITED


# ---------------------------------------------------------------- documents


def upload_rohs_report(supplier, actor, **kwargs):
    return compliance_service.upload_document(supplier, actor=actor, doc_type="rohs", title="RoHS test report",
                                              file=pdf_upload("rohs.pdf"), **kwargs)


def test_a_document_cannot_expire_before_it_was_issued(compliance, supplier_a):
    messages = refused(upload_rohs_report, supplier_a, compliance, issue_date=date(2025, 5, 1),
                       expiry_date=date(2025, 4, 30))
    assert messages == ["expiry_date: the expiry date is before the issue date."]
    assert not Document.objects.exists()


def test_removing_a_document_needs_a_reason(compliance, supplier_a):
    document = make_document(supplier_a)
    assert refused(compliance_service.remove_document, document, actor=compliance, reason=" ") == [
        "reason: say why the document is removed."]
    assert Document.objects.filter(pk=document.pk).exists()


def test_removing_a_document_deletes_its_file_and_records_why(compliance, supplier_a):
    document = make_document(supplier_a)
    storage, name = document.file.storage, document.file.name
    compliance_service.remove_document(document, actor=compliance, reason="Uploaded to the wrong supplier.")
    assert not Document.objects.exists() and not storage.exists(name)
    assert AuditEvent.objects.get(action="document.removed").reason == "Uploaded to the wrong supplier."


def test_missing_documents_lists_a_rule_without_a_document():
    solder = make_category(name="Tin solder")
    make_document_rule(solder, doc_type="rohs")
    supplier = make_supplier(categories=[solder])
    assert [m.label for m in compliance_service.missing_documents(supplier)] == ["RoHS report in force (required for Tin solder)"]


def test_an_expired_document_does_not_satisfy_a_rule():
    solder = make_category()
    make_document_rule(solder, doc_type="rohs")
    supplier = make_supplier(categories=[solder])
    make_document(supplier, doc_type="rohs", issue_date=date.today() - timedelta(days=400),
                  expiry_date=date.today() - timedelta(days=1))
    assert len(compliance_service.missing_documents(supplier)) == 1
    make_document(supplier, doc_type="rohs")
    assert compliance_service.missing_documents(supplier) == []


def test_a_yearly_rule_needs_a_document_issued_within_the_last_year():
    solder = make_category(name="Tin solder")
    make_document_rule(solder, doc_type="reach", yearly=True)
    supplier = make_supplier(categories=[solder])
    make_document(supplier, doc_type="reach", issue_date=date.today() - timedelta(days=400), expiry_date=None)
    assert [m.label for m in compliance_service.missing_documents(supplier)] == [
        "REACH report issued in the last 12 months (required for Tin solder)"]


def test_a_yearly_rule_counts_the_upload_date_when_the_issue_date_is_unknown():
    solder = make_category()
    make_document_rule(solder, doc_type="reach", yearly=True)
    supplier = make_supplier(categories=[solder])
    make_document(supplier, doc_type="reach", issue_date=None, expiry_date=None)
    assert compliance_service.missing_documents(supplier) == []


# ---------------------------------------------------------------- blacklist


def ban(supplier, actor, **kwargs):
    kwargs.setdefault("reason", BlacklistEntry.Reason.COUNTERFEIT)
    kwargs.setdefault("details", "Counterfeit capacitors in lot 42.")
    kwargs.setdefault("permanent", True)
    return compliance_service.blacklist_supplier(supplier, actor=actor, **kwargs)


def test_blacklisting_needs_one_of_the_listed_reasons(compliance, supplier_a):
    assert refused(ban, supplier_a, compliance, reason="grudge") == ["reason: choose one of the listed reasons."]


def test_blacklisting_needs_details(compliance, supplier_a):
    assert refused(ban, supplier_a, compliance, details=" ") == ["details: describe what happened."]


def test_a_permanent_ban_has_no_end_date(compliance, supplier_a):
    assert refused(ban, supplier_a, compliance, until=date.today() + timedelta(days=30)) == [
        "until: a permanent ban has no end date."]


def test_a_temporary_ban_needs_an_end_date(compliance, supplier_a):
    assert refused(ban, supplier_a, compliance, permanent=False) == ["until: a temporary ban needs an end date."]


def test_a_temporary_ban_must_end_in_the_future(compliance, supplier_a):
    assert refused(ban, supplier_a, compliance, permanent=False, until=date.today()) == [
        "until: the end date must be in the future."]
    supplier_a.refresh_from_db()
    assert supplier_a.status == S.PROSPECT and not BlacklistEntry.objects.exists()


def test_a_supplier_cannot_be_blacklisted_twice(compliance, supplier_a):
    ban(supplier_a, compliance)
    assert refused(ban, supplier_a, compliance) == ["This supplier is already blacklisted."]
    assert BlacklistEntry.objects.count() == 1


def test_blacklisting_keeps_the_identity_and_the_previous_status(compliance):
    supplier = in_status(S.ACTIVE, registration_id="REG-9")
    entry = ban(supplier, compliance, evidence=pdf_upload("inspection.pdf"))
    supplier.refresh_from_db()
    assert supplier.status == S.BLACKLISTED
    assert (entry.legal_name, entry.registration_id, entry.status_before) == (supplier.legal_name, "REG-9", S.ACTIVE)
    assert entry.evidence.read().startswith(b"%PDF-")
    assert AuditEvent.objects.get(action="supplier.blacklisted").changes["status"] == [S.ACTIVE, S.BLACKLISTED]


def test_lifting_a_ban_needs_a_reason(compliance, supplier_a):
    entry = ban(supplier_a, compliance)
    assert refused(compliance_service.lift_blacklist, entry, actor=compliance, reason="") == [
        "reason: say why the ban is lifted."]


def test_a_ban_cannot_be_lifted_twice(compliance, supplier_a):
    entry = ban(supplier_a, compliance)
    compliance_service.lift_blacklist(entry, actor=compliance, reason="Court ruling.")
    assert refused(compliance_service.lift_blacklist, entry, actor=compliance, reason="Again.") == [
        "This blacklist entry was already lifted."]


def test_lifting_a_ban_leaves_the_supplier_exited(compliance, supplier_a):
    entry = ban(supplier_a, compliance)
    compliance_service.lift_blacklist(entry, actor=compliance, reason="Court ruling.")
    supplier_a.refresh_from_db()
    entry.refresh_from_db()
    assert supplier_a.status == S.EXITED
    assert entry.lifted_by == compliance and entry.lift_reason == "Court ruling."


def test_a_ban_matches_a_new_record_with_the_same_registration_id(compliance):
    make_blacklist_entry(make_supplier(legal_name="Epsilon", registration_id="ABC-123", country="CN"))
    hits = compliance_service.matching_blacklist_entries(legal_name="Totally different", country="VN",
                                                 registration_id=" abc-123 ")
    assert len(hits) == 1


def test_a_ban_matches_a_similar_name_in_the_same_country():
    make_blacklist_entry(make_supplier(legal_name="Jiangxi Tungsten Co., Ltd.", country="CN", registration_id=""))
    assert compliance_service.matching_blacklist_entries(legal_name="JIANGXI TUNGSTEN COMPANY LIMITED", country="CN")


def test_the_same_banned_name_in_another_country_is_a_doubtful_hit():
    make_blacklist_entry(make_supplier(legal_name="Jiangxi Tungsten Co., Ltd.", country="CN", registration_id=""))
    [hit] = compliance_service.blacklist_hits(legal_name="Jiangxi Tungsten Co., Ltd.", country="VN")
    assert not hit.certain and "country differs: Vietnam / China" in hit.reasons


def test_a_lifted_or_ended_ban_matches_nothing():
    lifted = make_blacklist_entry(make_supplier(legal_name="Zeta Mining", registration_id="Z-1"))
    BlacklistEntry.objects.filter(pk=lifted.pk).update(lifted_at=timezone.now())
    make_blacklist_entry(make_supplier(legal_name="Eta Mining", registration_id="E-1"), permanent=False,
                         until=date.today() - timedelta(days=1))
    assert compliance_service.matching_blacklist_entries(legal_name="Zeta Mining", country="CN", registration_id="Z-1") == []
    assert compliance_service.matching_blacklist_entries(legal_name="Eta Mining", country="CN", registration_id="E-1") == []


# ---------------------------------------------------------------- can order


def test_can_order_says_no_to_a_blacklisted_supplier_and_says_why(compliance):
    supplier = in_status(S.ACTIVE)
    ban(supplier, compliance, reason=BlacklistEntry.Reason.SAFETY, permanent=False,
        until=date.today() + timedelta(days=90))
    supplier.refresh_from_db()
    answer = compliance_service.can_order(supplier)
    assert answer.can_order is False
    assert len(answer.reasons) == 1 and answer.reasons[0].startswith("Blacklisted: Safety accident (until ")


def test_can_order_says_no_before_the_supplier_is_qualified():
    answer = compliance_service.can_order(in_status(S.CERTIFICATION))
    assert answer.can_order is False
    assert answer.reasons == ["Status is Certification; orders need a qualified, active or conditional supplier."]


@pytest.mark.parametrize("status", Supplier.APPROVED_STATUSES)
def test_can_order_says_yes_to_an_approved_supplier(status):
    answer = compliance_service.can_order(in_status(status))
    assert answer.can_order is True and answer.reasons == []


def test_can_order_many_answers_for_many_suppliers_in_one_query_per_source_of_order_stops(django_assert_num_queries):
    for _i in range(5):
        make_blacklist_entry(make_supplier())
        make_supplier(status=S.ACTIVE)
    # the suppliers, then blacklist, terminations, suspensions and confirmed sanctions hits
    with django_assert_num_queries(5):
        answers = compliance_service.can_order_many(Supplier.objects.all())
    assert sorted(a.can_order for a in answers) == [False] * 5 + [True] * 5


# ---------------------------------------------------------------- portal profile changes


def test_a_portal_change_cannot_touch_registry_only_fields(supplier_a, supplier_a_user):
    messages = refused(portal.request_profile_change, supplier_a, actor=supplier_a_user, changes={"tier": 2})
    assert messages == ["These fields cannot be changed in the portal: tier"]


def test_a_portal_change_that_changes_nothing_is_refused(supplier_a, supplier_a_user):
    messages = refused(portal.request_profile_change, supplier_a, actor=supplier_a_user,
                       changes={"legal_name": supplier_a.legal_name})
    assert messages == ["Nothing was changed."]


def test_a_portal_change_with_an_invalid_value_is_refused(supplier_a, supplier_a_user):
    with pytest.raises(ValidationError) as caught:
        portal.request_profile_change(supplier_a, actor=supplier_a_user, changes={"website": "not a web address"})
    assert "website" in caught.value.message_dict
    assert not ProfileChangeRequest.objects.exists()


def test_a_second_pending_portal_change_is_refused(supplier_a, supplier_a_user):
    portal.request_profile_change(supplier_a, actor=supplier_a_user, changes={"address": "1 Harbour Road"})
    messages = refused(portal.request_profile_change, supplier_a, actor=supplier_a_user,
                       changes={"address": "2 Harbour Road"})
    assert messages == ["A profile change is already waiting for review."]


def test_a_portal_change_applies_at_once_when_the_policy_needs_no_approval(supplier_a, supplier_a_user):
    PolicySettings.objects.update_or_create(pk=1, defaults={"profile_changes_need_approval": False})
    assert portal.request_profile_change(supplier_a, actor=supplier_a_user,
                                         changes={"address": "1 Harbour Road"}) is None
    supplier_a.refresh_from_db()
    assert supplier_a.address == "1 Harbour Road" and not ProfileChangeRequest.objects.exists()


def test_a_reviewed_portal_change_cannot_be_reviewed_again(compliance, supplier_a, supplier_a_user):
    request = portal.request_profile_change(supplier_a, actor=supplier_a_user, changes={"address": "1 Harbour Road"})
    portal.review_profile_change(request, actor=compliance, approve=True)
    assert refused(portal.review_profile_change, request, actor=compliance, approve=False, comment="No.") == [
        "This request was already reviewed."]


def test_rejecting_a_portal_change_needs_a_comment(compliance, supplier_a, supplier_a_user):
    request = portal.request_profile_change(supplier_a, actor=supplier_a_user, changes={"address": "1 Harbour Road"})
    assert refused(portal.review_profile_change, request, actor=compliance, approve=False) == [
        "comment: say why the change is rejected."]
    request.refresh_from_db()
    assert request.status == ProfileChangeRequest.Status.PENDING


def test_approving_a_portal_change_applies_it(compliance, supplier_a, supplier_a_user):
    request = portal.request_profile_change(supplier_a, actor=supplier_a_user, changes={"address": "1 Harbour Road"})
    portal.review_profile_change(request, actor=compliance, approve=True)
    supplier_a.refresh_from_db()
    assert supplier_a.address == "1 Harbour Road"
    assert AuditEvent.objects.filter(supplier=supplier_a, action="supplier.updated").exists()


def test_rejecting_a_portal_change_leaves_the_supplier_unchanged(compliance, supplier_a, supplier_a_user):
    request = portal.request_profile_change(supplier_a, actor=supplier_a_user, changes={"address": "1 Harbour Road"})
    portal.review_profile_change(request, actor=compliance, approve=False, comment="Address not verified.")
    supplier_a.refresh_from_db()
    request.refresh_from_db()
    assert supplier_a.address == "" and request.status == ProfileChangeRequest.Status.REJECTED
