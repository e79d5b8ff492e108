"""Fast onboarding: the whole checklist in one save (all or nothing), several files in one upload."""

import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from supplyesg.core.models import AuditEvent
from supplyesg.suppliers.models import Document, QualificationEvidenceFile, QualificationItem, SignedAgreement, Supplier
from supplyesg.suppliers.services import lifecycle
from tests.factories import make_agreement_type, pdf_upload

K = QualificationItem.Kind


def _stored_files() -> set[str]:
    found = set()
    for root, _dirs, files in os.walk(settings.MEDIA_ROOT):
        found.update(os.path.join(root, f) for f in files)
    return found


@pytest.fixture
def in_review(supplier_a, compliance):
    supplier_a.status = Supplier.Status.PROSPECT
    supplier_a.save()
    return lifecycle.start_qualification_review(supplier_a, actor=compliance)


def _row(item, *, files=(), note="", verdict="", comment=""):
    prefix = f"item{item.pk}"
    return {f"{prefix}-evidence": list(files), f"{prefix}-evidence_note": note, f"{prefix}-verdict": verdict,
            f"{prefix}-comment": comment}


def _everything_passing(items):
    data = {}
    for item in items:
        verdict = "na" if item.kind in QualificationItem.OPTIONAL_KINDS else "pass"
        data.update(_row(item, files=[pdf_upload(f"{item.kind}-1.pdf"), pdf_upload(f"{item.kind}-2.pdf")],
                         note="Checked on site.", verdict=verdict))
    return data


def test_the_whole_checklist_is_saved_in_one_form_with_several_files_per_item(client, compliance, in_review):
    items = list(in_review.qualification_items.all())
    client.force_login(compliance)
    response = client.post(f"/suppliers/{in_review.pk}/qualification/", _everything_passing(items))
    assert response.status_code == 302
    assert lifecycle.qualification_problems(in_review) == []
    assert QualificationEvidenceFile.objects.filter(supplier=in_review).count() == len(items)  # beside the main file
    assert all(i.evidence for i in in_review.qualification_items.all())
    assert AuditEvent.objects.filter(action="qualification.reviewed", supplier=in_review).count() == len(items)
    assert AuditEvent.objects.filter(action="qualification.evidence", supplier=in_review).count() == len(items)
    page = client.get(f"/suppliers/{in_review.pk}/?tab=admission").content.decode()
    assert "business_licence-2.pdf" in page


def test_one_invalid_item_saves_nothing_and_the_error_stands_at_that_item(client, compliance, in_review):
    items = list(in_review.qualification_items.all())
    data = _everything_passing(items)
    labour = next(i for i in items if i.kind == K.LABOUR)
    data.update(_row(labour, verdict="pass"))  # no file, no note: it cannot pass
    before = _stored_files()
    client.force_login(compliance)
    response = client.post(f"/suppliers/{in_review.pk}/qualification/", data)
    assert response.status_code == 400
    html = response.content.decode()
    section = html[html.index(f'id="checklist-item-{labour.pk}"'):]
    section = section[: section.index("</section>")]
    assert "cannot pass without evidence" in section
    assert not QualificationItem.objects.filter(supplier=in_review).exclude(verdict="pending").exists()
    assert not QualificationEvidenceFile.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="qualification.", supplier=in_review).exists()
    assert _stored_files() == before  # the files stored on the way were removed


def test_a_failing_verdict_without_a_comment_is_refused_at_its_item(client, compliance, in_review):
    item = in_review.qualification_items.get(kind=K.LEGAL_DISPUTES)
    client.force_login(compliance)
    response = client.post(f"/suppliers/{in_review.pk}/qualification/", _row(item, note="Two open cases.", verdict="fail"))
    assert response.status_code == 400
    assert "say why the item fails" in response.content.decode()
    item.refresh_from_db()
    assert item.verdict == "pending" and item.evidence_note == ""


def test_a_file_of_a_refused_type_is_named_and_nothing_is_kept(client, compliance, in_review):
    item = in_review.qualification_items.get(kind=K.BUSINESS_LICENCE)
    bad = SimpleUploadedFile("licence.exe", b"MZ...", content_type="application/octet-stream")
    client.force_login(compliance)
    response = client.post(f"/suppliers/{in_review.pk}/qualification/",
                           _row(item, files=[pdf_upload("licence.pdf"), bad], verdict="pass"))
    assert response.status_code == 400
    assert "licence.exe" in response.content.decode()
    assert not QualificationEvidenceFile.objects.exists()


def test_read_only_staff_cannot_use_the_checklist_form(client, viewer, in_review):
    client.force_login(viewer)
    assert client.post(f"/suppliers/{in_review.pk}/qualification/", {}).status_code == 403


def test_several_documents_are_uploaded_at_once_each_a_document_of_its_own(client, compliance, supplier_a):
    client.force_login(compliance)
    response = client.post(f"/suppliers/{supplier_a.pk}/documents/upload-many/", {
        "doc_type": "licence", "title": "", "issue_date": "2026-01-05", "expiry_date": "",
        "files": [pdf_upload("licence-page-1.pdf"), pdf_upload("licence-page-2.pdf"), pdf_upload("licence-page-3.pdf")],
    })
    assert response.status_code == 302
    titles = sorted(Document.objects.filter(supplier=supplier_a).values_list("title", flat=True))
    assert titles == ["licence-page-1", "licence-page-2", "licence-page-3"]


def test_several_documents_with_one_bad_date_keep_none(client, compliance, supplier_a):
    client.force_login(compliance)
    response = client.post(f"/suppliers/{supplier_a.pk}/documents/upload-many/", {
        "doc_type": "licence", "issue_date": "2026-01-05", "expiry_date": "2025-01-05",
        "files": [pdf_upload("a.pdf"), pdf_upload("b.pdf")],
    })
    assert response.status_code == 400
    assert "before the issue date" in response.content.decode()
    assert not Document.objects.filter(supplier=supplier_a).exists()


def test_five_signed_agreements_are_recorded_in_one_upload(client, procurement, supplier_a):
    types = [make_agreement_type(required_for_all=True) for _ in range(5)]
    client.force_login(procurement)
    form = client.get(f"/suppliers/{supplier_a.pk}/agreements/scans/").content.decode()
    assert all(t.name in form for t in types)
    data = {"signer-signer_name": "Li Wei", "signer-signer_title": "General manager",
            "scans-TOTAL_FORMS": "5", "scans-INITIAL_FORMS": "0"}
    for index, agreement_type in enumerate(types):
        data.update({f"scans-{index}-agreement_type": agreement_type.pk, f"scans-{index}-signed_at": "2026-11-2" + str(index),
                     f"scans-{index}-scan": pdf_upload(f"signed-{index}.pdf")})
    response = client.post(f"/suppliers/{supplier_a.pk}/agreements/scans/", data)
    assert response.status_code == 302
    assert SignedAgreement.objects.in_force().filter(supplier=supplier_a, method="scan").count() == 5
    assert lifecycle.missing_agreements(supplier_a) == []
    assert AuditEvent.objects.filter(action="agreement.signed", supplier=supplier_a).count() == 5


def test_a_future_signing_date_in_one_row_records_no_agreement(client, procurement, supplier_a):
    first, second = make_agreement_type(required_for_all=True), make_agreement_type(required_for_all=True)
    client.force_login(procurement)
    response = client.post(f"/suppliers/{supplier_a.pk}/agreements/scans/", {
        "signer-signer_name": "Li Wei", "signer-signer_title": "General manager",
        "scans-TOTAL_FORMS": "2", "scans-INITIAL_FORMS": "0",
        "scans-0-agreement_type": first.pk, "scans-0-signed_at": "2026-11-20", "scans-0-scan": pdf_upload("one.pdf"),
        "scans-1-agreement_type": second.pk, "scans-1-signed_at": "2099-01-01", "scans-1-scan": pdf_upload("two.pdf"),
    })
    assert response.status_code == 400
    assert "in the future" in response.content.decode()
    assert not SignedAgreement.objects.filter(supplier=supplier_a).exists()
